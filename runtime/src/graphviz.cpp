#include "cellflow/graphviz.hpp"

#include <sstream>

#include "detail/structure.hpp"

namespace cellflow {
namespace {

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return out + "\"";
}

// A port's node: a leaf cell's node, or the pipeline-port node at the pipeline's boundary.
std::string node_of(const PortBase& port, const Pipeline& level) {
  if (&port.owner() == &level) return quoted(level.path() + ":" + port.name());
  if (port.owner().is_pipeline()) return quoted(port.owner().path() + ":" + port.name());
  return quoted(port.owner().path());
}

void emit_level(const Pipeline& p, std::ostringstream& out, const std::string& indent) {
  for (const auto* port : p.inputs())
    out << indent << node_of(*port, p) << " [shape=cds, label=" << quoted(port->name()) << "];\n";
  for (const auto* port : p.outputs())
    out << indent << node_of(*port, p) << " [shape=cds, label=" << quoted(port->name()) << "];\n";
  for (const auto& child : p.structure().children) {
    const Cell& cell = *child.cell;
    const std::string clones = child.scaled ? " ×" + std::to_string(child.scale.clones) : "";
    if (cell.is_pipeline()) {
      out << indent << "subgraph " << quoted("cluster_" + cell.path()) << " {\n"
          << indent << "  label=" << quoted(cell.name() + clones) << ";\n";
      emit_level(static_cast<const Pipeline&>(cell), out, indent + "  ");
      out << indent << "}\n";
    } else {
      out << indent << quoted(cell.path()) << " [shape=box, label=" << quoted(cell.name() + clones)
          << "];\n";
    }
  }
  for (const auto& c : p.structure().connections) {
    const std::string label =
        c.from->name() + " → " + c.to->name() + " (" + type_name(c.from->type()) + ")";
    out << indent << node_of(*c.from, p) << " -> " << node_of(*c.to, p)
        << " [label=" << quoted(label) << "];\n";
  }
}

}  // namespace

std::string to_dot(const Pipeline& pipeline) {
  std::ostringstream out;
  out << "digraph " << quoted(pipeline.name()) << " {\n  rankdir=LR;\n";
  emit_level(pipeline, out, "  ");
  out << "}\n";
  return out.str();
}

}  // namespace cellflow
