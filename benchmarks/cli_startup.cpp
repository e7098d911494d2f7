// bench_cli_startup: how long the `cellflow` command takes, start to exit, for the commands users
// call in loops and scripts (docs/benchmarks.md, "CLI start-up"). Each command runs RUNS times,
// interleaved with a bare C++ process (this program re-run with --noop: no cellflow library, only
// libstdc++), so a slow moment of the shared machine hits both. Per command, one JSON line: the
// median wall time, the reference's, the median of the pairwise differences (what cellflow adds),
// and whether the median is within the 50 ms the CLI must start in (issue 24). With --vs OTHER,
// another `cellflow` binary (an older build) runs the same commands in the same rounds, and the
// line adds its median and the median pairwise ratio.
//
// The last line, `run` of a one-image vision config (FileSource -> DecodeImage), has no limit:
// it shows what a command that decodes an image pays for loading OpenCV's imgcodecs (the codecs'
// plugin, libcellflow_opencv_io.so), which the others never load.
//
// Usage: bench_cli_startup [RUNS=31] [--cli PATH] [--vs PATH]
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Args = std::vector<std::string>;

constexpr double kLimitMs = 50;

/// Runs `args` with stdin, stdout and stderr on /dev/null; returns the wall milliseconds from
/// spawn to reaped. Throws when it cannot start or exits non-zero.
double run_ms(const Args& args) {
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  for (int fd : {0, 1, 2})
    posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0);
  const auto start = Clock::now();
  pid_t pid = 0;
  const int error = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) throw std::runtime_error("cannot start " + args[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string command;
    for (const auto& arg : args) command += arg + " ";
    throw std::runtime_error("failed (status " + std::to_string(status) + "): " + command);
  }
  return ms;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double round3(double value) { return std::round(value * 1000) / 1000; }

double loadavg() {
  double load = -1;
  std::ifstream("/proc/loadavg") >> load;
  return load;
}

void write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

/// The configs the commands read, in a fresh temp directory.
struct Configs {
  fs::path dir = fs::temp_directory_path() / ("cellflow_cli_startup_" + std::to_string(getpid()));
  fs::path one_item = dir / "one_item.json";
  fs::path one_image = dir / "one_image.json";

  Configs() {
    fs::create_directories(dir / "images");
    write(one_item, R"({"name": "one_item",
      "cells": [{"name": "counter", "type": "Counter", "params": {"count": 1}},
                {"name": "repeat", "type": "Repeat", "params": {"times": 1}}],
      "connections": [["counter.out", "repeat.in"]], "outputs": {"y": "repeat.out"}})");
    write(dir / "images" / "gray.pgm", std::string("P5\n2 2\n255\n") + "\x10\x20\x30\x40");
    write(one_image, R"({"name": "one_image",
      "cells": [{"name": "files", "type": "FileSource",
                 "params": {"path": ")" +
                         (dir / "images").string() +
                         R"(", "extensions": [".pgm"]}},
                {"name": "decode", "type": "DecodeImage"}],
      "connections": [["files.bytes", "decode.bytes"]], "outputs": {"image": "decode.image"}})");
  }
  ~Configs() { fs::remove_all(dir); }
};

struct Command {
  std::string name;
  Args args;  // after the binary
  bool limited = true;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--noop") return 0;  // the reference process
  int runs = 31;
  std::string cli = CELLFLOW_CLI_PATH, other;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--cli" && i + 1 < argc)
      cli = argv[++i];
    else if (arg == "--vs" && i + 1 < argc)
      other = argv[++i];
    else
      runs = std::max(1, std::stoi(arg));
  }
  const std::string self = fs::canonical("/proc/self/exe").string();
  const Configs configs;
  const std::vector<Command> commands = {
      {"--version", {"--version"}},
      {"cells", {"cells"}},
      {"validate", {"validate", "--config", configs.one_item.string()}},
      {"run", {"run", "--config", configs.one_item.string()}},
      {"run (vision: one image decoded)", {"run", "--config", configs.one_image.string()}, false}};
  const auto with = [](const std::string& binary, const Args& args) {
    Args all{binary};
    all.insert(all.end(), args.begin(), args.end());
    return all;
  };
  try {
    for (const Command& command : commands) {
      std::vector<double> times, reference, added, others, ratios;
      const Args args = with(cli, command.args), other_args = with(other, command.args);
      run_ms(args);  // warm the page cache
      if (!other.empty()) run_ms(other_args);
      for (int r = 0; r < runs; ++r) {
        reference.push_back(run_ms({self, "--noop"}));
        times.push_back(run_ms(args));
        added.push_back(times.back() - reference.back());
        if (other.empty()) continue;
        others.push_back(run_ms(other_args));
        ratios.push_back(times.back() / others.back());
      }
      nlohmann::json line = {{"bench", "cli_startup"},
                             {"command", "cellflow " + command.name},
                             {"runs", runs},
                             {"median_ms", round3(median(times))},
                             {"min_ms", round3(*std::min_element(times.begin(), times.end()))},
                             {"max_ms", round3(*std::max_element(times.begin(), times.end()))},
                             {"bare_process_median_ms", round3(median(reference))},
                             {"added_median_ms", round3(median(added))},
                             {"loadavg_1min", loadavg()}};
      if (command.limited) {
        line["limit_ms"] = kLimitMs;
        line["within_limit"] = median(times) <= kLimitMs;
      }
      if (!other.empty()) {
        line["vs_median_ms"] = round3(median(others));
        line["ratio_vs"] = round3(median(ratios));
      }
      std::printf("%s\n", line.dump().c_str());
      std::fflush(stdout);
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "bench_cli_startup: %s\n", error.what());
    return 1;
  }
  return 0;
}
