// JsonConverter: how `cellflow run` prints output values of each C++ type.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "cellflow/server/json_converter.hpp"

namespace cellflow::server {
namespace {

struct Opaque {
  int x = 0;
};

nlohmann::json convert(const Value& value) { return JsonConverter::with_defaults().to_json(value); }

TEST(JsonConverter, Defaults_IntegersOfEveryWidthAreNumbers) {
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

TEST(JsonConverter, Defaults_FloatingPointBoolStringAndJson) {
  EXPECT_EQ(convert(Value(0.5)).dump(), "0.5");
  EXPECT_EQ(convert(Value(0.25f)).dump(), "0.25");
  EXPECT_EQ(convert(Value(1.5L)).dump(), "1.5");
  EXPECT_EQ(convert(Value(true)).dump(), "true");
  EXPECT_EQ(convert(Value(std::string("a\"b"))).dump(), R"("a\"b")");
  EXPECT_EQ(convert(Value(nlohmann::json{{"k", {1, 2}}})).dump(), R"({"k":[1,2]})");
}

TEST(JsonConverter, Defaults_PlainCharIsAOneCharacterString) {
  EXPECT_EQ(convert(Value('a')).dump(), R"("a")");
  EXPECT_EQ(convert(Value(std::vector<char>{'h', 'i'})).dump(), R"(["h","i"])");
}

TEST(JsonConverter, Defaults_VectorsBecomeArrays) {
  EXPECT_EQ(convert(Value(std::vector<int>{1, 2, 3})).dump(), "[1,2,3]");
  EXPECT_EQ(convert(Value(std::vector<std::uint8_t>{0, 255})).dump(), "[0,255]");
  EXPECT_EQ(convert(Value(std::vector<double>{0.5})).dump(), "[0.5]");
  EXPECT_EQ(convert(Value(std::vector<bool>{true, false})).dump(), "[true,false]");
  EXPECT_EQ(convert(Value(std::vector<std::string>{"x", "y"})).dump(), R"(["x","y"])");
  EXPECT_EQ(convert(Value(std::vector<nlohmann::json>{1, "z"})).dump(), R"([1,"z"])");
  EXPECT_EQ(convert(Value(std::vector<int>{})).dump(), "[]");
}

TEST(JsonConverter, UnknownType_PrintsTypeNameInAngleBrackets) {
  const nlohmann::json printed = convert(Value(Opaque{3}));
  ASSERT_TRUE(printed.is_string());
  EXPECT_EQ(printed.get<std::string>(), "<" + type_name(typeid(Opaque)) + ">");
  EXPECT_NE(printed.get<std::string>().find("Opaque"), std::string::npos);
  EXPECT_EQ(convert(Value(std::vector<Opaque>{})).get<std::string>(),
            "<" + type_name(typeid(std::vector<Opaque>)) + ">");
}

TEST(JsonConverter, EmptyConverter_KnowsNoType) {
  const JsonConverter empty;
  EXPECT_FALSE(empty.contains(typeid(int)));
  EXPECT_EQ(empty.to_json(Value(1)).get<std::string>(), "<" + type_name(typeid(int)) + ">");
}

TEST(JsonConverter, EmptyValue_IsNull) { EXPECT_TRUE(convert(Value()).is_null()); }

TEST(JsonConverter, Add_RegistersAUserType) {
  auto converter = JsonConverter::with_defaults();
  EXPECT_FALSE(converter.contains(typeid(Opaque)));
  converter.add<Opaque>([](const Opaque& o) { return nlohmann::json{{"x", o.x}}; });
  EXPECT_TRUE(converter.contains(typeid(Opaque)));
  EXPECT_EQ(converter.to_json(Value(Opaque{9})).dump(), R"({"x":9})");
}

TEST(JsonConverter, Add_ReplacesABuiltInConverter) {
  auto converter = JsonConverter::with_defaults();
  converter.add<int>([](int v) { return nlohmann::json("int " + std::to_string(v)); });
  EXPECT_EQ(converter.to_json(Value(4)).dump(), R"("int 4")");
  EXPECT_EQ(converter.to_json(Value(4L)).dump(), "4");
}

}  // namespace
}  // namespace cellflow::server
