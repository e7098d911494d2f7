// CodecRegistry::to_json: how `cellflow run` prints output values of each C++ type, through the
// same codecs that carry them over KServe v2.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "cellflow/codecs/codec.hpp"

namespace cellflow {
namespace {

struct Opaque {
  int x = 0;
};

nlohmann::json convert(const Value& value) { return CodecRegistry::defaults().to_json(value); }

TEST(CodecPrinting, Defaults_IntegersOfEveryWidthAreNumbers) {
  EXPECT_EQ(convert(Value(42)).dump(), "42");
  EXPECT_EQ(convert(Value(std::int8_t{-5})).dump(), "-5");
  EXPECT_EQ(convert(Value(std::uint8_t{200})).dump(), "200");
  EXPECT_EQ(convert(Value(std::int16_t{-300})).dump(), "-300");
  EXPECT_EQ(convert(Value(std::uint32_t{4000000000u})).dump(), "4000000000");
  EXPECT_EQ(convert(Value(std::numeric_limits<std::int64_t>::min())).dump(),
            "-9223372036854775808");
  EXPECT_EQ(convert(Value(std::numeric_limits<std::uint64_t>::max())).dump(),
            "18446744073709551615");
  EXPECT_EQ(convert(Value(7LL)).dump(), "7");
  EXPECT_EQ(convert(Value(7UL)).dump(), "7");
}

TEST(CodecPrinting, Defaults_FloatingPointBoolStringAndJson) {
  EXPECT_EQ(convert(Value(0.5)).dump(), "0.5");
  EXPECT_EQ(convert(Value(0.25f)).dump(), "0.25");
  EXPECT_EQ(convert(Value(true)).dump(), "true");
  EXPECT_EQ(convert(Value(std::string("a\"b"))).dump(), R"("a\"b")");
  EXPECT_EQ(convert(Value(nlohmann::json{{"k", {1, 2}}})).dump(), R"({"k":[1,2]})");
}

TEST(CodecPrinting, Defaults_PlainCharIsAOneCharacterString) {
  EXPECT_EQ(convert(Value('a')).dump(), R"("a")");
  EXPECT_EQ(convert(Value(std::vector<char>{'h', 'i'})).dump(), R"(["h","i"])");
}

TEST(CodecPrinting, Defaults_VectorsBecomeArrays) {
  EXPECT_EQ(convert(Value(std::vector<int>{1, 2, 3})).dump(), "[1,2,3]");
  EXPECT_EQ(convert(Value(std::vector<std::uint8_t>{0, 255})).dump(), "[0,255]");
  EXPECT_EQ(convert(Value(std::vector<double>{0.5})).dump(), "[0.5]");  // one element: still []
  EXPECT_EQ(convert(Value(std::vector<bool>{true, false})).dump(), "[true,false]");
  EXPECT_EQ(convert(Value(std::vector<std::string>{"x", "y"})).dump(), R"(["x","y"])");
  EXPECT_EQ(convert(Value(std::vector<int>{})).dump(), "[]");
}

TEST(CodecPrinting, UnknownType_PrintsTypeNameInAngleBrackets) {
  const nlohmann::json printed = convert(Value(Opaque{3}));
  ASSERT_TRUE(printed.is_string());
  EXPECT_EQ(printed.get<std::string>(), "<" + type_name(typeid(Opaque)) + ">");
  EXPECT_NE(printed.get<std::string>().find("Opaque"), std::string::npos);
  EXPECT_EQ(convert(Value(std::vector<Opaque>{})).get<std::string>(),
            "<" + type_name(typeid(std::vector<Opaque>)) + ">");
}

TEST(CodecPrinting, EmptyRegistry_KnowsNoType) {
  const CodecRegistry empty;
  EXPECT_EQ(empty.find(typeid(int)), nullptr);
  EXPECT_EQ(empty.to_json(Value(1)).get<std::string>(), "<" + type_name(typeid(int)) + ">");
}

TEST(CodecPrinting, EmptyValue_IsNull) { EXPECT_TRUE(convert(Value()).is_null()); }

TEST(CodecPrinting, AnImagePrintsItsSizeNotItsPixels) {
  EXPECT_EQ(convert(Value(cv::Mat(4, 6, CV_8UC3))).dump(),
            R"({"channels":3,"height":4,"width":6})");
}

// A user's codec prints through its tensor by default, or through its own to_json().
class OpaqueCodec final : public Codec {
 public:
  std::string datatype() const override { return "INT32"; }
  std::vector<std::int64_t> shape() const override { return {1}; }
  Value decode(const Tensor& tensor) const override { return Opaque{tensor.number<int>(0)}; }
  Tensor encode(const Value& value) const override {
    return Tensor::scalar<std::int32_t>(value.get<Opaque>().x);
  }
};

class LabelledIntCodec final : public Codec {
 public:
  std::string datatype() const override { return "INT32"; }
  std::vector<std::int64_t> shape() const override { return {1}; }
  Value decode(const Tensor& tensor) const override { return tensor.number<int>(0); }
  Tensor encode(const Value& value) const override { return Tensor::scalar<int>(value.get<int>()); }
  nlohmann::json to_json(const Value& value) const override {
    return "int " + std::to_string(value.get<int>());
  }
};

TEST(CodecPrinting, Add_RegistersAUserType) {
  auto codecs = CodecRegistry::defaults();
  EXPECT_EQ(codecs.find(typeid(Opaque)), nullptr);
  codecs.add<Opaque>(std::make_shared<OpaqueCodec>());
  EXPECT_EQ(codecs.to_json(Value(Opaque{9})).dump(), "9");
}

TEST(CodecPrinting, Add_ReplacesABuiltInCodec) {
  auto codecs = CodecRegistry::defaults();
  codecs.add<int>(std::make_shared<LabelledIntCodec>());
  EXPECT_EQ(codecs.to_json(Value(4)).dump(), R"("int 4")");
  EXPECT_EQ(codecs.to_json(Value(4L)).dump(), "4");
}

}  // namespace
}  // namespace cellflow
