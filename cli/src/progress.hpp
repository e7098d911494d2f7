// Progress (internal): an in-place "N items, R items/s" line on stderr while a stream runs; a bar
// with a percentage and the time left when the sources announced how many items are coming.
// Disabled (every call a no-op) unless enabled at construction, which run_cli does only when
// stderr is a terminal, so redirected or piped runs never see control characters. Not
// thread-safe: call it from one thread at a time (the pipeline sink is serial).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace cellflow::cli::detail {

class Progress {
 public:
  /// `enabled`: stderr is a terminal. `stdout_on_terminal`: stdout shares it, so the progress
  /// line must be erased before each output line.
  Progress(bool enabled, bool stdout_on_terminal);
  ~Progress();  // finish()
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// The number of items expected (std::nullopt: unknown, no bar).
  void set_total(std::optional<std::uint64_t> total) { total_ = total; }
  /// Records the totals; redraws at most every 100 ms.
  void update(std::uint64_t done, std::uint64_t failed);
  /// Erases the progress line so that a message can be written to stderr.
  void clear();
  /// Erases the progress line if stdout shares its terminal (before writing to stdout).
  void clear_for_stdout();
  /// Draws the final totals and ends the line. Idempotent.
  void finish();

 private:
  void draw();

  using Clock = std::chrono::steady_clock;
  bool enabled_;
  bool stdout_on_terminal_;
  bool drawn_ = false;
  std::uint64_t done_ = 0;
  std::uint64_t failed_ = 0;
  std::optional<std::uint64_t> total_;
  Clock::time_point start_;
  Clock::time_point last_draw_;
};

/// The progress line's text: "[#####.....] 40/80 items (50%), 8.0 items/s, 5.0 s, 5 s left"
/// with a total, "40 items, 8.0 items/s, 5.0 s" without; failures are counted in parentheses.
std::string progress_text(std::uint64_t done, std::uint64_t failed,
                          std::optional<std::uint64_t> total, double seconds);

}  // namespace cellflow::cli::detail
