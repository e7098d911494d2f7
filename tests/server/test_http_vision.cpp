// The face detection service of examples/configs/faces.json over real HTTP, with the real model:
// messi5.jpg as base64 JSON and through the binary extension gives the face box; a corrupt JPEG
// is a 400 naming the input, and the service keeps answering.
#include <gtest/gtest.h>

#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <sstream>

#include "../support/models.hpp"
#include "cellflow/codecs/json_text_codec.hpp"
#include "cellflow/codecs/tensor_json.hpp"
#include "cellflow/vision/detections.hpp"
#include "cellflow/vision/text.hpp"
#include "cellflow/vision/vision.hpp"
#include "http_test_support.hpp"

namespace cellflow::server::testing {
namespace {

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

CodecRegistry vision_codecs() {
  CodecRegistry codecs = CodecRegistry::defaults();
  cellflow::vision::add_codecs(codecs);
  return codecs;
}

const std::string kMessi = "/usr/share/doc/opencv-doc/examples/data/messi5.jpg";

class FacesService : public ::testing::Test {
 protected:
  void SetUp() override {
    CELLFLOW_REQUIRE_MODELS(cellflow::testing::kBlazeFace);
    Registry vision = cells::builtin_registry();
    cellflow::vision::register_vision(vision);
    server_.add(load_pipeline_file(CELLFLOW_EXAMPLE_CONFIGS "/faces.json", vision));
    // The same service with dynamic batching in front of its detector.
    std::ifstream file(CELLFLOW_EXAMPLE_CONFIGS "/faces.json");
    json batched = json::parse(file);
    batched["name"] = "faces_batched";
    batched["cells"][1]["batch"] = {{"max_size", 8}, {"max_delay_ms", 50}};
    server_.add(load_pipeline(batched, vision));
    http_ = client(server_.start());
    ASSERT_TRUE(eventually([&] { return server_.ready(); }));
  }
  httplib::Result infer_base64(const std::string& bytes) {
    const json request = {{"inputs",
                           {{{"name", "image"},
                             {"datatype", "BYTES"},
                             {"shape", {1}},
                             {"parameters", {{"content_type", "base64"}}},
                             {"data", {base64_encode(bytes)}}}}}};
    return http_->Post("/v2/models/faces/infer", request.dump(), "application/json");
  }
  // The JSON document inside the BYTES output "faces".
  static json faces_of(const httplib::Result& result) {
    return json::parse(body_json(result)["outputs"][0]["data"][0].get<std::string>());
  }

