// InferenceService: what the HTTP routes answer, without the HTTP library: the served models,
// health, metadata, inference, metrics and the phases of a graceful stop. Every reply method
// is thread-safe; add() happens before the server starts.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "api_key.hpp"
#include "cellflow/codecs/codec.hpp"
#include "cellflow/server/http_server.hpp"
#include "metrics.hpp"
#include "model.hpp"
#include "reply.hpp"
#include "request_drain.hpp"
#include "trace_switch.hpp"

namespace cellflow::server {

class InferenceService {
 public:
  InferenceService(CodecRegistry codecs, std::string api_key);
  ~InferenceService();

  /// Throws Error listing every problem: duplicate name, no exposed inputs, ports without codec.
  void add(std::unique_ptr<Pipeline> pipeline, ModelOptions options);
  /// A new config for a model while serving (SIGHUP). Clone counts and live params that differ
  /// are applied in place; any other change starts the new pipeline beside the old one, switches
  /// requests to it once it is ready, and retires the old one when its requests are answered (no
  /// request fails). A new name is added. Returns what it did, for the log. Throws Error when the
  /// new pipeline is invalid or fails to start: the old one keeps serving. One at a time.
  std::string update(std::unique_ptr<Pipeline> pipeline, ModelOptions options);
  std::size_t model_count() const { return models_.size(); }
  /// The server's trace switch: every model's cells and requests go into the trace that is on.
  TraceSwitch& traces() { return *traces_; }

  /// Starts every pipeline in turn (slow: opens cells). A pipeline that fails to start is logged
  /// and stays not ready, with its reason; returns false when any failed.
  bool start_models();
  /// start_models() has finished (every model is ready or failed).
  bool started() const { return started_; }
  /// Models whose pipeline failed to start: name -> reason.
  std::map<std::string, std::string> failed_models() const;
  /// Live: the listener accepts connections (set by HttpServer).
  void set_live(bool live) { live_ = live; }
  bool live() const { return live_; }
  /// Every model started and no stop begun.
  bool ready() const;

  /// Graceful stop, in this order: refuse new inference requests (503), wait for the admitted
  /// ones to be answered, then stop the pipelines.
  void refuse_requests() { drain_.close(); }
  void wait_idle() { drain_.wait_idle(); }
  void stop_models();

  /// {"name": "cellflow", "version", "extensions"}: the server metadata of every transport.
  static nlohmann::json description();
  Reply server_metadata() const;
  Reply health_live() const;
  Reply health_ready() const;
  /// The /v2/models/... routes check `authorization` against the API key first (401).
  Reply model_metadata(std::string_view name, std::string_view authorization) const;
  Reply model_ready(std::string_view name, std::string_view authorization) const;
  /// `header_length`: the Inference-Header-Content-Length header, when present.
  /// The tensors of a binary request view `body` (no copy), which they keep alive.
  Reply infer(std::string_view name, std::string_view authorization, std::string body,
              const std::optional<std::string>& header_length, std::string traceparent = {});
  /// Triton's statistics extension, for every model (`name` empty) or one: {"model_stats":
  /// [...]}, each entry with a "cellflow" section of per-cell figures.
  Reply model_statistics(std::string_view name, std::string_view authorization) const;
  Reply metrics_text() const;
  /// cellflow's admin extension (see admin.hpp), behind the same API key as /v2/models.
  Reply pipeline_description(std::string_view name, std::string_view authorization) const;
  Reply set_clones(std::string_view name, std::string_view path, std::string_view authorization,
                   std::string_view body);
  Reply set_params(std::string_view name, std::string_view path, std::string_view authorization,
                   std::string_view body);
  /// POST /v2/trace/start {"path"}, POST /v2/trace/stop, GET /v2/trace: a Chrome trace of every
  /// model's cells and requests, started and stopped while serving.
  Reply start_trace(std::string_view authorization, std::string_view body);
  Reply stop_trace(std::string_view authorization);
  Reply trace_status(std::string_view authorization) const;

  /// The transport-independent core the REST routes use and other transports (gRPC) call:
  /// each throws HttpError (401 no API key, 404 unknown model, 503 stopping, and those of
  /// Model::infer).
  std::shared_ptr<Model> model(std::string_view name, std::string_view authorization) const;
  /// Ready and no stop begun.
  bool model_ready(const Model& model) const;
  /// Inference with the graceful-stop drain around Model::infer; failures are logged.
  void infer(std::string_view name, std::string_view authorization, const Model::Parse& parse,
             const Model::Respond& respond);
  /// The same around Model::infer_async: the request counts in the drain until `done`.
  std::shared_ptr<Model::Call> infer_async(std::string_view name, std::string_view authorization,
                                           const Model::Parse& parse, Model::Respond respond,
                                           Model::Done done);
  void authorize(std::string_view authorization) const;
  /// The statistics of every model (`name` empty) or one, as the REST route lists them.
  nlohmann::json statistics(std::string_view name, std::string_view authorization) const;

  Metrics& metrics() { return metrics_; }

 private:
  nlohmann::json statistics_of(const Model& model) const;
  std::vector<std::shared_ptr<Model>> all_models() const;
  void check_servable(const Pipeline& pipeline) const;  // no inputs, missing codecs
  void track(const std::shared_ptr<Model>& model);
  std::shared_ptr<Model> successor(const Model& served, const HttpError& error) const;
  bool start_model(Model& model);
  std::string replace(const std::shared_ptr<Model>& old, std::unique_ptr<Pipeline> pipeline,
                      ModelOptions options);

  CodecRegistry codecs_;
  ApiKey api_key_;
  Metrics metrics_;
  std::shared_ptr<TraceSwitch> traces_ = std::make_shared<TraceSwitch>();
  std::map<std::string, std::shared_ptr<Model>, std::less<>> models_;  // under models_mutex_
  mutable std::shared_mutex models_mutex_;
  std::mutex update_mutex_;  // one update at a time
  // A replaced model finishing its requests on a thread of its own; `done` once it has stopped.
  struct Retiring {
    std::atomic<bool> done{false};
    std::thread thread;
  };
  std::vector<std::unique_ptr<Retiring>> retiring_;  // under update_mutex_; the finished ones
                                                     // are joined at the next replacement
  RequestDrain drain_;
  std::atomic<bool> live_{false};
  std::atomic<bool> started_{false};
};

}  // namespace cellflow::server
