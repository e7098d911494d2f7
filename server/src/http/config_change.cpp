#include "http/config_change.hpp"

namespace cellflow::server {
namespace {

using nlohmann::json;

// The description without what may change in place: clone counts, live param values, and
// whether it runs.
json fixed_part(json level) {
  level.erase("running");
  for (json& cell : level["cells"]) {
    if (cell.contains("clones")) cell["clones"] = "a clone group";  // its count may change
    if (cell.contains("pipeline")) cell["pipeline"] = fixed_part(cell["pipeline"]);
    for (const json& live : cell.value("live_params", json::array()))
      cell["params"].erase(live.get<std::string>());
  }
  return level;
}

void collect(const json& running, const json& wanted, ConfigChange& change) {
  for (std::size_t i = 0; i < running["cells"].size(); ++i) {
    const json& now = running["cells"][i];
    const json& next = wanted["cells"][i];
    const std::string path = now["path"];
    if (now.contains("pipeline")) collect(now["pipeline"], next["pipeline"], change);
    if (now.contains("clones") && now["clones"] != next["clones"]) {
      change.clones.push_back({path, next["clones"].get<int>()});
      change.summary.push_back(path + " clones " + now["clones"].dump() + " -> " +
                               next["clones"].dump());
    }
    for (const json& live : now.value("live_params", json::array())) {
      const std::string param = live;
      const json& value = next["params"][param];
      if (now["params"][param] == value) continue;
      change.params.push_back({path, param, value});
      change.summary.push_back(path + "." + param + " " + now["params"][param].dump() + " -> " +
                               value.dump());
    }
  }
}

}  // namespace

ConfigChange compare_configs(const json& running, const json& wanted) {
  ConfigChange change;
  if (fixed_part(running) != fixed_part(wanted)) {
    change.structural = true;
    change.summary.push_back("its structure or fixed params changed");
    return change;
  }
  collect(running, wanted, change);
  return change;
}

}  // namespace cellflow::server
