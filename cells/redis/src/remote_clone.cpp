#include "remote_clone.hpp"

#include <stdexcept>

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
  std::future<Fields> reply = queue_->call(std::move(task));
  if (reply.wait_for(timeout_) != std::future_status::ready)
    throw Unavailable("remote queue '" + queue_->name() + "': no worker answered within " +
                      std::to_string(timeout_.count()) + " ms");
  emit_reply(ctx, reply.get());
}

void RemoteClone::emit_reply(Context& ctx, const Fields& reply) const {
  if (const auto error = reply.find("error"); error != reply.end())
    throw std::runtime_error(error->second);
  for (const PortBase* out : outputs()) {
    const auto count = reply.find(out->name() + ".count");
    const int n = count == reply.end() ? 0 : std::stoi(count->second);
    for (int i = 0; i < n; ++i) {
      const std::string key = out->name() + "." + std::to_string(i);
      ctx.emit_value_of(*out, get_value(reply, key, *out, *codecs_));
    }
  }
}

}  // namespace cellflow::redis
