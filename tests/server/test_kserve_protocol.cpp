// KServe v2 protocol functions: request parsing (JSON and Triton's binary tensor extension),
// decoding inputs by codec with errors naming the input, stacking outputs, the response (JSON and
// binary), model metadata and missing codecs. Pure functions: no server, no sockets.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <optional>
#include <string>
#include <vector>

#include "../../server/src/http/http_error.hpp"       // internal: server/src is private
#include "../../server/src/http/kserve_protocol.hpp"  // internal
#include "cellflow/codecs/raw_form.hpp"
#include "cellflow/codecs/tensor_json.hpp"
#include "cellflow/pipeline.hpp"

namespace cellflow::server {
namespace {

using nlohmann::json;

// Ports of every kind the default codecs cover; process() is never called here.
class Ports final : public Cell {
 public:
  Input<std::int64_t> x{*this, "x"};
  Input<cv::Mat> img{*this, "img"};
  Output<std::int64_t> y{*this, "y"};
  Output<std::string> s{*this, "s"};
  Output<json> j{*this, "j"};
  Output<cv::Mat> m{*this, "m"};
  void process(Context&) override {}
};

struct Point {
  int x = 0;
};

class PointCell final : public Cell {
 public:
  Input<Point> in{*this, "in"};
  Output<float> out{*this, "out"};
  void process(Context&) override {}
};

class ProtocolTest : public ::testing::Test {
 protected:
  ProtocolTest() {
    auto& cell = pipeline_.add<Ports>("ports");
    pipeline_.expose(cell.x, "x");
    pipeline_.expose(cell.img, "img");
    pipeline_.expose(cell.y, "y");
    pipeline_.expose(cell.s, "s");
    pipeline_.expose(cell.j, "j");
    pipeline_.expose(cell.m, "m");
  }

  Pipeline pipeline_{"model"};
  CodecRegistry codecs_ = CodecRegistry::defaults();
};

// "<status>: <message>" of the HttpError `f` throws.
std::string http_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const HttpError& e) {
    return std::to_string(e.status()) + ": " + e.what();
  }
  return "<no error>";
}

InferRequest parse(const std::string& body, std::optional<std::size_t> header = {}) {
  return parse_infer_request(std::make_shared<std::string>(body), header);
}

std::string parse_error(const std::string& body, std::optional<std::size_t> header = {}) {
  return http_error([&] { parse(body, header); });
}

cv::Mat test_image() {
  cv::Mat image(6, 8, CV_8UC3);
  cv::randu(image, 0, 256);
  return image;
}

std::string encode_image(const cv::Mat& image, const std::string& ext) {
  std::vector<uchar> bytes;
  EXPECT_TRUE(cv::imencode(ext, image, bytes));
  return std::string(bytes.begin(), bytes.end());
}

