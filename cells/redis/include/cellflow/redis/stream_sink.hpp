// RedisStreamSink: each value on `in` becomes one entry of a Redis stream (XADD), in item
// order. An object's members become fields (strings as they are, other values as JSON text);
// any other value goes to field `field` as JSON text.
//
// Params: redis (URL, default redis://127.0.0.1:6379), stream (required), maxlen (MAXLEN ~ N
// trimming, 0: none; default 100000), field (default "data").
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cellflow/cell.hpp"
#include "cellflow/param.hpp"
#include "cellflow/port.hpp"

namespace cellflow::redis {

class RedisStreamSink final : public Cell {
 public:
  Input<nlohmann::json> in{*this, "in"};
  Param<std::string> redis{*this, "redis", "redis://127.0.0.1:6379", "Redis URL"};
  Param<std::string> stream{*this, "stream", "", "stream key", required("the stream's key")};
  Param<std::int64_t> maxlen{*this, "maxlen", 100000, "approximate length cap (0: none)",
                             at_least(0)};
  Param<std::string> field{*this, "field", "data", "field for values that are not objects"};

  RedisStreamSink();
  ~RedisStreamSink() override;
  void configure(const nlohmann::json& params) override;
  void open() override;
  void process(Context& ctx) override;
  void close() override;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace cellflow::redis
