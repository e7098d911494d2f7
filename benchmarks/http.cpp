// bench_http: requests/s and p50/p99 latency of KServe v2 JSON inference over HTTP, for a trivial
// pipeline (exposed input x -> one cell adding 1 -> y) served by cellflow::server::HttpServer,
// against a bare cpp-httplib handler doing the same JSON parse and serialize (the reference),
// in the same run, on loopback, and the same pipeline over KServe v2 gRPC (typed INT64 contents
// in, raw contents out, a channel per client). Targets (issue 4): cellflow >= 0.7x the bare
// handler's requests/s; (issue 10) gRPC >= 1.0x REST. PyPipeline HTTP's ~1,040 req/s is printed
// as a published figure with its source, never as a ratio: it did not run here.
//
// Load: `concurrency` threads, each with its own keep-alive httplib::Client, send requests back
// to back for `seconds` after a short warm-up; every response is checked (status 200, y == x+1,
// echoed id). Both servers get the same worker thread count and httplib defaults. Variants are
// interleaved per repetition (bench::run_interleaved: in order, then in reverse) so each pair runs
// side by side; a ratio is the median of its per-repetition ratios, with their min and max. Each
// variant's median run is reported; latency percentiles pool every run. An unmeasured warm-up
// load precedes each server's runs.
//
// Usage: bench_http [seconds=2] [reps=5] [threads=0 (HttpServer's default)]
// Prints one JSON object per line.
#include <grpcpp/grpcpp.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.hpp"
#include "cellflow/cellflow.hpp"
#include "cellflow/server/http_server.hpp"
#include "grpc_predict_v2.grpc.pb.h"

