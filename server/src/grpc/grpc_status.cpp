#include "grpc/grpc_status.hpp"

#include <string>

#include "http/http_error.hpp"

namespace cellflow::server {
namespace {

grpc::StatusCode code_of(int http_status) {
  switch (http_status) {
    case 400:
    case 413:
    case 415:
      return grpc::StatusCode::INVALID_ARGUMENT;
    case 401:
      return grpc::StatusCode::UNAUTHENTICATED;
    case 404:
      return grpc::StatusCode::NOT_FOUND;
    case 429:
      return grpc::StatusCode::RESOURCE_EXHAUSTED;
    case 503:
      return grpc::StatusCode::UNAVAILABLE;
    case 504:
      return grpc::StatusCode::DEADLINE_EXCEEDED;
    default:
      return grpc::StatusCode::INTERNAL;
  }
}

}  // namespace

GrpcOutcome grpc_outcome(const std::exception_ptr& error) {
  if (!error) return {200, grpc::Status::OK};
  try {
    std::rethrow_exception(error);
  } catch (const HttpError& failed) {
    return {failed.status(), grpc::Status(code_of(failed.status()), failed.what())};
  } catch (const std::exception& failed) {
    return {500, grpc::Status(grpc::StatusCode::INTERNAL,
                              std::string("internal error: ") + failed.what())};
  } catch (...) {
    return {500, grpc::Status(grpc::StatusCode::INTERNAL, "internal error")};
  }
}

}  // namespace cellflow::server