bool same_pixels(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

std::string blob(const std::string& element) {
  std::string out;
  append_raw(out, Tensor::strings({1}, {element}));
  return out;
}

json int_input(const std::string& name, std::int64_t value) {
  return {{"name", name}, {"datatype", "INT64"}, {"shape", {1}}, {"data", {value}}};
}

// --- parse_infer_request ------------------------------------------------------------------------

TEST(ParseInferRequest, JsonRequest) {
  const json body = {
      {"id", "r1"},
      {"inputs",
       {int_input("x", 4),
        {{"name", "v"}, {"datatype", "FP32"}, {"shape", {2, 2}}, {"data", {{1, 2}, {3, 4}}}}}},
      {"outputs", {{{"name", "y"}, {"parameters", {{"binary_data", true}}}}, {{"name", "s"}}}},
      {"parameters", {{"binary_data_output", false}}}};
  const InferRequest request = parse(body.dump());
  EXPECT_EQ(request.id, "r1");
  ASSERT_EQ(request.inputs.size(), 2u);
  EXPECT_EQ(request.inputs[0].name, "x");
  EXPECT_EQ(request.inputs[0].datatype, "INT64");
  EXPECT_EQ(tensor_to_json(request.inputs[0]), json::array({4}));
  EXPECT_EQ(request.inputs[1].shape, (std::vector<std::int64_t>{2, 2}));
  EXPECT_EQ(tensor_to_json(request.inputs[1]), json::array({1, 2, 3, 4}));  // flattened
  EXPECT_EQ(request.outputs, (std::vector<std::string>{"y", "s"}));
  EXPECT_EQ(request.binary_outputs, (std::map<std::string, bool>{{"y", true}}));
  EXPECT_FALSE(request.all_binary);
}

TEST(ParseInferRequest, BadJsonAndStructure) {
  EXPECT_EQ(parse_error("{\"inputs\": [").rfind("400: invalid JSON: ", 0), 0u);
  EXPECT_EQ(parse_error("[1]"), "400: the request must be a JSON object, got array");
  // Found by fuzz_rest_request: a number beyond double's range was a 500, not a 400.
  const std::string overflow = parse_error(
      R"({"inputs": [{"name": "x", "datatype": "FP64", "shape": [1], "data": [1e999]}]})");
  EXPECT_EQ(overflow.rfind("400: invalid JSON: ", 0), 0u) << overflow;
  EXPECT_NE(overflow.find("number overflow"), std::string::npos) << overflow;
  EXPECT_EQ(parse_error("{}"), "400: the request needs an \"inputs\" array");
  EXPECT_EQ(parse_error(R"({"id": 5, "inputs": []})"), "400: \"id\" must be a string, got 5");
  EXPECT_EQ(parse_error(R"({"inputs": [3]})"), "400: inputs[0] must be an object");
  EXPECT_EQ(parse_error(R"({"inputs": [{"datatype": "INT64"}]})"),
            "400: inputs[0] needs a \"name\" string");
  EXPECT_EQ(parse_error(R"({"inputs": [{"name": "x", "shape": [1]}]})"),
            "400: input 'x' needs a \"datatype\" string");
  EXPECT_EQ(parse_error(R"({"inputs": [{"name": "x", "datatype": "FLOAT", "shape": [1]}]})"),
            "400: input 'x': unknown datatype 'FLOAT' (BOOL, UINT8..UINT64, INT8..INT64, FP16, "
            "FP32, FP64 or BYTES)");
  EXPECT_EQ(parse_error(R"({"inputs": [{"name": "x", "datatype": "INT64", "shape": [-1]}]})"),
            "400: input 'x': \"shape\" must be an array of non-negative integers, got [-1]");
  EXPECT_EQ(parse_error(R"({"inputs": [{"name": "x", "datatype": "INT64", "shape": [1]}]})"),
            "400: input 'x' has neither \"data\" nor parameters.binary_data_size");
  EXPECT_EQ(parse_error(R"({"inputs": [{"name": "x", "datatype": "INT64", "shape": [1],
                            "data": 5}]})"),
            "400: input 'x': \"data\" must be an array, got number");
  EXPECT_EQ(parse_error(json{{"inputs", {int_input("x", 1), int_input("x", 2)}}}.dump()),
            "400: input 'x' appears twice");
  EXPECT_EQ(parse_error(R"({"inputs": [], "outputs": [{"name": "y",
                            "parameters": {"binary_data": 1}}]})"),
            "400: output 'y': parameters.binary_data must be a boolean, got 1");
  EXPECT_EQ(parse_error(R"({"inputs": [], "outputs": [{}]})"),
            "400: outputs[0] needs a \"name\" string");
}

TEST(ParseInferRequest, ShapeDataMismatchNamesTheInput) {
  EXPECT_EQ(parse_error(R"({"inputs": [{"name": "v", "datatype": "FP32", "shape": [2, 3],
                            "data": [1, 2, 3, 4, 5]}]})"),
            "400: input 'v': shape [2,3] needs 6 element(s), data has 5");
}

