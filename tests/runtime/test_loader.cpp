// Scenario A14: load_pipeline(json) equals the C++-built pipeline; config errors name their
// config path; clone overrides; the Registry.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"
#include "support/helpers.hpp"
#include "support/test_cells.hpp"

namespace cellflow::testing {
namespace {

json chain_config() {
  return json::parse(R"({
    "name": "chain",
    "cells": [
      {"name": "src", "type": "Counter", "params": {"count": 50}},
      {"name": "rep", "type": "Repeat", "params": {"times": 2}},
      {"name": "slow", "type": "Delay", "params": {"sleep_ms": 0, "jitter_ms": 0.05}}
    ],
    "connections": [["src.out", "rep.in"], ["rep.out", "slow.in"]],
    "outputs": {"y": "slow.out"},
    "max_in_flight": 8
  })");
}

std::vector<json> run_chain_cpp() {
  Pipeline p{"chain"};
  auto& src = p.add<cells::Counter>("src", {{"count", 50}});
  auto& rep = p.add<cells::Repeat>("rep", {{"times", 2}});
  auto& slow = p.add<cells::Delay>("slow", {{"sleep_ms", 0}, {"jitter_ms", 0.05}});
  p.connect(src.out, rep.in);
  p.connect(rep.out, slow.in);
  p.expose(slow.out, "y");
  return run_collect<json>(p, "y");
}

TEST(Loader, JsonEqualsCpp_counter50_repeat2_delay) {
  const auto registry = cells::builtin_registry();
  auto p = load_pipeline(chain_config(), registry);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->name(), "chain");
  EXPECT_EQ(p->options().max_in_flight, 8u);
  const auto from_json = run_collect<json>(*p, "y");
  const auto from_cpp = run_chain_cpp();
  EXPECT_EQ(from_json.size(), 100u);
  EXPECT_EQ(from_json, from_cpp);
}

TEST(Loader, RequestMode_inputsAndOutputs) {
  const auto registry = cells::builtin_registry();
  auto p = load_pipeline(json::parse(R"({
    "name": "req",
    "cells": [{"name": "rep", "type": "Repeat", "params": {"times": 3}}],
    "connections": [],
    "inputs": {"x": "rep.in"},
    "outputs": {"y": "rep.out"}
  })"),
                         registry);
  p->start();
  Result r = p->submit({{"x", json("hi")}}).get();
  ASSERT_EQ(r.values("y").size(), 3u);
  for (auto& v : r.values("y")) EXPECT_EQ(v.get<json>(), json("hi"));
  p->stop();
}

json nested_config() {
  return json::parse(R"({
    "name": "outer",
    "cells": [
      {"name": "src", "type": "Counter", "params": {"count": 20}},
      {"name": "sub", "pipeline": {
        "name": "sub",
        "cells": [
          {"name": "rep", "type": "Repeat", "params": {"times": 2}},
          {"name": "inner", "pipeline": {
            "name": "inner",
            "cells": [{"name": "d", "type": "Delay"}],
            "connections": [],
            "inputs": {"in": "d.in"},
            "outputs": {"out": "d.out"}
          }}
        ],
        "connections": [["rep.out", "inner.in"]],
        "inputs": {"in": "rep.in"},
        "outputs": {"out": "inner.out"}
      }},
      {"name": "last", "type": "Repeat", "params": {"times": 1}}
    ],
    "connections": [["src.out", "sub.in"], ["sub.out", "last.in"]],
    "outputs": {"y": "last.out"}
  })");
}

TEST(Loader, NestedPipelineEntries_depth2_equalFlat) {
  const auto registry = cells::builtin_registry();
  auto p = load_pipeline(nested_config(), registry);
  const auto paths = p->cell_paths();
  for (const char* path : {"src", "sub", "sub/rep", "sub/inner", "sub/inner/d", "last"}) {
    EXPECT_NE(std::find(paths.begin(), paths.end(), path), paths.end())
        << path << " missing from:\n"
        << join_lines(paths);
  }
  const auto got = run_collect<json>(*p, "y");
  ASSERT_EQ(got.size(), 40u);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(got[i], json(i / 2));
}

