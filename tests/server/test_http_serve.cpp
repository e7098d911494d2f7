// `cellflow serve` as a real process: prints its URL, answers over HTTP, and stops gracefully on
// SIGTERM / SIGINT with exit code 0.
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "grpc_predict_v2.grpc.pb.h"
#include "http_test_support.hpp"

extern char** environ;

namespace cellflow::server::testing {
namespace {

namespace fs = std::filesystem;

const std::string kCli = CELLFLOW_CLI_PATH;
const fs::path kEchoService = fs::path(CELLFLOW_EXAMPLE_CONFIGS) / "echo_service.json";

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A `cellflow` process with stdout and stderr in files of a fresh temp dir.
class ServeProcess {
 public:
  explicit ServeProcess(std::vector<std::string> args) {
    dir_ = fs::temp_directory_path() /
           ("cellflow_serve_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    fs::create_directories(dir_);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, (dir_ / "out").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, (dir_ / "err").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    args.insert(args.begin(), kCli);
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    spawned_ = ::posix_spawn(&pid_, kCli.c_str(), &actions, nullptr, argv.data(), environ) == 0;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~ServeProcess() {
    if (spawned_ && !exited_) {
      ::kill(pid_, SIGKILL);
      wait_exit();
    }
    fs::remove_all(dir_);
  }

  bool spawned() const { return spawned_; }
  std::string out() const { return read_text(dir_ / "out"); }
  std::string err() const { return read_text(dir_ / "err"); }
  void signal(int number) const { ::kill(pid_, number); }

  // The port from "listening on http://127.0.0.1:PORT", 0 when the line never came.
  int wait_port() const {
    const std::string prefix = "listening on http://127.0.0.1:";
    int port = 0;
    eventually([&] {
      const std::string text = out();
      const auto at = text.find(prefix);
      if (at == std::string::npos || text.find('\n', at) == std::string::npos) return false;
      port = std::stoi(text.substr(at + prefix.size()));
      return true;
    });
    return port;
  }

  // Exit code, or 128 + signal number when killed.
  int wait_exit() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0) {
      if (errno != EINTR) return -1;
    }
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  static inline int counter_ = 0;
  fs::path dir_;
  pid_t pid_ = 0;
  bool spawned_ = false;
  bool exited_ = false;
};

void expect_echo(int port, const std::string& id, int value) {
  auto result = client(port)->Post("/v2/models/echo/infer", infer_body(id, json::array({value})),
                                   "application/json");
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 200) << result->body;
  EXPECT_EQ(body_json(result)["outputs"][0]["data"], json::array({value}));
}

TEST(CliServe, ServesConfigAndStopsOnSigtermWithExitCode0) {
  ServeProcess serve({"serve", "--config", kEchoService.string(), "--port", "0"});
  ASSERT_TRUE(serve.spawned());
  const int port = serve.wait_port();
  ASSERT_GT(port, 0) << serve.err();
  auto http = client(port);
  ASSERT_TRUE(eventually([&] {
    auto ready = http->Get("/v2/health/ready");
    return ready && ready->status == 200;
  }));
  expect_echo(port, "one", 41);
  serve.signal(SIGTERM);
  EXPECT_EQ(serve.wait_exit(), 0) << serve.err();
}

TEST(CliServe, TwoConfigsApiKeyAndClonesThenSigint) {
  const fs::path dir =
      fs::temp_directory_path() / ("cellflow_serve_cfg_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "other.json") << delay_config("other", 0).dump();
  ServeProcess serve({"serve", "-c", kEchoService.string(), "-c", (dir / "other.json").string(),
                      "--port", "0", "--api-key", "k3y", "--clones", "delay=2", "--log-level",
                      "debug"});
  ASSERT_TRUE(serve.spawned());
  const int port = serve.wait_port();
  ASSERT_GT(port, 0) << serve.err();
  auto http = client(port);
  ASSERT_TRUE(eventually([&] { return http->Get("/v2/health/ready")->status == 200; }));
  EXPECT_EQ(http->Get("/v2/models/other")->status, 401);
  http->set_bearer_token_auth("k3y");
  EXPECT_EQ(http->Get("/v2/models/other")->status, 200);
  EXPECT_EQ(http->Get("/v2/models/echo")->status, 200);
  serve.signal(SIGINT);
  EXPECT_EQ(serve.wait_exit(), 0) << serve.err();
  EXPECT_NE(serve.err().find("GET /v2/models/echo 200"), std::string::npos) << serve.err();
  fs::remove_all(dir);
}

const fs::path kFacesService = fs::path(CELLFLOW_EXAMPLE_CONFIGS) / "faces.json";
const std::string kMissingModel = "--set=detect.model=/nonexistent/blazeface.onnx";

TEST(CliServe, ExitsNonZeroSayingWhyWhenNoModelCanStart) {
  ServeProcess serve({"serve", "-c", kFacesService.string(), kMissingModel, "--port", "0"});
  ASSERT_TRUE(serve.spawned());
  EXPECT_EQ(serve.wait_exit(), 2) << serve.err();
  const std::string err = serve.err();
  for (const char* part : {"error: model 'faces' failed to start", "/nonexistent/blazeface.onnx",
                           "scripts/fetch-models.sh"})
    EXPECT_NE(err.find(part), std::string::npos) << part << " in " << err;
}

TEST(CliServe, AFailedModelBesideAServingOneSaysWhy) {
  ServeProcess serve({"serve", "-c", kEchoService.string(), "-c", kFacesService.string(),
                      kMissingModel, "--port", "0"});
  ASSERT_TRUE(serve.spawned());
  const int port = serve.wait_port();
  ASSERT_GT(port, 0) << serve.err();
  auto http = client(port);
  ASSERT_TRUE(eventually([&] {
    return serve.err().find("serving 1 of 2 models") != std::string::npos;
  })) << serve.err();
  const auto ready = http->Get("/v2/models/faces/ready");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503);
  const json body = body_json(ready);
  EXPECT_EQ(body["ready"], false);
  const std::string reason = body.value("error", "");
  EXPECT_EQ(reason.rfind("model 'faces' failed to start: ", 0), 0u) << reason;
  EXPECT_NE(reason.find("/nonexistent/blazeface.onnx"), std::string::npos) << reason;
  EXPECT_NE(reason.find("scripts/fetch-models.sh"), std::string::npos) << reason;
  const auto infer = http->Post("/v2/models/faces/infer", "{}", "application/json");
  EXPECT_EQ(infer->status, 503);
  EXPECT_EQ(error_of(infer), reason);
  EXPECT_EQ(http->Get("/v2/models/echo/ready")->status, 200);
  expect_echo(port, "still-serving", 5);
  serve.signal(SIGTERM);
  EXPECT_EQ(serve.wait_exit(), 0) << serve.err();
  EXPECT_NE(serve.err().find("failed: faces"), std::string::npos) << serve.err();
}

TEST(CliServe, OptionsForParamsPendingTimeoutAndBodyLimit) {
  ServeProcess serve({"serve", "-c", kEchoService.string(), "--port", "0", "--set",
                      "delay.sleep_ms=1500", "--max-pending", "1", "--timeout-ms", "400",
                      "--max-body-mb", "1"});
  ASSERT_TRUE(serve.spawned());
  const int port = serve.wait_port();
  ASSERT_GT(port, 0) << serve.err();
  ASSERT_TRUE(eventually([&] { return client(port)->Get("/v2/health/ready")->status == 200; }));
  // Two requests at once: one is admitted and times out (the cell sleeps 1500 ms, the limit is
  // 400 ms), the other finds the one pending slot taken.
  auto send = [port](const std::string& id) {
    return std::async(std::launch::async, [port, id] {
      const auto result = client(port)->Post("/v2/models/echo/infer",
                                             infer_body(id, json::array({1})), "application/json");
      return result ? std::make_pair(result->status, error_of(result)) : std::make_pair(0, id);
    });
  };
  auto a = send("a"), b = send("b");
  auto answers = std::vector{a.get(), b.get()};
  std::sort(answers.begin(), answers.end());
  EXPECT_EQ(answers[0].first, 429) << answers[0].second;
  EXPECT_EQ(answers[0].second, "model 'echo' has 1 requests pending; try again later");
  EXPECT_EQ(answers[1].first, 504) << answers[1].second;
  EXPECT_EQ(answers[1].second, "model 'echo' did not answer within 400 ms");
  const std::string big(1u << 20 | 1, ' ');
  const auto too_big = client(port)->Post("/v2/models/echo/infer", big, "application/json");
  ASSERT_TRUE(too_big);
  EXPECT_EQ(too_big->status, 413);
  EXPECT_EQ(error_of(too_big), "request body exceeds the limit of 1048576 bytes");
  serve.signal(SIGTERM);
  EXPECT_EQ(serve.wait_exit(), 0) << serve.err();
}

TEST(CliServe, ServesKServeGrpcBesideRest) {
  ServeProcess serve({"serve", "-c", kEchoService.string(), "--port", "0"});
  ASSERT_TRUE(serve.spawned());
  ASSERT_GT(serve.wait_port(), 0) << serve.err();
  const std::string prefix = "listening on grpc://127.0.0.1:";
  int grpc_port = 0;
  ASSERT_TRUE(eventually([&] {
    const std::string out = serve.out();
    const auto at = out.find(prefix);
    if (at == std::string::npos || out.find('\n', at) == std::string::npos) return false;
    grpc_port = std::stoi(out.substr(at + prefix.size()));
    return true;
  })) << serve.out();
  auto stub = inference::GRPCInferenceService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(grpc_port), grpc::InsecureChannelCredentials()));
  inference::ModelInferRequest request;
  request.set_model_name("echo");
  auto* input = request.add_inputs();
  input->set_name("x");
  input->set_datatype("INT64");
  input->add_shape(1);
  input->mutable_contents()->add_int64_contents(42);
  inference::ModelInferResponse response;
  grpc::Status status;
  ASSERT_TRUE(eventually([&] {
    grpc::ClientContext context;
    status = stub->ModelInfer(&context, request, &response);
    return status.error_code() != grpc::StatusCode::UNAVAILABLE;
  }));
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.raw_output_contents_size(), 1);
  std::int64_t value = 0;
  std::memcpy(&value, response.raw_output_contents(0).data(), sizeof value);
  EXPECT_EQ(value, 42);
  serve.signal(SIGTERM);
  EXPECT_EQ(serve.wait_exit(), 0) << serve.err();
  ServeProcess without({"serve", "-c", kEchoService.string(), "--port", "0", "--grpc-port", "-1"});
  ASSERT_GT(without.wait_port(), 0) << without.err();
  EXPECT_EQ(without.out().find("grpc://"), std::string::npos) << without.out();
  without.signal(SIGTERM);
  EXPECT_EQ(without.wait_exit(), 0);
}

