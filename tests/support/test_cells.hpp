// Cells used only by the tests. Cells that report to the test (probes, recorders) take a pointer
// in their constructor and are added through add_cell(), which wraps them in a factory.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cellflow/cell.hpp"
#include "cellflow/context.hpp"
#include "cellflow/observer.hpp"
#include "cellflow/param.hpp"
#include "cellflow/pipeline.hpp"

namespace cellflow::testing {

/// Adds a cell built by `new C(args...)` (args copied into the factory, so clones get them too).
template <class C, class... Args>
C& add_cell(Pipeline& p, std::string name, const nlohmann::json& params, Args... args) {
  return static_cast<C&>(p.add(
      std::move(name), [=] { return std::unique_ptr<Cell>(new C(args...)); },
      params.is_null() ? nlohmann::json::object() : params));
}

/// Items counted at the source and at the last cell; their difference is a lower bound of the
/// items in flight, so it must never exceed max_in_flight.
struct FlowProbe {
  std::atomic<std::int64_t> emitted{0};
  std::atomic<std::int64_t> done{0};
  std::atomic<std::int64_t> max_seen{0};
  void observe() {
    const std::int64_t now = emitted.load() - done.load();
    std::int64_t prev = max_seen.load();
    while (now > prev && !max_seen.compare_exchange_weak(prev, now)) {
    }
  }
};

// Counts drops reported through the observer, by "cell/input/reason".
class DropCounter final : public PipelineObserver {
 public:
  void on_cell(const std::string&, int, std::chrono::nanoseconds, std::chrono::nanoseconds,
               bool) override {}
  void on_drop(const std::string& cell, const std::string& input, const char* reason) override {
    std::lock_guard lock(mutex);
    ++drops[cell + "/" + input + "/" + reason];
  }
  std::mutex mutex;
  std::map<std::string, int> drops;
};

inline void sleep_us(int us) {
  if (us > 0) std::this_thread::sleep_for(std::chrono::microseconds(us));
}

/// Source of the ints first, first+1, ... (count of them; count = -1 never ends).
class IntSource final : public Cell {
 public:
  Output<int> out{*this, "out"};
  Param<std::int64_t> count{*this, "count", 10, "items; -1 endless"};
  Param<int> first{*this, "first", 0, "first value"};

  explicit IntSource(FlowProbe* probe = nullptr) : probe_(probe) {}
  void open() override { next_ = 0; }
  void process(Context& ctx) override {
    if (*count >= 0 && next_ >= *count) {
      ctx.end_of_stream();
      return;
    }
    if (probe_ != nullptr) {
      probe_->emitted.fetch_add(1);
      probe_->observe();
    }
    ctx.emit(out, static_cast<int>(*first + next_++));
    if (*count >= 0 && next_ >= *count) ctx.end_of_stream();
  }

 private:
  FlowProbe* probe_;
  std::int64_t next_ = 0;
};

/// Source emitting (k/10, k) on two outputs for k = 1..count.
class PairSource final : public Cell {
 public:
  Output<double> tenth{*this, "tenth"};
  Output<int> k{*this, "k"};
  Param<int> count{*this, "count", 5, "items"};

  void open() override { next_ = 1; }
  void process(Context& ctx) override {
    ctx.emit(tenth, next_ / 10.0);
    ctx.emit(k, next_);
    if (++next_ > *count) ctx.end_of_stream();
  }

 private:
  int next_ = 1;
};

/// sum = a + b.
class Adder final : public Cell {
 public:
  Input<double> a{*this, "a"};
  Input<int> b{*this, "b"};
  Output<double> sum{*this, "sum"};
  void process(Context& ctx) override { ctx.emit(sum, ctx.get(a) + ctx.get(b)); }
};

/// out = in * factor.
class Scale final : public Cell {
 public:
  Input<int> in{*this, "in"};
  Output<int> out{*this, "out"};
  Param<int> factor{*this, "factor", 2, "multiplier"};
  void process(Context& ctx) override { ctx.emit(out, ctx.get(in) * *factor); }
};

/// Pass-through that optionally sleeps, records what it saw, and counts into a probe's `done`.
class Tap final : public Cell {
 public:
  Input<int> in{*this, "in"};
  Output<int> out{*this, "out"};
  Param<int> sleep{*this, "sleep_us", 0, "microseconds per item"};