TEST(Loader, UnknownType_listsKnownTypes) {
  const auto registry = cells::builtin_registry();
  json config = chain_config();
  config["cells"][1]["type"] = "Repaet";
  const auto problems = problems_of([&] { load_pipeline(config, registry); });
  EXPECT_TRUE(has_problem(problems, {"Repaet", "Counter", "Delay", "Fail", "Repeat"}));
}

// A typo in one cell's type is the one problem reported: the cell still exists for its
// connections (decode -> detect -> json would otherwise add "unknown cell 'detect'" and
// "unconnected input 'json.in'"), and the nearest type is suggested.
TEST(Loader, AnUnknownTypeIsTheOnlyProblemAndSuggestsTheNearestType) {
  const json config = json::parse(R"({"name": "faces",
    "cells": [{"name": "decode", "type": "Counter"}, {"name": "detect", "type": "Dealy"},
              {"name": "json", "type": "Repeat"}],
    "connections": [["decode.out", "detect.in"], ["detect.out", "json.in"]],
    "outputs": {"y": "json.out", "raw": "detect.out"}})");
  const auto problems = problems_of([&] { load_pipeline(config, cells::builtin_registry()); });
  ASSERT_EQ(problems.size(), 1u) << join_lines(problems);
  EXPECT_TRUE(contains_all(problems[0], {"cells[1] 'detect'.type: unknown cell type 'Dealy' "
                                         "(known types: ",
                                         "); did you mean 'Delay'?"}))
      << problems[0];
}

// Misspelt keys, ports and params: the path names the cell, the valid names are listed and the
// nearest one is suggested.
TEST(Loader, MisspeltKeysPortsAndParamsSuggestTheNearestName) {
  const json config = json::parse(R"({"name": "chain", "cels": [],
    "cells": [{"name": "src", "type": "Counter", "parms": {"count": 2}},
              {"name": "slow", "type": "Delay", "params": {"sleep_m": 1}}],
    "connections": [["src.otu", "slow.in"]], "outputs": {"y": "slow.out"}})");
  const auto problems = problems_of([&] { load_pipeline(config, cells::builtin_registry()); });
  const std::string all = join_lines(problems);
  EXPECT_TRUE(contains_all(
      all,
      {"cels: unknown key (valid keys: name, cells, connections, inputs, outputs, "
       "max_in_flight, max_pending, timeout_ms, description, zip_sources); did you mean "
       "'cells'?",
       "cells[0] 'src'.parms: unknown key (valid keys: name, type, pipeline, params, "
       "clones, clone_params, threads, remote, sync, queue, queues, batch); did you mean "
       "'params'?",
       "cells[1] 'slow'.params.sleep_m: unknown parameter (known: ", "); did you mean 'sleep_ms'?",
       "connection 'src.otu' -> 'slow.in': cell 'src' has no port 'otu' (ports: out); did "
       "you mean 'out'?"}))
      << all;
  EXPECT_EQ(all.find("unconnected input 'slow.in'"), std::string::npos)
      << "its connection's problem is the one to report";
}

// A skip connection in JSON: an output named after an exposed input passes it through, at the
// top level and in a nested pipeline.
TEST(Loader, AnOutputNamingAnExposedInputIsASkipConnection) {
  const json config = json::parse(R"({"name": "p",
    "cells": [{"name": "block", "pipeline": {"name": "block",
                "cells": [{"name": "d", "type": "Delay"}],
                "inputs": {"in": "d.in"}, "outputs": {"out": "d.out", "skip": "in"}}},
              {"name": "sum", "type": "Join"}],
    "connections": [["block.out", "sum.in0"], ["block.skip", "sum.in1"]],
    "inputs": {"x": "block.in"}, "outputs": {"y": "sum.out", "x_again": "x"}})");
  auto p = load_pipeline(config, cells::builtin_registry());
  EXPECT_EQ(p->describe()["outputs"][0],
            json({{"name", "x_again"}, {"type", "nlohmann::json"}, {"from", "x"}}));
  EXPECT_EQ(p->describe()["cells"][0]["pipeline"]["outputs"][1]["from"], "in");
  p->start();
  const auto r = p->submit({{"x", json(7)}}).get();
  EXPECT_EQ(r.get<json>("x_again"), 7);
  EXPECT_EQ(r.get<json>("y")["in0"]["value"], 7);
  EXPECT_EQ(r.get<json>("y")["in1"]["value"], 7);
}

