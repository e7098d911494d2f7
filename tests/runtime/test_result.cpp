// Reading a Result: the wrong type names the output and both types, numbers convert where they
// fit, and string literals feed std::string inputs (issue 24, item 5).
#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "cellflow/cellflow.hpp"

namespace cellflow::testing {
namespace {

Result result_of(std::vector<Value> y) { return Result(ItemInfo{}, {{"y", std::move(y)}}); }

template <class T>
std::string error_of(const Result& result, std::size_t index = 0) {
  try {
    (void)result.get<T>("y", index);
  } catch (const Error& e) {
    return e.what();
  }
  return "no cellflow::Error";
}

TEST(Result, AWrongTypeNamesTheOutputWhatItHoldsAndWhatWasAsked) {
  const Result r = result_of({Value(nlohmann::json("hi")), Value(std::string("a"))});
  EXPECT_EQ(error_of<int>(r), "output 'y' holds nlohmann::json \"hi\", not int");
  EXPECT_EQ(error_of<std::string>(r), "output 'y' holds nlohmann::json \"hi\", not std::string");
  EXPECT_EQ(error_of<double>(r, 1), "output 'y' value 1 holds std::string, not double");
  EXPECT_EQ(error_of<bool>(result_of({Value(1)})), "output 'y' holds int, not bool");
  EXPECT_EQ(error_of<int>(result_of({Value(true)})), "output 'y' holds bool, not int");
  Result moved = result_of({Value(std::string("a"))});
  EXPECT_THROW((void)moved.take<std::vector<int>>("y"), Error);
  EXPECT_EQ(moved.take<std::string>("y"), "a") << "a failed take leaves the value in place";
}

TEST(Result, NumbersConvertWhereTheyFit) {
  const Result r =
      result_of({Value(std::int64_t{42}), Value(nlohmann::json(7)), Value(nlohmann::json(2.0)),
                 Value(nlohmann::json(true)), Value(std::int64_t{5'000'000'000}),
                 Value(nlohmann::json(2.5)), Value(-1)});
  EXPECT_EQ(r.get<int>("y"), 42);
  EXPECT_EQ(r.get<int>("y", 1), 7);
  EXPECT_EQ(r.get<double>("y", 1), 7.0);
  EXPECT_EQ(r.get<std::int64_t>("y", 2), 2);
  EXPECT_TRUE(r.get<bool>("y", 3));
  EXPECT_EQ(r.get<double>("y", 4), 5e9);
  EXPECT_EQ(r.get<float>("y", 5), 2.5f);
  EXPECT_EQ(error_of<int>(r, 4),
            "output 'y' value 4 holds long 5000000000, which does not fit in int");
  EXPECT_EQ(error_of<int>(r, 5),
            "output 'y' value 5 holds nlohmann::json 2.5, which does not fit in int");
  EXPECT_EQ(error_of<unsigned>(r, 6),
            "output 'y' value 6 holds int -1, which does not fit in unsigned int");
  EXPECT_EQ(result_of({Value(std::int64_t{3})}).take<int>("y"), 3);
}

class Echo final : public Cell {
 public:
  Input<std::string> in{*this, "in"};
  Output<std::string> out{*this, "out"};
  void process(Context& ctx) override { ctx.emit(out, ctx.get(in) + "!"); }
};

TEST(Result, AStringLiteralFeedsAStdStringInput) {
  Pipeline p{"p"};
  auto& echo = p.add<Echo>("echo");
  p.expose(echo.in, "text");
  p.expose(echo.out, "loud");
  p.start();
  EXPECT_EQ(p.submit({{"text", "hi"}}).get().get<std::string>("loud"), "hi!");
  EXPECT_TRUE(Value("hi").holds<std::string>());
}

}  // namespace
}  // namespace cellflow::testing
