// Model::infer_async and Model::infer: one request through admission, decoding, the pipeline
// and encoding, with its items completing on pipeline threads into a shared Call.
#include <future>
#include <utility>

#include "http/batch_request.hpp"
#include "http/model.hpp"
#include "http/model_call.hpp"
#include "http/request_trace.hpp"

namespace cellflow::server {
namespace {

using Clock = std::chrono::steady_clock;

std::string status_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const HttpError& failed) {
    return std::to_string(failed.status());
  } catch (...) {
    return "500";
  }
}

HttpError for_item(const HttpError& error, std::size_t item) {
  return HttpError(error.status(), "batch item " + std::to_string(item) + ": " + error.what());
}

}  // namespace

std::shared_ptr<Model::Call> Model::infer_async(const Parse& parse, Respond respond, Done done) {
  if (!ready()) {
    const std::string failed = failure();
    throw HttpError(503, failed.empty() ? "model '" + name() + "' is not ready" : failed);
  }
  // Admission first: under overload the refusal must stay cheap, before parsing or decoding
  // (an image body is the expensive part of a request).
  auto ticket = admission_.try_enter();
  if (!ticket) {
    throw HttpError(429, "model '" + name() + "' has " + std::to_string(admission_.limit()) +
                             " requests pending; try again later");
  }
  // Retired (replaced by a new config) since the check above: the caller turns to its successor.
  if (!ready()) throw HttpError(503, "model '" + name() + "' was replaced; try again");
  auto call = std::make_shared<Call>();
  call->model = this;
  call->owner = shared_from_this();
  call->ticket.emplace(std::move(*ticket));
  call->start = Clock::now();
  call->respond = std::move(respond);
  call->done = std::move(done);
  try {
    call->request = parse();
    call->batch = batch_size_of(*pipeline_, codecs_, call->request);
    std::vector<InputValues> items = decode_items(*call);
    call->phases.compute_input = Clock::now() - call->start;
    submit_items(call, std::move(items));
  } catch (...) {
    statistics_.record_failure(Clock::now() - call->start);
    throw;
  }
  return call;
}

std::vector<InputValues> Model::decode_items(const Call& call) const {
  std::vector<InputValues> items;
  if (call.batch == 0) items.push_back(decode_inputs(*pipeline_, codecs_, call.request));
  for (std::size_t i = 0; i < call.batch; ++i) {
    try {
      items.push_back(decode_inputs(*pipeline_, codecs_, batch_item(call.request, call.batch, i)));
    } catch (const HttpError& error) {
      throw for_item(error, i);
    }
  }
  return items;
}

// Admitted requests (at most max_pending) queue for credits; the timeout covers that wait. A
// submission that fails finishes the call here: items submitted before complete into nothing.
void Model::submit_items(const std::shared_ptr<Call>& call, std::vector<InputValues> items) {
  call->results.resize(items.size());
  call->remaining = items.size();
  const auto deadline = call->start + options_.timeout;
  const bool timed = options_.timeout.count() > 0;
  try {
    for (std::size_t i = 0; i < items.size(); ++i) {
      auto completed = [this, call, i](Result&& result) {
        std::lock_guard lock(call->mutex);
        if (!call->finished) complete(*call, i, std::move(result));
      };
      if (!submit(std::move(items[i]), std::move(completed),
                  timed ? deadline - Clock::now() : Clock::duration{}))
        throw timeout_error();
    }
  } catch (...) {
    std::lock_guard lock(call->mutex);
    call->finished = true;
    throw;
  }
  std::lock_guard lock(call->mutex);
  call->submitted = Clock::now();
  call->phases.queue = call->submitted - call->start - call->phases.compute_input;
}

void Model::complete(Call& call, std::size_t item, Result&& result) {
  call.results[item] = std::move(result);
  if (--call.remaining == 0) finish(call);
}

void Model::finish(Call& call) {
  const auto encoding = Clock::now();
  // The last item may complete before submit_items() returned: its time is then 0.
  if (call.submitted != Clock::time_point{}) call.phases.compute_infer = encoding - call.submitted;
  std::exception_ptr error;
  try {
    std::vector<std::vector<Tensor>> outputs;
    for (std::size_t i = 0; i < call.results.size(); ++i) {
      Result& result = *call.results[i];
      if (!result.ok()) {
        const HttpError failed = failure_error(result.error());
        throw call.batch == 0 ? failed : for_item(failed, i);
      }
      outputs.push_back(encode_outputs(*pipeline_, codecs_, result, call.request, call.batch != 0));
    }
    call.respond(call.request,
                 call.batch == 0 ? std::move(outputs.front()) : stack_items(std::move(outputs)));
    call.phases.compute_output = Clock::now() - encoding;
    statistics_.record_success(call.results.size(), Clock::now() - call.start, call.phases);
  } catch (...) {
    error = std::current_exception();
    statistics_.record_failure(Clock::now() - call.start);
  }
  call.finished = true;
  call.ticket.reset();
  if (const auto trace = traces_ ? traces_->current() : nullptr)
    trace_request(*trace, call, error ? status_of(error) : "200");
  call.done(error);
}

bool Model::expire(Call& call) {
  std::lock_guard lock(call.mutex);
  if (call.finished) return false;
  call.finished = true;
  call.ticket.reset();
  statistics_.record_failure(Clock::now() - call.start);
  if (const auto trace = traces_ ? traces_->current() : nullptr) trace_request(*trace, call, "504");
  call.done(std::make_exception_ptr(timeout_error()));
  return true;
}

void Model::infer(const Parse& parse, const Respond& respond) {
  std::promise<std::exception_ptr> answered;
  auto finished = answered.get_future();
  // `respond` and `answered` live on this stack: a call that times out is expired before this
  // returns, so neither is used afterwards (expire() waits for a completion in progress).
  auto call = infer_async(parse, respond,
                          [&answered](std::exception_ptr error) { answered.set_value(error); });
  if (options_.timeout.count() > 0 &&
      finished.wait_until(call->start + options_.timeout) != std::future_status::ready)
    expire(*call);
  if (const std::exception_ptr error = finished.get()) std::rethrow_exception(error);
}

}  // namespace cellflow::server
