// bench_vision_batching: dynamic batching on the real models (docs/benchmarks.md, "Dynamic
// batching on the real models"). Does a batch of N run faster than N single runs on this CPU?
//
//   raw    the converted models on cv::dnn, one net, forward passes over blobs of 1 and of 8
//          (BlazeFace 8x256x256x3, the PP-OCRv4 recognizer 8x3x48x320): what batching can buy
//          at all, with nothing of cellflow around it.
//   faces  examples/configs/faces.json (DecodeImage -> FaceDetector x2 clones -> DetectionsToJson)
//          in request mode, 16 JPEGs in flight, as shipped (unbatched) and with the detector
//          batched (max_size 8, max_delay_ms 2; still 2 clones).
//   text   examples/configs/text_reader.json (DecodeImage -> TextDetector -> TextRecognizer x2 ->
//          JoinWords) on scenetext01.jpg, 4 in flight, unbatched and with the recognizer batched
//          (max_size 8, max_delay_ms 2): a photo's regions reach the recognizer together.
//
// Every variant's answers are checked against the unbatched ones (same face count, same text).
// Variants alternate within each repetition (bench::run_interleaved); medians of `reps` are
// printed, and the ratios batched/unbatched as the median of per-repetition ratios with their
// min and max. Usage: bench_vision_batching [seconds=3] [reps=3]
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <opencv2/dnn.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"
#include "cellflow/vision/models.hpp"
#include "cellflow/vision/vision.hpp"

namespace {

using bench::Clock;
using nlohmann::json;

const std::string kSource = CELLFLOW_SOURCE_DIR;
const std::string kData = "/usr/share/doc/opencv-doc/examples/";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(1);
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void print(const json& line) { std::printf("%s\n", line.dump().c_str()); }

/// Calls `step` (one unit: returns how many images it did) back to back for `seconds`; images/s.
double per_second(double seconds, const std::function<int()>& step) {
  step();  // warm-up
  int images = 0;
  const auto start = Clock::now();
  while (bench::seconds_since(start) < seconds) images += step();
  return images / bench::seconds_since(start);
}

// ---- raw: forward passes over blobs of 1 and 8 ----

std::function<int()> raw_forward(const std::string& model, std::vector<int> shape) {
  auto net =
      std::make_shared<cv::dnn::Net>(cv::dnn::readNetFromONNX(cellflow::vision::model_path(model)));
  auto blob = std::make_shared<cv::Mat>(shape, CV_32F);
  cv::randu(*blob, 0, 1);
  return [net, blob, n = shape[0]] {
    net->setInput(*blob);
    std::vector<cv::Mat> outputs;
    net->forward(outputs, net->getUnconnectedOutLayersNames());
    return n;
  };
}

// ---- faces and text: a served config in request mode, batched or not ----

/// The config at `relative` (examples/configs), its cell `batched` given a batch policy unless
/// `batched` is empty.
std::unique_ptr<cellflow::Pipeline> load(const std::string& relative, const std::string& batched) {
  json config = json::parse(read_file(kSource + "/examples/configs/" + relative));
  for (auto& cell : config["cells"])
    if (cell["name"] == batched) cell["batch"] = {{"max_size", 8}, {"max_delay_ms", 2}};
  cellflow::Registry registry = cellflow::cells::builtin_registry();
  cellflow::vision::register_vision(registry);
  return cellflow::load_pipeline(config, registry);
}

/// An answer as text: faces' JSON document, or the text read.
std::string answer_of(cellflow::Result& r, const std::string& output) {
  return output == "faces" ? r.get<json>(output).dump() : r.get<std::string>(output);
}

/// Keeps `in_flight` requests going with `images` (round robin) for `seconds`; images/s. Each
/// answer (output `output`) must be the unbatched pipeline's answer for that image.
struct Service {
  std::unique_ptr<cellflow::Pipeline> pipeline;
  std::string output;
  std::vector<std::string> answers;  // per image, from the first (unbatched) run

