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

}  // namespace cellflow::server::detail
