#pragma once

#include <stdexcept>
#include <string>

namespace cellflow::server {

/// An error with the HTTP status it maps to; the server answers {"error": what()}.
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  int status() const noexcept { return status_; }

 private:
  int status_;
};

}  // namespace cellflow::server