namespace {

using bench::Clock;
using bench::median;
using bench::round3;
using nlohmann::json;

constexpr double kTargetVsBare = 0.7;
constexpr double kTargetGrpcVsRest = 1.0;  // issue 10: gRPC not slower than REST
constexpr int kWarmupRequests = 20;        // per client, before the timed window
const char* const kModel = "trivial";

struct Options {
  double seconds = 2.0;
  int reps = 5;
  int threads = 0;  // HTTP worker threads of both servers; 0: HttpServer's default
  std::vector<int> concurrency = {1, 16, 64};
};

// ---- the served model ----

/// y = x + 1.
class AddOne final : public cellflow::Cell {
 public:
  cellflow::Input<std::int64_t> x{*this, "x"};
  cellflow::Output<std::int64_t> y{*this, "y"};
  void process(cellflow::Context& ctx) override { ctx.emit(y, ctx.get(x) + 1); }
};

std::unique_ptr<cellflow::Pipeline> trivial_pipeline() {
  auto p = std::make_unique<cellflow::Pipeline>(kModel);
  auto& cell = p->add<AddOne>("add_one");
  p->expose(cell.x, "x");
  p->expose(cell.y, "y");
  return p;
}

int worker_threads(int requested) {
  if (requested > 0) return requested;
  return std::max(8, 4 * static_cast<int>(std::thread::hardware_concurrency()));
}

// ---- the bare reference: same route, same JSON parse and serialize, no pipeline ----

// Parses a KServe v2 request with one INT64 input "x" of shape [1]; answers y = x + 1.
void bare_infer(const httplib::Request& req, httplib::Response& res) {
  try {
    const json body = json::parse(req.body);
    const json& input = body.at("inputs").at(0);
    if (input.at("name") != "x" || input.at("datatype") != "INT64" ||
        input.at("shape") != json::array({1})) {
      throw std::invalid_argument("expected input x, INT64, shape [1]");
    }
    const std::int64_t x = input.at("data").at(0).get<std::int64_t>();
    json reply = {
        {"model_name", kModel},
        {"outputs", {{{"name", "y"}, {"datatype", "INT64"}, {"shape", {1}}, {"data", {x + 1}}}}}};
    if (body.contains("id")) reply["id"] = body["id"];
    res.set_content(reply.dump(), "application/json");
  } catch (const std::exception& e) {
    res.status = 400;
    res.set_content(json{{"error", e.what()}}.dump(), "application/json");
  }
}

class BareServer {
 public:
  explicit BareServer(int threads) {
    http_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    http_.set_tcp_nodelay(true);
    http_.Post(std::string("/v2/models/") + kModel + "/infer", bare_infer);
    port_ = http_.bind_to_any_port("127.0.0.1");
    if (port_ < 0) throw std::runtime_error("bare server: cannot bind");
    listener_ = std::thread([this] { http_.listen_after_bind(); });
    while (!http_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~BareServer() {
    http_.stop();
    listener_.join();
  }
  int port() const { return port_; }

 private:
  httplib::Server http_;
  std::thread listener_;
  int port_ = -1;
};

// ---- load generation ----

struct Run {
  double requests_per_s = 0;
  long transport_errors = 0;
  std::vector<double> latencies_ms;
};

std::string request_body(const std::string& id, std::int64_t x) {
  return json{{"id", id},
              {"inputs", {{{"name", "x"}, {"datatype", "INT64"}, {"shape", {1}}, {"data", {x}}}}}}
      .dump();
}

struct Shared {
  explicit Shared(int clients, double seconds) : clients(clients), seconds(seconds) {}
  const int clients;
  const double seconds;
  std::mutex connect_mutex;
  std::atomic<int> warmed_up{0};
  std::atomic<bool> open{false};  // start and deadline are set before open turns true
  Clock::time_point start, deadline;
  std::atomic<long> errors{0};
  std::atomic<long> transport_errors{0};  // retried: connection reset or refused, no answer
  std::atomic<long> completed{0};         // requests answered inside the window
  std::mutex mutex;
  std::vector<double> latencies_ms;

  /// The last client to finish its warm-up opens the timed window.
  void warmed() {
    if (warmed_up.fetch_add(1) + 1 < clients) return;
    start = Clock::now();
    deadline =
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    open.store(true, std::memory_order_release);
  }
};

// One request; false when the answer is not 200 with y == x + 1 and the id echoed. A request
// that got no answer at all (httplib listens with a backlog of 5, and closes a keep-alive
// connection after 5 requests, so reconnects under load are sometimes reset) is retried twice.
bool infer_once(httplib::Client& client, const std::string& path, std::int64_t x, Shared& shared) {
  const std::string id = std::to_string(x);
  auto res = client.Post(path, request_body(id, x), "application/json");
  for (int retry = 0; !res && retry < 2; ++retry) {
    shared.transport_errors.fetch_add(1, std::memory_order_relaxed);
    res = client.Post(path, request_body(id, x), "application/json");
  }
  if (!res || res->status != 200) return false;
  const json reply = json::parse(res->body, nullptr, false);
  return !reply.is_discarded() && reply.value("id", "") == id &&
         reply["outputs"][0]["data"][0] == x + 1;
}

/// One client's request function: sends x, true when the answer is y == x + 1 with the id echoed.
using Infer = std::function<bool(std::int64_t x)>;
/// Makes one client (its own connection) of a variant.
using MakeClient = std::function<Infer(Shared& shared)>;

Infer http_client(int port, Shared& shared) {
  auto client = std::make_shared<httplib::Client>("127.0.0.1", port);
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);  // headers and body go out as two writes: no Nagle delay
  const std::string path = std::string("/v2/models/") + kModel + "/infer";
  return [client, path, &shared](std::int64_t x) { return infer_once(*client, path, x, shared); };
}

// KServe v2 gRPC: typed INT64 contents in, raw contents out; its own channel per client.
Infer grpc_client(int port) {
  auto stub = inference::GRPCInferenceService::NewStub(grpc::CreateCustomChannel(
      "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials(), [] {
        grpc::ChannelArguments args;
        args.SetInt("grpc.channel_id", std::rand());  // a channel (connection) of its own
        return args;
      }()));
  return [stub = std::shared_ptr(std::move(stub))](std::int64_t x) {
    inference::ModelInferRequest request;
    request.set_model_name(kModel);
    request.set_id(std::to_string(x));
    auto* input = request.add_inputs();
    input->set_name("x");
    input->set_datatype("INT64");
    input->add_shape(1);
    input->mutable_contents()->add_int64_contents(x);
    inference::ModelInferResponse response;
    grpc::ClientContext context;
    if (!stub->ModelInfer(&context, request, &response).ok()) return false;
    std::int64_t y = 0;
    if (response.raw_output_contents_size() != 1) return false;
    std::memcpy(&y, response.raw_output_contents(0).data(), sizeof y);
    return response.id() == request.id() && y == x + 1;
  };
}

// Clients never pause between requests (an idle keep-alive connection would hold a server
// worker until its keep-alive timeout and starve queued connections). Latency: every request
// sent inside the timed window; throughput: the requests answered inside it, over its length.
void client_loop(const MakeClient& make, int client_index, Shared& shared) {
  std::int64_t x = std::int64_t{client_index} * 1'000'000'000;
  Infer infer;
  {
    // One connect at a time: httplib listens with a backlog of 5.
    std::lock_guard lock(shared.connect_mutex);
    infer = make(shared);
    shared.errors += !infer(x++);
  }
  for (int i = 1; i < kWarmupRequests; ++i) shared.errors += !infer(x++);
  shared.warmed();
  std::vector<double> latencies;
  for (;;) {
    const auto sent = Clock::now();
    const bool timed = shared.open.load(std::memory_order_acquire);
    if (timed && sent >= shared.deadline) break;
    shared.errors += !infer(x++);
    if (!timed) continue;
    const auto done = Clock::now();
    latencies.push_back(std::chrono::duration<double, std::milli>(done - sent).count());
    if (done <= shared.deadline) shared.completed.fetch_add(1, std::memory_order_relaxed);
  }
  std::lock_guard lock(shared.mutex);
  shared.latencies_ms.insert(shared.latencies_ms.end(), latencies.begin(), latencies.end());
}

Run load(const MakeClient& make, int concurrency, double seconds, const std::string& variant) {
  Shared shared(concurrency, seconds);
  std::vector<std::thread> clients;
  for (int c = 0; c < concurrency; ++c) {
    clients.emplace_back(client_loop, std::cref(make), c, std::ref(shared));
  }
  for (auto& t : clients) t.join();
  if (shared.errors > 0) {
    throw std::runtime_error(variant + ": " + std::to_string(shared.errors.load()) +
                             " failed or wrong responses");
  }
  return {static_cast<double>(shared.completed) / seconds, shared.transport_errors.load(),
          std::move(shared.latencies_ms)};
}

// ---- driver ----

struct Variant {
  std::string name;
  MakeClient make;
  std::vector<double> runs;  // requests/s per repetition
  long transport_errors = 0;
  std::vector<double> latencies_ms;
};

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(std::ceil(p / 100 * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, i == 0 ? 0 : i - 1)];
}

