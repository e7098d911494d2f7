// point_codec: a codec for your own C++ type. `Point` travels as FP64 [2] over KServe v2, in
// both directions, with nothing else to write: the model's metadata, request decoding, response
// encoding and `cellflow run`-style printing all come from one registry entry. The example
// serves a pipeline that mirrors a point, sends it one point in JSON and one batch of three,
// and prints the results; it exits 1 if any answer is wrong.
#include <httplib.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "cellflow/cellflow.hpp"
#include "cellflow/codecs/codec.hpp"
#include "cellflow/server/http_server.hpp"

struct Point {
  double x = 0, y = 0;
};

class PointCodec final : public cellflow::Codec {
 public:
  std::string datatype() const override { return "FP64"; }
  std::vector<std::int64_t> shape() const override { return {2}; }
  cellflow::Value decode(const cellflow::Tensor& t) const override {
    cellflow::expect_datatype(t.datatype, "FP64");
    if (t.size() != 2) throw std::invalid_argument("a point needs 2 numbers");
    return Point{t.number<double>(0), t.number<double>(1)};
  }
  cellflow::Tensor encode(const cellflow::Value& v) const override {
    const auto& p = v.get<Point>();
    return cellflow::Tensor::numbers<double>({2}, std::vector<double>{p.x, p.y});
  }
};

class Mirror final : public cellflow::Cell {
 public:
  cellflow::Input<Point> in{*this, "in"};
  cellflow::Output<Point> out{*this, "out"};
  void process(cellflow::Context& ctx) override {
    const Point p = ctx.take(in);
    ctx.emit(out, Point{p.y, p.x});
  }
};

int main() {
  auto codecs = cellflow::CodecRegistry::defaults();
  codecs.add<Point>(std::make_shared<PointCodec>());
  std::cout << "printed: " << codecs.to_json(cellflow::Value(Point{1, 2})).dump() << "\n";

  auto pipeline = std::make_unique<cellflow::Pipeline>("mirror");
  auto& mirror = pipeline->add<Mirror>("mirror");
  pipeline->expose(mirror.in, "p");
  pipeline->expose(mirror.out, "q");
  cellflow::server::HttpServer server({.port = 0, .grpc_port = -1}, codecs);
  server.add(std::move(pipeline));
  httplib::Client client("127.0.0.1", server.start());
  while (!server.ready()) std::this_thread::sleep_for(std::chrono::milliseconds(5));

  std::cout << "metadata: " << client.Get("/v2/models/mirror")->body << "\n";
  const auto one = client.Post(
      "/v2/models/mirror/infer",
      R"({"inputs": [{"name": "p", "datatype": "FP64", "shape": [2], "data": [1, 2]}]})",
      "application/json");
  const auto batch = client.Post("/v2/models/mirror/infer",
                                 R"({"inputs": [{"name": "p", "datatype": "FP64", "shape": [3, 2],
                                     "data": [[1, 2], [3, 4], [5, 6]]}]})",
                                 "application/json");
  std::cout << "one point: " << one->body << "\nbatch of 3: " << batch->body << "\n";
  server.stop();
  const auto data = [](const httplib::Result& r) {
    return nlohmann::json::parse(r->body)["outputs"][0]["data"];
  };
  const bool ok = data(one) == nlohmann::json::parse("[2.0, 1.0]") &&
                  data(batch) == nlohmann::json::parse("[2.0, 1.0, 4.0, 3.0, 6.0, 5.0]");
  return ok ? 0 : 1;
}
