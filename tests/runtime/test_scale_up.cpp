// Scale-up basics (scenarios B1, B2, B3, B5, B6, B7, B9, B10): clones keep exact input order,
// really run concurrently, and are configured per clone.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>

#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"
#include "support/helpers.hpp"
#include "support/test_cells.hpp"

namespace cellflow::testing {
namespace {

// B5
TEST(ScaleUp, ScaleUp_2clones_finiteSource5items_returnsPromptly) {
  Pipeline p{"p"};
  auto& src = p.add<cells::Counter>("src", {{"count", 5}});
  auto& d = p.add<cells::Delay>("d", {{"sleep_ms", 1}}, ScaleUp{2});
  p.connect(src.out, d.in);
  p.expose(d.out, "y");
  const auto start = std::chrono::steady_clock::now();
  const auto got = run_collect<json>(p, "y");
  EXPECT_LT(seconds_since(start), 5.0);
  EXPECT_EQ(got, iota_json(0, 5));
  EXPECT_EQ(p.scale_of(d).clones, 2);
}

// B1 (2,000 items instead of 20,000 to keep the suite short)
TEST(ScaleUp, ScaleUp_16clones_jitter20ms_2000items_exactOrder) {
  constexpr int kItems = 2000;
  Pipeline p{"p"};
  auto& src = p.add<cells::Counter>("src", {{"count", kItems}});
  auto& d = p.add<cells::Delay>("d", {{"sleep_ms", 0}, {"jitter_ms", 20}}, ScaleUp{16});
  std::vector<int> after;
  auto& check = add_cell<Tap>(p, "check", {}, &after, nullptr);
  struct ToInt final : public Cell {
    Input<json> in{*this, "in"};
    Output<int> out{*this, "out"};
    void process(Context& ctx) override { ctx.emit(out, ctx.get(in).get<int>()); }
  };
  auto& to_int = p.add<ToInt>("to_int");
  p.connect(src.out, d.in);
  p.connect(d.out, to_int.in);
  p.connect(to_int.out, check.in);
  p.expose(check.out, "y");
  p.set_options({.max_in_flight = 64});
  EXPECT_EQ(run_collect<int>(p, "y"), iota_int(0, kItems));
  // B9: a stateful cell after the clones sees increasing inputs.
  EXPECT_EQ(after, iota_int(0, kItems));
}

// B2
TEST(ScaleUp, ScaleUp_8clones_emit0to3_orderedByInputThenIndex_1000items) {
  class Burst final : public Cell {
   public:
    Input<int> in{*this, "in"};
    Output<int> out{*this, "out"};
    void process(Context& ctx) override {
      const int v = ctx.get(in);
      sleep_us((v * 7919) % 500);  // deterministic jitter
      for (int j = 0; j < v % 4; ++j) ctx.emit(out, v * 10 + j);
    }
  };
  Pipeline p{"p"};
  auto& src = p.add<IntSource>("src", {{"count", 1000}});
  auto& burst = p.add<Burst>("burst", {}, ScaleUp{8});
  p.connect(src.out, burst.in);
  p.expose(burst.out, "y");
  std::vector<int> expected;
  for (int v = 0; v < 1000; ++v)
    for (int j = 0; j < v % 4; ++j) expected.push_back(v * 10 + j);
  EXPECT_EQ(run_collect<int>(p, "y"), expected);
}

TEST(ScaleUp, ScaleUp_4clones_requestMode_futuresInOrder_8threads_x_200) {
  Pipeline p{"p"};
  auto& d = p.add<cells::Delay>("d", {{"sleep_ms", 0}, {"jitter_ms", 2}}, ScaleUp{4});
  p.expose(d.in, "x");
  p.expose(d.out, "y");
  p.start({.max_in_flight = 32});
  std::mutex mu;
  std::vector<std::uint64_t> order;
  std::atomic<int> wrong{0}, done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const int v = t * 1000 + i;
        p.submit({{"x", json(v)}}, [&, v](Result&& r) {
          if (!r.ok() || r.get<json>("y") != json(v)) wrong.fetch_add(1);
          {
            std::lock_guard lock(mu);
            order.push_back(r.item().seq);
          }
          done.fetch_add(1);
        });
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_TRUE(wait_until([&] { return done.load() == 1600; }, std::chrono::seconds(60)));
  EXPECT_EQ(wrong.load(), 0);
  std::lock_guard lock(mu);
  for (std::size_t i = 0; i < order.size(); ++i) ASSERT_EQ(order[i], i) << "completion #" << i;
  p.stop();
}

// B3, request mode
TEST(ScaleUp, ScaleUp_8clones_fail1percent_requestMode_onlyThoseFail) {
  Pipeline p{"p"};
  json on = json::array();
  for (int v = 0; v < 1000; v += 97) on.push_back(v);
  auto& guard = p.add<cells::Fail>("guard", {{"on", on}, {"message", "sampled"}}, ScaleUp{8});
  p.expose(guard.in, "x");
  p.expose(guard.out, "y");
  p.start({.max_in_flight = 64});
  std::vector<std::future<Result>> futures;
  for (int v = 0; v < 1000; ++v) futures.push_back(p.submit({{"x", json(v)}}));
  for (int v = 0; v < 1000; ++v) {
    if (v % 97 == 0) {
      try {
        futures[v].get();
        ADD_FAILURE() << "item " << v << " should fail";
      } catch (const CellFailure& e) {
        EXPECT_TRUE(contains_all(e.what(), {"guard", "sampled"}));
      }
    } else {
      EXPECT_EQ(futures[v].get().get<json>("y"), json(v));
    }
  }
  p.stop();
}

// B3, stream mode
TEST(ScaleUp, ScaleUp_8clones_failFast_streamRethrowsFirst) {
  Pipeline p{"p"};
  auto& src = p.add<cells::Counter>("src", {{"count", 2000}});
  auto& guard = p.add<cells::Fail>(
      "guard", {{"on", json::array({300, 301, 302})}, {"message", "first"}}, ScaleUp{8});
  p.connect(src.out, guard.in);
  p.expose(guard.out, "y");
  try {
    p.run();
    ADD_FAILURE() << "run() did not throw";
  } catch (const std::exception& e) {
    EXPECT_EQ(typeid(e), typeid(std::runtime_error));
    EXPECT_STREQ(e.what(), "first");
  }
}

// Clones of a blocking cell are inside process() at the same time.
TEST(ScaleUp, ScaleUp_8clones_blockingCellsRunConcurrently) {
  struct Concurrency {
    std::atomic<int> inside{0}, max{0};
  };
  class Rendezvous final : public Cell {
   public:
    Input<int> in{*this, "in"};
    Output<int> out{*this, "out"};
    explicit Rendezvous(Concurrency* c) : c_(c) {}
    void process(Context& ctx) override {
      const int now = c_->inside.fetch_add(1) + 1;
      int prev = c_->max.load();
      while (now > prev && !c_->max.compare_exchange_weak(prev, now)) {
      }
      // Blocks (like I/O) until 4 clones are inside together, or gives up after 10 s.
      wait_until([&] { return c_->max.load() >= 4; }, std::chrono::seconds(10));
      c_->inside.fetch_sub(1);
      ctx.emit(out, ctx.get(in));
    }

   private:
    Concurrency* c_;
  };
  Concurrency c;
  Pipeline p{"p"};
  auto& src = p.add<IntSource>("src", {{"count", 64}});
  auto& r = static_cast<Rendezvous&>(p.add(
      "r", [&c] { return std::unique_ptr<Cell>(new Rendezvous(&c)); }, json::object(), ScaleUp{8}));
  p.connect(src.out, r.in);
  p.expose(r.out, "y");
  p.set_options({.max_in_flight = 32});
  EXPECT_EQ(run_collect<int>(p, "y"), iota_int(0, 64));
  EXPECT_GE(c.max.load(), 4) << "blocking clones must run in parallel on dedicated threads";
}

// B7
TEST(ScaleUp, ScaleUp_3clones_perCloneParams_device) {
  class Device final : public Cell {
   public:
    Input<int> in{*this, "in"};
    Output<int> out{*this, "out"};
    Param<int> device{*this, "device", -1, "device id"};
    Param<int> base{*this, "base", 0, "shared param"};
    void process(Context& ctx) override {
      sleep_us(200);
      ctx.emit(out, ctx.clone_index() * 1000 + *device * 10 + *base);
    }
  };
  Pipeline p{"p"};
  auto& src = p.add<IntSource>("src", {{"count", 300}});
  auto& dev = p.add<Device>("dev", {{"base", 7}},
                            ScaleUp{3, {{{"device", 0}}, {{"device", 1}}, {{"device", 2}}}});
  p.connect(src.out, dev.in);
  p.expose(dev.out, "y");
  p.set_options({.max_in_flight = 16});
  std::set<int> codes;
  for (int code : run_collect<int>(p, "y")) codes.insert(code);
  for (int code : codes) {
    const int clone = code / 1000, device = (code % 1000) / 10, base = code % 10;
    EXPECT_EQ(device, clone) << "clone " << clone << " saw device " << device;
    EXPECT_EQ(base, 7) << "shared params reach every clone";
    EXPECT_GE(clone, 0);
    EXPECT_LT(clone, 3);
  }
  EXPECT_GE(codes.size(), 2u) << "several clones took items";
}

// B6
TEST(ScaleUp, ScaleUp_4clones_clone2FailsOpen_startNamesCellAndClone) {
  struct Opens {
    std::atomic<int> opened{0}, closed{0};
  };
  class Fragile final : public Cell {
   public:
    Input<int> in{*this, "in"};
    Output<int> out{*this, "out"};
    Param<bool> broken{*this, "broken", false, "fail in open()"};
    explicit Fragile(Opens* o) : o_(o) {}
    void open() override {
      if (*broken) throw std::runtime_error("device missing");
      o_->opened++;
    }
    void close() override { o_->closed++; }
    void process(Context& ctx) override { ctx.emit(out, ctx.get(in)); }

   private:
    Opens* o_;
  };
  Opens o;
  Pipeline p{"p"};
  auto& f = static_cast<Fragile&>(p.add(
      "fragile", [&o] { return std::unique_ptr<Cell>(new Fragile(&o)); }, json::object(),
      ScaleUp{4, {json::object(), json::object(), {{"broken", true}}, json::object()}}));
  p.expose(f.in, "x");
  p.expose(f.out, "y");
  std::string text;
  try {
    p.start();
    ADD_FAILURE() << "start() did not throw";
  } catch (const std::exception& e) {
    text = e.what();
  }
  EXPECT_TRUE(contains_all(text, {"fragile", "2", "device missing"}));
  EXPECT_FALSE(p.running());
  EXPECT_EQ(o.closed.load(), o.opened.load()) << "clones already opened are closed again";
}

// B10
TEST(ScaleUp, ScaleUp_invalidCloneCounts_0_minus1_aboveMax) {
  for (int clones : {0, -1, ScaleUp::kMaxClones + 1}) {
    Pipeline p{"p"};
    auto& src = p.add<cells::Counter>("src");
    auto& d = p.add<cells::Delay>("d", json::object(), ScaleUp{clones});
    p.connect(src.out, d.in);
    p.expose(d.out, "y");
    const auto problems = problems_of([&] { p.validate(); });
    EXPECT_TRUE(has_problem(problems, {"d"}, "clone")) << "clones=" << clones;
  }
}

TEST(ScaleUp, SetClones_unknownPath_listsValidPaths) {
  Pipeline p{"p"};
  auto& src = p.add<cells::Counter>("src");
  auto& d = p.add<cells::Delay>("d");
  p.connect(src.out, d.in);
  p.expose(d.out, "y");
  p.set_clones("d", 3);
  EXPECT_EQ(p.scale_of(d).clones, 3);
  const auto text = error_text_of([&] { p.set_clones("nope", 2); });
  EXPECT_TRUE(contains_all(text, {"nope", "src", "d"}));
}

TEST(ScaleUp, ScaleUp_nestedPipeline3clones_ownInnerState) {
  // Each clone of the nested pipeline has its own inner instance (B8): per instance, the call
  // counter is dense from 0, and all instances together saw every item once.
  static std::atomic<int> next_id{0};
  class Numbered final : public Cell {
   public:
    Input<int> in{*this, "in"};
    Output<int> out{*this, "out"};
    void process(Context& ctx) override {
      ctx.emit(out, id_ * 1'000'000 + (calls_++) * 1000 + ctx.get(in) % 1000);
    }

   private:
    int id_ = next_id.fetch_add(1);
    int calls_ = 0;
  };
  class Sub : public Pipeline {
   public:
    Input<int> in{*this, "in"};
    Output<int> out{*this, "out"};
    Sub() : Pipeline("sub") {
      auto& n = add<Numbered>("n");
      expose(n.in, in);
      expose(n.out, out);
    }
  };
  Pipeline p{"p"};
  auto& src = p.add<IntSource>("src", {{"count", 300}});
  auto& sub = p.add<Sub>("sub", json::object(), ScaleUp{3});
  p.connect(src.out, sub.in);
  p.expose(sub.out, "y");
  std::map<int, std::vector<int>> calls_per_clone;
  for (int code : run_collect<int>(p, "y"))
    calls_per_clone[code / 1'000'000].push_back((code / 1000) % 1000);
  int total = 0;
  for (auto& [clone, calls] : calls_per_clone) {
    EXPECT_EQ(calls, iota_int(0, static_cast<int>(calls.size()))) << "clone " << clone;
    total += static_cast<int>(calls.size());
  }
  EXPECT_EQ(total, 300);
}

// Each of a clone group's successors gets every item (the group's output fans out after its
// items are put back in order).
TEST(ScaleUp, ACloneGroupFeedingSeveralCellsGivesEachOfThemEveryItem) {
  Pipeline p{"p"};
  auto& src = p.add<IntSource>("src", {{"count", 300}});
  auto& work = p.add<Tap>("work", {{"sleep_us", 200}}, ScaleUp{3});
  auto& doubled = p.add<Scale>("doubled", {{"factor", 2}});
  auto& tripled = p.add<Scale>("tripled", {{"factor", 3}});
  p.connect(src.out, work.in);
  p.connect(work.out, doubled.in);
  p.connect(work.out, tripled.in);
  p.expose(doubled.out, "two");
  p.expose(tripled.out, "three");
  p.set_options({.max_in_flight = 8});
  int n = 0;
  p.run([&](Result&& r) {
    EXPECT_EQ(r.get<int>("two"), 2 * n);
    EXPECT_EQ(r.get<int>("three"), 3 * n);
    ++n;
  });
  EXPECT_EQ(n, 300);
}

}  // namespace
}  // namespace cellflow::testing