TEST(ParseInferRequest, BinaryInputs) {
  const std::string image_bytes = encode_image(test_image(), ".png");
  const std::string image_blob = blob(image_bytes);
  const std::int32_t ints[2] = {7, -9};
  const std::string int_blob(reinterpret_cast<const char*>(ints), sizeof(ints));
  const json header = {{"inputs",
                        {{{"name", "img"},
                          {"datatype", "BYTES"},
                          {"shape", {1}},
                          {"parameters", {{"binary_data_size", image_blob.size()}}}},
                         int_input("x", 3),
                         {{"name", "v"},
                          {"datatype", "INT32"},
                          {"shape", {2}},
                          {"parameters", {{"binary_data_size", int_blob.size()}}}}}},
                       {"parameters", {{"binary_data_output", true}}}};
  const std::string text = header.dump();
  const auto body = std::make_shared<std::string>(text + image_blob + int_blob);
  const InferRequest request = parse_infer_request(body, text.size());
  ASSERT_EQ(request.inputs.size(), 3u);
  // Binary tensors view the body: their elements point into it, no copy.
  ASSERT_EQ(request.inputs[0].strings().size(), 1u);
  EXPECT_EQ(request.inputs[0].strings()[0].data(), body->data() + text.size() + 4);
  EXPECT_EQ(request.inputs[0].strings()[0], image_blob.substr(4));
  EXPECT_EQ(tensor_to_json(request.inputs[1]), json::array({3}));
  EXPECT_EQ(request.inputs[2].raw().data(), body->data() + text.size() + image_blob.size());
  EXPECT_EQ(request.inputs[2].raw(), int_blob);
  EXPECT_TRUE(request.all_binary);
}

TEST(ParseInferRequest, BinarySizesMustAddUp) {
  auto with_size = [](std::int64_t size, const std::string& datatype = "INT32") {
    return json{{"inputs",
                 {{{"name", "v"},
                   {"datatype", datatype},
                   {"shape", {2}},
                   {"parameters", {{"binary_data_size", size}}}}}}}
        .dump();
  };
  const std::string h8 = with_size(8);
  EXPECT_EQ(parse_error(h8 + std::string(8, '\0'), h8.size() + 9),
            "400: Inference-Header-Content-Length " + std::to_string(h8.size() + 9) +
                " exceeds the body size " + std::to_string(h8.size() + 8));
  EXPECT_EQ(parse_error(h8 + std::string(6, '\0'), h8.size()),
            "400: input 'v': binary_data_size 8 exceeds the 6 bytes of binary data left after "
            "the JSON header");
  EXPECT_EQ(parse_error(h8 + std::string(10, '\0'), h8.size()),
            "400: the body has 10 bytes of binary data after the JSON header, but the inputs' "
            "binary_data_size add up to 8");
  const std::string h4 = with_size(4);
  EXPECT_EQ(parse_error(h4 + std::string(4, '\0'), h4.size()),
            "400: input 'v': shape [2] needs 2 element(s), the data holds 1");
  EXPECT_EQ(parse_error(h8),
            "400: input 'v' has parameters.binary_data_size but the request "
            "has no Inference-Header-Content-Length header");
  const std::string hb = with_size(5, "BYTES");
  EXPECT_EQ(parse_error(hb + blob("a"), hb.size()),
            "400: input 'v': shape [2] needs 2 element(s), the data holds 1");
  const std::string hn = with_size(-1);
  EXPECT_EQ(parse_error(hn, hn.size()),
            "400: input 'v': parameters.binary_data_size must be a non-negative integer, got -1");
}

// --- decode_inputs ------------------------------------------------------------------------------

InferRequest request_with(json inputs) { return parse(json{{"inputs", std::move(inputs)}}.dump()); }

json image_input(const std::string& base64) {
  return {{"name", "img"},
          {"datatype", "BYTES"},
          {"shape", {1}},
          {"parameters", {{"content_type", "base64"}}},
          {"data", {base64}}};
}

