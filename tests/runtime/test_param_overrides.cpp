// "cell.param=value" overrides (CLI --set) change a config's params before it is loaded.
#include <gtest/gtest.h>

#include <fstream>

#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"
#include "support/helpers.hpp"

namespace cellflow::testing {
namespace {

json counter_config() {
  return json::parse(R"({
    "name": "p",
    "cells": [
      {"name": "src", "type": "Counter", "params": {"count": 3}},
      {"name": "stage", "pipeline": {
        "name": "stage",
        "cells": [{"name": "rep", "type": "Repeat", "params": {"times": 1}}],
        "inputs": {"in": "rep.in"}, "outputs": {"out": "rep.out"}}}
    ],
    "connections": [["src.out", "stage.in"]],
    "outputs": {"y": "stage.out"}
  })");
}

TEST(ParamOverrides, TopLevelAndNestedCellsTakeTheNewValues) {
  json config = counter_config();
  apply_param_overrides(config, {"src.count=2", "stage/rep.times=3"}, cells::builtin_registry());
  auto p = load_pipeline(config, cells::builtin_registry());
  EXPECT_EQ(run_collect<json>(*p, "y"),
            (std::vector<json>{0, 0, 0, 1, 1, 1}));  // 2 items, each repeated 3 times
}

TEST(ParamOverrides, ValuesThatAreNotJsonAreStrings) {
  json config = counter_config();
  config["cells"][0]["type"] = "MyOwnCell";  // not registered: values are not checked here
  apply_param_overrides(config, {"src.label=/data/x.jpg", "src.list=[1,2]", "src.flag=true"},
                        cells::builtin_registry());
  const json& params = config["cells"][0]["params"];
  EXPECT_EQ(params["label"], "/data/x.jpg");
  EXPECT_EQ(params["list"], json::array({1, 2}));
  EXPECT_EQ(params["flag"], true);
}

TEST(ParamOverrides, AStringParamTakesTheTextEvenWhenItIsANumber) {
  json config = json::parse(R"({"name": "p", "cells": [
      {"name": "src", "type": "Counter", "params": {"count": 1}},
      {"name": "check", "type": "Fail", "params": {"on": [0]}}],
    "connections": [["src.out", "check.in"]], "outputs": {"y": "check.out"}})");
  apply_param_overrides(config, {"check.message=0", "check.on=[7]", "src.count=2"},
                        cells::builtin_registry());
  const json& check = config["cells"][1]["params"];
  EXPECT_EQ(check["message"], "0") << "Fail.message is a string param";
  EXPECT_EQ(check["on"], json::array({7})) << "Fail.on is JSON";
  EXPECT_EQ(config["cells"][0]["params"]["count"], 2) << "Counter.count is an integer";
  EXPECT_NO_THROW(load_pipeline(config, cells::builtin_registry()));
}

// A bad value or an unknown param given by --set is blamed on the --set, not on the config file
// it went into.
TEST(ParamOverrides, ABadValueIsBlamedOnTheSetThatGaveIt) {
  const std::string path = ::testing::TempDir() + "overrides.json";
  std::ofstream(path) << counter_config().dump();
  const auto problems = problems_of([&] {
    load_pipeline_file(path, cells::builtin_registry(), {"src.count=abc", "src.cuont=3"});
  });
  ASSERT_EQ(problems.size(), 2u) << join_lines(problems);
  EXPECT_TRUE(problems[0].starts_with("--set src.count=abc: expected ")) << problems[0];
  EXPECT_TRUE(
      contains_all(problems[1], {"--set src.cuont=3: unknown parameter", "did you mean 'count'?"}))
      << problems[1];
  EXPECT_NO_THROW(load_pipeline_file(path, cells::builtin_registry(), {"src.count=4"}));
}

TEST(ParamOverrides, EveryBadEntryIsListedWithTheValidCells) {
  json config = counter_config();
  const auto problems = problems_of([&] {
    apply_param_overrides(config, {"nosuch.count=1", "src=1", "stage.times=2"},
                          cells::builtin_registry());
  });
  ASSERT_EQ(problems.size(), 3U) << join_lines(problems);
  EXPECT_TRUE(contains_all(problems[0], {"nosuch", "src, stage, stage/rep"}));
  EXPECT_TRUE(contains_all(problems[1], {"src=1", "cell.param=value"}));
  EXPECT_TRUE(contains_all(problems[2], {"no cell 'stage'"}));  // a pipeline has no params
}

}  // namespace
}  // namespace cellflow::testing
