// `cellflow cells` and `cellflow graph`, run as a real process: the registered types with their
// ports, params, live flags and rules; a config's pipeline as DOT and as JSON.
#include <gtest/gtest.h>

#include <algorithm>

#include "cli_test_support.hpp"

namespace cellflow::cli_testing {
namespace {

// ---------------------------------------------------------------------------------------------
// cells

TEST_F(CellflowCli, Cells_ListsTypesSortedWithPortsAndParams) {
  const CliRun run = cli({"cells"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const int add = line_containing(run.out, "Add  a + b for JSON numbers");
  const int counter = line_containing(run.out, "Counter  source of the integers");
  const int delay = line_containing(run.out, "Delay  passes JSON values through");
  const int fail = line_containing(run.out, "Fail  ");
  const int repeat = line_containing(run.out, "Repeat  ");
  EXPECT_EQ(add, 0) << run.out;
  EXPECT_LT(add, counter);
  EXPECT_LT(counter, delay);
  EXPECT_LT(delay, fail);
  EXPECT_LT(fail, repeat);
  const std::string delay_section = run.out.substr(run.out.find("Delay  "));
  for (const char* part : {"ports:", "params:", "sleep_ms", "number", "default 0.0",
                           "milliseconds per item", "jitter_ms", "busy", "default false", "seed"}) {
    EXPECT_TRUE(contains(delay_section.substr(0, delay_section.find("\nFail")), part))
        << part << " missing in: " << delay_section;
  }
  EXPECT_GT(line_containing(delay_section, "in   input"), 0) << delay_section;
  EXPECT_GT(line_containing(delay_section, "out  output"), 0) << delay_section;
}

TEST_F(CellflowCli, Cells_Json_IsMachineReadable) {
  const CliRun run = cli({"cells", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json types = json::parse(run.out);
  // The built-in cells (7), the vision cells (15) and the Redis Streams cells (2), sorted.
  ASSERT_EQ(types.size(), 24u);
  EXPECT_EQ(types[0]["type"], "Add");
  std::vector<std::string> names;
  for (const json& t : types) names.push_back(t["type"]);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  for (const char* type : {"FaceDetector", "MotionDetector", "TextRecognizer", "JoinWords",
                           "VideoSource", "Ticker", "RedisStreamSource", "RedisStreamSink"})
    EXPECT_NE(std::find(names.begin(), names.end(), type), names.end()) << type;
  const auto delay_at = std::find(names.begin(), names.end(), "Delay");
  ASSERT_NE(delay_at, names.end());
  const json& delay = types[delay_at - names.begin()];
  EXPECT_FALSE(delay["description"].get<std::string>().empty());
  ASSERT_EQ(delay["ports"].size(), 2u);
  EXPECT_EQ(delay["ports"][0]["name"], "in");
  EXPECT_EQ(delay["ports"][0]["direction"], "input");
  EXPECT_EQ(delay["ports"][1]["name"], "out");
  EXPECT_EQ(delay["ports"][1]["direction"], "output");
  EXPECT_EQ(delay["ports"][0]["type"], delay["ports"][1]["type"]);
  EXPECT_TRUE(contains(delay["ports"][0]["type"].get<std::string>(), "json"));
  const json& sleep_ms = delay["params"][0];
  EXPECT_EQ(sleep_ms["name"], "sleep_ms");
  EXPECT_EQ(sleep_ms["kind"], "number");
  EXPECT_EQ(sleep_ms["default"], 0.0);
  EXPECT_EQ(sleep_ms["description"], "milliseconds per item");
  EXPECT_EQ(sleep_ms["live"], true);             // Pipeline::set_param can change it
  EXPECT_EQ(delay["params"][1]["live"], false);  // jitter_ms
}

TEST_F(CellflowCli, Cells_FilterRepeat_ListsOnlyRepeat) {
  const CliRun run = cli({"cells", "Repeat", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json types = json::parse(run.out);
  ASSERT_EQ(types.size(), 1u);
  EXPECT_EQ(types[0]["type"], "Repeat");
  EXPECT_EQ(types[0]["params"][0]["name"], "times");
  EXPECT_EQ(types[0]["params"][0]["default"], 1);
  EXPECT_EQ(types[0]["params"][0]["constraint"], "must be >= 0");
  const CliRun text = cli({"cells", "Repeat"});
  EXPECT_TRUE(contains(text.out, "live: copies emitted per input; must be >= 0")) << text.out;
}

TEST_F(CellflowCli, Cells_UnknownFilter_ListsKnownTypes) {
  const CliRun run = cli({"cells", "Blur"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  for (const char* part : {"error: ", "Blur", "Counter", "Delay", "Fail", "Repeat"}) {
    EXPECT_TRUE(contains(run.err, part)) << part << " missing in: " << run.err;
  }
}

// ---------------------------------------------------------------------------------------------
// graph

TEST_F(CellflowCli, Graph_PrintsGraphvizDot) {
  const CliRun run = cli({"graph", "--config", (kExampleConfigs / "counter_repeat.json").string()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.rfind("digraph", 0), 0u) << run.out;
  for (const char* part : {"counter", "delay", "repeat", "}"}) {
    EXPECT_TRUE(contains(run.out, part)) << part << " missing in: " << run.out;
  }
}

TEST_F(CellflowCli, Graph_Json_PrintsTheTopologyWithTheOverrides) {
  const CliRun run =
      cli({"graph", "--json", "--config", write_config("p.json", counter_delay_repeat(3, 1)),
           "--clones", "delay=4", "--set", "repeat.times=2"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json d = json::parse(run.out);
  std::vector<std::string> names;
  for (const json& cell : d["cells"]) names.push_back(cell["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"counter", "delay", "repeat"}));
  EXPECT_EQ(d["cells"][0]["source"], true);
  EXPECT_EQ(d["cells"][1]["clones"], 4);
  EXPECT_EQ(d["cells"][2]["params"]["times"], 2);
  EXPECT_EQ(d["cells"][2]["live_params"], json::array({"times"}));
  EXPECT_EQ(d["connections"][0]["from"], "counter.out");
}

TEST_F(CellflowCli, Graph_UnknownType_IsConfigError) {
  json config = counter_delay_repeat(3, 1);
  config["cells"][0]["type"] = "Camera";
  const CliRun run = cli({"graph", "--config", write_config("p.json", config)});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_TRUE(contains(run.err, "Camera")) << run.err;
}

}  // namespace
}  // namespace cellflow::cli_testing
