// `cellflow validate`: load and validate a config without running it.
#include <cstddef>
#include <string>

#include "cellflow/cli/cli.hpp"
#include "commands.hpp"

namespace cellflow::cli::detail {
namespace {

// Leaf cells only: nested pipelines are containers, not work.
std::size_t count_leaf_cells(const Pipeline& pipeline) {
  std::size_t count = 0;
  for (const std::string& path : pipeline.cell_paths()) {
    if (!pipeline.cell(path).is_pipeline()) ++count;
  }
  return count;
}

}  // namespace

int validate_command(const ConfigOptions& options, bool open, const Registry& registry) {
  auto pipeline = load_configured(options, registry);
  pipeline->validate();
  if (open) {
    pipeline->start();
    pipeline->stop();
  }
  const std::size_t cells = count_leaf_cells(*pipeline);
  print_line("ok: " + pipeline->name() + " (" + std::to_string(cells) +
             (cells == 1 ? " cell" : " cells") + (open ? ", all opened)" : ")"));
  return kExitOk;
}

}  // namespace cellflow::cli::detail