TEST_F(ProtocolTest, DecodesInputsByCodec) {
  const cv::Mat image = test_image();
  const std::string b64 = base64_encode(encode_image(image, ".png"));
  const InputValues inputs =
      decode_inputs(pipeline_, codecs_, request_with({int_input("x", 41), image_input(b64)}));
  ASSERT_EQ(inputs.size(), 2u);
  EXPECT_EQ(inputs.at("x").get<std::int64_t>(), 41);
  EXPECT_TRUE(same_pixels(inputs.at("img").get<cv::Mat>(), image));
}

TEST_F(ProtocolTest, DecodeErrorsNameTheInput) {
  const std::string b64 = base64_encode(encode_image(test_image(), ".png"));
  auto decode = [&](json inputs) {
    return http_error([&] { decode_inputs(pipeline_, codecs_, request_with(std::move(inputs))); });
  };
  EXPECT_EQ(decode({int_input("x", 1)}), "400: missing input 'img' (BYTES [1])");
  EXPECT_EQ(decode({int_input("x", 1), image_input(b64), int_input("z", 2)}),
            "400: unknown input 'z' (model 'model' has inputs: x, img)");
  EXPECT_EQ(decode({{{"name", "x"}, {"datatype", "FP32"}, {"shape", {1}}, {"data", {1.5}}},
                    image_input(b64)}),
            "400: input 'x': expected datatype INT64, got FP32");
  EXPECT_EQ(decode({int_input("x", 1), image_input(base64_encode("garbage"))}),
            "400: input 'img': cannot decode image (7 bytes): not a JPEG, PNG or other format "
            "OpenCV reads");
  EXPECT_EQ(
      decode({int_input("x", 1),
              {{"name", "img"}, {"datatype", "UINT8"}, {"shape", {1, 1, 2}}, {"data", {1, 2}}}}),
      "400: input 'img': a UINT8 image needs shape [H, W, C] with C 1 or 3, got [1,1,2]");
}

TEST_F(ProtocolTest, DecodesABinaryJpeg) {
  const cv::Mat image = test_image();
  const std::string jpeg_blob = blob(encode_image(image, ".jpg"));
  const json header = {{"inputs",
                        {int_input("x", 1),
                         {{"name", "img"},
                          {"datatype", "BYTES"},
                          {"shape", {1}},
                          {"parameters", {{"binary_data_size", jpeg_blob.size()}}}}}}};
  const std::string text = header.dump();
  const InputValues inputs =
      decode_inputs(pipeline_, codecs_, parse(text + jpeg_blob, text.size()));
  const cv::Mat decoded = inputs.at("img").get<cv::Mat>();
  EXPECT_EQ(decoded.size(), image.size());
  EXPECT_EQ(decoded.type(), CV_8UC3);
}

// --- encode_outputs -----------------------------------------------------------------------------

Result result_of(Result::Outputs outputs) { return Result(ItemInfo{}, std::move(outputs)); }

Result full_result(std::vector<Value> y) {
  return result_of({{"y", std::move(y)},
                    {"s", {Value(std::string("a")), Value(std::string("b"))}},
                    {"j", {Value(json::array({1, 2}))}},
                    {"m", {Value(test_image())}}});
}

// The first dimension counts the values, also for one: the metadata's [-1, 1].
TEST_F(ProtocolTest, AnOutputsValuesAreStackedAlongTheFirstDimension) {
  InferRequest request;
  request.outputs = {"y"};
  for (const std::size_t n : {0u, 1u, 3u}) {
    std::vector<Value> values;
    for (std::size_t i = 0; i < n; ++i) values.emplace_back(static_cast<std::int64_t>(10 + i));
    Result result = full_result(values);
    const auto tensors = encode_outputs(pipeline_, codecs_, result, request);
    ASSERT_EQ(tensors.size(), 1u);
    EXPECT_EQ(tensors[0].name, "y");
    EXPECT_EQ(tensors[0].datatype, "INT64");
    EXPECT_EQ(tensors[0].shape, (std::vector<std::int64_t>{std::int64_t(n), 1})) << n;
    const auto in_batch = encode_outputs(pipeline_, codecs_, result, request, true);
    if (n == 1) {
      EXPECT_EQ(in_batch[0].shape, (std::vector<std::int64_t>{1})) << "the batch stacks";
    }
    EXPECT_EQ(tensor_to_json(tensors[0]), n == 0   ? json::array()
                                          : n == 1 ? json::array({10})
                                                   : json::array({10, 11, 12}));
  }
}

