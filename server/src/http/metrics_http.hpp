// HttpRequestMetrics: cellflow_http_requests_total{route,code} and
// cellflow_http_request_duration_seconds{route}. Called once per HTTP request from many server
// threads, so series are cached per route and status code; later calls take a shared lock.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace cellflow::server::detail {

class HttpRequestMetrics {
 public:
  explicit HttpRequestMetrics(prometheus::Registry& registry);

  void observe(const std::string& route, int status, double seconds);

 private:
  struct Route {
    prometheus::Histogram* duration = nullptr;
    std::map<int, prometheus::Counter*> requests;  // by status code
  };

  prometheus::Counter* find(const std::string& route, int status, prometheus::Histogram** duration);
  prometheus::Counter* add(const std::string& route, int status, prometheus::Histogram** duration);

  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& duration_;
  std::shared_mutex mutex_;
  std::unordered_map<std::string, Route> routes_;
};

}  // namespace cellflow::server::detail
