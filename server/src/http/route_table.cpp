#include "route_table.hpp"

#include <utility>

namespace cellflow::server {
namespace {

// Next '/'-separated segment of `rest` (which starts with '/'), removed from `rest`.
std::string_view next_segment(std::string_view& rest) {
  rest.remove_prefix(1);
  const std::size_t end = rest.find('/');
  const std::string_view segment = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  return segment;
}

}  // namespace

RouteTable RouteTable::kserve() {
  return RouteTable({{"GET", "/"},
                     {"GET", "/dashboard/{file}"},
                     {"GET", "/webcam/{model}"},
                     {"GET", "/v2"},
                     {"GET", "/v2/health/live"},
                     {"GET", "/v2/health/ready"},
                     {"GET", "/v2/models/stats"},
                     {"GET", "/v2/models/{name}"},
                     {"GET", "/v2/models/{name}/stats"},
                     {"GET", "/v2/models/{name}/ready"},
                     {"POST", "/v2/models/{name}/infer"},
                     {"GET", "/v2/models/{name}/pipeline"},
                     {"POST", "/v2/models/{name}/cells/{path}/clones"},
                     {"POST", "/v2/models/{name}/cells/{path}/params"},
                     {"GET", "/v2/trace"},
                     {"POST", "/v2/trace/start"},
                     {"POST", "/v2/trace/stop"},
                     {"GET", "/metrics"}});
}

bool RouteTable::matches(std::string_view pattern, std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  while (!pattern.empty() && !path.empty()) {
    const std::string_view expected = next_segment(pattern);
    const std::string_view actual = next_segment(path);
    const bool placeholder = expected.size() > 1 && expected.front() == '{';
    if (placeholder ? actual.empty() : expected != actual) return false;
  }
  return pattern.empty() && path.empty();
}

std::string RouteTable::route_of(std::string_view path) const {
  for (const Route& route : routes_) {
    if (matches(route.pattern, path)) return route.pattern;
  }
  return "unmatched";
}

std::string RouteTable::allowed_methods(std::string_view path) const {
  std::string methods;
  for (const Route& route : routes_) {
    if (!matches(route.pattern, path)) continue;
    if (methods.find(route.method) != std::string::npos) continue;
    methods += (methods.empty() ? "" : ", ") + route.method;
  }
  return methods;
}

}  // namespace cellflow::server
