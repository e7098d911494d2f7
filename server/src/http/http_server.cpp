// HttpServer: lifecycle (bind, background pipeline start, graceful stop) around an httplib
// server whose routes answer from an InferenceService.
#include "cellflow/server/http_server.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <limits>
#include <mutex>
#include <thread>

#include "cellflow/error.hpp"
#include "grpc/kserve_grpc_service.hpp"
#include "http_routes.hpp"
#include "inference_service.hpp"

namespace cellflow::server {
namespace {

enum class State { kCreated, kRunning, kStopping, kStopped };

// httplib 0.11.4 listens with a backlog of 5: a burst of new connections overflows the accept
// queue and clients see resets. Linux lets listen() be called again to enlarge it.
class Listener final : public httplib::Server {
 public:
  void enlarge_backlog() { ::listen(svr_sock_, SOMAXCONN); }
};

std::size_t worker_threads(int requested) {
  if (requested > 0) return static_cast<std::size_t>(requested);
  return std::max<std::size_t>(8, 4 * std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace

struct HttpServer::Impl {
  Impl(ServerOptions server_options, CodecRegistry codecs)
      : options(std::move(server_options)), service(std::move(codecs), options.api_key) {
    if (options.trace_path.empty()) return;
    try {
      service.traces().start(options.trace_path);
    } catch (const HttpError& e) {
      throw Error(e.what());  // the path cannot be written
    }
  }

  void configure();
  int bind();
  void await_listening();
  void start_grpc();
  void stop_grpc();

  ServerOptions options;
  InferenceService service;
  Listener http;
  std::thread listener;
  std::atomic<bool> listener_exited{false};
  std::thread starter;  // starts the pipelines, so start() returns while cells open
  mutable std::mutex mutex;
  std::condition_variable stopped;
  State state = State::kCreated;
  int port = 0;
  KServeGrpcService grpc_service{service};
  std::unique_ptr<grpc::Server> grpc_server;
  int grpc_port = -1;
};

// gRPC on its own port, beside the REST listener; requests bigger than the body limit are
// refused by gRPC itself (RESOURCE_EXHAUSTED).
void HttpServer::Impl::start_grpc() {
  if (options.grpc_port < 0) return;
  grpc::ServerBuilder builder;
  int selected = 0;
  builder.AddListeningPort(options.host + ":" + std::to_string(options.grpc_port),
                           grpc::InsecureServerCredentials(), &selected);
  builder.RegisterService(&grpc_service);
  // Two completion queues with 2..4 pollers: measured with bench_http (1 s x 3) against gRPC's
  // defaults, 16 clients 11.2k -> 16.7k req/s, 64 clients 16.3k -> 17.2k; 8 pollers was slower.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::NUM_CQS, 2);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 2);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 4);
  builder.SetMaxReceiveMessageSize(static_cast<int>(
      std::min<std::size_t>(options.max_body_bytes, std::numeric_limits<int>::max())));
  builder.SetMaxSendMessageSize(std::numeric_limits<int>::max());
  grpc_server = builder.BuildAndStart();
  if (!grpc_server || selected == 0)
    throw Error("cannot listen for gRPC on " + options.host + ":" +
                std::to_string(options.grpc_port));
  grpc_port = selected;
}

// In-flight calls have completed (the drain); calls still arriving are cancelled.
void HttpServer::Impl::stop_grpc() {
  if (!grpc_server) return;
  grpc_server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc_server->Wait();
}

void HttpServer::Impl::configure() {
  http.set_payload_max_length(options.max_body_bytes);
  http.set_read_timeout(options.read_timeout);
  http.set_write_timeout(options.write_timeout);
  // httplib sends headers and body in two writes: without this the body waits for the
  // client's delayed ACK (about 40 ms per response on Linux).
  http.set_tcp_nodelay(true);
  // Keep-alive stays at httplib's 5 requests per connection: with one worker thread per
  // connection, longer-lived connections let a few clients monopolize the workers when there
  // are more clients than threads (measured: concurrency 64 on 8 threads stalls).
  const std::size_t threads = worker_threads(options.threads);
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  install_routes(http, service, options.max_body_bytes);
}

int HttpServer::Impl::bind() {
  const int bound = options.port == 0 ? http.bind_to_any_port(options.host)
                    : http.bind_to_port(options.host, options.port) ? options.port
                                                                    : -1;
  if (bound < 0) {
    throw Error("cannot listen on " + options.host + ":" + std::to_string(options.port) + ": " +
                std::strerror(errno));
  }
  http.enlarge_backlog();
  return bound;
}

// listen_after_bind() runs on the listener thread; is_running() turns true once it accepts.
// Throws Error when the listener gave up instead.
void HttpServer::Impl::await_listening() {
  while (!http.is_running()) {
    if (listener_exited) {
      listener.join();
      throw Error("HTTP listener on " + options.host + ":" + std::to_string(port) +
                  " failed to start");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

HttpServer::HttpServer(ServerOptions options, CodecRegistry codecs)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(codecs))) {}

HttpServer::~HttpServer() { stop(); }

std::string HttpServer::update(std::unique_ptr<Pipeline> pipeline, ModelOptions options) {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->state == State::kCreated) {
      const std::string name = pipeline ? pipeline->name() : "";
      impl_->service.add(std::move(pipeline), options);
      return "model '" + name + "': added";
    }
  }
  return impl_->service.update(std::move(pipeline), options);
}

void HttpServer::add(std::unique_ptr<Pipeline> pipeline, ModelOptions options) {
  std::lock_guard lock(impl_->mutex);
  if (impl_->state != State::kCreated) throw Error("HttpServer::add: the server was started");
  impl_->service.add(std::move(pipeline), options);
}

int HttpServer::start() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->state != State::kCreated) throw Error("HttpServer::start: already started");
  impl_->configure();
  impl_->port = impl_->bind();
  impl_->listener = std::thread([impl = impl_.get()] {
    if (!impl->http.listen_after_bind()) spdlog::error("HTTP listener stopped with an error");
    impl->listener_exited = true;
  });
  impl_->await_listening();
  try {
    impl_->start_grpc();
  } catch (...) {
    impl_->http.stop();
    impl_->listener.join();
    throw;
  }
  impl_->service.set_live(true);
  impl_->state = State::kRunning;
  impl_->starter = std::thread([impl = impl_.get()] { impl->service.start_models(); });
  spdlog::info("serving {} model(s) on http://{}:{}", impl_->service.model_count(),
               impl_->options.host, impl_->port);
  if (impl_->grpc_port > 0)
    spdlog::info("KServe v2 gRPC on {}:{}", impl_->options.host, impl_->grpc_port);
  return impl_->port;
}

int HttpServer::port() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->port;
}

