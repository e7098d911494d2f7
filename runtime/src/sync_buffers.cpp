#include "detail/sync_buffers.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <utility>

namespace cellflow::detail {

SyncBuffers::SyncBuffers(Sync sync, std::size_t inputs, std::size_t driver,
                         std::vector<Queue> queues)
    : sync_(std::move(sync)), driver_(driver), queues_(std::move(queues)), inputs_(inputs) {
  queues_.resize(inputs);
}

void SyncBuffers::push(std::size_t input, Entry entry) {
  const Queue& queue = queues_[input];
  auto& entries = inputs_[input].entries;
  if (queue.drops() && entries.size() >= queue.capacity) {
    if (queue.overflow == Queue::Overflow::kDropNewest) {
      released_.push_back({entry.token, input, Reason::kQueueFull});
      return;
    }
    release_front(input, Reason::kQueueFull);
  }
  if (sync_.policy == Sync::Policy::kRealtime && last_shipped_ && entry.ts <= *last_shipped_) {
    released_.push_back({entry.token, input, Reason::kStale});
    return;
  }
  inputs_[input].entries.push_back(std::move(entry));
  arrived_ = true;
}

void SyncBuffers::end(std::size_t input) { inputs_[input].ended = true; }

bool SyncBuffers::every_input_ended() const {
  return std::all_of(inputs_.begin(), inputs_.end(), [](const Input& in) { return in.ended; });
}

bool SyncBuffers::finished() const {
  return every_input_ended() && std::all_of(inputs_.begin(), inputs_.end(),
                                            [](const Input& in) { return in.entries.empty(); });
}

std::vector<SyncBuffers::Released> SyncBuffers::take_released() {
  return std::exchange(released_, {});
}

void SyncBuffers::release_front(std::size_t input, Reason reason) {
  Input& in = inputs_[input];
  if (in.shipped_front) reason = Reason::kUsed;  // a held value that was shipped is no drop
  released_.push_back({in.entries.front().token, input, reason});
  in.entries.pop_front();
  in.shipped_front = false;
}

void SyncBuffers::release_all() {
  const Reason reason =
      sync_.policy == Sync::Policy::kLatest ? Reason::kUnused : Reason::kUnmatched;
  for (std::size_t i = 0; i < inputs_.size(); ++i)
    while (!inputs_[i].entries.empty()) release_front(i, reason);
}

std::optional<SyncBuffers::Tuple> SyncBuffers::next() {
  std::optional<Tuple> tuple;
  switch (sync_.policy) {
    case Sync::Policy::kExact:
      tuple = next_exact(false);
      break;
    case Sync::Policy::kZip:
      tuple = next_exact(true);
      break;
    case Sync::Policy::kRealtime:
      tuple = next_realtime();
      break;
    case Sync::Policy::kLatest:
      tuple = next_latest();
      break;
  }
  if (!tuple && every_input_ended()) release_all();  // nothing left can form a tuple
  return tuple;
}

// The fronts, together: by index (zip) or once their stamps are equal (exact). A front older
// than another input's front can never match (streams are in stamp order): dropped.
std::optional<SyncBuffers::Tuple> SyncBuffers::next_exact(bool by_index) {
  for (;;) {
    Time newest{std::numeric_limits<Time::rep>::min()};
    for (std::size_t i = 0; i < inputs_.size(); ++i) {
      if (inputs_[i].entries.empty()) {
        if (inputs_[i].ended) release_all();
        return std::nullopt;
      }
      newest = std::max(newest, inputs_[i].entries.front().ts);
    }
    bool dropped = false;
    for (std::size_t i = 0; i < inputs_.size() && !by_index; ++i) {
      if (inputs_[i].entries.front().ts < newest) {
        release_front(i, Reason::kUnmatched);
        dropped = true;
      }
    }
    if (dropped) continue;
    Tuple tuple{newest, {}, {}, {}};
    for (std::size_t i = 0; i < inputs_.size(); ++i) {
      tuple.values.emplace_back(inputs_[i].entries.front().value);
      tuple.stamps.push_back(inputs_[i].entries.front().ts);
      tuple.admitted = std::max(tuple.admitted, inputs_[i].entries.front().admitted);
      release_front(i, Reason::kUsed);
    }
    return tuple;
  }
}

// Per input, the newest entry within the tolerance of `target` and after the last shipped time.
std::optional<std::vector<std::optional<std::size_t>>> SyncBuffers::realtime_at(
    Time target, bool wait_all) const {
  std::vector<std::optional<std::size_t>> chosen(inputs_.size());
  bool any = false;
  for (std::size_t i = 0; i < inputs_.size(); ++i) {
    const auto& entries = inputs_[i].entries;
    for (std::size_t k = entries.size(); k-- > 0;) {
      const Time ts = entries[k].ts;
      if (last_shipped_ && ts <= *last_shipped_) break;
      if (ts - target <= sync_.tolerance && target - ts <= sync_.tolerance) {
        chosen[i] = k;
        any = true;
        break;
      }
    }
    if (wait_all && !chosen[i]) return std::nullopt;
  }
  if (!any) return std::nullopt;
  return chosen;
}

// Targets: the newest stamp first (without wait_all, only that one, once per arrival), then
// older buffered stamps; the first target every input can meet ships.
std::optional<SyncBuffers::Tuple> SyncBuffers::next_realtime() {
  std::vector<Time> targets;
  for (const auto& in : inputs_)
    for (const auto& e : in.entries) targets.push_back(e.ts);
  std::sort(targets.begin(), targets.end(), std::greater<>());
  targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
  if (!sync_.wait_all) {
    if (!arrived_ || targets.empty()) return std::nullopt;
    arrived_ = false;
    targets.erase(targets.begin() + 1, targets.end());  // the newest only
  }
  for (const Time target : targets) {
    const auto chosen = realtime_at(target, sync_.wait_all);
    if (!chosen) continue;
    Tuple tuple{target,
                std::vector<std::optional<Value>>(inputs_.size()),
                std::vector<Time>(inputs_.size()),
                {}};
    Time newest = target;
    for (std::size_t i = 0; i < inputs_.size(); ++i) {
      if (!(*chosen)[i]) continue;
      const std::size_t k = *(*chosen)[i];
      tuple.values[i] = inputs_[i].entries[k].value;
      tuple.stamps[i] = inputs_[i].entries[k].ts;
      tuple.admitted = std::max(tuple.admitted, inputs_[i].entries[k].admitted);
      newest = std::max(newest, inputs_[i].entries[k].ts);
      for (std::size_t d = 0; d < k; ++d) release_front(i, Reason::kStale);
      release_front(i, Reason::kUsed);
    }
    last_shipped_ = newest;
    // Data at or before the last shipped time is never shipped again.
    for (std::size_t i = 0; i < inputs_.size(); ++i)
      while (!inputs_[i].entries.empty() && inputs_[i].entries.front().ts <= newest)
        release_front(i, Reason::kStale);
    return tuple;
  }
  return std::nullopt;
}

// The driver's oldest entry, with each other input's newest value stamped at or before it
// (kept: it is held for later driving items until a newer one replaces it).
std::optional<SyncBuffers::Tuple> SyncBuffers::next_latest() {
  auto& driver = inputs_[driver_];
  if (driver.entries.empty()) return std::nullopt;
  Tuple tuple{driver.entries.front().ts,
              std::vector<std::optional<Value>>(inputs_.size()),
              std::vector<Time>(inputs_.size(), driver.entries.front().ts),
              {}};
  tuple.values[driver_] = driver.entries.front().value;
  tuple.admitted = driver.entries.front().admitted;
  release_front(driver_, Reason::kUsed);
  for (std::size_t i = 0; i < inputs_.size(); ++i) {
    if (i == driver_) continue;
    auto& entries = inputs_[i].entries;
    while (entries.size() > 1 && entries[1].ts <= tuple.ts) release_front(i, Reason::kSuperseded);
    if (entries.empty() || entries.front().ts > tuple.ts) continue;
    tuple.values[i] = entries.front().value;
    tuple.stamps[i] = entries.front().ts;
    tuple.admitted = std::max(tuple.admitted, entries.front().admitted);
    inputs_[i].shipped_front = true;
  }
  return tuple;
}

}  // namespace cellflow::detail
