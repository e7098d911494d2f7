// Metrics: real pipelines feed the per-cell families through Metrics::observer_for, gauges are
// read at scrape time, HTTP requests are counted by route and code; serialize() is parsed back as
// Prometheus text and checked value by value.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../../server/src/http/metrics.hpp"  // internal header: server/src is private
#include "cellflow/cells.hpp"

namespace cellflow::server {
namespace {

using nlohmann::json;
using Labels = std::map<std::string, std::string>;

// ---- a small Prometheus text-format parser (exposition format 0.0.4) ----

struct Sample {
  std::string name;
  Labels labels;
  double value = 0;
};

struct Exposition {
  std::vector<Sample> samples;
  std::map<std::string, std::string> types;  // family -> counter/gauge/histogram/...
  std::set<std::string> helps;
  std::vector<std::string> errors;  // lines that are not valid exposition text

  std::optional<double> get(const std::string& name, const Labels& labels) const {
    for (const Sample& s : samples) {
      if (s.name == name && s.labels == labels) return s.value;
    }
    return std::nullopt;
  }
  /// Every sample named `name` whose labels include `subset`.
  std::vector<Sample> all(const std::string& name, const Labels& subset) const {
    std::vector<Sample> out;
    for (const Sample& s : samples) {
      bool match = s.name == name;
      for (const auto& [k, v] : subset) match = match && s.labels.count(k) && s.labels.at(k) == v;
      if (match) out.push_back(s);
    }
    return out;
  }
  double sum(const std::string& name, const Labels& subset) const {
    double total = 0;
    for (const Sample& s : all(name, subset)) total += s.value;
    return total;
  }
};

bool is_name(const std::string& s, bool colon) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && !(colon && c == ':'))
      return false;
  }
  return true;
}

// Parses `{a="x",b="y"}` starting at `pos` (at '{'); returns false on a syntax error.
bool parse_labels(const std::string& line, std::size_t& pos, Labels& labels) {
  ++pos;
  while (pos < line.size() && line[pos] != '}') {
    const std::size_t eq = line.find('=', pos);
    if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') return false;
    const std::string key = line.substr(pos, eq - pos);
    if (!is_name(key, false)) return false;
    std::string value;
    pos = eq + 2;
    for (; pos < line.size() && line[pos] != '"'; ++pos) {
      if (line[pos] == '\\' && pos + 1 < line.size()) ++pos;
      value += line[pos];
    }
    if (pos >= line.size()) return false;
    labels[key] = value;
    ++pos;  // closing quote
    if (pos < line.size() && line[pos] == ',') ++pos;
  }
  if (pos >= line.size()) return false;
  ++pos;  // '}'
  return true;
}

bool parse_value(const std::string& text, double& value) {
  if (text == "+Inf" || text == "-Inf" || text == "NaN") {
    value = text == "NaN" ? std::nan("") : (text[0] == '+' ? INFINITY : -INFINITY);
    return true;
  }
  char* end = nullptr;
  value = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size();
}

std::string family_of(const std::string& sample, const std::map<std::string, std::string>& types) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s = suffix;
    if (sample.size() > s.size() && sample.compare(sample.size() - s.size(), s.size(), s) == 0) {
      const std::string base = sample.substr(0, sample.size() - s.size());
      if (types.count(base) && types.at(base) == "histogram") return base;
    }
  }
  return sample;
}

void parse_comment(const std::string& line, Exposition& e) {
  std::istringstream in(line);
  std::string hash, keyword, name, rest;
  in >> hash >> keyword >> name;
  std::getline(in, rest);
  if (keyword == "HELP") {
    if (!is_name(name, true)) e.errors.push_back(line);
    e.helps.insert(name);
  } else if (keyword == "TYPE") {
    const std::string type = rest.empty() ? "" : rest.substr(1);
    static const std::set<std::string> kTypes = {"counter", "gauge", "histogram", "summary",
                                                 "untyped"};
    if (!is_name(name, true) || !kTypes.count(type) || e.types.count(name))
      e.errors.push_back(line);
    e.types[name] = type;
  }
}

