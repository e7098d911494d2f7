// Context::on_complete: a source learns when each of its items has completed the whole
// pipeline (what a durable-queue source acknowledges on), in item order, with whether the
// result was delivered.
#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"

namespace cellflow::testing {
namespace {

// Emits 0..count-1 and records, per item, when it completed and whether it was delivered.
class AckingSource final : public Cell {
 public:
  Output<nlohmann::json> out{*this, "out"};
  Param<int> count{*this, "count", 20, "items"};
  std::mutex mutex;
  std::vector<std::pair<int, bool>> acks;

  void process(Context& ctx) override {
    const int value = next_++;
    ctx.on_complete([this, value](bool delivered) {
      std::lock_guard lock(mutex);
      acks.emplace_back(value, delivered);
    });
    ctx.emit(out, nlohmann::json(value));
    if (next_ == *count) ctx.end_of_stream();
  }

 private:
  int next_ = 0;
};

std::unique_ptr<Pipeline> acking_pipeline(AckingSource*& source, ErrorPolicy policy) {
  auto p = std::make_unique<Pipeline>("p");
  source = &p->add<AckingSource>("src", {{"count", 40}});
  auto& slow = p->add<cells::Delay>("slow", {{"sleep_ms", 1}}, ScaleUp{3});
  auto& guard = p->add<cells::Fail>("guard", {{"on", nlohmann::json::array({25})}});
  p->connect(source->out, slow.in);
  p->connect(slow.out, guard.in);
  p->expose(guard.out, "y");
  p->set_options({.max_in_flight = 8, .on_error = policy});
  return p;
}

TEST(OnComplete, EveryItemInOrderAfterItsResultWasDelivered) {
  AckingSource* source = nullptr;
  auto p = acking_pipeline(source, ErrorPolicy::kContinue);
  std::vector<int> delivered_before_ack;
  p->run([&](Result&& r) {
    std::lock_guard lock(source->mutex);
    // The item's own acknowledgement comes after its delivery, never before.
    for (const auto& [value, unused] : source->acks)
      EXPECT_LT(value, static_cast<int>(r.item().seq)) << "acknowledged before delivery";
    delivered_before_ack.push_back(static_cast<int>(r.item().seq));
  });
  ASSERT_EQ(source->acks.size(), 40u);
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(source->acks[i].first, i) << "acknowledged in item order";
    EXPECT_TRUE(source->acks[i].second) << "item " << i << " (25 failed, but was delivered)";
  }
}

TEST(OnComplete, ItemsNotDeliveredAfterAFailFastStopSayFalse) {
  AckingSource* source = nullptr;
  auto p = acking_pipeline(source, ErrorPolicy::kFailFast);
  EXPECT_THROW(p->run(), std::runtime_error);
  ASSERT_GE(source->acks.size(), 26u);
  for (const auto& [value, delivered] : source->acks)
    EXPECT_EQ(delivered, value < 25) << "item " << value;
}

}  // namespace
}  // namespace cellflow::testing
