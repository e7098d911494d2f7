#include "model.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include "cellflow/error.hpp"
#include "http_error.hpp"

namespace cellflow::server {
namespace {

using Clock = std::chrono::steady_clock;

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

// A cell signals an input it cannot use (undecodable image, wrong shape) by throwing
// std::invalid_argument: that is the client's 400, naming the request inputs the cell reads.
// cellflow::Unavailable (a remote queue's Redis is down) is 503. Anything else is a 500.
HttpError Model::failure_error(const std::exception_ptr& error) const {
  try {
    std::rethrow_exception(error);
  } catch (const CellFailure& failure) {
    try {
      failure.rethrow_original();
    } catch (const std::invalid_argument&) {
      return HttpError(400, rejected_inputs(failure.cell()) + failure.what());
    } catch (const Unavailable& unavailable) {
      return HttpError(503, unavailable.what());
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

// False when no credit came within `wait` (only with a timeout).
bool Model::submit(InputValues inputs, std::function<void(Result&&)> done, Clock::duration wait) {
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
