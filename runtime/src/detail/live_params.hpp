// LiveParams: the changes of one leaf's live parameters while its pipeline runs, and which of
// them each instance (the prototype or a clone) has applied. A change made when the next item to
// be admitted was `from_seq` is seen by that item and every later one; earlier items keep the
// value they were admitted with. Each instance catches up just before it processes an item, on
// its own thread, so a param never changes under a running process().
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "cellflow/cell.hpp"

namespace cellflow::detail {

class LiveParams {
 public:
  /// Items from `from_seq` on see each of `values` ({param: value}), all of them or none: an
  /// instance never takes some of one call's values without the others (from_seq never
  /// decreases between calls).
  void set(const nlohmann::json& values, std::uint64_t from_seq);
  /// Gives `instance` the values item `seq` must see and calls its on_param_changed for each
  /// param that changed. Only from the thread running `instance`.
  void apply(Cell& instance, std::uint64_t seq);
  /// The latest value of each changed param: {param: value}.
  nlohmann::json latest();
  /// Gives `instance` back the values it had before the first change (the run is over).
  void restore(Cell& instance);
  /// `instance` is gone (a retired clone).
  void forget(const Cell& instance);

 private:
  struct Change {
    std::uint64_t from_seq;
    nlohmann::json value;
  };
  struct Applied {
    std::map<std::string, std::size_t> changes;      // per param: how many changes are in effect
    std::map<std::string, nlohmann::json> original;  // per param: its value before the first
  };
  // The value `instance` must have for `param` at `seq`, and how many changes that is.
  std::size_t changes_in_effect(const std::vector<Change>& changes, std::uint64_t seq) const;

  std::atomic<bool> changed_{false};  // no lock on the item path until a first change
  std::mutex mutex_;
  std::map<std::string, std::vector<Change>> changes_;
  std::unordered_map<const Cell*, Applied> applied_;
};

}  // namespace cellflow::detail
