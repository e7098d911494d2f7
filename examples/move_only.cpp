// move_only: payloads that cannot be copied (std::unique_ptr) flow through a chain of cells,
// and big payloads are never deep-copied. Each cell take()s its input (a move: it is the only
// reader) and emits it on, so the 8 MB buffer allocated by the source is the same buffer the
// sink receives. The program prints the data pointer at every step to show it.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <vector>

#include "cellflow/cellflow.hpp"

using Buffer = std::unique_ptr<std::vector<std::uint8_t>>;
constexpr std::size_t kBytes = 8 << 20;

// Source: three 8 MB buffers, each filled with its item number.
class Frames final : public cellflow::Cell {
 public:
  cellflow::Output<Buffer> out{*this, "out"};
  void process(cellflow::Context& ctx) override {
    auto buffer = std::make_unique<std::vector<std::uint8_t>>(kBytes, std::uint8_t(n_));
    std::printf("source  item %d  data %p\n", n_, static_cast<void*>(buffer->data()));
    ctx.emit(out, std::move(buffer));
    if (++n_ == 3) ctx.end_of_stream();
  }

 private:
  int n_ = 0;
};

// Edits the buffer in place: adds `delta` to its first byte.
class Brighten final : public cellflow::Cell {
 public:
  cellflow::Input<Buffer> in{*this, "in"};
  cellflow::Output<Buffer> out{*this, "out"};
  cellflow::Param<int> delta{*this, "delta", 1, "added to the first byte"};
  void process(cellflow::Context& ctx) override {
    Buffer buffer = ctx.take(in);  // moves the unique_ptr out: no copy of 8 MB
    (*buffer)[0] = static_cast<std::uint8_t>((*buffer)[0] + *delta);
    std::printf("%-7s item %llu  data %p\n", name().c_str(),
                static_cast<unsigned long long>(ctx.item().seq),
                static_cast<void*>(buffer->data()));
    ctx.emit(out, std::move(buffer));
  }
};

int main() {
  cellflow::Pipeline p{"move_only"};
  auto& frames = p.add<Frames>("frames");
  auto& a = p.add<Brighten>("a", {{"delta", 10}});
  auto& b = p.add<Brighten>("b", {{"delta", 100}});
  p.connect(frames.out, a.in);
  p.connect(a.out, b.in);
  p.expose(b.out, "frame");
  p.run([](cellflow::Result&& r) {
    Buffer buffer = r.take<Buffer>("frame");  // the result owns it; take it, no copy
    std::printf("sink    item %llu  data %p  first byte %d\n",
                static_cast<unsigned long long>(r.item().seq), static_cast<void*>(buffer->data()),
                (*buffer)[0]);
  });
}