void print_variant(const Variant& v, int concurrency, const Options& o) {
  json runs = json::array();
  for (double r : v.runs) runs.push_back(std::round(r));
  std::cout << json{{"bench", "http"},
                    {"server", v.name},
                    {"concurrency", concurrency},
                    {"seconds", o.seconds},
                    {"reps", o.reps},
                    {"threads", worker_threads(o.threads)},
                    {"requests_per_s", std::round(median(v.runs))},
                    {"p50_ms", round3(percentile(v.latencies_ms, 50))},
                    {"p99_ms", round3(percentile(v.latencies_ms, 99))},
                    {"requests", v.latencies_ms.size()},
                    {"retried_transport_errors", v.transport_errors},
                    {"runs_requests_per_s", runs}}
                   .dump()
            << std::endl;
}

// The median of per-repetition ratios of requests/s, a / b, with their spread.
void print_ratio(const std::string& name, const Variant& a, const Variant& b, int concurrency,
                 double target) {
  json line = bench::ratio_line(name, a.runs, b.runs, target);
  line["concurrency"] = concurrency;
  bench::print_line("http", std::move(line));
}

// PyPipeline HTTP did not run here: its figure is printed as published, with its source.
void print_published() {
  bench::print_line(
      "http",
      bench::published_line(
          "pypipeline_http",
          "design.md section 11 / docs/benchmarks.md Peers: PyPipeline HTTP, trivial cell, /pull, "
          "measured on another 2-core machine",
          {{"requests_per_s", 1040}, {"p50_ms", 0.9}}));
}

