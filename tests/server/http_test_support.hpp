// Helpers for the HTTP tests: pipelines of built-in cells served on an ephemeral port, and
// requests through httplib's real client.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "cellflow/cells/builtin.hpp"
#include "cellflow/loader.hpp"
#include "cellflow/server/http_server.hpp"

namespace cellflow::server::testing {

using nlohmann::json;

/// Built-in cells; outlives every pipeline built from it.
inline const Registry& registry() {
  static const Registry registry = cells::builtin_registry();
  return registry;
}

/// x -> Delay(sleep_ms ± jitter_ms, `clones` clones) -> y, JSON values.
inline json delay_config(const std::string& name, double sleep_ms, int clones = 1,
                         int max_in_flight = 64, double jitter_ms = 0) {
  return {{"name", name},
          {"cells",
           {{{"name", "delay"},
             {"type", "Delay"},
             {"params", {{"sleep_ms", sleep_ms}, {"jitter_ms", jitter_ms}}},
             {"clones", clones}}}},
          {"inputs", {{"x", "delay.in"}}},
          {"outputs", {{"y", "delay.out"}}},
          {"max_in_flight", static_cast<unsigned>(max_in_flight)}};
}

/// x -> Fail(on: each of `failing`, message) -> y.
inline json fail_config(const std::string& name, const json& failing, const std::string& message) {
  return {{"name", name},
          {"cells",
           {{{"name", "check"},
             {"type", "Fail"},
             {"params", {{"on", failing}, {"message", message}}}}}},
          {"inputs", {{"x", "check.in"}}},
          {"outputs", {{"y", "check.out"}}}};
}

inline std::unique_ptr<Pipeline> load(const json& config) {
  return load_pipeline(config, registry());
}

/// An infer request body with one INT64 input "x" holding `values`.
inline std::string infer_body(const std::string& id, const json& values) {
  json request = {
      {"inputs",
       {{{"name", "x"}, {"datatype", "INT64"}, {"shape", {values.size()}}, {"data", values}}}}};
  if (!id.empty()) request["id"] = id;
  return request.dump();
}

/// A client for `port` with liveness-only timeouts (the machine is small and shared).
inline std::unique_ptr<httplib::Client> client(int port) {
  auto http = std::make_unique<httplib::Client>("127.0.0.1", port);
  http->set_connection_timeout(std::chrono::seconds(30));
  http->set_read_timeout(std::chrono::seconds(60));
  http->set_write_timeout(std::chrono::seconds(60));
  return http;
}

inline json body_json(const httplib::Result& result) {
  return result ? json::parse(result->body, nullptr, false) : json();
}

/// {"error": ...} of a response, "" when there is none.
inline std::string error_of(const httplib::Result& result) {
  const json body = body_json(result);
  return body.is_object() && body.contains("error") && body["error"].is_string()
             ? body["error"].get<std::string>()
             : "";
}

/// Polls `condition` every 10 ms for at most `limit` (a liveness bound, not a timing assertion).
template <class Condition>
bool eventually(Condition condition, std::chrono::seconds limit = std::chrono::seconds(60)) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

/// A server on an ephemeral loopback port.
inline ServerOptions test_options() {
  ServerOptions options;
  options.port = 0;
  return options;
}

}  // namespace cellflow::server::testing
