// HttpServer: serves pipelines over the KServe v2 / Open Inference Protocol REST API, with
// health, metadata and Prometheus metrics on the same port. Each pipeline is one model, named
// after the pipeline; its exposed ports are the model's inputs and outputs.
//
//   cellflow::server::HttpServer server({.port = 8080});
//   server.add(cellflow::load_pipeline_file("faces.json", registry));
//   server.start();          // returns once listening; pipelines open in the background
//   server.wait();           // until stop() (e.g. from a SIGTERM watcher)
//
// Routes: GET /v2, /v2/health/live, /v2/health/ready, /v2/models/{name},
// /v2/models/{name}/ready, POST /v2/models/{name}/infer, GET /v2/models/stats,
// /v2/models/{name}/stats, GET /metrics; with ServerOptions::grpc_port, the same models over
// KServe v2 gRPC too.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cellflow/codecs/codec.hpp"
#include "cellflow/pipeline.hpp"

namespace cellflow::server {

struct ServerOptions {
  /// Loopback unless told otherwise.
  std::string host = "127.0.0.1";
  /// 0 picks a free port (see HttpServer::port()).
  int port = 8080;
  /// Non-empty: /v2/models/... require "Authorization: Bearer <api_key>" (401 otherwise).
  std::string api_key = {};
  /// Larger request bodies get 413.
  std::size_t max_body_bytes = 64u << 20;
  /// A client slower than this cannot hold a worker thread.
  std::chrono::milliseconds read_timeout{10'000};
  std::chrono::milliseconds write_timeout{10'000};
  /// HTTP worker threads; 0: max(8, 4 x cores).
  int threads = 0;
  /// KServe v2 gRPC (inference.GRPCInferenceService) on this port of `host`, beside REST:
  /// -1 none, 0 any free port (see grpc_port()). Same models, admission, timeouts, API key
  /// (metadata "authorization: Bearer KEY"), statistics and graceful stop.
  int grpc_port = -1;
  /// Non-empty: every model's cells are traced into this Chrome trace-event JSON file (a process
  /// per model, a track per cell clone, a span per item); complete once the server is destroyed.
  std::string trace_path = {};
};

struct ModelOptions {
  /// Requests admitted at once; beyond it: 429 with Retry-After. 0: 2 x max_in_flight.
  std::size_t max_pending = 0;
  /// Per-request timeout (504); the item still completes internally. 0: none.
  std::chrono::milliseconds timeout{0};
  /// Reads "max_pending" and "timeout_ms" from a pipeline config. Throws Error on bad values.
  static ModelOptions from_config(const nlohmann::json& config);
};

class HttpServer {
 public:
  explicit HttpServer(ServerOptions options = {}, CodecRegistry codecs = CodecRegistry::defaults());
  ~HttpServer();  // stop()

  /// Serves `pipeline` as model `pipeline->name()`. Before start() only. Throws Error listing
  /// every problem: duplicate model name, a stream pipeline (no exposed inputs), ports whose
  /// type has no codec.
  void add(std::unique_ptr<Pipeline> pipeline, ModelOptions options = {});
  /// While serving: a new config for a model. Clone counts and live params that differ are
  /// applied in place; any other change (cells, connections, fixed params, ModelOptions) opens
  /// the new pipeline beside the old one, switches requests to it once it is ready, and stops
  /// the old one when the requests it admitted are answered: no request fails. A new name is
  /// added. Returns what it did ("model 'faces': changed in place: detect clones 2 -> 4").
  /// Throws Error when the new pipeline is invalid or fails to open: the old one keeps serving.
  std::string update(std::unique_ptr<Pipeline> pipeline, ModelOptions options = {});
  /// Binds and serves. Pipelines are started in the background; /v2/health/ready answers 503
  /// until all of them are. Returns the bound port. Throws Error when binding fails.
  int start();
  int port() const;
  /// The bound gRPC port; -1 without gRPC.
  int grpc_port() const;
  bool live() const;
  bool ready() const;
  std::size_t model_count() const;
  /// Every model has finished opening: it is ready, or it failed.
  bool models_opened() const;
  /// Models whose pipeline failed to open: name -> reason ("model 'faces' failed to start: ...",
  /// also the body of /v2/models/{name}/ready and the 503 of its infer route).
  std::map<std::string, std::string> failed_models() const;
  /// Graceful stop: readiness goes false, new inference requests get 503, in-flight requests
  /// complete, then pipelines and the listener stop. Idempotent and thread-safe.
  void stop();
  /// Blocks until stop() has finished.
  void wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Starts `server`, prints "listening on http://<host>:<port>" on stdout (and "listening on
/// grpc://<host>:<port>" when it serves gRPC), serves until SIGINT or
/// SIGTERM, then stops gracefully and returns the signal's number. On SIGHUP it calls `reload`
/// (e.g. reading the configs again and calling update()), then serves on. Call it from main()
/// before starting threads of your own: it blocks both signals in the calling thread so that every
/// thread created afterwards leaves them to it. When every model fails to open, it stops the
/// server and throws Error listing each model's reason; models that fail while others serve
/// are logged and answered 503 with their reason.
int serve_until_signal(HttpServer& server, const std::string& host = "127.0.0.1",
                       const std::function<void()>& reload = {});

}  // namespace cellflow::server
