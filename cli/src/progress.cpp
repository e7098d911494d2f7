#include "progress.hpp"

#include <algorithm>
#include <cstdio>

namespace cellflow::cli::detail {
namespace {
constexpr auto kRedrawPeriod = std::chrono::milliseconds(100);
}  // namespace

Progress::Progress(bool enabled, bool stdout_on_terminal)
    : enabled_(enabled),
      stdout_on_terminal_(stdout_on_terminal),
      start_(Clock::now()),
      last_draw_(Clock::time_point::min()) {}

Progress::~Progress() { finish(); }

void Progress::update(std::uint64_t done, std::uint64_t failed) {
  done_ = done;
  failed_ = failed;
  if (!enabled_) return;
  const auto now = Clock::now();
  if (drawn_ && now - last_draw_ < kRedrawPeriod) return;
  last_draw_ = now;
  draw();
}

void Progress::clear() {
  if (!enabled_ || !drawn_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

void Progress::clear_for_stdout() {
  if (stdout_on_terminal_) clear();
}

void Progress::finish() {
  if (!enabled_) return;
  draw();
  std::fputc('\n', stderr);
  std::fflush(stderr);
  enabled_ = false;
}

void Progress::draw() {
  const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  std::fprintf(stderr, "\r\033[K%s", progress_text(done_, failed_, total_, seconds).c_str());
  std::fflush(stderr);
  drawn_ = true;
}

std::string progress_text(std::uint64_t done, std::uint64_t failed,
                          std::optional<std::uint64_t> total, double seconds) {
  constexpr int kBarWidth = 24;
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
  std::string text;
  if (total && *total > 0) {
    const double fraction = std::min(1.0, static_cast<double>(done) / static_cast<double>(*total));
    const int filled = static_cast<int>(fraction * kBarWidth);
    text = "[" + std::string(filled, '#') + std::string(kBarWidth - filled, '.') + "] " +
           std::to_string(done) + "/" + std::to_string(*total) + " items (" +
           std::to_string(static_cast<int>(fraction * 100)) + "%)";
  } else {
    text = std::to_string(done) + " items";
  }
  if (failed > 0) text += " (" + std::to_string(failed) + " failed)";
  char numbers[96];
  std::snprintf(numbers, sizeof numbers, ", %.1f items/s, %.1f s", rate, seconds);
  text += numbers;
  if (total && rate > 0 && done < *total) {
    std::snprintf(numbers, sizeof numbers, ", %.0f s left",
                  static_cast<double>(*total - done) / rate);
    text += numbers;
  }
  return text;
}

}  // namespace cellflow::cli::detail
