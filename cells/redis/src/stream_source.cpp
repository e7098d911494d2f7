#include "cellflow/redis/stream_source.hpp"

#include <unistd.h>

#include <deque>
#include <mutex>

#include "cellflow/error.hpp"
#include "redis_client.hpp"
#include "stream_params.hpp"

namespace cellflow::redis {
namespace {

constexpr int kReadCount = 32;  // entries fetched per read

struct Entry {
  std::string id;
  nlohmann::json fields = nlohmann::json::object();  // nil fields: the entry was trimmed
  bool trimmed = false;
};

// Acknowledges entries from the pipeline's completion threads, on a connection of its own.
struct Acknowledger {
  std::mutex mutex;
  RedisClient client;
  std::string stream, group;
  Acknowledger(const std::string& url, std::string s, std::string g)
      : client(url), stream(std::move(s)), group(std::move(g)) {}
  void ack(const std::string& id) {
    std::lock_guard lock(mutex);
    client.command({"XACK", stream, group, id});
  }
};

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "cellflow";
  return name;
}

// The entries of an XREADGROUP reply: [[stream, [[id, [field, value, ...]], ...]]] or nil.
std::deque<Entry> entries_of(ReplyView reply) {
  std::deque<Entry> out;
  if (reply.is_nil() || reply.size() == 0) return out;
  const ReplyView list = reply[0][1];
  for (std::size_t i = 0; i < list.size(); ++i) {
    Entry entry;
    entry.id = std::string(list[i][0].str());
    const ReplyView fields = list[i][1];
    entry.trimmed = fields.is_nil();
    for (std::size_t f = 0; f + 1 < fields.size(); f += 2)
      entry.fields[std::string(fields[f].str())] = std::string(fields[f + 1].str());
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace

struct RedisStreamSource::State {
  std::unique_ptr<RedisClient> client;
  std::shared_ptr<Acknowledger> acks;
  std::string consumer;
  bool pending_phase = true;  // first this consumer's unacknowledged entries, then new ones
  std::string last_pending = "0";
  std::deque<Entry> buffer;
};

RedisStreamSource::RedisStreamSource() = default;
RedisStreamSource::~RedisStreamSource() = default;

void RedisStreamSource::configure(const nlohmann::json& params) {
  std::vector<std::string> problems = assign_params(params);
  check_redis_url(*redis, problems);
  if (!problems.empty()) throw Error(problems);
}

void RedisStreamSource::open() {
  state_ = std::make_unique<State>();
  state_->client = std::make_unique<RedisClient>(*redis);
  state_->consumer = consumer->empty() ? host_name() : *consumer;
  try {
    state_->client->command({"XGROUP", "CREATE", *stream, *group, *start, "MKSTREAM"});
  } catch (const RedisError& e) {
    if (std::string(e.what()).find("BUSYGROUP") == std::string::npos) throw;
  }
  state_->acks = std::make_shared<Acknowledger>(*redis, *stream, *group);
}

void RedisStreamSource::close() { state_.reset(); }

void RedisStreamSource::process(Context& ctx) {
  State& s = *state_;
  const std::string count = std::to_string(kReadCount);
  if (s.buffer.empty() && s.pending_phase) {
    s.buffer = entries_of(
        RedisClient::view(s.client->command({"XREADGROUP", "GROUP", *group, s.consumer, "COUNT",
                                             count, "STREAMS", *stream, s.last_pending})));
    if (s.buffer.empty())
      s.pending_phase = false;
    else
      s.last_pending = s.buffer.back().id;
  }
  if (s.buffer.empty()) {
    const std::string block = std::to_string(*block_ms);
    std::vector<std::string_view> args{"XREADGROUP", "GROUP", *group, s.consumer, "COUNT", count};
    if (*follow) args.insert(args.end(), {"BLOCK", block});
    args.insert(args.end(), {"STREAMS", *stream, ">"});
    s.buffer = entries_of(RedisClient::view(s.client->command(args)));
  }
  if (s.buffer.empty()) {
    if (!*follow) ctx.end_of_stream();
    return;  // following an idle stream: an empty item, then read again
  }
  Entry entry = std::move(s.buffer.front());
  s.buffer.pop_front();
  ctx.on_complete([acks = s.acks, id = entry.id](bool delivered) {
    if (delivered) acks->ack(id);
  });
  if (entry.trimmed) return;  // trimmed before it was read again: acknowledged, nothing to emit
  if (const auto found = entry.fields.find(*field); found != entry.fields.end())
    ctx.emit(data, found->get<std::string>());
  entry.fields["_id"] = entry.id;
  ctx.emit(json, std::move(entry.fields));
}

}  // namespace cellflow::redis
