// RedisClient (internal): one hiredis connection from a redis://HOST:PORT[/DB] URL, with
// binary-safe commands and replies that free themselves. Not thread-safe: one per cell instance.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct redisContext;
struct redisReply;

namespace cellflow::redis {

/// A connection or protocol failure, or an error reply ("ERR ...", "BUSYGROUP ...").
class RedisError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RedisUrl {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  /// "redis://HOST[:PORT][/DB]"; throws std::invalid_argument saying what is wrong.
  static RedisUrl parse(const std::string& url);
};

/// A view of one reply element; valid while its RedisReply lives.
class ReplyView {
 public:
  explicit ReplyView(const redisReply* reply) : reply_(reply) {}
  bool is_nil() const;
  bool is_array() const;
  std::string_view str() const;  // strings and statuses
  long long integer() const;
  std::size_t size() const;  // array elements
  ReplyView operator[](std::size_t i) const;

 private:
  const redisReply* reply_;
};

class RedisClient {
 public:
  /// Connects; throws RedisError naming the URL when it cannot.
  explicit RedisClient(const std::string& url,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  using Reply = std::unique_ptr<redisReply, void (*)(redisReply*)>;
  /// Runs one command; throws RedisError for a lost connection or an error reply.
  Reply command(const std::vector<std::string_view>& args);
  static ReplyView view(const Reply& reply) { return ReplyView(reply.get()); }
  const std::string& url() const { return url_; }

 private:
  std::string url_;
  redisContext* context_ = nullptr;
};

}  // namespace cellflow::redis
