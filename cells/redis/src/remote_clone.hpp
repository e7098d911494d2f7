// RemoteClone (internal): a clone whose work is done by `cellflow worker` processes. It has the
// prototype's ports; process() sends the call's input values to the queue and emits the
// values the worker's clone emitted (0..N per output, in order), or fails with its error.
// process_batch() sends a whole batch as one entry (wire_fields.hpp: item i's fields prefixed
// "i.") and gives each item its own emissions or error from the one reply.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "cellflow/cell.hpp"
#include "cellflow/codecs/codec.hpp"
#include "remote_queue.hpp"

namespace cellflow::redis {

class RemoteClone final : public Cell {
 public:
  RemoteClone(const Cell& prototype, std::shared_ptr<RemoteQueue> queue,
              std::shared_ptr<const CodecRegistry> codecs, std::chrono::milliseconds timeout);
  void configure(const nlohmann::json&) override {}  // the workers configure the real cell
  void process(Context& ctx) override;
  bool batches() const override { return true; }
  void process_batch(BatchContext& batch) override;
  /// The queue's live workers (see RemoteQueue::workers).
  nlohmann::json status() const override { return queue_->workers(); }

 private:
  Fields call(Fields task) const;
  /// Emits the values of `reply` stored under keys starting with `prefix`.
  void emit_reply(Context& ctx, const Fields& reply, const std::string& prefix) const;

  std::vector<std::unique_ptr<PortBase>> ports_;
  std::shared_ptr<RemoteQueue> queue_;
  std::shared_ptr<const CodecRegistry> codecs_;
  std::chrono::milliseconds timeout_;
};

}  // namespace cellflow::redis
