// bench_vision: what cellflow costs, or buys, around real OpenCV work.
//
//   faces   examples/configs/faces.json (DecodeImage -> FaceDetector, BlazeFace, 2 clones ->
//           DetectionsToJson) served by cellflow::server::HttpServer in this process, K = 2 and 4
//           keep-alive clients POSTing JPEG/PNG bytes with the KServe binary tensor extension,
//           against a raw OpenCV loop on 2 threads (and on 1, for context), each thread with its
//           own cv::dnn::Net: imdecode -> letterbox to 256x256 RGB [0, 1] NHWC, as
//           cells/vision/src/blazeface_model.cpp does -> forward of the same 4 outputs. The raw
//           loop skips the anchor decoding and NMS (well under 1 ms of ~20 ms) and everything HTTP.
//           Target (issue 9): cellflow >= 1.1x the raw loop. The service's /metrics give, per
//           variant, the mean time per image in each cell, the wait for a free FaceDetector clone
//           and the whole request as the server saw it (service_ms_per_image). The same service
//           over KServe v2 gRPC with 4 workers (raw_input_contents) is compared with REST at 4.
//   people  VideoSource (vtest.avi, `frames` frames) -> PeopleDetector (HOG, ScaleUp{2}) ->
//           DetectionsToJson, run as a stream (Pipeline::run, 8 in flight), against a sequential
//           loop (cv::VideoCapture + cv::HOGDescriptor with PeopleDetector's default parameters)
//           over the same frames; plus, to show what 2 threads can get from the machine right
//           now, a hand-written loop of 2 std::threads sharing the capture. Every side must find
//           the same people.
//
// Every variant also reports the process's CPU time per image or frame (cpu_ms_per_*), and the
// HTTP variants their clients' own share of it (client_cpu_ms_per_image): the load generator runs
// in this process, on the same cores as the service.
//
// Variants are interleaved per repetition (bench::run_interleaved: in order, then in reverse), the
// two sides of a ratio next to each other where they can be, so that machine drift hits every side
// alike. Each variant's median repetition is reported; a ratio is the median of its per-repetition
// ratios, with their min and max. OpenCV's thread count is left at its default unless
// `opencv_threads` > 0 (cv::setNumThreads for the whole process, both sides alike).
//
// Usage: bench_vision [seconds=3] [reps=5] [frames=60] [opencv_threads=0 (OpenCV's default)]
// Prints one JSON object per line (the server's own log lines go to stderr); about 4.5 minutes.
#include "cellflow/vision/vision.hpp"

#include <grpcpp/grpcpp.h>
#include <httplib.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>
#include <opencv2/videoio.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.hpp"
#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"
#include "cellflow/server/http_server.hpp"
#include "cellflow/vision/detections_to_json.hpp"
#include "cellflow/vision/models.hpp"
#include "cellflow/vision/people_detector.hpp"
#include "cellflow/vision/video_source.hpp"
#include "grpc_predict_v2.grpc.pb.h"