void parse_sample(const std::string& line, Exposition& e) {
  Sample s;
  std::size_t pos = line.find_first_of("{ ");
  s.name = line.substr(0, pos);
  bool ok = is_name(s.name, true) && pos != std::string::npos;
  if (ok && line[pos] == '{') ok = parse_labels(line, pos, s.labels);
  ok = ok && pos < line.size() && line[pos] == ' ';
  if (ok) {
    std::istringstream rest(line.substr(pos + 1));
    std::string value, timestamp, extra;
    rest >> value >> timestamp >> extra;
    ok = parse_value(value, s.value) && extra.empty();
  }
  if (ok && !e.types.count(family_of(s.name, e.types))) ok = false;  // TYPE must come first
  if (!ok) e.errors.push_back(line);
  e.samples.push_back(s);
}

Exposition parse(const std::string& text) {
  Exposition e;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    if (line[0] == '#') {
      parse_comment(line, e);
    } else {
      parse_sample(line, e);
    }
  }
  return e;
}

// The checks every scrape must pass: syntax, and histograms whose buckets are cumulative with
// +Inf equal to _count.
::testing::AssertionResult well_formed(const Exposition& e) {
  if (!e.errors.empty()) return ::testing::AssertionFailure() << "bad line: " << e.errors[0];
  for (const auto& [family, type] : e.types) {
    if (!e.helps.count(family)) return ::testing::AssertionFailure() << "no HELP: " << family;
    if (type != "histogram") continue;
    for (const Sample& count : e.all(family + "_count", {})) {
      double previous = 0;
      Labels inf = count.labels;
      inf["le"] = "+Inf";
      for (const Sample& b : e.all(family + "_bucket", count.labels)) {
        if (b.labels.size() != count.labels.size() + 1) continue;
        if (b.value < previous) return ::testing::AssertionFailure() << family << " not cumulative";
        previous = b.value;
      }
      if (e.get(family + "_bucket", inf) != count.value)
        return ::testing::AssertionFailure() << family << ": +Inf bucket != _count";
    }
  }
  return ::testing::AssertionSuccess();
}

Exposition scrape(const Metrics& metrics) {
  Exposition e = parse(metrics.serialize());
  EXPECT_TRUE(well_formed(e));
  return e;
}

Labels cell(const std::string& pipeline, const std::string& cell, int clone) {
  return {{"pipeline", pipeline}, {"cell", cell}, {"clone", std::to_string(clone)}};
}

// ---- tests ----

TEST(Metrics, Metrics_streamPipeline_countsItemsAndFailuresPerCell) {
  Metrics metrics;
  Pipeline p{"p"};
  auto& src = p.add<cells::Counter>("src", {{"count", 20}});
  auto& fail = p.add<cells::Fail>("fail", {{"on", {3, 7, 11}}});
  auto& delay = p.add<cells::Delay>("delay");
  p.connect(src.out, fail.in);
  p.connect(fail.out, delay.in);
  p.expose(delay.out, "y");
  p.set_options({.max_in_flight = 8,
                 .on_error = ErrorPolicy::kContinue,
                 .observer = metrics.observer_for("stream")});
  int failed = 0;
  p.run([&](Result&& r) { failed += r.ok() ? 0 : 1; });
  ASSERT_EQ(failed, 3);

  const Exposition e = scrape(metrics);
  EXPECT_EQ(e.get("cellflow_cell_items_total", cell("stream", "src", 0)), 20);
  EXPECT_EQ(e.get("cellflow_cell_items_total", cell("stream", "fail", 0)), 20);
  EXPECT_EQ(e.get("cellflow_cell_items_total", cell("stream", "delay", 0)), 17)
      << "failed items skip the cells after the failure";
  EXPECT_EQ(e.get("cellflow_cell_failures_total", cell("stream", "fail", 0)), 3);
  EXPECT_EQ(e.get("cellflow_cell_failures_total", cell("stream", "src", 0)), 0);
  EXPECT_EQ(e.get("cellflow_cell_failures_total", cell("stream", "delay", 0)), 0);
  EXPECT_EQ(e.get("cellflow_cell_compute_seconds_count", cell("stream", "fail", 0)), 20);
  EXPECT_EQ(e.get("cellflow_cell_compute_seconds_count", cell("stream", "delay", 0)), 17);
  EXPECT_EQ(
      e.get("cellflow_cell_queue_wait_seconds_count", {{"pipeline", "stream"}, {"cell", "fail"}}),
      20);
  EXPECT_TRUE(e.all("cellflow_cell_items_total", {{"pipeline", "p"}}).empty())
      << "the label is the name given to observer_for";
}

