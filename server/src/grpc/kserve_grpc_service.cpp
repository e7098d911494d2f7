#include "grpc/kserve_grpc_service.hpp"

#include <chrono>
#include <string>
#include <string_view>

#include "grpc/grpc_answer.hpp"
#include "grpc/grpc_status.hpp"
#include "grpc/grpc_tensors.hpp"

namespace cellflow::server {
namespace {

using Clock = std::chrono::steady_clock;

std::string metadata_value(const grpc::ServerContextBase& context, const char* key) {
  const auto& metadata = context.client_metadata();
  const auto found = metadata.find(key);
  return found == metadata.end() ? std::string()
                                 : std::string(found->second.data(), found->second.size());
}

std::string authorization(const grpc::ServerContextBase& context) {
  return metadata_value(context, "authorization");
}

// Runs one RPC: an HttpError becomes its gRPC status; each call is counted in the HTTP request
// metrics under the method's full name, with the HTTP status it corresponds to.
template <class Handler>
grpc::Status rpc(InferenceService& service, const char* method, Handler&& handler) {
  const auto start = Clock::now();
  std::exception_ptr error;
  try {
    handler();
  } catch (...) {
    error = std::current_exception();
  }
  const GrpcOutcome outcome = grpc_outcome(error);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  service.metrics().observe_request(std::string("/inference.GRPCInferenceService/") + method,
                                    outcome.http_status, seconds);
  return outcome.status;
}

void add_tensors(
    const nlohmann::json& tensors,
    google::protobuf::RepeatedPtrField<inference::ModelMetadataResponse::TensorMetadata>* out) {
  for (const auto& tensor : tensors) {
    auto* metadata = out->Add();
    metadata->set_name(tensor["name"].get<std::string>());
    metadata->set_datatype(tensor["datatype"].get<std::string>());
    for (const auto& dim : tensor["shape"]) metadata->add_shape(dim.get<std::int64_t>());
  }
}

void set_duration(const nlohmann::json& from, inference::StatisticDuration* to) {
  to->set_count(from["count"].get<std::uint64_t>());
  to->set_ns(from["ns"].get<std::uint64_t>());
}

// One model's statistics, as the REST route has them, in Triton's gRPC messages.
void to_model_statistics(const nlohmann::json& from, inference::ModelStatistics* to) {
  to->set_name(from["name"].get<std::string>());
  to->set_version(from["version"].get<std::string>());
  to->set_last_inference(from["last_inference"].get<std::uint64_t>());
  to->set_inference_count(from["inference_count"].get<std::uint64_t>());
  to->set_execution_count(from["execution_count"].get<std::uint64_t>());
  const nlohmann::json& stats = from["inference_stats"];
  auto* out = to->mutable_inference_stats();
  set_duration(stats["success"], out->mutable_success());
  set_duration(stats["fail"], out->mutable_fail());
  set_duration(stats["queue"], out->mutable_queue());
  set_duration(stats["compute_input"], out->mutable_compute_input());
  set_duration(stats["compute_infer"], out->mutable_compute_infer());
  set_duration(stats["compute_output"], out->mutable_compute_output());
  set_duration(stats["cache_hit"], out->mutable_cache_hit());
  set_duration(stats["cache_miss"], out->mutable_cache_miss());
}

}  // namespace

grpc::Status KServeGrpcService::ServerLive(grpc::ServerContext*,
                                           const inference::ServerLiveRequest*,
                                           inference::ServerLiveResponse* response) {
  return rpc(service_, "ServerLive", [&] { response->set_live(service_.live()); });
}

grpc::Status KServeGrpcService::ServerReady(grpc::ServerContext*,
                                            const inference::ServerReadyRequest*,
                                            inference::ServerReadyResponse* response) {
  return rpc(service_, "ServerReady", [&] { response->set_ready(service_.ready()); });
}

grpc::Status KServeGrpcService::ModelReady(grpc::ServerContext* context,
                                           const inference::ModelReadyRequest* request,
                                           inference::ModelReadyResponse* response) {
  return rpc(service_, "ModelReady", [&] {
    const auto model = service_.model(request->name(), authorization(*context));
    response->set_ready(service_.model_ready(*model));
  });
}

grpc::Status KServeGrpcService::ServerMetadata(grpc::ServerContext*,
                                               const inference::ServerMetadataRequest*,
                                               inference::ServerMetadataResponse* response) {
  return rpc(service_, "ServerMetadata", [&] {
    const nlohmann::json description = InferenceService::description();
    response->set_name(description["name"].get<std::string>());
    response->set_version(description["version"].get<std::string>());
    for (const auto& extension : description["extensions"])
      response->add_extensions(extension.get<std::string>());
  });
}

grpc::Status KServeGrpcService::ModelMetadata(grpc::ServerContext* context,
                                              const inference::ModelMetadataRequest* request,
                                              inference::ModelMetadataResponse* response) {
  return rpc(service_, "ModelMetadata", [&] {
    const nlohmann::json metadata =
        service_.model(request->name(), authorization(*context))->metadata();
    response->set_name(metadata["name"].get<std::string>());
    for (const auto& version : metadata["versions"])
      response->add_versions(version.get<std::string>());
    response->set_platform(metadata["platform"].get<std::string>());
    add_tensors(metadata["inputs"], response->mutable_inputs());
    add_tensors(metadata["outputs"], response->mutable_outputs());
  });
}

// ModelInfer holds no thread while the pipeline runs (gRPC's callback API): the request is
// decoded and submitted here, and answered from the pipeline thread that completes it, or with
// DEADLINE_EXCEEDED by an alarm at the model's timeout.
grpc::ServerUnaryReactor* KServeGrpcService::ModelInfer(grpc::CallbackServerContext* context,
                                                        const inference::ModelInferRequest* request,
                                                        inference::ModelInferResponse* response) {
  auto answer = std::make_shared<GrpcAnswer>(service_, context->DefaultReactor(), "ModelInfer");
  // The tensors view the request's contents and may outlive this call (a request that timed
  // out leaves its items running), so the request moves into a shared message: Swap exchanges
  // the fields' buffers, copying no payload. gRPC hands the handler a message it allocated as
  // non-const, so taking its contents is defined behaviour.
  auto owned = std::make_shared<inference::ModelInferRequest>();
  owned->Swap(const_cast<inference::ModelInferRequest*>(request));
  try {
    auto call = service_.infer_async(
        owned->model_name(), authorization(*context),
        [owned, traceparent = metadata_value(*context, "traceparent")] {
          InferRequest parsed = grpc_edge::to_infer_request(owned);
          parsed.traceparent = traceparent;
          return parsed;
        },
        [owned, response](const InferRequest& parsed, std::vector<Tensor>&& outputs) {
          grpc_edge::to_infer_response(owned->model_name(), parsed, std::move(outputs), *response);
        },
        [answer](std::exception_ptr error) { answer->finish(error); });
    answer->expire_after(call);
  } catch (...) {
    answer->finish(std::current_exception());
  }
  return answer->reactor();
}

grpc::Status KServeGrpcService::ModelStatistics(grpc::ServerContext* context,
                                                const inference::ModelStatisticsRequest* request,
                                                inference::ModelStatisticsResponse* response) {
  return rpc(service_, "ModelStatistics", [&] {
    for (const auto& model : service_.statistics(request->name(), authorization(*context)))
      to_model_statistics(model, response->add_model_stats());
  });
}

}  // namespace cellflow::server
