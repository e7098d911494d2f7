// Runner, the sources' side: running a stream's sources into frames (with a credit, or, for a
// live source, without waiting for one) and telling synchronisers when a stream has ended.
#include <algorithm>

#include "detail/leaf_runner.hpp"
#include "detail/runner.hpp"

namespace cellflow::detail {

std::size_t Runner::live_width(const Plan& plan, std::size_t stream) {
  std::size_t width = 1;
  for (const auto& unit : plan.units)
    if (unit.cloned && unit.stream == stream)
      width = std::max(width, static_cast<std::size_t>(unit.clones));
  return width;
}

void Runner::follow_clones() {
  for (std::size_t s = 0; s < plan_.streams.size(); ++s) {
    if (!plan_.streams[s].live) continue;
    std::size_t width = 1;
    for (std::size_t u = 0; u < plan_.units.size(); ++u)
      if (units_[u].clones && plan_.units[u].stream == s)
        width = std::max(width, static_cast<std::size_t>(units_[u].clones->size()));
    streams_[s]->credits.set_max(std::min(width, options_.max_in_flight));
  }
}

void Runner::origin_ended(std::size_t s) {
  Stream& stream = *streams_[s];
  if (stream.ended.exchange(true)) return;
  for (const std::size_t t : plan_.streams[s].taps)
    syncs_[plan_.taps[t].sync_unit]->input_total(plan_.taps[t].input, stream.next_seq.load());
}

bool Runner::run_sources(std::size_t s, Frame& frame, bool& any_value) {
  bool any_live = false;
  for (const std::size_t u : plan_.streams[s].source_units) {
    if (!live_sources_[u]) continue;
    const auto& leaf = plan_.leaves[plan_.units[u].first_leaf];
    live_sources_[u] = run_leaf(leaf, *units_[u].cells[0], frame, 0, options_.observer.get());
    any_live = any_live || live_sources_[u];
    for (const std::size_t slot : leaf.output_slots)
      any_value = any_value || !frame.slots[slot].empty();
  }
  return any_live;
}

Frame* Runner::next_from_sources(std::size_t s, bool wait) {
  if (plan_.streams[s].live) return next_live(s);
  Stream& stream = *streams_[s];
  const bool credited = !stop_requested_.load() && !stream.sources_done &&
                        (wait ? stream.credits.acquire() : stream.credits.try_acquire());
  if (!credited) {
    if (stop_requested_.load() || stream.sources_done) origin_ended(s);
    return nullptr;
  }
  Frame* frame = stream.pool.acquire(stream.next_seq.load(), false);
  bool any_value = false;
  stream.sources_done = !run_sources(s, *frame, any_value);
  if (!any_value && !frame->failed.load() && stream.sources_done) {
    stream.pool.recycle(frame);
    stream.credits.cancel();
    origin_ended(s);
    return nullptr;
  }
  FramePool::stamp_after_sources(*frame);  // it enters now, with what the sources made
  ++stream.next_seq;
  ++submitted_;
  return frame;
}

// A live source never waits for the pipeline: while its items are inside (one per clone of its
// widest clone group), it keeps producing into the waiting frame, each new item replacing the
// last (a drop); a credit lets the newest in.
Frame* Runner::next_live(std::size_t s) {
  Stream& stream = *streams_[s];
  for (;;) {
    if (stop_requested_.load()) break;
    if (stream.holds_waiting) {
      if (stream.sources_done ? stream.credits.acquire() : stream.credits.try_acquire()) {
        Frame* frame = stream.pool.acquire(stream.next_seq.load(), false);
        FramePool::move_into(*stream.waiting, *frame);
        stream.holds_waiting = false;
        ++stream.next_seq;
        ++submitted_;
        return frame;
      }
      if (stream.sources_done) break;  // credits closed: stopping
      replaced(s);
    } else if (stream.sources_done) {
      break;
    }
    bool any_value = false;
    stream.sources_done = !run_sources(s, *stream.waiting, any_value);
    stream.holds_waiting = any_value || stream.waiting->failed.load();
    if (stream.holds_waiting) FramePool::stamp_after_sources(*stream.waiting);
  }
  if (stream.holds_waiting) replaced(s);
  origin_ended(s);
  return nullptr;
}

// The live item waiting to enter is dropped for a newer one (or at stop).
void Runner::replaced(std::size_t s) {
  Stream& stream = *streams_[s];
  stream.pool.recycle(stream.waiting.get());
  stream.waiting->failed.store(false);
  stream.holds_waiting = false;
  for (const std::size_t u : plan_.streams[s].source_units) report_drop(u, "", "replaced");
}

}  // namespace cellflow::detail
