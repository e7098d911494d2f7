// `cellflow worker`: serves a remote queue (cellflow::redis::run_worker) until SIGINT/SIGTERM,
// then finishes the tasks it holds and exits 0.
#include <signal.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <exception>
#include <thread>

#include "cellflow/cli/cli.hpp"
#include "cellflow/redis/worker.hpp"
#include "commands.hpp"

namespace cellflow::cli::detail {

int worker_command(const redis::WorkerOptions& options, const Registry& registry,
                   const CodecRegistry& codecs) {
  // The signals wait for sigwait below, in this thread; the worker's threads inherit the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::atomic<bool> stop{false};
  std::exception_ptr failure;
  std::thread worker([&] {
    try {
      redis::run_worker(options, registry, codecs, stop);
    } catch (...) {
      failure = std::current_exception();
    }
    if (!stop.exchange(true)) kill(getpid(), SIGTERM);  // wake sigwait when the worker failed
  });
  spdlog::info("worker: serving cell '{}' with {} clone(s)", options.cell, options.clones);
  print_line("worker ready: " + options.cell);
  int signal = 0;
  sigwait(&signals, &signal);
  stop = true;
  worker.join();
  if (failure) std::rethrow_exception(failure);
  spdlog::info("worker: stopped gracefully");
  return kExitOk;
}

}  // namespace cellflow::cli::detail