TEST(CliServe, StreamPipelineIsAUsageError) {
  ServeProcess serve({"serve", "--config",
                      (fs::path(CELLFLOW_EXAMPLE_CONFIGS) / "counter_repeat.json").string(),
                      "--port", "0"});
  ASSERT_TRUE(serve.spawned());
  EXPECT_EQ(serve.wait_exit(), 2);
  EXPECT_EQ(serve.err(),
            "error: pipeline 'counter_repeat' exposes no inputs: a stream pipeline cannot serve "
            "requests\n");
}

// SIGHUP reads the configs again: a changed clone count and live param apply in place; a changed
// fixed param starts a new pipeline, and no request fails during the switch.
TEST(CliServe, SighupReloadsTheConfigsWithoutFailingARequest) {
  const fs::path dir =
      fs::temp_directory_path() / ("cellflow_serve_hup_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path config = dir / "echo.json";
  std::ofstream(config) << delay_config("echo", 1, 2).dump();
  ServeProcess serve(
      {"serve", "-c", config.string(), "--port", "0", "--grpc-port", "-1", "--log-level", "info"});
  ASSERT_TRUE(serve.spawned());
  const int port = serve.wait_port();
  ASSERT_GT(port, 0) << serve.err();
  auto http = client(port);
  ASSERT_TRUE(eventually([&] { return http->Get("/v2/health/ready")->status == 200; }));
  const auto delay = [&] { return body_json(http->Get("/v2/models/echo/pipeline"))["cells"][0]; };

  std::ofstream(config) << delay_config("echo", 4, 3).dump();  // clones 2 -> 3, sleep_ms 1 -> 4
  serve.signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return delay()["clones"] == 3; })) << serve.err();
  EXPECT_EQ(delay()["params"]["sleep_ms"], 4.0);

  // Requests from 3 threads while the next config (jitter_ms is fixed) replaces the pipeline.
  std::atomic<bool> loading{true};
  std::atomic<int> answered{0}, failed{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 3; ++t)
    clients.emplace_back([&, t] {
      auto mine = client(port);
      for (int i = 0; loading; ++i) {
        const auto result = mine->Post("/v2/models/echo/infer", infer_body("", json::array({i})),
                                       "application/json");
        (result && result->status == 200 ? answered : failed)++;
      }
    });
  ASSERT_TRUE(eventually([&] { return answered > 20; }));
  std::ofstream(config) << delay_config("echo", 4, 3, 64, 1).dump();
  serve.signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return delay()["params"]["jitter_ms"] == 1.0; })) << serve.err();
  const int at_switch = answered;
  ASSERT_TRUE(eventually([&] { return answered > at_switch + 20; }));
  loading = false;
  for (auto& c : clients) c.join();
  EXPECT_EQ(failed, 0) << "no request failed during the switch";
  EXPECT_NE(serve.err().find("replaced by the new config"), std::string::npos) << serve.err();
  EXPECT_NE(serve.err().find("changed in place: delay clones 2 -> 3"), std::string::npos);

  std::ofstream(config) << "{ not json";
  serve.signal(SIGHUP);
  ASSERT_TRUE(eventually([&] {
    return serve.err().find("the configs do not load, nothing changed") != std::string::npos;
  }));
  expect_echo(port, "still", 7);
  serve.signal(SIGTERM);
  EXPECT_EQ(serve.wait_exit(), 0) << serve.err();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cellflow::server::testing
