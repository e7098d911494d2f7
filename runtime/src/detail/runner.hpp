// Runner: one started pipeline. Owns the plan, the cell instances (prototypes or clones), the
// frame pool, the credits and the flow graph; delivers completions in sequence order.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "cellflow/pipeline.hpp"
#include "detail/clone_group.hpp"
#include "detail/flow_graph.hpp"
#include "detail/frame.hpp"
#include "detail/in_flight.hpp"
#include "detail/live_params.hpp"
#include "detail/plan.hpp"
#include "detail/synchroniser.hpp"

namespace cellflow::detail {

class Runner {
 public:
  /// Opens every cell (and clone); throws Error naming the cell (and clone) that failed to open,
  /// after closing those already opened.
  Runner(const Pipeline& top, RunOptions options);
  ~Runner();

  /// Stream mode; returns the first error (fail-fast) or nullptr.
  std::exception_ptr run(Sink sink);
  /// Waits for a credit up to `wait` (nullopt: as long as it takes).
  void submit(InputValues inputs, std::function<void(Result&&)> done,
              std::optional<std::chrono::milliseconds> wait, bool& accepted);
  /// Stops sources / refuses new submits. Non-blocking.
  void request_stop();
  /// Drains in-flight items, stops clone threads, closes cells. Idempotent; not from callbacks.
  void shutdown();
  PipelineStats stats() const;
  /// Rescales the clone group at `path`; throws Error when it is not one or n is out of range.
  void scale(std::string_view path, int clones);
  /// Live params `values` ({param: value}) of the leaf at `path` hold for every item admitted
  /// from now on, all together (checked by the caller). Throws Error when the leaf runs on
  /// remote clones.
  void set_params(std::string_view path, const nlohmann::json& values);
  /// Within composing cloned pipelines: each one's and each cell's own clone count, by path
  /// (a cell's clone group holds the product along its path).
  std::map<std::string, int, std::less<>> composed_clone_counts() const;
  /// Per cell path, the live params set while running: {param: value}.
  std::map<std::string, nlohmann::json> live_values() const;
  /// True on a thread that is delivering a completion (sink or submit callback).
  static bool in_callback();

 private:
  struct Unit {
    std::vector<Cell*> cells;  // per leaf of the unit (depth-first order), plain units
    std::unique_ptr<CloneGroup> clones;
  };

  void open_all();
  CloneGroup::CloneCells make_clone(const UnitPlan& unit, int k);
  CloneGroup::CloneCells open_clone(const UnitPlan& unit, int k);
  std::size_t clone_unit(std::string_view path) const;
  static void check_clone_count(const std::string& path, int clones);
  static bool composed_by(const UnitPlan& unit, std::string_view path);
  void scale_composed(std::string_view path, int clones);
  void release(const std::vector<Cell*>& retired);
  std::map<std::string, nlohmann::json> cell_statuses() const;
  std::vector<std::pair<std::string, std::size_t>> queued_by_input(std::size_t unit,
                                                                   std::size_t queued) const;
  void close_all() noexcept;
  void check_inputs(const InputValues& inputs) const;
  Frame* next_from_sources(std::size_t stream, bool wait);
  Frame* next_live(std::size_t stream);
  void replaced(std::size_t stream);
  // Runs the sources of `stream` into `frame`; false once they all ended.
  bool run_sources(std::size_t stream, Frame& frame, bool& any_value);
  void complete(Frame* frame);
  void make_synchronisers();
  void queue_dropped(std::size_t unit, Frame& frame);
  void report_drop(std::size_t unit, const std::string& input, const char* reason,
                   bool count = true);
  // Stream `stream` admits no more items: the synchronisers it feeds learn how many it had.
  void origin_ended(std::size_t stream);
  // Hands a stream result to the sink; false when it was not delivered (fail-fast stop).
  bool deliver_stream(Frame* frame, Result&& result);
  static void notify_complete(const std::vector<std::function<void(bool)>>& callbacks,
                              bool delivered);

  // A live stream admits as many items as its widest clone group has clones (1 without one):
  // each clone works on a recent item, and none waits in a queue.
  static std::size_t live_width(const Plan& plan, std::size_t stream);
  void follow_clones();  // after a rescale: the live streams' credits follow the clone counts

  // One stream's items: numbered, framed and credited on their own.
  struct Stream {
    Stream(const Plan& plan, std::size_t index, std::size_t max_in_flight)
        : pool(plan, index,
               std::max(max_in_flight, InFlight::frames_for(max_in_flight, plan.drops))),
          credits(plan.streams[index].live ? std::min(live_width(plan, index), max_in_flight)
                                           : max_in_flight,
                  InFlight::frames_for(max_in_flight, plan.drops)),
          waiting(plan.streams[index].live ? pool.make_spare() : nullptr) {}
    FramePool pool;
    InFlight credits;
    std::unique_ptr<Frame> waiting;  // a live stream: the newest item waiting to enter
    bool holds_waiting = false;
    bool sources_done = false;  // its pump or source thread only
    std::atomic<bool> ended{false};
    alignas(64) std::atomic<std::uint64_t> next_seq{0};  // of the next item admitted
  };

  RunOptions options_;
  Plan plan_;
  bool stream_ = false;
  std::vector<std::unique_ptr<Stream>> streams_;
  std::vector<std::unique_ptr<Synchroniser>> syncs_;     // per unit; null unless synchronised
  std::unique_ptr<std::atomic<std::uint64_t>[]> drops_;  // per unit: items its queue dropped
  mutable std::mutex instances_mutex_;        // owned_, opened_ (scale() vs shutdown(), stats())
  std::vector<std::unique_ptr<Cell>> owned_;  // clones
  std::vector<Cell*> opened_;                 // in open order
  std::vector<Unit> units_;
  std::map<std::string, int, std::less<>> clone_counts_;  // per path within composing pipelines
  std::vector<char> live_sources_;  // per unit; not vector<bool>: source threads write apart
  std::unique_ptr<FlowGraph> graph_;

  std::vector<std::unique_ptr<LiveParams>> live_params_;  // LeafPlan::live points into it

  std::mutex set_param_mutex_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> shut_down_{false};
  Sink sink_;
  std::exception_ptr first_error_;
  // Several streams complete on their own nodes: the sink still sees one result at a time.
  std::mutex deliver_mutex_;
  // Admission and completion count on different threads: one cache line each.
  alignas(64) std::atomic<std::uint64_t> submitted_{0};
  alignas(64) std::atomic<std::uint64_t> completed_{0}, failed_{0};
};

}  // namespace cellflow::detail
