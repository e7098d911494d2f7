// The subcommands of run_cli (internal). Each writes its output on stdout and reports problems by
// throwing: cellflow::Error for usage/config/wiring problems, anything else for runtime
// failures. run_cli maps the exceptions to "error: ..." on stderr and an exit code.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cellflow/codecs/codec.hpp"
#include "cellflow/pipeline.hpp"
#include "cellflow/redis/worker.hpp"
#include "cellflow/registry.hpp"

namespace cellflow::cli::detail {

/// Which pipeline to load, its clone overrides ("path=N") and param overrides
/// ("cell.param=value").
struct ConfigOptions {
  std::string config;
  std::vector<std::string> clones;
  std::vector<std::string> params;
};

struct RunCommandOptions {
  ConfigOptions pipeline;
  std::optional<std::size_t> max_in_flight;  ///< unset: the config's value
  bool continue_on_error = false;
  bool timestamps = false;  ///< add "_ts_ms" and "_latency_ms" to every line
  std::string trace;        ///< non-empty: write a Chrome trace-event JSON file there
};

struct ServeCommandOptions {
  std::vector<std::string> configs;  ///< one served pipeline (model) per config
  std::vector<std::string> clones;   ///< "path=N", applied to every pipeline having that path
  std::string host = "127.0.0.1";
  int port = 8080;  ///< 0: any free port (the printed URL tells which)
  std::string api_key;
  int threads = 0;                         ///< HTTP worker threads; 0: ServerOptions' default
  std::vector<std::string> params;         ///< "cell.param=value", for every config having it
  std::optional<std::size_t> max_pending;  ///< unset: each config's own
  std::optional<std::size_t> timeout_ms;   ///< unset: each config's own
  std::size_t max_body_mb = 64;
  /// KServe v2 gRPC port; unset: 8081, or a free port when `port` is 0; -1: no gRPC.
  std::optional<int> grpc_port;
  std::string trace;  ///< non-empty: write a Chrome trace-event JSON file there
};

struct CellsCommandOptions {
  std::vector<std::string> types;  ///< empty: every registered type
  bool json = false;
};

/// Loads `options.config` and applies the clone overrides. Throws Error.
std::unique_ptr<Pipeline> load_configured(const ConfigOptions& options, const Registry& registry);

/// Runs a stream pipeline, printing outputs as JSON lines. Returns kExitOk, or kExitFailure when
/// items failed under --continue-on-error. Fail-fast errors propagate from Pipeline::run().
int run_command(const RunCommandOptions& options, const Registry& registry,
                const CodecRegistry& codecs);
/// Prints "ok: <name> (N cells)" when the pipeline validates; throws Error otherwise. With
/// `open`, also opens every cell (and clone) once and closes it, so that what only opening finds
/// (a missing model file) is reported too.
int validate_command(const ConfigOptions& options, bool open, const Registry& registry);
/// Lists registered cell types (all, or `options.types`) as text or JSON.
int cells_command(const CellsCommandOptions& options, const Registry& registry);
/// Serves the pipelines over HTTP (KServe v2) until SIGINT or SIGTERM, then stops gracefully.
/// Prints "listening on http://HOST:PORT" once accepting. Returns kExitOk after a signal.
int serve_command(const ServeCommandOptions& options, const Registry& registry,
                  const CodecRegistry& codecs);
/// Serves a remote queue with clones of one cell until SIGINT/SIGTERM (see redis/worker.hpp).
int worker_command(const redis::WorkerOptions& options, const Registry& registry,
                   const CodecRegistry& codecs);
/// Prints the pipeline as Graphviz DOT.
int graph_command(const ConfigOptions& options, bool json, const Registry& registry);

/// Writes `text` and a newline to stdout and flushes, so output can be piped line by line.
void print_line(const std::string& text);

}  // namespace cellflow::cli::detail
