// to_dot: Graphviz DOT drawn from Pipeline::describe(), the one description of the topology.
#include "cellflow/graphviz.hpp"

#include <sstream>

namespace cellflow {
namespace {

using nlohmann::json;

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return out + "\"";
}

std::string joined(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "/" + name;
}

std::string port_of(const std::string& endpoint) {
  const auto dot = endpoint.find('.');
  return dot == std::string::npos ? endpoint : endpoint.substr(dot + 1);
}

// The node of an endpoint of `level` ("cell.port", or the level's own "port"): a leaf cell's
// node, or the port node at a nested pipeline's boundary.
std::string node_of(const json& level, const std::string& prefix, const std::string& endpoint) {
  const auto dot = endpoint.find('.');
  if (dot == std::string::npos) return quoted(prefix + ":" + endpoint);
  const std::string name = endpoint.substr(0, dot);
  for (const json& cell : level["cells"])
    if (cell["name"] == name && cell.contains("pipeline"))
      return quoted(joined(prefix, name) + ":" + endpoint.substr(dot + 1));
  return quoted(joined(prefix, name));
}

void edge(std::ostringstream& out, const std::string& indent, const std::string& from,
          const std::string& to, const std::string& label, bool feedback = false) {
  out << indent << from << " -> " << to << " [label=" << quoted(label)
      << (feedback ? ", style=dashed, constraint=false" : "") << "];\n";
}

void emit_level(const json& level, const std::string& prefix, std::ostringstream& out,
                const std::string& indent) {
  for (const char* side : {"inputs", "outputs"})
    for (const json& port : level[side])
      out << indent << quoted(prefix + ":" + port["name"].get<std::string>())
          << " [shape=cds, label=" << quoted(port["name"]) << "];\n";
  for (const json& cell : level["cells"]) {
    const std::string name = cell["name"];
    const std::string clones =
        cell.contains("clones") ? " ×" + std::to_string(cell["clones"].get<int>()) : "";
    if (cell.contains("pipeline")) {
      out << indent << "subgraph " << quoted("cluster_" + joined(prefix, name)) << " {\n"
          << indent << "  label=" << quoted(name + clones) << ";\n";
      emit_level(cell["pipeline"], joined(prefix, name), out, indent + "  ");
      out << indent << "}\n";
    } else {
      out << indent << quoted(joined(prefix, name))
          << " [shape=box, label=" << quoted(name + clones) << "];\n";
    }
  }
  for (const json& port : level["inputs"])
    for (const json& to : port["to"])
      if (to.get<std::string>().find('.') != std::string::npos)  // a skip: drawn with outputs
        edge(out, indent, node_of(level, prefix, port["name"]), node_of(level, prefix, to),
             port["name"].get<std::string>() + " → " + port_of(to) + " (" +
                 port["type"].get<std::string>() + ")");
  for (const json& c : level["connections"])
    edge(out, indent, node_of(level, prefix, c["from"]), node_of(level, prefix, c["to"]),
         port_of(c["from"]) + " → " + port_of(c["to"]) + " (" + c["type"].get<std::string>() +
             (c["feedback"].get<bool>() ? ", feedback, starts at " + c["initial"].dump() : "") +
             ")",
         c["feedback"].get<bool>());
  for (const json& port : level["outputs"])
    if (port["from"].is_string())
      edge(out, indent, node_of(level, prefix, port["from"]), node_of(level, prefix, port["name"]),
           port_of(port["from"]) + " → " + port["name"].get<std::string>() + " (" +
               port["type"].get<std::string>() + ")");
}

}  // namespace

std::string to_dot(const Pipeline& pipeline) {
  const json description = pipeline.describe();
  std::ostringstream out;
  out << "digraph " << quoted(description["name"]) << " {\n  rankdir=LR;\n";
  emit_level(description, "", out, "  ");
  out << "}\n";
  return out.str();
}

}  // namespace cellflow
