// Cell: the unit of computation. Lifecycle: configure(params) -> open() -> process() once per
// item (per value on its input; see Pipeline) -> close(). An instance is never entered
// concurrently, so it may keep state without locks; parallelism comes from clones (ScaleUp).
//
//   class Doubler final : public cellflow::Cell {
//    public:
//     cellflow::Input<int> in{*this, "in"};
//     cellflow::Output<int> out{*this, "out"};
//     cellflow::Param<int> factor{*this, "factor", 2, "multiplier"};
//     void process(cellflow::Context& ctx) override { ctx.emit(out, ctx.get(in) * *factor); }
//   };
//
// A cell without inputs is a source: process() is called once per item until it calls
// ctx.end_of_stream().
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cellflow/context.hpp"
#include "cellflow/port.hpp"

namespace cellflow {

class Pipeline;
class ParamBase;
class BatchContext;
namespace detail {
struct CellAccess;
}

class Cell {
 public:
  Cell() = default;
  Cell(const Cell&) = delete;
  Cell& operator=(const Cell&) = delete;
  virtual ~Cell();

  /// Applies params to the declared Param members. Unknown keys, wrong types and broken rules
  /// throw Error listing every problem. Override to check more or derive state: call
  /// assign_params first and add your own problems to the ones it returns.
  virtual void configure(const nlohmann::json& params);
  /// Acquire resources (models, files, devices). Called once before the first item.
  virtual void open() {}
  /// Handle one item: read inputs with ctx.get/take, emit with ctx.emit.
  virtual void process(Context& ctx) = 0;
  /// True when the cell implements process_batch, so that it can be given a Batch policy.
  virtual bool batches() const { return false; }
  /// Handle several items at once (dynamic batching, see cellflow/batch.hpp): batch[i] is item
  /// i's context. Emit per item; batch.fail(i, error) fails item i only, and throwing fails the
  /// whole batch (each of its items).
  virtual void process_batch(BatchContext& batch);
  /// A live parameter (declared with cellflow::kLive) took a new value from
  /// Pipeline::set_param. Called on the thread that runs this instance, between two items, before
  /// the first item that sees the value: rebuild what depends on it here.
  virtual void on_param_changed(const std::string& /*name*/) {}
  /// Release resources. Called once after the last item, also after a failed start.
  virtual void close() {}
  /// Sources may say, once open, how many items they will emit (a video's frame count, a folder's
  /// files); the CLI turns it into a progress bar. std::nullopt: unknown or endless.
  virtual std::optional<std::uint64_t> expected_items() const { return std::nullopt; }
  /// Sources: true when process() waits (for its next emission time, a device, the network).
  /// Such a source runs on a thread of its own, so that its waiting never holds up the
  /// pipeline's threads; so does every source when a pipeline has several independent ones.
  virtual bool waits() const { return false; }
  /// Sources: true for a live source (a camera, a stream replayed in real time), which never
  /// waits for the pipeline. Its stream admits one item per clone of its widest clone group (one
  /// without clones); while those are in the pipeline the source keeps producing, and each new
  /// item replaces the one waiting to enter
  /// (counted as dropped, reason "replaced"), so a slow cell always starts on a recent item.
  virtual bool live() const { return false; }
  /// What the cell reports about itself in the pipeline's statistics (PipelineStats, the
  /// statistics route): remote clones report their queue's live workers. Null: nothing. Called
  /// from other threads while the cell runs: keep it thread-safe.
  virtual nlohmann::json status() const;

  const std::string& name() const noexcept { return name_; }
  /// "outer/inner/name" from the top-level pipeline (the top level itself is not part of it).
  std::string path() const;
  Pipeline* parent() const noexcept { return parent_; }
  const std::vector<PortBase*>& inputs() const noexcept { return inputs_; }
  const std::vector<PortBase*>& outputs() const noexcept { return outputs_; }
  const std::vector<ParamBase*>& params() const noexcept { return params_; }
  PortBase* find_port(const std::string& name) const;
  bool is_source() const noexcept { return inputs_.empty(); }
  virtual bool is_pipeline() const noexcept { return false; }
  /// Problems found while declaring ports and params (duplicate or invalid names).
  const std::vector<std::string>& declaration_problems() const noexcept { return problems_; }

 protected:
  /// Assigns params to the Param members and checks their rules (given values and defaults);
  /// returns every problem ("params.quality: must be in [1, 100], got 0") instead of throwing.
  std::vector<std::string> assign_params(const nlohmann::json& params);

 private:
  friend class PortBase;
  friend class ParamBase;
  friend class Pipeline;
  friend struct detail::CellAccess;
  void register_port(PortBase& port);
  void register_param(ParamBase& param);

  std::string name_;
  Pipeline* parent_ = nullptr;
  std::vector<PortBase*> inputs_;
  std::vector<PortBase*> outputs_;
  std::vector<ParamBase*> params_;
  std::vector<std::string> problems_;
};

/// Checks a cell, port or pipeline name: non-empty, no '.' or '/'. Returns "" when valid.
std::string name_problem(const std::string& name);

}  // namespace cellflow