TEST(Loader, WrongParamType_namesConfigPath) {
  const auto registry = cells::builtin_registry();
  json config = chain_config();
  config["cells"][2]["params"]["sleep_ms"] = "slow";
  const auto problems = problems_of([&] { load_pipeline(config, registry)->validate(); });
  EXPECT_TRUE(has_problem(problems, {"cells[2] 'slow'.params.sleep_ms", "number"}));
}

TEST(Loader, WrongParamType_cells1_sleep_ms) {
  const auto registry = cells::builtin_registry();
  const json config = json::parse(R"({
    "name": "p",
    "cells": [{"name": "src", "type": "Counter"},
              {"name": "d", "type": "Delay", "params": {"sleep_ms": "x"}}],
    "connections": [["src.out", "d.in"]],
    "outputs": {"y": "d.out"}
  })");
  const auto problems = problems_of([&] { load_pipeline(config, registry)->validate(); });
  EXPECT_TRUE(has_problem(problems, {"cells[1] 'd'.params.sleep_ms"}));
}

TEST(Loader, UnknownParamKey_namesConfigPath) {
  const auto registry = cells::builtin_registry();
  json config = chain_config();
  config["cells"][0]["params"]["bogus"] = 1;
  const auto problems = problems_of([&] { load_pipeline(config, registry)->validate(); });
  EXPECT_TRUE(has_problem(problems, {"cells[0]", "bogus"}));
}

TEST(Loader, InvalidParamValue_namesCell) {
  const auto registry = cells::builtin_registry();
  json config = chain_config();
  config["cells"][1]["params"]["times"] = -1;
  const auto problems = problems_of([&] { load_pipeline(config, registry)->validate(); });
  EXPECT_TRUE(has_problem(problems, {"times"}));
  EXPECT_TRUE(has_problem(problems, {"rep"}) || has_problem(problems, {"cells[1]"}));
}

TEST(Loader, SeveralProblems_allInOneError) {
  const auto registry = cells::builtin_registry();
  json config = chain_config();
  config["cells"][0]["params"]["bogus"] = 1;
  config["cells"][1]["type"] = "Nope";
  config["cells"][2]["params"]["sleep_ms"] = "slow";
  config["connections"].push_back({"slow.nothing", "rep.in"});
  const auto problems = problems_of([&] { load_pipeline(config, registry)->validate(); });
  EXPECT_TRUE(has_problem(problems, {"bogus"}));
  EXPECT_TRUE(has_problem(problems, {"Nope"}));
  EXPECT_TRUE(has_problem(problems, {"cells[2] 'slow'.params.sleep_ms"}));
  EXPECT_TRUE(has_problem(problems, {"nothing"}));
}

TEST(Loader, BadStructure_notAnObject) {
  const auto registry = cells::builtin_registry();
  EXPECT_FALSE(problems_of([&] { load_pipeline(json::array({1, 2}), registry); }).empty());
}

TEST(Loader, BadStructure_cellsNotArray) {
  const auto registry = cells::builtin_registry();
  json config = chain_config();
  config["cells"] = "src";
  EXPECT_TRUE(has_problem(problems_of([&] { load_pipeline(config, registry); }), {"cells"}));
}

TEST(Loader, BadStructure_cellWithoutTypeOrPipeline) {
  const auto registry = cells::builtin_registry();
  json config = chain_config();
  config["cells"][1].erase("type");
  EXPECT_TRUE(has_problem(problems_of([&] { load_pipeline(config, registry); }), {"cells[1]"}));
}

TEST(Loader, BadStructure_cellWithoutName) {
  const auto registry = cells::builtin_registry();
  json config = chain_config();
  config["cells"][2].erase("name");
  EXPECT_TRUE(has_problem(problems_of([&] { load_pipeline(config, registry); }), {"cells[2]"}));
}

