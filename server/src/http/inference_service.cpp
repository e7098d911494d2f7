#include "inference_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <memory>
#include <utility>
#include <vector>

#include "admin.hpp"
#include "cellflow/error.hpp"
#include "config_change.hpp"
#include "http_error.hpp"

#ifndef CELLFLOW_VERSION
#define CELLFLOW_VERSION "unknown"
#endif

namespace cellflow::server {
namespace {

std::optional<std::size_t> parse_header_length(const std::optional<std::string>& header) {
  if (!header) return std::nullopt;
  std::size_t value = 0;
  const char* end = header->data() + header->size();
  const auto [stop, error] = std::from_chars(header->data(), end, value);
  if (header->empty() || error != std::errc() || stop != end) {
    throw HttpError(400, "Inference-Header-Content-Length: expected a non-negative integer, got '" +
                             *header + "'");
  }
  return value;
}

Reply body_reply(HttpBody body) {
  Reply reply;
  reply.body = std::move(body.content);
  reply.content_type = std::move(body.content_type);
  if (body.header_length) {
    reply.headers.emplace_back("Inference-Header-Content-Length",
                               std::to_string(*body.header_length));
  }
  return reply;
}

// Server-side failures are logged; client errors only show in the access log.
void log_failure(const std::string& model, int status, const char* message) {
  if (status == 500) {
    spdlog::error("model '{}': {}", model, message);
  } else if (status >= 500) {
    spdlog::warn("model '{}': {}", model, message);
  } else {
    spdlog::debug("model '{}': {} {}", model, status, message);
  }
}

// The same for a request that failed after it was submitted.
void log_async_failure(const std::string& model, const std::exception_ptr& error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const HttpError& failed) {
    log_failure(model, failed.status(), failed.what());
  } catch (const std::exception& failed) {
    log_failure(model, 500, failed.what());
  }
}

// Runs a REST handler; an HttpError becomes its JSON error reply (401 with WWW-Authenticate).
template <class Handler>
Reply answer(Handler&& handler) {
  try {
    return handler();
  } catch (const HttpError& error) {
    Reply reply = Reply::error(error.status(), error.what());
    if (error.status() == 401) reply.headers.emplace_back("WWW-Authenticate", "Bearer");
    return reply;
  }
}

}  // namespace

InferenceService::InferenceService(CodecRegistry codecs, std::string api_key)
    : codecs_(std::move(codecs)), api_key_(std::move(api_key)) {}

InferenceService::~InferenceService() {
  for (const auto& retiring : retiring_)
    if (retiring->thread.joinable()) retiring->thread.join();
  for (const auto& model : all_models()) metrics_.untrack(model->pipeline());
}

std::vector<std::shared_ptr<Model>> InferenceService::all_models() const {
  std::shared_lock lock(models_mutex_);
  std::vector<std::shared_ptr<Model>> models;
  for (const auto& [name, model] : models_) models.push_back(model);
  return models;
}

void InferenceService::check_servable(const Pipeline& pipeline) const {
  std::vector<std::string> problems;
  if (pipeline.inputs().empty()) {
    problems.push_back("pipeline '" + pipeline.name() +
                       "' exposes no inputs: a stream pipeline cannot serve requests");
  }
  for (const auto& [port, type] : missing_codecs(pipeline, codecs_)) {
    problems.push_back("pipeline '" + pipeline.name() + "': no codec for " + port + " (" + type +
                       "): register one, codecs.add<" + type +
                       ">(std::make_shared<YourCodec>()) on a CodecRegistry::defaults() given "
                       "to HttpServer(options, codecs) (cellflow/codecs/codec.hpp)");
  }
  if (!problems.empty()) throw Error(std::move(problems));
}

void InferenceService::track(const std::shared_ptr<Model>& model) {
  const Model* tracked = model.get();
  metrics_.track(model->pipeline(), [tracked] { return tracked->pending(); });
}

