// SyncBuffers: the tuple-forming rules of a synchronised cell (cellflow::Sync), free of threads
// and graphs. Entries arrive per input in their stream's order; next() ships the next tuple the
// policy allows; entries that were used or can never be used any more come back from
// take_released() (with their token, so that their items can go on).
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>
#include <vector>

#include "cellflow/queue.hpp"
#include "cellflow/sync.hpp"
#include "cellflow/value.hpp"

namespace cellflow::detail {

class SyncBuffers {
 public:
  using Time = std::chrono::nanoseconds;
  struct Entry {
    Time ts{0};
    Value value;
    void* token = nullptr;  // the item it came from; handed back when released
    std::chrono::system_clock::time_point admitted{};  // when that item entered the pipeline
  };
  struct Tuple {
    Time ts{0};
    std::vector<std::optional<Value>> values;  // per input; nullopt: absent
    std::vector<Time> stamps;                  // per input: its value's stamp (when present)
    std::chrono::system_clock::time_point admitted{};  // the newest of its inputs' admissions
  };
  enum class Reason { kUsed, kUnmatched, kStale, kSuperseded, kUnused, kQueueFull };
  struct Released {
    void* token;
    std::size_t input;
    Reason reason;  // anything but kUsed counts as a drop
  };

  /// `queues`: per input, its buffer's bound (empty: none but the credits).
  SyncBuffers(Sync sync, std::size_t inputs, std::size_t driver, std::vector<Queue> queues = {});

  /// An item of input `input`'s stream carrying `value` (entries without a value: see skip()).
  void push(std::size_t input, Entry entry);
  /// No more entries on `input`.
  void end(std::size_t input);
  /// The next tuple the policy allows now, if any.
  std::optional<Tuple> next();
  /// Every input ended and nothing is left to ship.
  bool finished() const;
  /// Entries released since the last call, in release order.
  std::vector<Released> take_released();
  /// Entries waiting, per input.
  std::size_t size(std::size_t input) const { return inputs_[input].entries.size(); }

 private:
  struct Input {
    std::deque<Entry> entries;
    bool ended = false;
    bool shipped_front = false;  // latest: the front entry was shipped (held, not dropped)
  };

  std::optional<Tuple> next_exact(bool by_index);
  std::optional<Tuple> next_realtime();
  std::optional<Tuple> next_latest();
  // Per input, the index of the entry a tuple at `target` would take.
  std::optional<std::vector<std::optional<std::size_t>>> realtime_at(Time target,
                                                                     bool wait_all) const;
  void release_front(std::size_t input, Reason reason);
  void release_all();
  bool every_input_ended() const;

  Sync sync_;
  std::size_t driver_;
  std::vector<Queue> queues_;
  std::vector<Input> inputs_;
  std::vector<Released> released_;
  std::optional<Time> last_shipped_;  // realtime
  bool arrived_ = false;              // realtime without wait_all: one tuple per arrival
};

}  // namespace cellflow::detail