namespace {

using bench::Clock;
using bench::median;
using bench::round3;
using bench::seconds_since;
using nlohmann::json;

constexpr double kTargetFaces = 1.1;  // issue 9; not reachable here, see docs/benchmarks.md
constexpr int kWarmupSteps = 3;       // per worker, before the timed window
constexpr int kFaceInput = 256;       // BlazeFace's square input
const std::string kDataDir = "/usr/share/doc/opencv-doc/examples/data/";
const std::vector<std::string> kImageFiles = {"messi5.jpg", "basketball1.png", "baboon.jpg",
                                              "fruits.jpg", "home.jpg"};
const std::string kVideo = kDataDir + "vtest.avi";
const std::string kFacesConfig = std::string(CELLFLOW_SOURCE_DIR) + "/examples/configs/faces.json";
const std::string kFaceModel = "blazeface/face_detection_back_256x256_barracuda.onnx";
const std::vector<std::string> kFaceOutputs = {"Identity:0", "Identity_1:0", "Identity_2:0",
                                               "Identity_3:0"};

struct Options {
  double seconds = 3.0;
  int reps = 5;
  int frames = 60;
  int opencv_threads = 0;  // 0: OpenCV's default
};

void print(json line) { bench::print_line("vision", std::move(line)); }

/// The median of per-repetition ratios a / b (images or frames per second), with their spread.
void print_ratio(const std::string& name, const std::vector<double>& a,
                 const std::vector<double>& b, json target) {
  print(bench::ratio_line(name, a, b, target));
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read '" + path + "'");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// ---- a timed window shared by worker threads ----

/// One unit of work (an image sent or processed); false when its answer is wrong.
using Step = std::function<bool(long)>;
/// Called on the worker's own thread, so that per-thread state (a client, a net) lives there.
using MakeStep = std::function<Step(int worker)>;

/// CPU seconds consumed so far by the process or the calling thread.
double cpu_seconds(clockid_t clock) {
  timespec t{};
  clock_gettime(clock, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

/// What one timed window did.
struct Window {
  double steps_per_s = 0;  // steps completed inside the window, per second
  long steps = 0;          // steps started inside the window (the last ones end after it)
  double process_cpu = 0;  // CPU seconds of the whole process from the window's start to the end
  double workers_cpu = 0;  // CPU seconds of the worker threads themselves over the same steps
};

/// Runs `workers` threads; each does kWarmupSteps untimed steps, then all step back to back for
/// `seconds`. Throws on a wrong step.
Window timed_window(int workers, double seconds, const MakeStep& make, const std::string& name) {
  std::atomic<int> warmed{0};
  std::atomic<bool> open{false};
  std::atomic<long> completed{0}, started{0}, errors{0};
  std::atomic<double> workers_cpu{0};
  Clock::time_point deadline;
  double process_cpu_at_open = 0;
  auto worker = [&](int w) {
    Step step = make(w);
    long i = 0;
    for (; i < kWarmupSteps; ++i) errors += !step(i);
    if (warmed.fetch_add(1) + 1 == workers) {
      process_cpu_at_open = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
      deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(seconds));
      open.store(true, std::memory_order_release);
    }
    while (!open.load(std::memory_order_acquire)) std::this_thread::yield();
    const double thread_cpu_at_open = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
    for (; Clock::now() < deadline; ++i) {
      errors += !step(i);
      started.fetch_add(1, std::memory_order_relaxed);
      if (Clock::now() <= deadline) completed.fetch_add(1, std::memory_order_relaxed);
    }
    workers_cpu.fetch_add(cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - thread_cpu_at_open);
  };
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) threads.emplace_back(worker, w);
  for (auto& t : threads) t.join();
  if (errors > 0) throw std::runtime_error(name + ": " + std::to_string(errors.load()) + " wrong");
  return {static_cast<double>(completed) / seconds, started.load(),
          cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - process_cpu_at_open, workers_cpu.load()};
}

// ---- faces: the raw OpenCV reference ----

/// BlazeFace on cv::dnn with FaceDetector's preprocessing, without its anchor decoding and NMS.
class RawFaceNet {
 public:
  RawFaceNet() : net_(cv::dnn::readNetFromONNX(cellflow::vision::model_path(kFaceModel))) {
    net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  }

  /// Decodes `bytes` and runs the net; false when the image or the outputs are not as expected.
  bool run(const std::string& bytes) {
    const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8UC1,
                         const_cast<char*>(bytes.data()));
    const cv::Mat bgr = cv::imdecode(buffer, cv::IMREAD_COLOR);
    if (bgr.empty()) return false;
    net_.setInput(input_blob(bgr));
    net_.forward(outputs_, kFaceOutputs);
    return outputs_.size() == kFaceOutputs.size() && outputs_[0].total() == 512;
  }

 private:
  /// Letterbox (aspect kept, centered, black padding) to 256x256, RGB, [0, 1], 1x256x256x3 NHWC.
  static cv::Mat input_blob(const cv::Mat& bgr) {
    const double scale = std::min(static_cast<double>(kFaceInput) / bgr.cols,
                                  static_cast<double>(kFaceInput) / bgr.rows);
    const int w = std::clamp(static_cast<int>(std::lround(bgr.cols * scale)), 1, kFaceInput);
    const int h = std::clamp(static_cast<int>(std::lround(bgr.rows * scale)), 1, kFaceInput);
    const cv::Rect content((kFaceInput - w) / 2, (kFaceInput - h) / 2, w, h);
    cv::Mat boxed(kFaceInput, kFaceInput, CV_8UC3, cv::Scalar::all(0));
    cv::resize(bgr, boxed(content), content.size(), 0, 0,
               w < bgr.cols ? cv::INTER_AREA : cv::INTER_LINEAR);
    cv::cvtColor(boxed, boxed, cv::COLOR_BGR2RGB);
    const int shape[] = {1, kFaceInput, kFaceInput, 3};
    cv::Mat blob(4, shape, CV_32F);
    cv::Mat pixels(kFaceInput, kFaceInput, CV_32FC3, blob.ptr<float>());
    boxed.convertTo(pixels, CV_32F, 1.0 / 255.0);
    return blob;
  }

  cv::dnn::Net net_;
  std::vector<cv::Mat> outputs_;
};

MakeStep raw_faces(const std::vector<std::string>& images) {
  return [&images](int worker) -> Step {
    auto net = std::make_shared<RawFaceNet>();
    return [net, &images, worker](long i) {
      return net->run(images[static_cast<std::size_t>(worker + i) % images.size()]);
    };
  };
}

// ---- faces: cellflow over HTTP ----

/// A KServe v2 infer request with one BYTES input "image" in binary form.
struct InferRequest {
  std::string body;
  std::string header_length;
};

InferRequest binary_request(const std::string& image) {
  const json header = {{"inputs",
                        {{{"name", "image"},
                          {"datatype", "BYTES"},
                          {"shape", {1}},
                          {"parameters", {{"binary_data_size", image.size() + 4}}}}}}};
  InferRequest request{header.dump(), {}};
  request.header_length = std::to_string(request.body.size());
  const auto n = static_cast<std::uint32_t>(image.size());
  for (int shift = 0; shift < 32; shift += 8) request.body.push_back(static_cast<char>(n >> shift));
  request.body += image;
  return request;
}

const char* const kInferPath = "/v2/models/faces/infer";

/// POSTs `request`; a request that got no answer at all (a keep-alive reconnect reset) is retried
/// twice, as in bench_http.
httplib::Result post(httplib::Client& client, const InferRequest& request) {
  const httplib::Headers headers = {{"Inference-Header-Content-Length", request.header_length}};
  auto res = client.Post(kInferPath, headers, request.body, "application/octet-stream");
  for (int retry = 0; !res && retry < 2; ++retry)
    res = client.Post(kInferPath, headers, request.body, "application/octet-stream");
  return res;
}

MakeStep http_faces(int port, const std::vector<InferRequest>& requests) {
  return [port, &requests](int worker) -> Step {
    auto client = std::make_shared<httplib::Client>("127.0.0.1", port);
    client->set_keep_alive(true);
    client->set_tcp_nodelay(true);
    return [client, &requests, worker](long i) {
      const auto res =
          post(*client, requests[static_cast<std::size_t>(worker + i) % requests.size()]);
      return res && res->status == 200 && res->body.find("\"faces\"") != std::string::npos;
    };
  };
}

// The same requests over KServe v2 gRPC: the image in raw_input_contents (a 4-byte length and
// the bytes, as in the binary extension), a channel per worker.
MakeStep grpc_faces(int port, const std::vector<std::string>& images) {
  return [port, &images](int worker) -> Step {
    std::shared_ptr stub = inference::GRPCInferenceService::NewStub(grpc::CreateCustomChannel(
        "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials(), [worker] {
          grpc::ChannelArguments args;
          args.SetInt("grpc.channel_id", worker);  // a connection of its own
          return args;
        }()));
    return [stub, &images, worker](long i) {
      const std::string& image = images[static_cast<std::size_t>(worker + i) % images.size()];
      inference::ModelInferRequest request;
      request.set_model_name("faces");
      auto* input = request.add_inputs();
      input->set_name("image");
      input->set_datatype("BYTES");
      input->add_shape(1);
      std::string raw(4, '\0');
      const auto n = static_cast<std::uint32_t>(image.size());
      for (int b = 0; b < 4; ++b) raw[b] = static_cast<char>(n >> (8 * b));
      request.add_raw_input_contents(raw + image);
      inference::ModelInferResponse response;
      grpc::ClientContext context;
      return stub->ModelInfer(&context, request, &response).ok() &&
             response.raw_output_contents_size() == 1;
    };
  };
}

