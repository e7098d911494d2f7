// bench_remote: remote clones on Redis Streams, each figure against its reference in the same run.
//  1. Scaling: a 10 ms cell (Delay) on N worker processes (`cellflow worker --clones 1`,
//     N = 1, 2, 4, 8) vs one local clone: throughput / (N x local). Target (issue 11): >= 0.9.
//  2. The Redis hop: per-item latency (p50, p99) of a 0 ms cell on one remote clone minus the
//     same cell local, for 100 B and 100 KB JSON strings, against a bare hiredis round trip of the
//     same payload through two streams (client XADD -> echo thread XREADGROUP + XADD -> client
//     XREAD), which is the hop's floor.
//  3. The faces service (examples/configs/faces_remote.json: decode + detect as one nested
//     pipeline, then to JSON) with 'detect' on 2 worker processes (one clone each) vs 2 local
//     clones, in request mode with 8 in flight: throughput ratio. Skipped without the model.
//  4. Batches on remote clones: a cell whose batch of n costs 10 ms + 1 ms x n (Delay) on 2
//     workers (one clone each, batched there too), 32 in flight, batched (max_size 8: each
//     remote clone's batch travels as one entry) vs unbatched (11 ms per item): throughput ratio.
// It starts its own redis-server on a free port and its own workers, and stops them.
//
// Usage: bench_remote [items_per_worker=100] [latency_items=300] [face_images=300]
//                     [batch_items=400]
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <future>
#include <iostream>
#include <thread>

#include "../cells/redis/src/redis_client.hpp"  // internal: a bare hiredis connection
#include "../tests/redis/redis_server.hpp"      // a redis-server on a free port
#include "bench_support.hpp"
#include "cellflow/cells.hpp"
#include "cellflow/redis/redis.hpp"
#include "cellflow/vision/models.hpp"
#include "cellflow/vision/vision.hpp"

