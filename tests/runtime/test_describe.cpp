// Pipeline::describe: the topology as data. Cells in topological order whatever the add order,
// source and sink flags, clone counts and params (current ones while running), nested
// pipelines as nested levels, every connection and exposed port; DOT is drawn from it.
#include <gtest/gtest.h>

#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"
#include "cellflow/graphviz.hpp"
#include "support/helpers.hpp"

namespace cellflow::testing {
namespace {

using nlohmann::json;

std::vector<std::string> names_of(const json& level) {
  std::vector<std::string> names;
  for (const json& cell : level["cells"]) names.push_back(cell["name"]);
  return names;
}

// Added last-first: out (Delay) <- stage (nested: rep -> slow, 2 clones) <- src (Counter),
// then log (Delay) after out, its output unused.
std::unique_ptr<Pipeline> reversed_chain() {
  auto p = std::make_unique<Pipeline>("chain");
  p->add<cells::Delay>("out");
  p->add(
      "stage",
      [] {
        auto stage = std::make_unique<Pipeline>("stage");
        stage->add<cells::Delay>("slow", {{"sleep_ms", 1.5}}, ScaleUp{3});
        stage->add<cells::Repeat>("rep", {{"times", 2}});
        stage->connect("rep.out", "slow.in");
        stage->expose_input("in", "rep.in");
        stage->expose_output("out", "slow.out");
        return std::unique_ptr<Cell>(std::move(stage));
      },
      {}, ScaleUp{2});
  p->add<cells::Counter>("src", {{"count", 50}});
  p->connect("src.out", "stage.in");
  p->connect("stage.out", "out.in");
  p->expose_output("y", "out.out");
  p->add<cells::Delay>("log");
  p->connect("out.out", "log.in");
  return p;
}

TEST(Describe, CellsInTopologicalOrderWithFlagsClonesParamsAndConnections) {
  const auto p = reversed_chain();
  const json d = p->describe();
  EXPECT_EQ(d["name"], "chain");
  EXPECT_EQ(d["running"], false);
  EXPECT_EQ(names_of(d), (std::vector<std::string>{"src", "stage", "out", "log"}));
  const json& src = d["cells"][0];
  EXPECT_EQ(src["source"], true);
  EXPECT_EQ(src["sink"], false);
  EXPECT_FALSE(src.contains("clones"));
  EXPECT_EQ(src["params"]["count"], 50);
  EXPECT_EQ(src["live_params"], json::array());
  const json& stage = d["cells"][1];
  EXPECT_EQ(stage["clones"], 2);
  EXPECT_EQ(names_of(stage["pipeline"]), (std::vector<std::string>{"rep", "slow"}));
  const json& slow = stage["pipeline"]["cells"][1];
  EXPECT_EQ(slow["path"], "stage/slow");
  EXPECT_EQ(slow["clones"], 3);
  EXPECT_EQ(slow["params"]["sleep_ms"], 1.5);
  EXPECT_EQ(slow["live_params"], json::array({"sleep_ms", "per_item_ms"}));
  EXPECT_EQ(stage["pipeline"]["inputs"][0]["to"], json::array({"rep.in"}));
  EXPECT_EQ(stage["pipeline"]["outputs"][0]["from"], "slow.out");
  EXPECT_EQ(stage["pipeline"]["connections"][0]["from"], "rep.out");
  EXPECT_EQ(d["connections"].size(), 3u);
  EXPECT_EQ(d["connections"][0]["from"], "src.out");
  EXPECT_EQ(d["connections"][0]["to"], "stage.in");
  EXPECT_EQ(d["connections"][0]["feedback"], false);
  EXPECT_NE(d["connections"][0]["type"].get<std::string>().find("json"), std::string::npos);
  EXPECT_EQ(d["outputs"][0],
            (json{{"name", "y"}, {"type", d["outputs"][0]["type"]}, {"from", "out.out"}}));
  // "out" feeds no cell, but its output is exposed: not a sink; "log" feeds nothing at all.
  EXPECT_EQ(d["cells"][2]["sink"], false);
  EXPECT_EQ(d["cells"][3]["name"], "log");
  EXPECT_EQ(d["cells"][3]["sink"], true);
}

TEST(Describe, WhileRunningItShowsTheCurrentClonesAndLiveValues) {
  auto p = std::make_unique<Pipeline>("served");
  auto& work = p->add<cells::Delay>("work", {}, ScaleUp{2});
  p->expose(work.in, "x");
  p->expose(work.out, "y");
  p->start();
  p->scale("work", 5);
  p->set_param("work", "sleep_ms", 2.5);
  const json d = p->describe();
  EXPECT_EQ(d["running"], true);
  EXPECT_EQ(d["cells"][0]["clones"], 5);
  EXPECT_EQ(d["cells"][0]["params"]["sleep_ms"], 2.5);
  p->stop();
  EXPECT_EQ(p->describe()["cells"][0]["clones"], 2);  // the configured count again
}

TEST(Describe, DotIsDrawnFromTheDescription) {
  const auto p = reversed_chain();
  const std::string dot = to_dot(*p);
  for (const char* part :
       {"subgraph \"cluster_stage\"", "label=\"stage ×2\"",
        "\"stage/slow\" [shape=box, label=\"slow ×3\"]", "\"src\" -> \"stage:in\"",
        "\"stage:in\" -> \"stage/rep\"", "\"stage/slow\" -> \"stage:out\"", "\"out\" -> \":y\""})
    EXPECT_NE(dot.find(part), std::string::npos) << part << "\n" << dot;
}

}  // namespace
}  // namespace cellflow::testing