TEST(Loader, BadStructure_connectionNotAPair) {
  const auto registry = cells::builtin_registry();
  json config = chain_config();
  config["connections"][1] = json::array({"rep.out"});
  EXPECT_TRUE(
      has_problem(problems_of([&] { load_pipeline(config, registry); }), {"connections[1]"}));
}

TEST(Loader, BadStructure_unknownTopLevelKey) {
  const auto registry = cells::builtin_registry();
  json config = chain_config();
  config["cels"] = json::array();
  EXPECT_TRUE(has_problem(problems_of([&] { load_pipeline(config, registry); }), {"cels"}));
}

TEST(Loader, BadStructure_outputUnknownPort) {
  const auto registry = cells::builtin_registry();
  json config = chain_config();
  config["outputs"]["y"] = "slow.nope";
  EXPECT_TRUE(has_problem(problems_of([&] { load_pipeline(config, registry)->validate(); }),
                          {"slow.nope"}));
}

TEST(Loader, File_parseErrorNamesFileAndLine) {
  const std::string path = ::testing::TempDir() + "cellflow_bad_config.json";
  {
    std::ofstream f(path);
    f << "{\n  \"name\": \"p\",\n  \"cells\": [,]\n}\n";
  }
  const auto registry = cells::builtin_registry();
  const auto text = error_text_of([&] { load_pipeline_file(path, registry); });
  EXPECT_TRUE(contains_all(text, {"cellflow_bad_config.json", "3"}));
  std::remove(path.c_str());
  EXPECT_TRUE(contains_all(error_text_of([&] { load_pipeline_file(path, registry); }),
                           {"cellflow_bad_config.json"}));
}

TEST(Loader, File_loadsAndRuns) {
  const std::string path = ::testing::TempDir() + "cellflow_good_config.json";
  {
    std::ofstream f(path);
    f << chain_config().dump(2);
  }
  const auto registry = cells::builtin_registry();
  auto p = load_pipeline_file(path, registry);
  EXPECT_EQ(run_collect<json>(*p, "y").size(), 100u);
  std::remove(path.c_str());
}

TEST(Loader, Clones_fromConfig_andOverrides) {
  const auto registry = cells::builtin_registry();
  json config = nested_config();
  config["cells"][2]["clones"] = 3;
  auto p = load_pipeline(config, registry);
  EXPECT_EQ(p->scale_of(p->cell("last")).clones, 3);
  apply_clone_overrides(*p, {"last=2", "sub/inner/d=4"});
  EXPECT_EQ(p->scale_of(p->cell("last")).clones, 2);
  auto& inner = static_cast<Pipeline&>(p->cell("sub/inner"));
  EXPECT_EQ(inner.scale_of(inner.cell("d")).clones, 4);
}

TEST(Loader, CloneOverrides_unknownPath_listsValidPaths) {
  const auto registry = cells::builtin_registry();
  auto p = load_pipeline(nested_config(), registry);
  const auto problems = problems_of([&] { apply_clone_overrides(*p, {"sub/nope=2"}); });
  EXPECT_TRUE(has_problem(problems, {"sub/nope", "sub/rep", "sub/inner/d", "last"}));
}

TEST(Loader, CloneOverrides_badCounts_allReported) {
  const auto registry = cells::builtin_registry();
  auto p = load_pipeline(nested_config(), registry);
  const auto problems = problems_of([&] {
    apply_clone_overrides(*p, {"last=0", "src=-1", "sub/rep=abc", "sub/inner/d=100000"});
  });
  EXPECT_TRUE(has_problem(problems, {"last"}));
  EXPECT_TRUE(has_problem(problems, {"src"}));
  EXPECT_TRUE(has_problem(problems, {"abc"}));
  EXPECT_TRUE(has_problem(problems, {"sub/inner/d"}));
  EXPECT_TRUE(has_problem(problems_of([&] { apply_clone_overrides(*p, {"last"}); }), {"last"}));
}

TEST(Loader, Clones_invalidInConfig_isError) {
  const auto registry = cells::builtin_registry();
  json config = chain_config();
  config["cells"][2]["clones"] = 0;
  const auto problems = problems_of([&] { load_pipeline(config, registry)->validate(); });
  EXPECT_TRUE(has_problem(problems, {"clones"}));
}

