// Scenario A6 and the string-connect checks: every wiring/config problem is a cellflow::Error
// thrown before anything runs, names its cell/port, and several problems come in ONE throw.
#include <gtest/gtest.h>

#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"
#include "support/helpers.hpp"
#include "support/test_cells.hpp"

namespace cellflow::testing {
namespace {

// Keywords (case-insensitive, "|"-separated alternatives) that an error of each kind is expected to
// use.
const char* const kUnconnected = "connect|producer";
const char* const kDuplicate = "duplicate|already|twice|more than once|not unique";
const char* const kSecondProducer = "producer|already|second|more than one|twice|multiple";

TEST(BuildErrors, NameProblem_empty_dot_slash) {
  EXPECT_EQ(name_problem("ok_name"), "");
  EXPECT_NE(name_problem(""), "");
  EXPECT_NE(name_problem("a.b"), "");
  EXPECT_NE(name_problem("a/b"), "");
}

TEST(BuildErrors, UnconnectedInput_namesPort) {
  Pipeline p{"p"};
  auto& src = p.add<IntSource>("src");
  auto& a = p.add<Scale>("a");
  auto& b = p.add<Adder>("b");  // b.a and b.b are never connected
  p.connect(src.out, a.in);
  p.expose(a.out, "y");
  (void)b;
  const auto problems = problems_of([&] { p.validate(); });
  EXPECT_TRUE(has_problem(problems, {"b.a"}, kUnconnected));
  EXPECT_TRUE(has_problem(problems, {"b.b"}, kUnconnected));
}

TEST(BuildErrors, UnconnectedInput_alsoThrownByStart) {
  Pipeline p{"p"};
  p.add<Scale>("lonely");
  auto& src = p.add<IntSource>("src");
  auto& tap = p.add<Tap>("tap");
  p.connect(src.out, tap.in);
  p.expose(tap.out, "y");
  const auto problems = problems_of([&] { p.start(); });
  EXPECT_TRUE(has_problem(problems, {"lonely.in"}, kUnconnected));
  EXPECT_FALSE(p.running());
}

TEST(BuildErrors, InvalidNames_empty_dot_slash) {
  Pipeline p{"p"};
  auto& src = p.add<IntSource>("src");
  auto& empty = p.add<Tap>("");
  auto& dot = p.add<Tap>("has.dot");
  auto& slash = p.add<Tap>("has/slash");
  p.connect(src.out, empty.in);
  p.connect(src.out, dot.in);
  p.connect(src.out, slash.in);
  const auto problems = problems_of([&] { p.validate(); });
  EXPECT_TRUE(has_problem(problems, {"has.dot"}));
  EXPECT_TRUE(has_problem(problems, {"has/slash"}));
  EXPECT_TRUE(has_problem(problems, {}, "empty|\"\"|''"));
  EXPECT_GE(problems.size(), 3u);
}

TEST(BuildErrors, InvalidExposedPortName_dot) {
  Pipeline p{"p"};
  auto& src = p.add<IntSource>("src");
  auto& tap = p.add<Tap>("tap");
  p.connect(src.out, tap.in);
  const auto problems = problems_of([&] {
    p.expose(tap.out, "bad.name");
    p.validate();
  });
  EXPECT_TRUE(has_problem(problems, {"bad.name"}));
}

TEST(BuildErrors, DuplicateSiblingCellNames) {
  Pipeline p{"p"};
  auto& src = p.add<IntSource>("src");
  auto& first = p.add<Tap>("dup");
  auto& second = p.add<Tap>("dup");
  p.connect(src.out, first.in);
  p.connect(src.out, second.in);
  p.expose(first.out, "y");
  const auto problems = problems_of([&] { p.validate(); });
  EXPECT_TRUE(has_problem(problems, {"dup"}, kDuplicate));
}

TEST(BuildErrors, SameNameInDifferentPipelines_isFine) {
  Pipeline p{"p"};
  auto& src = p.add<IntSource>("src", {{"count", 3}});
  auto& inner = p.add<Pipeline>("inner");
  auto& tap_inner = inner.add<Tap>("tap");
  auto& in = inner.expose(tap_inner.in, "in");
  auto& out = inner.expose(tap_inner.out, "out");
  auto& tap = p.add<Tap>("tap");
  p.connect(src.out, in);
  p.connect(out, tap.in);
  p.expose(tap.out, "y");
  EXPECT_NO_THROW(p.validate());
  EXPECT_EQ(run_collect<int>(p, "y"), (std::vector<int>{0, 1, 2}));
}

TEST(BuildErrors, DuplicatePortNamesOnOneCell) {
  DuplicatePorts standalone;
  ASSERT_FALSE(standalone.declaration_problems().empty());
  EXPECT_TRUE(has_problem(standalone.declaration_problems(), {"in"}, kDuplicate));

  Pipeline p{"p"};
  auto& src = p.add<IntSource>("src");
  auto& dp = p.add<DuplicatePorts>("twin_ports");
  p.connect(src.out, dp.first);
  p.connect(src.out, dp.second);
  p.expose(dp.out, "y");
  const auto problems = problems_of([&] { p.validate(); });
  EXPECT_TRUE(has_problem(problems, {"twin_ports", "in"}, kDuplicate));
}

TEST(BuildErrors, SecondProducerForOneInput) {
  Pipeline p{"p"};
  auto& s1 = p.add<IntSource>("s1");
  auto& s2 = p.add<IntSource>("s2");
  auto& sink = p.add<Tap>("sink");
  p.connect(s1.out, sink.in);
  const auto problems = problems_of([&] {
    p.connect(s2.out, sink.in);
    p.expose(sink.out, "y");
    p.validate();
  });
  EXPECT_TRUE(has_problem(problems, {"sink.in"}, kSecondProducer));
}

TEST(BuildErrors, ConnectAcrossSeparatePipelines) {
  Pipeline p1{"p1"};
  Pipeline p2{"p2"};
  auto& alpha = p1.add<IntSource>("alpha");
  auto& omega = p2.add<Tap>("omega");
  const auto problems = problems_of([&] {
    p1.connect(alpha.out, omega.in);
    p1.validate();
  });
  // Both pipelines and the port are named (not "cell '' is not a child of pipeline 'p1'").
  EXPECT_TRUE(has_problem(problems, {"'omega.in'", "'p2'", "'p1'", "two top-level pipelines"}))
      << ::testing::PrintToString(problems);
  for (const auto& problem : problems) EXPECT_EQ(problem.find("cell ''"), std::string::npos);
}

TEST(BuildErrors, ConnectIntoNestedPipelineBypassingPorts) {
  Pipeline p{"p"};
  auto& src = p.add<IntSource>("src");
  auto& inner = p.add<Pipeline>("inner");
  auto& worker = inner.add<Tap>("worker");
  inner.expose(worker.out, "out");
  const auto problems = problems_of([&] {
    p.connect(src.out, worker.in);  // must go through an exposed port of "inner"
    p.validate();
  });
  EXPECT_TRUE(has_problem(problems, {"worker"}));
}

TEST(BuildErrors, Cycle_2cells) {
  Pipeline p{"p"};
  auto& src = p.add<IntSource>("src");
  auto& join = p.add<JoinPair>("join");
  auto& a = p.add<Scale>("loop_a");
  auto& b = p.add<Scale>("loop_b");
  p.connect(src.out, join.left);
  p.connect(a.out, b.in);
  p.connect(b.out, join.right);
  p.connect(b.out, a.in);  // loop_a -> loop_b -> loop_a
  p.expose(join.out, "y");
  const auto problems = problems_of([&] { p.validate(); });
  EXPECT_TRUE(has_problem(problems, {"loop_"}, "cycl|loop"));
}

// A pipeline in request mode: x -> twice -> y.
void build_doubler(Pipeline& p) {
  auto& s = p.add<Scale>("twice");
  p.expose(s.in, "x");
  p.expose(s.out, "y");
}

TEST(BuildErrors, AddAfterStart_throwsImmediately) {
  Pipeline p{"p"};
  build_doubler(p);
  p.start();
  const auto problems = problems_of([&] { p.add<Scale>("late"); });
  EXPECT_TRUE(has_problem(problems, {}, "start|running"));
  EXPECT_THROW(p.expose_output("late_y", "twice.out"), Error);
  // The pipeline still serves.
  EXPECT_EQ(p.submit({{"x", 21}}).get().get<int>("y"), 42);
  p.stop();
}

TEST(BuildErrors, ConnectAfterStart_throwsImmediately_typedAndString) {
  Pipeline p{"p"};
  auto& first = p.add<Scale>("first");
  auto& second = p.add<Scale>("second");
  p.expose(first.in, "x");
  p.expose(first.out, "y");
  p.expose(second.in, "x2");
  p.expose(second.out, "y2");
  p.start();
  EXPECT_THROW(p.connect(first.out, second.in), Error);
  EXPECT_THROW(p.connect("first.out", "second.in"), Error);
  EXPECT_EQ(p.submit({{"x", 1}, {"x2", 2}}).get().get<int>("y2"), 4);
  p.stop();
}

TEST(BuildErrors, StringConnect_typeMismatch_namesPortsAndTypes) {
  Pipeline p{"p"};
  auto& src = p.add<IntSource>("src");
  auto& text = p.add<TextEcho>("text");
  p.expose(text.out, "y");
  (void)src;
  const auto problems = problems_of([&] {
    p.connect("src.out", "text.in");
    p.validate();
  });
  EXPECT_TRUE(has_problem(problems, {"src.out", "text.in", "int", "std::string"}));
}

TEST(BuildErrors, StringConnect_unknownPort) {
  Pipeline p{"p"};
  p.add<IntSource>("src");
  auto& tap = p.add<Tap>("tap");
  p.expose(tap.out, "y");
  const auto problems = problems_of([&] {
    p.connect("src.nope", "tap.in");
    p.validate();
  });
  EXPECT_TRUE(has_problem(problems, {"nope"}));
}

TEST(BuildErrors, StringConnect_unknownCell) {
  Pipeline p{"p"};
  p.add<IntSource>("src");
  auto& tap = p.add<Tap>("tap");
  p.expose(tap.out, "y");
  const auto problems = problems_of([&] {
    p.connect("ghost.out", "tap.in");
    p.validate();
  });
  EXPECT_TRUE(has_problem(problems, {"ghost"}));
}

TEST(BuildErrors, StringConnect_malformedEndpoint) {
  Pipeline p{"p"};
  p.add<IntSource>("src");
  auto& tap = p.add<Tap>("tap");
  p.expose(tap.out, "y");
  const auto problems = problems_of([&] {
    p.connect("src", "tap.in");  // no ".port"
    p.validate();
  });
  EXPECT_TRUE(has_problem(problems, {"src"}));
}

TEST(BuildErrors, StringConnect_valid_runs) {
  Pipeline p{"p"};
  p.add<IntSource>("src", {{"count", 4}});
  p.add<Scale>("twice");
  p.connect("src.out", "twice.in");
  p.expose_output("y", "twice.out");
  EXPECT_EQ(run_collect<int>(p, "y"), (std::vector<int>{0, 2, 4, 6}));
}

TEST(BuildErrors, ConfigProblem_reportedByValidate) {
  Pipeline p{"p"};
  auto& src = p.add<IntSource>("src");
  auto& s = p.add<Scale>("scaler", {{"factor", "three"}});
  p.connect(src.out, s.in);
  p.expose(s.out, "y");
  const auto problems = problems_of([&] { p.validate(); });
  EXPECT_TRUE(has_problem(problems, {"scaler", "factor"}));
}

TEST(BuildErrors, ConfigProblem_unknownParamKey) {
  Pipeline p{"p"};
  auto& src = p.add<IntSource>("src");
  auto& s = p.add<Scale>("scaler", {{"factr", 3}});
  p.connect(src.out, s.in);
  p.expose(s.out, "y");
  const auto problems = problems_of([&] { p.validate(); });
  EXPECT_TRUE(has_problem(problems, {"scaler", "factr"}));
}

TEST(BuildErrors, AllProblemsReportedTogether_6kinds) {
  Pipeline p{"p"};
  Pipeline other{"other"};
  auto& src = p.add<IntSource>("src");
  auto& adder = p.add<Adder>("adder");  // unconnected inputs
  auto& dot = p.add<Tap>("bad.name");   // invalid name
  auto& d1 = p.add<Tap>("dup");         // duplicate names
  auto& d2 = p.add<Tap>("dup");
  auto& twin = p.add<DuplicatePorts>("twin_ports");  // duplicate port names
  auto& target = p.add<Tap>("target");               // second producer
  auto& la = p.add<Scale>("loop_a");                 // cycle
  auto& lb = p.add<Scale>("loop_b");
  auto& stranger = other.add<Tap>("stranger");  // cross-pipeline
  (void)adder;
  std::vector<std::string> problems = problems_of([&] {
    p.connect(src.out, dot.in);
    p.connect(src.out, d1.in);
    p.connect(src.out, d2.in);
    p.connect(src.out, twin.first);
    p.connect(src.out, twin.second);
    p.connect(src.out, target.in);
    p.connect(d1.out, target.in);
    p.connect(la.out, lb.in);
    p.connect(lb.out, la.in);
    p.connect(src.out, stranger.in);
    p.expose(target.out, "y");
    p.validate();
  });
  EXPECT_TRUE(has_problem(problems, {"adder.a"}, kUnconnected));
  EXPECT_TRUE(has_problem(problems, {"bad.name"}));
  EXPECT_TRUE(has_problem(problems, {"dup"}, kDuplicate));
  EXPECT_TRUE(has_problem(problems, {"twin_ports"}, kDuplicate));
  EXPECT_TRUE(has_problem(problems, {"target.in"}, kSecondProducer));
  EXPECT_TRUE(has_problem(problems, {"loop_"}, "cycl|loop"));
  EXPECT_TRUE(has_problem(problems, {"stranger"}));
  EXPECT_GE(problems.size(), 7u);
}

TEST(BuildErrors, AllStringConnectProblemsTogether_3kinds) {
  Pipeline p{"p"};
  p.add<IntSource>("src");
  p.add<TextEcho>("text");
  p.add<Tap>("tap");
  p.add<Tap>("tap2");
  const auto problems = problems_of([&] {
    p.connect("src.out", "text.in");     // int -> std::string
    p.connect("src.missing", "tap.in");  // unknown port
    p.connect("ghost.out", "tap2.in");   // unknown cell
    p.expose_output("y", "text.out");
    p.validate();
  });
  EXPECT_TRUE(has_problem(problems, {"src.out", "text.in", "int", "std::string"}));
  EXPECT_TRUE(has_problem(problems, {"missing"}));
  EXPECT_TRUE(has_problem(problems, {"ghost"}));
}

TEST(BuildErrors, ErrorWhatSummarizesAllProblems) {
  Error e(std::vector<std::string>{"first problem", "second problem"});
  EXPECT_EQ(e.problems().size(), 2u);
  EXPECT_TRUE(contains_all(e.what(), {"first problem", "second problem"}));
  Error single("only one");
  ASSERT_EQ(single.problems().size(), 1u);
  EXPECT_EQ(single.problems()[0], "only one");
}

TEST(BuildErrors, TypedPortAccess_wrongTypeOrMissing) {
  Pipeline p{"p"};
  build_doubler(p);
  EXPECT_NO_THROW(p.input<int>("x"));
  EXPECT_NO_THROW(p.output<int>("y"));
  EXPECT_THROW(p.input<std::string>("x"), Error);
  EXPECT_THROW(p.output<int>("nope"), Error);
}

TEST(BuildErrors, CellLookup_unknownPathListsValidPaths) {
  Pipeline p{"p"};
  auto& inner = p.add<Pipeline>("inner");
  inner.add<Tap>("worker");
  p.add<Scale>("top");
  EXPECT_EQ(&p.cell("inner/worker"), inner.children().at(0));
  EXPECT_EQ(p.cell("inner/worker").path(), "inner/worker");
  const auto text = error_text_of([&] { (void)p.cell("inner/nope"); });
  EXPECT_TRUE(contains_all(text, {"inner/nope", "inner/worker", "top"}));
}

TEST(BuildErrors, SubmitWrongInputs_throwsError) {
  Pipeline p{"p"};
  build_doubler(p);
  p.start();
  EXPECT_THROW(p.submit({{"nope", 1}}), Error);
  EXPECT_THROW(p.submit({{"x", std::string("not an int")}}), Error);
  EXPECT_THROW(p.submit(InputValues{}), Error);
  EXPECT_EQ(p.submit({{"x", 5}}).get().get<int>("y"), 10);
}

// a + b.
class IntSum final : public Cell {
 public:
  Input<int> a{*this, "a"};
  Input<int> b{*this, "b"};
  Output<int> out{*this, "out"};
  void process(Context& ctx) override { ctx.emit(out, ctx.get(a) + ctx.get(b)); }
};

// Two independent sources: their items would be paired by index (issue: Megamind at 23.976 fps
// and vtest at 10 fps paired frame 24 with frame 24).
std::unique_ptr<Pipeline> two_sources(bool zip) {
  auto p = std::make_unique<Pipeline>("two");
  auto& tenths = p->add<IntSource>("tenths", {{"count", 3}, {"first", 10}});
  auto& units = p->add<IntSource>("units", {{"count", 3}});
  auto& sum = p->add<IntSum>("sum");
  p->connect(tenths.out, sum.a);
  p->connect(units.out, sum.b);
  p->expose(sum.out, "y");
  p->set_zip_sources(zip);
  return p;
}

TEST(BuildErrors, TwoSourcesJoinedWithoutSynchroniserAreAnErrorUnlessZippedOnPurpose) {
  const auto problems = problems_of([] { two_sources(false)->validate(); });
  ASSERT_EQ(problems.size(), 1u) << join_lines(problems);
  EXPECT_TRUE(contains_all(problems[0], {"cell 'sum' takes items of independent streams (from "
                                         "'tenths' and 'units')",
                                         "give it a synchroniser", "\"zip_sources\": true"}))
      << problems[0];
  auto zipped = two_sources(true);
  EXPECT_EQ(run_collect<int>(*zipped, "y"), (std::vector<int>{10, 12, 14}));
}

TEST(BuildErrors, ZipSourcesFromJsonAndOnlyAtTheTop) {
  const json config = json::parse(R"({"name": "p", "cells": [
      {"name": "a", "type": "Counter", "params": {"count": 2}},
      {"name": "b", "type": "Counter", "params": {"count": 2}},
      {"name": "check", "type": "Fail", "params": {"on": []}}],
    "connections": [["a.out", "check.in"]], "outputs": {"y": "check.out", "z": "b.out"}})");
  const auto registry = cells::builtin_registry();
  // Two sources on separate branches are two independent streams: nothing to pair.
  EXPECT_NO_THROW(load_pipeline(config, registry)->validate());
  json joined = config;
  joined["cells"][2] = {{"name", "check"}, {"type", "Join"}, {"params", {{"inputs", 2}}}};
  joined["connections"] =
      json::array({json::array({"a.out", "check.in0"}), json::array({"b.out", "check.in1"})});
  joined["outputs"] = json::object({{"y", "check.out"}});
  const auto refused = problems_of([&] { load_pipeline(joined, registry); });
  ASSERT_EQ(refused.size(), 1u) << join_lines(refused);
  EXPECT_TRUE(contains_all(refused[0], {"cell 'check' takes items of independent streams"}))
      << refused[0];
  joined["cells"][2]["sync"] = {{"policy", "exact"}};
  EXPECT_NO_THROW(load_pipeline(joined, registry)->validate());
  json zipped = config;
  zipped["zip_sources"] = true;
  EXPECT_NO_THROW(load_pipeline(zipped, registry)->validate());
  zipped["zip_sources"] = "yes";
  const auto bad = problems_of([&] { load_pipeline(zipped, registry); });
  EXPECT_TRUE(contains_all(join_lines(bad), {"zip_sources: expected a boolean"}))
      << join_lines(bad);
}

}  // namespace
}  // namespace cellflow::testing
