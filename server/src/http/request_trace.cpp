#include "http/request_trace.hpp"

#include <algorithm>
#include <atomic>
#include <nlohmann/json.hpp>
#include <string>

namespace cellflow::server {
namespace {

bool is_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// An id: lower-case hex, not all zeros.
bool is_id(std::string_view text) {
  return is_hex(text) && text.find_first_not_of('0') != std::string_view::npos;
}

std::atomic<std::uint64_t> next_request_id{1};

}  // namespace

std::pair<std::string, std::string> parse_traceparent(std::string_view header) {
  // version "-" trace-id "-" parent-id "-" flags; version ff is invalid
  if (header.size() != 55 || header[2] != '-' || header[35] != '-' || header[52] != '-' ||
      header.substr(0, 2) == "ff")
    return {};
  const auto trace = header.substr(3, 32), parent = header.substr(36, 16);
  if (!is_hex(header.substr(0, 2)) || !is_hex(header.substr(53, 2)) || !is_id(trace) ||
      !is_id(parent))
    return {};
  return {std::string(trace), std::string(parent)};
}

void trace_request(ChromeTrace& trace, const Model::Call& call, std::string_view outcome) {
  const auto id = next_request_id.fetch_add(1);
  const std::string& model = call.model->name();
  nlohmann::json seqs = nlohmann::json::array();
  for (const auto& result : call.results)
    if (result) seqs.push_back(result->item().seq);
  nlohmann::json args = {{"request_id", call.request.id}, {"seq", seqs}, {"status", outcome}};
  if (auto [trace_id, parent_id] = parse_traceparent(call.request.traceparent); !trace_id.empty()) {
    args["trace_id"] = trace_id;
    args["parent_id"] = parent_id;
  }
  const auto end = std::chrono::steady_clock::now();
  trace.async_span(model, id, "request", call.start, end - call.start, args);
  const auto& phases = call.phases;
  auto at = call.start;
  const auto phase = [&](const char* name, std::chrono::nanoseconds duration) {
    trace.async_span(model, id, name, at, duration, {});
    at += duration;
  };
  phase("receive and decode", phases.compute_input);
  phase("wait for credits", phases.queue);
  phase("pipeline", phases.compute_infer);
  phase("encode and send", phases.compute_output);
}

}  // namespace cellflow::server