/// Faces the service finds in `request` (a sanity check that the model really runs).
long faces_found(int port, const InferRequest& request) {
  httplib::Client client("127.0.0.1", port);
  const auto res = post(client, request);
  if (!res || res->status != 200)
    throw std::runtime_error("faces: status " + std::to_string(res ? res->status : -1) +
                             (res ? ": " + res->body : std::string()));
  const json reply = json::parse(res->body);
  return json::parse(reply.at("outputs").at(0).at("data").at(0).get<std::string>())
      .at("count")
      .get<long>();
}

std::unique_ptr<cellflow::server::HttpServer> start_faces_server(
    const cellflow::Registry& registry) {
  const json config = json::parse(read_file(kFacesConfig));
  cellflow::CodecRegistry codecs = cellflow::CodecRegistry::defaults();
  cellflow::vision::add_codecs(codecs);
  auto server = std::make_unique<cellflow::server::HttpServer>(
      cellflow::server::ServerOptions{.host = "127.0.0.1", .port = 0, .grpc_port = 0}, codecs);
  server->add(cellflow::load_pipeline(config, registry),
              cellflow::server::ModelOptions::from_config(config));
  server->start();
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while (!server->ready()) {
    if (Clock::now() > deadline) throw std::runtime_error("faces server: not ready in 60 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return server;
}

/// Sum of the samples of `metric` whose labels contain `label`, from Prometheus text.
double metric_sum(const std::string& text, const std::string& metric, const std::string& label) {
  double sum = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with(metric + "{") || line.find(label) == std::string::npos) continue;
    sum += std::atof(line.c_str() + line.rfind(' ') + 1);
  }
  return sum;
}

