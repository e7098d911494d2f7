// Live parameters (Pipeline::set_param, set_params): every item admitted after set_param returns
// sees the new value in every clone, every item admitted before keeps the old one; instances catch
// up between items and hear of it in on_param_changed; errors name the cell and the param.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <random>
#include <thread>

#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"
#include "support/helpers.hpp"
#include "support/test_cells.hpp"

namespace cellflow::testing {
namespace {

// Multiplies by `factor`, through a copy taken in open() and on_param_changed, so the output
// shows that the hook ran; sleeps a random 0..jitter_us first, so clones finish out of order.
class LiveScale final : public Cell {
 public:
  Input<int> in{*this, "in"};
  Output<int> out{*this, "out"};
  Param<int> factor{*this, "factor", 2, "multiplier", at_least(0), kLive};
  Param<int> jitter_us{*this, "jitter_us", 0, "random sleep per item"};
  static inline std::atomic<int> hooks{0};

  void open() override { applied_ = *factor; }
  void on_param_changed(const std::string& name) override {
    if (name == "factor") applied_ = *factor;
    ++hooks;
  }
  void process(Context& ctx) override {
    if (*jitter_us > 0) sleep_us(std::uniform_int_distribution<int>(0, *jitter_us)(rng_));
    ctx.emit(out, ctx.get(in) * applied_);
  }

