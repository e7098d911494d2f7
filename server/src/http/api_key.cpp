#include "api_key.hpp"

#include <cstddef>

namespace cellflow::server {

bool ApiKey::allows(std::string_view authorization) const {
  if (key_.empty()) return true;
  constexpr std::string_view kScheme = "Bearer ";
  const std::string_view token = authorization.substr(0, kScheme.size()) == kScheme
                                     ? authorization.substr(kScheme.size())
                                     : std::string_view();
  // Touches every byte of the token whatever its content; only its length can leak.
  unsigned difference = token.size() == key_.size() ? 0u : 1u;
  for (std::size_t i = 0; i < token.size(); ++i) {
    difference |=
        static_cast<unsigned char>(token[i]) ^ static_cast<unsigned char>(key_[i % key_.size()]);
  }
  return difference == 0 && !token.empty();
}

}  // namespace cellflow::server