TEST(Metrics, Metrics_clonedCell_labelsClonesAndMeasuresSeconds) {
  Metrics metrics;
  Pipeline p{"cloned"};
  auto& delay = p.add<cells::Delay>("slow", {{"sleep_ms", 2}}, ScaleUp{3});
  p.expose(delay.in, "x");
  p.expose(delay.out, "y");
  p.start({.max_in_flight = 8,
           .on_error = ErrorPolicy::kFailFast,
           .observer = metrics.observer_for("cloned")});
  std::vector<std::future<Result>> futures;
  for (int i = 0; i < 30; ++i) futures.push_back(p.submit({{"x", json(i)}}));
  for (int i = 0; i < 30; ++i) ASSERT_EQ(futures[i].get().get<json>("y"), i);
  p.stop();

  const Exposition e = scrape(metrics);
  const Labels slow = {{"pipeline", "cloned"}, {"cell", "slow"}};
  for (const Sample& s : e.all("cellflow_cell_items_total", slow)) {
    EXPECT_TRUE(s.labels.at("clone") == "0" || s.labels.at("clone") == "1" ||
                s.labels.at("clone") == "2")
        << s.labels.at("clone");
  }
  EXPECT_EQ(e.sum("cellflow_cell_items_total", slow), 30);
  EXPECT_EQ(e.sum("cellflow_cell_compute_seconds_count", slow), 30);
  // 30 sleeps of 2 ms: the sum is in seconds (not ms or ns).
  const double compute = e.sum("cellflow_cell_compute_seconds_sum", slow);
  EXPECT_GE(compute, 30 * 0.002 * 0.95);
  EXPECT_LT(compute, 30 * 0.002 * 20);
  EXPECT_EQ(e.get("cellflow_cell_queue_wait_seconds_count", slow), 30);
  EXPECT_GT(*e.get("cellflow_cell_queue_wait_seconds_sum", slow), 0)
      << "8 in flight for 3 clones: items waited";
  EXPECT_EQ(e.sum("cellflow_cell_compute_seconds_bucket", {{"cell", "slow"}, {"le", "0.001"}}), 0)
      << "no 2 ms sleep finishes under 1 ms";
}

/// Passes its input through once the gate is open (test-wide state: cells are built by new C()).
class Gate final : public Cell {
 public:
  Input<json> in{*this, "in"};
  Output<json> out{*this, "out"};

  static void set(bool open) {
    std::lock_guard lock(mutex_);
    open_ = open;
    changed_.notify_all();
  }
  void process(Context& ctx) override {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [] { return open_; });
    ctx.emit(out, ctx.take(in));
  }

 private:
  static inline std::mutex mutex_;
  static inline std::condition_variable changed_;
  static inline bool open_ = true;
};

