// The Redis Streams cells. Register them next to the built-in cells:
//
//   cellflow::Registry registry = cellflow::cells::builtin_registry();
//   cellflow::redis::register_redis(registry);
#pragma once

#include "cellflow/registry.hpp"

namespace cellflow::redis {

/// Registers RedisStreamSource and RedisStreamSink.
void register_redis(Registry& registry);

}  // namespace cellflow::redis
