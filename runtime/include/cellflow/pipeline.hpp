// Pipeline: a composite cell. It owns child cells and connections and exposes chosen inner ports
// as its own. Nested pipelines are used exactly like leaf cells.
//
//   cellflow::Pipeline p{"demo"};
//   auto& a = p.add<Doubler>("a", {{"factor", 3}});
//   auto& b = p.add<Doubler>("b", {}, cellflow::ScaleUp{4});
//   p.connect(a.out, b.in);                 // Output<int> -> Input<std::string> does not compile
//   p.expose(a.in, "x");
//   p.expose(b.out, "y");
//   p.start({.max_in_flight = 64});
//   int y = p.submit({{"x", 7}}).get().get<int>("y");    // 42
//
// Two modes, chosen by shape: a pipeline with exposed inputs serves requests (submit); a pipeline
// whose only ingress is sources (cells without inputs) is run as a stream (run).
//
// Per item, each cell is called once per value on its input (an upstream cell may emit 0..N). A
// cell with several inputs is called once per index present on all of them (zip), so an item
// for which one branch emitted nothing skips the cell instead of stalling it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cellflow/batch.hpp"
#include "cellflow/cell.hpp"
#include "cellflow/observer.hpp"
#include "cellflow/queue.hpp"
#include "cellflow/result.hpp"
#include "cellflow/scale_up.hpp"
#include "cellflow/sync.hpp"

namespace cellflow {

namespace detail {
struct PipelineAccess;
}  // namespace detail

using CellFactory = std::function<std::unique_ptr<Cell>()>;
/// Values for a request-mode item, by exposed input name (see submit()).
using InputValues = std::map<std::string, Value, std::less<>>;
using Sink = std::function<void(Result&&)>;

/// Marks a feedback connection and gives the value its input sees for the first item:
///   p.connect(acc.total, acc.previous, cellflow::Feedback{0});
template <class U>
struct Feedback {
  U initial;
};
template <class U>
Feedback(U) -> Feedback<U>;

/// What a stream run does when an item fails.
enum class ErrorPolicy {
  kFailFast,  ///< stop the sources, drain, rethrow the first error from run()
  kContinue,  ///< deliver the failed Result to the sink and go on
};

struct RunOptions {
  /// Credits: items between ingress and completion. Sources block and submit() waits at the cap.
  std::size_t max_in_flight = 64;
  ErrorPolicy on_error = ErrorPolicy::kFailFast;
  /// Per-cell measurements (metrics); nullptr: none are taken.
  std::shared_ptr<PipelineObserver> observer = nullptr;
};

/// One scheduled cell of a running pipeline: a leaf cell, or a nested pipeline cloned as a whole.
struct CellStats {
  std::string path;
  int clones = 0;             ///< current clone count; 0 for a plain node of the graph
  std::size_t queued = 0;     ///< items (values, for a clone group) waiting to be processed
  nlohmann::json status;      ///< the first non-null Cell::status() of its instances, else null
  std::uint64_t dropped = 0;  ///< values its queue or synchroniser dropped unused
  /// Per input, in port order: values waiting there (a synchronised cell's buffer per input;
  /// any other cell's inputs share its one queue, so each shows `queued`).
  std::vector<std::pair<std::string, std::size_t>> queued_by_input;
};

struct PipelineStats {
  std::uint64_t submitted = 0;
  std::uint64_t completed = 0;
  std::uint64_t failed = 0;
  std::size_t in_flight = 0;
  /// Every cell but the sources, in the order items reach them; empty once stopped.
  std::vector<CellStats> cells;
};

class Pipeline : public Cell {
 public:
  explicit Pipeline(std::string name = "pipeline");
  ~Pipeline() override;  // stops a running pipeline: drains in-flight items, closes cells

