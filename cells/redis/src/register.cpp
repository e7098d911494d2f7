#include "cellflow/redis/redis.hpp"
#include "cellflow/redis/stream_sink.hpp"
#include "cellflow/redis/stream_source.hpp"

namespace cellflow::redis {

void register_redis(Registry& registry) {
  registry.add<RedisStreamSource>(
      "RedisStreamSource",
      "entries of a Redis stream through a consumer group, acknowledged once processed");
  registry.add<RedisStreamSink>("RedisStreamSink", "each value becomes an entry of a Redis stream");
}

}  // namespace cellflow::redis
