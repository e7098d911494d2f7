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
  // Every form of every structural change, also those naming what does not exist (which
  // would otherwise be recorded as a problem for a validate() that never comes).
  const std::vector<std::pair<std::string, std::function<void()>>> changes = {
      {"connect 'a.out' -> 'late.in'", [&] { inner.connect("a.out", "late.in"); }},
      {"connect 'inner/a.out' -> 'inner/a.in'", [&] { inner.connect(a.out, a.in); }},
      {"connect 'a.out' -> 'late.in'",
       [&] { inner.connect("a.out", "late.in", Feedback{nlohmann::json(0)}); }},
      {"expose 'z'", [&] { inner.expose_input("z", "late.in"); }},
      {"expose 'w'", [&] { inner.expose_output("w", "late.out"); }},
      {"expose 'v'", [&] { inner.expose(a.in, "v"); }},
      {"give 'a' a queue policy", [&] { inner.set_queue("a", Queue::drop_oldest(1)); }},
      {"give 'a' a synchroniser", [&] { inner.set_sync("a", Sync{}); }},
      {"batch 'a'", [&] { inner.set_batch("a", Batch{}); }},
      {"set the clones of 'a'", [&] { inner.set_clones("a", 2); }},
      {"set the clones of 'a'", [&] { inner.scale("a", 2); }},
      {"set the clones of 'inner/a'", [&] { p.set_clones("inner/a", 2); }},
  };
  for (const auto& [what, change] : changes) {
    const auto refused = problems_of(change);
    ASSERT_EQ(refused.size(), 1u) << what;
    EXPECT_TRUE(contains_all(refused[0], {"is running", "cannot " + what, "stop() it first"}))
        << refused[0];
  }
  EXPECT_TRUE(contains_all(problems_of([&] { inner.connect("a.out", "late.in"); })[0],
                           {"pipeline 'inner' is running (inside running pipeline 'top')"}));
  EXPECT_NO_THROW(inner.validate()) << "nothing was recorded";
  EXPECT_EQ(inner.children().size(), 1u);
  p.scale("inner/a", 3);  // the clones are built from what the tree held at start()
  EXPECT_EQ(p.submit({{"x", 21}}).get().get<int>("y"), 42);
  p.stop();
  EXPECT_FALSE(inner.running());
}

// A skip connection: a pipeline's own input straight to its own output (the identity branch of
// a residual block), in C++ and in JSON, type-checked, described and drawn.
class Residual final : public Pipeline {
 public:
  Input<int> in{*this, "in"};
  Output<int> computed{*this, "computed"};
  Output<int> identity{*this, "identity"};
  Residual() : Pipeline("residual") {
    auto& scale = add<Scale>("scale", {{"factor", 10}});
    expose(scale.in, in);
    expose(scale.out, computed);
    expose(in, identity);
  }
};

TEST(StructureRules, ASkipConnectionPassesAPipelinesInputToItsOutput) {
  Pipeline p{"top"};
  auto& block = p.add<Residual>("block", {}, ScaleUp{2});
  auto& add = p.add<JoinPair>("sum");
  p.expose(block.in, "x");
  p.connect(block.computed, add.left);
  p.connect(block.identity, add.right);
  p.expose(add.out, "y");
  p.expose_output("x_again", "x");  // the top level's own skip, by name
  const auto described = p.describe();
  const auto& inner = described["cells"][0]["pipeline"];
  EXPECT_EQ(inner["outputs"][1],
            nlohmann::json({{"name", "identity"}, {"type", "int"}, {"from", "in"}}));
  EXPECT_EQ(inner["inputs"][0]["to"], nlohmann::json({"scale.in", "identity"}));
  const std::string dot = to_dot(p);
  EXPECT_NE(dot.find("\"block:in\" -> \"block:identity\" [label=\"in → identity (int)\"]"),
            std::string::npos)
      << dot;
  p.start();
  const auto r = p.submit({{"x", 4}}).get();
  EXPECT_EQ(r.get<int>("x_again"), 4);
  EXPECT_EQ((r.get<std::pair<int, int>>("y")), std::make_pair(40, 4));
  p.stop();

  Pipeline wrong{"wrong"};
  auto& w = wrong.add<Scale>("w");
  wrong.expose(w.in, "x");
  wrong.expose(w.out, "y");
  wrong.expose(wrong.input<int>("x"), wrong.output<int>("y"));  // y already has a producer
  const auto problems = problems_of([&] { wrong.validate(); });
  EXPECT_TRUE(has_problem(problems, {"'y' has a second producer 'x'"}));
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
