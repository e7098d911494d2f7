#include "cellflow/sync.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "detail/suggest.hpp"

namespace cellflow {
namespace {

constexpr std::array<std::pair<Sync::Policy, const char*>, 4> kPolicyNames = {{
    {Sync::Policy::kExact, "exact"},
    {Sync::Policy::kRealtime, "realtime"},
    {Sync::Policy::kLatest, "latest"},
    {Sync::Policy::kZip, "zip"},
}};

const char* name_of(Sync::Policy policy) {
  for (const auto& [p, name] : kPolicyNames)
    if (p == policy) return name;
  return "exact";
}

}  // namespace

nlohmann::json Sync::to_json() const {
  nlohmann::json out{{"policy", name_of(policy)}};
  if (policy == Policy::kRealtime) {
    out["tolerance_ms"] = std::chrono::duration<double, std::milli>(tolerance).count();
    out["wait_all"] = wait_all;
  }
  if (policy == Policy::kLatest && !driver.empty()) out["driver"] = driver;
  return out;
}

Sync Sync::from_json(const nlohmann::json& config, const std::string& path,
                     std::vector<std::string>& problems) {
  Sync sync;
  if (!config.is_object()) {
    problems.push_back(path + ": expected an object such as {\"policy\": \"exact\"}, got " +
                       config.dump());
    return sync;
  }
  static const std::vector<std::string> kKnown = {"policy", "tolerance_ms", "wait_all", "driver"};
  detail::check_keys(config, path, kKnown, problems);
  const auto policy = config.value("policy", nlohmann::json());
  bool known = false;
  for (const auto& [p, name] : kPolicyNames) {
    if (policy.is_string() && policy.get<std::string>() == name) {
      sync.policy = p;
      known = true;
    }
  }
  if (!known)
    problems.push_back(path + ".policy: expected one of exact, realtime, latest, zip, got " +
                       policy.dump());
  if (config.contains("tolerance_ms")) {
    const auto& t = config["tolerance_ms"];
    if (!t.is_number() || t.get<double>() < 0)
      problems.push_back(path + ".tolerance_ms: expected a number >= 0, got " + t.dump());
    else
      sync.tolerance = std::chrono::duration_cast<std::chrono::nanoseconds>(
          std::chrono::duration<double, std::milli>(t.get<double>()));
  }
  if (config.contains("wait_all")) {
    if (config["wait_all"].is_boolean())
      sync.wait_all = config["wait_all"].get<bool>();
    else
      problems.push_back(path + ".wait_all: expected a boolean, got " + config["wait_all"].dump());
  }
  if (config.contains("driver")) {
    if (config["driver"].is_string())
      sync.driver = config["driver"].get<std::string>();
    else
      problems.push_back(path + ".driver: expected an input name, got " + config["driver"].dump());
  }
  const bool realtime_only = config.contains("tolerance_ms") || config.contains("wait_all");
  if (known && realtime_only && sync.policy != Policy::kRealtime)
    problems.push_back(path + ": tolerance_ms and wait_all apply to the realtime policy only");
  if (known && config.contains("driver") && sync.policy != Policy::kLatest)
    problems.push_back(path + ".driver: applies to the latest policy only");
  return sync;
}

}  // namespace cellflow
