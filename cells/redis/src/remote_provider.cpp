// The "remote" entry of a cell's config: {"redis": URL, "queue": NAME, "clones": N,
// "timeout_ms": MS, "max_entry_mb": MB}. N clones (default 1) send their calls to the queue.
#include <memory>

#include "cellflow/error.hpp"
#include "cellflow/redis/redis.hpp"
#include "remote_clone.hpp"

namespace cellflow::redis {
namespace {

template <class T>
T option(const nlohmann::json& options, const char* key, T fallback,
         std::vector<std::string>& problems) {
  if (!options.contains(key)) return fallback;
  try {
    return options[key].get<T>();
  } catch (const nlohmann::json::exception&) {
    problems.push_back(std::string(key) + ": expected " +
                       (std::is_same_v<T, std::string> ? "a string" : "a number") + ", got " +
                       options[key].dump());
    return fallback;
  }
}

Registry::RemoteClones remote_clones(const nlohmann::json& options,
                                     std::shared_ptr<const CodecRegistry> codecs) {
  if (!options.is_object()) throw Error("expected an object {\"redis\", \"queue\", \"clones\"}");
  std::vector<std::string> problems;
  for (const auto& [key, value] : options.items())
    if (key != "redis" && key != "queue" && key != "clones" && key != "timeout_ms" &&
        key != "max_entry_mb" && key != "claim_idle_ms")
      problems.push_back(key + ": unknown key");
  RemoteQueueOptions queue;
  queue.redis = option<std::string>(options, "redis", queue.redis, problems);
  queue.queue = option<std::string>(options, "queue", "", problems);
  queue.max_entry_bytes =
      option<std::size_t>(options, "max_entry_mb", 64, problems) * (std::size_t{1} << 20);
  const int clones = option<int>(options, "clones", 1, problems);
  const auto timeout =
      std::chrono::milliseconds(option<int>(options, "timeout_ms", 60000, problems));
  if (queue.queue.empty()) problems.push_back("queue: required (the queue's name)");
  if (clones < 1) problems.push_back("clones: must be at least 1");
  try {
    RedisUrl::parse(queue.redis);
  } catch (const std::invalid_argument& e) {
    problems.push_back(std::string("redis: ") + e.what());
  }
  if (!problems.empty()) throw Error(problems);
  // One queue (connections, reply reader) per group, made when the first clone opens.
  auto shared = std::make_shared<std::shared_ptr<RemoteQueue>>();
  auto mutex = std::make_shared<std::mutex>();
  auto make = [queue, shared, mutex, codecs, timeout](const Cell& prototype, int) {
    std::lock_guard lock(*mutex);
    if (!*shared) *shared = std::make_shared<RemoteQueue>(queue);
    return std::unique_ptr<Cell>(new RemoteClone(prototype, *shared, codecs, timeout));
  };
  return {clones, make};
}

}  // namespace

void add_remote_clones(ScaleUp& scale, const nlohmann::json& options, const CodecRegistry& codecs) {
  Registry::RemoteClones remote =
      remote_clones(options, std::make_shared<const CodecRegistry>(codecs));
  scale.remote = remote.clones;
  scale.make_remote = std::move(remote.make);
  scale.clones += remote.clones;
}

void register_redis(Registry& registry, const CodecRegistry& codecs) {
  register_redis(registry);
  auto shared = std::make_shared<const CodecRegistry>(codecs);
  registry.set_remote_provider(
      [shared](const nlohmann::json& options) { return remote_clones(options, shared); });
}

}  // namespace cellflow::redis