// Each repetition runs every server, alternating which goes first (the run after a switch of
// server or concurrency tends to be slower); a short unmeasured load warms each one up first.
// REST sits between the bare server and gRPC, so both of its ratios compare neighbours.
void run_concurrency(int concurrency, std::vector<Variant>& variants, const Options& o) {
  for (auto& v : variants) {
    v.runs.clear();
    v.latencies_ms.clear();
    v.transport_errors = 0;
    load(v.make, concurrency, std::min(0.3, o.seconds), v.name);
  }
  bench::run_interleaved(variants.size(), o.reps, [&](std::size_t i) {
    Variant& v = variants[i];
    Run run = load(v.make, concurrency, o.seconds, v.name);
    v.runs.push_back(run.requests_per_s);
    v.transport_errors += run.transport_errors;
    v.latencies_ms.insert(v.latencies_ms.end(), run.latencies_ms.begin(), run.latencies_ms.end());
  });
  for (const auto& v : variants) print_variant(v, concurrency, o);
  print_ratio("cellflow/bare", variants[1], variants[0], concurrency, kTargetVsBare);
  print_ratio("cellflow_grpc/cellflow_rest", variants[2], variants[1], concurrency,
              kTargetGrpcVsRest);
}

// Starts HttpServer on a free loopback port and waits until the pipeline is ready.
std::unique_ptr<cellflow::server::HttpServer> start_cellflow(int threads) {
  cellflow::server::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.threads = threads;
  options.grpc_port = 0;
  auto server = std::make_unique<cellflow::server::HttpServer>(options);
  server->add(trivial_pipeline());
  server->start();
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (!server->ready()) {
    if (Clock::now() > deadline) throw std::runtime_error("cellflow server: not ready in 30 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return server;
}

Options parse(int argc, char** argv) {
  Options o;
  if (argc > 1) o.seconds = std::atof(argv[1]);
  if (argc > 2) o.reps = std::atoi(argv[2]);
  if (argc > 3) o.threads = std::atoi(argv[3]);
  if (o.seconds <= 0 || o.reps < 1 || o.threads < 0) {
    throw std::invalid_argument("usage: bench_http [seconds>0] [reps>0] [threads>=0]");
  }
  return o;
}

void print_machine(const char* when) {
  std::cout << json{{"bench", "http"}, {when, bench::machine()}}.dump() << std::endl;
}

void run_all(const Options& o) {
  print_machine("machine_before");
  const int threads = worker_threads(o.threads);
  BareServer bare(threads);
  auto cellflow = start_cellflow(threads);
  const int rest_port = cellflow->port(), grpc_port = cellflow->grpc_port();
  std::vector<Variant> variants = {
      {"bare_httplib", [&](Shared& s) { return http_client(bare.port(), s); }, {}, 0, {}},
      {"cellflow", [&](Shared& s) { return http_client(rest_port, s); }, {}, 0, {}},
      {"cellflow_grpc", [&](Shared&) { return grpc_client(grpc_port); }, {}, 0, {}}};
  for (int concurrency : o.concurrency) run_concurrency(concurrency, variants, o);
  cellflow->stop();
  print_published();
  print_machine("machine_after");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    run_all(parse(argc, argv));
  } catch (const std::exception& e) {
    std::cerr << "bench_http: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
