#include "remote_clone.hpp"

#include <stdexcept>
#include <vector>

#include "cellflow/batch.hpp"
#include "cellflow/context.hpp"
#include "cellflow/error.hpp"

namespace cellflow::redis {

RemoteClone::RemoteClone(const Cell& prototype, std::shared_ptr<RemoteQueue> queue,
                         std::shared_ptr<const CodecRegistry> codecs,
                         std::chrono::milliseconds timeout)
    : queue_(std::move(queue)), codecs_(std::move(codecs)), timeout_(timeout) {
  for (const auto* list : {&prototype.inputs(), &prototype.outputs()})
    for (const PortBase* port : *list) {
      if (port->gathers())
        throw Error("cell '" + prototype.name() + "': gathering input '" + port->name() +
                    "' cannot run on remote clones");
      ports_.push_back(port->make_like(*this, port->name()));
    }
}

void RemoteClone::process(Context& ctx) {
  Fields task;
  for (const PortBase* in : inputs()) put_value(task, in->name(), *in, ctx.value_of(*in), *codecs_);
  emit_reply(ctx, call(std::move(task)), "");
}

void RemoteClone::process_batch(BatchContext& batch) {
  Fields task;
  std::vector<std::size_t> sent;  // the batch's items in the task, in task order
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Fields item;
    try {
      for (const PortBase* in : inputs())
        put_value(item, item_key(sent.size(), in->name()), *in, batch[i].value_of(*in), *codecs_);
    } catch (...) {
      batch.fail(i, std::current_exception());  // this item cannot travel; the others can
      continue;
    }
    task.merge(item);
    sent.push_back(i);
  }
  if (sent.empty()) return;
  task[kBatchField] = std::to_string(sent.size());
  const Fields reply = call(std::move(task));
  if (const auto error = reply.find("error"); error != reply.end())
    throw std::runtime_error(error->second);
  for (std::size_t k = 0; k < sent.size(); ++k) {
    try {
      emit_reply(batch[sent[k]], reply, item_key(k, ""));
    } catch (...) {
      batch.fail(sent[k], std::current_exception());
    }
  }
}

Fields RemoteClone::call(Fields task) const {
  std::future<Fields> reply = queue_->call(std::move(task));
  if (reply.wait_for(timeout_) != std::future_status::ready)
    throw Unavailable("remote queue '" + queue_->name() + "': no worker answered within " +
                      std::to_string(timeout_.count()) + " ms");
  return reply.get();
}

void RemoteClone::emit_reply(Context& ctx, const Fields& reply, const std::string& prefix) const {
  if (const auto error = reply.find(prefix + "error"); error != reply.end())
    throw std::runtime_error(error->second);
  for (const PortBase* out : outputs()) {
    const auto count = reply.find(prefix + out->name() + ".count");
    const int n = count == reply.end() ? 0 : std::stoi(count->second);
    for (int i = 0; i < n; ++i) {
      const std::string key = prefix + out->name() + "." + std::to_string(i);
      ctx.emit_value_of(*out, get_value(reply, key, *out, *codecs_));
    }
  }
}

}  // namespace cellflow::redis