 private:
  int applied_ = 0;
  std::mt19937 rng_{std::random_device{}()};
};

void build(Pipeline& p, int clones) {
  auto& scale = p.add<LiveScale>("scale", {{"jitter_us", 300}}, ScaleUp{clones});
  p.expose(scale.in, "x");
  p.expose(scale.out, "y");
}

TEST(LiveParams, ItemsAdmittedAfterSetParamSeeTheNewValueInEveryClone) {
  Pipeline p{"live"};
  build(p, 4);
  RunOptions options;
  options.max_in_flight = 200;
  p.start(options);
  std::vector<std::future<Result>> results;
  for (int i = 0; i < 300; ++i) {
    if (i == 100) p.set_param("scale", "factor", 3);
    if (i == 200) p.set_param("scale", "factor", 5);
    results.push_back(p.submit({{"x", i}}));
  }
  for (int i = 0; i < 300; ++i) {
    const int factor = i < 100 ? 2 : i < 200 ? 3 : 5;
    ASSERT_EQ(results[i].get().get<int>("y"), i * factor) << "item " << i;
  }
  p.stop();
}

TEST(LiveParams, UnderConcurrentSubmittersTheSwitchIsOneCutInAdmissionOrder) {
  Pipeline p{"live"};
  build(p, 3);
  p.start();
  std::vector<std::thread> submitters;
  std::mutex mutex;
  std::vector<std::pair<std::uint64_t, int>> seen;  // (admission seq, factor seen)
  std::atomic<int> done{0}, new_seen{0};
  for (int t = 0; t < 3; ++t)
    submitters.emplace_back([&] {
      while (new_seen < 60) {  // until each side of the switch has plenty of items
        const Result r = p.submit({{"x", 1}}).get();
        if (r.get<int>("y") == 7) ++new_seen;
        std::lock_guard lock(mutex);
        seen.emplace_back(r.item().seq, r.get<int>("y"));
        ++done;
      }
    });
  while (done < 60) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  p.set_param("scale", "factor", 7);
  for (auto& t : submitters) t.join();
  p.stop();
  std::sort(seen.begin(), seen.end());
  std::size_t cut = 0;
  while (cut < seen.size() && seen[cut].second == 2) ++cut;
  for (std::size_t i = cut; i < seen.size(); ++i)
    ASSERT_EQ(seen[i].second, 7) << "item " << seen[i].first << " after the switch at " << cut;
  EXPECT_GT(cut, 0u);
  EXPECT_LT(cut, seen.size());
}

// Emits a * 1000 + b: two live params that must change together.
class LivePair final : public Cell {
 public:
  Input<int> in{*this, "in"};
  Output<int> out{*this, "out"};
  Param<int> a{*this, "a", 0, "first", at_least(0), kLive};
  Param<int> b{*this, "b", 0, "second", at_least(0), kLive};
  void process(Context& ctx) override {
    sleep_us(50);
    ctx.emit(out, *a * 1000 + *b);
  }
};

// set_params: items see all of one call's values or none of them, in every clone; a call with
// one invalid value changes nothing and names it.
TEST(LiveParams, SetParamsChangesSeveralParamsTogetherOrNotAtAll) {
  Pipeline p{"pair"};
  auto& pair = p.add<LivePair>("pair", json::object(), ScaleUp{3});
  p.expose(pair.in, "x");
  p.expose(pair.out, "y");
  p.start({.max_in_flight = 64});
  std::atomic<bool> stop{false};
  std::atomic<int> mixed{0}, items{0};
  std::vector<std::thread> submitters;
  for (int t = 0; t < 3; ++t)
    submitters.emplace_back([&] {
      while (!stop) {
        const int y = p.submit({{"x", 0}}).get().get<int>("y");
        if (y / 1000 != y % 1000) ++mixed;
        ++items;
      }
    });
  for (int k = 1; k <= 200; ++k) {
    p.set_params("pair", {{"a", k}, {"b", k}});
    if (k % 20 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  stop = true;
  for (auto& t : submitters) t.join();
  EXPECT_EQ(mixed, 0) << "of " << items << " items, some saw a without b";
  try {
    p.set_params("pair", {{"a", 500}, {"b", -1}});
    ADD_FAILURE() << "b = -1 was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cell 'pair'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("b"), std::string::npos) << e.what();
  }
  EXPECT_EQ(p.submit({{"x", 0}}).get().get<int>("y"), 200 * 1000 + 200) << "a was not set either";
  p.stop();
}

TEST(LiveParams, StreamModeClonesRescaledAndNestedPathsAllFollow) {
  Pipeline p{"live"};
  auto& src = p.add<IntSource>("src", {{"count", 400}});
  auto& inner = p.add<Pipeline>("inner");
  auto& scale = inner.add<LiveScale>("scale", {{"jitter_us", 200}}, ScaleUp{2});
  inner.expose(scale.in, "x");
  inner.expose(scale.out, "y");
  p.connect(src.out, inner.input<int>("x"));
  p.expose(inner.output<int>("y"), "y");
  std::vector<int> factors;
  LiveScale::hooks = 0;
  std::thread changer;
  p.run([&](Result&& r) {
    const int i = static_cast<int>(factors.size());
    factors.push_back(i == 0 ? 2 : r.get<int>("y") / i);
    if (i == 100)
      changer = std::thread([&] {
        p.scale("inner/scale", 4);  // the new clones catch up too
        p.set_param("inner/scale", "factor", 9);
      });
  });
  changer.join();
  ASSERT_EQ(factors.size(), 400u);
  std::size_t cut = 1;
  while (cut < factors.size() && factors[cut] == 2) ++cut;
  ASSERT_LT(cut, factors.size()) << "the change never took effect";
  for (std::size_t i = cut; i < factors.size(); ++i) ASSERT_EQ(factors[i], 9) << "item " << i;
  EXPECT_GE(LiveScale::hooks.load(), 1);
  EXPECT_LE(LiveScale::hooks.load(), 4);  // once per clone that took the value
}

TEST(LiveParams, AChangeLastsForTheRunThenTheConfiguredValueIsBack) {
  Pipeline p{"live"};
  auto& src = p.add<IntSource>("src", {{"count", 50}});
  auto& scale = p.add<LiveScale>("scale");  // a plain cell: the prototype itself runs
  p.connect(src.out, scale.in);
  p.expose(scale.out, "y");
  RunOptions options;
  options.max_in_flight = 2;  // the items after the 10th are admitted after the change
  p.set_options(options);
  std::vector<int> first, second;
  p.run([&](Result&& r) {
    first.push_back(r.get<int>("y"));
    if (first.size() == 10) p.set_param("scale", "factor", 5);
  });
  EXPECT_EQ(first.back(), 49 * 5);
  EXPECT_EQ(*scale.factor, 2) << "the prototype has its configured value again";
  p.run([&](Result&& r) { second.push_back(r.get<int>("y")); });
  ASSERT_EQ(second.size(), 50u);
  EXPECT_EQ(second[1], 2);
  EXPECT_EQ(second.back(), 49 * 2);
}

TEST(LiveParams, BeforeStartItIsTheConfiguredValue) {
  Pipeline p{"live"};
  build(p, 2);
  p.set_param("scale", "factor", 4);
  p.start();
  EXPECT_EQ(p.submit({{"x", 5}}).get().get<int>("y"), 20);
  p.stop();
}

TEST(LiveParams, ErrorsNameTheCellAndTheParam) {
  Pipeline p{"live"};
  auto& inner = p.add<Pipeline>("inner");
  build(inner, 2);
  p.expose_input("x", "inner.x");
  p.expose_output("y", "inner.y");
  p.start();
  auto error_of = [&](const std::string& path, const std::string& param, const nlohmann::json& v) {
    try {
      p.set_param(path, param, v);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string unknown = error_of("inner/scale", "gain", 1);
  EXPECT_NE(unknown.find("cell 'inner/scale' has no param 'gain'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("factor (live)"), std::string::npos) << unknown;
  const std::string fixed = error_of("inner/scale", "jitter_us", 5);
  EXPECT_NE(fixed.find("param 'jitter_us' of cell 'inner/scale' is not live"), std::string::npos)
      << fixed;
  const std::string wrong_type = error_of("inner/scale", "factor", "three");
  EXPECT_NE(wrong_type.find("cell 'inner/scale'"), std::string::npos) << wrong_type;
  EXPECT_NE(wrong_type.find("factor"), std::string::npos) << wrong_type;
  EXPECT_NE(wrong_type.find("expected integer"), std::string::npos) << wrong_type;
  const std::string checked = error_of("inner/scale", "factor", -1);
  EXPECT_NE(checked.find("cell 'inner/scale': params.factor: must be >= 0, got -1"),
            std::string::npos)
      << checked;
  EXPECT_NE(error_of("inner/nope", "factor", 1).find("inner/scale"), std::string::npos);
  EXPECT_NE(error_of("inner", "factor", 1).find("is a pipeline"), std::string::npos);
  // Nothing took effect.
  EXPECT_EQ(p.submit({{"x", 5}}).get().get<int>("y"), 10);
  p.stop();
}

TEST(LiveParams, BuiltinDelayAndRepeatAreLive) {
  Pipeline p{"live"};
  auto& repeat = p.add<cells::Repeat>("repeat");
  p.expose(repeat.in, "x");
  p.expose(repeat.out, "y");
  p.start();
  EXPECT_EQ(p.submit({{"x", nlohmann::json(1)}}).get().values("y").size(), 1u);
  p.set_param("repeat", "times", 3);
  EXPECT_EQ(p.submit({{"x", nlohmann::json(1)}}).get().values("y").size(), 3u);
  p.stop();
}

}  // namespace
}  // namespace cellflow::testing
