// JSON config -> Pipeline through the same add/connect/expose path as C++. Every problem is
// collected with its config path and thrown together.
#include "cellflow/loader.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "cellflow/error.hpp"
#include "detail/port_ref.hpp"
#include "detail/suggest.hpp"

namespace cellflow {
namespace {

using json = nlohmann::json;

constexpr const char* kUnbuilt = "its type could not be built (see its \"type\")";

// Stands in for a cell whose type could not be built: its connections take a port of the other
// end's type, so that only the real problem (the type) is reported, not its consequences.
class Unbuilt final : public Cell {
 public:
  void configure(const json&) override { throw Error(kUnbuilt); }
  void process(Context&) override {}
  void add_port_like(const PortBase& other, const std::string& name, PortKind kind) {
    if (find_port(name) == nullptr) ports_.push_back(other.make_like(*this, name, kind));
  }

 private:
  std::vector<std::unique_ptr<PortBase>> ports_;
};

std::string cell_of(const std::string& ref) { return ref.substr(0, ref.rfind('.')); }
std::string port_of(const std::string& ref) { return ref.substr(ref.rfind('.') + 1); }

class Loader {
 public:
  Loader(const Registry& registry, std::string where)
      : registry_(registry), where_(std::move(where)) {}

  std::unique_ptr<Pipeline> load(const json& config) {
    if (!config.is_object())
      throw Error(where_ + ": expected a JSON object, got " + config.type_name());
    check_keys(config);
    auto pipeline = std::make_unique<Pipeline>(string_at(config, "name", "pipeline"));
    add_cells(*pipeline, config);
    add_connections(*pipeline, config);
    add_exposures(*pipeline, config, "inputs");
    add_exposures(*pipeline, config, "outputs");
    apply_options(*pipeline, config);
    collect(*pipeline);
    if (!problems_.empty()) throw Error(std::move(problems_));
    return pipeline;
  }

 private:
  std::string at(const std::string& key) const {
    return where_ + (where_.empty() ? "" : ".") + key;
  }

  void check_keys(const json& config) {
    static const std::vector<std::string> kKnown = {
        "name",          "cells",       "connections", "inputs",      "outputs",
        "max_in_flight", "max_pending", "timeout_ms",  "description", "zip_sources"};
    detail::check_keys(config, where_, kKnown, problems_);
  }

  std::string string_at(const json& object, const std::string& key, std::string fallback) {
    if (!object.contains(key)) return fallback;
    if (object[key].is_string()) return object[key].get<std::string>();
    problems_.push_back(at(key) + ": expected string, got " + object[key].type_name());
    return fallback;
  }

  void add_cells(Pipeline& pipeline, const json& config) {
    if (!config.contains("cells") || !config["cells"].is_array()) {
      problems_.push_back(at("cells") + ": expected an array of cells");
      return;
    }
    const auto& cells = config["cells"];
    for (std::size_t i = 0; i < cells.size(); ++i)
      add_cell(pipeline, cells[i], at("cells[" + std::to_string(i) + "]"));
  }

