// The `cellflow` command line as a library function, so an application can ship its own CLI
// binary with its own cells (and codecs for its own types) registered:
//
//   int main(int argc, char** argv) {
//     cellflow::Registry registry = cellflow::cells::builtin_registry();
//     registry.add<Blur>("Blur", "gaussian blur");
//     auto codecs = cellflow::CodecRegistry::defaults();
//     codecs.add<Point>(std::make_shared<PointCodec>());
//     return cellflow::cli::run_cli(argc, argv, registry, codecs);
//   }
//
// clang-format off
// Subcommands:
//   run --config FILE [--clones path=N ...] [--set cell.param=value ...] [--max-in-flight N]
//       [--continue-on-error]
//       Runs a stream pipeline; prints each item's output values on stdout as one compact JSON
//       object per line keyed by output name ({"y":5}), in item order, flushed per line.
//   validate --config FILE [--set ...] [--open]
//       Prints "ok: <name> (N cells)" or every problem, one per line; --open also opens every
//       cell once (a missing model file is found before serving).
//   cells [TYPE ...] [--json]  lists registered cell types with their ports and params
//   graph --config FILE [--json] prints the pipeline as Graphviz DOT, or its topology as JSON
//   serve --config FILE [--config FILE ...] [--host H] [--port P] [--api-key K] [--threads N]
//         [--clones path=N ...] [--set cell.param=value ...] [--max-pending N]
//         [--timeout-ms MS] [--max-body-mb MB] [--grpc-port P]
//       Serves each pipeline as a KServe v2 model over HTTP (see http_server.hpp); prints
//       "listening on http://H:P" once accepting (and "listening on grpc://H:P" for KServe v2
//       gRPC, port 8081 by default, a free one with --port 0, none with --grpc-port -1); stops
//       gracefully on SIGINT/SIGTERM (exit 0). A model that fails to open answers 503 with the reason; when every model fails, serve
//       stops and exits 2 with each reason.
//       Blocks SIGINT/SIGTERM in the calling thread while serving.
//   worker --config FILE --cell PATH [--redis URL] [--queue NAME] [--clones N] [--set ...]
//          [--claim-idle-ms MS]
//       Serves the remote clones of a cell (its config entry's "remote") from a Redis queue
//       until SIGINT/SIGTERM, then finishes the tasks it holds and exits 0 (cellflow::redis).
//
// clang-format on
// Exit codes: 0 success; 1 an item or the runtime failed; 2 a usage, config or wiring error
// (cellflow::Error). Errors are printed on stderr as "error: <message>". Logs and progress go to
// stderr only; progress only when stderr is a terminal.
#pragma once

#include "cellflow/codecs/codec.hpp"
#include "cellflow/registry.hpp"

namespace cellflow::cli {

/// Exit codes of run_cli.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  ///< an item or the runtime failed
inline constexpr int kExitUsage = 2;    ///< bad arguments, config or wiring (cellflow::Error)

/// Parses `argv`, runs the chosen subcommand and returns the process exit code. Never throws.
/// `registry` provides the cell types for configs; `codecs` are the ports' wire types, used by
/// `serve` and to print `run`'s output values as JSON (Codec::to_json; a type without codec
/// prints as "<TypeName>"). Not reentrant: it configures the process-wide spdlog default logger
/// (to stderr).
int run_cli(int argc, char** argv, const Registry& registry, const CodecRegistry& codecs);
/// Same, with CodecRegistry::defaults().
int run_cli(int argc, char** argv, const Registry& registry);

}  // namespace cellflow::cli