  /// The structure of a pipeline tree is fixed while its top-level pipeline runs: add, connect,
  /// expose, set_queue, set_sync, set_batch and set_clones on any pipeline of it, in every form,
  /// throw Error saying the pipeline runs. scale() and set_params() on the top-level pipeline
  /// (with a cell's full path) are the changes a running tree takes.
  ///
  /// Adds a child built by `new C()` and configured with `params`. The same factory builds
  /// clones. Config problems are recorded and reported by validate()/start(). With a ScaleUp
  /// (even ScaleUp{1}) the child runs as a clone group on dedicated threads and can be rescaled
  /// while running; without one it is a plain serial node of the graph.
  template <class C>
  C& add(std::string name, const nlohmann::json& params = nlohmann::json::object(),
         std::optional<ScaleUp> scale = std::nullopt) {
    static_assert(std::is_base_of_v<Cell, C>, "C must derive from cellflow::Cell");
    return static_cast<C&>(add(
        std::move(name), [] { return std::unique_ptr<Cell>(new C()); }, params, scale));
  }
  Cell& add(std::string name, CellFactory factory,
            const nlohmann::json& params = nlohmann::json::object(),
            std::optional<ScaleUp> scale = std::nullopt);
  /// Adds a cell whose inputs come from different streams (independent sources): `sync` says how
  /// its input tuples are formed (see sync.hpp). The cell starts a stream of its own.
  template <class C>
  C& add(std::string name, const nlohmann::json& params, Sync sync,
         std::optional<ScaleUp> scale = std::nullopt) {
    C& cell = add<C>(std::move(name), params, std::move(scale));
    set_sync(cell.name(), std::move(sync));
    return cell;
  }
  /// Gives the cell at `path` (of this pipeline or a nested one) a synchroniser.
  void set_sync(std::string_view path, Sync sync);
  /// The cell's synchroniser, if it has one.
  std::optional<Sync> sync_of(const Cell& child) const;
  /// Bounds the items waiting in front of the cell at `path` (every input, or only `input`; an
  /// input of its own only matters on a synchronised cell, whose inputs wait apart).
  void set_queue(std::string_view path, Queue queue, std::string_view input = "");
  /// Runs the cell at `path` in batches (Cell::process_batch): see cellflow/batch.hpp. It becomes
  /// a clone group (1 clone unless it has a ScaleUp); its remote clones send each batch to a
  /// worker as one entry. A cell without a batch entry point, a nested pipeline, a source or a
  /// synchronised cell given a batch is a build error naming it. Throws Error for an unknown
  /// path or while running.
  void set_batch(std::string_view path, Batch batch);

  /// Type-checked connection: mismatched T does not compile.
  template <class T>
  void connect(const Output<T>& from, const Input<T>& to) {
    connect_ports(from, to);
  }
  /// "cell.port" form (paths allowed: "inner/cell.port" is not; connect through inner's ports).
  void connect(std::string_view from, std::string_view to);
  /// Feedback connection: for item k, `to` reads what `from` emitted for item k-1 (its last
  /// value; the value before when it emitted none or the item failed), and
  /// `feedback.initial` for the first item. The cells from `to` round to `from` then run one
  /// item at a time, in item order. Only a feedback connection may close a cycle.
  template <class T, class U>
  void connect(const Output<T>& from, const Input<T>& to, Feedback<U> feedback) {
    static_assert(std::is_convertible_v<U, T>, "the feedback start value must convert to T");
    nlohmann::json shown;
    if constexpr (requires(nlohmann::json & j, const T& t) { j = t; }) shown = T(feedback.initial);
    connect_ports(from, to, Value(T(std::move(feedback.initial))), std::move(shown));
  }
  /// String form of a feedback connection; the start value is read as the input's type through
  /// JSON (Feedback{nlohmann::json(...)} from a config).
  template <class U>
  void connect(std::string_view from, std::string_view to, const Feedback<U>& feedback) {
    connect_feedback(from, to, nlohmann::json(feedback.initial));
  }