  // `path` names the cell too once it has a name: cells[1] 'detect'.params.threshold.
  void add_cell(Pipeline& pipeline, const json& entry, std::string path) {
    if (!entry.is_object()) return problems_.push_back(path + ": expected an object");
    const bool named = entry.contains("name") && entry["name"].is_string();
    if (named) path += " '" + entry["name"].get<std::string>() + "'";
    static const std::vector<std::string> kKnown = {"name",   "type",         "pipeline", "params",
                                                    "clones", "clone_params", "threads",  "remote",
                                                    "sync",   "queue",        "queues",   "batch"};
    detail::check_keys(entry, path, kKnown, problems_);
    if (!named) return problems_.push_back(path + ".name: expected a string");
    const std::string name = entry["name"];
    CellFactory factory = factory_for(entry, path);
    if (!factory) {
      unbuilt_[name] = &static_cast<Unbuilt&>(
          pipeline.add(name, [] { return std::unique_ptr<Cell>(new Unbuilt()); }));
      return;
    }
    const json params = entry.value("params", json::object());
    if (!params.is_object()) return problems_.push_back(path + ".params: expected an object");
    const bool params_ok = check_params(factory, params, path);
    pipeline.add(name, std::move(factory), params_ok ? params : json::object(),
                 scale_of(entry, path));
    if (entry.contains("sync"))
      pipeline.set_sync(name, Sync::from_json(entry["sync"], path + ".sync", problems_));
    if (entry.contains("batch")) {
      const std::size_t before = problems_.size();
      const Batch batch = Batch::from_json(entry["batch"], path + ".batch", problems_);
      if (problems_.size() == before) pipeline.set_batch(name, batch);
    }
    if (entry.contains("queue")) add_queue(pipeline, name, entry["queue"], path + ".queue", "");
    if (entry.contains("queues")) {
      if (!entry["queues"].is_object())
        return problems_.push_back(path + ".queues: expected {\"INPUT\": {...}}");
      for (const auto& [input, queue] : entry["queues"].items())
        add_queue(pipeline, name, queue, path + ".queues." + input, input);
    }
  }

  void add_queue(Pipeline& pipeline, const std::string& name, const json& config,
                 const std::string& path, const std::string& input) {
    const std::size_t before = problems_.size();
    const Queue queue = Queue::from_json(config, path, problems_);
    if (problems_.size() != before) return;
    try {
      pipeline.set_queue(name, queue, input);
    } catch (const Error& e) {
      problems_.push_back(path + ": " + e.what());
    }
  }

  CellFactory factory_for(const json& entry, const std::string& path) {
    const bool typed = entry.contains("type"), nested = entry.contains("pipeline");
    if (typed == nested) {
      problems_.push_back(path + ": needs exactly one of 'type' or 'pipeline'");
      return {};
    }
    if (nested) {
      const Registry* registry = &registry_;
      json config = entry["pipeline"];
      try {
        Loader(registry_, path + ".pipeline").load(config);  // nested problems, with their paths
      } catch (const Error& e) {
        problems_.insert(problems_.end(), e.problems().begin(), e.problems().end());
        return {};
      }
      return [registry, config] { return std::unique_ptr<Cell>(load_pipeline(config, *registry)); };
    }
    if (!entry["type"].is_string()) {
      problems_.push_back(path + ".type: expected a string");
      return {};
    }
    try {
      return registry_.factory(entry["type"].get<std::string>());
    } catch (const Error& e) {
      problems_.push_back(path + ".type: " + e.what());
      return {};
    }
  }

  // Configures a probe instance so that param problems carry the config path.
  bool check_params(const CellFactory& factory, const json& params, const std::string& path) {
    try {
      factory()->configure(params);
      return true;
    } catch (const Error& e) {
      for (const auto& p : e.problems()) problems_.push_back(path + "." + p);
    } catch (const std::exception& e) {
      problems_.push_back(path + ".params: " + e.what());
    }
    return false;
  }

  std::optional<ScaleUp> scale_of(const json& entry, const std::string& path) {
    if (!entry.contains("clones") && !entry.contains("clone_params") &&
        !entry.contains("threads") && !entry.contains("remote"))
      return std::nullopt;
    ScaleUp scale;
    if (entry.contains("remote")) add_remote(entry, path, scale);
    if (entry.contains("clone_params") && !entry.contains("clones") &&
        entry["clone_params"].is_array())
      scale.clones = static_cast<int>(entry["clone_params"].size());
    if (entry.contains("clones")) {
      if (entry["clones"].is_number_integer())
        scale.clones = entry["clones"].get<int>();
      else
        problems_.push_back(path + ".clones: expected integer, got " + entry["clones"].type_name());
    }
    if (entry.contains("threads")) {
      if (entry["threads"].is_number_integer())
        scale.threads = entry["threads"].get<int>();
      else
        problems_.push_back(path + ".threads: expected integer, got " +
                            entry["threads"].type_name());
    }
    if (scale.remote > 0) {
      if (!entry.contains("clones")) scale.clones = 0;  // only remote clones
      scale.clones += scale.remote;
    }
    if (entry.contains("clone_params")) {
      const auto& list = entry["clone_params"];
      if (!list.is_array())
        problems_.push_back(path + ".clone_params: expected an array of objects");
      else
        for (const auto& item : list) scale.clone_params.push_back(item);
    }
    return scale;
  }

