// The `cellflow` command-line tool, run as a real process on configs written to a temp dir:
// exact stdout lines, exit codes and error messages, as a user (or a shell script) sees them.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Lines = std::vector<std::string>;
using nlohmann::json;

const std::string kCli = CELLFLOW_CLI_PATH;
const fs::path kExampleConfigs = CELLFLOW_EXAMPLE_CONFIGS;

struct CliRun {
  int exit_code = -1;  // 128 + signal when the process was killed
  std::string out;
  std::string err;

  Lines out_lines() const {
    Lines lines;
    std::istringstream stream(out);
    for (std::string line; std::getline(stream, line);) lines.push_back(line);
    return lines;
  }
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int wait_exit_code(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Runs `cellflow args...` with stdin from /dev/null, stdout to a file and stderr to a file (or to
// `stderr_path`, e.g. a terminal), and waits for it.
CliRun run_cli(const Lines& args, const fs::path& dir, const std::string& stderr_path = {}) {
  const fs::path out = dir / "stdout.txt";
  const fs::path err = stderr_path.empty() ? dir / "stderr.txt" : fs::path(stderr_path);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int err_flags = stderr_path.empty() ? O_WRONLY | O_CREAT | O_TRUNC : O_RDWR | O_NOCTTY;
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), err_flags, 0644);
  Lines storage = {kCli};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : storage) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, kCli.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  CliRun run;
  if (spawned != 0) {
    ADD_FAILURE() << "cannot spawn " << kCli << ": errno " << spawned;
    return run;
  }
  run.exit_code = wait_exit_code(pid);
  run.out = read_file(out);
  if (stderr_path.empty()) run.err = read_file(err);
  return run;
}

// Lines {"<key>":v} for each v in `values`.
Lines json_lines(const std::string& key, const std::vector<int>& values) {
  Lines lines;
  for (int v : values) lines.push_back("{\"" + key + "\":" + std::to_string(v) + "}");
  return lines;
}

std::vector<int> range(int n) {
  std::vector<int> values;
  for (int i = 0; i < n; ++i) values.push_back(i);
  return values;
}

// One "connections" entry. (A braced list of string pairs would become a JSON object.)
json edge(const std::string& from, const std::string& to) { return json::array({from, to}); }

// Counter(count) -> Delay(sleep/jitter ms) -> Repeat(times), output "y".
json counter_delay_repeat(int count, int times, double sleep_ms = 1, double jitter_ms = 1) {
  return {{"name", "counter_repeat"},
          {"cells",
           {{{"name", "counter"}, {"type", "Counter"}, {"params", {{"count", count}}}},
            {{"name", "delay"},
             {"type", "Delay"},
             {"params", {{"sleep_ms", sleep_ms}, {"jitter_ms", jitter_ms}}}},
            {{"name", "repeat"}, {"type", "Repeat"}, {"params", {{"times", times}}}}}},
          {"connections",
           json::array({edge("counter.out", "delay.in"), edge("delay.out", "repeat.in")})},
          {"outputs", {{"y", "repeat.out"}}}};
}

// Counter(count) -> Fail(on), output "y".
json counter_fail(int count, const json& on, const std::string& message) {
  return {{"name", "failing"},
          {"cells",
           {{{"name", "counter"}, {"type", "Counter"}, {"params", {{"count", count}}}},
            {{"name", "check"}, {"type", "Fail"}, {"params", {{"on", on}, {"message", message}}}}}},
          {"connections", json::array({edge("counter.out", "check.in")})},
          {"outputs", {{"y", "check.out"}}}};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class CellflowCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "cellflow_cli_XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  std::string write_config(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
  std::string write_config(const std::string& name, const json& config) {
    return write_config(name, config.dump(2));
  }
  CliRun cli(const Lines& args) { return run_cli(args, dir_); }

  fs::path dir_;
};

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
  const CliRun run = cli({"run", "--config", write_config("p.json", config)});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(contains(run.err, "exposes inputs ('x')")) << run.err;
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

// Index of the first line of `text` containing `part`, or -1.
int line_containing(const std::string& text, const std::string& part) {
  std::istringstream stream(text);
  int index = 0;
  for (std::string line; std::getline(stream, line); ++index) {
    if (contains(line, part)) return index;
  }
  return -1;
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
// cells

TEST_F(CellflowCli, Cells_ListsTypesSortedWithPortsAndParams) {
  const CliRun run = cli({"cells"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const int counter = line_containing(run.out, "Counter  source of the integers");
  const int delay = line_containing(run.out, "Delay  passes JSON values through");
  const int fail = line_containing(run.out, "Fail  ");
  const int repeat = line_containing(run.out, "Repeat  ");
  EXPECT_EQ(counter, 0) << run.out;
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
  // The built-in cells (4), the vision cells (14) and the Redis Streams cells (2), sorted.
  ASSERT_EQ(types.size(), 20u);
  EXPECT_EQ(types[0]["type"], "Counter");
  std::vector<std::string> names;
  for (const json& t : types) names.push_back(t["type"]);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  for (const char* type : {"FaceDetector", "TextRecognizer", "JoinWords", "VideoSource",
                           "RedisStreamSource", "RedisStreamSink"})
    EXPECT_NE(std::find(names.begin(), names.end(), type), names.end()) << type;
  const json& delay = types[2];
  EXPECT_EQ(delay["type"], "Delay");
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
