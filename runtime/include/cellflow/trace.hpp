// ChromeTrace: what running pipelines do, written as Chrome trace-event JSON (the JSON array
// format), which Perfetto (ui.perfetto.dev) and chrome://tracing open. Each pipeline is a
// process; each cell clone is a track ("detect [clone 1]") with a span per item it processed
// (args: seq, stream, clone, failed) and, before it, the item's wait for a free clone. Drops are
// instant events on the cell's track. Events are written as they happen (memory stays flat over
// a long run); the file is a complete JSON array once the trace is destroyed.
//
//   cellflow::ChromeTrace trace("run.trace.json");
//   pipeline.start({.observer = trace.observer(pipeline.name())});
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "cellflow/observer.hpp"

namespace cellflow {

class ChromeTrace {
 public:
  /// Creates (truncates) the file; throws Error naming the path when it cannot be written.
  explicit ChromeTrace(const std::string& path);
  ~ChromeTrace();  // closes the JSON array; observers still held write nothing more
  ChromeTrace(const ChromeTrace&) = delete;
  ChromeTrace& operator=(const ChromeTrace&) = delete;

  /// An observer that records the cells of pipeline `pipeline` (a process of the trace).
  std::shared_ptr<PipelineObserver> observer(const std::string& pipeline);
  /// A span outside the cells, e.g. a request's receive, wait, pipeline and send phases: an
  /// async span of `pipeline` (spans of one `id` nest, spans of different ids may overlap).
  void async_span(const std::string& pipeline, std::uint64_t id, const std::string& name,
                  std::chrono::steady_clock::time_point start, std::chrono::nanoseconds duration,
                  const nlohmann::json& args);
  /// Events written so far.
  std::uint64_t events() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace cellflow
