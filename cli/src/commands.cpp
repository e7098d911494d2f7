// Helpers shared by the subcommands.
#include "commands.hpp"

#include <cstdio>

#include "cellflow/loader.hpp"

namespace cellflow::cli::detail {

std::unique_ptr<Pipeline> load_configured(const ConfigOptions& options, const Registry& registry) {
  auto pipeline = load_pipeline_file(options.config, registry, options.params);
  if (!options.clones.empty()) apply_clone_overrides(*pipeline, options.clones);
  return pipeline;
}

void print_line(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

}  // namespace cellflow::cli::detail
