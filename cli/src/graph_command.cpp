// `cellflow graph`: print a config's pipeline as Graphviz DOT (`cellflow graph -c p.json | dot
// -Tsvg > p.svg`), or with --json its topology as data (Pipeline::describe).
#include <string>

#include "cellflow/cli/cli.hpp"
#include "cellflow/graphviz.hpp"
#include "commands.hpp"

namespace cellflow::cli::detail {

int graph_command(const ConfigOptions& options, bool json, const Registry& registry) {
  auto pipeline = load_configured(options, registry);
  if (json) {
    print_line(pipeline->describe().dump(2));
    return kExitOk;
  }
  std::string dot = to_dot(*pipeline);
  if (!dot.empty() && dot.back() == '\n') dot.pop_back();
  print_line(dot);
  return kExitOk;
}

}  // namespace cellflow::cli::detail
