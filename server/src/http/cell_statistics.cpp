#include "http/cell_statistics.hpp"

#include <prometheus/client_metric.h>
#include <prometheus/metric_family.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace cellflow::server::detail {
namespace {

struct Counts {
  std::uint64_t items = 0, failures = 0, compute_ns = 0;
};
// A histogram's buckets: upper bound (seconds) and cumulative count, summed over clones.
using Buckets = std::vector<std::pair<double, std::uint64_t>>;

// Per leaf cell path, then per clone; queue waits and compute-time buckets per leaf cell.
struct Collected {
  std::map<std::string, std::map<int, Counts>> clones;
  std::map<std::string, std::uint64_t> queue_wait_ns;
  std::map<std::string, std::pair<std::uint64_t, double>> batches;  // count, items in them
  std::map<std::string, Buckets> compute_buckets;
};

// Adds `from`'s counts to `into` (the same boundaries; `into` may be empty).
void merge(Buckets& into, const Buckets& from) {
  if (into.empty())
    for (const auto& [upper, count] : from) into.emplace_back(upper, 0);
  for (std::size_t i = 0; i < into.size() && i < from.size(); ++i) into[i].second += from[i].second;
}

Buckets buckets_of(const prometheus::ClientMetric::Histogram& histogram) {
  Buckets out;
  for (const auto& b : histogram.bucket) out.emplace_back(b.upper_bound, b.cumulative_count);
  return out;
}

// The q-quantile in milliseconds, interpolated within its bucket (as Prometheus'
// histogram_quantile does); null without samples.
nlohmann::json quantile_ms(const Buckets& buckets, double q) {
  if (buckets.empty() || buckets.back().second == 0) return nullptr;
  const double rank = q * static_cast<double>(buckets.back().second);
  double lower = 0;
  std::uint64_t below = 0;
  for (const auto& [upper, count] : buckets) {
    if (static_cast<double>(count) >= rank) {
      if (std::isinf(upper)) return lower * 1e3;  // beyond the last finite bound
      const double share =
          count == below ? 1.0 : (rank - below) / static_cast<double>(count - below);
      return (lower + (upper - lower) * share) * 1e3;
    }
    lower = upper;
    below = count;
  }
  return lower * 1e3;
}

std::string label(const prometheus::ClientMetric& metric, const std::string& name) {
  for (const auto& l : metric.label)
    if (l.name == name) return l.value;
  return "";
}

std::uint64_t to_ns(double seconds) {
  return static_cast<std::uint64_t>(std::llround(seconds * 1e9));
}

// Calls f(cell, clone, metric) for the metrics of `pipeline` in one family.
template <class Metric, class F>
void each(const prometheus::Family<Metric>& family, const std::string& pipeline, F&& f) {
  for (const auto& collected : family.Collect())
    for (const auto& metric : collected.metric) {
      if (label(metric, "pipeline") != pipeline) continue;
      const std::string clone = label(metric, "clone");
      f(label(metric, "cell"), clone.empty() ? 0 : std::stoi(clone), metric);
    }
}

Collected collect(const CellFamilies& families, const std::string& pipeline) {
  Collected c;
  each(*families.items, pipeline, [&](const std::string& cell, int clone, const auto& m) {
    c.clones[cell][clone].items = static_cast<std::uint64_t>(m.counter.value);
  });
  each(*families.failures, pipeline, [&](const std::string& cell, int clone, const auto& m) {
    c.clones[cell][clone].failures = static_cast<std::uint64_t>(m.counter.value);
  });
  each(*families.compute, pipeline, [&](const std::string& cell, int clone, const auto& m) {
    c.clones[cell][clone].compute_ns = to_ns(m.histogram.sample_sum);
    merge(c.compute_buckets[cell], buckets_of(m.histogram));
  });
  each(*families.queue_wait, pipeline, [&](const std::string& cell, int, const auto& m) {
    c.queue_wait_ns[cell] += to_ns(m.histogram.sample_sum);
  });
  each(*families.batch_size, pipeline, [&](const std::string& cell, int, const auto& m) {
    c.batches[cell] = {m.histogram.sample_count, m.histogram.sample_sum};
  });
  return c;
}

bool inside(const std::string& leaf, const std::string& unit) {
  return leaf == unit || (leaf.size() > unit.size() && leaf.compare(0, unit.size(), unit) == 0 &&
                          leaf[unit.size()] == '/');
}

nlohmann::json unit_entry(const CellStats& unit, const Collected& c) {
  Counts total;
  std::uint64_t queue_wait = 0;
  std::map<int, Counts> per_clone;
  Buckets compute;  // the unit's leaves together
  for (const auto& [leaf, clones] : c.clones) {
    if (!inside(leaf, unit.path)) continue;
    if (const auto b = c.compute_buckets.find(leaf); b != c.compute_buckets.end())
      merge(compute, b->second);
    for (const auto& [clone, counts] : clones) {
      Counts& sum = per_clone[clone];
      sum.failures += counts.failures;
      sum.compute_ns += counts.compute_ns;
      // A nested pipeline's item passes through each of its leaves: count it at its first.
      sum.items = std::max(sum.items, counts.items);
    }
    if (const auto wait = c.queue_wait_ns.find(leaf); wait != c.queue_wait_ns.end())
      queue_wait = std::max(queue_wait, wait->second);
  }
  nlohmann::json clones = nlohmann::json::array();
  for (const auto& [clone, counts] : per_clone) {
    total.items += counts.items;
    total.failures += counts.failures;
    total.compute_ns += counts.compute_ns;
    clones.push_back({{"clone", clone},
                      {"items", counts.items},
                      {"failures", counts.failures},
                      {"compute_ns", counts.compute_ns}});
  }
  // A plain cell is one instance, not a clone group of 0: its per_clone lists that instance.
  const nlohmann::json clone_count =
      unit.clones == 0 ? nlohmann::json("plain") : nlohmann::json(unit.clones);
  nlohmann::json entry = {{"path", unit.path},           {"clones", clone_count},
                          {"queue_depth", unit.queued},  {"items", total.items},
                          {"failures", total.failures},  {"compute_ns", total.compute_ns},
                          {"queue_wait_ns", queue_wait}, {"per_clone", clones}};
  entry["compute_p50_ms"] = quantile_ms(compute, 0.5);
  entry["compute_p99_ms"] = quantile_ms(compute, 0.99);
  entry["dropped"] = unit.dropped;
  // A batched cell: process_batch calls (Triton's execution count) and their mean size.
  if (const auto b = c.batches.find(unit.path); b != c.batches.end() && b->second.first > 0) {
    entry["batches"] = b->second.first;
    entry["mean_batch_size"] = b->second.second / static_cast<double>(b->second.first);
  }
  if (!unit.status.is_null()) entry["remote"] = unit.status;  // e.g. a remote queue's workers
  return entry;
}

}  // namespace

nlohmann::json cell_statistics(const CellFamilies& families, const Pipeline& pipeline) {
  const Collected collected = collect(families, pipeline.name());
  nlohmann::json cells = nlohmann::json::array();
  for (const CellStats& unit : pipeline.stats().cells) cells.push_back(unit_entry(unit, collected));
  return cells;
}

}  // namespace cellflow::server::detail
