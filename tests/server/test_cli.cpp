// The `cellflow` command-line tool, run as a real process on configs written to a temp dir:
// exact stdout lines, exit codes and error messages, as a user (or a shell script) sees them.
// `cells` and `graph` are in test_cli_inspect.cpp.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "cli_test_support.hpp"

namespace cellflow::cli_testing {
namespace {

// ---------------------------------------------------------------------------------------------
// run

TEST_F(CellflowCli, Run_Counter5_Repeat2_PrintsTenLinesInOrder) {
  const auto config = write_config("p.json", counter_delay_repeat(5, 2));
  const CliRun run = cli({"run", "--config", config});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out_lines(), json_lines("y", {0, 0, 1, 1, 2, 2, 3, 3, 4, 4}));
  EXPECT_EQ(run.err, "");  // no progress: stderr is not a terminal
}

TEST_F(CellflowCli, Run_ExampleCounterRepeat_PrintsTenLinesInOrder) {
  const CliRun run = cli({"run", "-c", (kExampleConfigs / "counter_repeat.json").string()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out_lines(), json_lines("y", {0, 0, 1, 1, 2, 2, 3, 3, 4, 4}));
}

TEST_F(CellflowCli, Run_Clones_delay4_Jitter_KeepsOrder) {
  const auto config = write_config("p.json", counter_delay_repeat(40, 1, 2, 2));
  const CliRun run = cli({"run", "--config", config, "--clones", "delay=4"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out_lines(), json_lines("y", range(40)));
}

TEST_F(CellflowCli, Run_NestedClonePath_stage_delay3_KeepsOrder) {
  const CliRun run = cli(
      {"run", "--config", (kExampleConfigs / "nested.json").string(), "--clones", "stage/delay=3"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out_lines(), json_lines("y", range(6)));
}

TEST_F(CellflowCli, Run_MaxInFlight1_PrintsEveryValue) {
  const auto config = write_config("p.json", counter_delay_repeat(8, 1));
  const CliRun run = cli({"run", "--config", config, "--max-in-flight", "1"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out_lines(), json_lines("y", range(8)));
}

TEST_F(CellflowCli, Run_MaxInFlight0_IsUsageError) {
  const auto config = write_config("p.json", counter_delay_repeat(3, 1));
  const CliRun run = cli({"run", "--config", config, "--max-in-flight", "0"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err.rfind("error: ", 0), 0u) << run.err;
  EXPECT_TRUE(contains(run.err, "--max-in-flight")) << run.err;
}

TEST_F(CellflowCli, Run_Repeat0_ItemsWithoutValuesPrintNothing) {
  const auto config = write_config("p.json", counter_delay_repeat(4, 0));
  const CliRun run = cli({"run", "--config", config});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "");
}

TEST_F(CellflowCli, Run_TwoOutputs_LineIHoldsTheIthValueOfEach) {
  const json config = {{"name", "fan_out"},
                       {"cells",
                        {{{"name", "counter"}, {"type", "Counter"}, {"params", {{"count", 3}}}},
                         {{"name", "delay"}, {"type", "Delay"}},
                         {{"name", "repeat"}, {"type", "Repeat"}, {"params", {{"times", 2}}}}}},
                       {"connections", json::array({edge("counter.out", "delay.in"),
                                                    edge("counter.out", "repeat.in")})},
                       {"outputs", {{"a", "delay.out"}, {"b", "repeat.out"}}}};
  const CliRun run = cli({"run", "--config", write_config("p.json", config)});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out_lines(), (Lines{R"({"a":0,"b":0})", R"({"b":0})", R"({"a":1,"b":1})",
                                    R"({"b":1})", R"({"a":2,"b":2})", R"({"b":2})"}));
}

TEST_F(CellflowCli, Run_FailFast_ExitsOneNamingTheCellAndMessage) {
  const CliRun run = cli({"run", "--config", (kExampleConfigs / "fail_fast.json").string()});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.err.rfind("error: ", 0), 0u) << run.err;
  EXPECT_TRUE(contains(run.err, "value 3 is not allowed")) << run.err;
  EXPECT_TRUE(contains(run.err, "check")) << run.err;  // the failing cell's name
  // Items before the failure were delivered in order; nothing at or after it.
  EXPECT_EQ(run.out_lines(), json_lines("y", {0, 1, 2}));
}

TEST_F(CellflowCli, Run_ContinueOnError_PrintsTheOthersAndExitsOne) {
  const auto config = write_config("p.json", counter_fail(5, {1, 3}, "odd one out"));
  const CliRun run = cli({"run", "--config", config, "--continue-on-error"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out_lines(), json_lines("y", {0, 2, 4}));
  EXPECT_TRUE(contains(run.err, "error: item 1: ")) << run.err;
  EXPECT_TRUE(contains(run.err, "error: item 3: ")) << run.err;
  EXPECT_TRUE(contains(run.err, "odd one out")) << run.err;
  EXPECT_TRUE(contains(run.err, "check")) << run.err;
  EXPECT_TRUE(contains(run.err, "error: 2 of 5 items failed")) << run.err;
}

TEST_F(CellflowCli, Run_UnknownType_ListsKnownTypes) {
  json config = counter_delay_repeat(3, 1);
  config["cells"][1]["type"] = "NoSuchCell";
  const CliRun run = cli({"run", "--config", write_config("p.json", config)});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err.rfind("error: ", 0), 0u) << run.err;
  for (const char* part : {"NoSuchCell", "Counter", "Delay", "Fail", "Repeat"}) {
    EXPECT_TRUE(contains(run.err, part)) << part << " missing in: " << run.err;
  }
}

TEST_F(CellflowCli, Run_MissingConfigFile_IsUsageErrorNamingTheFile) {
  const CliRun run = cli({"run", "--config", (dir_ / "absent.json").string()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err.rfind("error: ", 0), 0u) << run.err;
  EXPECT_TRUE(contains(run.err, "absent.json")) << run.err;
}

TEST_F(CellflowCli, Run_MalformedJson_NamesTheFileAndLine) {
  const auto config =
      write_config("broken.json", std::string("{\n  \"name\": \"x\",\n  oops\n}\n"));
  const CliRun run = cli({"run", "--config", config});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err.rfind("error: ", 0), 0u) << run.err;
  EXPECT_TRUE(contains(run.err, "broken.json")) << run.err;
  EXPECT_TRUE(contains(run.err, "line 3")) << run.err;
}

TEST_F(CellflowCli, Run_ClonesUnknownPath_ListsValidPaths) {
  const auto config = write_config("p.json", counter_delay_repeat(3, 1));
  const CliRun run = cli({"run", "--config", config, "--clones", "nosuch=2"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err.rfind("error: ", 0), 0u) << run.err;
  for (const char* part : {"nosuch", "counter", "delay", "repeat"}) {
    EXPECT_TRUE(contains(run.err, part)) << part << " missing in: " << run.err;
  }
}

TEST_F(CellflowCli, Run_ClonesBadCount_IsUsageError) {
  const auto config = write_config("p.json", counter_delay_repeat(3, 1));
  const CliRun run = cli({"run", "--config", config, "--clones", "delay=zero"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_TRUE(contains(run.err, "delay=zero")) << run.err;
}

TEST_F(CellflowCli, Run_PipelineWithExposedInputs_IsRejected) {
  const json config = {{"name", "request_only"},
                       {"cells", {{{"name", "delay"}, {"type", "Delay"}}}},
                       {"inputs", {{"x", "delay.in"}}},
                       {"outputs", {{"y", "delay.out"}}}};
  const std::string file = write_config("p.json", config);
  const CliRun run = cli({"run", "--config", file});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(contains(run.err,
                       "pipeline 'request_only' exposes inputs ('x'); 'cellflow run' "
                       "needs a pipeline fed by sources only. A pipeline with inputs "
                       "answers requests: serve it with 'cellflow serve --config " +
                           file + "'"))
      << run.err;
}

// ---------------------------------------------------------------------------------------------
// validate

TEST_F(CellflowCli, Validate_ValidConfig_PrintsOkWithCellCount) {
  const CliRun run =
      cli({"validate", "--config", (kExampleConfigs / "counter_repeat.json").string()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out_lines(), Lines{"ok: counter_repeat (3 cells)"});
  EXPECT_EQ(run.err, "");
}

TEST_F(CellflowCli, Validate_NestedConfig_CountsLeafCells) {
  const CliRun run = cli({"validate", "--config", (kExampleConfigs / "nested.json").string()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out_lines(), Lines{"ok: nested (3 cells)"});
}

// As `--set video.uri=0` names camera "0": a string param takes the text even when it is a
// number. (Fail's message stands in for the uri: opening a camera is not for CI machines.)
TEST_F(CellflowCli, Set_AStringParamTakesANumberAsText) {
  const CliRun run = cli({"run", "--config", (kExampleConfigs / "fail_fast.json").string(), "--set",
                          "check.message=0"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(run.err, "error: cell 'check' failed: 0\n");
}

TEST_F(CellflowCli, ValidateOpen_FindsAMissingModelFileBeforeServing) {
  const std::string faces = (kExampleConfigs / "faces.json").string();
  const std::string missing = "detect.model=/nonexistent/blazeface.onnx";
  const CliRun plain = cli({"validate", "--config", faces, "--set", missing});
  EXPECT_EQ(plain.exit_code, 0) << "without --open nothing is opened: " << plain.err;
  const CliRun opened = cli({"validate", "--config", faces, "--set", missing, "--open"});
  EXPECT_EQ(opened.exit_code, 2);
  EXPECT_TRUE(contains(opened.err, "/nonexistent/blazeface.onnx")) << opened.err;
  EXPECT_TRUE(contains(opened.err, "scripts/fetch-models.sh")) << opened.err;
  const CliRun counter =
      cli({"validate", "--config", (kExampleConfigs / "counter_repeat.json").string(), "--open"});
  EXPECT_EQ(counter.exit_code, 0) << counter.err;
  EXPECT_EQ(counter.out_lines(), Lines{"ok: counter_repeat (3 cells, all opened)"});
}

TEST_F(CellflowCli, Validate_ThreeProblems_ListsEachOnItsOwnLine) {
  json config = counter_delay_repeat(3, 1);
  config["cells"][1]["params"]["sleep_ms"] = "slow";              // wrong param type
  config["connections"][1] = edge("delay.out", "repeat.nosuch");  // unknown port
  config["outputs"]["z"] = "ghost.out";                           // unknown cell
  const CliRun run = cli({"validate", "--config", write_config("p.json", config)});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err.rfind("error: ", 0), 0u) << run.err;
  EXPECT_TRUE(contains(run.err, " problems:\n")) << run.err;
  const int param = line_containing(run.err, "sleep_ms");
  const int port = line_containing(run.err, "nosuch");
  const int cell = line_containing(run.err, "ghost");
  EXPECT_GT(param, 0) << run.err;
  EXPECT_GT(port, 0) << run.err;
  EXPECT_GT(cell, 0) << run.err;
  EXPECT_NE(param, port);
  EXPECT_NE(port, cell);
  EXPECT_NE(param, cell);
}

TEST_F(CellflowCli, Validate_MissingConfigOption_IsUsageError) {
  const CliRun run = cli({"validate"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err.rfind("error: ", 0), 0u) << run.err;
  EXPECT_TRUE(contains(run.err, "--config")) << run.err;
}

// ---------------------------------------------------------------------------------------------
// the command line itself

TEST_F(CellflowCli, NoSubcommand_IsUsageError) {
  const CliRun run = cli({});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err.rfind("error: ", 0), 0u) << run.err;
  EXPECT_TRUE(contains(run.err, "--help")) << run.err;
}

TEST_F(CellflowCli, UnknownSubcommand_IsUsageError) {
  const CliRun run = cli({"serve-forever"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(contains(run.err, "serve-forever")) << run.err;
}

TEST_F(CellflowCli, Help_ListsSubcommandsAndExitsZero) {
  const CliRun run = cli({"--help"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  for (const char* part : {"run", "validate", "cells", "graph"}) {
    EXPECT_TRUE(contains(run.out, part)) << part << " missing in: " << run.out;
  }
}

TEST_F(CellflowCli, Version_PrintsTheProjectVersion) {
  const CliRun run = cli({"--version"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out_lines(), Lines{CELLFLOW_TEST_VERSION});
}

// ---------------------------------------------------------------------------------------------
// progress

// Everything the terminal's master side has received so far.
std::string drain_terminal(int master) {
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(master, buffer, sizeof buffer);
    if (n <= 0) break;  // EAGAIN: nothing more; EIO: no slave open any more
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

TEST_F(CellflowCli, Progress_OnStderrTerminal_StdoutStaysClean) {
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
  ASSERT_GE(master, 0);
  ASSERT_EQ(::grantpt(master), 0);
  ASSERT_EQ(::unlockpt(master), 0);
  const std::string terminal = ::ptsname(master);
  const auto config = write_config("p.json", counter_delay_repeat(5, 2));
  const CliRun run = run_cli({"run", "--config", config}, dir_, terminal);
  const std::string progress = drain_terminal(master);
  ::close(master);
  EXPECT_EQ(run.exit_code, 0) << progress;
  EXPECT_EQ(run.out_lines(), json_lines("y", {0, 0, 1, 1, 2, 2, 3, 3, 4, 4}));
  EXPECT_TRUE(contains(progress, "5 items")) << progress;
  EXPECT_TRUE(contains(progress, "items/s")) << progress;
  EXPECT_TRUE(contains(progress, "\r")) << progress;  // redrawn in place
}

}  // namespace
}  // namespace cellflow::cli_testing