  HttpServer server_{test_options(), vision_codecs()};
  std::unique_ptr<httplib::Client> http_;
};

const std::string kData = "/usr/share/doc/opencv-doc/examples/data/";
const std::vector<std::string> kEightFiles = {"messi5.jpg", "baboon.jpg", "messi5.jpg",
                                              "fruits.jpg", "messi5.jpg", "home.jpg",
                                              "baboon.jpg", "messi5.jpg"};

// One request with the images as BYTES [n], base64.
std::string images_request(const std::vector<std::string>& files) {
  json images = json::array();
  for (const auto& file : files) images.push_back(base64_encode(file_bytes(kData + file)));
  return json{{"inputs",
               {{{"name", "image"},
                 {"datatype", "BYTES"},
                 {"shape", {files.size()}},
                 {"parameters", {{"content_type", "base64"}}},
                 {"data", images}}}}}
      .dump();
}

// A batch of 8 images in one request (BYTES [8], base64): 8 results, in the request's order.
TEST_F(FacesService, ABatchOfEightImagesGivesEightResultsInOrder) {
  const auto result =
      http_->Post("/v2/models/faces/infer", images_request(kEightFiles), "application/json");
  ASSERT_EQ(result->status, 200) << result->body;
  const json output = body_json(result)["outputs"][0];
  EXPECT_EQ(output["shape"], json::array({8, 1}));
  ASSERT_EQ(output["data"].size(), 8u);
  for (std::size_t i = 0; i < kEightFiles.size(); ++i) {
    const json faces = json::parse(output["data"][i].get<std::string>());
    const cv::Size size = cv::imread(kData + kEightFiles[i]).size();
    EXPECT_EQ(faces["width"], size.width) << i << " " << kEightFiles[i];
    EXPECT_EQ(faces["height"], size.height) << i << " " << kEightFiles[i];
    if (kEightFiles[i] == "messi5.jpg") {
      EXPECT_EQ(faces["count"], 1) << i;
    }
  }
}

void expect_same_boxes(const json& batched, const json& alone, const std::string& what) {
  ASSERT_EQ(batched["count"], alone["count"]) << what;
  EXPECT_EQ(batched["width"], alone["width"]) << what;
  for (std::size_t f = 0; f < alone["detections"].size(); ++f)
    for (const char* key : {"x", "y", "width", "height", "score"})
      EXPECT_NEAR(batched["detections"][f][key].get<double>(),
                  alone["detections"][f][key].get<double>(), 0.01)
          << what << " face " << f << " " << key;
}

// The 8-image request through the batched service (its detector runs the items in batches of
// up to 8, one forward pass each) gives the boxes the unbatched service gives; Triton's counts
// show the batching: 8 inferences in fewer executions.
TEST_F(FacesService, BatchingGivesTheSameBoxesAsWithout) {
  const std::string request = images_request(kEightFiles);
  const auto plain = http_->Post("/v2/models/faces/infer", request, "application/json");
  const auto batched = http_->Post("/v2/models/faces_batched/infer", request, "application/json");
  ASSERT_TRUE(plain && batched);
  ASSERT_EQ(batched->status, 200) << batched->body;
  const json alone = body_json(plain)["outputs"][0]["data"];
  const json together = body_json(batched)["outputs"][0]["data"];
  ASSERT_EQ(together.size(), 8u);
  for (std::size_t i = 0; i < kEightFiles.size(); ++i)
    expect_same_boxes(json::parse(together[i].get<std::string>()),
                      json::parse(alone[i].get<std::string>()), kEightFiles[i]);
  const json stats = body_json(http_->Get("/v2/models/faces_batched/stats"))["model_stats"][0];
  EXPECT_EQ(stats["inference_count"], 8);
  EXPECT_LT(stats["execution_count"].get<int>(), 8) << stats.dump();
  EXPECT_GE(stats["execution_count"].get<int>(), 1) << stats.dump();
}

TEST_F(FacesService, MessiHasOneFaceWhereHisHeadIs) {
  const auto result = infer_base64(file_bytes(kMessi));
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  const json faces = faces_of(result);
  EXPECT_EQ(faces["width"], 548);
  EXPECT_EQ(faces["height"], 342);
  ASSERT_EQ(faces["count"], 1) << faces.dump();
  const json& box = faces["detections"][0];
  EXPECT_EQ(box["label"], "face");
  // Messi's head in messi5.jpg (548x342): about x 223..260, y 96..133.
  EXPECT_NEAR(box["x"].get<double>() + box["width"].get<double>() / 2, 242, 12) << box.dump();
  EXPECT_NEAR(box["y"].get<double>() + box["height"].get<double>() / 2, 115, 12) << box.dump();
}

TEST_F(FacesService, BinaryExtensionGivesTheSameBoxAsBase64) {
  const std::string jpeg = file_bytes(kMessi);
  std::string blob(4, '\0');
  for (int i = 0; i < 4; ++i) blob[i] = static_cast<char>((jpeg.size() >> (8 * i)) & 0xff);
  blob += jpeg;
  const std::string header = json{{"inputs",
                                   {{{"name", "image"},
                                     {"datatype", "BYTES"},
                                     {"shape", {1}},
                                     {"parameters", {{"binary_data_size", blob.size()}}}}}}}
                                 .dump();
  const auto binary =
      http_->Post("/v2/models/faces/infer",
                  {{"Inference-Header-Content-Length", std::to_string(header.size())}},
                  header + blob, "application/octet-stream");
  const auto base64 = infer_base64(jpeg);
  ASSERT_TRUE(binary && base64);
  ASSERT_EQ(binary->status, 200) << binary->body;
  EXPECT_EQ(faces_of(binary), faces_of(base64));
}

TEST_F(FacesService, CorruptJpegIs400NamingTheInputAndServiceGoesOn) {
  std::string corrupt = file_bytes(kMessi).substr(0, 600);  // a JPEG header, then nothing
  corrupt += std::string(200, 'x');
  const auto result = infer_base64(corrupt);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400) << result->body;
  const std::string error = error_of(result);
  EXPECT_NE(error.find("input 'image'"), std::string::npos) << error;
  EXPECT_NE(error.find("cannot decode image"), std::string::npos) << error;
  const auto next = infer_base64(file_bytes(kMessi));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200) << next->body;
}

TEST_F(FacesService, MetadataDescribesImageInAndFacesOut) {
  const json metadata = body_json(http_->Get("/v2/models/faces"));
  EXPECT_EQ(metadata["inputs"][0]["name"], "image");
  EXPECT_EQ(metadata["inputs"][0]["datatype"], "BYTES");
  EXPECT_EQ(metadata["outputs"][0]["name"], "faces");
}

// The vision result types come back from their wire form unchanged (they cross a remote
// clone's hop so); a JSON-text type without from_json stays output-only, and says so.
struct OutputOnly {};
void to_json(json& j, const OutputOnly&) { j = "out"; }

TEST(VisionCodecs, ResultTypesComeBackFromTheirWireForm) {
  const CodecRegistry codecs = vision_codecs();
  cellflow::vision::Detections detections;
  detections.image_size = {640, 480};
  detections.items.push_back({{12.345678f, 0.1f, 99.99f, 1e-3f}, 0.87654321f, "face"});
  detections.items.push_back({{1, 2, 3, 4}, 0.5f, "person"});
  const Codec& codec = *codecs.find(typeid(cellflow::vision::Detections));
  const auto back =
      codec.decode(codec.encode(Value(detections))).get<cellflow::vision::Detections>();
  EXPECT_EQ(back.image_size, detections.image_size);
  ASSERT_EQ(back.items.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(back.items[i].box, detections.items[i].box);
    EXPECT_EQ(back.items[i].score, detections.items[i].score);
    EXPECT_EQ(back.items[i].label, detections.items[i].label);
  }
  const cellflow::vision::Words words = {{"NOTICE", 0.987654f, {5, 6, 70, 8}}};
  const Codec& words_codec = *codecs.find(typeid(cellflow::vision::Words));
  const auto words_back =
      words_codec.decode(words_codec.encode(Value(words))).get<cellflow::vision::Words>();
  ASSERT_EQ(words_back.size(), 1u);
  EXPECT_EQ(words_back[0].text, "NOTICE");
  EXPECT_EQ(words_back[0].score, 0.987654f);
  EXPECT_EQ(words_back[0].box, cv::Rect(5, 6, 70, 8));
  const JsonTextCodec<OutputOnly> output_only;
  try {
    output_only.decode(output_only.encode(Value(OutputOnly{})));
    ADD_FAILURE() << "decoded an output-only type";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("is an output type; it cannot be sent as input"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace cellflow::server::testing