/// Where an image's time goes inside the service, from its /metrics histograms.
struct Timing {
  const char* name;
  const char* metric;
  const char* label;
};
const Timing kTimings[] = {
    {"decode", "cellflow_cell_compute_seconds", "cell=\"decode\""},
    {"detect", "cellflow_cell_compute_seconds", "cell=\"detect\""},
    {"detect_queue_wait", "cellflow_cell_queue_wait_seconds", "cell=\"detect\""},
    {"to_json", "cellflow_cell_compute_seconds", "cell=\"json\""},
    {"http_request", "cellflow_http_request_duration_seconds", "/infer"}};

/// Seconds summed and samples counted, per kTimings entry, so far.
using Timings = std::vector<std::pair<double, double>>;

Timings read_timings(int port) {
  httplib::Client client("127.0.0.1", port);
  const auto res = client.Get("/metrics");
  if (!res || res->status != 200) throw std::runtime_error("faces: GET /metrics failed");
  Timings timings;
  for (const Timing& t : kTimings) {
    timings.emplace_back(metric_sum(res->body, std::string(t.metric) + "_sum", t.label),
                         metric_sum(res->body, std::string(t.metric) + "_count", t.label));
  }
  return timings;
}

/// Mean milliseconds per sample, per kTimings entry.
json mean_ms(const Timings& timings) {
  json means;
  for (std::size_t i = 0; i < timings.size(); ++i) {
    const auto [seconds, count] = timings[i];
    means[kTimings[i].name] = count > 0 ? round3(1000 * seconds / count) : -1.0;
  }
  return means;
}

struct Variant {
  std::string name;
  int workers;
  MakeStep make;
  int port = 0;  // the service's, for its /metrics; 0 for the raw loop
  std::vector<double> runs = {};
  Timings service = {};  // the service's timings summed over the timed runs of this variant
  Window cpu = {};       // steps and CPU seconds summed over the timed runs
};

