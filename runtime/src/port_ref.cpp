#include "detail/port_ref.hpp"

#include "detail/suggest.hpp"

namespace cellflow::detail {
namespace {

std::vector<std::string> port_names(const Cell& cell) {
  std::vector<std::string> out;
  for (const auto* list : {&cell.inputs(), &cell.outputs()})
    for (const auto* port : *list) out.push_back(port->name());
  return out;
}

std::string listed(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace

const PortBase* resolve_port(const Pipeline& pipeline, std::string_view ref, PortKind kind,
                             std::string& problem) {
  const auto dot = ref.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == ref.size()) {
    problem = "'" + std::string(ref) + "' is not of the form 'cell.port'";
    return nullptr;
  }
  const std::string cell_name(ref.substr(0, dot));
  const std::string port_name(ref.substr(dot + 1));
  const Cell* cell = nullptr;
  std::vector<std::string> cells;
  for (const auto* child : pipeline.children()) {
    if (child->name() == cell_name) cell = child;
    cells.push_back(child->name());
  }
  if (!cell) {
    problem = "unknown cell '" + cell_name + "' in pipeline '" + pipeline.name() +
              "' (cells: " + listed(cells) + ")" + did_you_mean(cell_name, cells);
    return nullptr;
  }
  const PortBase* port = cell->find_port(port_name);
  if (!port) {
    const auto ports = port_names(*cell);
    problem = "cell '" + cell_name + "' has no port '" + port_name + "' (ports: " + listed(ports) +
              ")" + did_you_mean(port_name, ports);
    return nullptr;
  }
  if (port->kind() != kind) {
    problem = "'" + std::string(ref) + "' is an " +
              (port->kind() == PortKind::kInput ? "input" : "output") + ", expected an " +
              (kind == PortKind::kInput ? "input" : "output");
    return nullptr;
  }
  return port;
}

namespace {

const Cell& top_of(const Cell& cell) {
  const Cell* top = &cell;
  while (top->parent() != nullptr) top = top->parent();
  return *top;
}

}  // namespace

std::string endpoint_problem(const PortBase& port, const Pipeline& pipeline, bool is_from) {
  const Cell& port_top = top_of(port.owner());
  if (&port_top != &top_of(pipeline))
    return "port '" + port.path() + "' belongs to top-level pipeline '" + port_top.name() +
           "', not to '" + top_of(pipeline).name() + "' (connecting in '" + pipeline.name() +
           "'): ports of two top-level pipelines cannot be connected";
  const bool own = &port.owner() == &pipeline;
  if (own)
    return "'" + port.path() + "' is this pipeline's own " +
           (port.kind() == PortKind::kInput ? "input" : "output") + " and cannot " +
           (is_from ? "start" : "end") + " a connection";
  if (port.owner().parent() != &pipeline)
    return "cell '" + port.owner().path() + "' is not a child of pipeline '" + pipeline.name() +
           "'; connect through the ports of its own pipeline";
  return "'" + port.path() + "' is an " + (port.kind() == PortKind::kInput ? "input" : "output") +
         "; a connection goes from an output to an input";
}

}  // namespace cellflow::detail
