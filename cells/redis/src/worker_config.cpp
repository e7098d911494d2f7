#include "worker_config.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "cellflow/cell.hpp"
#include "cellflow/error.hpp"
#include "cellflow/loader.hpp"

namespace cellflow::redis {
namespace {

using nlohmann::json;

json read_config(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw Error("cannot read config '" + path + "'");
  try {
    return json::parse(file);
  } catch (const json::exception& e) {
    throw Error("config '" + path + "': " + e.what());
  }
}

// The config entry of the cell at `path` ("a" or "outer/a"), or nullptr.
const json* find_entry(const json& config, const std::string& path) {
  const auto slash = path.find('/');
  const std::string head = path.substr(0, slash);
  if (!config.contains("cells") || !config["cells"].is_array()) return nullptr;
  for (const json& entry : config["cells"]) {
    if (!entry.is_object() || entry.value("name", "") != head) continue;
    if (slash == std::string::npos) return &entry;
    return entry.contains("pipeline") ? find_entry(entry["pipeline"], path.substr(slash + 1))
                                      : nullptr;
  }
  return nullptr;
}

// Items per batch of a batched cell (its "batch": {"max_size"}), else 1: the worker admits
// enough items for each of its clones to fill two batches.
int batch_size(const json& entry) {
  const json batch = entry.value("batch", json::object());
  const json size = batch.is_object() ? batch.value("max_size", json(1)) : json(1);
  return size.is_number_integer() ? std::max(1, size.get<int>()) : 1;
}

// {"cells": [entry], "inputs": {port: "name.port"}, "outputs": {...}} for one cell or nested
// pipeline (its exposed ports).
json one_cell_pipeline(json entry, const WorkerOptions& options, const Registry& registry) {
  const std::string name = entry["name"];
  const auto remote = entry.value("remote", json::object());
  entry.erase("remote");
  entry.erase("clone_params");
  entry["clones"] = options.clones;
  const std::unique_ptr<Cell> prototype = entry.contains("pipeline")
                                              ? load_pipeline(entry["pipeline"], registry)
                                              : registry.create(entry.value("type", std::string()));
  json inputs = json::object(), outputs = json::object();
  for (const PortBase* in : prototype->inputs()) inputs[in->name()] = name + "." + in->name();
  for (const PortBase* out : prototype->outputs()) outputs[out->name()] = name + "." + out->name();
  json config = {{"name", "worker"},
                 {"cells", json::array({entry})},
                 {"inputs", inputs},
                 {"outputs", outputs},
                 {"max_in_flight", 2 * options.clones * batch_size(entry)}};
  apply_param_overrides(config, options.params, registry);
  return config;
}

}  // namespace

WorkerConfig worker_config(const WorkerOptions& options, const Registry& registry) {
  const json config = read_config(options.config);
  const json* entry = find_entry(config, options.cell);
  if (entry == nullptr)
    throw Error("config '" + options.config + "' has no cell '" + options.cell + "'");
  const json remote = entry->value("remote", json::object());
  WorkerConfig out;
  out.clones = options.clones;
  out.redis = !options.redis.empty() ? options.redis
                                     : remote.value("redis", std::string("redis://127.0.0.1:6379"));
  out.queue = !options.queue.empty() ? options.queue : remote.value("queue", std::string());
  out.claim_idle_ms =
      options.claim_idle_ms >= 0 ? options.claim_idle_ms : remote.value("claim_idle_ms", 2000);
  std::vector<std::string> problems;
  if (out.queue.empty())
    problems.push_back("cell '" + options.cell +
                       "': no queue (--queue, or \"remote\": {\"queue\"})");
  if (options.clones < 1) problems.push_back("--clones: must be at least 1");
  if (!problems.empty()) throw Error(problems);
  out.pipeline = one_cell_pipeline(*entry, options, registry);
  return out;
}

}  // namespace cellflow::redis
