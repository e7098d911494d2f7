#include "cellflow/queue.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "detail/suggest.hpp"

namespace cellflow {
namespace {

constexpr std::array<std::pair<Queue::Overflow, const char*>, 3> kOverflowNames = {{
    {Queue::Overflow::kBlock, "block"},
    {Queue::Overflow::kDropOldest, "drop_oldest"},
    {Queue::Overflow::kDropNewest, "drop_newest"},
}};

}  // namespace

nlohmann::json Queue::to_json() const {
  for (const auto& [o, name] : kOverflowNames)
    if (o == overflow) return {{"capacity", capacity}, {"overflow", name}};
  return nullptr;
}

Queue Queue::from_json(const nlohmann::json& config, const std::string& path,
                       std::vector<std::string>& problems) {
  Queue queue;
  if (!config.is_object()) {
    problems.push_back(path + ": expected an object such as {\"capacity\": 1, \"overflow\": " +
                       "\"drop_oldest\"}, got " + config.dump());
    return queue;
  }
  static const std::vector<std::string> kKnown = {"capacity", "overflow"};
  detail::check_keys(config, path, kKnown, problems);
  const auto capacity = config.value("capacity", nlohmann::json());
  if (!capacity.is_number_integer() || capacity.get<long long>() < 1)
    problems.push_back(path + ".capacity: expected an integer >= 1, got " + capacity.dump());
  else
    queue.capacity = capacity.get<std::size_t>();
  const auto overflow = config.value("overflow", nlohmann::json("block"));
  bool known = false;
  for (const auto& [o, name] : kOverflowNames) {
    if (overflow.is_string() && overflow.get<std::string>() == name) {
      queue.overflow = o;
      known = true;
    }
  }
  if (!known)
    problems.push_back(path + ".overflow: expected one of block, drop_oldest, drop_newest, got " +
                       overflow.dump());
  return queue;
}

}  // namespace cellflow
