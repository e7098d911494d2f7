// Pipeline lifecycle: start, run (stream mode), submit (request mode), stop.
#include "cellflow/error.hpp"
#include "cellflow/pipeline.hpp"
#include "detail/pipeline_impl.hpp"

namespace cellflow {

void Pipeline::start() { start(impl_->options); }

void Pipeline::start(RunOptions options) {
  std::lock_guard lock(impl_->lifecycle_mutex);
  if (parent() != nullptr)
    throw Error("pipeline '" + path() + "' is nested: start its top-level pipeline");
  if (impl_->runner) throw Error("pipeline '" + name() + "' is already started");
  validate();
  impl_->runner = std::make_shared<detail::Runner>(*this, options);
}

void Pipeline::run(Sink sink) {
  if (!running()) start();
  detail::Runner* runner = nullptr;
  {
    std::lock_guard lock(impl_->lifecycle_mutex);
    runner = impl_->runner.get();
    if (!runner) throw Error("pipeline '" + name() + "' was stopped before run()");
    impl_->streaming = true;
  }
  std::exception_ptr error;
  try {
    error = runner->run(std::move(sink));
  } catch (...) {
    error = std::current_exception();
  }
  std::shared_ptr<detail::Runner> done;
  {
    std::lock_guard lock(impl_->lifecycle_mutex);
    done = std::move(impl_->runner);
    impl_->last_stats = runner->stats();
    impl_->last_stats.cells.clear();
  }
  done.reset();  // drains and closes cells
  // Only now may a waiting stop() (the destructor) go on and free the cells. Notified under the
  // lock: the waiter may destroy the condition variable as soon as it sees streaming == false.
  {
    std::lock_guard lock(impl_->lifecycle_mutex);
    impl_->streaming = false;
    impl_->stream_done.notify_all();
  }
  if (error) std::rethrow_exception(error);
}

namespace {
std::shared_ptr<detail::Runner> runner_of(detail::PipelineAccess::Impl& impl,
                                          const std::string& name) {
  std::lock_guard lock(impl.lifecycle_mutex);
  if (!impl.runner) throw Error("pipeline '" + name + "' is not started");
  return impl.runner;
}

std::function<void(Result&&)> fulfil(std::shared_ptr<std::promise<Result>> promise) {
  return [promise = std::move(promise)](Result&& r) {
    if (r.ok())
      promise->set_value(std::move(r));
    else
      promise->set_exception(r.error());
  };
}
}  // namespace

std::future<Result> Pipeline::submit(InputValues inputs) {
  auto promise = std::make_shared<std::promise<Result>>();
  auto future = promise->get_future();
  submit(std::move(inputs), fulfil(std::move(promise)));
  return future;
}

void Pipeline::submit(InputValues inputs, std::function<void(Result&&)> done) {
  bool accepted = false;
  runner_of(*impl_, name())->submit(std::move(inputs), std::move(done), std::nullopt, accepted);
}

bool Pipeline::try_submit(InputValues inputs, std::function<void(Result&&)> done,
                          std::chrono::milliseconds wait) {
  bool accepted = false;
  runner_of(*impl_, name())->submit(std::move(inputs), std::move(done), wait, accepted);
  return accepted;
}

void Pipeline::stop() {
  std::unique_lock lock(impl_->lifecycle_mutex);
  if (impl_->runner) impl_->runner->request_stop();
  if (impl_->streaming) {
    // run() drains and closes; wait for it unless we are inside it (e.g. a sink calling stop()).
    if (detail::Runner::in_callback()) return;
    impl_->stream_done.wait(lock, [&] { return !impl_->streaming; });
    return;
  }
  if (!impl_->runner) return;
  auto runner = std::move(impl_->runner);
  lock.unlock();
  runner->shutdown();
  std::lock_guard relock(impl_->lifecycle_mutex);
  impl_->last_stats = runner->stats();
}

// A nested pipeline runs when its top-level pipeline does.
bool Pipeline::running() const {
  const Pipeline* top = this;
  while (top->parent() != nullptr) top = top->parent();
  std::lock_guard lock(top->impl_->lifecycle_mutex);
  return top->impl_->runner != nullptr;
}

PipelineStats Pipeline::stats() const {
  std::lock_guard lock(impl_->lifecycle_mutex);
  return impl_->runner ? impl_->runner->stats() : impl_->last_stats;
}

}  // namespace cellflow
