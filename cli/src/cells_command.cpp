// `cellflow cells`: what a registry offers. Each type is instantiated once through the registry
// (never opened) to read its declared ports and params.
#include <algorithm>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cellflow/cli/cli.hpp"
#include "cellflow/error.hpp"
#include "cellflow/param.hpp"
#include "commands.hpp"

namespace cellflow::cli::detail {
namespace {

using Table = std::vector<std::vector<std::string>>;

nlohmann::json describe_ports(const std::vector<PortBase*>& ports) {
  nlohmann::json out = nlohmann::json::array();
  for (const PortBase* port : ports) {
    out.push_back({{"name", port->name()},
                   {"direction", port->kind() == PortKind::kInput ? "input" : "output"},
                   {"type", type_name(port->type())}});
  }
  return out;
}

// {"type", "description", "ports": [{"name", "direction", "type"}],
//  "params": [{"name", "kind", "default", "live", "constraint", "description"}]}
nlohmann::json describe_type(const Registry& registry, const std::string& type) {
  const auto cell = registry.create(type);
  nlohmann::json ports = describe_ports(cell->inputs());
  for (auto& port : describe_ports(cell->outputs())) ports.push_back(std::move(port));
  nlohmann::json params = nlohmann::json::array();
  for (const ParamBase* param : cell->params()) {
    params.push_back({{"name", param->name()},
                      {"kind", param->kind()},
                      {"default", param->default_json()},
                      {"live", param->live()},
                      {"constraint", param->constraint()},
                      {"description", param->description()}});
  }
  return {{"type", type},
          {"description", registry.description(type)},
          {"ports", std::move(ports)},
          {"params", std::move(params)}};
}

// Every requested type, or all of them; unknown names are one Error listing the known types.
std::vector<std::string> selected_types(const CellsCommandOptions& options,
                                        const Registry& registry) {
  if (options.types.empty()) return registry.types();
  std::vector<std::string> problems;
  for (const std::string& type : options.types) {
    try {
      registry.factory(type);
    } catch (const Error& error) {
      problems.insert(problems.end(), error.problems().begin(), error.problems().end());
    }
  }
  if (!problems.empty()) throw Error(std::move(problems));
  return options.types;
}

// Rows with columns padded to a common width (the last column is not padded).
void print_table(const Table& rows, const std::string& indent) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line = indent;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    print_line(line);
  }
}

void print_type(const nlohmann::json& type) {
  const std::string description = type["description"];
  print_line(type["type"].get<std::string>() + (description.empty() ? "" : "  " + description));
  Table ports;
  for (const auto& port : type["ports"])
    ports.push_back({port["name"], port["direction"], port["type"]});
  print_line("  ports:" + std::string(ports.empty() ? " none" : ""));
  print_table(ports, "    ");
  Table params;
  for (const auto& param : type["params"]) {
    const std::string live = param["live"].get<bool>() ? "live: " : "";
    const std::string constraint = param["constraint"];
    params.push_back({param["name"], param["kind"], "default " + param["default"].dump(),
                      live + param["description"].get<std::string>() +
                          (constraint.empty() ? "" : "; " + constraint)});
  }
  print_line("  params:" + std::string(params.empty() ? " none" : ""));
  print_table(params, "    ");
}

}  // namespace

int cells_command(const CellsCommandOptions& options, const Registry& registry) {
  nlohmann::json types = nlohmann::json::array();
  for (const std::string& type : selected_types(options, registry)) {
    types.push_back(describe_type(registry, type));
  }
  if (options.json) {
    print_line(types.dump(2));
    return kExitOk;
  }
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (i > 0) print_line("");
    print_type(types[i]);
  }
  return kExitOk;
}

}  // namespace cellflow::cli::detail
