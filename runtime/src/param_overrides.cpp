// "cell.param=value" overrides applied to a pipeline config before loading (CLI --set).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cellflow/error.hpp"
#include "cellflow/loader.hpp"

namespace cellflow {
namespace {

using nlohmann::json;

// The "cells" entry named by `path` ("a/b/c": nested "pipeline" entries), or nullptr.
json* find_cell(json& config, const std::string& path) {
  json* pipeline = &config;
  std::size_t begin = 0;
  for (;;) {
    const std::size_t slash = path.find('/', begin);
    const std::string name = path.substr(begin, slash == std::string::npos ? slash : slash - begin);
    if (!pipeline->is_object() || !pipeline->contains("cells") || !(*pipeline)["cells"].is_array())
      return nullptr;
    json* found = nullptr;
    for (json& cell : (*pipeline)["cells"])
      if (cell.is_object() && cell.value("name", "") == name) found = &cell;
    if (found == nullptr || slash == std::string::npos) return found;
    if (!found->contains("pipeline")) return nullptr;
    pipeline = &(*found)["pipeline"];
    begin = slash + 1;
  }
}

void collect_paths(const json& pipeline, const std::string& prefix, std::string& out) {
  if (!pipeline.is_object() || !pipeline.contains("cells") || !pipeline["cells"].is_array()) return;
  for (const json& cell : pipeline["cells"]) {
    if (!cell.is_object() || !cell.contains("name") || !cell["name"].is_string()) continue;
    const std::string path = prefix + cell["name"].get<std::string>();
    out += (out.empty() ? "" : ", ") + path;
    if (cell.contains("pipeline")) collect_paths(cell["pipeline"], path + "/", out);
  }
}

json parse_value(const std::string& text) {
  json value = json::parse(text, nullptr, false);
  return value.is_discarded() ? json(text) : value;
}

}  // namespace

void apply_param_overrides(json& config, const std::vector<std::string>& overrides) {
  std::vector<std::string> problems;
  for (const std::string& entry : overrides) {
    const std::size_t eq = entry.find('=');
    const std::size_t dot = entry.rfind('.', eq);
    if (eq == std::string::npos || dot == std::string::npos || dot == 0 || dot + 1 == eq) {
      problems.push_back("--set '" + entry + "': expected cell.param=value, e.g. files.path=/data");
      continue;
    }
    const std::string path = entry.substr(0, dot);
    json* cell = find_cell(config, path);
    if (cell == nullptr || cell->contains("pipeline")) {
      std::string valid;
      collect_paths(config, "", valid);
      problems.push_back("--set '" + entry + "': no cell '" + path + "' (cells: " + valid + ")");
      continue;
    }
    (*cell)["params"][entry.substr(dot + 1, eq - dot - 1)] = parse_value(entry.substr(eq + 1));
  }
  if (!problems.empty()) throw Error(std::move(problems));
}

}  // namespace cellflow