TEST(Graphviz, Dot_nestedConfig_clustersCellsAndEdges) {
  const auto registry = cells::builtin_registry();
  json config = nested_config();
  config["cells"][2]["clones"] = 3;
  auto p = load_pipeline(config, registry);
  const std::string dot = to_dot(*p);
  EXPECT_TRUE(contains_all(dot, {"digraph", "cluster", "src", "rep", "last", "3"}));
  EXPECT_NE(dot.find("->"), std::string::npos);
}

// Registry
TEST(Registry, Builtin_typesSorted) {
  const auto registry = cells::builtin_registry();
  EXPECT_EQ(registry.types(), (std::vector<std::string>{"Add", "Counter", "Delay", "Fail", "Join",
                                                        "Repeat", "Ticker"}));
  EXPECT_TRUE(registry.contains("Delay"));
  EXPECT_FALSE(registry.contains("delay"));
  EXPECT_FALSE(registry.description("Delay").empty());
}

TEST(Registry, Types_sortedAfterUnsortedAdds) {
  Registry registry;
  registry.add<Scale>("Zeta").add<Tap>("Alpha").add<IntSource>("Mid");
  EXPECT_EQ(registry.types(), (std::vector<std::string>{"Alpha", "Mid", "Zeta"}));
}

TEST(Registry, DuplicateRegistration_isError) {
  auto registry = cells::builtin_registry();
  const auto text = error_text_of([&] { registry.add<Scale>("Delay"); });
  EXPECT_TRUE(contains_all(text, {"Delay"}));
  EXPECT_EQ(registry.types().size(), 7u);
  EXPECT_THROW(cells::register_builtin(registry), Error);
}

TEST(Registry, InvalidTypeName_isError) {
  Registry registry;
  EXPECT_THROW(registry.add<Scale>("a.b"), Error);
  EXPECT_THROW(registry.add<Scale>(""), Error);
}

TEST(Registry, CreateUnknown_listsKnownTypes) {
  const auto registry = cells::builtin_registry();
  const auto text = error_text_of([&] { registry.create("Blur"); });
  EXPECT_TRUE(contains_all(text, {"Blur", "Counter", "Delay", "Fail", "Repeat"}));
  EXPECT_THROW(registry.factory("Blur"), Error);
}

TEST(Registry, Create_buildsFreshInstances) {
  const auto registry = cells::builtin_registry();
  auto a = registry.create("Repeat");
  auto b = registry.create("Repeat");
  ASSERT_NE(a, nullptr);
  EXPECT_NE(a.get(), b.get());
  EXPECT_NE(dynamic_cast<cells::Repeat*>(a.get()), nullptr);
  EXPECT_NE(a->find_port("in"), nullptr);
  EXPECT_EQ(a->find_port("nope"), nullptr);
}

TEST(Registry, UserCellsInJson_withBuiltins) {
  auto registry = cells::builtin_registry();
  registry.add<IntSource>("IntSource").add<Scale>("Scale");
  auto p = load_pipeline(json::parse(R"({
    "name": "mixed",
    "cells": [{"name": "src", "type": "IntSource", "params": {"count": 5}},
              {"name": "x3", "type": "Scale", "params": {"factor": 3}}],
    "connections": [["src.out", "x3.in"]],
    "outputs": {"y": "x3.out"}
  })"),
                         registry);
  EXPECT_EQ(run_collect<int>(*p, "y"), (std::vector<int>{0, 3, 6, 9, 12}));
}

TEST(Loader, TypeMismatchInJsonConnection_namesBothTypes) {
  auto registry = cells::builtin_registry();
  registry.add<IntSource>("IntSource").add<TextEcho>("TextEcho");
  const json config = json::parse(R"({
    "name": "mismatch",
    "cells": [{"name": "src", "type": "IntSource"}, {"name": "t", "type": "TextEcho"}],
    "connections": [["src.out", "t.in"]],
    "outputs": {"y": "t.out"}
  })");
  const auto problems = problems_of([&] { load_pipeline(config, registry)->validate(); });
  EXPECT_TRUE(has_problem(problems, {"src.out", "t.in", "int", "std::string"}));
}

}  // namespace
}  // namespace cellflow::testing