void print_variant(const Variant& v) {
  json runs = json::array();
  for (double r : v.runs) runs.push_back(round3(r));
  json line = {{"case", "faces"},
               {"variant", v.name},
               {"workers", v.workers},
               {"images_per_s", round3(median(v.runs))},
               {"runs", runs}};
  const double steps = static_cast<double>(std::max(1L, v.cpu.steps));
  line["cpu_ms_per_image"] = round3(1000 * v.cpu.process_cpu / steps);
  if (v.port) {
    line["client_cpu_ms_per_image"] = round3(1000 * v.cpu.workers_cpu / steps);
    line["service_ms_per_image"] = mean_ms(v.service);
  }
  print(std::move(line));
}

/// One timed run of `v`; for the service, adds what its /metrics recorded meanwhile.
void run_variant(Variant& v, double seconds) {
  const Timings before = v.port ? read_timings(v.port) : Timings{};
  const Window window = timed_window(v.workers, seconds, v.make, v.name);
  v.runs.push_back(window.steps_per_s);
  v.cpu.steps += window.steps;
  v.cpu.process_cpu += window.process_cpu;
  v.cpu.workers_cpu += window.workers_cpu;
  if (!v.port) return;
  const Timings after = read_timings(v.port);
  v.service.resize(after.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    v.service[i].first += after[i].first - before[i].first;
    v.service[i].second += after[i].second - before[i].second;
  }
}

void bench_faces(const Options& o, const cellflow::Registry& registry) {
  std::vector<std::string> images;
  std::vector<InferRequest> requests;
  for (const auto& file : kImageFiles) {
    images.push_back(read_file(kDataDir + file));
    requests.push_back(binary_request(images.back()));
  }
  auto server = start_faces_server(registry);
  const int port = server->port();
  print({{"case", "faces_check"},
         {"image", kImageFiles[0]},
         {"faces_found_by_service", faces_found(port, requests[0])},
         {"images", kImageFiles}});
  // Interleaving order: raw on 2 threads between its two HTTP peers, gRPC beside HTTP at K=4.
  std::vector<Variant> variants = {
      {"raw_opencv", 1, raw_faces(images)},
      {"cellflow_http", 2, http_faces(port, requests), port},
      {"raw_opencv", 2, raw_faces(images)},
      {"cellflow_http", 4, http_faces(port, requests), port},
      {"cellflow_grpc", 4, grpc_faces(server->grpc_port(), images), port}};
  for (auto& v : variants) timed_window(v.workers, 0.5, v.make, v.name);  // warm-up
  bench::run_interleaved(variants.size(), o.reps,
                         [&](std::size_t i) { run_variant(variants[i], o.seconds); });
  server->stop();
  for (const auto& v : variants) print_variant(v);
  const auto& raw1 = variants[0].runs;
  const auto& k2 = variants[1].runs;
  const auto& raw2 = variants[2].runs;
  const auto& k4 = variants[3].runs;
  print_ratio("faces_cellflow_k2/raw_2threads", k2, raw2, kTargetFaces);
  print_ratio("faces_cellflow_k4/raw_2threads", k4, raw2, kTargetFaces);
  print_ratio("faces_raw_2threads/raw_1thread", raw2, raw1, nullptr);
  print_ratio("faces_grpc_k4/http_k4", variants[4].runs, k4, 1.0);
}

// ---- people: stream pipeline vs a sequential loop ----

struct PeopleRun {
  double frames_per_s = 0;
  double cpu = 0;  // CPU seconds of the whole process over the timed part
  long frames = 0;
  long people = 0;  // detections summed over every frame
};

/// PeopleDetector's defaults: hit threshold 0, stride 8, padding 0, scale 1.05, group 2.
long detect_people(cv::HOGDescriptor& hog, const cv::Mat& frame) {
  std::vector<cv::Rect> boxes;
  std::vector<double> weights;
  hog.detectMultiScale(frame, boxes, weights, 0.0, cv::Size(8, 8), cv::Size(0, 0), 1.05, 2.0,
                       false);
  return static_cast<long>(boxes.size());
}

