// hello_cells: two custom cells, a nested pipeline whose slow cell runs as 4 clones, served as a
// KServe v2 model over HTTP. Run it, then (in another terminal):
//   curl -s localhost:8080/v2/models/hello/infer -d
//     '{"inputs":[{"name":"text","datatype":"BYTES","shape":[1],"data":["hello cells"]}]}'
// Ctrl-C stops it gracefully. Optional argument: the port (0 picks a free one).
#include <algorithm>
#include <chrono>
#include <thread>

#include "cellflow/cellflow.hpp"
#include "cellflow/server/http_server.hpp"

// std::string -> std::string in upper case.
class Shout final : public cellflow::Cell {
 public:
  cellflow::Input<std::string> in{*this, "in"};
  cellflow::Output<std::string> out{*this, "out"};
  void process(cellflow::Context& ctx) override {
    std::string text = ctx.take(in);  // moved, not copied: nobody else reads it
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return std::toupper(c); });
    ctx.emit(out, std::move(text));
  }
};

// Appends `marks` exclamation marks. Slow on purpose: the one to clone.
class Exclaim final : public cellflow::Cell {
 public:
  cellflow::Input<std::string> in{*this, "in"};
  cellflow::Output<std::string> out{*this, "out"};
  cellflow::Param<int> marks{*this, "marks", 1, "how many '!' to add"};
  void process(cellflow::Context& ctx) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ctx.emit(out, ctx.get(in) + std::string(*marks, '!'));
  }
};

// A pipeline is a cell: it declares its own ports and binds them to inner ones.
class Loud final : public cellflow::Pipeline {
 public:
  cellflow::Input<std::string> in{*this, "in"};
  cellflow::Output<std::string> out{*this, "out"};
  Loud() : Pipeline("loud") {
    auto& shout = add<Shout>("shout");
    auto& exclaim = add<Exclaim>("exclaim", {{"marks", 3}}, cellflow::ScaleUp{4});
    connect(shout.out, exclaim.in);  // Output<std::string> -> Input<std::string>, checked
    expose(shout.in, in);
    expose(exclaim.out, out);
  }
};

int main(int argc, char** argv) {
  auto hello = std::make_unique<cellflow::Pipeline>("hello");
  auto& loud = hello->add<Loud>("loud");
  hello->expose(loud.in, "text");
  hello->expose(loud.out, "loud");
  cellflow::server::HttpServer server({.port = argc > 1 ? std::stoi(argv[1]) : 8080});
  server.add(std::move(hello));
  cellflow::server::serve_until_signal(server);  // prints "listening on http://127.0.0.1:8080"
}
