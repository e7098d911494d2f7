#include "result_printer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace cellflow::cli::detail {

std::vector<std::string> ResultPrinter::lines(const Result& result) const {
  std::size_t rows = 0;
  for (const auto& [name, values] : result.outputs()) rows = std::max(rows, values.size());
  std::vector<std::string> out;
  out.reserve(rows);
  for (std::size_t row = 0; row < rows; ++row) {
    // Built by hand because nlohmann::json objects sort their keys; we keep the output order.
    std::string line = "{";
    for (const auto& [name, values] : result.outputs()) {
      if (row >= values.size()) continue;
      if (line.size() > 1) line += ',';
      line += dump(name);
      line += ':';
      line += dump(codecs_.to_json(values[row]));
    }
    if (timestamps_) line += timing(result);
    line += '}';
    out.push_back(std::move(line));
  }
  return out;
}

std::string ResultPrinter::timing(const Result& result) const {
  using Ms = std::chrono::duration<double, std::milli>;
  const auto& item = result.item();
  const double latency = Ms(std::chrono::system_clock::now() - item.admitted).count();
  return ",\"_ts_ms\":" + dump(Ms(item.timestamp).count()) +
         ",\"_latency_ms\":" + dump(std::round(latency * 1000) / 1000);
}

std::string ResultPrinter::dump(const nlohmann::json& value) const {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace cellflow::cli::detail
