// bench_copies: how many times a 10 MB UINT8 image is copied between the socket and the cell,
// over REST (Triton's binary tensor extension) and over gRPC (raw_input_contents).
//
// Method. This process serves a pipeline whose one cell receives the image as a cv::Mat; a
// forked child process is the client (so its own buffers are not counted), sending R requests
// per transport, one at a time. Every C++ allocation of at least the payload's size in this
// process is counted (global operator new): a copy of the payload needs a buffer that big.
// The cell reads the counter when it runs, so "copies" is the number of payload-sized buffers
// made between the previous request's cell and this one's; it also checks whether the pixels it
// sees lie in the last such buffer (the request as received), i.e. reached it without a copy.
// gRPC core's own slice buffers are malloc'ed, not counted: they are the transport's.
//
// Usage: bench_copies [reps=5] [megabytes=10]
#include <grpcpp/grpcpp.h>
#include <httplib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <new>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <string>

#include "cellflow/cellflow.hpp"
#include "cellflow/server/http_server.hpp"
#include "grpc_predict_v2.grpc.pb.h"

namespace {

std::atomic<std::size_t> g_threshold{~std::size_t{0}};
std::atomic<std::size_t> g_big_allocations{0};
std::atomic<const char*> g_last_big{nullptr};
std::atomic<std::size_t> g_last_big_size{0};

void* counted_allocation(std::size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  if (size >= g_threshold.load(std::memory_order_relaxed)) {
    g_big_allocations.fetch_add(1);
    g_last_big = static_cast<const char*>(p);
    g_last_big_size = size;
  }
  return p;
}

}  // namespace

void* operator new(std::size_t size) { return counted_allocation(size); }
void* operator new[](std::size_t size) { return counted_allocation(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace {

// What the cell saw for each request.
struct Seen {
  std::size_t copies = 0;
  bool in_received_buffer = false;
};
std::vector<Seen> g_seen;
std::size_t g_count_at_answer = 0;

class Probe final : public cellflow::Cell {
 public:
  cellflow::Input<cv::Mat> image{*this, "image"};
  cellflow::Output<std::int64_t> bytes{*this, "bytes"};
  void process(cellflow::Context& ctx) override {
    const cv::Mat& m = ctx.get(image);
    const std::size_t now = g_big_allocations.load();
    const char* last = g_last_big.load();
    const auto* data = reinterpret_cast<const char*>(m.data);
    g_seen.push_back(
        {now - g_count_at_answer, data >= last && data < last + g_last_big_size.load()});
    g_count_at_answer = now;  // requests are sequential: the next one starts from here
    ctx.emit(bytes, static_cast<std::int64_t>(m.total() * m.elemSize()));
  }
};

int rest_client(int port, const std::string& pixels, int side, int reps) {
  httplib::Client client("127.0.0.1", port);
  const nlohmann::json header = {{"inputs",
                                  {{{"name", "image"},
                                    {"datatype", "UINT8"},
                                    {"shape", {side, side, 1}},
                                    {"parameters", {{"binary_data_size", pixels.size()}}}}}}};
  const std::string json = header.dump();
  const std::string body = json + pixels;
  httplib::Headers headers = {{"Inference-Header-Content-Length", std::to_string(json.size())}};
  for (int i = 0; i < reps; ++i) {
    const auto r =
        client.Post("/v2/models/copies/infer", headers, body, "application/octet-stream");
    if (!r || r->status != 200) return 1;
  }
  return 0;
}

int grpc_client(int port, const std::string& pixels, int side, int reps) {
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(-1);
  auto stub = inference::GRPCInferenceService::NewStub(grpc::CreateCustomChannel(
      "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials(), args));
  inference::ModelInferRequest request;
  request.set_model_name("copies");
  auto* input = request.add_inputs();
  input->set_name("image");
  input->set_datatype("UINT8");
  for (const int dim : {side, side, 1}) input->add_shape(dim);
  request.add_raw_input_contents(pixels);
  for (int i = 0; i < reps; ++i) {
    grpc::ClientContext context;
    inference::ModelInferResponse response;
    if (!stub->ModelInfer(&context, request, &response).ok()) return 1;
  }
  return 0;
}

void report(const char* transport, std::size_t first, std::size_t reps, std::size_t bytes) {
  std::size_t copies = 0;
  bool viewed = true;
  for (std::size_t i = first; i < first + reps && i < g_seen.size(); ++i) {
    copies += g_seen[i].copies;
    viewed = viewed && g_seen[i].in_received_buffer;
  }
  std::printf(
      "{\"bench\": \"copies\", \"transport\": \"%s\", \"payload_bytes\": %zu, \"requests\": %zu, "
      "\"payload_sized_buffers_per_request\": %.2f, \"cell_sees_the_received_buffer\": %s}\n",
      transport, bytes, reps, static_cast<double>(copies) / static_cast<double>(reps),
      viewed ? "true" : "false");
}

std::string payload(int side) { return std::string(static_cast<std::size_t>(side) * side, '\x7f'); }

// This program again, as the client: `bench_copies --client REST_PORT GRPC_PORT SIDE REPS`.
int run_client(char** argv) {
  const int side = std::atoi(argv[4]);
  const int reps = std::atoi(argv[5]);
  const std::string pixels = payload(side);
  return rest_client(std::atoi(argv[2]), pixels, side, reps) |
         grpc_client(std::atoi(argv[3]), pixels, side, reps);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 6 && std::string(argv[1]) == "--client") return run_client(argv);
  const int reps = argc > 1 ? std::atoi(argv[1]) : 5;
  const int megabytes = argc > 2 ? std::atoi(argv[2]) : 10;
  const int side = static_cast<int>(std::sqrt(megabytes * 1e6));
  const std::string pixels = payload(side);

  auto pipeline = std::make_unique<cellflow::Pipeline>("copies");
  auto& probe = pipeline->add<Probe>("probe");
  pipeline->expose(probe.image, "image");
  pipeline->expose(probe.bytes, "bytes");
  cellflow::server::HttpServer server(
      {.port = 0, .max_body_bytes = std::size_t{1} << 30, .grpc_port = 0});
  server.add(std::move(pipeline));
  const int port = server.start();
  while (!server.ready()) std::this_thread::sleep_for(std::chrono::milliseconds(5));

  // The client is another process (its allocations are not this one's): this program, exec'ed.
  std::fflush(stdout);
  const pid_t child = fork();
  if (child == 0) {
    const std::string ports[] = {std::to_string(port), std::to_string(server.grpc_port()),
                                 std::to_string(side), std::to_string(reps)};
    execl("/proc/self/exe", argv[0], "--client", ports[0].c_str(), ports[1].c_str(),
          ports[2].c_str(), ports[3].c_str(), static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  g_threshold = pixels.size();
  int status = 0;
  waitpid(child, &status, 0);
  g_threshold = ~std::size_t{0};
  server.stop();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "bench_copies: the client failed\n");
    return 1;
  }
  report("rest_binary_extension", 0, reps, pixels.size());
  report("grpc_raw_input_contents", reps, reps, pixels.size());
  return 0;
}
