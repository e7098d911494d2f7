// The `cellflow` command-line tool with the built-in cells (Delay, Fail, Counter, Repeat).
// Applications with their own cells build the same tool by calling cellflow::server::run_cli
// with their own registry.
#include "cellflow/cells/builtin.hpp"
#include "cellflow/server/cli.hpp"

int main(int argc, char** argv) {
  const cellflow::Registry registry = cellflow::cells::builtin_registry();
  return cellflow::server::run_cli(argc, argv, registry);
}