void InferenceService::add(std::unique_ptr<Pipeline> pipeline, ModelOptions options) {
  if (!pipeline) throw Error("HttpServer::add: null pipeline");
  const std::string name = pipeline->name();
  if (std::shared_lock lock(models_mutex_); models_.count(name) != 0) {
    std::vector<std::string> problems{"model '" + name + "' is already served"};
    try {
      check_servable(*pipeline);
    } catch (const Error& error) {
      problems.insert(problems.end(), error.problems().begin(), error.problems().end());
    }
    throw Error(std::move(problems));
  }
  check_servable(*pipeline);
  auto model = std::make_shared<Model>(std::move(pipeline), options, codecs_);
  track(model);
  std::unique_lock lock(models_mutex_);
  models_.emplace(name, std::move(model));
}

bool InferenceService::start_model(Model& model) {
  auto observer = std::make_shared<Observers>(std::vector<std::shared_ptr<PipelineObserver>>{
      metrics_.observer_for(model.name()), traces_->observer(model.name())});
  model.set_trace(traces_);
  return model.start(std::move(observer));
}

bool InferenceService::start_models() {
  bool all = true;
  for (const auto& model : all_models()) {
    if (drain_.closed()) return false;  // stopping: do not open what is about to be closed
    if (start_model(*model)) {
      spdlog::info("model '{}' is ready", model->name());
    } else {
      spdlog::error("{}", model->failure());
      all = false;
    }
  }
  started_ = true;
  return all;
}

std::string InferenceService::update(std::unique_ptr<Pipeline> pipeline, ModelOptions options) {
  if (!pipeline) throw Error("HttpServer::update: null pipeline");
  check_servable(*pipeline);
  std::lock_guard updating(update_mutex_);
  const std::string name = pipeline->name();
  std::shared_ptr<Model> old;
  if (std::shared_lock lock(models_mutex_); models_.count(name) != 0) old = models_.at(name);
  if (!old) {
    auto model = std::make_shared<Model>(std::move(pipeline), options, codecs_);
    if (!start_model(*model)) throw Error(model->failure());
    track(model);
    std::unique_lock lock(models_mutex_);
    models_.emplace(name, std::move(model));
    return "model '" + name + "': added";
  }
  const ConfigChange change = compare_configs(old->pipeline().describe(), pipeline->describe());
  const bool same_options = old->options().max_pending == options.max_pending &&
                            old->options().timeout == options.timeout;
  if (change.structural || !same_options || !old->ready())
    return replace(old, std::move(pipeline), options);
  for (const auto& [path, clones] : change.clones) old->pipeline().scale(path, clones);
  std::map<std::string, nlohmann::json> params_by_cell;  // each cell's changes land together
  for (const auto& [path, param, value] : change.params) params_by_cell[path][param] = value;
  for (const auto& [path, values] : params_by_cell) old->pipeline().set_params(path, values);
  std::string done;
  for (const auto& line : change.summary) done += (done.empty() ? "" : "; ") + line;
  return "model '" + name + "': " + (done.empty() ? "unchanged" : "changed in place: " + done);
}