  /// Exposes an inner port (a child's input or output) as a new port of this pipeline named
  /// `name`, or as `own`, a port this pipeline declares as a member. The inner port comes first
  /// in every form: expose(child.in, "x"), expose(child.out, out).
  template <class T>
  Input<T>& expose(const Input<T>& inner, std::string name) {
    return static_cast<Input<T>&>(expose_port(inner, std::move(name)));
  }
  template <class T>
  Output<T>& expose(const Output<T>& inner, std::string name) {
    return static_cast<Output<T>&>(expose_port(inner, std::move(name)));
  }
  template <class T>
  void expose(const Input<T>& inner, const Input<T>& own) {
    connect_ports(own, inner);
  }
  template <class T>
  void expose(const Output<T>& inner, const Output<T>& own) {
    connect_ports(inner, own);
  }
  /// A skip connection: this pipeline's own input `own_in` straight to its own output
  /// `own_out` (the identity branch of a residual block), type-checked like any connection.
  /// JSON: "outputs": {"y": "x"}, where x is an exposed input.
  /// @code
  ///   expose(block.out, residual);  // the branch that computes
  ///   expose(in, identity);         // the branch that passes the input through
  /// @endcode
  template <class T>
  void expose(const Input<T>& own_in, const Output<T>& own_out) {
    connect_ports(own_in, own_out);
  }
  /// String forms for configs: expose "cell.port" as `name`; expose_output also takes the name
  /// of an exposed input (a skip connection).
  void expose_input(std::string name, std::string_view inner);
  void expose_output(std::string name, std::string_view inner);

  /// Typed access to an exposed port by name; throws Error when missing or of another type.
  template <class T>
  Input<T>& input(std::string_view name) {
    return typed_port<Input<T>>(name, PortKind::kInput, typeid(T));
  }
  template <class T>
  Output<T>& output(std::string_view name) {
    return typed_port<Output<T>>(name, PortKind::kOutput, typeid(T));
  }

  /// Child by path ("cell" or "inner/cell"); throws Error listing the valid paths.
  Cell& cell(std::string_view path) const;
  /// Every cell path below this pipeline, depth first.
  std::vector<std::string> cell_paths() const;
  const std::vector<Cell*>& children() const;
  const ScaleUp& scale_of(const Cell& child) const;
  /// Changes the clone count of a child before start (config override); the child becomes a
  /// clone group. Throws Error for an unknown path (listing the valid ones) or a bad count.
  void set_clones(std::string_view path, int clones);
  /// Rescales a clone group. Before start: same as set_clones. While running: adds or retires
  /// clones between items; no item is lost, duplicated or reordered. Thread-safe.
  void scale(std::string_view path, int clones);
  /// Sets live parameter `param` (declared with cellflow::kLive) of the cell at `path`, checked
  /// as configure() would check it. Before start: as if it were in the cell's params. While
  /// running: every item admitted after this returns sees the value, in every clone; items
  /// admitted before keep the old one (each instance takes the value between two items, then
  /// Cell::on_param_changed). The change lasts for this run. Throws Error naming the cell and the
  /// param (unknown, not live, invalid). Thread-safe.
  void set_param(std::string_view path, const std::string& param, const nlohmann::json& value);
  /// Sets several live params of the cell at `path` at once (`values`: {param: value}): all are
  /// checked together before any is set, and every item admitted after this returns sees all of
  /// them (none sees some without the others). Throws Error as set_param, changing nothing.
  void set_params(std::string_view path, const nlohmann::json& values);

  /// Names of the exposed inputs that the cell at `cell_path` reads directly (as in
  /// CellFailure::cell()), in exposure order; empty for an unknown path. Lets a server say which
  /// request input a cell rejected.
  std::vector<std::string> inputs_read_by(std::string_view cell_path) const;

  /// Once started: how many items the stream will have, the smallest count announced by its
  /// source cells (Cell::expected_items; sources are zipped); std::nullopt when none announces
  /// one.
  std::optional<std::uint64_t> expected_items() const override;