int HttpServer::grpc_port() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->grpc_port;
}

bool HttpServer::live() const { return impl_->service.live(); }

bool HttpServer::ready() const { return impl_->service.ready(); }

std::size_t HttpServer::model_count() const { return impl_->service.model_count(); }

bool HttpServer::models_opened() const { return impl_->service.started(); }

std::map<std::string, std::string> HttpServer::failed_models() const {
  return impl_->service.failed_models();
}

void HttpServer::stop() {
  {
    std::unique_lock lock(impl_->mutex);
    if (impl_->state == State::kCreated) impl_->state = State::kStopped;
    if (impl_->state != State::kRunning) {
      impl_->stopped.notify_all();
      impl_->stopped.wait(lock, [this] { return impl_->state == State::kStopped; });
      return;
    }
    impl_->state = State::kStopping;
  }
  spdlog::info("stopping: refusing new requests, completing those in flight");
  impl_->service.refuse_requests();
  impl_->starter.join();  // a pipeline still opening finishes opening before it is stopped
  impl_->service.wait_idle();
  impl_->service.stop_models();
  impl_->stop_grpc();
  impl_->service.set_live(false);
  impl_->http.stop();
  impl_->listener.join();
  std::lock_guard lock(impl_->mutex);
  impl_->state = State::kStopped;
  impl_->stopped.notify_all();
  spdlog::info("stopped");
}

void HttpServer::wait() {
  std::unique_lock lock(impl_->mutex);
  impl_->stopped.wait(lock, [this] { return impl_->state == State::kStopped; });
}

}  // namespace cellflow::server
