// The Redis Streams cells. Register them next to the built-in cells:
//
//   cellflow::Registry registry = cellflow::cells::builtin_registry();
//   cellflow::redis::register_redis(registry);
#pragma once

#include "cellflow/codecs/codec.hpp"
#include "cellflow/registry.hpp"

namespace cellflow::redis {

/// Registers RedisStreamSource and RedisStreamSink.
void register_redis(Registry& registry);
/// The same, and remote clones: a cell's config entry may say
/// "remote": {"redis": URL, "queue": NAME, "clones": N} to have N more clones served by
/// `cellflow worker` processes reading that queue; values travel encoded by `codecs`.
void register_redis(Registry& registry, const CodecRegistry& codecs);

}  // namespace cellflow::redis
