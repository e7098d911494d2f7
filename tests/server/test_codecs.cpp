// Codecs: every default codec's metadata, decode (JSON and binary forms) and encode, and the
// exact messages for wrong datatypes, element types, ranges and shape/data mismatches. Images are
// real PNG/JPEG files made with cv::imencode.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <vector>

#include "cellflow/codecs/codec.hpp"
#include "cellflow/codecs/raw_form.hpp"
#include "cellflow/codecs/tensor_json.hpp"

namespace cellflow {
namespace {

using nlohmann::json;

const CodecRegistry& registry() {
  static const CodecRegistry codecs = CodecRegistry::defaults();
  return codecs;
}

template <class T>
const Codec& codec() {
  const Codec* found = registry().find(typeid(T));
  if (found == nullptr) throw std::logic_error("no codec for " + type_name<T>());
  return *found;
}

// A tensor as a transport builds it (from JSON "data" or from raw bytes), built when used, so
// that what the layer refuses while building it counts as the decode error the client sees.
struct Wire {
  std::string datatype;
  std::vector<std::int64_t> shape;
  json data;
  std::string raw;
  bool is_raw = false;
  operator Tensor() const {  // NOLINT: implicit, to read like a tensor at call sites
    if (is_raw) {
      auto owned = std::make_shared<std::string>(raw);
      return tensor_from_raw(datatype, shape, *owned, owned);
    }
    return tensor_from_json(datatype, shape, data);
  }
};

Wire json_tensor(std::string datatype, std::vector<std::int64_t> shape, json data) {
  return {std::move(datatype), std::move(shape), std::move(data), {}, false};
}

Wire binary_tensor(std::string datatype, std::vector<std::int64_t> shape, std::string bytes) {
  return {std::move(datatype), std::move(shape), {}, std::move(bytes), true};
}

template <class T>
std::string raw_bytes(const std::vector<T>& values) {
  if constexpr (std::is_same_v<T, bool>) {
    std::string out;
    for (const bool value : values) out += value ? '\1' : '\0';
    return out;
  } else {
    return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
  }
}

std::string bytes_blob(const std::vector<std::string>& elements) {
  std::string blob;
  append_raw(blob, Tensor::strings({static_cast<std::int64_t>(elements.size())}, elements));
  return blob;
}

// The message of the std::invalid_argument that decoding `tensor` with T's codec throws.
template <class T>
std::string decode_error(const Wire& wire) {
  try {
    codec<T>().decode(wire);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "<no error>";
}

cv::Mat test_image(int rows, int cols) {
  cv::Mat image(rows, cols, CV_8UC3);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c)
      image.at<cv::Vec3b>(r, c) = cv::Vec3b(static_cast<uchar>(r * 7), static_cast<uchar>(c * 5),
                                            static_cast<uchar>((r + c) * 3));
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

// --- Scalars ------------------------------------------------------------------------------------

template <class T>
class ScalarCodecTest : public ::testing::Test {};
using ScalarTypes = ::testing::Types<bool, std::int8_t, std::uint8_t, std::int16_t, std::uint16_t,
                                     std::int32_t, std::uint32_t, std::int64_t, std::uint64_t,
                                     long long, unsigned long long, float, double>;
TYPED_TEST_SUITE(ScalarCodecTest, ScalarTypes);

TYPED_TEST(ScalarCodecTest, RoundTripsJsonAndBinaryForms) {
  using T = TypeParam;
  const Codec& c = codec<T>();
  EXPECT_EQ(c.shape(), (std::vector<std::int64_t>{1}));
  const T value = std::is_same_v<T, bool> ? T(true) : T(42);
  const Tensor encoded = c.encode(Value(value));
  EXPECT_EQ(encoded.datatype, c.datatype());
  EXPECT_EQ(encoded.shape, (std::vector<std::int64_t>{1}));
  ASSERT_EQ(encoded.size(), 1u);
  EXPECT_EQ(encoded.template number<T>(0), value);
  EXPECT_EQ(encoded.raw(), raw_bytes(std::vector<T>{value}));
  EXPECT_EQ(c.decode(encoded).template get<T>(), value);
  const Tensor binary = binary_tensor(c.datatype(), {1}, raw_bytes(std::vector<T>{value}));
  EXPECT_EQ(c.decode(binary).template get<T>(), value);
}

TYPED_TEST(ScalarCodecTest, WrongDatatypeNamesBoth) {
  const Codec& c = codec<TypeParam>();
  const std::string other = c.datatype() == "FP32" ? "FP64" : "FP32";
  EXPECT_EQ(decode_error<TypeParam>(json_tensor(other, {1}, json::array({1}))),
            "expected datatype " + c.datatype() + ", got " + other);
  EXPECT_EQ(decode_error<TypeParam>(json_tensor("BYTES", {1}, json::array({"1"}))),
            "expected datatype " + c.datatype() + ", got BYTES");
}

TEST(ScalarCodec, DatatypeOfEachType) {
  EXPECT_EQ(codec<bool>().datatype(), "BOOL");
  EXPECT_EQ(codec<std::int8_t>().datatype(), "INT8");
  EXPECT_EQ(codec<std::uint8_t>().datatype(), "UINT8");
  EXPECT_EQ(codec<std::int16_t>().datatype(), "INT16");
  EXPECT_EQ(codec<std::uint16_t>().datatype(), "UINT16");
  EXPECT_EQ(codec<int>().datatype(), "INT32");
  EXPECT_EQ(codec<unsigned>().datatype(), "UINT32");
  EXPECT_EQ(codec<long>().datatype(), "INT64");
  EXPECT_EQ(codec<long long>().datatype(), "INT64");
  EXPECT_EQ(codec<unsigned long>().datatype(), "UINT64");
  EXPECT_EQ(codec<float>().datatype(), "FP32");
  EXPECT_EQ(codec<double>().datatype(), "FP64");
  // A plain char is a character, not a number.
  EXPECT_EQ(codec<char>().datatype(), "BYTES");
  EXPECT_EQ(codec<char>().decode(json_tensor("BYTES", {1}, json::array({"q"}))).get<char>(), 'q');
  EXPECT_EQ(decode_error<char>(json_tensor("BYTES", {1}, json::array({"qq"}))),
            "expected one character, got 2 bytes");
}

TEST(ScalarCodec, RejectsWrongElementTypes) {
  EXPECT_EQ(decode_error<std::int64_t>(json_tensor("INT64", {1}, json::array({"abc"}))),
            "element 0 is \"abc\", not an integer");
  EXPECT_EQ(decode_error<std::int64_t>(json_tensor("INT64", {1}, json::array({1.5}))),
            "element 0 is 1.5, not an integer");
  EXPECT_EQ(decode_error<bool>(json_tensor("BOOL", {1}, json::array({1}))),
            "element 0 is 1, not a boolean");
  EXPECT_EQ(decode_error<double>(json_tensor("FP64", {1}, json::array({"x"}))),
            "element 0 is \"x\", not a number");
  EXPECT_DOUBLE_EQ(codec<double>().decode(json_tensor("FP64", {1}, json::array({3}))).get<double>(),
                   3.0);
}

TEST(ScalarCodec, RejectsValuesOutOfRange) {
  EXPECT_EQ(decode_error<std::uint8_t>(json_tensor("UINT8", {1}, json::array({300}))),
            "element 0 (300) is out of range for UINT8");
  EXPECT_EQ(decode_error<std::uint32_t>(json_tensor("UINT32", {1}, json::array({-1}))),
            "element 0 (-1) is out of range for UINT32");
  EXPECT_EQ(decode_error<std::int8_t>(json_tensor("INT8", {1}, json::array({-129}))),
            "element 0 (-129) is out of range for INT8");
  EXPECT_EQ(
      decode_error<std::int64_t>(json_tensor("INT64", {1}, json::array({18446744073709551615ull}))),
      "element 0 (18446744073709551615) is out of range for INT64");
}

TEST(ScalarCodec, NeedsExactlyOneElement) {
  EXPECT_EQ(decode_error<int>(json_tensor("INT32", {2}, json::array({1, 2}))),
            "expected 1 element (shape [1]), got shape [2]");
  EXPECT_EQ(decode_error<int>(json_tensor("INT32", {1}, json::array({1, 2}))),
            "shape [1] needs 1 element(s), data has 2");
  EXPECT_EQ(decode_error<int>(binary_tensor("INT32", {1}, std::string(3, '\0'))),
            "3 bytes are not a whole number of INT32 elements");
  EXPECT_EQ(codec<int>().decode(json_tensor("INT32", {1, 1}, json::array({7}))).get<int>(), 7);
}

// --- Vectors ------------------------------------------------------------------------------------

TEST(VectorCodec, RoundTripsWithShapeN) {
  const Codec& c = codec<std::vector<float>>();
  EXPECT_EQ(c.datatype(), "FP32");
  EXPECT_EQ(c.shape(), (std::vector<std::int64_t>{-1}));
  const std::vector<float> values{1.5f, -2.0f, 3.25f};
  const Tensor encoded = c.encode(Value(values));
  EXPECT_EQ(encoded.shape, (std::vector<std::int64_t>{3}));
  EXPECT_EQ(c.decode(encoded).get<std::vector<float>>(), values);
  EXPECT_EQ(c.decode(binary_tensor("FP32", {3}, raw_bytes(values))).get<std::vector<float>>(),
            values);
  const std::vector<bool> flags{true, false, true};
  EXPECT_EQ(codec<std::vector<bool>>()
                .decode(binary_tensor("BOOL", {3}, std::string("\1\0\1", 3)))
                .get<std::vector<bool>>(),
            flags);
}

TEST(VectorCodec, AcceptsAnyShapeWithMatchingCount) {
  const auto decoded = codec<std::vector<std::int64_t>>().decode(
      json_tensor("INT64", {1, 3}, json::array({1, 2, 3})));
  EXPECT_EQ(decoded.get<std::vector<std::int64_t>>(), (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_TRUE(codec<std::vector<int>>()
                  .decode(json_tensor("INT32", {0}, json::array()))
                  .get<std::vector<int>>()
                  .empty());
}

TEST(VectorCodec, ShapeDataMismatch) {
  EXPECT_EQ(decode_error<std::vector<std::int64_t>>(json_tensor("INT64", {3}, json::array({1, 2}))),
            "shape [3] needs 3 element(s), data has 2");
  EXPECT_EQ(decode_error<std::vector<std::int64_t>>(
                binary_tensor("INT64", {2, 2}, raw_bytes(std::vector<std::int64_t>{1, 2, 3}))),
            "shape [2,2] needs 4 element(s), the data holds 3");
  EXPECT_EQ(decode_error<std::vector<double>>(json_tensor("FP64", {2}, json::array({1, "a"}))),
            "element 1 is \"a\", not a number");
  EXPECT_EQ(decode_error<std::vector<double>>(json_tensor("FP32", {1}, json::array({1}))),
            "expected datatype FP64, got FP32");
}

// --- Strings ------------------------------------------------------------------------------------

TEST(StringCodec, JsonAndBinaryForms) {
  const Codec& c = codec<std::string>();
  EXPECT_EQ(c.datatype(), "BYTES");
  EXPECT_EQ(c.shape(), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(c.decode(json_tensor("BYTES", {1}, json::array({"hello"}))).get<std::string>(),
            "hello");
  const std::string raw("a\0b\xff", 4);
  EXPECT_EQ(c.decode(binary_tensor("BYTES", {1}, bytes_blob({raw}))).get<std::string>(), raw);
  const Tensor encoded = c.encode(Value(std::string("out")));
  EXPECT_EQ(encoded.datatype, "BYTES");
  EXPECT_EQ(encoded.strings(), (std::vector<std::string_view>{"out"}));
}

TEST(StringCodec, Errors) {
  EXPECT_EQ(decode_error<std::string>(json_tensor("INT64", {1}, json::array({1}))),
            "expected datatype BYTES, got INT64");
  EXPECT_EQ(decode_error<std::string>(json_tensor("BYTES", {1}, json::array({5}))),
            "element 0 is 5, not a string");
  EXPECT_EQ(decode_error<std::string>(json_tensor("BYTES", {2}, json::array({"a", "b"}))),
            "expected 1 element (shape [1]), got shape [2]");
  EXPECT_EQ(decode_error<std::string>(binary_tensor("BYTES", {1}, std::string("\x09\0\0\0ab", 6))),
            "BYTES element 0: length 9 exceeds the 2 remaining bytes");
  EXPECT_EQ(decode_error<std::string>(binary_tensor("BYTES", {1}, bytes_blob({"a", "b"}))),
            "shape [1] needs 1 element(s), the data holds 2");
  EXPECT_EQ(
      decode_error<std::vector<std::string>>(binary_tensor("BYTES", {2}, bytes_blob({"a"}) + "xy")),
      "BYTES element 1: truncated 4-byte length prefix at byte 5");
}

TEST(StringVectorCodec, RoundTrip) {
  const Codec& c = codec<std::vector<std::string>>();
  const std::vector<std::string> words{"a", "", "ccc"};
  const Tensor encoded = c.encode(Value(words));
  EXPECT_EQ(encoded.shape, (std::vector<std::int64_t>{3}));
  EXPECT_EQ(c.decode(encoded).get<std::vector<std::string>>(), words);
  EXPECT_EQ(
      c.decode(binary_tensor("BYTES", {3}, bytes_blob(words))).get<std::vector<std::string>>(),
      words);
}
// --- cv::Mat ------------------------------------------------------------------------------------

TEST(MatCodec, DecodesBinaryPngAndJpeg) {
  const Codec& c = codec<cv::Mat>();
  EXPECT_EQ(c.datatype(), "BYTES");
  EXPECT_EQ(c.shape(), (std::vector<std::int64_t>{1}));
  const cv::Mat image = test_image(12, 20);
  const cv::Mat png =
      c.decode(binary_tensor("BYTES", {1}, bytes_blob({encode_image(image, ".png")})))
          .get<cv::Mat>();
  EXPECT_TRUE(same_pixels(png, image));
  const cv::Mat jpeg =
      c.decode(binary_tensor("BYTES", {1}, bytes_blob({encode_image(image, ".jpg")})))
          .get<cv::Mat>();
  EXPECT_EQ(jpeg.size(), image.size());
  EXPECT_EQ(jpeg.type(), CV_8UC3);
  EXPECT_LT(cv::norm(jpeg, image, cv::NORM_L1) / static_cast<double>(image.total() * 3), 10.0);
}

// Base64 is decoded once, at the REST edge (parameters.content_type "base64"): the codec sees
// the file's bytes, and a base64 string that reached it says how to send an image in JSON.
TEST(MatCodec, Base64TextIsNotAnImage) {
  const std::string b64 = base64_encode(encode_image(test_image(5, 7), ".png"));
  EXPECT_EQ(decode_error<cv::Mat>(json_tensor("BYTES", {1}, json::array({b64}))),
            "cannot decode image (" + std::to_string(b64.size()) +
                " bytes): this looks like base64 text; in a JSON request send an image's base64 "
                "with parameters.content_type \"base64\"");
}

TEST(MatCodec, UndecodableImages) {
  EXPECT_EQ(decode_error<cv::Mat>(binary_tensor("BYTES", {1}, bytes_blob({"not an image"}))),
            "cannot decode image (12 bytes): not a JPEG, PNG or other format OpenCV reads");
  std::string truncated = encode_image(test_image(8, 8), ".png").substr(0, 30);
  EXPECT_EQ(decode_error<cv::Mat>(binary_tensor("BYTES", {1}, bytes_blob({truncated})))
                .rfind("cannot decode image (30 bytes)", 0),
            0u);
  EXPECT_EQ(decode_error<cv::Mat>(json_tensor("BYTES", {1}, json::array({"%%%"}))),
            "cannot decode image (3 bytes): not a JPEG, PNG or other format OpenCV reads");
  EXPECT_EQ(decode_error<cv::Mat>(json_tensor("BYTES", {2}, json::array({"a", "b"}))),
            "expected 1 encoded image (shape [1]), got shape [2]");
  EXPECT_EQ(decode_error<cv::Mat>(json_tensor("FP32", {1}, json::array({1.0}))),
            "expected datatype BYTES (an encoded image) or UINT8 (HxWxC pixels), got FP32");
}

TEST(MatCodec, DecodesUint8Pixels) {
  const cv::Mat image = test_image(3, 4);
  const std::string pixels(reinterpret_cast<const char*>(image.data), image.total() * 3);
  const cv::Mat from_binary =
      codec<cv::Mat>().decode(binary_tensor("UINT8", {3, 4, 3}, pixels)).get<cv::Mat>();
  EXPECT_TRUE(same_pixels(from_binary, image));
  json data = json::array();
  for (const char byte : pixels) data.push_back(static_cast<unsigned char>(byte));
  const cv::Mat from_json =
      codec<cv::Mat>().decode(json_tensor("UINT8", {3, 4, 3}, data)).get<cv::Mat>();
  EXPECT_TRUE(same_pixels(from_json, image));
  const cv::Mat gray = codec<cv::Mat>()
                           .decode(json_tensor("UINT8", {2, 2}, json::array({1, 2, 3, 4})))
                           .get<cv::Mat>();
  EXPECT_EQ(gray.type(), CV_8UC1);
  EXPECT_EQ(gray.at<uchar>(1, 0), 3);
}

TEST(MatCodec, Uint8ShapeErrors) {
  EXPECT_EQ(decode_error<cv::Mat>(binary_tensor("UINT8", {2, 2, 4}, std::string(16, '\0'))),
            "a UINT8 image needs shape [H, W, C] with C 1 or 3, got [2,2,4]");
  EXPECT_EQ(decode_error<cv::Mat>(binary_tensor("UINT8", {4}, std::string(4, '\0'))),
            "a UINT8 image needs shape [H, W, C] with C 1 or 3, got [4]");
  EXPECT_EQ(decode_error<cv::Mat>(binary_tensor("UINT8", {2, 2, 3}, std::string(11, '\0'))),
            "shape [2,2,3] needs 12 element(s), the data holds 11");
  EXPECT_EQ(decode_error<cv::Mat>(json_tensor("UINT8", {1, 1, 1}, json::array({256}))),
            "element 0 (256) is out of range for UINT8");
  EXPECT_EQ(decode_error<cv::Mat>(binary_tensor("UINT8", {0, 2, 3}, "")),
            "a UINT8 image needs H and W > 0, got shape [0,2,3]");
}

TEST(MatCodec, EncodesPng) {
  const cv::Mat image = test_image(9, 6);
  const Tensor encoded = codec<cv::Mat>().encode(Value(image));
  EXPECT_EQ(encoded.datatype, "BYTES");
  EXPECT_EQ(encoded.shape, (std::vector<std::int64_t>{1}));
  const auto& elements = encoded.strings();
  ASSERT_EQ(elements.size(), 1u);
  EXPECT_EQ(elements[0].substr(1, 3), "PNG");
  EXPECT_TRUE(same_pixels(codec<cv::Mat>().decode(encoded).get<cv::Mat>(), image));
  try {
    codec<cv::Mat>().encode(Value(cv::Mat()));
    ADD_FAILURE() << "an empty image encoded";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "cannot encode an empty image");
  }
}

// --- nlohmann::json -----------------------------------------------------------------------------

TEST(JsonCodec, InputReceivesShapedData) {
  const Codec& c = codec<json>();
  EXPECT_EQ(c.datatype(), "BYTES");
  EXPECT_EQ(c.shape(), (std::vector<std::int64_t>{-1}));
  // Shape [1] (or []) is the element itself, as an Input<int64_t> would receive it.
  EXPECT_EQ(c.decode(json_tensor("FP32", {1}, json::array({2.5}))).get<json>(), json(2.5));
  EXPECT_EQ(c.decode(json_tensor("INT64", {}, json::array({13}))).get<json>(), json(13));
  EXPECT_EQ(c.decode(json_tensor("BYTES", {2}, json::array({"a", "b"}))).get<json>(),
            json::array({"a", "b"}));
  EXPECT_EQ(c.decode(binary_tensor("INT32", {2}, raw_bytes(std::vector<std::int32_t>{7, -8})))
                .get<json>(),
            json::array({7, -8}));
  EXPECT_EQ(c.decode(binary_tensor("BYTES", {1}, bytes_blob({"txt"}))).get<json>(), json("txt"));
  // Multi-dimensional shapes are nested arrays, row-major.
  EXPECT_EQ(c.decode(json_tensor("INT64", {2, 3}, json::array({1, 2, 3, 4, 5, 6}))).get<json>(),
            json::parse("[[1,2,3],[4,5,6]]"));
  EXPECT_EQ(c.decode(json_tensor("INT64", {1, 1}, json::array({9}))).get<json>(),
            json::parse("[[9]]"));
  EXPECT_EQ(c.decode(json_tensor("INT64", {0}, json::array())).get<json>(), json::array());
  EXPECT_EQ(decode_error<json>(json_tensor("INT64", {3}, json::array({1, 2}))),
            "shape [3] needs 3 element(s), data has 2");
}

TEST(JsonCodec, DataMustAgreeWithTheDatatype) {
  EXPECT_EQ(decode_error<json>(json_tensor("INT64", {1}, json::array({"a"}))),
            "element 0 is \"a\", not an integer");
  EXPECT_EQ(decode_error<json>(json_tensor("FP32", {2}, json::array({1.5, true}))),
            "element 1 is true, not a number");
  EXPECT_EQ(decode_error<json>(json_tensor("BOOL", {1}, json::array({1}))),
            "element 0 is 1, not a boolean");
  EXPECT_EQ(decode_error<json>(json_tensor("BYTES", {1}, json::array({5}))),
            "element 0 is 5, not a string");
  EXPECT_EQ(decode_error<json>(json_tensor("UINT8", {1}, json::array({300}))),
            "element 0 (300) is out of range for UINT8");
}

TEST(JsonCodec, NumberArraysBecomeInt64OrFp64) {
  const Codec& c = codec<json>();
  const Tensor ints = c.encode(Value(json::array({1, -2, 3})));
  EXPECT_EQ(ints.datatype, "INT64");
  EXPECT_EQ(ints.shape, (std::vector<std::int64_t>{3}));
  EXPECT_EQ(tensor_to_json(ints), json::array({1, -2, 3}));
  const Tensor reals = c.encode(Value(json::array({1, 2.5})));
  EXPECT_EQ(reals.datatype, "FP64");
  EXPECT_EQ(reals.shape, (std::vector<std::int64_t>{2}));
  EXPECT_EQ(tensor_to_json(reals), json::array({1.0, 2.5}));
  EXPECT_EQ(c.encode(Value(json::array({18446744073709551615ull}))).datatype, "FP64");
  // A single number comes back as it came in: shape [1].
  const Tensor single = c.encode(Value(json(13)));
  EXPECT_EQ(single.datatype, "INT64");
  EXPECT_EQ(single.shape, (std::vector<std::int64_t>{1}));
  EXPECT_EQ(tensor_to_json(single), json::array({13}));
  EXPECT_EQ(c.encode(Value(json(0.5))).datatype, "FP64");
  const Tensor empty = c.encode(Value(json::array()));
  EXPECT_EQ(empty.datatype, "INT64");
  EXPECT_EQ(empty.shape, (std::vector<std::int64_t>{0}));
}

TEST(JsonCodec, AnythingElseIsJsonText) {
  const Codec& c = codec<json>();
  for (const json& value : {json{{"a", 1}}, json("s"), json(true), json::array({1, "x"}),
                            json::array({true, false}), json(nullptr)}) {
    const Tensor encoded = c.encode(Value(value));
    EXPECT_EQ(encoded.datatype, "BYTES") << value;
    EXPECT_EQ(encoded.shape, (std::vector<std::int64_t>{1})) << value;
    EXPECT_EQ(tensor_to_json(encoded), json::array({value.dump()})) << value;
  }
}

// --- Registry and text encodings ----------------------------------------------------------------

struct Point {
  int x = 0;
};

class PointCodec final : public Codec {
 public:
  std::string datatype() const override { return "INT32"; }
  std::vector<std::int64_t> shape() const override { return {1}; }
  Value decode(const Tensor& tensor) const override {
    expect_datatype(tensor.datatype, "INT32");
    return Point{tensor.number<std::int32_t>(0)};
  }
  Tensor encode(const Value& value) const override {
    return Tensor::scalar<std::int32_t>(value.get<Point>().x);
  }
};

TEST(CodecRegistry, UserCodecsAddAndReplace) {
  CodecRegistry codecs = CodecRegistry::defaults();
  EXPECT_EQ(codecs.find(typeid(Point)), nullptr);
  auto point = std::make_shared<PointCodec>();
  codecs.add<Point>(point);
  EXPECT_EQ(codecs.find(typeid(Point)), point.get());
  auto replacement = std::make_shared<PointCodec>();
  codecs.add<int>(replacement);
  EXPECT_EQ(codecs.find(typeid(int)), replacement.get());
  EXPECT_NE(codecs.find(typeid(long)), nullptr);
  EXPECT_EQ(CodecRegistry().find(typeid(int)), nullptr);
}

TEST(TextEncoding, Base64RoundTripsAndRejects) {
  for (const std::string text : {"", "f", "fo", "foo", "foob", "fooba", "foobar"})
    EXPECT_EQ(base64_decode(base64_encode(text)), text);
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_decode("Zm8"), "fo");
  EXPECT_THROW(base64_decode("Z"), std::invalid_argument);
  EXPECT_TRUE(is_valid_utf8("h\xc3\xa9llo"));
  EXPECT_FALSE(is_valid_utf8("\x89PNG"));
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));  // a surrogate
  EXPECT_FALSE(is_valid_utf8("\xc3"));          // truncated
}

}  // namespace
}  // namespace cellflow
