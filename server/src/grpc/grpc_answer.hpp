// GrpcAnswer: the answer of one callback-API call (ModelInfer). The pipeline thread that
// completes the request, the submitting thread (an error before submission) or the timeout
// alarm finishes it, once; each call is counted in the request metrics like the sync methods.
#pragma once

#include <grpcpp/alarm.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <memory>

#include "http/inference_service.hpp"

namespace cellflow::server {

class GrpcAnswer {
 public:
  GrpcAnswer(InferenceService& service, grpc::ServerUnaryReactor* reactor, const char* method);
  grpc::ServerUnaryReactor* reactor() const { return reactor_; }
  /// Expires `call` at its model's timeout (no alarm when the model has none).
  void expire_after(const std::shared_ptr<Model::Call>& call);
  /// Finishes the RPC with the status of `error` (OK for nullptr). Only the first call counts.
  void finish(const std::exception_ptr& error);

 private:
  InferenceService& service_;
  grpc::ServerUnaryReactor* reactor_;
  const char* method_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::atomic<bool> finished_{false};
  grpc::Alarm alarm_;
};

}  // namespace cellflow::server
