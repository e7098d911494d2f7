// Triton's binary tensor extension over real HTTP: a real JPEG travels as raw bytes after the
// JSON header (Inference-Header-Content-Length) and the image output comes back as binary PNG.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

#include "http_test_support.hpp"

namespace cellflow::server::testing {
namespace {

// Mirrors an image left to right.
class Mirror final : public Cell {
 public:
  Input<cv::Mat> in{*this, "in"};
  Output<cv::Mat> out{*this, "out"};
  void process(Context& ctx) override {
    cv::Mat mirrored;
    cv::flip(ctx.get(in), mirrored, 1);
    ctx.emit(out, mirrored);
  }
};

std::string jpeg_of_gradient() {
  cv::Mat image(24, 32, CV_8UC3);
  for (int y = 0; y < image.rows; ++y) {
    for (int x = 0; x < image.cols; ++x) image.at<cv::Vec3b>(y, x) = cv::Vec3b(x * 8, y * 10, 90);
  }
  std::vector<uchar> bytes;
  cv::imencode(".jpg", image, bytes);
  return {bytes.begin(), bytes.end()};
}

// One BYTES element: 4-byte little-endian length, then the bytes.
std::string bytes_element(const std::string& bytes) {
  const auto size = static_cast<std::uint32_t>(bytes.size());
  std::string element(4, '\0');
  for (int i = 0; i < 4; ++i) element[i] = static_cast<char>((size >> (8 * i)) & 0xff);
  return element + bytes;
}

cv::Mat decode(const std::string& bytes) {
  return cv::imdecode(std::vector<uchar>(bytes.begin(), bytes.end()), cv::IMREAD_COLOR);
}

TEST(HttpServerBinary, JpegInBinaryOutRoundTrip) {
  auto pipeline = std::make_unique<Pipeline>("mirror");
  auto& mirror = pipeline->add<Mirror>("mirror");
  pipeline->expose(mirror.in, "image");
  pipeline->expose(mirror.out, "mirrored");
  HttpServer server(test_options());
  server.add(std::move(pipeline));
  auto http = client(server.start());
  ASSERT_TRUE(eventually([&] { return server.ready(); }));

  const std::string jpeg = jpeg_of_gradient();
  const std::string blob = bytes_element(jpeg);
  const std::string header = json{{"id", "jpeg-1"},
                                  {"inputs",
                                   {{{"name", "image"},
                                     {"datatype", "BYTES"},
                                     {"shape", {1}},
                                     {"parameters", {{"binary_data_size", blob.size()}}}}}},
                                  {"parameters", {{"binary_data_output", true}}}}
                                 .dump();
  const httplib::Headers headers = {
      {"Inference-Header-Content-Length", std::to_string(header.size())}};
  auto result =
      http->Post("/v2/models/mirror/infer", headers, header + blob, "application/octet-stream");
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  ASSERT_EQ(result->status, 200) << result->body;
  const std::size_t json_size =
      std::stoul(result->get_header_value("Inference-Header-Content-Length"));
  const json response = json::parse(result->body.substr(0, json_size));
  EXPECT_EQ(response["id"], "jpeg-1");
  EXPECT_EQ(response["model_name"], "mirror");
  const json& output = response["outputs"][0];
  EXPECT_EQ(output["name"], "mirrored");
  EXPECT_EQ(output["datatype"], "BYTES");
  const std::size_t size = output["parameters"]["binary_data_size"];
  ASSERT_EQ(json_size + size, result->body.size());
  const std::string element = result->body.substr(json_size);
  std::uint32_t length = 0;
  for (int i = 0; i < 4; ++i)
    length |= static_cast<std::uint32_t>(std::uint8_t(element[i])) << 8 * i;
  ASSERT_EQ(length + 4u, element.size());
  const cv::Mat returned = decode(element.substr(4));
  cv::Mat expected;
  cv::flip(decode(jpeg), expected, 1);
  ASSERT_EQ(returned.size(), expected.size());
  EXPECT_EQ(cv::norm(returned, expected, cv::NORM_INF), 0.0);  // PNG is lossless
}

TEST(HttpServerBinary, UndecodableImageIs400NamingTheInput) {
  auto pipeline = std::make_unique<Pipeline>("mirror");
  auto& mirror = pipeline->add<Mirror>("mirror");
  pipeline->expose(mirror.in, "image");
  pipeline->expose(mirror.out, "mirrored");
  HttpServer server(test_options());
  server.add(std::move(pipeline));
  auto http = client(server.start());
  ASSERT_TRUE(eventually([&] { return server.ready(); }));
  const json request = {
      {"inputs", {{{"name", "image"}, {"datatype", "BYTES"}, {"shape", {1}}, {"data", {"nope"}}}}}};
  auto result = http->Post("/v2/models/mirror/infer", request.dump(), "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400);
  EXPECT_EQ(error_of(result).rfind("input 'image': ", 0), 0u) << result->body;
}

}  // namespace
}  // namespace cellflow::server::testing
