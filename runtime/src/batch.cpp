#include "cellflow/batch.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "detail/suggest.hpp"

namespace cellflow {

bool Batch::satisfied(std::size_t size) const {
  if (size >= max_size) return true;
  return std::find(preferred_sizes.begin(), preferred_sizes.end(), size) != preferred_sizes.end();
}

nlohmann::json Batch::to_json() const {
  return {
      {"max_size", max_size}, {"max_delay_ms", max_delay_ms}, {"preferred_sizes", preferred_sizes}};
}

Batch Batch::from_json(const nlohmann::json& config, const std::string& path,
                       std::vector<std::string>& problems) {
  Batch batch;
  if (!config.is_object()) {
    problems.push_back(path +
                       ": expected {\"max_size\": N, \"max_delay_ms\": MS, "
                       "\"preferred_sizes\": [...]}");
    return batch;
  }
  static const std::vector<std::string> kKnown = {"max_size", "max_delay_ms", "preferred_sizes"};
  detail::check_keys(config, path, kKnown, problems);
  const auto size_at = [&](const nlohmann::json& value, const std::string& where) -> std::size_t {
    if (value.is_number_integer() && value.get<long long>() >= 1) return value.get<std::size_t>();
    problems.push_back(where + ": expected an integer >= 1, got " + value.dump());
    return 0;
  };
  if (config.contains("max_size")) batch.max_size = size_at(config["max_size"], path + ".max_size");
  if (config.contains("max_delay_ms")) {
    const auto& delay = config["max_delay_ms"];
    if (delay.is_number() && delay.get<double>() >= 0)
      batch.max_delay_ms = delay.get<double>();
    else
      problems.push_back(path + ".max_delay_ms: expected a number >= 0, got " + delay.dump());
  }
  if (config.contains("preferred_sizes")) {
    const auto& sizes = config["preferred_sizes"];
    if (!sizes.is_array()) {
      problems.push_back(path + ".preferred_sizes: expected an array of sizes");
    } else {
      for (std::size_t i = 0; i < sizes.size(); ++i) {
        const std::string where = path + ".preferred_sizes[" + std::to_string(i) + "]";
        const std::size_t size = size_at(sizes[i], where);
        if (size > batch.max_size && batch.max_size > 0)
          problems.push_back(where + ": " + std::to_string(size) + " is over max_size " +
                             std::to_string(batch.max_size));
        if (size > 0) batch.preferred_sizes.push_back(size);
      }
    }
  }
  return batch;
}

}  // namespace cellflow
