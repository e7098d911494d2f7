#include "http/trace_switch.hpp"

#include <chrono>
#include <thread>

#include "cellflow/error.hpp"
#include "http/http_error.hpp"

namespace cellflow::server {
namespace {

// Forwards to the pipeline's observer of the trace that is on; a new trace gets a new one.
class Forwarder final : public PipelineObserver {
 public:
  Forwarder(std::shared_ptr<const TraceSwitch> traces, std::string pipeline)
      : traces_(std::move(traces)), pipeline_(std::move(pipeline)) {}

  void on_cell(const std::string& cell, int clone, std::chrono::nanoseconds compute,
               std::chrono::nanoseconds queue_wait, bool failed) override {
    if (const auto target = current()) target->on_cell(cell, clone, compute, queue_wait, failed);
  }
  void on_drop(const std::string& cell, const std::string& input, const char* reason) override {
    if (const auto target = current()) target->on_drop(cell, input, reason);
  }
  void on_span(const CellSpan& span) override {
    if (const auto target = current()) target->on_span(span);
  }
  void on_batch(const std::string& cell, int clone, std::size_t size) override {
    if (const auto target = current()) target->on_batch(cell, clone, size);
  }

 private:
  // The observer of the trace that is on (held for the call), or null.
  std::shared_ptr<PipelineObserver> current() {
    const auto trace = traces_->current();
    if (!trace) return nullptr;
    std::lock_guard lock(mutex_);
    if (for_trace_.lock() != trace) {  // a weak_ptr: a new trace at a freed one's address differs
      observer_ = trace->observer(pipeline_);
      for_trace_ = trace;
    }
    return observer_;
  }

  const std::shared_ptr<const TraceSwitch> traces_;
  const std::string pipeline_;
  std::mutex mutex_;
  std::weak_ptr<ChromeTrace> for_trace_;  // the trace observer_ writes into
  std::shared_ptr<PipelineObserver> observer_;
};

}  // namespace

void TraceSwitch::start(const std::string& path) {
  std::lock_guard lock(mutex_);
  if (trace_)
    throw HttpError(409, "a trace is already being written to '" + path_ +
                             "': stop it first (POST /v2/trace/stop)");
  try {
    trace_ = std::make_shared<ChromeTrace>(path);
  } catch (const Error& e) {
    throw HttpError(400, e.what());
  }
  path_ = path;
  on_.store(true, std::memory_order_release);
}

nlohmann::json TraceSwitch::stop() {
  std::shared_ptr<ChromeTrace> trace;
  std::string path;
  {
    std::lock_guard lock(mutex_);
    if (!trace_) throw HttpError(409, "no trace is being written (POST /v2/trace/start)");
    on_.store(false, std::memory_order_release);
    trace.swap(trace_);
    path.swap(path_);
  }
  // Calls that took the trace before it went off finish writing (each holds it for one event).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (trace.use_count() > 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const std::uint64_t events = trace->events();
  trace.reset();  // the last holder: closes the JSON array
  return {{"path", path}, {"events", events}};
}

nlohmann::json TraceSwitch::status() const {
  std::lock_guard lock(mutex_);
  if (!trace_) return {{"tracing", false}};
  return {{"tracing", true}, {"path", path_}, {"events", trace_->events()}};
}

std::shared_ptr<ChromeTrace> TraceSwitch::current() const {
  if (!on_.load(std::memory_order_acquire)) return nullptr;
  std::lock_guard lock(mutex_);
  return trace_;
}

std::shared_ptr<PipelineObserver> TraceSwitch::observer(const std::string& pipeline) {
  return std::make_shared<Forwarder>(shared_from_this(), pipeline);
}

}  // namespace cellflow::server
