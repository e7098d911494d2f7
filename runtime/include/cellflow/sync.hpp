// Sync: how a cell with inputs from different streams (independent sources) forms its input
// tuples, given when the cell is added (C++) or as "sync" on its config entry (JSON):
//
//   p.add<Render>("render", {}, cellflow::Sync::realtime(std::chrono::milliseconds(40)));
//   {"name": "render", "type": "Render", "sync": {"policy": "realtime", "tolerance_ms": 40}}
//
// A synchronised cell starts a stream of its own: each tuple it forms is a new item, stamped
// with the tuple's time and numbered in that stream's order. The items of the input streams
// wait (holding their credits) until their value was used or dropped, so a full buffer blocks
// its producer's source instead of growing. Each tuple takes the first value an input item
// carries. Policies:
//  - exact: a tuple when every input has data with the same timestamp, oldest first. Data older
//    than the oldest stamp every input has reached cannot match any more: it is dropped
//    (counted, reason "unmatched"). For offline processing of streams stamped alike.
//  - realtime: prefers the newest complete tuple whose stamps lie within `tolerance` of a target
//    stamp (the newest buffered stamp, then older ones); after a tuple ships, data at or before
//    its newest stamp is dropped ("stale") and never shipped again. With wait_all = false a tuple
//    may lack inputs (the cell checks ctx.has(in)) and is formed at once on every arrival.
//  - latest: one input drives (`driver`, default the first input); each other input contributes
//    its most recent value stamped at or before the driving item's time (sample and hold), or
//    nothing yet.
//  - zip: the n-th item of each input together (pairing by index, not by time).
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cellflow {

struct Sync {
  enum class Policy { kExact, kRealtime, kLatest, kZip };
  Policy policy = Policy::kExact;
  std::chrono::nanoseconds tolerance{0};  ///< realtime
  bool wait_all = true;                   ///< realtime
  std::string driver;                     ///< latest: the driving input's name; "" = the first

  static Sync exact() { return {}; }
  static Sync zip() { return {Policy::kZip, std::chrono::nanoseconds(0), true, ""}; }
  static Sync realtime(std::chrono::nanoseconds tolerance, bool wait_all = true) {
    return {Policy::kRealtime, tolerance, wait_all, ""};
  }
  static Sync latest(std::string driver = "") {
    return {Policy::kLatest, std::chrono::nanoseconds(0), true, std::move(driver)};
  }

  /// {"policy": "realtime", "tolerance_ms": 40, "wait_all": true} and the like.
  nlohmann::json to_json() const;
  /// Reads a config entry's "sync" value; every problem is appended to `problems`, prefixed with
  /// `path` (e.g. "cells[2].sync").
  static Sync from_json(const nlohmann::json& config, const std::string& path,
                        std::vector<std::string>& problems);
};

}  // namespace cellflow
