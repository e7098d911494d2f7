// ShutdownSignals: SIGINT and SIGTERM (stop) and SIGHUP (reload) as values to wait for, not as
// an asynchronous handler.
// The constructor blocks both signals in the calling thread; threads created afterwards inherit
// the mask, so the signals stay pending until wait() takes them with sigwait (no work runs in
// a signal handler). Construct it before starting any thread; the destructor restores the
// previous mask.
#pragma once

#include <signal.h>

#include <chrono>

namespace cellflow::server::detail {

class ShutdownSignals {
 public:
  ShutdownSignals();
  ~ShutdownSignals();
  ShutdownSignals(const ShutdownSignals&) = delete;
  ShutdownSignals& operator=(const ShutdownSignals&) = delete;

  /// Blocks until SIGINT, SIGTERM or SIGHUP arrives; returns its number.
  int wait() const;
  /// Waits at most `limit`: the signal's number, or 0 when none arrived.
  int wait_for(std::chrono::milliseconds limit) const;

 private:
  sigset_t signals_;
  sigset_t previous_;
};

}  // namespace cellflow::server::detail