PeopleRun people_sequential(int frames) {
  cv::VideoCapture capture(kVideo);
  if (!capture.isOpened()) throw std::runtime_error("cannot open '" + kVideo + "'");
  cv::HOGDescriptor hog;
  hog.setSVMDetector(cv::HOGDescriptor::getDefaultPeopleDetector());
  PeopleRun run;
  const auto start = Clock::now();
  const double cpu_at_start = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
  cv::Mat frame;
  while (run.frames < frames && capture.read(frame) && !frame.empty()) {
    run.people += detect_people(hog, frame);
    ++run.frames;
  }
  run.frames_per_s = static_cast<double>(run.frames) / seconds_since(start);
  run.cpu = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu_at_start;
  return run;
}

/// The hand-written parallel loop: `threads` threads, each with its own HOGDescriptor, take the
/// next frame from one shared cv::VideoCapture (read under a mutex); results unordered.
PeopleRun people_threads(int frames, int threads) {
  cv::VideoCapture capture(kVideo);
  if (!capture.isOpened()) throw std::runtime_error("cannot open '" + kVideo + "'");
  std::vector<cv::HOGDescriptor> hogs(static_cast<std::size_t>(threads));
  for (auto& hog : hogs) hog.setSVMDetector(cv::HOGDescriptor::getDefaultPeopleDetector());
  std::mutex capture_mutex;
  long taken = 0;
  std::atomic<long> done{0}, people{0};
  auto work = [&](cv::HOGDescriptor& hog) {
    for (;;) {
      cv::Mat frame;
      {
        std::lock_guard lock(capture_mutex);
        if (taken >= frames || !capture.read(frame) || frame.empty()) return;
        ++taken;
      }
      people += detect_people(hog, frame);
      ++done;
    }
  };
  const auto start = Clock::now();
  const double cpu_at_start = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
  std::vector<std::thread> pool;
  for (auto& hog : hogs) pool.emplace_back(work, std::ref(hog));
  for (auto& t : pool) t.join();
  const double elapsed = seconds_since(start);
  return {static_cast<double>(done) / elapsed, cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu_at_start,
          done.load(), people.load()};
}

PeopleRun people_pipeline(int frames, int clones) {
  cellflow::Pipeline p{"people"};
  auto& video =
      p.add<cellflow::vision::VideoSource>("video", {{"uri", kVideo}, {"max_frames", frames}});
  auto& detect =
      p.add<cellflow::vision::PeopleDetector>("detect", json::object(), cellflow::ScaleUp{clones});
  auto& to_json = p.add<cellflow::vision::DetectionsToJson>("json");
  p.connect(video.frame, detect.image);
  p.connect(detect.people, to_json.in);
  p.expose(to_json.out, "people");
  p.start({.max_in_flight = 8});  // as examples/configs/people_video.json
  PeopleRun run;
  const auto start = Clock::now();
  const double cpu_at_start = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
  p.run([&run](cellflow::Result&& r) {
    run.people += r.get<json>("people").at("count").get<long>();
    ++run.frames;
  });
  run.frames_per_s = static_cast<double>(run.frames) / seconds_since(start);
  run.cpu = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu_at_start;
  return run;
}

struct PeopleSide {
  std::string name;
  int threads;  // threads or clones doing HOG
  std::function<PeopleRun(int frames)> run;
  std::vector<double> runs = {};
  PeopleRun last = {};
  double cpu = 0;   // CPU seconds summed over the timed runs
  long frames = 0;  // frames summed over the timed runs
};

/// Every side must have seen the same frames and found the same people in them.
void check_same_people(const std::vector<PeopleSide>& sides) {
  for (const auto& s : sides) {
    if (s.last.frames == sides[0].last.frames && s.last.people == sides[0].last.people) continue;
    throw std::runtime_error("people: " + sides[0].name + " saw " +
                             std::to_string(sides[0].last.frames) + " frames / " +
                             std::to_string(sides[0].last.people) + " people, " + s.name + " " +
                             std::to_string(s.last.frames) + " / " + std::to_string(s.last.people));
  }
}

