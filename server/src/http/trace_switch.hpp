// TraceSwitch: the server's trace, on from the start (ServerOptions::trace_path, `--trace`) or
// started and stopped while it serves (POST /v2/trace/start, /v2/trace/stop). Every model's
// pipeline observer forwards to the trace that is on, and answered requests are written into it.
// While no trace is on, a forwarding call costs one relaxed atomic load.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "cellflow/observer.hpp"
#include "cellflow/trace.hpp"

namespace cellflow::server {

class TraceSwitch : public std::enable_shared_from_this<TraceSwitch> {
 public:
  /// Starts writing a trace to `path`. Throws HttpError(409) when one is already on and
  /// HttpError(400) naming the path when it cannot be written.
  void start(const std::string& path);
  /// Stops the trace: once no call is writing into it any more, its file is a complete JSON
  /// array. Returns {"path", "events"}. Throws HttpError(409) when none is on.
  nlohmann::json stop();
  /// {"tracing": bool, and while on: "path", "events" so far}.
  nlohmann::json status() const;
  /// The trace that is on, or null.
  std::shared_ptr<ChromeTrace> current() const;
  /// An observer that records pipeline `pipeline`'s cells into whichever trace is on (it holds
  /// the switch: make the switch with std::make_shared).
  std::shared_ptr<PipelineObserver> observer(const std::string& pipeline);

 private:
  std::atomic<bool> on_{false};
  mutable std::mutex mutex_;
  std::shared_ptr<ChromeTrace> trace_;  // under mutex_
  std::string path_;                    // under mutex_
};

}  // namespace cellflow::server