  explicit Tap(std::vector<int>* seen = nullptr, FlowProbe* probe = nullptr)
      : seen_(seen), probe_(probe) {}
  void process(Context& ctx) override {
    sleep_us(*sleep);
    const int v = ctx.get(in);
    if (seen_ != nullptr) seen_->push_back(v);
    if (probe_ != nullptr) {
      probe_->observe();
      probe_->done.fetch_add(1);
    }
    ctx.emit(out, v);
  }

 private:
  std::vector<int>* seen_;
  FlowProbe* probe_;
};

/// Pass-through that blocks each item until the test opens the gate.
class Gate final : public Cell {
 public:
  Input<int> in{*this, "in"};
  Output<int> out{*this, "out"};

  explicit Gate(std::atomic<bool>* open = nullptr, std::atomic<int>* entered = nullptr)
      : open_(open), entered_(entered) {}
  void process(Context& ctx) override {
    if (entered_ != nullptr) entered_->fetch_add(1);
    while (open_ != nullptr && !open_->load()) sleep_us(200);
    ctx.emit(out, ctx.get(in));
  }

 private:
  std::atomic<bool>* open_;
  std::atomic<int>* entered_;
};

/// Emits only even values (odd items produce nothing on this branch).
class DropOdd final : public Cell {
 public:
  Input<int> in{*this, "in"};
  Output<int> out{*this, "out"};
  void process(Context& ctx) override {
    if (ctx.get(in) % 2 == 0) ctx.emit(out, ctx.get(in));
  }
};

/// Joins two branches of the same item.
class JoinPair final : public Cell {
 public:
  Input<int> left{*this, "left"};
  Input<int> right{*this, "right"};
  Output<std::pair<int, int>> out{*this, "out"};
  void process(Context& ctx) override {
    ctx.emit(out, std::make_pair(ctx.get(left), ctx.get(right)));
  }
};

/// Declares two inputs with the same name: a declaration problem.
class DuplicatePorts final : public Cell {
 public:
  Input<int> first{*this, "in"};
  Input<int> second{*this, "in"};
  Output<int> out{*this, "out"};
  void process(Context& ctx) override { ctx.emit(out, ctx.get(first)); }
};

/// A std::string consumer, to provoke int -> std::string type mismatches.
class TextEcho final : public Cell {
 public:
  Input<std::string> in{*this, "in"};
  Output<std::string> out{*this, "out"};
  void process(Context& ctx) override { ctx.emit(out, ctx.get(in)); }
};

/// Pipeline subclass with member ports: in -> x2 -> x3 -> out (multiplies by 6).
class TimesSix : public Pipeline {
 public:
  Input<int> in{*this, "in"};
  Output<int> out{*this, "out"};
  TimesSix() : Pipeline("times_six") {
    auto& x2 = add<Scale>("x2", {{"factor", 2}});
    auto& x3 = add<Scale>("x3", {{"factor", 3}});
    connect(x2.out, x3.in);
    expose(x2.in, in);
    expose(x3.out, out);
  }
};

/// Wraps pipeline type Inner once more: in -> Inner -> out.
template <class Inner>
class Wrap : public Pipeline {
 public:
  Input<int> in{*this, "in"};
  Output<int> out{*this, "out"};
  Wrap() : Pipeline("wrap") {
    auto& inner = add<Inner>("inner");
    expose(inner.in, in);
    expose(inner.out, out);
  }
};

}  // namespace cellflow::testing
