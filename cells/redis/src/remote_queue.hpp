// RemoteQueue (internal): the coordinator's side of one remote queue. call() appends a task to
// the queue's stream (cellflow:queue:NAME, read by `cellflow worker` processes through the
// consumer group "workers") and returns a future for its reply, which a reader thread takes
// from this process's reply stream (cellflow:reply:ID, expiring when this process is gone).
// A reply that arrives twice (a slow worker whose task was claimed by another) is delivered
// once. When Redis is unreachable, the calls waiting fail with "remote queue 'NAME'
// unavailable: ..." and the reader reconnects with backoff.
#pragma once

#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "redis_client.hpp"
#include "wire_fields.hpp"

namespace cellflow::redis {

struct RemoteQueueOptions {
  std::string redis = "redis://127.0.0.1:6379";
  std::string queue;
  std::size_t max_entry_bytes = 64u << 20;
  std::int64_t maxlen = 100000;  // MAXLEN ~ of the queue stream
};

class RemoteQueue {
 public:
  explicit RemoteQueue(RemoteQueueOptions options);
  ~RemoteQueue();
  RemoteQueue(const RemoteQueue&) = delete;
  RemoteQueue& operator=(const RemoteQueue&) = delete;

  /// Sends `task`; throws std::invalid_argument for an entry over the size limit and
  /// cellflow::Unavailable ("remote queue 'NAME' unavailable: ...") when Redis cannot take it;
  /// the future holds Unavailable too when Redis went away before the reply came.
  std::future<Fields> call(Fields task);
  const std::string& name() const { return options_.queue; }
  /// {"queue": NAME, "workers": [each live worker's announcement]}, or {"queue", "error"} when
  /// Redis cannot be asked.
  nlohmann::json workers();
  static std::string queue_key(const std::string& queue) { return "cellflow:queue:" + queue; }

 private:
  void read_replies();
  bool read_once(RedisClient& client, std::string& last_id);
  void fail_all(const std::string& why);
  std::string unavailable(const std::string& why) const;

  RemoteQueueOptions options_;
  std::string reply_key_;
  std::mutex send_mutex_;
  std::unique_ptr<RedisClient> sender_;
  std::mutex pending_mutex_;
  std::map<std::string, std::promise<Fields>> pending_;
  std::atomic<std::uint64_t> next_id_{0};
  std::atomic<bool> stop_{false};
  std::thread reader_;
};

}  // namespace cellflow::redis
