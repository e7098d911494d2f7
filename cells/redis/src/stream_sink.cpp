#include "cellflow/redis/stream_sink.hpp"

#include "cellflow/error.hpp"
#include "redis_client.hpp"
#include "stream_params.hpp"

namespace cellflow::redis {

struct RedisStreamSink::State {
  std::unique_ptr<RedisClient> client;
};

RedisStreamSink::RedisStreamSink() = default;
RedisStreamSink::~RedisStreamSink() = default;

void RedisStreamSink::configure(const nlohmann::json& params) {
  std::vector<std::string> problems = assign_params(params);
  check_redis_url(*redis, problems);
  if (!problems.empty()) throw Error(problems);
}

void RedisStreamSink::open() {
  state_ = std::make_unique<State>();
  state_->client = std::make_unique<RedisClient>(*redis);
}

void RedisStreamSink::close() { state_.reset(); }

void RedisStreamSink::process(Context& ctx) {
  const nlohmann::json& value = ctx.get(in);
  std::vector<std::string> owned;  // field names and values; args view them
  if (value.is_object()) {
    for (const auto& [key, member] : value.items()) {
      owned.push_back(key);
      owned.push_back(member.is_string() ? member.get<std::string>() : member.dump());
    }
  } else {
    owned.push_back(*field);
    owned.push_back(value.dump());
  }
  const std::string cap = std::to_string(*maxlen);
  std::vector<std::string_view> args{"XADD", *stream};
  if (*maxlen > 0) args.insert(args.end(), {"MAXLEN", "~", cap});
  args.push_back("*");
  if (owned.empty()) owned = {*field, "{}"};  // an entry needs a field: the empty object
  args.insert(args.end(), owned.begin(), owned.end());
  state_->client->command(args);
}

}  // namespace cellflow::redis