TEST_F(ProtocolTest, StacksStringsJsonAndImages) {
  Result result = result_of({{"y", {}},
                             {"s", {Value(std::string("a")), Value(std::string("b"))}},
                             {"j", {Value(json::array({1, 2})), Value(json{{"k", 1}})}},
                             {"m", {Value(test_image()), Value(test_image())}}});
  const auto tensors = encode_outputs(pipeline_, codecs_, result, InferRequest{});
  ASSERT_EQ(tensors.size(), 4u);
  EXPECT_EQ(tensors[0].shape, (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(tensors[1].shape, (std::vector<std::int64_t>{2, 1}));
  EXPECT_EQ(tensor_to_json(tensors[1]), json::array({"a", "b"}));
  EXPECT_EQ(tensors[2].datatype, "BYTES");  // INT64 [2] and BYTES [1] differ: JSON texts
  EXPECT_EQ(tensor_to_json(tensors[2]), json::array({"[1,2]", "{\"k\":1}"}));
  EXPECT_EQ(tensors[3].shape, (std::vector<std::int64_t>{2, 1}));
  EXPECT_EQ(tensors[3].strings().size(), 2u);
}

TEST_F(ProtocolTest, SelectsOutputsAndRejectsUnknownOnes) {
  Result result = full_result({Value(std::int64_t{1})});
  InferRequest request;
  request.outputs = {"j", "y"};
  const auto tensors = encode_outputs(pipeline_, codecs_, result, request);
  ASSERT_EQ(tensors.size(), 2u);
  EXPECT_EQ(tensors[0].name, "j");
  EXPECT_EQ(tensors[0].datatype, "INT64");
  EXPECT_EQ(tensors[1].name, "y");
  request.outputs = {"y", "nope"};
  EXPECT_EQ(http_error([&] { encode_outputs(pipeline_, codecs_, result, request); }),
            "400: unknown output 'nope' (model 'model' has outputs: y, s, j, m)");
}

// --- make_infer_response ------------------------------------------------------------------------

TEST_F(ProtocolTest, JsonResponseEchoesIdAndModel) {
  Result result = full_result({Value(std::int64_t{5})});
  const auto tensors = encode_outputs(pipeline_, codecs_, result, InferRequest{});
  const HttpBody body = make_infer_response("model", "req-7", tensors, InferRequest{});
  EXPECT_EQ(body.content_type, "application/json");
  EXPECT_FALSE(body.header_length.has_value());
  const json parsed = json::parse(body.content);
  EXPECT_EQ(parsed["model_name"], "model");
  EXPECT_EQ(parsed["id"], "req-7");
  ASSERT_EQ(parsed["outputs"].size(), 4u);
  EXPECT_EQ(parsed["outputs"][0],
            (json{{"name", "y"}, {"datatype", "INT64"}, {"shape", {1, 1}}, {"data", {5}}}));
  EXPECT_EQ(parsed["outputs"][2]["shape"], json::array({2})) << "JSON [1, 2]: metadata [-1]";
  const std::string png = base64_decode(parsed["outputs"][3]["data"][0].get<std::string>());
  EXPECT_EQ(png.substr(1, 3), "PNG");  // images are base64 in JSON responses
  const json no_id = json::parse(make_infer_response("model", "", tensors, {}).content);
  EXPECT_FALSE(no_id.contains("id"));
}

TEST_F(ProtocolTest, BinaryResponseRoundTrip) {
  const cv::Mat image = test_image();
  Result result = result_of({{"y", {Value(std::int64_t{-3}), Value(std::int64_t{4})}},
                             {"s", {Value(std::string("text"))}},
                             {"j", {Value(json::array({1.5}))}},
                             {"m", {Value(image)}}});
  InferRequest request = parse(
      R"({"inputs": [], "parameters": {"binary_data_output": true},
          "outputs": [{"name": "m"}, {"name": "y"}, {"name": "s",
                       "parameters": {"binary_data": false}}]})");
  const auto tensors = encode_outputs(pipeline_, codecs_, result, request);
  const HttpBody body = make_infer_response("model", "b", tensors, request);
  ASSERT_TRUE(body.header_length.has_value());
  EXPECT_EQ(body.content_type, "application/octet-stream");
  const json header = json::parse(body.content.substr(0, *body.header_length));
  const auto& outputs = header["outputs"];
  ASSERT_EQ(outputs.size(), 3u);
  const std::size_t image_size = outputs[0]["parameters"]["binary_data_size"].get<std::size_t>();
  EXPECT_FALSE(outputs[0].contains("data"));
  EXPECT_EQ(outputs[1]["parameters"]["binary_data_size"], 16);
  EXPECT_EQ(outputs[1]["shape"], json::array({2, 1}));
  EXPECT_EQ(outputs[2]["data"], json::array({"text"}));
  ASSERT_EQ(body.content.size(), *body.header_length + image_size + 16);
  const std::string_view blobs = std::string_view(body.content).substr(*body.header_length);
  const auto elements =
      tensor_from_raw("BYTES", {1}, blobs.substr(0, image_size), nullptr).strings();
  ASSERT_EQ(elements.size(), 1u);
  const std::vector<uchar> png(elements[0].begin(), elements[0].end());
  EXPECT_TRUE(same_pixels(cv::imdecode(png, cv::IMREAD_COLOR), image));
  std::int64_t ints[2];
  std::memcpy(ints, blobs.data() + image_size, 16);
  EXPECT_EQ(ints[0], -3);
  EXPECT_EQ(ints[1], 4);
}

// --- model_metadata and missing_codecs ----------------------------------------------------------

TEST_F(ProtocolTest, ModelMetadataFromPortsAndCodecs) {
  const json metadata = model_metadata(pipeline_, codecs_);
  EXPECT_EQ(metadata["name"], "model");
  EXPECT_EQ(metadata["versions"], json::array({"1"}));
  EXPECT_EQ(metadata["platform"], "cellflow");
  // -1: the batch dimension (Triton's convention); JSON values take any shape and do not batch.
  EXPECT_EQ(metadata["inputs"],
            json::parse(R"([{"name": "x", "datatype": "INT64", "shape": [-1, 1]},
                            {"name": "img", "datatype": "BYTES", "shape": [-1, 1]}])"));
  EXPECT_EQ(metadata["outputs"],
            json::parse(R"([{"name": "y", "datatype": "INT64", "shape": [-1, 1]},
                            {"name": "s", "datatype": "BYTES", "shape": [-1, 1]},
                            {"name": "j", "datatype": "BYTES", "shape": [-1]},
                            {"name": "m", "datatype": "BYTES", "shape": [-1, 1]}])"));
  EXPECT_TRUE(missing_codecs(pipeline_, codecs_).empty());
}

TEST(MissingCodecs, NamesPortAndType) {
  Pipeline pipeline{"points"};
  auto& cell = pipeline.add<PointCell>("p");
  pipeline.expose(cell.in, "pt");
  pipeline.expose(cell.out, "f");
  const auto problems = missing_codecs(pipeline, CodecRegistry::defaults());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].first, "input 'pt'");
  EXPECT_NE(problems[0].second.find("Point"), std::string::npos) << problems[0].second;
  EXPECT_EQ(missing_codecs(pipeline, CodecRegistry()).size(), 2u);
}

}  // namespace
}  // namespace cellflow::server