TEST(Metrics, Metrics_gauges_readFromPipelineAtScrapeTime) {
  Metrics metrics;
  Pipeline p{"gated"};
  auto& gate = p.add<Gate>("gate");
  p.expose(gate.in, "x");
  p.expose(gate.out, "y");
  std::atomic<std::size_t> pending{5};
  metrics.track(p, [&pending] { return pending.load(); });
  Gate::set(false);
  struct Reopen {
    ~Reopen() { Gate::set(true); }  // a failed assertion must not leave the pipeline stuck
  } reopen;
  p.start({.max_in_flight = 8});
  std::vector<std::future<Result>> futures;
  for (int i = 0; i < 3; ++i) futures.push_back(p.submit({{"x", json(i)}}));
  Exposition e = scrape(metrics);
  EXPECT_EQ(e.get("cellflow_pipeline_in_flight", {{"pipeline", "gated"}}), 3);
  EXPECT_EQ(e.get("cellflow_pipeline_pending_requests", {{"pipeline", "gated"}}), 5);

  Gate::set(true);
  for (auto& f : futures) f.get();
  pending = 0;
  e = scrape(metrics);
  EXPECT_EQ(e.get("cellflow_pipeline_in_flight", {{"pipeline", "gated"}}), 0);
  EXPECT_EQ(e.get("cellflow_pipeline_pending_requests", {{"pipeline", "gated"}}), 0);

  metrics.untrack(p);
  pending = 9;
  e = scrape(metrics);
  EXPECT_EQ(e.get("cellflow_pipeline_pending_requests", {{"pipeline", "gated"}}), 0)
      << "untracked: no longer read";
  p.stop();
}

TEST(Metrics, Metrics_observeRequest_countsByRouteAndCode) {
  Metrics metrics;
  const std::string infer = "/v2/models/{name}/infer";
  for (int i = 0; i < 3; ++i) metrics.observe_request(infer, 200, 0.003);
  metrics.observe_request(infer, 500, 0.2);
  metrics.observe_request("/metrics", 200, 0.0001);
  metrics.observe_request("/metrics", 404, 0.0001);

  const Exposition e = scrape(metrics);
  EXPECT_EQ(e.get("cellflow_http_requests_total", {{"route", infer}, {"code", "200"}}), 3);
  EXPECT_EQ(e.get("cellflow_http_requests_total", {{"route", infer}, {"code", "500"}}), 1);
  EXPECT_EQ(e.get("cellflow_http_requests_total", {{"route", "/metrics"}, {"code", "200"}}), 1);
  EXPECT_EQ(e.get("cellflow_http_requests_total", {{"route", "/metrics"}, {"code", "404"}}), 1);
  EXPECT_EQ(e.all("cellflow_http_requests_total", {}).size(), 4u);
  const std::string duration = "cellflow_http_request_duration_seconds";
  EXPECT_EQ(e.get(duration + "_count", {{"route", infer}}), 4);
  EXPECT_NEAR(*e.get(duration + "_sum", {{"route", infer}}), 0.209, 1e-9);
  EXPECT_EQ(e.get(duration + "_bucket", {{"route", infer}, {"le", "0.0025"}}), 0);
  EXPECT_EQ(e.get(duration + "_bucket", {{"route", infer}, {"le", "0.005"}}), 3);
  EXPECT_EQ(e.get(duration + "_bucket", {{"route", infer}, {"le", "0.25"}}), 4);
  EXPECT_EQ(e.get(duration + "_bucket", {{"route", infer}, {"le", "10"}}), 4);
  EXPECT_EQ(e.get(duration + "_count", {{"route", "/metrics"}}), 2);
}

