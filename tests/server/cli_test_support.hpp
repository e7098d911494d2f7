// Shared by the `cellflow` CLI tests: runs the tool as a real process in a temp dir and
// captures its stdout, stderr and exit code; configs the tests write.
#pragma once

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

namespace cellflow::cli_testing {

namespace fs = std::filesystem;
using Lines = std::vector<std::string>;
using nlohmann::json;

inline const std::string kCli = CELLFLOW_CLI_PATH;
inline const fs::path kExampleConfigs = CELLFLOW_EXAMPLE_CONFIGS;

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

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline int wait_exit_code(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Runs `cellflow args...` with stdin from /dev/null, stdout to a file and stderr to a file (or to
// `stderr_path`, e.g. a terminal), and waits for it.
inline CliRun run_cli(const Lines& args, const fs::path& dir, const std::string& stderr_path = {}) {
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
inline Lines json_lines(const std::string& key, const std::vector<int>& values) {
  Lines lines;
  for (int v : values) lines.push_back("{\"" + key + "\":" + std::to_string(v) + "}");
  return lines;
}

inline std::vector<int> range(int n) {
  std::vector<int> values;
  for (int i = 0; i < n; ++i) values.push_back(i);
  return values;
}

// One "connections" entry. (A braced list of string pairs would become a JSON object.)
inline json edge(const std::string& from, const std::string& to) { return json::array({from, to}); }

// Counter(count) -> Delay(sleep/jitter ms) -> Repeat(times), output "y".
inline json counter_delay_repeat(int count, int times, double sleep_ms = 1, double jitter_ms = 1) {
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
inline json counter_fail(int count, const json& on, const std::string& message) {
  return {{"name", "failing"},
          {"cells",
           {{{"name", "counter"}, {"type", "Counter"}, {"params", {{"count", count}}}},
            {{"name", "check"}, {"type", "Fail"}, {"params", {{"on", on}, {"message", message}}}}}},
          {"connections", json::array({edge("counter.out", "check.in")})},
          {"outputs", {{"y", "check.out"}}}};
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Index of the first line of `text` containing `part`, or -1.
inline int line_containing(const std::string& text, const std::string& part) {
  std::istringstream stream(text);
  int index = 0;
  for (std::string line; std::getline(stream, line); ++index) {
    if (contains(line, part)) return index;
  }
  return -1;
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

}  // namespace cellflow::cli_testing
