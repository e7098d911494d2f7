#include "progress.hpp"

#include <cstdio>

namespace cellflow::server::detail {
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
  const double rate = seconds > 0 ? static_cast<double>(done_) / seconds : 0.0;
  std::fprintf(stderr, "\r\033[K%llu items", static_cast<unsigned long long>(done_));
  if (failed_ > 0) std::fprintf(stderr, " (%llu failed)", static_cast<unsigned long long>(failed_));
  std::fprintf(stderr, ", %.1f items/s, %.1f s", rate, seconds);
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace cellflow::server::detail
