#include "grpc/grpc_answer.hpp"

#include <string>

#include "grpc/grpc_status.hpp"
#include "http/model_call.hpp"

namespace cellflow::server {

GrpcAnswer::GrpcAnswer(InferenceService& service, grpc::ServerUnaryReactor* reactor,
                       const char* method)
    : service_(service), reactor_(reactor), method_(method) {}

void GrpcAnswer::expire_after(const std::shared_ptr<Model::Call>& call) {
  const auto timeout = call->model->timeout();
  if (timeout.count() == 0 || finished_) return;
  const auto left = call->start + timeout - std::chrono::steady_clock::now();
  // Weak: the alarm must not keep a finished call (and this answer, through it) alive.
  alarm_.Set(std::chrono::system_clock::now() +
                 std::chrono::duration_cast<std::chrono::system_clock::duration>(left),
             [weak = std::weak_ptr<Model::Call>(call)](bool fired) {
               if (auto expiring = weak.lock(); fired && expiring)
                 expiring->model->expire(*expiring);
             });
}

void GrpcAnswer::finish(const std::exception_ptr& error) {
  if (finished_.exchange(true)) return;
  alarm_.Cancel();
  const GrpcOutcome outcome = grpc_outcome(error);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  service_.metrics().observe_request(std::string("/inference.GRPCInferenceService/") + method_,
                                     outcome.http_status, seconds);
  reactor_->Finish(outcome.status);
}

}  // namespace cellflow::server
