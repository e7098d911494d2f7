// The KServe v2 routes on an httplib server (internal; keeps httplib out of every header).
#pragma once

#include <cstddef>

namespace httplib {
class Server;
}

namespace cellflow::server {

class InferenceService;

/// Installs the routes, the JSON error and exception handlers (404, 405, 413, 500) and the
/// access logger that also feeds the HTTP metrics. `service` must outlive `http`.
void install_routes(httplib::Server& http, InferenceService& service, std::size_t max_body_bytes);

}  // namespace cellflow::server
