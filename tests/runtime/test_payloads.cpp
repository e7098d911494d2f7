// Scenario A11: move-only payloads and zero-copy of big payloads.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <opencv2/core.hpp>

#include "cellflow/cellflow.hpp"
#include "support/helpers.hpp"
#include "support/test_cells.hpp"

namespace cellflow::testing {
namespace {

using Box = std::unique_ptr<int>;

/// Takes the box, adds 1 to its content, records the pointer it saw, passes it on.
class BoxInc final : public Cell {
 public:
  Input<Box> in{*this, "in"};
  Output<Box> out{*this, "out"};
  explicit BoxInc(std::vector<const int*>* seen = nullptr) : seen_(seen) {}
  void process(Context& ctx) override {
    Box box = ctx.take(in);
    if (seen_ != nullptr) seen_->push_back(box.get());
    ++*box;
    ctx.emit(out, std::move(box));
  }

 private:
  std::vector<const int*>* seen_;
};

class BoxSource final : public Cell {
 public:
  Output<Box> out{*this, "out"};
  explicit BoxSource(std::vector<const int*>* made = nullptr) : made_(made) {}
  void process(Context& ctx) override {
    auto box = std::make_unique<int>(100 * n_);
    if (made_ != nullptr) made_->push_back(box.get());
    ctx.emit(out, std::move(box));
    if (++n_ == 5) ctx.end_of_stream();
  }

 private:
  std::vector<const int*>* made_;
  int n_ = 0;
};

TEST(Payloads, UniquePtr_through3cells_requestMode) {
  Pipeline p{"p"};
  std::vector<const int*> seen1, seen2, seen3;
  auto& c1 = add_cell<BoxInc>(p, "c1", {}, &seen1);
  auto& c2 = add_cell<BoxInc>(p, "c2", {}, &seen2);
  auto& c3 = add_cell<BoxInc>(p, "c3", {}, &seen3);
  p.connect(c1.out, c2.in);
  p.connect(c2.out, c3.in);
  p.expose(c1.in, "x");
  p.expose(c3.out, "y");
  p.start();
  for (int i = 0; i < 3; ++i) {
    auto box = std::make_unique<int>(10 * i);
    const int* address = box.get();
    InputValues inputs;
    inputs.emplace("x", std::move(box));  // the only owner of the payload
    Result r = p.submit(std::move(inputs)).get();
    ASSERT_TRUE(r.ok()) << describe(r.error());
    Box out = r.take<Box>("y");
    ASSERT_NE(out, nullptr);
    EXPECT_EQ(*out, 10 * i + 3);
    EXPECT_EQ(out.get(), address) << "the same int travelled through all cells";
  }
  ASSERT_EQ(seen3.size(), 3u);
  EXPECT_EQ(seen1, seen2);
  EXPECT_EQ(seen2, seen3);
  p.stop();
}

TEST(Payloads, UniquePtr_through3cells_streamMode_5items) {
  Pipeline p{"p"};
  std::vector<const int*> made, seen3;
  auto& src = add_cell<BoxSource>(p, "src", {}, &made);
  auto& c1 = p.add<BoxInc>("c1");
  auto& c2 = p.add<BoxInc>("c2");
  auto& c3 = add_cell<BoxInc>(p, "c3", {}, &seen3);
  p.connect(src.out, c1.in);
  p.connect(c1.out, c2.in);
  p.connect(c2.out, c3.in);
  p.expose(c3.out, "y");
  std::vector<int> got;
  p.run([&](Result&& r) {
    ASSERT_TRUE(r.ok()) << describe(r.error());
    got.push_back(*r.take<Box>("y"));
  });
  EXPECT_EQ(got, (std::vector<int>{3, 103, 203, 303, 403}));
  EXPECT_EQ(seen3, made);
}

/// Passes a cv::Mat on and records its data pointer.
class MatPass final : public Cell {
 public:
  Input<cv::Mat> in{*this, "in"};
  Output<cv::Mat> out{*this, "out"};
  explicit MatPass(std::vector<const uchar*>* seen) : seen_(seen) {}
  void process(Context& ctx) override {
    cv::Mat m = ctx.take(in);
    seen_->push_back(m.data);
    ctx.emit(out, std::move(m));
  }

