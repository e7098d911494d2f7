// ModelOptions::from_config: the serving keys of a pipeline config.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cellflow/error.hpp"
#include "cellflow/server/http_server.hpp"

namespace cellflow::server {
namespace {

// A non-negative integer at `key`, or nothing when the key is absent. Bad values become
// problems naming the key.
std::optional<std::uint64_t> read_count(const nlohmann::json& config, const std::string& key,
                                        bool allow_zero, std::vector<std::string>& problems) {
  if (!config.contains(key)) return std::nullopt;
  const nlohmann::json& value = config[key];
  const bool integer = value.is_number_unsigned() || (value.is_number_integer() && value >= 0);
  if (integer && (allow_zero || value.get<std::uint64_t>() > 0)) {
    return value.get<std::uint64_t>();
  }
  problems.push_back(key + ": expected " + (allow_zero ? "a non-negative" : "a positive") +
                     " integer, got " + value.dump());
  return std::nullopt;
}

}  // namespace

ModelOptions ModelOptions::from_config(const nlohmann::json& config) {
  if (!config.is_object()) throw Error("pipeline config: expected an object");
  std::vector<std::string> problems;
  ModelOptions options;
  if (auto pending = read_count(config, "max_pending", false, problems)) {
    options.max_pending = *pending;
  }
  if (auto timeout = read_count(config, "timeout_ms", true, problems)) {
    options.timeout = std::chrono::milliseconds(*timeout);
  }
  if (!problems.empty()) throw Error(std::move(problems));
  return options;
}

}  // namespace cellflow::server
