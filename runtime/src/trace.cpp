#include "cellflow/trace.hpp"

#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <utility>

#include "cellflow/error.hpp"

namespace cellflow {

using nlohmann::json;

struct ChromeTrace::Impl {
  std::mutex mutex;
  std::ofstream out;
  bool open = true;
  std::uint64_t written = 0;
  const std::chrono::steady_clock::time_point origin = std::chrono::steady_clock::now();
  std::map<std::string, int> pids;                  // per pipeline
  std::map<std::pair<int, std::string>, int> tids;  // per (pid, track name)

  double micros(std::chrono::steady_clock::time_point t) const {
    return std::chrono::duration<double, std::micro>(t - origin).count();
  }
  void write(const json& event) {  // under mutex
    if (!open) return;
    out << (written++ == 0 ? "[\n" : ",\n") << event.dump();
  }
  int pid(const std::string& pipeline) {  // under mutex
    const auto [it, added] = pids.emplace(pipeline, static_cast<int>(pids.size()) + 1);
    if (added)
      write({{"ph", "M"},
             {"name", "process_name"},
             {"pid", it->second},
             {"tid", 0},
             {"args", {{"name", pipeline}}}});
    return it->second;
  }
  int tid(int pid, const std::string& track) {  // under mutex
    const auto [it, added] = tids.emplace(std::pair(pid, track), static_cast<int>(tids.size()) + 1);
    if (added) {
      write({{"ph", "M"},
             {"name", "thread_name"},
             {"pid", pid},
             {"tid", it->second},
             {"args", {{"name", track}}}});
      write({{"ph", "M"},
             {"name", "thread_sort_index"},
             {"pid", pid},
             {"tid", it->second},
             {"args", {{"sort_index", it->second}}}});
    }
    return it->second;
  }
  void complete(const std::string& pipeline, const std::string& track, const std::string& name,
                const char* category, std::chrono::steady_clock::time_point start,
                std::chrono::nanoseconds duration, json args) {
    std::lock_guard lock(mutex);
    const int p = pid(pipeline);
    write({{"ph", "X"},
           {"name", name},
           {"cat", category},
           {"pid", p},
           {"tid", tid(p, track)},
           {"ts", micros(start)},
           {"dur", std::chrono::duration<double, std::micro>(duration).count()},
           {"args", std::move(args)}});
  }
};

namespace {

std::string track_of(const std::string& cell, int clone) {
  return cell + " [clone " + std::to_string(clone) + "]";
}

class TraceObserver final : public PipelineObserver {
 public:
  TraceObserver(std::shared_ptr<ChromeTrace::Impl> trace, std::string pipeline)
      : trace_(std::move(trace)), pipeline_(std::move(pipeline)) {}
  void on_cell(const std::string&, int, std::chrono::nanoseconds, std::chrono::nanoseconds,
               bool) override {}
  void on_span(const CellSpan& span) override {
    const std::string track = track_of(span.cell, span.clone);
    const json args = {{"seq", span.seq}, {"stream", span.stream}, {"clone", span.clone}};
    if (span.queue_wait.count() > 0)
      trace_->complete(pipeline_, track, "waiting for a free clone", "queue",
                       span.start - span.queue_wait, span.queue_wait, args);
    json cell_args = args;
    cell_args["failed"] = span.failed;
    trace_->complete(pipeline_, track, span.cell, "cell", span.start, span.compute,
                     std::move(cell_args));
  }
  void on_drop(const std::string& cell, const std::string& input, const char* reason) override {
    std::lock_guard lock(trace_->mutex);
    const int p = trace_->pid(pipeline_);
    trace_->write({{"ph", "i"},
                   {"s", "t"},
                   {"name", std::string("dropped: ") + reason},
                   {"cat", "drop"},
                   {"pid", p},
                   {"tid", trace_->tid(p, track_of(cell, 0))},
                   {"ts", trace_->micros(std::chrono::steady_clock::now())},
                   {"args", {{"input", input}}}});
  }

 private:
  std::shared_ptr<ChromeTrace::Impl> trace_;
  std::string pipeline_;
};

}  // namespace

ChromeTrace::ChromeTrace(const std::string& path) : impl_(std::make_shared<Impl>()) {
  impl_->out.open(path, std::ios::trunc);
  if (!impl_->out) throw Error("cannot write the trace file '" + path + "'");
}

ChromeTrace::~ChromeTrace() {
  std::lock_guard lock(impl_->mutex);
  impl_->out << (impl_->written == 0 ? "[\n]\n" : "\n]\n");
  impl_->out.close();
  impl_->open = false;
}

std::shared_ptr<PipelineObserver> ChromeTrace::observer(const std::string& pipeline) {
  return std::make_shared<TraceObserver>(impl_, pipeline);
}

void ChromeTrace::async_span(const std::string& pipeline, std::uint64_t id, const std::string& name,
                             std::chrono::steady_clock::time_point start,
                             std::chrono::nanoseconds duration, const json& args) {
  std::lock_guard lock(impl_->mutex);
  const int p = impl_->pid(pipeline);
  const json event = {{"cat", "request"}, {"name", name}, {"id", id}, {"pid", p}, {"tid", 0}};
  json begin = event, end = event;
  begin["ph"] = "b";
  begin["ts"] = impl_->micros(start);
  begin["args"] = args;
  end["ph"] = "e";
  end["ts"] = impl_->micros(start + duration);
  impl_->write(begin);
  impl_->write(end);
}

std::uint64_t ChromeTrace::events() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->written;
}

}  // namespace cellflow
