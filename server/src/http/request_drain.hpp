// RequestDrain: counts requests in progress so a graceful stop can refuse new ones and wait for
// the ones already admitted. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace cellflow::server {

class RequestDrain {
 public:
  /// Registers one request; false (nothing registered) once close() was called.
  bool enter();
  /// Ends a request registered by enter().
  void leave();
  /// Refuses further enter() calls. Idempotent.
  void close();
  bool closed() const;
  /// Blocks until every registered request has left.
  void wait_idle();

 private:
  mutable std::mutex mutex_;
  std::condition_variable idle_;
  std::size_t active_ = 0;
  bool closed_ = false;
};

}  // namespace cellflow::server
