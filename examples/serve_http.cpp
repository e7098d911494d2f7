// serve_http: any pipeline becomes a KServe v2 inference service with no route written. A typed
// C++ cell (vector<double> -> vector<double>) with 2 clones is served on a free loopback port;
// the example then asks it for metadata, one inference and the model's statistics (Triton's
// statistics extension, with cellflow's per-cell figures) with a plain HTTP client, as curl or a
// Triton client would, and stops the server gracefully.
#include <httplib.h>

#include <iostream>
#include <vector>

#include "cellflow/cellflow.hpp"
#include "cellflow/server/http_server.hpp"

class Normalize final : public cellflow::Cell {
 public:
  cellflow::Input<std::vector<double>> in{*this, "in"};
  cellflow::Output<std::vector<double>> out{*this, "out"};
  void process(cellflow::Context& ctx) override {
    std::vector<double> v = ctx.take(in);
    double sum = 0;
    for (double x : v) sum += x;
    for (double& x : v) x = sum == 0 ? 0 : x / sum;
    ctx.emit(out, std::move(v));
  }
};

int main() {
  auto pipeline = std::make_unique<cellflow::Pipeline>("normalize");
  auto& cell = pipeline->add<Normalize>("normalize", {}, cellflow::ScaleUp{2});
  pipeline->expose(cell.in, "scores");
  pipeline->expose(cell.out, "probabilities");

  cellflow::server::HttpServer server({.port = 0});  // 0: any free port
  server.add(std::move(pipeline), {.max_pending = 16, .timeout = std::chrono::seconds(2)});
  const int port = server.start();
  httplib::Client client("127.0.0.1", port);
  while (!server.ready()) std::this_thread::sleep_for(std::chrono::milliseconds(5));

  std::cout << "GET /v2/models/normalize\n  " << client.Get("/v2/models/normalize")->body << "\n";
  const auto answer = client.Post("/v2/models/normalize/infer",
                                  R"({"id": "1", "inputs": [{"name": "scores", "datatype": "FP64",
                                      "shape": [4], "data": [1, 1, 2, 4]}]})",
                                  "application/json");
  std::cout << "POST /v2/models/normalize/infer -> " << answer->status << "\n  " << answer->body
            << "\n";
  const auto stats = client.Get("/v2/models/normalize/stats");
  std::cout << "GET /v2/models/normalize/stats\n  " << stats->body << "\n";
  server.stop();
  const bool counted = stats->body.find("\"inference_count\":1") != std::string::npos;
  return answer->status == 200 && counted ? 0 : 1;
}
