#include "reply.hpp"

namespace cellflow::server {

Reply Reply::json(int status, const nlohmann::json& body) {
  Reply reply;
  reply.status = status;
  // Replace invalid UTF-8 (e.g. from an exception message) instead of throwing.
  reply.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return reply;
}

Reply Reply::error(int status, const std::string& message) {
  Reply reply = json(status, {{"error", message}});
  if (status == 429 || status == 503) reply.headers.emplace_back("Retry-After", "1");
  return reply;
}

}  // namespace cellflow::server
