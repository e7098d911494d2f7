// CellRunner: one cell run on given values without writing a pipeline. The builtin cells are
// tested through it: their emitted values, per-item errors, sources, config errors and clones.
#include <gtest/gtest.h>

#include "cellflow/cell_runner.hpp"
#include "cellflow/cells.hpp"
#include "support/helpers.hpp"
#include "support/test_cells.hpp"

namespace cellflow::testing {
namespace {

using nlohmann::json;

std::vector<json> json_values(const Result& r, const std::string& output) {
  std::vector<json> out;
  for (const Value& v : r.values(output)) out.push_back(v.get<json>());
  return out;
}

TEST(CellRunner, RepeatEmitsItsInputTimesOverAndNothingForZero) {
  auto repeat = CellRunner::of<cells::Repeat>({{"times", 3}});
  EXPECT_EQ(json_values(repeat.run({{"in", Value(json("a"))}}), "out"),
            (std::vector<json>{"a", "a", "a"}));
  repeat.pipeline().set_param("cell", "times", 0);
  const Result none = repeat.run({{"in", Value(json("b"))}});
  EXPECT_TRUE(none.ok());
  EXPECT_TRUE(none.values("out").empty());
}

TEST(CellRunner, FailFailsOnlyTheListedValuesWithItsMessage) {
  auto fail = CellRunner::of<cells::Fail>({{"on", {13}}, {"message", "unlucky"}});
  const Result failed = fail.run({{"in", Value(json(13))}});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(describe(failed.error()), "cell 'cell' failed: unlucky");
  EXPECT_EQ(json_values(fail.run({{"in", Value(json(12))}}), "out"), (std::vector<json>{12}));
}

TEST(CellRunner, ASourceRunsToItsEndInOrder) {
  auto counter = CellRunner::of<cells::Counter>({{"count", 4}});
  std::vector<json> got;
  for (const Result& r : counter.run_source()) got.push_back(r.get<json>("out"));
  EXPECT_EQ(got, (std::vector<json>{0, 1, 2, 3}));
  got.clear();
  for (const Result& r : counter.run_source()) got.push_back(r.get<json>("out"));
  EXPECT_EQ(got.size(), 4u) << "a second run starts the source over";
}

TEST(CellRunner, ConfigProblemsThrowFromTheConstructor) {
  const auto problems = problems_of([] {
    CellRunner::of<cells::Repeat>({{"times", -1}, {"x", 1}});
  });
  EXPECT_TRUE(has_problem(problems, {"params.times: must be >= 0, got -1"}));
  EXPECT_TRUE(has_problem(problems, {"params.x: unknown parameter"}));
}

TEST(CellRunner, ClonesKeepTheOrderOfTheItems) {
  auto tap = CellRunner::of<Tap>({{"sleep_us", 200}}, ScaleUp{4});
  for (int i = 0; i < 20; ++i) EXPECT_EQ(tap.run({{"in", i}}).get<int>("out"), i);
  EXPECT_EQ(tap.pipeline().stats().cells.at(0).clones, 4);
}

}  // namespace
}  // namespace cellflow::testing
