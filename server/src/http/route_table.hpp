// RouteTable: the server's route templates ("/v2/models/{name}/infer"), used to label metrics
// by route (never by raw path, which would make label cardinality unbounded) and to tell a wrong
// method on a known route (405) from an unknown route (404). Immutable, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cellflow::server {

class RouteTable {
 public:
  struct Route {
    std::string method;   // GET or POST
    std::string pattern;  // "/v2/models/{name}/infer"; "{...}" matches one non-empty segment
  };

  /// The routes served by HttpServer.
  static RouteTable kserve();

  explicit RouteTable(std::vector<Route> routes) : routes_(std::move(routes)) {}

  /// The template matching `path` (any method), or "unmatched".
  std::string route_of(std::string_view path) const;
  /// Methods allowed on `path`, comma separated ("GET"); empty for an unknown route.
  std::string allowed_methods(std::string_view path) const;
  /// True when `pattern` matches `path` segment by segment.
  static bool matches(std::string_view pattern, std::string_view path);

 private:
  std::vector<Route> routes_;
};

}  // namespace cellflow::server