namespace {

using bench::Clock;
using cellflow::redis::RedisClient;
using nlohmann::json;

json delay_cell(double sleep_ms, const std::string& url, int remote) {
  json cell = {{"name", "work"}, {"type", "Delay"}, {"params", {{"sleep_ms", sleep_ms}}}};
  if (remote > 0) cell["remote"] = {{"redis", url}, {"queue", "bench"}, {"clones", remote}};
  return cell;
}

json stream_config(double sleep_ms, const std::string& url, int remote, int items) {
  json cells = json::array();
  cells.push_back({{"name", "numbers"}, {"type", "Counter"}, {"params", {{"count", items}}}});
  cells.push_back(delay_cell(sleep_ms, url, remote));
  return {{"name", "scaling"},
          {"cells", cells},
          {"connections", json::array({json::array({"numbers.out", "work.in"})})},
          {"outputs", {{"y", "work.out"}}},
          {"max_in_flight", 2 * std::max(remote, 1)}};
}

cellflow::Registry registry() {
  cellflow::CodecRegistry codecs = cellflow::CodecRegistry::defaults();
  cellflow::vision::add_codecs(codecs);
  cellflow::Registry r = cellflow::cells::builtin_registry();
  cellflow::vision::register_vision(r);
  cellflow::redis::register_redis(r, codecs);
  return r;
}

struct Workers {
  std::vector<pid_t> pids;
  Workers(int n, const std::string& config_path, const std::string& cell = "work") {
    for (int i = 0; i < n; ++i) {
      std::vector<std::string> args = {CELLFLOW_CLI_PATH, "worker", "--config", config_path,
                                       "--cell",          cell,     "--clones", "1"};
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      posix_spawn_file_actions_t quiet;  // the workers' lines stay out of the JSON output
      posix_spawn_file_actions_init(&quiet);
      posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
      pid_t pid = 0;
      posix_spawn(&pid, argv[0], &quiet, nullptr, argv.data(), environ);
      posix_spawn_file_actions_destroy(&quiet);
      pids.push_back(pid);
    }
  }
  ~Workers() {
    for (pid_t pid : pids) kill(pid, SIGTERM);
    for (pid_t pid : pids) waitpid(pid, nullptr, 0);
  }
};

void await_workers(const std::string& url, std::size_t n) {
  RedisClient client(url);
  while (RedisClient::view(client.command({"KEYS", "cellflow:worker:bench:*"})).size() < n)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

double items_per_second(const json& config, int items) {
  const auto reg = registry();
  auto pipeline = cellflow::load_pipeline(config, reg);
  const auto start = Clock::now();
  pipeline->run();
  return items / bench::seconds_since(start);
}

void scaling(cellflow::testing::RedisServer& redis, int per_worker) {
  const double local =
      items_per_second(stream_config(10, redis.url(), 0, 4 * per_worker), 4 * per_worker);
  for (const int n : {1, 2, 4, 8}) {
    redis.kill(SIGKILL);  // a fresh server: no keys of the previous workers
    redis.start();
    const json config = stream_config(10, redis.url(), n, per_worker * n);
    const std::string path = "/tmp/cellflow-bench-remote.json";
    std::ofstream(path) << config.dump();
    Workers workers(n, path);
    await_workers(redis.url(), n);
    const double remote = items_per_second(config, per_worker * n);
    std::cout << json{{"bench", "remote_scaling"},
                      {"workers", n},
                      {"local_1_clone_items_per_s", std::round(local * 10) / 10},
                      {"remote_items_per_s", std::round(remote * 10) / 10},
                      {"ratio_vs_n_x_local", std::round(remote / (n * local) * 1000) / 1000},
                      {"target", 0.9}}
                     .dump()
              << std::endl;
  }
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

// Per-item latency (ms) of request-mode submissions, one at a time.
std::vector<double> pipeline_latencies(const json& config, const std::string& payload, int n) {
  const auto reg = registry();
  auto pipeline = cellflow::load_pipeline(config, reg);
  pipeline->start();
  std::vector<double> ms;
  for (int i = 0; i < n; ++i) {
    std::promise<cellflow::Result> done;
    const auto start = Clock::now();
    pipeline->submit({{"x", cellflow::Value(json(payload))}},
                     [&](cellflow::Result&& r) { done.set_value(std::move(r)); });
    done.get_future().get();
    ms.push_back(bench::seconds_since(start) * 1e3);
  }
  pipeline->stop();
  return ms;
}

// The hop's floor: payload through stream a to an echo thread and back through stream b.
std::vector<double> bare_round_trips(const std::string& url, const std::string& payload, int n) {
  RedisClient client(url), echo(url);
  const std::string a = "bare:a:" + std::to_string(payload.size());
  const std::string b = "bare:b:" + std::to_string(payload.size());
  client.command({"XGROUP", "CREATE", a, "g", "$", "MKSTREAM"});
  std::atomic<bool> stop{false};
  std::thread echoer([&] {
    while (!stop) {
      const auto r = echo.command(
          {"XREADGROUP", "GROUP", "g", "e", "COUNT", "1", "BLOCK", "100", "STREAMS", a, ">"});
      const auto v = RedisClient::view(r);
      if (v.is_nil()) continue;
      const auto entry = v[0][1][0];
      echo.command({"XADD", b, "*", "data", entry[1][1].str()});
      echo.command({"XACK", a, "g", entry[0].str()});
    }
  });
  std::vector<double> ms;
  std::string last = "0";  // stream b is new: its first entry is the first reply
  for (int i = 0; i < n; ++i) {
    const auto start = Clock::now();
    client.command({"XADD", a, "*", "data", payload});
    const auto r = client.command({"XREAD", "BLOCK", "5000", "STREAMS", b, last});
    last = std::string(RedisClient::view(r)[0][1][0][0].str());
    ms.push_back(bench::seconds_since(start) * 1e3);
  }
  stop = true;
  echoer.join();
  return ms;
}

void hop_latency(cellflow::testing::RedisServer& redis, int n) {
  redis.kill(SIGKILL);
  redis.start();
  auto served = [&](int remote) {
    return json{{"name", "hop"},
                {"cells", json::array({delay_cell(0, redis.url(), remote)})},
                {"inputs", {{"x", "work.in"}}},
                {"outputs", {{"y", "work.out"}}},
                {"max_in_flight", 1}};
  };
  const std::string path = "/tmp/cellflow-bench-remote.json";
  std::ofstream(path) << served(1).dump();
  Workers workers(1, path);
  await_workers(redis.url(), 1);
  for (const std::size_t bytes : {std::size_t{100}, std::size_t{100'000}}) {
    const std::string payload(bytes, 'x');
    const auto local = pipeline_latencies(served(0), payload, n);
    const auto remote = pipeline_latencies(served(1), payload, n);
    const auto bare = bare_round_trips(redis.url(), payload, n);
    const double added50 = percentile(remote, 0.5) - percentile(local, 0.5);
    const double added99 = percentile(remote, 0.99) - percentile(local, 0.99);
    std::cout
        << json{{"bench", "remote_hop"},
                {"payload_bytes", bytes},
                {"hop_added_p50_ms", std::round(added50 * 1000) / 1000},
                {"hop_added_p99_ms", std::round(added99 * 1000) / 1000},
                {"bare_hiredis_round_trip_p50_ms", std::round(percentile(bare, 0.5) * 1000) / 1000},
                {"bare_hiredis_round_trip_p99_ms",
                 std::round(percentile(bare, 0.99) * 1000) / 1000},
                {"ratio_p50_vs_bare", std::round(added50 / percentile(bare, 0.5) * 100) / 100}}
               .dump()
        << std::endl;
  }
}

// examples/configs/faces_remote.json with 'detect' on 2 local clones or only on 2 remote ones.
json faces_config(const std::string& url, bool remote) {
  std::ifstream file(std::string(CELLFLOW_SOURCE_DIR) + "/examples/configs/faces_remote.json");
  json config = json::parse(file);
  json& detect = config["cells"][0];
  if (remote) {
    detect["remote"] = {{"redis", url}, {"queue", "bench"}, {"clones", 2}};
    detect.erase("clones");
  } else {
    detect.erase("remote");
    detect["clones"] = 2;
  }
  config["max_in_flight"] = 8;
  return config;
}

// Images per second through the service's pipeline, request mode, 8 in flight (after a warmup).
double faces_per_second(const json& config, const std::vector<std::string>& images, int n) {
  const auto reg = registry();
  auto pipeline = cellflow::load_pipeline(config, reg);
  pipeline->start();
  std::atomic<int> failed{0};
  auto send = [&](int count) {
    std::atomic<int> left{count};
    std::promise<void> all;
    for (int i = 0; i < count; ++i)
      pipeline->submit({{"image", cellflow::Value(images[i % images.size()])}},
                       [&](cellflow::Result&& r) {
                         if (!r.ok()) ++failed;
                         if (--left == 0) all.set_value();
                       });
    all.get_future().get();
  };
  send(8);
  const auto start = Clock::now();
  send(n);
  const double rate = n / bench::seconds_since(start);
  pipeline->stop();
  if (failed > 0) throw std::runtime_error("faces: " + std::to_string(failed) + " items failed");
  return rate;
}

void faces(cellflow::testing::RedisServer& redis, int n) {
  try {
    cellflow::vision::model_path("blazeface/face_detection_back_256x256_barracuda.onnx");
  } catch (const std::exception& e) {
    std::cout << json{{"bench", "remote_faces"}, {"skipped", e.what()}}.dump() << std::endl;
    return;
  }
  std::vector<std::string> images;
  for (const char* name : {"messi5.jpg", "baboon.jpg", "fruits.jpg", "home.jpg"}) {
    std::ifstream in(std::string("/usr/share/doc/opencv-doc/examples/data/") + name,
                     std::ios::binary);
    images.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  redis.kill(SIGKILL);
  redis.start();
  const double local = faces_per_second(faces_config(redis.url(), false), images, n);
  const std::string path = "/tmp/cellflow-bench-faces-remote.json";
  std::ofstream(path) << faces_config(redis.url(), true).dump();
  Workers workers(2, path, "detect");
  await_workers(redis.url(), 2);
  const double remote = faces_per_second(faces_config(redis.url(), true), images, n);
  std::cout << json{{"bench", "remote_faces"},
                    {"images", n},
                    {"local_2_clones_images_per_s", std::round(local * 10) / 10},
                    {"remote_2_workers_images_per_s", std::round(remote * 10) / 10},
                    {"ratio_remote_vs_local", std::round(remote / local * 1000) / 1000}}
                   .dump()
            << std::endl;
}

// Items/s of `items` through the cost model on 2 workers, batched (max_size 8) or not.
double remote_batching(cellflow::testing::RedisServer& redis, int items, bool batched) {
  redis.kill(SIGKILL);  // a fresh server: no keys of the previous workers
  redis.start();
  json config = stream_config(11, redis.url(), 2, items);
  config["max_in_flight"] = 32;
  if (batched) {
    config["cells"][1]["params"] = {{"sleep_ms", 10}, {"per_item_ms", 1}};
    config["cells"][1]["batch"] = {{"max_size", 8}, {"max_delay_ms", 2}};
  }
  const std::string path = "/tmp/cellflow-bench-remote.json";
  std::ofstream(path) << config.dump();
  Workers workers(2, path);
  await_workers(redis.url(), 2);
  return items_per_second(config, items);
}

void batching(cellflow::testing::RedisServer& redis, int items) {
  const double unbatched = remote_batching(redis, items, false);
  const double batched = remote_batching(redis, items, true);
  std::cout << json{{"bench", "remote_batching"},
                    {"unbatched_items_per_s", std::round(unbatched * 10) / 10},
                    {"batched_items_per_s", std::round(batched * 10) / 10},
                    {"ratio_batched_vs_unbatched", std::round(batched / unbatched * 100) / 100}}
                   .dump()
            << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
  const int per_worker = argc > 1 ? std::atoi(argv[1]) : 100;
  const int latency_items = argc > 2 ? std::atoi(argv[2]) : 300;
  const int face_images = argc > 3 ? std::atoi(argv[3]) : 300;
  const int batch_items = argc > 4 ? std::atoi(argv[4]) : 400;
  std::cout << json{{"bench", "remote"}, {"machine_before", bench::machine()}}.dump() << std::endl;
  cellflow::testing::RedisServer redis;
  scaling(redis, per_worker);
  hop_latency(redis, latency_items);
  faces(redis, face_images);
  batching(redis, batch_items);
  return 0;
}
