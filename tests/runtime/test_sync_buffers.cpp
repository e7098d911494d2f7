// The synchronisers' tuple rules on hand-built arrival sequences (the policy logic alone; the
// runtime tests in test_streams.cpp run the same policies between real sources).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "detail/sync_buffers.hpp"

namespace cellflow::testing {
namespace {

using detail::SyncBuffers;
using std::chrono::milliseconds;

// Feeds `arrivals` ({input, stamp in ms}) in order and prints every tuple shipped after each
// arrival as "t:a,b" (stamps of the values, "-" for an absent input).
class Feeder {
 public:
  Feeder(Sync sync, std::size_t inputs, std::size_t driver = 0) : buffers_(sync, inputs, driver) {}

  std::vector<std::string> feed(const std::vector<std::pair<std::size_t, int>>& arrivals) {
    for (const auto& [input, ms] : arrivals) {
      buffers_.push(input, {milliseconds(ms), Value(ms), nullptr, {}});
      drain();
    }
    return std::exchange(shipped_, {});
  }
  std::vector<std::string> end_all(std::size_t inputs) {
    for (std::size_t i = 0; i < inputs; ++i) buffers_.end(i);
    drain();
    return std::exchange(shipped_, {});
  }
  int drops() {
    int n = 0;
    for (const auto& r : buffers_.take_released()) n += r.reason != SyncBuffers::Reason::kUsed;
    return n;
  }
  SyncBuffers& buffers() { return buffers_; }

 private:
  void drain() {
    while (auto tuple = buffers_.next()) {
      std::string line = std::to_string(tuple->ts.count() / 1000000) + ":";
      for (std::size_t i = 0; i < tuple->values.size(); ++i)
        line += (i ? "," : "") +
                (tuple->values[i] ? std::to_string(tuple->values[i]->get<int>()) : "-");
      shipped_.push_back(line);
    }
  }
  SyncBuffers buffers_;
  std::vector<std::string> shipped_;
};

using Lines = std::vector<std::string>;

TEST(SyncBuffers, ExactPairsEqualStampsOldestFirstAndDropsWhatCannotMatch) {
  Feeder f(Sync::exact(), 2);
  EXPECT_EQ(f.feed({{0, 0}, {0, 10}, {0, 20}, {1, 10}, {1, 20}, {1, 30}, {0, 30}}),
            (Lines{"10:10,10", "20:20,20", "30:30,30"}));
  EXPECT_EQ(f.drops(), 1) << "a's 0 has no partner once b starts at 10";
  EXPECT_TRUE(f.end_all(2).empty());
  EXPECT_TRUE(f.buffers().finished());
}

TEST(SyncBuffers, ExactWaitsForTheSlowInputWithoutDropping) {
  Feeder f(Sync::exact(), 2);
  EXPECT_TRUE(f.feed({{0, 0}, {0, 3}, {0, 6}, {0, 9}}).empty());
  EXPECT_EQ(f.buffers().size(0), 4u);
  EXPECT_EQ(f.feed({{1, 0}, {1, 3}}), (Lines{"0:0,0", "3:3,3"}));
  EXPECT_EQ(f.drops(), 0);
  EXPECT_TRUE(f.end_all(2).empty());
  EXPECT_EQ(f.drops(), 2) << "6 and 9 never found a partner before the end";
}

TEST(SyncBuffers, ZipPairsByIndexWhateverTheStamps) {
  Feeder f(Sync::zip(), 2);
  EXPECT_EQ(f.feed({{0, 1}, {0, 2}, {1, 50}, {1, 60}, {1, 70}}), (Lines{"50:1,50", "60:2,60"}));
  EXPECT_TRUE(f.end_all(2).empty());
  EXPECT_EQ(f.drops(), 1);
}

// rusted_pipe's worked example (tolerance 5; a: 0, 10, 20, 30; b: 3, 21, 40, in time order).
TEST(SyncBuffers, RealtimeWaitAllShipsTheNewestCompleteTupleWithinTolerance) {
  Feeder f(Sync::realtime(milliseconds(5)), 2);
  EXPECT_EQ(f.feed({{0, 0}, {1, 3}}), (Lines{"3:0,3"}));
  EXPECT_TRUE(f.feed({{0, 10}, {0, 20}}).empty()) << "b has nothing near 10 or 20 yet";
  EXPECT_EQ(f.feed({{1, 21}}), (Lines{"21:20,21"}));
  EXPECT_EQ(f.drops(), 1) << "a's 10 was older than the shipped tuple: stale";
  EXPECT_TRUE(f.feed({{0, 30}, {1, 40}}).empty()) << "30 and 40 are 10 apart";
  EXPECT_TRUE(f.end_all(2).empty());
}

TEST(SyncBuffers, RealtimeNeverReshipsDataAtOrBeforeTheLastShippedTime) {
  Feeder f(Sync::realtime(milliseconds(5)), 2);
  EXPECT_EQ(f.feed({{0, 20}, {1, 22}}), (Lines{"22:20,22"}));
  EXPECT_TRUE(f.feed({{0, 18}, {1, 21}}).empty()) << "both at or before 22: dropped on arrival";
  EXPECT_EQ(f.drops(), 2);
  EXPECT_EQ(f.feed({{0, 30}, {1, 31}}), (Lines{"31:30,31"}));
}

TEST(SyncBuffers, RealtimeWithoutWaitAllShipsPartialTuplesAtOnce) {
  Feeder f(Sync::realtime(milliseconds(5), false), 2);
  EXPECT_EQ(f.feed({{0, 0}, {1, 3}, {0, 10}, {0, 20}, {1, 21}, {0, 30}, {1, 40}}),
            (Lines{"0:0,-", "3:-,3", "10:10,-", "20:20,-", "21:-,21", "30:30,-", "40:-,40"}));
  Feeder g(Sync::realtime(milliseconds(5), false), 2);
  EXPECT_EQ(g.feed({{0, 10}}), (Lines{"10:10,-"}));
  EXPECT_EQ(g.feed({{1, 14}}), (Lines{"14:-,14"})) << "10 was shipped: never again";
  EXPECT_EQ(g.feed({{1, 30}, {0, 31}}), (Lines{"30:-,30", "31:31,-"}));
}

TEST(SyncBuffers, LatestHoldsTheNewestSideValueAtOrBeforeTheDriver) {
  Feeder f(Sync::latest(), 2, 0);
  EXPECT_EQ(f.feed({{0, 0}}), (Lines{"0:0,-"})) << "no side value yet: absent";
  EXPECT_EQ(f.feed({{1, 0}, {1, 200}, {0, 40}, {0, 80}}), (Lines{"40:40,0", "80:80,0"}));
  EXPECT_EQ(f.feed({{1, 400}, {0, 200}, {0, 240}}), (Lines{"200:200,200", "240:240,200"}));
  EXPECT_EQ(f.drops(), 0) << "every side value was used";
  EXPECT_EQ(f.feed({{1, 600}, {1, 800}, {1, 1000}, {0, 1000}}), (Lines{"1000:1000,1000"}));
  EXPECT_EQ(f.drops(), 3) << "400, 600 and 800 were replaced before any driver item used them";
  EXPECT_TRUE(f.end_all(2).empty());
  EXPECT_TRUE(f.buffers().finished());
}

}  // namespace
}  // namespace cellflow::testing
