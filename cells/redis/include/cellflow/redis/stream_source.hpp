// RedisStreamSource: the entries of a Redis stream as items, read through a consumer group and
// acknowledged (XACK) only once their item has completed the whole pipeline, so a run that
// crashed resumes from the first unfinished entry: at-least-once.
//
// Params: redis (URL, default redis://127.0.0.1:6379), stream (required), group (default
// "cellflow", created at `start` with MKSTREAM when missing), consumer (default: the host name,
// stable across restarts so a restarted run takes back its own unacknowledged entries first),
// start ("$": new entries only, "0": the whole stream, or an entry ID; used when the group is
// created), follow (true: wait for new entries until stopped; false: the run ends at the
// stream's end), field (default "data"), block_ms (a following read waits this long; an idle
// stream yields one empty item per wait, default 1000).
// Outputs: data (std::string, the raw bytes of `field`; absent when the entry has no such field)
// and json (an object of every field as a string, plus "_id").
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cellflow/cell.hpp"
#include "cellflow/param.hpp"
#include "cellflow/port.hpp"

namespace cellflow::redis {

class RedisStreamSource final : public Cell {
 public:
  Output<std::string> data{*this, "data"};
  Output<nlohmann::json> json{*this, "json"};
  Param<std::string> redis{*this, "redis", "redis://127.0.0.1:6379", "Redis URL"};
  Param<std::string> stream{*this, "stream", "", "stream key", required("the stream's key")};
  Param<std::string> group{*this, "group", "cellflow", "consumer group"};
  Param<std::string> consumer{*this, "consumer", "", "consumer name (default: host name)"};
  Param<std::string> start{*this, "start", "$", "where a new group starts: $, 0 or an ID"};
  Param<bool> follow{*this, "follow", true, "wait for new entries (false: end at the end)"};
  Param<std::string> field{*this, "field", "data", "field emitted on `data`"};
  Param<int> block_ms{*this, "block_ms", 1000, "how long a following read waits", at_least(1)};

  RedisStreamSource();
  ~RedisStreamSource() override;
  void configure(const nlohmann::json& params) override;
  void open() override;
  void process(Context& ctx) override;
  void close() override;
  /// Following a stream, a read waits up to block_ms for new entries: on a thread of its own.
  bool waits() const override { return *follow; }

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace cellflow::redis
