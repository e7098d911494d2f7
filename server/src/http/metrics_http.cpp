#include "http/metrics_http.hpp"

#include <mutex>

#include "http/metrics_observer.hpp"

namespace cellflow::server::detail {

HttpRequestMetrics::HttpRequestMetrics(prometheus::Registry& registry)
    : requests_(prometheus::BuildCounter()
                    .Name("cellflow_http_requests_total")
                    .Help("HTTP requests answered, by route and status code.")
                    .Register(registry)),
      duration_(prometheus::BuildHistogram()
                    .Name("cellflow_http_request_duration_seconds")
                    .Help("HTTP request latency, from request parsed to response ready, by route.")
                    .Register(registry)) {}

void HttpRequestMetrics::observe(const std::string& route, int status, double seconds) {
  prometheus::Histogram* duration = nullptr;
  prometheus::Counter* requests = find(route, status, &duration);
  if (requests == nullptr) requests = add(route, status, &duration);
  requests->Increment();
  duration->Observe(seconds);
}

prometheus::Counter* HttpRequestMetrics::find(const std::string& route, int status,
                                              prometheus::Histogram** duration) {
  std::shared_lock lock(mutex_);
  const auto r = routes_.find(route);
  if (r == routes_.end()) return nullptr;
  const auto c = r->second.requests.find(status);
  if (c == r->second.requests.end()) return nullptr;
  *duration = r->second.duration;
  return c->second;
}

prometheus::Counter* HttpRequestMetrics::add(const std::string& route, int status,
                                             prometheus::Histogram** duration) {
  std::unique_lock lock(mutex_);
  Route& r = routes_[route];
  if (r.duration == nullptr) r.duration = &duration_.Add({{"route", route}}, latency_buckets());
  prometheus::Counter*& counter = r.requests[status];
  if (counter == nullptr) {
    counter = &requests_.Add({{"route", route}, {"code", std::to_string(status)}});
  }
  *duration = r.duration;
  return counter;
}

}  // namespace cellflow::server::detail