// The new pipeline opens beside the old one; once it is ready, requests go to it, and the old
// one stops when the requests it admitted are answered (requests hold their model).
std::string InferenceService::replace(const std::shared_ptr<Model>& old,
                                      std::unique_ptr<Pipeline> pipeline, ModelOptions options) {
  const std::string name = old->name();
  auto fresh = std::make_shared<Model>(std::move(pipeline), options, codecs_);
  if (!start_model(*fresh))
    throw Error("model '" + name + "': the new config failed to start, the running one keeps " +
                "serving: " + fresh->failure());
  metrics_.untrack(old->pipeline());
  track(fresh);
  {
    std::unique_lock lock(models_mutex_);
    models_[name] = fresh;
  }
  // Not ready first: a request that takes a ticket from now on backs out before using it.
  old->retire();
  std::erase_if(retiring_, [](const std::unique_ptr<Retiring>& finished) {
    if (!finished->done) return false;
    finished->thread.join();
    return true;
  });
  auto& retiring = *retiring_.emplace_back(std::make_unique<Retiring>());
  retiring.thread = std::thread([old, done = &retiring.done] {
    while (old->pending() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    old->stop();
    *done = true;
  });
  return "model '" + name + "': replaced by the new config (the old pipeline stops once its " +
         "requests are answered)";
}

std::map<std::string, std::string> InferenceService::failed_models() const {
  std::map<std::string, std::string> failed;
  for (const auto& model : all_models())
    if (std::string failure = model->failure(); !failure.empty())
      failed.emplace(model->name(), failure);
  return failed;
}

bool InferenceService::ready() const {
  if (!live_ || drain_.closed()) return false;
  const auto models = all_models();
  return std::all_of(models.begin(), models.end(), [](const auto& m) { return m->ready(); });
}

void InferenceService::stop_models() {
  {
    std::lock_guard updating(update_mutex_);
    for (const auto& retiring : retiring_)
      if (retiring->thread.joinable()) retiring->thread.join();
  }
  for (const auto& model : all_models()) model->stop();
}

nlohmann::json InferenceService::description() {
  return {{"name", "cellflow"},
          {"version", CELLFLOW_VERSION},
          {"extensions", {"binary_tensor_data", "statistics"}}};
}

Reply InferenceService::server_metadata() const { return Reply::json(200, description()); }

Reply InferenceService::health_live() const {
  return Reply::json(live() ? 200 : 503, {{"live", live()}});
}

Reply InferenceService::health_ready() const {
  const bool is_ready = ready();
  return Reply::json(is_ready ? 200 : 503, {{"ready", is_ready}});
}

void InferenceService::authorize(std::string_view authorization) const {
  if (api_key_.allows(authorization)) return;
  throw HttpError(
      401, authorization.empty() ? "missing API key (Authorization: Bearer)" : "invalid API key");
}

std::shared_ptr<Model> InferenceService::model(std::string_view name,
                                               std::string_view authorization) const {
  authorize(authorization);
  std::shared_lock lock(models_mutex_);
  const auto found = models_.find(name);
  if (found != models_.end()) return found->second;
  std::string known;
  for (const auto& [model, unused] : models_) known += (known.empty() ? "" : ", ") + model;
  throw HttpError(404, "unknown model '" + std::string(name) + "' (models: " + known + ")");
}

bool InferenceService::model_ready(const Model& model) const {
  return model.ready() && !drain_.closed();
}

void InferenceService::infer(std::string_view name, std::string_view authorization,
                             const Model::Parse& parse, const Model::Respond& respond) {
  std::shared_ptr<Model> served = model(name, authorization);
  if (!drain_.enter()) throw HttpError(503, "server is shutting down");
  struct Leave {
    RequestDrain& drain;
    ~Leave() { drain.leave(); }
  } leave{drain_};
  for (;;) {
    try {
      return served->infer(parse, respond);
    } catch (const HttpError& error) {
      if (auto next = successor(*served, error)) {
        served = std::move(next);
        continue;
      }
      log_failure(served->name(), error.status(), error.what());
      throw;
    }
  }
}

// A model replaced (update) between a request's lookup and its admission refuses it with 503
// before reading it: its successor answers instead.
std::shared_ptr<Model> InferenceService::successor(const Model& served,
                                                   const HttpError& error) const {
  if (error.status() != 503 || drain_.closed()) return nullptr;
  std::shared_lock lock(models_mutex_);
  const auto found = models_.find(served.name());
  return found != models_.end() && found->second.get() != &served ? found->second : nullptr;
}

std::shared_ptr<Model::Call> InferenceService::infer_async(std::string_view name,
                                                           std::string_view authorization,
                                                           const Model::Parse& parse,
                                                           Model::Respond respond,
                                                           Model::Done done) {
  std::shared_ptr<Model> served = model(name, authorization);
  if (!drain_.enter()) throw HttpError(503, "server is shutting down");
  auto finished = [this, name = served->name(), done = std::move(done)](std::exception_ptr error) {
    log_async_failure(name, error);
    done(error);
    drain_.leave();
  };
  try {
    for (;;) {
      try {
        return served->infer_async(parse, respond, finished);
      } catch (const HttpError& error) {
        auto next = successor(*served, error);
        if (!next) throw;
        served = std::move(next);
      }
    }
  } catch (const HttpError& error) {
    drain_.leave();
    log_failure(served->name(), error.status(), error.what());
    throw;
  } catch (...) {
    drain_.leave();
    throw;
  }
}

Reply InferenceService::model_metadata(std::string_view name,
                                       std::string_view authorization) const {
  return answer([&] { return Reply::json(200, model(name, authorization)->metadata()); });
}

Reply InferenceService::model_ready(std::string_view name, std::string_view authorization) const {
  return answer([&] {
    const auto served = model(name, authorization);
    const bool is_ready = model_ready(*served);
    nlohmann::json body = {{"name", served->name()}, {"ready", is_ready}};
    if (std::string failure = served->failure(); !failure.empty()) body["error"] = failure;
    return Reply::json(is_ready ? 200 : 503, body);
  });
}

// As Triton reports a dynamically batched model: inference_count counts items, execution_count
// the batches its (first) batched cell ran; without a batched cell, one execution per request.
nlohmann::json InferenceService::statistics_of(const Model& model) const {
  nlohmann::json stats = model.statistics();
  nlohmann::json cells = metrics_.cell_statistics(model.pipeline());
  const auto batched = std::find_if(cells.begin(), cells.end(),
                                    [](const nlohmann::json& c) { return c.contains("batches"); });
  if (batched != cells.end()) stats["execution_count"] = (*batched)["batches"];
  stats["cellflow"] = {{"cells", std::move(cells)}};
  return stats;
}

nlohmann::json InferenceService::statistics(std::string_view name,
                                            std::string_view authorization) const {
  nlohmann::json models = nlohmann::json::array();
  if (name.empty()) {
    authorize(authorization);
    for (const auto& served : all_models()) models.push_back(statistics_of(*served));
  } else {
    models.push_back(statistics_of(*model(name, authorization)));
  }
  return models;
}

Reply InferenceService::model_statistics(std::string_view name,
                                         std::string_view authorization) const {
  return answer([&] {
    return Reply::json(200, {{"model_stats", statistics(name, authorization)}});
  });
}

Reply InferenceService::infer(std::string_view name, std::string_view authorization,
                              std::string body, const std::optional<std::string>& header_length,
                              std::string traceparent) {
  return answer([&] {
    HttpBody response;
    const auto length = parse_header_length(header_length);
    auto shared = std::make_shared<std::string>(std::move(body));
    infer(
        name, authorization,
        [&] {
          InferRequest request = parse_infer_request(std::move(shared), length);
          request.traceparent = std::move(traceparent);
          return request;
        },
        [&](const InferRequest& request, std::vector<Tensor>&& outputs) {
          response = make_infer_response(std::string(name), request.id, outputs, request);
        });
    return body_reply(std::move(response));
  });
}

Reply InferenceService::pipeline_description(std::string_view name,
                                             std::string_view authorization) const {
  return answer([&] { return Reply::json(200, admin::describe(*model(name, authorization))); });
}

Reply InferenceService::set_clones(std::string_view name, std::string_view path,
                                   std::string_view authorization, std::string_view body) {
  return answer(
      [&] { return Reply::json(200, admin::set_clones(*model(name, authorization), path, body)); });
}

Reply InferenceService::set_params(std::string_view name, std::string_view path,
                                   std::string_view authorization, std::string_view body) {
  return answer(
      [&] { return Reply::json(200, admin::set_params(*model(name, authorization), path, body)); });
}

Reply InferenceService::start_trace(std::string_view authorization, std::string_view body) {
  return answer([&] {
    authorize(authorization);
    return Reply::json(200, admin::start_trace(*traces_, body));
  });
}

Reply InferenceService::stop_trace(std::string_view authorization) {
  return answer([&] {
    authorize(authorization);
    return Reply::json(200, traces_->stop());
  });
}

Reply InferenceService::trace_status(std::string_view authorization) const {
  return answer([&] {
    authorize(authorization);
    return Reply::json(200, traces_->status());
  });
}

Reply InferenceService::metrics_text() const {
  Reply reply;
  reply.body = metrics_.serialize();
  reply.content_type = "text/plain; version=0.0.4";
  return reply;
}

}  // namespace cellflow::server
