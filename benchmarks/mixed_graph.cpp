// bench_mixed: a plain heavy cell beside a cloned one must not run slower than when it has a
// clone group of its own (issue 9, item 8).
//
//   VideoSource (Megamind.avi) -> FaceDetector (BlazeFace, 2 clones) ---> DrawDetections (faces)
//                              -> PeopleDetector (HOG)  ----------------> DrawDetections (people)
//                                                                          -> VideoWriter
//
// Two variants, interleaved per repetition (the order alternates), in one process: PeopleDetector
// as a plain node of the flow graph ("plain") and as a clone group of one ("clone1"). Reported
// per variant: the median wall time of the run, the process CPU time over it (as % of one core)
// and frames/s; then the ratio plain / clone1 of the frame rates, the median of the per-repetition
// ratios with their min and max (target: within 10%, >= 0.9).
//
// CELLFLOW_OPENCV_BACKEND=opencv keeps OpenCV's own parallel backend (the behaviour before
// cellflow routed OpenCV's loops into its arenas), to measure what routing changes.
//
// Usage: bench_mixed [reps=3] [frames=270 (all of Megamind.avi)]
// Prints one JSON object per line; about 1.5 minutes with the defaults.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "cellflow/cells.hpp"
#include "cellflow/vision/vision.hpp"

namespace {

using bench::Clock;
using nlohmann::json;

const std::string kVideo = "/usr/share/doc/opencv-doc/examples/data/Megamind.avi";

struct Variant {
  std::string name;
  json people_entry;
  std::vector<double> seconds;
  std::vector<double> cpu_percent;
};

// One "connections" entry (a braced pair of strings would become a JSON object).
json edge(const std::string& from, const std::string& to) { return json::array({from, to}); }

json config(const json& people, int frames, const std::string& out) {
  json video = {{"name", "video"},
                {"type", "VideoSource"},
                {"params", {{"uri", kVideo}, {"max_frames", frames}}}};
  return {{"name", "mixed"},
          {"cells",
           {video,
            {{"name", "faces"}, {"type", "FaceDetector"}, {"clones", 2}},
            people,
            {{"name", "draw_faces"}, {"type", "DrawDetections"}},
            {{"name", "draw_people"}, {"type", "DrawDetections"}},
            {{"name", "writer"}, {"type", "VideoWriter"}, {"params", {{"path", out}}}}}},
          {"connections",
           json::array({edge("video.frame", "faces.image"), edge("video.frame", "people.image"),
                        edge("video.frame", "draw_faces.image"),
                        edge("faces.faces", "draw_faces.detections"),
                        edge("draw_faces.out", "draw_people.image"),
                        edge("people.people", "draw_people.detections"),
                        edge("draw_people.out", "writer.frame")})},
          {"max_in_flight", 8}};
}

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

void run_once(Variant& v, const cellflow::Registry& registry, int frames) {
  const std::string out =
      (std::filesystem::temp_directory_path() / ("bench_mixed_" + v.name + ".avi")).string();
  auto pipeline = cellflow::load_pipeline(config(v.people_entry, frames, out), registry);
  pipeline->start();  // models load before the clock starts
  const double cpu = cpu_seconds();
  const auto start = Clock::now();
  pipeline->run();
  const double seconds = bench::seconds_since(start);
  v.seconds.push_back(seconds);
  v.cpu_percent.push_back(100.0 * (cpu_seconds() - cpu) / seconds);
  std::filesystem::remove(out);
}

}  // namespace

int main(int argc, char** argv) {
  const int reps = argc > 1 ? std::stoi(argv[1]) : 3;
  const int frames = argc > 2 ? std::stoi(argv[2]) : 270;
  spdlog::set_level(spdlog::level::warn);
  cellflow::Registry registry = cellflow::cells::builtin_registry();
  cellflow::vision::register_vision(registry);
  const char* backend = std::getenv("CELLFLOW_OPENCV_BACKEND");
  std::vector<Variant> variants = {
      {"plain", {{"name", "people"}, {"type", "PeopleDetector"}}, {}, {}},
      {"clone1", {{"name", "people"}, {"type", "PeopleDetector"}, {"clones", 1}}, {}, {}}};
  std::cout << json{{"bench", "mixed"},
                    {"machine", bench::machine()},
                    {"opencv_backend", backend ? backend : "cellflow"},
                    {"frames", frames},
                    {"reps", reps}}
                   .dump()
            << std::endl;
  bench::run_interleaved(variants.size(), reps,
                         [&](std::size_t i) { run_once(variants[i], registry, frames); });
  for (const Variant& v : variants) {
    const double seconds = bench::median(v.seconds);
    std::cout << json{{"variant", v.name},
                      {"seconds", bench::round3(seconds)},
                      {"frames_per_s", bench::round3(frames / seconds)},
                      {"cpu_percent", std::round(bench::median(v.cpu_percent))}}
                     .dump()
              << std::endl;
  }
  // Frame rates plain / clone1 = seconds clone1 / plain, per repetition.
  std::cout
      << bench::ratio_line("plain/clone1", variants[1].seconds, variants[0].seconds, 0.9).dump()
      << std::endl;
  std::cout << json{{"machine_after", bench::machine()}}.dump() << std::endl;
}
