// Reply: one HTTP answer of the inference service, independent of the HTTP library, so the
// service logic never sees httplib types.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace cellflow::server {

struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;

  /// `status` with `body` serialized as JSON.
  static Reply json(int status, const nlohmann::json& body);
  /// {"error": message}; 429 and 503 also carry "Retry-After: 1" (the client may try again).
  static Reply error(int status, const std::string& message);
};

}  // namespace cellflow::server