TEST(Metrics, Metrics_concurrentObserversAndScrapes_exactTotals) {
  Metrics metrics;
  auto a = metrics.observer_for("a");
  auto b = metrics.observer_for("b");
  constexpr int kThreads = 8, kCalls = 4000;
  std::atomic<bool> done{false};
  std::thread scraper([&] {
    while (!done) EXPECT_TRUE(well_formed(parse(metrics.serialize())));
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      PipelineObserver& o = t % 2 ? *b : *a;
      for (int i = 0; i < kCalls; ++i) {
        o.on_cell("cell" + std::to_string(i % 4), i % 3, std::chrono::microseconds(50),
                  std::chrono::nanoseconds(0), i % 10 == 0);
        metrics.observe_request("/r", 200 + i % 2, 0.001);
      }
    });
  }
  for (auto& th : threads) th.join();
  done = true;
  scraper.join();

  const Exposition e = scrape(metrics);
  EXPECT_EQ(e.sum("cellflow_cell_items_total", {{"pipeline", "a"}}), kThreads / 2 * kCalls);
  EXPECT_EQ(e.sum("cellflow_cell_items_total", {{"pipeline", "b"}}), kThreads / 2 * kCalls);
  EXPECT_EQ(e.all("cellflow_cell_items_total", {{"pipeline", "a"}}).size(), 12u);  // 4 x 3 clones
  // Failures: i % 10 == 0, on cell i % 4: cell0 gets i % 20 == 0, cell1 and cell3 none.
  EXPECT_EQ(e.sum("cellflow_cell_failures_total", {{"pipeline", "a"}, {"cell", "cell0"}}),
            kThreads / 2 * kCalls / 20);
  EXPECT_EQ(e.sum("cellflow_cell_failures_total", {{"pipeline", "a"}, {"cell", "cell1"}}), 0);
  EXPECT_EQ(e.sum("cellflow_cell_failures_total", {{"pipeline", "a"}}), kThreads / 2 * kCalls / 10);
  EXPECT_EQ(e.sum("cellflow_cell_queue_wait_seconds_count", {{"pipeline", "b"}}),
            kThreads / 2 * kCalls);
  EXPECT_EQ(e.get("cellflow_http_requests_total", {{"route", "/r"}, {"code", "200"}}),
            kThreads * kCalls / 2);
  EXPECT_EQ(e.get("cellflow_http_requests_total", {{"route", "/r"}, {"code", "201"}}),
            kThreads * kCalls / 2);
}

TEST(Metrics, Metrics_observerOutlivesMetrics_staysUsable) {
  std::shared_ptr<PipelineObserver> observer;
  {
    Metrics metrics;
    observer = metrics.observer_for("p");
    observer->on_cell("c", 0, std::chrono::microseconds(1), {}, false);
    EXPECT_EQ(scrape(metrics).get("cellflow_cell_items_total", cell("p", "c", 0)), 1);
  }
  observer->on_cell("c", 1, std::chrono::microseconds(1), {}, true);  // ASan checks this
  SUCCEED();
}

// Every family is announced with HELP and TYPE of the right kind; promtool (when installed) lints
// the output (naming conventions, histogram structure).
TEST(Metrics, Metrics_exposition_isPrometheusText) {
  Metrics metrics;
  Pipeline p{"p"};
  metrics.track(p, [] { return std::size_t{1}; });
  metrics.observer_for("p")->on_cell("c", 0, std::chrono::milliseconds(1), {}, true);
  metrics.observe_request("/v2/models/{name}/infer", 200, 0.01);
  const std::string text = metrics.serialize();
  const Exposition e = parse(text);
  EXPECT_TRUE(well_formed(e));
  const std::map<std::string, std::string> expected = {
      {"cellflow_cell_items_total", "counter"},
      {"cellflow_cell_failures_total", "counter"},
      {"cellflow_cell_compute_seconds", "histogram"},
      {"cellflow_cell_queue_wait_seconds", "histogram"},
      {"cellflow_pipeline_in_flight", "gauge"},
      {"cellflow_pipeline_pending_requests", "gauge"},
      {"cellflow_http_requests_total", "counter"},
      {"cellflow_http_request_duration_seconds", "histogram"}};
  EXPECT_EQ(e.types, expected);
  EXPECT_EQ(e.get("cellflow_pipeline_pending_requests", {{"pipeline", "p"}}), 1);

  if (std::system("command -v promtool > /dev/null 2>&1") != 0) {
    GTEST_SKIP() << "promtool not installed; parsed by the test's own parser only";
  }
  const auto file = std::filesystem::temp_directory_path() /
                    ("cellflow_metrics_" + std::to_string(::getpid()) + ".prom");
  std::ofstream(file) << text;
  const std::string command = "promtool check metrics < " + file.string() + " 2>&1";
  const int rc = std::system(command.c_str());
  std::filesystem::remove(file);
  EXPECT_EQ(rc, 0) << text;
}

}  // namespace
}  // namespace cellflow::server
