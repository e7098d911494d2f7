// Declarative parameter rules: a value that breaks its Param's rule is a config error naming the
// param, the rule and the value; every problem of a cell comes together; a required param left
// at its empty default is reported too; the rule's text is what tools show.
#include <gtest/gtest.h>

#include "cellflow/cellflow.hpp"
#include "support/helpers.hpp"

namespace cellflow::testing {
namespace {

class Ruled final : public Cell {
 public:
  Input<int> in{*this, "in"};
  Param<int> count{*this, "count", 1, "items", at_least(-1)};
  Param<double> ratio{*this, "ratio", 0.5, "share", between(0, 1)};
  Param<double> step{*this, "step", 1.5, "growth", greater_than(1)};
  Param<std::string> mode{*this, "mode", "fast", "speed", one_of({"fast", "exact"})};
  Param<std::string> target{*this, "target", "", "where to", required("a file name")};
  Param<int> stride{*this, "stride", 8, "step",
                    satisfies<int>([](int v) { return v % 8 == 0; }, "must be a multiple of 8")};
  void process(Context&) override {}
};

std::vector<std::string> problems_with(const nlohmann::json& params) {
  Ruled cell;
  try {
    cell.configure(params);
  } catch (const Error& e) {
    return e.problems();
  }
  return {};
}

TEST(ParamRules, EveryBrokenRuleIsReportedWithTheParamTheRuleAndTheValue) {
  const auto problems =
      problems_with({{"count", -2}, {"ratio", 1.5}, {"step", 1}, {"mode", "slow"}, {"stride", 12}});
  EXPECT_EQ(
      problems,
      (std::vector<std::string>{
          "params.target: required (a file name), got \"\"", "params.count: must be >= -1, got -2",
          "params.mode: must be one of \"fast\", \"exact\", got \"slow\"",
          "params.ratio: must be in [0, 1], got 1.5", "params.step: must be > 1, got 1",
          "params.stride: must be a multiple of 8, got 12"}));
}

TEST(ParamRules, ValuesThatKeepTheRulesAreTaken) {
  EXPECT_TRUE(problems_with({{"count", -1},
                             {"ratio", 1},
                             {"step", 1.01},
                             {"mode", "exact"},
                             {"target", "out.txt"},
                             {"stride", 16}})
                  .empty());
}

TEST(ParamRules, TheRuleTextIsThePublishedConstraint) {
  Ruled cell;
  std::vector<std::string> constraints;
  for (const ParamBase* param : cell.params()) constraints.push_back(param->constraint());
  EXPECT_EQ(constraints,
            (std::vector<std::string>{"must be >= -1", "must be in [0, 1]", "must be > 1",
                                      "must be one of \"fast\", \"exact\"",
                                      "required (a file name)", "must be a multiple of 8"}));
}

}  // namespace
}  // namespace cellflow::testing
