// The structure of a pipeline tree is fixed while it runs (a nested pipeline runs when its
// top-level pipeline does), the top-level pipeline's own name is checked, and config problems
// of cells added in a Pipeline subclass's constructor carry their full path.
#include <gtest/gtest.h>

#include "cellflow/cellflow.hpp"
#include "support/helpers.hpp"
#include "support/test_cells.hpp"

namespace cellflow::testing {
namespace {

TEST(StructureRules, ANestedPipelineOfARunningTreeRunsAndRefusesStructuralChanges) {
  Pipeline p{"top"};
  auto& inner = p.add<Pipeline>("inner");
  auto& a = inner.add<Scale>("a", {}, ScaleUp{1});
  inner.expose(a.in, "x");
  inner.expose(a.out, "y");
  p.expose_input("x", "inner.x");
  p.expose_output("y", "inner.y");
  EXPECT_FALSE(inner.running());
  p.start();
  EXPECT_TRUE(inner.running());
  const auto added = problems_of([&] { inner.add<Scale>("late"); });
  EXPECT_TRUE(has_problem(added, {"inner", "late"}, "running"));
  EXPECT_THROW(inner.connect("a.out", "a.in"), Error);
  EXPECT_THROW(inner.expose_output("late_y", "a.out"), Error);
  EXPECT_EQ(inner.children().size(), 1u);
  p.scale("inner/a", 3);  // the clones are built from what the tree held at start()
  EXPECT_EQ(p.submit({{"x", 21}}).get().get<int>("y"), 42);
  p.stop();
  EXPECT_FALSE(inner.running());
}

TEST(StructureRules, TheTopLevelPipelinesOwnNameIsChecked) {
  for (const std::string name : {"", "a.b", "a/b"}) {
    Pipeline p{name};
    auto& a = p.add<Scale>("a");
    p.expose(a.in, "x");
    p.expose(a.out, "y");
    const auto problems = problems_of([&] { p.validate(); });
    EXPECT_TRUE(has_problem(problems, {"top-level pipeline"}, "empty|must not contain"))
        << "name '" << name << "'";
  }
}

class Stage final : public Pipeline {
 public:
  Stage() : Pipeline("stage") {
    auto& scale = add<Scale>("cell_2", {{"factor", "three"}});
    expose(scale.in, "x");
    expose(scale.out, "y");
  }
};

TEST(StructureRules, ConfigProblemsOfCellsAddedInAConstructorCarryTheFullPath) {
  Pipeline outer{"outer"};
  auto& middle = outer.add<Pipeline>("middle");
  auto& stage = middle.add<Stage>("inner");
  middle.expose(stage.input<int>("x"), "x");
  middle.expose(stage.output<int>("y"), "y");
  outer.expose_input("x", "middle.x");
  outer.expose_output("y", "middle.y");
  const auto problems = problems_of([&] { outer.validate(); });
  EXPECT_TRUE(has_problem(problems, {"cell 'middle/inner/cell_2'", "factor"}))
      << ::testing::PrintToString(problems);
}

// add() returns the prototype; a cloned child's clones come from its factory, so changing the
// prototype afterwards is refused instead of silently missing from the clones.
TEST(StructureRules, ChangingAClonedPrototypeAfterAddIsABuildError) {
  Pipeline p{"top"};
  auto& stage = p.add<Pipeline>("stage", {}, ScaleUp{2});  // clones: empty pipelines
  auto& a = stage.add<Scale>("a");
  stage.expose(a.in, "x");
  stage.expose(a.out, "y");
  auto& b = p.add<Scale>("b", {{"factor", 3}}, ScaleUp{2});
  b.configure({{"factor", 5}});  // the clones keep factor 3
  p.connect(stage.output<int>("y"), b.in);
  p.expose_input("x", "stage.x");
  p.expose(b.out, "z");
  const auto problems = problems_of([&] { p.validate(); });
  EXPECT_TRUE(has_problem(problems, {"cell 'stage' was changed after add() returned it",
                                     "cells, connections or params", "factory"}));
  EXPECT_TRUE(
      has_problem(problems, {"cell 'b' was changed after add() returned it", "params changed"}));
}

TEST(StructureRules, APrototypeLeftAsAddedOrRescaledBeforeStartIsAccepted) {
  Pipeline p{"top"};
  auto& b = p.add<Scale>("b", {{"factor", 3}}, ScaleUp{2});
  p.expose(b.in, "x");
  p.expose(b.out, "y");
  p.scale("b", 4);
  p.set_clones("b", 3);
  EXPECT_NO_THROW(p.validate());
  p.start();
  EXPECT_EQ(p.submit({{"x", 2}}).get().get<int>("y"), 6);
}

}  // namespace
}  // namespace cellflow::testing
