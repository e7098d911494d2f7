// "cell.param=value" overrides applied to a pipeline config before loading (CLI --set).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cellflow/cell.hpp"
#include "cellflow/error.hpp"
#include "cellflow/loader.hpp"
#include "cellflow/param.hpp"

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

// A fresh cell of the type of `cell`, or nullptr when its type is unknown.
std::unique_ptr<Cell> prototype_of(const json& cell, const Registry& registry) {
  const auto type = cell.find("type");
  if (type == cell.end() || !type->is_string() || !registry.contains(type->get<std::string>()))
    return nullptr;
  return registry.create(type->get<std::string>());
}

// The declared kind of `param` on `prototype` ("" when unknown).
std::string param_kind(const Cell* prototype, const std::string& param) {
  if (prototype == nullptr) return "";
  for (const ParamBase* declared : prototype->params())
    if (declared->name() == param) return declared->kind();
  return "";
}

// What `prototype` says of `value` for `param` ("" when it takes it): an unknown param or a
// value of the wrong kind is blamed on the --set that gave it, not on the config file.
std::string value_problem(Cell* prototype, const std::string& param, const json& value) {
  if (prototype == nullptr) return "";
  try {
    prototype->configure(json{{param, value}});
  } catch (const Error& e) {
    const std::string prefix = "params." + param + ":";
    for (const auto& problem : e.problems())
      if (problem.starts_with(prefix)) return problem.substr(prefix.size());
  } catch (const std::exception&) {  // not about this param: the config load reports it
  }
  return "";
}

// JSON when the text is JSON, except that a string param takes the text itself (uri=0 is "0").
json parse_value(const std::string& text, const std::string& kind) {
  json value = json::parse(text, nullptr, false);
  if (value.is_discarded() || (kind == "string" && !value.is_string())) return json(text);
  return value;
}

}  // namespace

void apply_param_overrides(json& config, const std::vector<std::string>& overrides,
                           const Registry& registry) {
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
    const std::string param = entry.substr(dot + 1, eq - dot - 1);
    const auto prototype = prototype_of(*cell, registry);
    json value = parse_value(entry.substr(eq + 1), param_kind(prototype.get(), param));
    if (auto problem = value_problem(prototype.get(), param, value); !problem.empty()) {
      problems.push_back("--set " + entry + ":" + problem);
      continue;
    }
    (*cell)["params"][param] = std::move(value);
  }
  if (!problems.empty()) throw Error(std::move(problems));
}

}  // namespace cellflow
