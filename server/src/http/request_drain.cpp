#include "request_drain.hpp"

namespace cellflow::server {

bool RequestDrain::enter() {
  std::lock_guard lock(mutex_);
  if (closed_) return false;
  ++active_;
  return true;
}

void RequestDrain::leave() {
  std::lock_guard lock(mutex_);
  if (--active_ == 0) idle_.notify_all();
}

void RequestDrain::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
}

bool RequestDrain::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

void RequestDrain::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return active_ == 0; });
}

}  // namespace cellflow::server