  // "remote": {...} adds remote clones after the local ones ("clones" counts the local ones).
  void add_remote(const json& entry, const std::string& path, ScaleUp& scale) {
    const auto& provider = registry_.remote_provider();
    if (!provider) {
      problems_.push_back(path +
                          ".remote: no library for remote clones is registered "
                          "(cellflow::redis::register_redis)");
      return;
    }
    try {
      Registry::RemoteClones remote = provider(entry["remote"]);
      scale.remote = remote.clones;
      scale.make_remote = std::move(remote.make);
    } catch (const Error& e) {
      for (const auto& p : e.problems()) problems_.push_back(path + ".remote." + p);
    }
  }

  void add_connections(Pipeline& pipeline, const json& config) {
    if (!config.contains("connections")) return;
    const auto& list = config["connections"];
    if (!list.is_array())
      return problems_.push_back(at("connections") + ": expected an array of [from, to] pairs");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto& entry = list[i];
      const bool feedback = entry.is_array() && entry.size() == 3 && entry[2].is_object() &&
                            entry[2].size() == 1 && entry[2].contains("feedback");
      if (!entry.is_array() || (entry.size() != 2 && !feedback) || !entry[0].is_string() ||
          !entry[1].is_string()) {
        problems_.push_back(at("connections[" + std::to_string(i) + "]") +
                            ": expected [\"cell.port\", \"cell.port\"], or [\"cell.port\", "
                            "\"cell.port\", {\"feedback\": start value}]");
        continue;
      }
      const auto from = entry[0].get<std::string>(), to = entry[1].get<std::string>();
      if (!stand_in_ports(pipeline, from, to)) continue;
      if (resolved(pipeline, from, PortKind::kOutput) == nullptr) unfed_.insert(to);
      if (feedback)
        pipeline.connect(from, to, Feedback{entry[2]["feedback"]});
      else
        pipeline.connect(from, to);
    }
  }

  // A connection to a cell that could not be built: its stand-in takes a port of the other end's
  // type. False when both ends are such cells (nothing to check).
  // An unresolved other end is left to connect(), which reports it.
  bool stand_in_ports(Pipeline& pipeline, const std::string& from, const std::string& to) {
    Unbuilt* producer = unbuilt(from);
    Unbuilt* consumer = unbuilt(to);
    if (producer != nullptr && consumer != nullptr) return false;
    if (producer != nullptr)
      if (const auto* in = resolved(pipeline, to, PortKind::kInput))
        producer->add_port_like(*in, port_of(from), PortKind::kOutput);
    if (consumer != nullptr)
      if (const auto* out = resolved(pipeline, from, PortKind::kOutput))
        consumer->add_port_like(*out, port_of(to), PortKind::kInput);
    return true;
  }

  static const PortBase* resolved(const Pipeline& pipeline, const std::string& ref, PortKind kind) {
    std::string problem;
    return detail::resolve_port(pipeline, ref, kind, problem);
  }

  Unbuilt* unbuilt(const std::string& ref) const {
    if (ref.find('.') == std::string::npos) return nullptr;
    const auto it = unbuilt_.find(cell_of(ref));
    return it == unbuilt_.end() ? nullptr : it->second;
  }

