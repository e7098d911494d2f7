// Pieces shared by the benchmarks: timing, the machine's load (it is shared, so every run records
// how busy it was), interleaved repetitions with per-pair ratios, and a typed int source.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <iostream>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cellflow/cellflow.hpp"

namespace bench {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Cores and 1-minute load average.
inline nlohmann::json machine() {
  double load = -1;
  std::ifstream("/proc/loadavg") >> load;
  return {{"cores", std::thread::hardware_concurrency()}, {"loadavg_1min", load}};
}

/// Median of `v` (the mean of the middle two for an even count); NaN when `v` is empty.
inline double median(std::vector<double> v) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

inline double round3(double v) { return std::round(v * 1000) / 1000; }

/// Runs `reps` repetitions of `count` variants, interleaved: each repetition runs every variant
/// once, `run(variant_index)`, in order on even repetitions and in reverse on odd ones (ABBA...).
/// So two variants listed next to each other always run side by side under the same noise, and
/// neither always goes first. List the variants a ratio compares next to each other.
template <class Run>
void run_interleaved(std::size_t count, int reps, Run&& run) {
  for (int rep = 0; rep < reps; ++rep) {
    for (std::size_t i = 0; i < count; ++i) run(rep % 2 ? count - 1 - i : i);
  }
}

/// The ratio of two variants as the median of its per-repetition ratios a[i] / b[i] (each pair ran
/// in the same repetition, side by side), with their spread. Unlike a ratio of two medians or of
/// two best runs, a noisy neighbour that hits one side of one pair moves one ratio of many.
/// JSON: {"value": median, "min", "max", "pairs", "per_pair": [...]}, rounded to 3 decimals.
/// Throws when the two sides have different repetition counts.
inline nlohmann::json pair_ratios(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size() || a.empty()) {
    throw std::invalid_argument("pair_ratios: sides of " + std::to_string(a.size()) + " and " +
                                std::to_string(b.size()) + " repetitions");
  }
  std::vector<double> ratios;
  for (std::size_t i = 0; i < a.size(); ++i) ratios.push_back(a[i] / b[i]);
  nlohmann::json per_pair = nlohmann::json::array();
  for (double r : ratios) per_pair.push_back(round3(r));
  const auto [lo, hi] = std::minmax_element(ratios.begin(), ratios.end());
  return {{"value", round3(median(ratios))},
          {"min", round3(*lo)},
          {"max", round3(*hi)},
          {"pairs", ratios.size()},
          {"per_pair", per_pair}};
}

/// pair_ratios plus the ratio's name and, when `target` is a number, the target and whether the
/// median met it.
inline nlohmann::json ratio_line(const std::string& name, const std::vector<double>& a,
                                 const std::vector<double>& b,
                                 const nlohmann::json& target = nullptr) {
  nlohmann::json line = {{"ratio", name}};
  line.update(pair_ratios(a, b));
  if (target.is_number()) {
    line["target"] = target;
    line["met"] = line["value"].get<double>() >= target.get<double>();
  }
  return line;
}

/// Prints `line`, tagged {"bench": bench}, as one JSON line on stdout.
inline void print_line(const std::string& bench, nlohmann::json line) {
  line["bench"] = bench;
  std::cout << line.dump() << std::endl;
}

/// A peer's figure measured elsewhere, with its source: printed as published, never as a ratio
/// (machines of one type differ by up to 3x; a ratio needs both sides measured in the same run).
/// JSON: {"peer": peer, "published": {"source": source, ...figures}}.
inline nlohmann::json published_line(const std::string& peer, const std::string& source,
                                     nlohmann::json figures) {
  figures["source"] = source;
  return {{"peer", peer}, {"published", std::move(figures)}};
}

/// Source of the ints 0..count-1, one per item.
class IntSource final : public cellflow::Cell {
 public:
  cellflow::Output<int> out{*this, "out"};
  cellflow::Param<int> count{*this, "count", 0, "number of items"};

  void process(cellflow::Context& ctx) override {
    ctx.emit(out, next_++);
    if (next_ >= *count) ctx.end_of_stream();
  }

 private:
  int next_ = 0;
};

}  // namespace bench
