#include "model.hpp"

#include <algorithm>
#include <chrono>
#include <future>
#include <utility>

#include "cellflow/error.hpp"
#include "http/batch_request.hpp"
#include "http_error.hpp"

namespace cellflow::server {
namespace {

using Clock = std::chrono::steady_clock;

HttpError for_item(const HttpError& error, std::size_t item) {
  return HttpError(error.status(), "batch item " + std::to_string(item) + ": " + error.what());
}

std::size_t pending_limit(const ModelOptions& options, const Pipeline& pipeline) {
  return options.max_pending > 0 ? options.max_pending : 2 * pipeline.options().max_in_flight;
}

}  // namespace

Model::Model(std::unique_ptr<Pipeline> pipeline, ModelOptions options, const CodecRegistry& codecs)
    : pipeline_(std::move(pipeline)),
      options_(options),
      codecs_(codecs),
      admission_(pending_limit(options, *pipeline_)) {}

bool Model::start(std::shared_ptr<PipelineObserver> observer) {
  RunOptions run = pipeline_->options();
  run.observer = std::move(observer);
  try {
    pipeline_->start(run);
  } catch (const std::exception& error) {
    std::lock_guard lock(failure_mutex_);
    failure_ = "model '" + name() + "' failed to start: " + error.what();
    return false;
  }
  ready_ = true;
  return true;
}

std::string Model::failure() const {
  std::lock_guard lock(failure_mutex_);
  return failure_;
}

void Model::stop() {
  ready_ = false;
  pipeline_->stop();
}

nlohmann::json Model::metadata() const { return model_metadata(*pipeline_, codecs_); }

void Model::infer(const Parse& parse, const Respond& respond) {
  if (!ready()) {
    const std::string failed = failure();
    throw HttpError(503, failed.empty() ? "model '" + name() + "' is not ready" : failed);
  }
  // Admission first: under overload the refusal must stay cheap, before parsing or decoding
  // (an image body is the expensive part of a request).
  const auto ticket = admission_.try_enter();
  if (!ticket) {
    throw HttpError(429, "model '" + name() + "' has " + std::to_string(admission_.limit()) +
                             " requests pending; try again later");
  }
  const auto start = Clock::now();
  try {
    ModelStatistics::Phases phases;
    const std::size_t items = answer(parse, respond, phases);
    statistics_.record_success(items, Clock::now() - start, phases);
  } catch (...) {
    statistics_.record_failure(Clock::now() - start);
    throw;
  }
}

std::size_t Model::answer(const Parse& parse, const Respond& respond,
                          ModelStatistics::Phases& phases) {
  auto lap = [mark = Clock::now()]() mutable {
    const auto now = Clock::now();
    return now - std::exchange(mark, now);
  };
  const InferRequest request = parse();
  const std::size_t batch = batch_size_of(*pipeline_, codecs_, request);
  std::vector<Inputs> items;
  if (batch == 0) items.push_back(decode_inputs(*pipeline_, codecs_, request));
  for (std::size_t i = 0; i < batch; ++i) {
    try {
      items.push_back(decode_inputs(*pipeline_, codecs_, batch_item(request, batch, i)));
    } catch (const HttpError& error) {
      throw for_item(error, i);
    }
  }
  phases.compute_input = lap();
  std::vector<Result> results = run(std::move(items), phases);
  lap();
  std::vector<std::vector<Tensor>> outputs;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (!results[i].ok()) {
      const HttpError error = failure_error(results[i].error());
      throw batch == 0 ? error : for_item(error, i);
    }
    outputs.push_back(encode_outputs(*pipeline_, codecs_, results[i], request));
  }
  respond(request, batch == 0 ? std::move(outputs.front()) : stack_items(std::move(outputs)));
  phases.compute_output = lap();
  return std::max<std::size_t>(batch, 1);
}

// A cell signals an input it cannot use (undecodable image, wrong shape) by throwing
// std::invalid_argument: that is the client's 400, naming the request inputs the cell reads.
// Anything else is the server's 500.
HttpError Model::failure_error(const std::exception_ptr& error) const {
  try {
    std::rethrow_exception(error);
  } catch (const CellFailure& failure) {
    try {
      failure.rethrow_original();
    } catch (const std::invalid_argument&) {
      return HttpError(400, rejected_inputs(failure.cell()) + failure.what());
    } catch (...) {
    }
  } catch (...) {
  }
  return HttpError(500, describe(error));
}

std::string Model::rejected_inputs(const std::string& cell) const {
  std::string names;
  for (const auto& name : pipeline_->inputs_read_by(cell))
    names += (names.empty() ? "input '" : ", '") + name + "'";
  return names.empty() ? "invalid input: " : names + " rejected: ";
}

std::vector<Result> Model::run(std::vector<Inputs> items, ModelStatistics::Phases& phases) {
  const auto start = Clock::now();
  // Admitted requests (at most max_pending) queue for credits; the timeout covers the wait.
  const auto deadline = start + options_.timeout;
  const bool timed = options_.timeout.count() > 0;
  std::vector<std::future<Result>> futures;
  for (Inputs& inputs : items) {
    // Shared with the completion callback: a request that timed out leaves, its items complete
    // later and free their credits, and the callback still has a promise to fulfil.
    auto promise = std::make_shared<std::promise<Result>>();
    futures.push_back(promise->get_future());
    auto done = [promise](Result&& result) { promise->set_value(std::move(result)); };
    if (!submit(std::move(inputs), std::move(done),
                timed ? deadline - Clock::now() : Clock::duration{}))
      throw timeout_error();
  }
  const auto submitted_at = Clock::now();
  phases.queue = submitted_at - start;
  std::vector<Result> results;
  for (auto& future : futures) {
    if (timed && future.wait_until(deadline) != std::future_status::ready) throw timeout_error();
    results.push_back(future.get());
  }
  phases.compute_infer = Clock::now() - submitted_at;
  return results;
}

// False when no credit came within `wait` (only with a timeout).
bool Model::submit(Inputs inputs, std::function<void(Result&&)> done, Clock::duration wait) {
  try {
    if (options_.timeout.count() == 0) {
      pipeline_->submit(std::move(inputs), std::move(done));
      return true;
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(wait);
    return pipeline_->try_submit(std::move(inputs), std::move(done),
                                 std::max(ms, std::chrono::milliseconds(0)));
  } catch (const Error& error) {
    if (!ready()) throw HttpError(503, "model '" + name() + "' is shutting down");
    throw HttpError(400, error.what());
  }
}

HttpError Model::timeout_error() const {
  return HttpError(504, "model '" + name() + "' did not answer within " +
                            std::to_string(options_.timeout.count()) + " ms");
}

}  // namespace cellflow::server