 private:
  std::vector<const uchar*>* seen_;
};

TEST(Payloads, CvMat_40MB_samePointerThrough5cells) {
  Pipeline p{"p"};
  std::vector<std::vector<const uchar*>> seen(5);
  std::vector<MatPass*> cells;
  for (int i = 0; i < 5; ++i) {
    cells.push_back(&add_cell<MatPass>(p, "m" + std::to_string(i), {}, &seen[i]));
  }
  for (int i = 0; i + 1 < 5; ++i) p.connect(cells[i]->out, cells[i + 1]->in);
  p.expose(cells.front()->in, "image");
  p.expose(cells.back()->out, "image_out");
  p.start();
  cv::Mat big(4000, 3334, CV_8UC3, cv::Scalar(1, 2, 3));  // ~40 MB
  ASSERT_GE(big.total() * big.elemSize(), 40'000'000u);
  const uchar* data = big.data;
  InputValues inputs;
  inputs.emplace("image", std::move(big));
  Result r = p.submit(std::move(inputs)).get();
  ASSERT_TRUE(r.ok()) << describe(r.error());
  cv::Mat out = r.take<cv::Mat>("image_out");
  EXPECT_EQ(out.data, data);
  EXPECT_EQ(out.at<cv::Vec3b>(3999, 3333), cv::Vec3b(1, 2, 3));
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(seen[i].size(), 1u);
    EXPECT_EQ(seen[i][0], data) << "cell m" << i;
  }
  p.stop();
}

/// A payload that counts its deep copies.
struct Heavy {
  static inline std::atomic<int> copies{0};
  std::vector<char> bytes;
  explicit Heavy(std::size_t n = 0) : bytes(n, 'x') {}
  Heavy(const Heavy& other) : bytes(other.bytes) { copies.fetch_add(1); }
  Heavy& operator=(const Heavy& other) {
    bytes = other.bytes;
    copies.fetch_add(1);
    return *this;
  }
  Heavy(Heavy&&) noexcept = default;
  Heavy& operator=(Heavy&&) noexcept = default;
};

class HeavyPass final : public Cell {
 public:
  Input<Heavy> in{*this, "in"};
  Output<Heavy> out{*this, "out"};
  void process(Context& ctx) override { ctx.emit(out, ctx.take(in)); }
};

TEST(Payloads, CopyablePayload_zeroDeepCopies_5cells_20items) {
  Pipeline p{"p"};
  std::vector<HeavyPass*> cells;
  for (int i = 0; i < 5; ++i) cells.push_back(&p.add<HeavyPass>("h" + std::to_string(i)));
  for (int i = 0; i + 1 < 5; ++i) p.connect(cells[i]->out, cells[i + 1]->in);
  p.expose(cells.front()->in, "x");
  p.expose(cells.back()->out, "y");
  p.start({.max_in_flight = 4});
  Heavy::copies = 0;
  for (int i = 0; i < 20; ++i) {
    InputValues inputs;
    inputs.emplace("x", Heavy(1 << 20));
    Result r = p.submit(std::move(inputs)).get();
    EXPECT_EQ(r.take<Heavy>("y").bytes.size(), 1u << 20);
  }
  EXPECT_EQ(Heavy::copies.load(), 0) << "a payload with a single consumer is moved, not copied";
  p.stop();
}

TEST(Payloads, Value_takeSharedMoveOnly_throws) {
  Value a(std::make_unique<int>(1));
  Value b = a;  // shared box
  EXPECT_THROW(b.take<Box>(), std::logic_error);
  EXPECT_EQ(*a.get<Box>(), 1);
  EXPECT_THROW(a.get<int>(), std::logic_error);
  Value c(std::make_unique<int>(2));
  EXPECT_EQ(*c.take<Box>(), 2);
  EXPECT_FALSE(c.has_value());
}

// Small trivially copyable payloads live inside the Value (no box): copies are independent, take()
// empties the Value, and a type mismatch is reported as for a boxed payload.
TEST(Payloads, Value_smallPayloadHeldInline_copiesAreIndependent) {
  struct Point {
    double x, y;
  };
  Value a(Point{1.5, -2.0});
  Value b = a;
  EXPECT_NE(a.address(), b.address()) << "a small payload is copied, not shared";
  EXPECT_EQ(b.get<Point>().x, 1.5);
  EXPECT_EQ(b.take<Point>().y, -2.0);
  EXPECT_FALSE(b.has_value());
  EXPECT_EQ(b.type(), typeid(void));
  EXPECT_TRUE(a.has_value());
  EXPECT_EQ(a.get<Point>().y, -2.0);
  try {
    a.get<int>();
    FAIL() << "a type mismatch must throw";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find(", not int"), std::string::npos) << e.what();
  }
  EXPECT_THROW(b.get<Point>(), std::logic_error) << "a taken value is empty";
}

TEST(Payloads, Value_largePayloadIsSharedByCopies) {
  Value a(std::string(1000, 'x'));
  Value b = a;
  EXPECT_EQ(a.address(), b.address()) << "fan-out shares a big payload's box";
}

TEST(Payloads, TypeName_readable) {
  EXPECT_EQ(type_name<int>(), "int");
  EXPECT_EQ(type_name<std::string>(), "std::string");
}

}  // namespace
}  // namespace cellflow::testing
