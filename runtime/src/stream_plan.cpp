#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "cellflow/error.hpp"
#include "detail/plan.hpp"
#include "detail/structure.hpp"

namespace cellflow::detail {
namespace {

// Streams: which items each unit sees. Sources are one stream when there is one source or they
// are zipped, else one stream each; a synchronised cell starts a stream; any other unit is in the
// stream of its inputs, and inputs from two streams without a synchroniser are a build error.
class StreamBuilder {
 public:
  StreamBuilder(const Pipeline& top, Plan& plan, const std::vector<std::size_t>& slot_owner)
      : top_(top), plan_(plan), slot_owner_(slot_owner), unit_of_(plan.leaves.size()) {
    for (std::size_t u = 0; u < plan.units.size(); ++u)
      for (std::size_t l = 0; l < plan.units[u].leaf_count; ++l)
        unit_of_[plan.units[u].first_leaf + l] = u;
  }

  void build() {
    place_queues();
    for (const auto& unit : plan_.units)
      if (unit.child != nullptr && unit.child->sync && unit.child->cell->is_pipeline())
        problems_.push_back("cell '" + unit.path +
                            "': a synchroniser applies to a cell, not to a nested pipeline; give "
                            "it to the cell inside that takes the inputs");
    start_source_streams();
    assign_units();
    if (problems_.empty()) count_readers();
    if (!problems_.empty()) throw Error(std::move(problems_));
  }

 private:
  static constexpr std::size_t kUnassigned = std::numeric_limits<std::size_t>::max();

  // A dropping queue in front of a unit (a clone group's bounds the items waiting for a free
  // clone); a synchronised cell's queues bound its inputs'
  // buffers instead (Synchroniser). Within a stream all inputs of a cell receive an item
  // together, so a per-input queue there is the cell's queue.
  void place_queues() {
    for (std::size_t u = 0; u < plan_.units.size(); ++u) {
      auto& unit = plan_.units[u];
      if (unit.child == nullptr || unit.source) continue;
      std::optional<Queue> queue = unit.child->queue;
      if (!queue && !unit.child->queues.empty()) queue = unit.child->queues.begin()->second;
      if (!queue || !queue->drops() || unit.child->sync) continue;
      unit.queue = queue;
      plan_.drops = true;
      add_downstream(u, u);
    }
  }
  void add_downstream(std::size_t u, std::size_t from) {
    auto& list = plan_.units[u].downstream;
    if (std::find(list.begin(), list.end(), from) != list.end()) return;
    list.push_back(from);
    for (const std::size_t s : plan_.units[from].successors) add_downstream(u, s);
  }

  static StreamPlan stream_from(std::string name, std::size_t sync_unit,
                                std::vector<std::size_t> sources) {
    StreamPlan stream;
    stream.name = std::move(name);
    stream.sync_unit = sync_unit;
    stream.source_units = std::move(sources);
    return stream;
  }

  void start_source_streams() {
    stream_of_.assign(plan_.units.size(), kUnassigned);
    const auto& sources = plan_.source_units;
    const bool independent = sources.size() > 1 && !top_.zip_sources();
    if (!independent) {
      StreamPlan stream = stream_from(sources.empty() ? "exposed inputs" : "", kIngress, sources);
      for (const std::size_t u : sources) {
        stream.name += (stream.name.empty() ? "" : " + ") + plan_.units[u].path;
        stream_of_[u] = 0;
      }
      stream.live = std::any_of(sources.begin(), sources.end(), [&](std::size_t u) {
        return plan_.leaves[plan_.units[u].first_leaf].prototype->live();
      });
      stream.source_thread =
          stream.live || std::any_of(sources.begin(), sources.end(), [&](std::size_t u) {
            return plan_.leaves[plan_.units[u].first_leaf].prototype->waits();
          });
      plan_.streams.push_back(std::move(stream));
      return;
    }
    for (const std::size_t u : sources) {
      stream_of_[u] = plan_.streams.size();
      plan_.streams.push_back(stream_from(plan_.units[u].path, kIngress, {u}));
      plan_.streams.back().source_thread = true;
      plan_.streams.back().live = plan_.leaves[plan_.units[u].first_leaf].prototype->live();
    }
  }

  // The unit that produces `slot` (kIngress: an exposed input; kFeedback: a feedback slot).
  std::size_t producer_of(std::size_t slot) const {
    const std::size_t owner = slot_owner_[slot];
    return owner == kIngress || owner == kFeedback ? owner : unit_of_[owner];
  }

  // Units in any order whose producers have their streams: repeated until nothing changes.
  void assign_units() {
    for (bool changed = true; changed;) {
      changed = false;
      for (std::size_t u = 0; u < plan_.units.size(); ++u)
        if (stream_of_[u] == kUnassigned && try_assign(u)) changed = true;
    }
    for (std::size_t u = 0; u < plan_.units.size(); ++u) {
      if (stream_of_[u] == kUnassigned && problems_.empty())
        problems_.push_back("cell '" + plan_.units[u].path +
                            "': its inputs depend on its own output through a synchronised cell; "
                            "mark the connection that closes the loop as feedback");
      plan_.units[u].stream = stream_of_[u] == kUnassigned ? 0 : stream_of_[u];
    }
  }

