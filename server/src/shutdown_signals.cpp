#include "shutdown_signals.hpp"

#include <pthread.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace cellflow::server::detail {

ShutdownSignals::ShutdownSignals() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  sigaddset(&signals_, SIGHUP);  // reload, not stop
  // An ignored signal is discarded before sigwait can take it, and processes started in the
  // background (nohup, some test runners) inherit SIGHUP ignored: it is ours to handle, and
  // blocked here, so the default action never runs.
  struct sigaction action {};
  action.sa_handler = SIG_DFL;
  sigemptyset(&action.sa_mask);
  sigaction(SIGHUP, &action, nullptr);
  const int error = pthread_sigmask(SIG_BLOCK, &signals_, &previous_);
  if (error != 0) throw std::runtime_error("pthread_sigmask: " + std::string(std::strerror(error)));
}

ShutdownSignals::~ShutdownSignals() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }

int ShutdownSignals::wait() const {
  int signal = 0;
  while (sigwait(&signals_, &signal) != 0) {
  }
  return signal;
}

int ShutdownSignals::wait_for(std::chrono::milliseconds limit) const {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(limit);
  const timespec timeout{static_cast<time_t>(seconds.count()),
                         static_cast<long>((limit - seconds).count() * 1'000'000)};
  const int signal = sigtimedwait(&signals_, nullptr, &timeout);
  return signal > 0 ? signal : 0;
}

}  // namespace cellflow::server::detail
