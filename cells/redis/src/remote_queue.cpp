#include "remote_queue.hpp"

#include <unistd.h>

#include <random>
#include <stdexcept>

#include "cellflow/error.hpp"

namespace cellflow::redis {
namespace {

constexpr int kReplyTtlSeconds = 120;  // a reply stream outlives its coordinator by this much

std::string random_id() {
  std::random_device device;
  return std::to_string(::getpid()) + "-" + std::to_string(device()) + std::to_string(device());
}

}  // namespace

RemoteQueue::RemoteQueue(RemoteQueueOptions options)
    : options_(std::move(options)), reply_key_("cellflow:reply:" + random_id()) {
  reader_ = std::thread([this] { read_replies(); });
}

RemoteQueue::~RemoteQueue() {
  stop_ = true;
  reader_.join();
  fail_all("the pipeline stopped");
}

std::string RemoteQueue::unavailable(const std::string& why) const {
  return "remote queue '" + options_.queue + "' unavailable: " + why;
}

std::future<Fields> RemoteQueue::call(Fields task) {
  const std::string id = std::to_string(next_id_++);
  task["id"] = id;
  task["reply"] = reply_key_;
  if (const std::size_t size = size_of(task); size > options_.max_entry_bytes)
    throw std::invalid_argument("remote queue '" + options_.queue + "': the values take " +
                                std::to_string(size) + " bytes, over the limit of " +
                                std::to_string(options_.max_entry_bytes) + " for one entry");
  std::future<Fields> reply;
  {
    std::lock_guard lock(pending_mutex_);
    reply = pending_[id].get_future();
  }
  const std::string key = queue_key(options_.queue), cap = std::to_string(options_.maxlen);
  std::vector<std::string_view> args{"XADD", key, "MAXLEN", "~", cap, "*"};
  for (const auto& [name, value] : task) args.insert(args.end(), {name, value});
  try {
    std::lock_guard lock(send_mutex_);
    if (!sender_) sender_ = std::make_unique<RedisClient>(options_.redis);
    sender_->command(args);
  } catch (const RedisError& e) {
    {
      std::lock_guard lock(send_mutex_);
      sender_.reset();  // reconnect on the next call
    }
    std::lock_guard lock(pending_mutex_);
    pending_.erase(id);
    throw Unavailable(unavailable(e.what()));
  }
  return reply;
}

nlohmann::json RemoteQueue::workers() {
  nlohmann::json live = nlohmann::json::array();
  try {
    std::lock_guard lock(send_mutex_);
    if (!sender_) sender_ = std::make_unique<RedisClient>(options_.redis);
    const auto keys = sender_->command({"KEYS", "cellflow:worker:" + options_.queue + ":*"});
    for (std::size_t i = 0; i < RedisClient::view(keys).size(); ++i) {
      const auto info = sender_->command({"GET", RedisClient::view(keys)[i].str()});
      if (RedisClient::view(info).is_nil()) continue;  // expired meanwhile
      live.push_back(nlohmann::json::parse(RedisClient::view(info).str(), nullptr, false));
    }
  } catch (const RedisError& e) {
    std::lock_guard lock(send_mutex_);
    sender_.reset();
    return {{"queue", options_.queue}, {"error", unavailable(e.what())}};
  }
  return {{"queue", options_.queue}, {"workers", std::move(live)}};
}

void RemoteQueue::read_replies() {
  std::string last_id = "0";
  auto backoff = std::chrono::milliseconds(50);
  while (!stop_) {
    try {
      RedisClient client(options_.redis);
      backoff = std::chrono::milliseconds(50);
      while (!stop_) read_once(client, last_id);
    } catch (const RedisError& e) {
      fail_all(e.what());
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
    }
  }
}

bool RemoteQueue::read_once(RedisClient& client, std::string& last_id) {
  const auto reply =
      client.command({"XREAD", "COUNT", "64", "BLOCK", "200", "STREAMS", reply_key_, last_id});
  client.command({"EXPIRE", reply_key_, std::to_string(kReplyTtlSeconds)});
  const ReplyView streams = RedisClient::view(reply);
  if (streams.is_nil() || streams.size() == 0) return false;
  const ReplyView entries = streams[0][1];
  for (std::size_t i = 0; i < entries.size(); ++i) {
    last_id = std::string(entries[i][0].str());
    Fields fields = entry_fields(entries[i]);
    std::lock_guard lock(pending_mutex_);
    const auto found = pending_.find(fields["id"]);
    if (found == pending_.end()) continue;  // a duplicate, or a call that already failed
    found->second.set_value(std::move(fields));
    pending_.erase(found);
  }
  return true;
}

void RemoteQueue::fail_all(const std::string& why) {
  std::lock_guard lock(pending_mutex_);
  for (auto& [id, promise] : pending_)
    promise.set_exception(std::make_exception_ptr(Unavailable(unavailable(why))));
  pending_.clear();
}

}  // namespace cellflow::redis
