#include "cellflow/redis/worker.hpp"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "cellflow/error.hpp"
#include "cellflow/loader.hpp"
#include "cellflow/pipeline.hpp"
#include "redis_client.hpp"
#include "remote_queue.hpp"
#include "worker_config.hpp"

namespace cellflow::redis {
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kGroup = "workers";

std::string consumer_name() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return std::string(host[0] ? host : "worker") + "-" + std::to_string(::getpid());
}

struct Task {
  std::string entry_id;
  Fields fields;
};

std::vector<Task> tasks_of(ReplyView entries) {
  std::vector<Task> tasks;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    tasks.push_back({std::string(entries[i][0].str()), entry_fields(entries[i])});
  }
  return tasks;
}

// Serves one queue with one pipeline: reads tasks, submits them, writes replies.
class Worker {
 public:
  Worker(const WorkerConfig& config, const CodecRegistry& codecs)
      : config_(config),
        codecs_(codecs),
        key_(RemoteQueue::queue_key(config.queue)),
        consumer_(consumer_name()) {
    connect();  // at start, an unreachable Redis is an error
  }

  // Serves until `stop`; when Redis goes away, reconnects with backoff (tasks in flight whose
  // replies could not be written stay unacknowledged, for a live worker to claim).
  void serve(Pipeline& pipeline, const std::atomic<bool>& stop) {
    auto beat = Clock::time_point{};
    auto backoff = std::chrono::milliseconds(100);
    while (!stop) {
      try {
        if (!reader_) connect();
        if (Clock::now() - beat > std::chrono::seconds(1)) {
          heartbeat();
          beat = Clock::now();
        }
        for (Task& task : next_tasks()) submit(pipeline, std::move(task));
        backoff = std::chrono::milliseconds(100);
      } catch (const RedisError&) {
        disconnect();
        std::this_thread::sleep_for(backoff);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
      }
    }
  }

 private:
  void connect() {
    auto reader = std::make_unique<RedisClient>(config_.redis);
    try {
      reader->command({"XGROUP", "CREATE", key_, kGroup, "0", "MKSTREAM"});
    } catch (const RedisError& e) {
      if (std::string(e.what()).find("BUSYGROUP") == std::string::npos) throw;
    }
    auto writer = std::make_unique<RedisClient>(config_.redis);
    reader_ = std::move(reader);
    std::lock_guard lock(writer_mutex_);
    writer_ = std::move(writer);
  }

  void disconnect() {
    reader_.reset();
    std::lock_guard lock(writer_mutex_);
    writer_.reset();
  }

  void heartbeat() {
    const nlohmann::json info = {{"id", consumer_},
                                 {"clones", config_.clones},
                                 {"items", done_.load()},
                                 {"claimed", claimed_},
                                 {"pid", ::getpid()}};
    const std::string key = "cellflow:worker:" + config_.queue + ":" + consumer_;
    std::lock_guard lock(writer_mutex_);
    if (writer_) writer_->command({"SET", key, info.dump(), "EX", "5"});
  }

  // Tasks whose worker went quiet first (claimed), then new ones.
  std::vector<Task> next_tasks() {
    const std::string idle = std::to_string(config_.claim_idle_ms);
    auto claimed = tasks_of(RedisClient::view(
        reader_->command({"XAUTOCLAIM", key_, kGroup, consumer_, idle, "0-0", "COUNT", "8"}))[1]);
    claimed_ += claimed.size();
    if (!claimed.empty()) return claimed;
    const auto reply = reader_->command({"XREADGROUP", "GROUP", kGroup, consumer_, "COUNT", "8",
                                         "BLOCK", "200", "STREAMS", key_, ">"});
    const ReplyView streams = RedisClient::view(reply);
    if (streams.is_nil() || streams.size() == 0) return {};
    return tasks_of(streams[0][1]);
  }

  void submit(Pipeline& pipeline, Task task) {
    if (task.fields.count(kBatchField) != 0) return submit_batch(pipeline, std::move(task));
    InputValues inputs;
    try {
      inputs = inputs_of(pipeline, task.fields, "");
    } catch (const std::exception& e) {
      return answer(task, Fields{{"error", std::string("cannot decode the task: ") + e.what()}});
    }
    auto shared = std::make_shared<Task>(std::move(task));
    pipeline.submit(std::move(inputs), [this, &pipeline, shared](Result&& result) {
      answer(*shared, reply_of(pipeline, result));
    });
  }

