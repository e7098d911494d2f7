// ConfigChange: what differs between a running pipeline and a new config for it, from their
// descriptions (Pipeline::describe). Clone counts and live param values can change in place;
// anything else (cells, connections, ports, fixed params, synchronisers, queues) is structural
// and needs a new pipeline.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cellflow::server {

struct ConfigChange {
  struct Clones {
    std::string path;
    int clones;
  };
  struct Param {
    std::string path, param;
    nlohmann::json value;
  };
  bool structural = false;
  std::vector<Clones> clones;  // clone groups whose count differs, with the new count
  std::vector<Param> params;   // live params whose value differs, with the new value
  /// "detect clones 2 -> 4", "detect.score_threshold 0.5 -> 0.7", or why it is structural.
  std::vector<std::string> summary;
};

ConfigChange compare_configs(const nlohmann::json& running, const nlohmann::json& wanted);

}  // namespace cellflow::server