void bench_people(const Options& o) {
  std::vector<PeopleSide> sides = {
      {"sequential_opencv", 1, people_sequential},
      {"raw_threads", 2, [](int frames) { return people_threads(frames, 2); }},
      {"cellflow_stream", 2, [](int frames) { return people_pipeline(frames, 2); }}};
  for (auto& s : sides) s.run(8);  // warm-up
  bench::run_interleaved(sides.size(), o.reps, [&](std::size_t i) {
    PeopleSide& s = sides[i];
    s.last = s.run(o.frames);
    s.runs.push_back(s.last.frames_per_s);
    s.cpu += s.last.cpu;
    s.frames += s.last.frames;
  });
  check_same_people(sides);
  for (const auto& s : sides) {
    json runs = json::array();
    for (double r : s.runs) runs.push_back(round3(r));
    print({{"case", "people"},
           {"variant", s.name},
           {"threads", s.threads},
           {"frames", s.last.frames},
           {"people_found", s.last.people},
           {"frames_per_s", round3(median(s.runs))},
           {"cpu_ms_per_frame", round3(1000 * s.cpu / static_cast<double>(std::max(1L, s.frames)))},
           {"runs", runs}});
  }
  const auto& sequential = sides[0].runs;
  const auto& raw = sides[1].runs;
  const auto& cellflow = sides[2].runs;
  print_ratio("people_cellflow_2clones/sequential", cellflow, sequential, nullptr);
  print_ratio("people_raw_2threads/sequential", raw, sequential, nullptr);
  print_ratio("people_cellflow_2clones/raw_2threads", cellflow, raw, nullptr);
}

// ---- driver ----

Options parse(int argc, char** argv) {
  Options o;
  if (argc > 1) o.seconds = std::atof(argv[1]);
  if (argc > 2) o.reps = std::atoi(argv[2]);
  if (argc > 3) o.frames = std::atoi(argv[3]);
  if (argc > 4) o.opencv_threads = std::atoi(argv[4]);
  if (o.seconds <= 0 || o.reps < 1 || o.frames < 1 || o.opencv_threads < 0) {
    throw std::invalid_argument(
        "usage: bench_vision [seconds>0] [reps>0] [frames>0] [opencv_threads>=0]");
  }
  return o;
}

/// The "Parallel framework:" line of cv::getBuildInformation() ("TBB (ver ...)" on Debian 12).
std::string opencv_parallel_framework() {
  std::istringstream info(cv::getBuildInformation());
  const std::string key = "Parallel framework:";
  for (std::string line; std::getline(info, line);) {
    const auto at = line.find(key);
    if (at == std::string::npos) continue;
    const auto value = line.find_first_not_of(' ', at + key.size());
    return value == std::string::npos ? std::string() : line.substr(value);
  }
  return "unknown";
}

void print_machine(const char* when) {
  json machine = bench::machine();
  machine["opencv_threads"] = cv::getNumThreads();
  machine["opencv_parallel_framework"] = opencv_parallel_framework();
  print({{when, machine}});
}

void run_all(const Options& o) {
  // The server logs through spdlog's default logger (stdout): keep stdout to JSON lines.
  spdlog::set_default_logger(spdlog::stderr_color_mt("bench_vision"));
  if (o.opencv_threads > 0) cv::setNumThreads(o.opencv_threads);
  cellflow::Registry registry = cellflow::cells::builtin_registry();
  cellflow::vision::register_vision(registry);
  print_machine("machine_before");
  print({{"options",
          {{"seconds", o.seconds},
           {"reps", o.reps},
           {"frames", o.frames},
           {"opencv_threads", o.opencv_threads}}}});
  bench_faces(o, registry);
  print_machine("machine_between");
  if (std::getenv("BENCH_VISION_FACES_ONLY") == nullptr) bench_people(o);
  print_machine("machine_after");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    run_all(parse(argc, argv));
  } catch (const std::exception& e) {
    std::cerr << "bench_vision: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
