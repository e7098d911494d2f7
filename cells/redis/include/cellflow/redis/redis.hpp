// The Redis Streams cells. Register them next to the built-in cells:
//
//   cellflow::Registry registry = cellflow::cells::builtin_registry();
//   cellflow::redis::register_redis(registry);
#pragma once

#include "cellflow/codecs/codec.hpp"
#include "cellflow/registry.hpp"
#include "cellflow/scale_up.hpp"

namespace cellflow::redis {

/// Registers RedisStreamSource and RedisStreamSink.
void register_redis(Registry& registry);
/// The same, and remote clones: a cell's config entry may say
/// "remote": {"redis": URL, "queue": NAME, "clones": N} to have N more clones served by
/// `cellflow worker` processes reading that queue; values travel encoded by `codecs`.
void register_redis(Registry& registry, const CodecRegistry& codecs);

/// Remote clones from C++, as a config's "remote" entry gives them: adds options["clones"]
/// (default 1) clones served by `cellflow worker` processes to `scale`, after its local ones.
///   cellflow::ScaleUp scale{.clones = 1};   // one local clone
///   cellflow::redis::add_remote_clones(scale, {{"queue", "detect"}, {"clones", 4}}, codecs);
///   pipeline.add<Detector>("detect", {}, scale);
/// Throws Error listing the problems of `options`.
void add_remote_clones(ScaleUp& scale, const nlohmann::json& options, const CodecRegistry& codecs);

}  // namespace cellflow::redis
