#include "detail/runner.hpp"

#include <algorithm>
#include <map>

#include "cellflow/error.hpp"
#include "cellflow/param.hpp"
#include "detail/leaf_runner.hpp"
#include "detail/structure.hpp"

namespace cellflow::detail {
namespace {

nlohmann::json merged(nlohmann::json params, const nlohmann::json& overrides) {
  if (params.is_null()) params = nlohmann::json::object();
  if (overrides.is_object()) params.update(overrides);
  return params;
}

thread_local bool t_in_callback = false;

struct CallbackScope {
  CallbackScope() { t_in_callback = true; }
  ~CallbackScope() { t_in_callback = false; }
};

}  // namespace

Runner::Runner(const Pipeline& top, RunOptions options) : options_(options), plan_(make_plan(top)) {
  if (options_.max_in_flight == 0) throw Error("max_in_flight must be at least 1");
  for (std::size_t s = 0; s < plan_.streams.size(); ++s)
    streams_.push_back(std::make_unique<Stream>(plan_, s, options_.max_in_flight));
  drops_ = std::make_unique<std::atomic<std::uint64_t>[]>(plan_.units.size());
  const bool has_inputs = !plan_.inputs.empty(), has_sources = !plan_.source_units.empty();
  if (has_inputs == has_sources)
    throw Error(has_inputs ? "pipeline '" + top.name() +
                                 "' has both exposed inputs and sources; use one or the other"
                           : "pipeline '" + top.name() +
                                 "' has neither exposed inputs nor sources: nothing drives it");
  stream_ = has_sources;
  for (auto& leaf : plan_.leaves) {
    const auto& params = leaf.prototype->params();
    if (std::none_of(params.begin(), params.end(), [](const ParamBase* p) { return p->live(); }))
      continue;
    live_params_.push_back(std::make_unique<LiveParams>());
    leaf.live = live_params_.back().get();
  }
  open_all();
  live_sources_.assign(plan_.units.size(), 1);
  FlowGraph::Callbacks callbacks{
      [this](std::size_t u, Frame& f) {
        const auto& unit = plan_.units[u];
        for (const std::size_t leaf : unit.leaves)
          run_leaf(plan_.leaves[leaf], *units_[u].cells[leaf - unit.first_leaf], f, 0,
                   options_.observer.get());
      },
      [this](std::size_t u) { return units_[u].clones.get(); },
      [this](Frame* f) { complete(f); },
      [this](std::size_t s, bool wait) { return next_from_sources(s, wait); },
      [this](std::size_t tap, Frame* f) { syncs_[plan_.taps[tap].sync_unit]->offer(tap, f); },
      [this](std::size_t u, Frame& f) { queue_dropped(u, f); }};
  graph_ =
      std::make_unique<FlowGraph>(plan_, std::move(callbacks), stream_, options_.max_in_flight);
  make_synchronisers();
}

void Runner::make_synchronisers() {
  syncs_.resize(plan_.units.size());
  for (std::size_t s = 0; s < plan_.streams.size(); ++s) {
    const std::size_t u = plan_.streams[s].sync_unit;
    if (u == kIngress) continue;
    Synchroniser::Hooks hooks{[this, s]() -> Frame* {
                                Stream& stream = *streams_[s];
                                if (!stream.credits.try_acquire()) return nullptr;
                                ++submitted_;
                                return stream.pool.acquire(stream.next_seq++);
                              },
                              [this, s](Frame* f) { graph_->put_stream(s, f); },
                              [this](std::size_t tap, Frame* f) { graph_->pass_tap(tap, f); },
                              [this, s] { origin_ended(s); },
                              [this, u](const std::string& input, const char* reason) {
                                report_drop(u, input, reason, false);
                              }};
    syncs_[u] = std::make_unique<Synchroniser>(plan_, u, std::move(hooks));
  }
}

// The dropped item keeps its place in order without its credit: the producer goes on at once.
void Runner::queue_dropped(std::size_t u, Frame& frame) {
  const auto& inputs = plan_.leaves[plan_.units[u].first_leaf].prototype->inputs();
  report_drop(u, inputs.empty() ? "" : inputs[0]->name(), "queue_full");
  if (streams_[frame.stream]->credits.release_dropped(frame.credit_back))
    graph_->wake(frame.stream);
}

// Counted by the unit (a synchroniser counts its own) and told to the observer.
void Runner::report_drop(std::size_t u, const std::string& input, const char* reason, bool count) {
  if (count) drops_[u].fetch_add(1, std::memory_order_relaxed);
  if (options_.observer) options_.observer->on_drop(plan_.units[u].path, input, reason);
}

Runner::~Runner() { shutdown(); }

CloneGroup::CloneCells Runner::make_clone(const UnitPlan& unit, int k) {
  const auto& child = *unit.child;
  const ScaleUp& scale = child.scale;
  const bool remote = scale.make_remote && k >= scale.clones - scale.remote;
  auto cell = remote ? scale.make_remote(*child.cell, k) : child.factory();
  CellAccess::set_identity(*cell, child.cell->name(), child.cell->parent());
  const auto& overrides = scale.clone_params;
  // Inside composing pipelines, clone k is copy k % n of the cell's own n clones.
  if (!remote)
    cell->configure(merged(child.params,
                           overrides.empty() ? nlohmann::json() : overrides[k % overrides.size()]));
  CloneGroup::CloneCells made{cell->is_pipeline() ? leaves_of(static_cast<Pipeline&>(*cell))
                                                  : std::vector<Cell*>{cell.get()},
                              remote && child.cell->is_pipeline()};
  owned_.push_back(std::move(cell));
  return made;
}

// Makes and opens clone k; Error names the cell and the clone when open() throws.
CloneGroup::CloneCells Runner::open_clone(const UnitPlan& unit, int k) {
  try {
    auto made = make_clone(unit, k);
    for (auto* cell : made.cells) {
      cell->open();
      opened_.push_back(cell);
    }
    return made;
  } catch (const std::exception& e) {
    throw Error("cell '" + unit.path + "' clone " + std::to_string(k) +
                " failed to open: " + e.what());
  }
}

void Runner::open_all() {
  units_.resize(plan_.units.size());
  for (const auto& unit : plan_.units) {
    if (unit.within.empty()) continue;
    clone_counts_[unit.path] = unit.child->scaled ? unit.child->scale.clones : 1;
    for (const auto* outer : unit.within) clone_counts_[outer->cell->path()] = outer->scale.clones;
  }
  try {
    for (std::size_t u = 0; u < plan_.units.size(); ++u) {
      const auto& unit = plan_.units[u];
      if (unit.cloned) {
        units_[u].clones = std::make_unique<CloneGroup>(plan_, unit, options_.observer.get());
        units_[u].clones->resize(unit.clones, [&](int k) { return open_clone(unit, k); });
        continue;
      }
      for (std::size_t l = 0; l < unit.leaf_count; ++l) {
        Cell* cell = plan_.leaves[unit.first_leaf + l].prototype;
        try {
          cell->open();
        } catch (const std::exception& e) {
          throw Error("cell '" + plan_.leaves[unit.first_leaf + l].path +
                      "' failed to open: " + e.what());
        }
        opened_.push_back(cell);
        units_[u].cells.push_back(cell);
      }
    }
  } catch (...) {
    for (auto& unit : units_)
      if (unit.clones) unit.clones->stop();
    close_all();
    throw;
  }
}

std::size_t Runner::clone_unit(std::string_view path) const {
  for (std::size_t u = 0; u < plan_.units.size(); ++u) {
    if (plan_.units[u].path != path) continue;
    if (units_[u].clones) return u;
    throw Error("cell '" + std::string(path) +
                "' was started without ScaleUp; give it ScaleUp{1} (\"clones\": 1 in config) to "
                "rescale it while running");
  }
  std::string groups;
  for (std::size_t u = 0; u < plan_.units.size(); ++u)
    if (units_[u].clones) groups += (groups.empty() ? "" : ", ") + plan_.units[u].path;
  throw Error("'" + std::string(path) +
              "' is not a clone group (clone groups: " + (groups.empty() ? "none" : groups) + ")");
}

void Runner::scale(std::string_view path, int clones) {
  if (std::any_of(plan_.units.begin(), plan_.units.end(),
                  [&](const UnitPlan& unit) { return composed_by(unit, path); }))
    return scale_composed(path, clones);
  const std::size_t u = clone_unit(path);
  const auto& unit = plan_.units[u];
  const auto& overrides = unit.child->scale.clone_params;
  check_clone_count(unit.path, clones);
  if (!overrides.empty() && clones > static_cast<int>(overrides.size()))
    throw Error("cell '" + unit.path + "' has clone_params for " +
                std::to_string(overrides.size()) + " clones, cannot scale to " +
                std::to_string(clones));
  std::lock_guard lock(instances_mutex_);
  if (shut_down_) throw Error("pipeline is stopped: cannot scale '" + unit.path + "'");
  release(units_[u].clones->resize(clones, [&](int k) { return open_clone(unit, k); }));
  follow_clones();
}

void Runner::check_clone_count(const std::string& path, int clones) {
  if (clones < 1 || clones > ScaleUp::kMaxClones)
    throw Error("clones for '" + path + "' must be between 1 and " +
                std::to_string(ScaleUp::kMaxClones) + ", got " + std::to_string(clones));
}

// A unit inside composing cloned pipelines whose size depends on the clone count at `path`.
bool Runner::composed_by(const UnitPlan& unit, std::string_view path) {
  return !unit.within.empty() &&
         (unit.path == path || std::any_of(unit.within.begin(), unit.within.end(),
                                           [&](const auto* c) { return c->cell->path() == path; }));
}

// The clone count at `path` (a composing pipeline, or a cell inside one) becomes `clones`;
// every clone group below it takes the product of the counts along its path.
void Runner::scale_composed(std::string_view path, int clones) {
  check_clone_count(std::string(path), clones);
  std::lock_guard lock(instances_mutex_);
  if (shut_down_) throw Error("pipeline is stopped: cannot scale '" + std::string(path) + "'");
  clone_counts_[std::string(path)] = clones;
  for (std::size_t u = 0; u < plan_.units.size(); ++u) {
    const auto& unit = plan_.units[u];
    if (!composed_by(unit, path)) continue;
    int size = clone_counts_.at(unit.path);
    for (const auto* outer : unit.within) size *= clone_counts_.at(outer->cell->path());
    release(units_[u].clones->resize(size, [&](int k) { return open_clone(unit, k); }));
  }
  follow_clones();
}

void Runner::set_params(std::string_view path, const nlohmann::json& values) {
  for (std::size_t u = 0; u < plan_.units.size(); ++u) {
    const auto& unit = plan_.units[u];
    for (std::size_t l = unit.first_leaf; l < unit.first_leaf + unit.leaf_count; ++l) {
      LeafPlan& leaf = plan_.leaves[l];
      if (leaf.path != path || leaf.live == nullptr) continue;
      if (unit.child != nullptr && unit.child->scale.remote > 0)
        throw Error("cell '" + leaf.path + "' runs on remote clones (of '" + unit.path +
                    "'): their workers hold their own params; set it in their config");
      std::lock_guard lock(set_param_mutex_);  // stamps in the order the changes are listed
      leaf.live->set(values, streams_[unit.stream]->next_seq.load());
      return;
    }
  }
  throw Error("cell '" + std::string(path) + "' has no live params");
}

std::map<std::string, int, std::less<>> Runner::composed_clone_counts() const {
  std::lock_guard lock(instances_mutex_);
  return clone_counts_;
}

std::map<std::string, nlohmann::json> Runner::live_values() const {
  std::map<std::string, nlohmann::json> out;
  for (const auto& leaf : plan_.leaves)
    if (leaf.live != nullptr)
      if (auto values = leaf.live->latest(); !values.empty()) out[leaf.path] = std::move(values);
  return out;
}

// Closes and frees retired clones' cells (a retired nested-pipeline clone goes as a whole).
void Runner::release(const std::vector<Cell*>& retired) {
  for (const auto& live : live_params_)
    for (const Cell* cell : retired) live->forget(*cell);
  for (Cell* cell : retired) {
    try {
      cell->close();
    } catch (...) {  // a retired clone's close() failure has no one to report to
    }
    std::erase(opened_, cell);
  }
  std::erase_if(owned_, [&](const std::unique_ptr<Cell>& owned) {
    const auto leaves = owned->is_pipeline() ? leaves_of(static_cast<Pipeline&>(*owned))
                                             : std::vector<Cell*>{owned.get()};
    return !leaves.empty() &&
           std::find(retired.begin(), retired.end(), leaves.front()) != retired.end();
  });
}

void Runner::close_all() noexcept {
  for (auto it = opened_.rbegin(); it != opened_.rend(); ++it) {
    try {
      (*it)->close();
    } catch (...) {  // close() failures cannot be reported to anyone waiting; keep closing
    }
  }
  opened_.clear();
}

std::exception_ptr Runner::run(Sink sink) {
  if (!stream_)
    throw Error(
        "run() needs a pipeline driven by sources; this one has exposed inputs: use submit()");
  sink_ = std::move(sink);
  graph_->run_stream();
  return first_error_;
}

void Runner::check_inputs(const InputValues& inputs) const {
  std::vector<std::string> problems;
  for (const auto& in : plan_.inputs) {
    auto it = inputs.find(in.name);
    if (it == inputs.end())
      problems.push_back("missing input '" + in.name + "'");
    else if (it->second.type() != *in.type)
      problems.push_back("input '" + in.name + "' expects " + type_name(*in.type) + ", got " +
                         type_name(it->second.type()));
  }
  for (const auto& [name, value] : inputs) {
    bool known = false;
    for (const auto& in : plan_.inputs) known = known || in.name == name;
    if (!known) problems.push_back("unknown input '" + name + "'");
  }
  if (!problems.empty()) throw Error(std::move(problems));
}

void Runner::submit(InputValues inputs, std::function<void(Result&&)> done,
                    std::optional<std::chrono::milliseconds> wait, bool& accepted) {
  if (stream_)
    throw Error(
        "submit() needs a pipeline with exposed inputs; this one is driven by sources: use run()");
  check_inputs(inputs);
  Stream& stream = *streams_[0];
  accepted = wait ? stream.credits.acquire_for(*wait) : stream.credits.acquire();
  if (!accepted) {
    if (stop_requested_) throw Error("pipeline is stopped");
    return;
  }
  if (stop_requested_) {
    stream.credits.cancel();
    throw Error("pipeline is stopped");
  }
  // No lock: the sequence number orders the item (FlowGraph::put restores the order), and a
  // credit held keeps shutdown() waiting for it.
  Frame* frame = stream.pool.acquire(stream.next_seq++);
  for (const auto& in : plan_.inputs)
    frame->slots[in.slot].push_back(std::move(inputs.find(in.name)->second));
  frame->done = std::move(done);
  ++submitted_;
  graph_->put(frame);
}

bool Runner::in_callback() { return t_in_callback; }

void Runner::complete(Frame* frame) {
  CallbackScope scope;
  const std::size_t s = frame->stream;
  Stream& stream = *streams_[s];
  // Every exposed output is listed; those another stream fills are empty here.
  Result::Outputs outputs;
  outputs.reserve(plan_.outputs.size());
  for (const auto& out : plan_.outputs)
    outputs.emplace_back(
        out.name, out.stream == s ? std::move(frame->slots[out.slot]) : std::vector<Value>());
  std::exception_ptr error;
  if (frame->failed.load()) {
    error = std::make_exception_ptr(CellFailure(frame->error_cell, frame->error));
    ++failed_;
  }
  Result result(frame->info, std::move(outputs), error);
  // Counted and credited before delivery: whoever sees the result can submit again at once.
  ++completed_;
  auto on_complete = std::move(frame->on_complete);
  frame->on_complete.clear();
  if (stream_) {
    // A stream that fills no exposed output (it feeds a synchroniser) reports failures only;
    // an item a queue dropped is delivered only with what its other branches produced.
    bool silent = plan_.streams[s].outputs.empty() && !error && plan_.streams.size() > 1;
    if (!error && frame->dropped.load(std::memory_order_acquire))
      silent = std::all_of(result.outputs().begin(), result.outputs().end(),
                           [](const auto& out) { return out.second.empty(); });
    const bool delivered = silent || deliver_stream(frame, std::move(result));
    stream.pool.recycle(frame);
    // The completion then wakes the pump, which takes it again.
    stream.credits.release_completed(frame->credit_back);
    if (plan_.streams[s].sync_unit != kIngress) syncs_[plan_.streams[s].sync_unit]->poll();
    return notify_complete(on_complete, delivered);
  }
  auto done = std::move(frame->done);
  stream.pool.recycle(frame);
  stream.credits.release_completed(frame->credit_back);
  try {
    done(std::move(result));
  } catch (...) {  // a completion callback must not break the graph; the item is done
  }
  notify_complete(on_complete, true);
}

void Runner::notify_complete(const std::vector<std::function<void(bool)>>& callbacks,
                             bool delivered) {
  for (const auto& callback : callbacks) {
    try {
      callback(delivered);
    } catch (...) {  // the item is done; a failing acknowledgement must not break the graph
    }
  }
}

bool Runner::deliver_stream(Frame* frame, Result&& result) {
  std::unique_lock lock(deliver_mutex_, std::defer_lock);
  if (streams_.size() > 1) lock.lock();
  if (first_error_) return false;  // fail-fast: nothing after the first failure is delivered
  if (!result.ok() && options_.on_error == ErrorPolicy::kFailFast) {
    first_error_ = frame->error;
    stop_requested_ = true;
    return false;
  }
  try {
    if (sink_) sink_(std::move(result));
  } catch (...) {
    first_error_ = std::current_exception();
    stop_requested_ = true;
    return false;
  }
  return true;
}

void Runner::request_stop() {
  stop_requested_ = true;
  // Source threads waiting for a credit wake up and end; synchronised streams drain.
  for (std::size_t s = 0; s < streams_.size(); ++s)
    if (!stream_ || !plan_.streams[s].source_units.empty()) streams_[s]->credits.close();
}

void Runner::shutdown() {
  if (shut_down_) return;
  request_stop();
  for (auto& stream : streams_) stream->credits.wait_idle();
  graph_->wait();
  std::lock_guard lock(instances_mutex_);
  shut_down_ = true;
  for (auto& unit : units_)
    if (unit.clones) unit.clones->stop();
  graph_.reset();
  close_all();
  // A plain cell is the prototype, which outlives the run: it takes its configured values back.
  for (const auto& leaf : plan_.leaves)
    if (leaf.live != nullptr) leaf.live->restore(*leaf.prototype);
}

// The first non-null Cell::status() per cell path, among the open instances.
std::map<std::string, nlohmann::json> Runner::cell_statuses() const {
  std::map<std::string, nlohmann::json> statuses;
  std::lock_guard lock(instances_mutex_);
  for (const Cell* cell : opened_) {
    const std::string path = cell->path();
    if (statuses.count(path) != 0) continue;
    if (nlohmann::json status = cell->status(); !status.is_null())
      statuses.emplace(path, std::move(status));
  }
  return statuses;
}

PipelineStats Runner::stats() const {
  const auto done = completed_.load();
  const auto in = submitted_.load();
  PipelineStats stats{in, done, failed_.load(), static_cast<std::size_t>(in - done), {}};
  if (shut_down_) return stats;  // the graph and the clone groups are gone
  const auto statuses = cell_statuses();
  for (std::size_t u = 0; u < plan_.units.size(); ++u) {
    if (plan_.units[u].source) continue;
    const CloneGroup* group = units_[u].clones.get();
    const auto status = statuses.find(plan_.units[u].path);
    std::uint64_t dropped = drops_[u].load(std::memory_order_relaxed);
    if (syncs_[u])
      for (const auto d : syncs_[u]->drops()) dropped += d;
    const std::size_t queued = group ? group->queued() : graph_->queued(u);
    stats.cells.push_back({plan_.units[u].path, group ? group->size() : 0, queued,
                           status == statuses.end() ? nlohmann::json() : status->second, dropped,
                           queued_by_input(u, queued)});
  }
  return stats;
}

std::vector<std::pair<std::string, std::size_t>> Runner::queued_by_input(std::size_t u,
                                                                         std::size_t queued) const {
  const auto& unit = plan_.units[u];
  const auto& inputs = plan_.leaves[unit.first_leaf].prototype->inputs();
  std::vector<std::size_t> waiting(inputs.size(), queued);
  if (syncs_[u]) waiting = syncs_[u]->waiting();
  std::vector<std::pair<std::string, std::size_t>> out;
  if (unit.leaf_count != 1) return out;  // a cloned nested pipeline: its cells' inputs vary
  for (std::size_t i = 0; i < inputs.size() && i < waiting.size(); ++i)
    out.emplace_back(inputs[i]->name(), waiting[i]);
  return out;
}

}  // namespace cellflow::detail
