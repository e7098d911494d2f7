// `cellflow run --trace FILE` on the people video example: the file is Chrome trace-event JSON
// with a span for every frame in every cell, on one track per clone of the cloned detector.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "cli_test_support.hpp"

namespace cellflow::cli_testing {
namespace {

TEST_F(CellflowCli, RunTrace_PeopleVideo_SpansForEveryCellAndClone) {
  const std::string trace = (dir_ / "people.trace.json").string();
  const CliRun run = cli({"run", "--config", (kExampleConfigs / "people_video.json").string(),
                          "--set", "video.max_frames=6", "--set",
                          "writer.path=" + (dir_ / "people.avi").string(), "--trace", trace});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_EQ(run.out_lines().size(), 6u);
  const json events = json::parse(read_file(trace));  // complete JSON: the array is closed
  std::map<int, std::string> tracks;
  for (const json& e : events)
    if (e["ph"] == "M" && e["name"] == "thread_name") tracks[e["tid"]] = e["args"]["name"];
  std::map<std::string, std::set<std::uint64_t>> frames;  // cell -> seqs
  std::set<std::string> detect_tracks;
  for (const json& e : events) {
    if (e["ph"] != "X" || e["cat"] != "cell") continue;
    frames[e["name"]].insert(e["args"]["seq"].get<std::uint64_t>());
    if (e["name"] == "detect") detect_tracks.insert(tracks.at(e["tid"]));
  }
  for (const char* cell : {"video", "detect", "draw", "writer", "json"})
    EXPECT_EQ(frames[cell], (std::set<std::uint64_t>{0, 1, 2, 3, 4, 5})) << cell;
  EXPECT_EQ(detect_tracks, (std::set<std::string>{"detect [clone 0]", "detect [clone 1]"}))
      << "2 clones, 6 frames: both clones worked";
  const CliRun bad = cli({"run", "--config", (kExampleConfigs / "counter_repeat.json").string(),
                          "--trace", "/nonexistent-dir/t.json"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_TRUE(contains(bad.err, "cannot write the trace file '/nonexistent-dir/t.json'"))
      << bad.err;
}

}  // namespace
}  // namespace cellflow::cli_testing