  void add_exposures(Pipeline& pipeline, const json& config, const std::string& key) {
    if (!config.contains(key)) return;
    if (!config[key].is_object())
      return problems_.push_back(at(key) + ": expected an object {name: \"cell.port\"}");
    for (const auto& [name, ref] : config[key].items()) {
      if (!ref.is_string()) {
        problems_.push_back(at(key + "." + name) + ": expected \"cell.port\"");
        continue;
      }
      if (unbuilt(ref.get<std::string>()) != nullptr) continue;  // its type is the problem
      if (key == "inputs")
        pipeline.expose_input(name, ref.get<std::string>());
      else
        pipeline.expose_output(name, ref.get<std::string>());
    }
  }

  void apply_options(Pipeline& pipeline, const json& config) {
    RunOptions options;
    if (config.contains("max_in_flight")) {
      const auto& v = config["max_in_flight"];
      if (v.is_number_integer() && v.get<std::int64_t>() > 0)
        options.max_in_flight = v.get<std::size_t>();
      else
        problems_.push_back(at("max_in_flight") + ": expected a positive integer, got " + v.dump());
    }
    pipeline.set_options(options);
    if (config.contains("zip_sources")) {
      if (config["zip_sources"].is_boolean())
        pipeline.set_zip_sources(config["zip_sources"].get<bool>());
      else
        problems_.push_back(at("zip_sources") + ": expected a boolean, got " +
                            config["zip_sources"].dump());
    }
  }

  // Wiring problems found by the pipeline itself (names, unconnected inputs, cycles...).
  void collect(const Pipeline& pipeline) {
    try {
      pipeline.validate();
    } catch (const Error& e) {
      for (const auto& p : e.problems())
        if (std::find(problems_.begin(), problems_.end(), p) == problems_.end() &&
            !p.ends_with(kUnbuilt) && !is_unfed(p))
          problems_.push_back(where_.empty() ? p : where_ + ": " + p);
    }
  }

  const Registry& registry_;
  std::string where_;
  std::vector<std::string> problems_;
  std::map<std::string, Unbuilt*> unbuilt_;  // by cell name
  // Inputs whose connection names an output that does not exist: that is their problem, not
  // being unconnected.
  std::set<std::string> unfed_;
  bool is_unfed(const std::string& problem) const {
    return std::any_of(unfed_.begin(), unfed_.end(), [&](const std::string& in) {
      return problem == "unconnected input '" + in + "'";
    });
  }
};

}  // namespace

std::unique_ptr<Pipeline> load_pipeline(const nlohmann::json& config, const Registry& registry) {
  return Loader(registry, "").load(config);
}

std::unique_ptr<Pipeline> load_pipeline_file(const std::string& path, const Registry& registry,
                                             const std::vector<std::string>& param_overrides) {
  std::ifstream file(path);
  if (!file) throw Error("cannot open config file '" + path + "'");
  nlohmann::json config;
  try {
    config = nlohmann::json::parse(file);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error("config file '" + path + "' is not valid JSON: " + e.what());
  }
  apply_param_overrides(config, param_overrides, registry);  // its problems name the --set
  try {
    return load_pipeline(config, registry);
  } catch (const Error& e) {
    std::vector<std::string> problems;
    for (const auto& p : e.problems()) problems.push_back(path + ": " + p);
    throw Error(std::move(problems));
  }
}

void apply_clone_overrides(Pipeline& pipeline, const std::vector<std::string>& overrides) {
  std::vector<std::string> problems;
  for (const auto& entry : overrides) {
    const auto eq = entry.find('=');
    int clones = 0;
    try {
      std::size_t used = 0;
      if (eq == std::string::npos) throw std::invalid_argument("no '='");
      clones = std::stoi(entry.substr(eq + 1), &used);
      if (used != entry.size() - eq - 1) throw std::invalid_argument("trailing characters");
    } catch (const std::exception&) {
      problems.push_back("--clones '" + entry + "': expected path=N, e.g. detect=4");
      continue;
    }
    try {
      pipeline.set_clones(entry.substr(0, eq), clones);
    } catch (const Error& e) {
      problems.push_back("--clones '" + entry + "': " + e.what());
    }
  }
  if (!problems.empty()) throw Error(std::move(problems));
}

}  // namespace cellflow
