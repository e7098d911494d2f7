#include <algorithm>
#include <chrono>

#include "detail/frame.hpp"

namespace cellflow::detail {

FramePool::FramePool(const Plan& plan, std::size_t stream, std::size_t capacity)
    : plan_(plan), stream_(stream), ring_(std::max<std::size_t>(capacity, 1)) {
  for (const auto& unit : plan.units)
    join_counts_.push_back(static_cast<int>(unit.predecessors.size()));
  for (const auto& s : plan.streams)
    join_counts_.push_back(static_cast<int>(s.terminal_units.size() + s.taps.size()));
}

FramePool::~FramePool() = default;

void FramePool::stamp_after_sources(Frame& frame) {
  frame.info.admitted = std::chrono::system_clock::now();
  if (frame.info.timestamp == kUnstamped)
    frame.info.timestamp = std::chrono::duration_cast<std::chrono::nanoseconds>(
        frame.info.admitted.time_since_epoch());
}

std::unique_ptr<Frame> FramePool::make_spare() const {
  auto frame = std::make_unique<Frame>();
  frame->stream = stream_;
  frame->slots.resize(plan_.slot_count);
  return frame;
}

void FramePool::move_into(Frame& from, Frame& to) {
  for (std::size_t s = 0; s < from.slots.size(); ++s) std::swap(from.slots[s], to.slots[s]);
  to.info.timestamp = from.info.timestamp;
  to.info.admitted = from.info.admitted;
  if (from.failed.load()) to.fail(from.error_cell, from.error);
  to.on_complete = std::move(from.on_complete);
  from.on_complete.clear();
  from.failed.store(false);
  from.error = nullptr;
  from.error_cell.clear();
  for (auto& slot : from.slots) slot.clear();
}

Frame* FramePool::acquire(std::uint64_t seq, bool stamp) {
  auto& frame = ring_[seq % ring_.size()];
  if (!frame) {
    frame = std::make_unique<Frame>();
    frame->stream = stream_;
    frame->slots.resize(plan_.slot_count);
    frame->readers = std::make_unique<std::atomic<int>[]>(plan_.slot_count);
    frame->pending = std::make_unique<std::atomic<int>[]>(join_counts_.size());
    if (plan_.drops)
      frame->skip = std::make_unique<std::atomic<std::uint8_t>[]>(plan_.units.size());
  }
  frame->info.seq = seq;
  frame->info.timestamp = kUnstamped;
  if (stamp) stamp_after_sources(*frame);
  for (std::size_t s = 0; s < plan_.slot_count; ++s)
    frame->readers[s].store(plan_.streams[stream_].readers[s], std::memory_order_relaxed);
  for (std::size_t j = 0; j < join_counts_.size(); ++j)
    frame->pending[j].store(join_counts_[j], std::memory_order_relaxed);
  frame->failed.store(false, std::memory_order_relaxed);
  if (frame->skip) {
    for (std::size_t u = 0; u < plan_.units.size(); ++u)
      frame->skip[u].store(0, std::memory_order_relaxed);
    frame->dropped.store(false, std::memory_order_relaxed);
    frame->credit_back.store(false, std::memory_order_relaxed);
  }
  return frame.get();
}

void FramePool::recycle(Frame* frame) {
  for (auto& slot : frame->slots) slot.clear();
  frame->error = nullptr;
  frame->error_cell.clear();
  frame->done = nullptr;
  frame->on_complete.clear();
  frame->input_stamps.clear();
}

}  // namespace cellflow::detail