  double run(const std::vector<std::string>& images, int in_flight, double seconds) {
    pipeline->start({.max_in_flight = static_cast<std::size_t>(in_flight)});
    std::atomic<int> done{0}, wrong{0};
    const auto check = [this, &done, &wrong](std::size_t image, cellflow::Result&& r) {
      if (!r.ok())
        ++wrong;
      else if (image < answers.size() && answer_of(r, output) != answers[image])
        ++wrong;
      ++done;
    };
    const auto start = Clock::now();
    for (std::size_t i = 0; bench::seconds_since(start) < seconds; ++i)  // blocks at in_flight
      pipeline->submit(
          {{"image", cellflow::Value(images[i % images.size()])}},
          [check, image = i % images.size()](cellflow::Result&& r) { check(image, std::move(r)); });
    pipeline->stop();
    const double rate = done / bench::seconds_since(start);
    if (wrong > 0) {
      std::fprintf(stderr, "%s: %d of %d answers differ from unbatched\n", pipeline->name().c_str(),
                   wrong.load(), done.load());
      std::exit(1);
    }
    return rate;
  }
};

/// Each image's answer, one request at a time, from an unbatched pipeline.
std::vector<std::string> answers(const std::string& config, const std::string& output,
                                 const std::vector<std::string>& images) {
  auto p = load(config, "");
  p->start();
  std::vector<std::string> out;
  for (const auto& image : images) {
    cellflow::Result r = p->submit({{"image", cellflow::Value(image)}}).get();
    out.push_back(answer_of(r, output));
  }
  p->stop();
  return out;
}

struct Variant {
  Variant(std::string n, std::function<double()> r) : name(std::move(n)), run(std::move(r)) {}
  std::string name;
  std::function<double()> run;
  std::vector<double> runs;
};

void report(std::vector<Variant>& variants, int reps, const std::string& unit) {
  bench::run_interleaved(variants.size(), reps,
                         [&](std::size_t i) { variants[i].runs.push_back(variants[i].run()); });
  for (const auto& v : variants)
    print({{"bench", "vision_batching"},
           {"variant", v.name},
           {unit + "_per_s", v.runs},
           {"median", bench::median(v.runs)}});
}

void ratio(const std::string& name, const Variant& a, const Variant& b) {
  bench::print_line("vision_batching", bench::ratio_line(name, a.runs, b.runs));
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 3;
  const int reps = argc > 2 ? std::atoi(argv[2]) : 3;
  print({{"bench", "vision_batching"}, {"machine_before", bench::machine()}});

  const std::string face = "blazeface/face_detection_back_256x256_barracuda.onnx";
  auto face1 = raw_forward(face, {1, 256, 256, 3}), face8 = raw_forward(face, {8, 256, 256, 3});
  auto rec1 = raw_forward("ppocr/rec.onnx", {1, 3, 48, 320});
  auto rec8 = raw_forward("ppocr/rec.onnx", {8, 3, 48, 320});
  std::vector<Variant> raw{{"raw blazeface batch 1", [&] { return per_second(seconds, face1); }},
                           {"raw blazeface batch 8", [&] { return per_second(seconds, face8); }},
                           {"raw recognizer batch 1", [&] { return per_second(seconds, rec1); }},
                           {"raw recognizer batch 8", [&] { return per_second(seconds, rec8); }}};
  report(raw, reps, "images");
  ratio("raw_blazeface batch8/batch1", raw[1], raw[0]);
  ratio("raw_recognizer batch8/batch1", raw[3], raw[2]);

  std::vector<std::string> photos;
  for (const char* file : {"data/messi5.jpg", "data/baboon.jpg", "data/fruits.jpg", "data/home.jpg",
                           "data/lena.jpg", "data/butterfly.jpg"})
    if (std::ifstream(kData + file)) photos.push_back(read_file(kData + file));
  Service faces{load("faces.json", ""), "faces", answers("faces.json", "faces", photos)};
  Service faces_batched{load("faces.json", "detect"), "faces", faces.answers};
  std::vector<Variant> face_variants{
      {"faces unbatched", [&] { return faces.run(photos, 16, seconds); }},
      {"faces batched 8", [&] { return faces_batched.run(photos, 16, seconds); }}};
  report(face_variants, reps, "images");
  ratio("faces batched/unbatched", face_variants[1], face_variants[0]);

  const std::vector<std::string> signs{read_file(kData + "text/scenetext01.jpg")};
  Service text{load("text_reader.json", ""), "text", answers("text_reader.json", "text", signs)};
  Service text_batched{load("text_reader.json", "recognize"), "text", text.answers};
  std::vector<Variant> text_variants{
      {"text unbatched", [&] { return text.run(signs, 4, seconds); }},
      {"text batched 8", [&] { return text_batched.run(signs, 4, seconds); }}};
  report(text_variants, reps, "images");
  ratio("text batched/unbatched", text_variants[1], text_variants[0]);
  print({{"bench", "vision_batching"}, {"machine_after", bench::machine()}});
}
