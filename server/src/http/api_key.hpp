// ApiKey: checks "Authorization: Bearer <key>" headers in constant time (no early exit on the
// first differing byte, so response timing does not reveal the key). Immutable, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace cellflow::server {

class ApiKey {
 public:
  /// An empty key allows every request.
  explicit ApiKey(std::string key) : key_(std::move(key)) {}

  bool required() const { return !key_.empty(); }
  /// True when no key is required or `authorization` is exactly "Bearer <key>".
  bool allows(std::string_view authorization) const;

 private:
  std::string key_;
};

}  // namespace cellflow::server
