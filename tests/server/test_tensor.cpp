// Tensor: the one form every transport shares. Construction checks the element count against
// the shape; views share their owner's bytes without copying them; a cv::Mat decoded from UINT8
// pixels views the tensor's bytes and keeps them alive after the tensor (and the request) are
// gone.
#include <gtest/gtest.h>

#include <memory>
#include <opencv2/core.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "cellflow/codecs/codec.hpp"
#include "cellflow/codecs/raw_form.hpp"
#include "cellflow/codecs/tensor_json.hpp"

namespace cellflow {
namespace {

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(Tensor, NumbersKnowTheirDatatypeAndElements) {
  const Tensor t = Tensor::numbers<float>({2}, std::vector<float>{0.5f, 1.5f});
  EXPECT_EQ(t.datatype, "FP32");
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t.number<float>(1), 1.5f);
  EXPECT_EQ(t.to_vector<float>(), (std::vector<float>{0.5f, 1.5f}));
  EXPECT_EQ(error_of([&] { t.to_vector<double>(); }), "expected datatype FP64, got FP32");
  EXPECT_EQ(Tensor::numbers<bool>({3}, std::vector<bool>{true, false, true}).raw(),
            std::string("\1\0\1", 3));
}

TEST(Tensor, ConstructionChecksTheShape) {
  EXPECT_EQ(error_of([] { Tensor::from_bytes("INT32", {2}, std::string(4, '\0')); }),
            "shape [2] needs 2 element(s), the data holds 1");
  EXPECT_EQ(error_of([] { Tensor::from_bytes("INT32", {1}, std::string(5, '\0')); }),
            "5 bytes are not a whole number of INT32 elements");
  EXPECT_EQ(
      error_of([] { Tensor::from_bytes("INT3", {1}, ""); }),
      "unknown datatype 'INT3' (BOOL, UINT8..UINT64, INT8..INT64, FP16, FP32, FP64 or BYTES)");
  EXPECT_EQ(error_of([] {
              Tensor::strings({2, 2}, {"a"});
            }),
            "shape [2,2] needs 4 element(s), the data holds 1");
  EXPECT_EQ(error_of([] { Tensor::from_bytes("INT8", {-1}, ""); }),
            "shape [-1] has a negative dimension");
}

TEST(Tensor, ViewsAndCopiesShareTheBytes) {
  auto body = std::make_shared<std::string>("header|\x01\x00\x02\x00|tail", 16);
  const std::string_view raw = std::string_view(*body).substr(7, 4);
  const Tensor view = Tensor::view_bytes("UINT16", {2}, raw, body);
  EXPECT_EQ(view.raw().data(), body->data() + 7);
  EXPECT_EQ(view.to_vector<std::uint16_t>(), (std::vector<std::uint16_t>{1, 2}));
  const Tensor copy = view;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_EQ(copy.raw().data(), view.raw().data());
  EXPECT_EQ(body.use_count(), 3);  // the body, the view and its copy
}

TEST(RawForm, BytesElementsAreLengthPrefixedAndViewed) {
  const Tensor words = Tensor::strings({2}, {"ab", ""});
  std::string raw;
  append_raw(raw, words);
  EXPECT_EQ(raw, std::string("\2\0\0\0ab\0\0\0\0", 10));
  EXPECT_EQ(raw_size(words), 10u);
  auto owner = std::make_shared<std::string>(raw);
  const Tensor back = tensor_from_raw("BYTES", {2}, *owner, owner);
  EXPECT_EQ(back.strings()[0], "ab");
  EXPECT_EQ(back.strings()[0].data(), owner->data() + 4);
  EXPECT_EQ(
      error_of([&] { tensor_from_raw("BYTES", {1}, std::string_view(raw).substr(0, 5), owner); }),
      "BYTES element 0: length 2 exceeds the 1 remaining bytes");
}

TEST(TensorJson, ElementsAreCheckedAgainstTheDatatype) {
  EXPECT_EQ(error_of([] { tensor_from_json("INT64", {1}, nlohmann::json::array({"a"})); }),
            "element 0 is \"a\", not an integer");
  EXPECT_EQ(error_of([] { tensor_from_json("FP16", {1}, nlohmann::json::array({1})); }),
            "FP16 has no JSON form: send it in binary");
  const Tensor nested = tensor_from_json("INT8", {2, 2}, nlohmann::json::parse("[[1,2],[3,-4]]"));
  EXPECT_EQ(nested.to_vector<std::int8_t>(), (std::vector<std::int8_t>{1, 2, 3, -4}));
  EXPECT_EQ(tensor_to_json(Tensor::strings({2}, {"text", "\xff\xd8"})),
            nlohmann::json::array({"text", "/9g="}));  // not UTF-8: base64
}

// Zero copy from the request to the cell: the image's pixels are the tensor's bytes, and they
// stay valid after every other holder let go (a request that timed out, say).
TEST(MatView, PixelsAreTheTensorsBytesAndOutliveIt) {
  const CodecRegistry codecs = CodecRegistry::defaults();
  const Codec& codec = *codecs.find(typeid(cv::Mat));
  auto body = std::make_shared<std::string>(2 * 3 * 3, '\0');
  for (std::size_t i = 0; i < body->size(); ++i) (*body)[i] = static_cast<char>(i);
  const char* pixels = body->data();
  std::weak_ptr<std::string> watch = body;
  cv::Mat image;
  {
    const Tensor tensor = Tensor::view_bytes("UINT8", {2, 3, 3}, *body, body);
    image = codec.decode(tensor).get<cv::Mat>();
    body.reset();
  }
  EXPECT_EQ(reinterpret_cast<const char*>(image.data), pixels);  // no copy
  EXPECT_FALSE(watch.expired());                                 // the Mat keeps the body
  EXPECT_EQ(image.at<cv::Vec3b>(1, 2)[2], 17);
  cv::Mat shared = image;  // NOLINT(performance-unnecessary-copy-initialization)
  image.release();
  EXPECT_FALSE(watch.expired());
  EXPECT_EQ(shared.at<cv::Vec3b>(0, 0)[1], 1);
  shared.release();
  EXPECT_TRUE(watch.expired());  // the last Mat released the body
}

}  // namespace
}  // namespace cellflow
