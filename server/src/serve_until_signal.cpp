#include <spdlog/spdlog.h>

#include <iostream>
#include <string>
#include <vector>

#include "cellflow/error.hpp"
#include "cellflow/server/http_server.hpp"
#include "shutdown_signals.hpp"

namespace cellflow::server {
namespace {

// Once the models have opened: false when none of them could (the server has nothing to serve).
bool check_opened(const HttpServer& server, std::size_t models,
                  std::vector<std::string>& failures) {
  const auto failed = server.failed_models();
  for (const auto& [name, reason] : failed) failures.push_back(reason);
  if (failed.empty() || failed.size() == models) return failed.empty();
  std::string names;
  for (const auto& [name, reason] : failed) names += (names.empty() ? "" : ", ") + name;
  spdlog::warn("serving {} of {} models; failed: {}", models - failed.size(), models, names);
  return true;
}

}  // namespace

int serve_until_signal(HttpServer& server, const std::string& host,
                       const std::function<void()>& reload) {
  const detail::ShutdownSignals signals;  // before start() creates any thread
  const int port = server.start();
  std::cout << "listening on http://" << host << ":" << port << std::endl;
  if (server.grpc_port() > 0)
    std::cout << "listening on grpc://" << host << ":" << server.grpc_port() << std::endl;
  int signal = 0;
  bool reload_pending = false;  // a SIGHUP while the models open: reload once they have
  while (signal == 0 && !server.models_opened()) {
    signal = signals.wait_for(std::chrono::milliseconds(50));
    if (signal == SIGHUP) reload_pending = true, signal = 0;
  }
  std::vector<std::string> failures;
  if (signal == 0 && !check_opened(server, server.model_count(), failures)) {
    server.stop();
    throw Error(std::move(failures));
  }
  if (signal == 0 && reload_pending) signal = SIGHUP;
  while (signal == 0 || signal == SIGHUP) {
    if (signal == SIGHUP) {
      spdlog::info("SIGHUP: {}", reload ? "reloading the configs" : "nothing to reload");
      if (reload) reload();
    }
    signal = signals.wait();
  }
  server.stop();
  return signal;
}

}  // namespace cellflow::server
