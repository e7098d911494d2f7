// Model: one pipeline served over HTTP, with its admission control and per-request timeout.
// infer() is thread-safe and may run on many HTTP worker threads at once; start() and stop()
// are called by HttpServer's lifecycle, never concurrently with each other.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admission.hpp"
#include "cellflow/codecs/codec.hpp"
#include "cellflow/pipeline.hpp"
#include "cellflow/server/http_server.hpp"
#include "http_error.hpp"
#include "kserve_protocol.hpp"
#include "model_statistics.hpp"
#include "trace_switch.hpp"

namespace cellflow::server {

class Model : public std::enable_shared_from_this<Model> {
 public:
  /// `codecs` must outlive the model. ModelOptions::max_pending 0 becomes 2 x max_in_flight.
  Model(std::unique_ptr<Pipeline> pipeline, ModelOptions options, const CodecRegistry& codecs);

  const std::string& name() const { return pipeline_->name(); }
  const Pipeline& pipeline() const { return *pipeline_; }
  /// The options it was given (max_pending 0 stays 0 here).
  const ModelOptions& options() const { return options_; }
  /// For the admin routes: rescale and set live params (both thread-safe while running).
  Pipeline& pipeline() { return *pipeline_; }
  /// Opens every cell and clone (may take long) with the pipeline's own RunOptions plus
  /// `observer`; ready() afterwards. When the pipeline fails to open, the model is failed():
  /// it keeps the reason and returns false.
  bool start(std::shared_ptr<PipelineObserver> observer);
  bool ready() const { return ready_.load(); }
  /// Writes every answered request's phases into the trace that is on, if any (set before start).
  void set_trace(std::shared_ptr<const TraceSwitch> traces) { traces_ = std::move(traces); }
  /// Why the pipeline failed to start ("" when it did not fail). Set once, before ready().
  std::string failure() const;
  /// Not ready any more; completes the items in flight and closes the cells. Idempotent.
  void stop();
  /// Not ready any more (it was replaced): it admits no new request, and those it admitted go on.
  void retire() { ready_ = false; }
  /// Requests admitted and not yet answered.
  std::size_t pending() const { return admission_.pending(); }
  nlohmann::json metadata() const;
  /// Triton's statistics of this model (see ModelStatistics).
  nlohmann::json statistics() const { return statistics_.to_json(name()); }

  using Parse = std::function<InferRequest()>;
  using Respond = std::function<void(const InferRequest&, std::vector<Tensor>&&)>;
  /// nullptr when `respond` was called, else the HttpError that failed the request.
  using Done = std::function<void(std::exception_ptr)>;
  class Call;

  /// One inference request from any transport, without holding a thread while it runs: admit,
  /// then `parse` it (after admission, so a refusal stays cheap), decode and submit its items on
  /// the calling thread; errors up to there throw HttpError and `done` is never called. The
  /// rest happens on the pipeline thread that completes the last item: encode, `respond` with
  /// the outputs, `done(nullptr)`, or `done(error)`. Every phase is timed into the statistics.
  /// Errors: 400 bad request or a cell rejected an input (std::invalid_argument), 429 too many
  /// pending, 500 a cell failed, 503 not ready, 504 timeout (the credit wait here; the answer's
  /// wait through expire(), called by the transport's timer after timeout()).
  std::shared_ptr<Call> infer_async(const Parse& parse, Respond respond, Done done);
  /// Finishes `call` with a 504 when it has not finished yet (its items run on and free their
  /// credits). Returns false when it had already finished.
  bool expire(Call& call);
  /// ModelOptions::timeout (0: none).
  std::chrono::milliseconds timeout() const { return options_.timeout; }
  /// infer_async, waiting for the answer (at most timeout()) on the calling thread: `respond`
  /// runs before infer() returns, or never. Throws HttpError as above.
  void infer(const Parse& parse, const Respond& respond);

 private:
  // The request's items, decoded (one, or one per batch entry).
  std::vector<InputValues> decode_items(const Call& call) const;
  // Submits every item, each completing into `call`, within the credit wait's deadline.
  void submit_items(const std::shared_ptr<Call>& call, std::vector<InputValues> items);
  // One item's result; the last one finishes the call. Called with call.mutex held.
  void complete(Call& call, std::size_t item, Result&& result);
  // Encodes the results and responds; finishes the call. Called with call.mutex held.
  void finish(Call& call);
  bool submit(InputValues inputs, std::function<void(Result&&)> done,
              std::chrono::steady_clock::duration wait);
  HttpError timeout_error() const;
  HttpError failure_error(const std::exception_ptr& error) const;
  std::string rejected_inputs(const std::string& cell) const;

  std::unique_ptr<Pipeline> pipeline_;
  ModelOptions options_;
  const CodecRegistry& codecs_;
  Admission admission_;
  std::atomic<bool> ready_{false};
  ModelStatistics statistics_;
  std::shared_ptr<const TraceSwitch> traces_;  // null: never traced
  mutable std::mutex failure_mutex_;
  std::string failure_;
};

}  // namespace cellflow::server
