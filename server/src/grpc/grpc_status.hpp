// How a request's failure travels over gRPC: HttpError statuses map to gRPC codes (400
// INVALID_ARGUMENT, 401 UNAUTHENTICATED, 404 NOT_FOUND, 429 RESOURCE_EXHAUSTED, 503 UNAVAILABLE,
// 504 DEADLINE_EXCEEDED, anything else INTERNAL), with the same message.
#pragma once

#include <grpcpp/grpcpp.h>

#include <exception>

namespace cellflow::server {

struct GrpcOutcome {
  int http_status = 200;  // for the request metrics, shared with REST
  grpc::Status status;
};

/// OK for nullptr; an HttpError's code and message; any other exception INTERNAL.
GrpcOutcome grpc_outcome(const std::exception_ptr& error);

}  // namespace cellflow::server
