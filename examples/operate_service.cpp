// operate_service: operating a running service from outside, as an operator would.
//  1. GET /v2/models/{name}/pipeline: the pipeline as data (cells, clones, params).
//  2. POST .../cells/{path}/clones and .../params: rescale a clone group, set a live param.
//  3. HttpServer::update (what SIGHUP does in `cellflow serve`): a changed fixed param opens a new
//     pipeline beside the old one and switches requests to it, none failing.
//  4. POST /v2/trace/start and /v2/trace/stop (or ServerOptions::trace_path from the start):
//     every request's phases and every cell's spans in between, in a Chrome trace (open
//     operate_service.trace.json in ui.perfetto.dev). The dashboard is at GET /.
// The example checks each step and prints what it saw.
#include <httplib.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"
#include "cellflow/server/http_server.hpp"

using nlohmann::json;

namespace {

const cellflow::Registry& registry() {
  static const cellflow::Registry registry = cellflow::cells::builtin_registry();
  return registry;
}

// x -> Delay (sleep_ms: live, jitter_ms: fixed; 2 clones) -> y
std::unique_ptr<cellflow::Pipeline> echo(double jitter_ms) {
  return cellflow::load_pipeline({{"name", "echo"},
                                  {"cells",
                                   {{{"name", "delay"},
                                     {"type", "Delay"},
                                     {"clones", 2},
                                     {"params", {{"sleep_ms", 2}, {"jitter_ms", jitter_ms}}}}}},
                                  {"inputs", {{"x", "delay.in"}}},
                                  {"outputs", {{"y", "delay.out"}}}},
                                 registry());
}

void check(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error("check failed: " + what);
}

json post(httplib::Client& client, const std::string& path, const json& body, int status = 200) {
  const auto answer = client.Post(path, body.dump(), "application/json");
  check(answer && answer->status == status,
        "POST " + path + " answered " + (answer ? std::to_string(answer->status) : "nothing"));
  std::cout << "POST " << path << " " << body.dump() << "\n  -> " << answer->body << "\n";
  return json::parse(answer->body);
}

}  // namespace

int main() try {
  const std::string trace = "operate_service.trace.json";
  {
    cellflow::server::HttpServer server({.port = 0});
    server.add(echo(0));
    httplib::Client client("127.0.0.1", server.start());
    while (!server.ready()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    post(client, "/v2/trace/start", {{"path", trace}});
    const auto delay = [&] {
      return json::parse(client.Get("/v2/models/echo/pipeline")->body)["cells"][0];
    };
    std::cout << "GET /v2/models/echo/pipeline\n  delay: " << delay().dump() << "\n";

    post(client, "/v2/models/echo/cells/delay/clones", {{"clones", 4}});
    post(client, "/v2/models/echo/cells/delay/params", {{"sleep_ms", 5}});
    check(delay()["clones"] == 4 && delay()["params"]["sleep_ms"] == 5.0, "rescaled, param set");
    const json refused =
        post(client, "/v2/models/echo/cells/delay/params", {{"jitter_ms", 1}}, 409);
    check(refused["error"].get<std::string>().find("is not live") != std::string::npos, "409");

    const std::string request =
        R"({"inputs":[{"name":"x","datatype":"INT64","shape":[1],"data":[7]}]})";
    check(client.Post("/v2/models/echo/infer", request, "application/json")->status == 200,
          "infer");
    // A fixed param changes: the new pipeline takes over once it is ready.
    std::cout << "update: " << server.update(echo(1)) << "\n";
    check(delay()["params"]["jitter_ms"] == 1.0, "the new pipeline serves");
    check(client.Post("/v2/models/echo/infer", request, "application/json")->status == 200,
          "infer");
    post(client, "/v2/trace/stop", json::object());  // the file is complete from here on
    server.stop();
  }
  std::ifstream in(trace);
  const json events = json::parse(in);
  int requests = 0, spans = 0;
  for (const json& e : events) {
    requests += e["ph"] == "b" && e["name"] == "request";
    spans += e["ph"] == "X" && e["name"] == "delay";
  }
  std::cout << trace << ": " << events.size() << " events, " << requests << " requests, " << spans
            << " delay spans\n";
  check(requests == 2 && spans == 2, "both requests traced");
  std::cout << "operate_service: ok\n";
  return 0;
} catch (const std::exception& e) {
  std::cerr << "operate_service: " << e.what() << "\n";
  return 1;
}
