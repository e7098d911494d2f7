#include <iostream>

#include "cellflow/server/http_server.hpp"
#include "shutdown_signals.hpp"

namespace cellflow::server {

int serve_until_signal(HttpServer& server, const std::string& host) {
  const detail::ShutdownSignals signals;  // before start() creates any thread
  const int port = server.start();
  std::cout << "listening on http://" << host << ":" << port << std::endl;
  const int signal = signals.wait();
  server.stop();
  return signal;
}

}  // namespace cellflow::server
