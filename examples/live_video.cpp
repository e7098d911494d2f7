// live_video: the real-time graph of car-plates style systems, on a real video.
//   VideoSource (replayed at its own frame rate) -> PeopleDetector (slow, 2 clones) behind a
//   drop_oldest queue, and MotionDetector (fast, every frame) in parallel -> a renderer that
//   pairs the newest motion frame with the people found within one frame period (a `realtime`
//   synchroniser) -> VideoWriter.
// It runs examples/configs/live_people.json and reports what a user of a live system asks:
// how old is what I see (latency from the frame leaving the video to the result), and what was
// skipped to keep it that young (every drop, by cell and reason). It checks that every frame is
// either detected or counted as dropped, and that latency stays bounded.
//   usage: live_video [CONFIG] [FRAMES] [VIDEO] [cell.param=value...]   ("": the default)
//   e.g. live_video "" 100 "" detect.scale=1.01   (a detector 4x slower than the frame period)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"
#include "cellflow/vision/vision.hpp"

namespace {

using Clock = std::chrono::system_clock;

// Counts drops by "cell input reason" and keeps the slowest detection.
class Watch final : public cellflow::PipelineObserver {
 public:
  void on_cell(const std::string& cell, int, std::chrono::nanoseconds compute,
               std::chrono::nanoseconds, bool) override {
    if (cell != "detect") return;
    std::lock_guard lock(mutex_);
    slowest_detect_ms = std::max(slowest_detect_ms, compute.count() / 1e6);
  }
  void on_drop(const std::string& cell, const std::string& input, const char* reason) override {
    std::lock_guard lock(mutex_);
    ++drops[cell + (input.empty() ? "" : "." + input) + " " + reason];
  }
  std::map<std::string, int> drops;
  double slowest_detect_ms = 0;

 private:
  std::mutex mutex_;
};

double percentile(std::vector<double> ms, double p) {
  if (ms.empty()) return 0;
  std::sort(ms.begin(), ms.end());
  return ms[static_cast<std::size_t>(p * static_cast<double>(ms.size() - 1))];
}

void check(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error("check failed: " + what);
}

}  // namespace

int main(int argc, char** argv) try {
  const auto arg = [&](int i) { return argc > i ? std::string(argv[i]) : std::string(); };
  const std::string config = arg(1).empty() ? CELLFLOW_EXAMPLE_CONFIGS "/live_people.json" : arg(1);
  const int frames = arg(2).empty() ? 60 : std::stoi(arg(2));
  std::vector<std::string> overrides{"video.max_frames=" + std::to_string(frames),
                                     "writer.path=live_people.avi"};
  if (!arg(3).empty()) overrides.push_back("video.uri=" + arg(3));
  for (int i = 4; i < argc; ++i) overrides.emplace_back(argv[i]);

  cellflow::Registry registry = cellflow::cells::builtin_registry();
  cellflow::vision::register_vision(registry);
  auto pipeline = cellflow::load_pipeline_file(config, registry, overrides);
  auto watch = std::make_shared<Watch>();
  pipeline->start({.max_in_flight = 16, .observer = watch});
  std::vector<double> detected_ms, shown_ms;
  pipeline->run([&](cellflow::Result&& r) {
    if (!r.ok()) throw std::runtime_error(cellflow::describe(r.error()));
    const double ms =
        std::chrono::duration<double, std::milli>(Clock::now() - r.item().admitted).count();
    for (const auto& [name, values] : r.outputs())
      if (!values.empty()) (name == "people" ? detected_ms : shown_ms).push_back(ms);
  });

  auto& drops = watch->drops;
  std::printf("%d frames replayed in real time\n", frames);
  std::printf(
      "  people found on %zu frames, latency p50 %.0f ms, p99 %.0f ms (slowest detection %.0f "
      "ms)\n",
      detected_ms.size(), percentile(detected_ms, 0.5), percentile(detected_ms, 0.99),
      watch->slowest_detect_ms);
  std::printf("  frames shown %zu, latency p50 %.0f ms, p99 %.0f ms\n", shown_ms.size(),
              percentile(shown_ms, 0.5), percentile(shown_ms, 0.99));
  for (const auto& [what, count] : drops) std::printf("  dropped: %s x%d\n", what.c_str(), count);

  const int skipped = drops["detect.image queue_full"];
  check(static_cast<int>(detected_ms.size()) + skipped == frames,
        "every frame is detected or counted as dropped by the detector's queue");
  check(!shown_ms.empty(), "the renderer showed frames");
  // A frame waits for at most one detection (capacity 1) and then takes one: with a period of
  // slack for the replay, no result is older than that.
  const double bound = 2 * watch->slowest_detect_ms + 3 * 100.0 + 100;
  check(percentile(detected_ms, 1.0) < bound,
        "detections stay younger than " + std::to_string(static_cast<int>(bound)) + " ms");
  std::printf("live_video: ok\n");
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "live_video: %s\n", e.what());
  return 1;
}