  InputValues inputs_of(const Pipeline& pipeline, const Fields& fields,
                        const std::string& prefix) const {
    InputValues inputs;
    for (const PortBase* in : pipeline.inputs())
      inputs.emplace(in->name(), get_value(fields, prefix + in->name(), *in, codecs_));
    return inputs;
  }

  // A batch entry: each item goes into the pipeline on its own (the worker's cell forms its own
  // batches from them when its config batches it); one reply carries every item's answer.
  struct BatchReply {
    Task task;
    std::mutex mutex;
    Fields reply;
    std::size_t items = 0, waiting = 0;
  };

  void submit_batch(Pipeline& pipeline, Task task) {
    std::size_t items = 0;
    try {
      items = std::stoul(task.fields.at(kBatchField));
    } catch (const std::exception&) {
    }
    if (items == 0 || items > task.fields.size())  // each item has a field per input
      return answer(task, Fields{{"error", "cannot decode the task: a bad \"batch\" field"}});
    auto batch = std::make_shared<BatchReply>();
    batch->task = std::move(task);
    batch->items = batch->waiting = items;
    for (std::size_t i = 0; i < items; ++i) {
      const std::string prefix = item_key(i, "");
      InputValues inputs;
      try {
        inputs = inputs_of(pipeline, batch->task.fields, prefix);
      } catch (const std::exception& e) {
        add_to_batch(*batch, prefix,
                     Fields{{"error", std::string("cannot decode the task: ") + e.what()}});
        continue;
      }
      pipeline.submit(std::move(inputs), [this, &pipeline, batch, prefix](Result&& result) {
        add_to_batch(*batch, prefix, reply_of(pipeline, result));
      });
    }
  }

  // Adds one item's reply; the last one sends the batch's.
  void add_to_batch(BatchReply& batch, const std::string& prefix, const Fields& item) {
    std::unique_lock lock(batch.mutex);
    for (const auto& [key, value] : item) batch.reply[prefix + key] = value;
    if (--batch.waiting > 0) return;
    lock.unlock();
    answer(batch.task, std::move(batch.reply), batch.items);
  }

  Fields reply_of(const Pipeline& pipeline, const Result& result) const {
    if (!result.ok()) return {{"error", describe(result.error())}};
    Fields reply;
    try {
      for (const PortBase* out : pipeline.outputs()) {
        const auto& values = result.values(out->name());
        reply[out->name() + ".count"] = std::to_string(values.size());
        for (std::size_t i = 0; i < values.size(); ++i)
          put_value(reply, out->name() + "." + std::to_string(i), *out, values[i], codecs_);
      }
    } catch (const std::exception& e) {
      return {{"error", std::string("cannot encode the result: ") + e.what()}};
    }
    return reply;
  }

  // Writes the reply to the coordinator's stream, then acknowledges the task (of `items` items).
  void answer(const Task& task, Fields reply, std::size_t items = 1) {
    reply["id"] = task.fields.count("id") ? task.fields.at("id") : "";
    const std::string to = task.fields.count("reply") ? task.fields.at("reply") : "";
    std::vector<std::string_view> args{"XADD", to, "MAXLEN", "~", "10000", "*"};
    for (const auto& [name, value] : reply) args.insert(args.end(), {name, value});
    std::lock_guard lock(writer_mutex_);
    try {
      if (!writer_) return;  // Redis is away: unacknowledged, claimed later
      if (!to.empty()) writer_->command(args);
      writer_->command({"XACK", key_, kGroup, task.entry_id});
      done_ += items;
    } catch (const RedisError&) {
      // Unacknowledged: after claim_idle_ms a worker claims the task and answers it again.
    }
  }

  const WorkerConfig& config_;
  const CodecRegistry& codecs_;
  std::string key_, consumer_;
  std::unique_ptr<RedisClient> reader_;  // the serving thread's
  std::mutex writer_mutex_;
  std::unique_ptr<RedisClient> writer_;  // replies and heartbeats, from any thread
  std::atomic<std::uint64_t> done_{0};
  std::uint64_t claimed_ = 0;
};

}  // namespace

void run_worker(const WorkerOptions& options, const Registry& registry, const CodecRegistry& codecs,
                const std::atomic<bool>& stop) {
  const WorkerConfig config = worker_config(options, registry);
  auto pipeline = load_pipeline(config.pipeline, registry);
  pipeline->start();
  {
    Worker worker(config, codecs);
    worker.serve(*pipeline, stop);
    pipeline->stop();  // completes the tasks in flight: their replies are written
  }
}

}  // namespace cellflow::redis