  bool try_assign(std::size_t u) {
    const auto& unit = plan_.units[u];
    std::vector<std::size_t> streams;
    for (std::size_t l = unit.first_leaf; l < unit.first_leaf + unit.leaf_count; ++l) {
      for (const std::size_t slot : plan_.leaves[l].input_slots) {
        const std::size_t producer = producer_of(slot);
        if (producer == kFeedback || producer == u) continue;
        const std::size_t stream = producer == kIngress ? 0 : stream_of_[producer];
        if (stream == kUnassigned) return false;
        if (std::find(streams.begin(), streams.end(), stream) == streams.end())
          streams.push_back(stream);
      }
    }
    if (unit.sync) return start_sync_stream(u), true;
    if (streams.size() > 1) joined_without_sync(u, streams);
    stream_of_[u] = streams.empty() ? 0 : streams.front();
    return true;
  }

  void joined_without_sync(std::size_t u, const std::vector<std::size_t>& streams) {
    std::string names;
    for (const std::size_t s : streams)
      names += (names.empty() ? "'" : "' and '") + plan_.streams[s].name;
    problems_.push_back(
        "cell '" + plan_.units[u].path + "' takes items of independent streams (from " + names +
        "'): give it a synchroniser (\"sync\": {\"policy\": \"exact\" | \"realtime\" | "
        "\"latest\" | \"zip\"}; C++: cellflow::Sync), or pair all sources by index with "
        "\"zip_sources\": true");
  }

  void start_sync_stream(std::size_t u) {
    auto& unit = plan_.units[u];
    stream_of_[u] = plan_.streams.size();
    plan_.streams.push_back(stream_from(unit.path, u, {}));
    const LeafPlan& leaf = plan_.leaves[unit.first_leaf];
    const auto& inputs = leaf.prototype->inputs();
    if (!plan_.inputs.empty())
      problems_.push_back("cell '" + unit.path +
                          "': synchronisers join the streams of sources; a pipeline with "
                          "exposed inputs serves requests, which form one stream");
    if (inputs.size() < 2)
      problems_.push_back("cell '" + unit.path +
                          "': a synchroniser needs at least 2 inputs, it has " +
                          std::to_string(inputs.size()));
    if (unit.sync->policy == Sync::Policy::kLatest && !unit.sync->driver.empty() &&
        std::none_of(inputs.begin(), inputs.end(),
                     [&](const PortBase* in) { return in->name() == unit.sync->driver; }))
      problems_.push_back("cell '" + unit.path + "': sync.driver '" + unit.sync->driver +
                          "' is not one of its inputs");
    for (std::size_t i = 0; i < leaf.input_slots.size(); ++i) {
      const std::size_t producer = producer_of(leaf.input_slots[i]);
      if (producer == kIngress || producer == kFeedback) {
        problems_.push_back("cell '" + unit.path + "': input '" + inputs[i]->name() +
                            "' of a synchronised cell must come from a cell of a stream " +
                            "(not an exposed input or a feedback connection)");
        continue;
      }
      plan_.taps.push_back({producer, leaf.input_slots[i], u, i, stream_of_[producer]});
    }
  }

  void count_readers() {
    for (auto& stream : plan_.streams) stream.readers.assign(plan_.slot_count, 0);
    for (std::size_t l = 0; l < plan_.leaves.size(); ++l)
      for (const std::size_t slot : plan_.leaves[l].input_slots)
        plan_.streams[plan_.units[unit_of_[l]].stream].readers[slot]++;
    for (std::size_t t = 0; t < plan_.taps.size(); ++t) {
      auto& stream = plan_.streams[plan_.taps[t].stream];
      stream.readers[plan_.taps[t].slot]++;
      stream.taps.push_back(t);
    }
    for (const auto& loop : plan_.feedback) {
      const std::size_t stream = plan_.units[loop.producer_unit].stream;
      plan_.streams[stream].readers[loop.source_slot]++;
      for (const std::size_t c : loop.consumer_units)
        if (plan_.units[c].stream != stream)
          problems_.push_back("feedback connection " + loop.name +
                              ": it must stay within one stream, but it joins the streams of '" +
                              plan_.streams[stream].name + "' and '" +
                              plan_.streams[plan_.units[c].stream].name + "'");
    }
    for (std::size_t o = 0; o < plan_.outputs.size(); ++o) {
      const std::size_t producer = producer_of(plan_.outputs[o].slot);
      const std::size_t stream = producer == kIngress ? 0 : plan_.units[producer].stream;
      plan_.streams[stream].readers[plan_.outputs[o].slot]++;
      plan_.streams[stream].outputs.push_back(o);
      plan_.outputs[o].stream = stream;
    }
    for (const std::size_t u : plan_.terminal_units)
      plan_.streams[plan_.units[u].stream].terminal_units.push_back(u);
  }

  const Pipeline& top_;
  Plan& plan_;
  const std::vector<std::size_t>& slot_owner_;
  std::vector<std::size_t> unit_of_;  // per leaf
  std::vector<std::size_t> stream_of_;
  std::vector<std::string> problems_;
};

}  // namespace

void plan_streams(const Pipeline& top, Plan& plan, const std::vector<std::size_t>& slot_owner) {
  StreamBuilder(top, plan, slot_owner).build();
}

}  // namespace cellflow::detail
