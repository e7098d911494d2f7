// Synchroniser: a synchronised cell's tuple maker at run time. Taps offer it the items of its
// input streams (in each stream's order); it keeps each item that carries a value (and so its
// credit) until SyncBuffers used or dropped the value, and turns each tuple into an item of its
// own stream when that stream has a credit free. Items without a value (failed, or nothing
// emitted) go on at once. It tells the runner when its stream has no more items: every input
// stream ended and every offered item was let go.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "detail/frame.hpp"
#include "detail/plan.hpp"
#include "detail/sync_buffers.hpp"

namespace cellflow::detail {

class Synchroniser {
 public:
  struct Hooks {
    std::function<Frame*()> acquire;                       // a frame of its stream, or nullptr
    std::function<void(Frame*)> emit;                      // into its stream, in order
    std::function<void(std::size_t tap, Frame*)> release;  // an input item goes on
    std::function<void()> ended;                           // its stream has no more items
    // A value dropped unused: input name and reason ("unmatched", "stale", ...).
    std::function<void(const std::string& input, const char* reason)> dropped;
  };

  Synchroniser(const Plan& plan, std::size_t unit, Hooks hooks);

  /// An item of tap `tap`'s stream reached the tap.
  void offer(std::size_t tap, Frame* frame);
  /// Input `input`'s stream admitted `total` items in all: once that many were offered, the
  /// input has ended.
  void input_total(std::size_t input, std::uint64_t total);
  /// A credit of its stream came back: ship what waits for one.
  void poll();
  /// Values dropped so far, and values waiting, per input.
  std::vector<std::uint64_t> drops() const;
  std::vector<std::size_t> waiting() const;

 private:
  struct Actions {
    std::vector<std::pair<std::size_t, Frame*>> release;
    std::vector<Frame*> emit;
    std::vector<std::pair<std::size_t, const char*>> dropped;
    bool ended = false;
  };
  struct Input {
    std::size_t tap = 0;
    std::uint64_t offered = 0;
    std::optional<std::uint64_t> total;
    bool ended = false;
    std::uint64_t drops = 0;
  };

  void check_ended(std::size_t input);
  void drain(Actions& actions);
  void collect_released(Actions& actions);
  void perform(Actions& actions);

  const Plan& plan_;
  const LeafPlan& leaf_;
  Hooks hooks_;
  mutable std::mutex mutex_;
  SyncBuffers buffers_;
  std::vector<Input> inputs_;
  std::optional<SyncBuffers::Tuple> pending_;  // formed, waiting for a credit
  bool ended_ = false;
};

}  // namespace cellflow::detail
