// Queue: the bound and overflow policy of the items waiting in front of a cell, given per cell
// (JSON "queue": {...} on its config entry; C++ Pipeline::set_queue) or per input ("queues":
// {"INPUT": {...}}). By default nothing is dropped: the credits (max_in_flight) bound the items
// in flight, and a full pipeline makes its sources wait ("block").
//  - drop_oldest: when more than `capacity` items wait, the oldest are skipped, so that a slow
//    cell always starts on recent data (a leaky queue).
//  - drop_newest: an item that finds `capacity` items waiting is skipped.
// A skipped item skips the cell and everything after it on its branch (it never stalls a
// sequencer: it goes on through the graph as a no-op); every drop is counted and reported to the
// observer (cellflow_dropped_total{cell, input, reason="queue_full"}). On a synchronised cell's
// input the queue is that input's buffer. A dropping queue never makes its producer wait.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cellflow {

struct Queue {
  enum class Overflow { kBlock, kDropOldest, kDropNewest };
  std::size_t capacity = 0;  ///< items waiting; 0 with kBlock: bounded by the credits only
  Overflow overflow = Overflow::kBlock;

  static Queue drop_oldest(std::size_t capacity) { return {capacity, Overflow::kDropOldest}; }
  static Queue drop_newest(std::size_t capacity) { return {capacity, Overflow::kDropNewest}; }
  bool drops() const { return overflow != Overflow::kBlock; }

  nlohmann::json to_json() const;
  /// Reads {"capacity": N, "overflow": "block" | "drop_oldest" | "drop_newest"}; problems are
  /// appended with `path` in front.
  static Queue from_json(const nlohmann::json& config, const std::string& path,
                         std::vector<std::string>& problems);
};

}  // namespace cellflow
