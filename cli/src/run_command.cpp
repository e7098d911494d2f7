// `cellflow run`: stream a pipeline built from a config and print its outputs as JSON lines.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "cellflow/cli/cli.hpp"
#include "cellflow/error.hpp"
#include "cellflow/trace.hpp"
#include "commands.hpp"
#include "output_sink.hpp"
#include "progress.hpp"

namespace cellflow::cli::detail {
namespace {

// `run` needs a stream pipeline: exposed inputs would never receive anything. Such a pipeline
// answers requests: `serve` is the command for it.
void require_stream_pipeline(const Pipeline& pipeline, const std::string& config) {
  if (pipeline.inputs().empty()) return;
  std::string names;
  for (const PortBase* port : pipeline.inputs()) {
    names += (names.empty() ? "'" : ", '") + port->name() + "'";
  }
  throw Error("pipeline '" + pipeline.name() + "' exposes inputs (" + names +
              "); 'cellflow run' needs a pipeline fed by sources only. A pipeline with inputs "
              "answers requests: serve it with 'cellflow serve --config " +
              config + "'");
}

RunOptions run_options(const Pipeline& pipeline, const RunCommandOptions& options) {
  RunOptions run = pipeline.options();
  if (options.max_in_flight) run.max_in_flight = *options.max_in_flight;
  run.on_error = ErrorPolicy::kContinue;  // OutputSink implements --continue-on-error or not
  return run;
}

}  // namespace

int run_command(const RunCommandOptions& options, const Registry& registry,
                const CodecRegistry& codecs) {
  auto pipeline = load_configured(options.pipeline, registry);
  require_stream_pipeline(*pipeline, options.pipeline.config);
  RunOptions run = run_options(*pipeline, options);
  std::unique_ptr<ChromeTrace> trace;
  if (!options.trace.empty()) {
    trace = std::make_unique<ChromeTrace>(options.trace);
    auto traced = trace->observer(pipeline->name());
    run.observer = run.observer
                       ? std::make_shared<Observers>(std::vector<std::shared_ptr<PipelineObserver>>{
                             run.observer, std::move(traced)})
                       : std::move(traced);
  }
  pipeline->set_options(std::move(run));
  Progress progress(::isatty(STDERR_FILENO) == 1, ::isatty(STDOUT_FILENO) == 1);
  OutputSink sink(codecs, progress, options.continue_on_error, options.timestamps);
  pipeline->start();  // opens the sources, so they can tell how many items are coming
  progress.set_total(pipeline->expected_items());
  pipeline->run([&sink](Result&& result) { sink(std::move(result)); });
  progress.finish();
  if (sink.failed() == 0) return kExitOk;
  std::fprintf(stderr, "error: %llu of %llu items failed\n",
               static_cast<unsigned long long>(sink.failed()),
               static_cast<unsigned long long>(sink.done()));
  return kExitFailure;
}

}  // namespace cellflow::cli::detail
