#include "redis_client.hpp"

#include <hiredis/hiredis.h>

#include <charconv>

namespace cellflow::redis {
namespace {

int parse_int(std::string_view text, const std::string& url, const char* what) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0)
    throw std::invalid_argument("invalid Redis URL '" + url + "': bad " + what + " '" +
                                std::string(text) + "'");
  return value;
}

timeval to_timeval(std::chrono::milliseconds timeout) {
  return {static_cast<time_t>(timeout.count() / 1000),
          static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
}

}  // namespace

RedisUrl RedisUrl::parse(const std::string& url) {
  constexpr std::string_view kScheme = "redis://";
  if (url.rfind(kScheme, 0) != 0)
    throw std::invalid_argument("invalid Redis URL '" + url +
                                "': expected redis://HOST[:PORT][/DB]");
  std::string_view rest = std::string_view(url).substr(kScheme.size());
  RedisUrl parsed;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    parsed.db = parse_int(rest.substr(slash + 1), url, "database");
    rest = rest.substr(0, slash);
  }
  if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    parsed.port = parse_int(rest.substr(colon + 1), url, "port");
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) throw std::invalid_argument("invalid Redis URL '" + url + "': no host");
  parsed.host = std::string(rest);
  return parsed;
}

bool ReplyView::is_nil() const { return reply_ == nullptr || reply_->type == REDIS_REPLY_NIL; }
bool ReplyView::is_array() const { return reply_ != nullptr && reply_->type == REDIS_REPLY_ARRAY; }
std::string_view ReplyView::str() const {
  if (reply_ == nullptr || reply_->str == nullptr) return {};
  return {reply_->str, reply_->len};
}
long long ReplyView::integer() const { return reply_ ? reply_->integer : 0; }
std::size_t ReplyView::size() const { return is_array() ? reply_->elements : 0; }
ReplyView ReplyView::operator[](std::size_t i) const {
  return ReplyView(i < size() ? reply_->element[i] : nullptr);
}

RedisClient::RedisClient(const std::string& url, std::chrono::milliseconds timeout) : url_(url) {
  const RedisUrl where = RedisUrl::parse(url);
  const timeval tv = to_timeval(timeout);
  context_ = redisConnectWithTimeout(where.host.c_str(), where.port, tv);
  if (context_ == nullptr || context_->err) {
    const std::string why = context_ ? context_->errstr : "out of memory";
    if (context_) redisFree(context_);
    context_ = nullptr;
    throw RedisError("cannot connect to Redis at " + url + ": " + why);
  }
  if (where.db != 0) command({"SELECT", std::to_string(where.db)});
}

RedisClient::~RedisClient() {
  if (context_) redisFree(context_);
}

RedisClient::Reply RedisClient::command(const std::vector<std::string_view>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const auto arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  auto* raw = static_cast<redisReply*>(
      redisCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lengths.data()));
  if (raw == nullptr)
    throw RedisError("Redis at " + url_ + ": " +
                     (context_->errstr[0] ? context_->errstr : "no reply"));
  Reply reply(raw, [](redisReply* r) { freeReplyObject(r); });
  if (raw->type == REDIS_REPLY_ERROR)
    throw RedisError("Redis at " + url_ + " refused " + std::string(args.front()) + ": " +
                     std::string(raw->str, raw->len));
  return reply;
}

}  // namespace cellflow::redis
