// Pipeline::describe: the topology as data, one level per pipeline (nested pipelines inside
// their cell entry), cells in topological order, with their current clone counts and params
// (live values as set while running).
#include <algorithm>
#include <map>

#include "cellflow/param.hpp"
#include "cellflow/pipeline.hpp"
#include "detail/pipeline_impl.hpp"
#include "detail/runner.hpp"
#include "detail/structure.hpp"

namespace cellflow {
namespace {

using nlohmann::json;

struct Running {
  std::map<std::string, int> clones;        // per clone group path, current count
  std::map<std::string, json> live_values;  // per cell path: {param: value}
};

json ports_of(const std::vector<PortBase*>& ports) {
  json out = json::array();
  for (const PortBase* port : ports)
    out.push_back({{"name", port->name()}, {"type", type_name(port->type())}});
  return out;
}

// "cell.port" for a child's port; "port" for the level's own.
std::string endpoint(const PortBase& port, const Pipeline& level) {
  return &port.owner() == &level ? port.name() : port.owner().name() + "." + port.name();
}

// The level's children, each after every child it reads from (add order among equals).
std::vector<const detail::Structure::Child*> topological(const detail::Structure& s) {
  std::vector<const detail::Structure::Child*> pending, out;
  for (const auto& child : s.children) pending.push_back(&child);
  auto ready = [&](const detail::Structure::Child* child) {
    return std::none_of(s.connections.begin(), s.connections.end(), [&](const auto& c) {
      if (&c.to->owner() != child->cell.get() || c.feedback) return false;
      return std::any_of(pending.begin(), pending.end(), [&](const auto* other) {
        return other != child && &c.from->owner() == other->cell.get();
      });
    });
  };
  while (!pending.empty()) {
    auto next = std::find_if(pending.begin(), pending.end(), ready);
    if (next == pending.end()) next = pending.begin();  // a cycle (refused by validate())
    out.push_back(*next);
    pending.erase(next);
  }
  return out;
}

json params_of(const Cell& cell, const Running& running) {
  json values = json::object();
  json live = json::array();
  for (const ParamBase* param : cell.params()) {
    values[param->name()] = param->value_json();
    if (param->live()) live.push_back(param->name());
  }
  if (const auto it = running.live_values.find(cell.path()); it != running.live_values.end())
    values.update(it->second);
  return {{"params", values}, {"live_params", live}};
}

json describe_level(const Pipeline& level, const Running& running);

json describe_child(const detail::Structure::Child& child, const detail::Structure& s,
                    const Running& running) {
  const Cell& cell = *child.cell;
  const bool feeds_something =
      std::any_of(s.connections.begin(), s.connections.end(),
                  [&](const auto& c) { return &c.from->owner() == &cell; });
  json out = {{"name", cell.name()},
              {"path", cell.path()},
              {"source", cell.is_source()},
              {"sink", !cell.is_pipeline() && !feeds_something},
              {"inputs", ports_of(cell.inputs())},
              {"outputs", ports_of(cell.outputs())}};
  if (child.scaled) {
    const auto it = running.clones.find(cell.path());
    out["clones"] = it != running.clones.end() ? it->second : child.scale.clones;
    if (child.scale.remote > 0) out["remote_clones"] = child.scale.remote;
  }
  if (child.sync) out["sync"] = child.sync->to_json();
  if (child.queue) out["queue"] = child.queue->to_json();
  if (child.batch) out["batch"] = child.batch->to_json();
  for (const auto& [input, queue] : child.queues) out["queues"][input] = queue.to_json();
  if (cell.is_pipeline())
    out["pipeline"] = describe_level(static_cast<const Pipeline&>(cell), running);
  else
    out.update(params_of(cell, running));
  return out;
}

json describe_level(const Pipeline& level, const Running& running) {
  const auto& s = detail::PipelineAccess::structure(level);
  json cells = json::array(), connections = json::array(), inputs = json::array(),
       outputs = json::array();
  for (const auto* child : topological(s)) cells.push_back(describe_child(*child, s, running));
  for (const PortBase* port : level.inputs()) {
    json to = json::array();
    for (const auto& c : s.connections)
      if (c.from == port) to.push_back(endpoint(*c.to, level));
    inputs.push_back({{"name", port->name()}, {"type", type_name(port->type())}, {"to", to}});
  }
  for (const PortBase* port : level.outputs()) {
    const auto* producer = s.producer_of(*port);
    outputs.push_back({{"name", port->name()},
                       {"type", type_name(port->type())},
                       {"from", producer ? json(endpoint(*producer->from, level)) : json()}});
  }
  for (const auto& c : s.connections) {
    if (&c.from->owner() == &level || &c.to->owner() == &level) continue;  // in inputs/outputs
    json connection = {{"from", endpoint(*c.from, level)},
                       {"to", endpoint(*c.to, level)},
                       {"type", type_name(c.from->type())},
                       {"feedback", c.feedback.has_value()}};
    if (c.feedback) connection["initial"] = c.feedback_json;
    connections.push_back(std::move(connection));
  }
  return {{"name", level.name()},
          {"inputs", inputs},
          {"outputs", outputs},
          {"cells", cells},
          {"connections", connections}};
}

}  // namespace

nlohmann::json detail::describe_structure(const Pipeline& pipeline) {
  return describe_level(pipeline, Running{});
}

nlohmann::json Pipeline::describe() const {
  Running now;
  std::shared_ptr<detail::Runner> runner;
  {
    std::lock_guard lock(impl_->lifecycle_mutex);
    runner = impl_->runner;
  }
  if (runner) {
    for (const CellStats& cell : runner->stats().cells)
      if (cell.clones > 0) now.clones[cell.path] = cell.clones;
    for (const auto& [path, clones] : runner->composed_clone_counts()) now.clones[path] = clones;
    now.live_values = runner->live_values();
  }
  json out = describe_level(*this, now);
  out["running"] = running();
  return out;
}

}  // namespace cellflow
