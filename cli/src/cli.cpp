// run_cli: argument parsing (CLI11), dispatch to the subcommands, and the one place where
// exceptions become "error: ..." on stderr and an exit code.
#include "cellflow/cli/cli.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "cellflow/error.hpp"
#include "commands.hpp"

#ifndef CELLFLOW_VERSION
#define CELLFLOW_VERSION "unknown"
#endif

namespace cellflow::cli {
namespace {

using detail::CellsCommandOptions;
using detail::ConfigOptions;
using detail::RunCommandOptions;
using detail::ServeCommandOptions;

void print_error(const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "error: %s\n", message.c_str());
  std::fflush(stderr);
}

// One problem: "error: <problem>". Several: a count, then each problem on its own line.
void print_error(const Error& error) {
  const auto& problems = error.problems();
  if (problems.size() <= 1) return print_error(problems.empty() ? error.what() : problems[0]);
  std::string message = std::to_string(problems.size()) + " problems:";
  for (const std::string& problem : problems) message += "\n  " + problem;
  print_error(message);
}

// Logs never go to stdout, which carries the data.
void configure_logging(const std::string& level) {
  constexpr const char* kLogger = "cellflow-cli";
  auto logger = spdlog::get(kLogger);
  if (!logger) logger = spdlog::stderr_color_mt(kLogger);
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
}

void add_config_options(CLI::App& command, ConfigOptions& options) {
  command.add_option("-c,--config", options.config, "pipeline config (JSON)")
      ->required()
      ->check(CLI::ExistingFile);
  command.add_option("--clones", options.clones, "clone count override path=N (repeatable)")
      ->type_name("PATH=N");
  command.add_option("--set", options.params, "param override cell.param=value (repeatable)")
      ->type_name("CELL.PARAM=VALUE");
}

void add_trace_option(CLI::App& command, std::string& path) {
  command
      .add_option("--trace", path,
                  "write a Chrome trace-event JSON file (open it in ui.perfetto.dev or "
                  "chrome://tracing): a track per cell clone, a span per item")
      ->type_name("FILE");
}

CLI::App* add_run(CLI::App& app, RunCommandOptions& options) {
  auto* run = app.add_subcommand("run", "run a stream pipeline, print outputs as JSON lines");
  add_config_options(*run, options.pipeline);
  run->add_option("--max-in-flight", options.max_in_flight,
                  "items in flight at most (default: the config's max_in_flight)")
      ->check(CLI::PositiveNumber);
  run->add_flag("--timestamps", options.timestamps,
                "add each item's stamp (_ts_ms) and latency (_latency_ms: output time minus the "
                "time it left its source) to every line");
  add_trace_option(*run, options.trace);
  run->add_flag("--continue-on-error", options.continue_on_error,
                "report failed items on stderr and go on (exit code 1 at the end)");
  return run;
}

CLI::App* add_cells(CLI::App& app, CellsCommandOptions& options) {
  auto* cells = app.add_subcommand("cells", "list cell types with their ports and params");
  cells->add_option("types", options.types, "only these types");
  cells->add_flag("--json", options.json, "machine-readable output");
  return cells;
}

CLI::App* add_worker(CLI::App& app, redis::WorkerOptions& options) {
  auto* worker = app.add_subcommand(
      "worker", "serve a cell's remote clones from a Redis queue until SIGINT/SIGTERM");
  worker->add_option("-c,--config", options.config, "the coordinator's pipeline config (JSON)")
      ->required()
      ->check(CLI::ExistingFile);
  worker->add_option("--cell", options.cell, "path of the cell in the config")->required();
  worker->add_option("--redis", options.redis, "Redis URL (default: the cell's \"remote\")");
  worker->add_option("--queue", options.queue, "queue name (default: the cell's \"remote\")");
  worker->add_option("--clones", options.clones, "local clones of the cell")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  worker->add_option("--claim-idle-ms", options.claim_idle_ms,
                     "claim tasks another worker left unacknowledged this long (default: the "
                     "cell's \"remote\".claim_idle_ms, else 2000)");
  worker->add_option("--set", options.params, "param override cell.param=value (repeatable)")
      ->type_name("CELL.PARAM=VALUE");
  return worker;
}

CLI::App* add_serve(CLI::App& app, ServeCommandOptions& options) {
  auto* serve =
      app.add_subcommand("serve", "serve pipelines over HTTP (KServe v2) until SIGINT/SIGTERM");
  serve->add_option("-c,--config", options.configs, "pipeline config (JSON), one per model")
      ->required()
      ->check(CLI::ExistingFile);
  serve->add_option("--clones", options.clones, "clone count override path=N (repeatable)")
      ->type_name("PATH=N");
  serve->add_option("--host", options.host, "address to listen on")->capture_default_str();
  serve->add_option("--port", options.port, "port to listen on (0: any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  serve->add_option("--api-key", options.api_key,
                    "require 'Authorization: Bearer KEY' on /v2/models/... "
                    "(default: $CELLFLOW_API_KEY)");
  add_trace_option(*serve, options.trace);
  serve->add_option("--threads", options.threads, "HTTP worker threads (0: max(8, 4 x cores))")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  serve
      ->add_option("--set", options.params,
                   "param override cell.param=value (repeatable; applies to every config "
                   "having that cell)")
      ->type_name("CELL.PARAM=VALUE");
  serve
      ->add_option("--max-pending", options.max_pending,
                   "requests admitted per model at once, beyond it 429 (default: the config's "
                   "max_pending, else 2 x max_in_flight)")
      ->check(CLI::PositiveNumber);
  serve
      ->add_option("--timeout-ms", options.timeout_ms,
                   "per-request timeout, 504 beyond it (default: the config's timeout_ms; 0: none)")
      ->check(CLI::NonNegativeNumber);
  serve
      ->add_option("--max-body-mb", options.max_body_mb,
                   "largest request body in MiB, 413 beyond it")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve
      ->add_option("--grpc-port", options.grpc_port,
                   "KServe v2 gRPC port (default 8081, or a free port with --port 0; -1: none)")
      ->check(CLI::Range(-1, 65535));
  serve->fallthrough();  // --log-level after the subcommand name
  return serve;
}

// Runs a subcommand, turning its exceptions into an error message and an exit code.
template <class Command>
int guarded(Command&& command) {
  try {
    return command();
  } catch (const Error& error) {
    print_error(error);
    return kExitUsage;
  } catch (const std::exception& error) {
    print_error(error.what());
    return kExitFailure;
  } catch (...) {
    print_error("unknown exception");
    return kExitFailure;
  }
}

void configure_app(CLI::App& app, std::string& log_level) {
  app.require_subcommand(1);
  app.set_version_flag("--version", CELLFLOW_VERSION);
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, critical or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
      ->capture_default_str();
  app.failure_message([](const CLI::App*, const CLI::Error& error) {
    return "error: " + std::string(error.what()) + "\nRun with --help for more information.\n";
  });
}

// CLI11 reports "A subcommand is required" for a mistyped command; name it instead.
bool reject_unknown_command(const CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return false;
  std::string known;
  for (const CLI::App* command : app.get_subcommands({})) {
    if (command->get_name() == argv[1]) return false;
    known += (known.empty() ? "" : ", ") + command->get_name();
  }
  print_error("unknown command '" + std::string(argv[1]) + "' (commands: " + known +
              ")\nRun with --help for more information.");
  return true;
}

}  // namespace

