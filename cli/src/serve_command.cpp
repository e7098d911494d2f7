// `cellflow serve`: serves pipeline configs over HTTP (KServe v2) until SIGINT/SIGTERM.
#include <signal.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cellflow/cli/cli.hpp"
#include "cellflow/error.hpp"
#include "cellflow/loader.hpp"
#include "cellflow/server/http_server.hpp"
#include "commands.hpp"

namespace cellflow::cli::detail {
namespace {

using server::ModelOptions;
using server::ServerOptions;

// The config again, for the serving keys (load_pipeline_file already reported parse errors).
nlohmann::json read_config(const std::string& path) {
  std::ifstream file(path);
  return nlohmann::json::parse(file);
}

bool has_path(const Pipeline& pipeline, const std::string& path) {
  const auto paths = pipeline.cell_paths();
  return std::find(paths.begin(), paths.end(), path) != paths.end();
}

// Each "path=N" goes to every pipeline having that path; one that none has is an error, listed
// with the valid paths by apply_clone_overrides on the first pipeline.
void apply_clones(const std::vector<std::unique_ptr<Pipeline>>& pipelines,
                  const std::vector<std::string>& clones) {
  for (const std::string& clone : clones) {
    const std::string path = clone.substr(0, clone.find('='));
    bool applied = false;
    for (const auto& pipeline : pipelines) {
      if (!has_path(*pipeline, path)) continue;
      apply_clone_overrides(*pipeline, {clone});
      applied = true;
    }
    if (!applied && !pipelines.empty()) apply_clone_overrides(*pipelines.front(), {clone});
  }
}

// Each config's --set entries: those naming one of its cells. Every config is read once; an
// entry that no config has is an error, listed with the valid cells of the first config (as
// --clones does). A config that is not valid JSON takes none (loading it reports why).
std::vector<std::vector<std::string>> params_per_config(const ServeCommandOptions& options,
                                                        const Registry& registry) {
  std::vector<nlohmann::json> configs;
  for (const std::string& path : options.configs) {
    std::ifstream file(path);
    configs.push_back(nlohmann::json::parse(file, nullptr, false));
  }
  std::vector<std::vector<std::string>> mine(configs.size());
  for (const std::string& entry : options.params) {
    bool anywhere = false;
    for (std::size_t i = 0; i < configs.size(); ++i) {
      nlohmann::json copy = configs[i];
      try {
        apply_param_overrides(copy, {entry}, registry);
      } catch (const Error&) {
        continue;
      }
      anywhere = true;
      mine[i].push_back(entry);
    }
    if (!anywhere) apply_param_overrides(configs.front(), {entry}, registry);  // throws
  }
  return mine;
}

ModelOptions read_model_options(const std::string& config, const ServeCommandOptions& options) {
  ModelOptions model;
  try {
    model = ModelOptions::from_config(read_config(config));
  } catch (const Error& error) {
    std::vector<std::string> problems;
    for (const auto& problem : error.problems()) problems.push_back(config + ": " + problem);
    throw Error(std::move(problems));
  }
  if (options.max_pending) model.max_pending = *options.max_pending;
  if (options.timeout_ms) model.timeout = std::chrono::milliseconds(*options.timeout_ms);
  return model;
}

ServerOptions server_options(const ServeCommandOptions& options) {
  ServerOptions server;
  server.max_body_bytes = options.max_body_mb << 20;
  server.grpc_port = options.grpc_port.value_or(options.port == 0 ? 0 : 8081);
  server.host = options.host;
  server.port = options.port;
  server.api_key = options.api_key;
  server.threads = options.threads;
  server.trace_path = options.trace;
  // The environment keeps the key out of the process list (ps shows arguments).
  const char* key = std::getenv("CELLFLOW_API_KEY");
  if (server.api_key.empty() && key != nullptr) server.api_key = key;
  return server;
}

// Every config, read now, with the command line's overrides.
struct Models {
  std::vector<std::unique_ptr<Pipeline>> pipelines;
  std::vector<ModelOptions> options;
};

Models read_models(const ServeCommandOptions& options, const Registry& registry) {
  Models models;
  const auto params = params_per_config(options, registry);
  for (std::size_t i = 0; i < options.configs.size(); ++i) {
    models.pipelines.push_back(load_pipeline_file(options.configs[i], registry, params[i]));
    models.options.push_back(read_model_options(options.configs[i], options));
  }
  apply_clones(models.pipelines, options.clones);
  return models;
}

// SIGHUP: the config files again; a file that no longer loads changes nothing.
void reload(server::HttpServer& http, const ServeCommandOptions& options,
            const Registry& registry) {
  Models models;
  try {
    models = read_models(options, registry);
  } catch (const Error& error) {
    spdlog::error("reload: the configs do not load, nothing changed:\n{}", error.what());
    return;
  }
  for (std::size_t i = 0; i < models.pipelines.size(); ++i) {
    try {
      spdlog::info("reload: {}", http.update(std::move(models.pipelines[i]), models.options[i]));
    } catch (const Error& error) {
      spdlog::error("reload: {}", error.what());
    }
  }
}

}  // namespace

int serve_command(const ServeCommandOptions& options, const Registry& registry,
                  const CodecRegistry& codecs) {
  Models models = read_models(options, registry);
  server::HttpServer http(server_options(options), codecs);
  for (std::size_t i = 0; i < models.pipelines.size(); ++i) {
    http.add(std::move(models.pipelines[i]), models.options[i]);
  }
  const int signal =
      server::serve_until_signal(http, options.host, [&] { reload(http, options, registry); });
  spdlog::info("{}: stopped gracefully", signal == SIGINT ? "SIGINT" : "SIGTERM");
  return kExitOk;
}

}  // namespace cellflow::cli::detail
