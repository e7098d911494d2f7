// ChromeTrace: a run's trace parses as Chrome trace-event JSON, with a span per item per cell,
// one track per clone, the waits for a free clone, and drops as instant events.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"
#include "support/helpers.hpp"

namespace cellflow::testing {
namespace {

using nlohmann::json;

std::string trace_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("cellflow_" + name + ".trace.json")).string();
}

json read_json(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);  // throws when the file is not complete JSON
}

// counter (40 items) -> work (Delay 2 ms +-1, 3 clones) -> tail (plain) -> y.
json traced_run(const std::string& path) {
  Pipeline p{"traced"};
  auto& counter = p.add<cells::Counter>("counter", {{"count", 40}});
  auto& work = p.add<cells::Delay>("work", {{"sleep_ms", 2}, {"jitter_ms", 1}}, ScaleUp{3});
  auto& tail = p.add<cells::Delay>("tail");
  p.connect(counter.out, work.in);
  p.connect(work.out, tail.in);
  p.expose(tail.out, "y");
  {
    ChromeTrace trace(path);
    p.start({.observer = trace.observer("traced")});
    EXPECT_EQ(run_collect<json>(p, "y").size(), 40u);
    EXPECT_GT(trace.events(), 80u);
  }
  return read_json(path);
}

TEST(ChromeTrace, ASpanPerItemPerCellOnOneTrackPerClone) {
  const json events = traced_run(trace_path("spans"));
  ASSERT_TRUE(events.is_array());
  std::map<int, std::string> tracks;  // tid -> name
  std::string process;
  for (const json& e : events) {
    if (e["ph"] == "M" && e["name"] == "thread_name") tracks[e["tid"]] = e["args"]["name"];
    if (e["ph"] == "M" && e["name"] == "process_name") process = e["args"]["name"];
  }
  EXPECT_EQ(process, "traced");
  std::map<std::string, std::set<std::uint64_t>> seqs;         // cell -> items seen
  std::map<int, std::vector<std::pair<double, double>>> busy;  // tid -> [start, end)
  std::set<std::string> clone_tracks;
  int waits = 0;
  for (const json& e : events) {
    if (e["ph"] != "X") continue;
    ASSERT_TRUE(e.contains("ts") && e.contains("dur") && e["dur"].get<double>() >= 0) << e;
    const std::string track = tracks.at(e["tid"]);
    if (e["cat"] == "queue") {
      ++waits;
      continue;
    }
    EXPECT_EQ(track.rfind(e["name"].get<std::string>() + " [clone ", 0), 0u) << track;
    seqs[e["name"]].insert(e["args"]["seq"].get<std::uint64_t>());
    busy[e["tid"]].emplace_back(e["ts"].get<double>(),
                                e["ts"].get<double>() + e["dur"].get<double>());
    if (e["name"] == "work") clone_tracks.insert(track);
  }
  for (const char* cell : {"counter", "work", "tail"}) {
    ASSERT_EQ(seqs[cell].size(), 40u) << cell;
    EXPECT_EQ(*seqs[cell].rbegin(), 39u) << cell;
  }
  EXPECT_EQ(clone_tracks,
            (std::set<std::string>{"work [clone 0]", "work [clone 1]", "work [clone 2]"}));
  EXPECT_GT(waits, 0) << "items waited for a free clone (a track per clone shows it)";
  for (auto& [tid, spans] : busy) {  // a clone works on one item at a time
    std::sort(spans.begin(), spans.end());
    for (std::size_t i = 1; i < spans.size(); ++i)
      EXPECT_LE(spans[i - 1].second, spans[i].first + 1) << tracks[tid];
  }
}

TEST(ChromeTrace, DropsAreInstantEventsAndABadPathIsAnError) {
  const std::string path = trace_path("drops");
  {
    ChromeTrace trace(path);
    Pipeline p{"leaky"};
    auto& src = p.add<cells::Ticker>("src", {{"count", 30}, {"rate_hz", 500}});
    auto& slow = p.add<cells::Delay>("slow", {{"sleep_ms", 20}});
    p.connect(src.out, slow.in);
    p.expose(slow.out, "y");
    p.set_queue("slow", Queue::drop_oldest(1));
    p.start({.observer = trace.observer("leaky")});
    run_collect<json>(p, "y");
  }
  int drops = 0;
  for (const json& e : read_json(path))
    if (e["ph"] == "i" && e["name"] == "dropped: queue_full") ++drops;
  EXPECT_GT(drops, 0);
  const auto problems =
      join_lines(problems_of([] { ChromeTrace bad("/nonexistent-dir/x.trace.json"); }));
  EXPECT_TRUE(
      contains_all(problems, {"cannot write the trace file '/nonexistent-dir/x.trace.json'"}))
      << problems;
}

}  // namespace
}  // namespace cellflow::testing