int run_cli(int argc, char** argv, const Registry& registry, const CodecRegistry& codecs) {
  CLI::App app{"cellflow: run, check and inspect cellflow pipelines", "cellflow"};
  std::string log_level = "warn";
  configure_app(app, log_level);
  RunCommandOptions run_options;
  CLI::App* run = add_run(app, run_options);
  ConfigOptions validate_options, graph_options;
  bool validate_open = false, graph_json = false;
  CLI::App* validate = app.add_subcommand("validate", "check a config, listing every problem");
  add_config_options(*validate, validate_options);
  validate->add_flag("--open", validate_open,
                     "also open every cell once (finds missing model files before serving)");
  CLI::App* graph = app.add_subcommand("graph", "print a config's pipeline as Graphviz DOT");
  add_config_options(*graph, graph_options);
  graph->add_flag("--json", graph_json, "the topology as JSON (Pipeline::describe) instead");
  CellsCommandOptions cells_options;
  CLI::App* cells = add_cells(app, cells_options);
  ServeCommandOptions serve_options;
  CLI::App* serve = add_serve(app, serve_options);
  redis::WorkerOptions worker_options;
  CLI::App* worker = add_worker(app, worker_options);
  if (reject_unknown_command(app, argc, argv)) return kExitUsage;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? kExitOk : kExitUsage;
  }
  return guarded([&] {
    configure_logging(log_level);
    if (run->parsed()) return detail::run_command(run_options, registry, codecs);
    if (validate->parsed())
      return detail::validate_command(validate_options, validate_open, registry);
    if (graph->parsed()) return detail::graph_command(graph_options, graph_json, registry);
    if (cells->parsed()) return detail::cells_command(cells_options, registry);
    if (serve->parsed()) return detail::serve_command(serve_options, registry, codecs);
    if (worker->parsed()) return detail::worker_command(worker_options, registry, codecs);
    return kExitUsage;  // unreachable: require_subcommand(1)
  });
}

int run_cli(int argc, char** argv, const Registry& registry) {
  return run_cli(argc, argv, registry, CodecRegistry::defaults());
}

}  // namespace cellflow::cli
