#include "http_routes.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "cellflow/error.hpp"
#include "dashboard_assets.hpp"
#include "inference_service.hpp"
#include "reply.hpp"
#include "route_table.hpp"

namespace cellflow::server {
namespace {

using Clock = std::chrono::steady_clock;

// When the request on this worker thread reached routing; read by the logger, which httplib
// calls on the same thread once the response is written.
thread_local Clock::time_point request_start{};

void send(httplib::Response& res, Reply reply) {
  res.status = reply.status;
  for (const auto& [key, value] : reply.headers) res.set_header(key, value);
  res.body = std::move(reply.body);
  res.set_header("Content-Type", reply.content_type);
}

std::optional<std::string> header(const httplib::Request& req, const char* key) {
  if (!req.has_header(key)) return std::nullopt;
  return req.get_header_value(key);
}

const char* content_type_of(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  return "text/javascript; charset=utf-8";
}

// The dashboard's embedded files: the page at /, the webcam page at /webcam/{model}, their
// scripts and styles under /dashboard/.
// They hold no data (the page reads the API routes with the key the operator enters).
void install_dashboard(httplib::Server& http) {
  const auto serve = [](std::string_view name, httplib::Response& res) {
    for (const auto& asset : detail::dashboard_assets()) {
      if (asset.name != name) continue;
      res.set_content(asset.data, asset.size, content_type_of(name));
      return;
    }
    send(res, Reply::error(404, "no dashboard file '" + std::string(name) + "'"));
  };
  http.Get("/",
           [serve](const httplib::Request&, httplib::Response& res) { serve("index.html", res); });
  http.Get(R"(/webcam/([^/]+))", [serve](const httplib::Request&, httplib::Response& res) {
    serve("webcam.html", res);  // the page reads the model's name from its URL
  });
  http.Get(R"(/dashboard/([^/]+))", [serve](const httplib::Request& req, httplib::Response& res) {
    serve(req.matches[1].str(), res);
  });
}

void install_health(httplib::Server& http, InferenceService& service) {
  http.Get("/v2", [&service](const httplib::Request&, httplib::Response& res) {
    send(res, service.server_metadata());
  });
  http.Get("/v2/health/live", [&service](const httplib::Request&, httplib::Response& res) {
    send(res, service.health_live());
  });
  http.Get("/v2/health/ready", [&service](const httplib::Request&, httplib::Response& res) {
    send(res, service.health_ready());
  });
  http.Get("/metrics", [&service](const httplib::Request&, httplib::Response& res) {
    send(res, service.metrics_text());
  });
}

std::string too_large(std::size_t max_body_bytes) {
  return "request body exceeds the limit of " + std::to_string(max_body_bytes) + " bytes";
}

// Reads the whole request body into `body`; a Reply when it cannot be read as a request.
std::optional<Reply> read_body(const httplib::Request& req, httplib::Response& res,
                               const httplib::ContentReader& read, std::size_t max_body_bytes,
                               std::string& body) {
  if (req.is_multipart_form_data()) {
    res.set_header("Connection", "close");  // the unread body must not be taken for a request
    return Reply::error(415,
                        "multipart/form-data is not an inference request: send the KServe v2 "
                        "JSON request as the body, or the binary tensor extension (a JSON header "
                        "followed by raw tensor bytes, with the Inference-Header-Content-Length "
                        "header)");
  }
  // One allocation for the whole body (a 10 MB image is not regrown and copied as it arrives).
  const auto declared = req.get_header_value<std::uint64_t>("Content-Length");
  if (declared > 0 && declared <= max_body_bytes) body.reserve(declared);
  const bool complete = read([&body](const char* data, std::size_t size) {
    body.append(data, size);
    return true;
  });
  if (complete) return std::nullopt;
  if (res.status == 413) return Reply::error(413, too_large(max_body_bytes));
  return Reply::error(400, "the request body could not be read (connection closed or malformed)");
}

// cellflow's admin extension. A nested cell's path keeps its slashes: cells/outer/inner/clones.
void install_admin(httplib::Server& http, InferenceService& service) {
  http.Get(R"(/v2/models/([^/]+)/pipeline)",
           [&service](const httplib::Request& req, httplib::Response& res) {
             send(res, service.pipeline_description(req.matches[1].str(),
                                                    req.get_header_value("Authorization")));
           });
  http.Post(R"(/v2/models/([^/]+)/cells/(.+)/clones)",
            [&service](const httplib::Request& req, httplib::Response& res) {
              send(res, service.set_clones(req.matches[1].str(), req.matches[2].str(),
                                           req.get_header_value("Authorization"), req.body));
            });
  http.Post(R"(/v2/models/([^/]+)/cells/(.+)/params)",
            [&service](const httplib::Request& req, httplib::Response& res) {
              send(res, service.set_params(req.matches[1].str(), req.matches[2].str(),
                                           req.get_header_value("Authorization"), req.body));
            });
  http.Get("/v2/trace", [&service](const httplib::Request& req, httplib::Response& res) {
    send(res, service.trace_status(req.get_header_value("Authorization")));
  });
  http.Post("/v2/trace/start", [&service](const httplib::Request& req, httplib::Response& res) {
    send(res, service.start_trace(req.get_header_value("Authorization"), req.body));
  });
  http.Post("/v2/trace/stop", [&service](const httplib::Request& req, httplib::Response& res) {
    send(res, service.stop_trace(req.get_header_value("Authorization")));
  });
}

void install_models(httplib::Server& http, InferenceService& service, std::size_t max_body_bytes) {
  // Before the model routes: "stats" is the statistics extension's route, not a model.
  http.Get("/v2/models/stats", [&service](const httplib::Request& req, httplib::Response& res) {
    send(res, service.model_statistics("", req.get_header_value("Authorization")));
  });
  http.Get(R"(/v2/models/([^/]+)/stats)",
           [&service](const httplib::Request& req, httplib::Response& res) {
             send(res, service.model_statistics(req.matches[1].str(),
                                                req.get_header_value("Authorization")));
           });
  http.Get(R"(/v2/models/([^/]+))", [&service](const httplib::Request& req,
                                               httplib::Response& res) {
    send(res, service.model_metadata(req.matches[1].str(), req.get_header_value("Authorization")));
  });
  http.Get(R"(/v2/models/([^/]+)/ready)", [&service](const httplib::Request& req,
                                                     httplib::Response& res) {
    send(res, service.model_ready(req.matches[1].str(), req.get_header_value("Authorization")));
  });
  install_admin(http, service);
  // The body is read through a content reader, whatever the Content-Type says: httplib's plain
  // handlers parse application/x-www-form-urlencoded bodies (what curl sends by default) as a
  // form and refuse them with 413 beyond 8 KB.
  http.Post(R"(/v2/models/([^/]+)/infer)", [&service, max_body_bytes](
                                               const httplib::Request& req, httplib::Response& res,
                                               const httplib::ContentReader& read) {
    std::string body;
    if (auto refusal = read_body(req, res, read, max_body_bytes, body))
      return send(res, std::move(*refusal));
    send(res, service.infer(req.matches[1].str(), req.get_header_value("Authorization"),
                            std::move(body), header(req, "Inference-Header-Content-Length"),
                            req.get_header_value("traceparent")));
  });
}

// A request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112, 6.3), as
// `curl -X POST URL` sends it. httplib 0.11 reads such a POST's body until the connection
// closes instead, and answers 400 once its read times out: marking the body empty, before
// httplib reads it, gives the route the request it was sent. (The Request is httplib's own
// non-const object; only this handler's view of it is const.)
void give_bodyless_requests_no_body(const httplib::Request& req) {
  if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding"))
    const_cast<httplib::Request&>(req).set_header("Content-Length", "0");
}

// Turns httplib's own error statuses (no body yet) into JSON errors; a known route asked with
// another method becomes 405 instead of httplib's 404.
httplib::Server::HandlerResponse json_error(const RouteTable& routes, std::size_t max_body_bytes,
                                            const httplib::Request& req, httplib::Response& res) {
  if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
  std::string message = "HTTP error " + std::to_string(res.status);
  if (res.status == 404) {
    const std::string allowed = routes.allowed_methods(req.path);
    if (allowed.empty()) {
      message = "no route for " + req.method + " " + req.path;
    } else {
      res.status = 405;
      res.set_header("Allow", allowed);
      message =
          "method " + req.method + " not allowed on " + req.path + " (allowed: " + allowed + ")";
    }
  } else if (res.status == 413) {
    message = too_large(max_body_bytes);
  } else if (res.status == 400) {
    message = "malformed HTTP request";
  }
  send(res, Reply::error(res.status, message));
  return httplib::Server::HandlerResponse::Handled;
}

void install_handlers(httplib::Server& http, InferenceService& service,
                      std::size_t max_body_bytes) {
  auto routes = std::make_shared<const RouteTable>(RouteTable::kserve());
  http.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    request_start = Clock::now();
    give_bodyless_requests_no_body(req);
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http.set_error_handler(httplib::Server::HandlerWithResponse(
      [routes, max_body_bytes](const httplib::Request& req, httplib::Response& res) {
        return json_error(*routes, max_body_bytes, req, res);
      }));
  http.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr error) {
        spdlog::error("{} {}: {}", req.method, req.path, describe(error));
        send(res, Reply::error(500, "internal error: " + describe(error)));
      });
  http.set_logger([routes, &service](const httplib::Request& req, const httplib::Response& res) {
    const double seconds =
        request_start == Clock::time_point{}
            ? 0.0
            : std::chrono::duration<double>(Clock::now() - request_start).count();
    request_start = Clock::time_point{};
    service.metrics().observe_request(routes->route_of(req.path), res.status, seconds);
    spdlog::debug("{} {} {} {:.2f} ms", req.method, req.path, res.status, seconds * 1e3);
  });
}

}  // namespace

void install_routes(httplib::Server& http, InferenceService& service, std::size_t max_body_bytes) {
  install_dashboard(http);
  install_health(http, service);
  install_models(http, service, max_body_bytes);
  install_handlers(http, service, max_body_bytes);
}

}  // namespace cellflow::server