  /// The topology as data, for tools and dashboards (`cellflow graph --json`; DOT is drawn from
  /// it): {"name", "running", "inputs": [{"name", "type", "to": ["cell.port", ...]}],
  /// "outputs": [{"name", "type", "from": "cell.port"}], "cells": [...], "connections":
  /// [{"from": "a.out", "to": "b.in", "type", "feedback"}]}. Cells come in topological order:
  /// {"name", "path", "source", "sink", "inputs", "outputs", "clones" (clone groups only; the
  /// current count while running), "remote_clones", and "params" (current values, live ones as
  /// set while running) with "live_params", or "pipeline": {...} for a nested pipeline}.
  nlohmann::json describe() const;

  /// Throws Error listing every wiring and config problem (a no-op when there are none).
  void validate() const;
  /// Several source cells in one pipeline tree are a build error: their items would be paired
  /// by index (the n-th of each), not by time. set_zip_sources(true) on the top-level pipeline
  /// (JSON: "zip_sources": true) declares that pairing by index is what is wanted.
  void set_zip_sources(bool zip);
  bool zip_sources() const;
  /// Default RunOptions used by start() and run() (e.g. from a JSON config).
  void set_options(RunOptions options);
  const RunOptions& options() const;

  /// Validates, opens every cell (and clone) and builds the graph. Throws Error on problems.
  void start();
  void start(RunOptions options);
  /// Stream mode: starts if needed, pulls the sources until exhausted, waits for everything in
  /// flight, calls `sink` in item order (serially), closes cells. See ErrorPolicy. run() again
  /// reopens the same cells, so sources start over (a durable stream source resumes from its
  /// consumer group's position).
  void run(Sink sink = {});
  /// Request mode, thread-safe: one item from the exposed inputs. Futures complete in
  /// submission order; a failed item fails only its future, with a CellFailure.
  /// Blocks while max_in_flight items are in flight. Throws Error for a wrong input set/type.
  std::future<Result> submit(InputValues inputs);
  /// Callback form of submit; `done` runs on a runtime thread, in submission order.
  void submit(InputValues inputs, std::function<void(Result&&)> done);
  /// Submit that waits at most `wait` for a credit (0: not at all): false, and `done` not
  /// called, when max_in_flight items stayed in flight that long.
  bool try_submit(InputValues inputs, std::function<void(Result&&)> done,
                  std::chrono::milliseconds wait = std::chrono::milliseconds(0));
  /// Stops sources, completes in-flight items, closes cells. Idempotent.
  void stop();
  bool running() const;
  PipelineStats stats() const;

  bool is_pipeline() const noexcept override { return true; }

 private:
  friend struct detail::PipelineAccess;
  struct Structure;  // the wiring of this level (detail/structure.hpp)
  struct Impl;       // the run state (detail/pipeline_impl.hpp)
  const Structure& structure() const;
  void process(Context& ctx) override;  // never called: pipelines are flattened

  // Throws Error when the tree this pipeline belongs to runs: its structure is fixed then.
  void refuse_while_running(const std::string& change) const;
  void connect_ports(const PortBase& from, const PortBase& to,
                     std::optional<Value> feedback = std::nullopt,
                     nlohmann::json feedback_json = nullptr);
  void connect_feedback(std::string_view from, std::string_view to, const nlohmann::json& initial);
  std::pair<const PortBase*, const PortBase*> resolve_connection(std::string_view from,
                                                                 std::string_view to);
  PortBase& expose_port(const PortBase& inner, std::string name);
  PortBase& port_for(std::string_view name, PortKind kind, const std::type_info& type);
  template <class P>
  P& typed_port(std::string_view name, PortKind kind, const std::type_info& type) {
    return static_cast<P&>(port_for(name, kind, type));
  }

  std::unique_ptr<Impl> impl_;
};

}  // namespace cellflow
