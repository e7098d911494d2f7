// The `cellflow` command-line tool with the built-in cells (Delay, Fail, Counter, Repeat) and
// the vision cells (images, video, faces, people, text).
// Applications with their own cells build the same tool by calling cellflow::server::run_cli
// with their own registry.
#include "cellflow/cells/builtin.hpp"
#include "cellflow/server/cli.hpp"
#include "cellflow/vision/vision.hpp"

int main(int argc, char** argv) {
  cellflow::Registry registry = cellflow::cells::builtin_registry();
  cellflow::vision::register_vision(registry);
  return cellflow::server::run_cli(argc, argv, registry);
}
