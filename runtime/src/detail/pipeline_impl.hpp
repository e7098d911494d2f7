#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>

#include "detail/runner.hpp"
#include "detail/structure.hpp"

namespace cellflow {

struct Pipeline::Impl {
  Structure structure;
  RunOptions options;
  bool zip_sources = false;                // several sources are paired by index on purpose
  mutable std::mutex lifecycle_mutex;      // start/stop
  std::shared_ptr<detail::Runner> runner;  // shared: a concurrent submit() keeps it alive
  bool streaming = false;                  // run() is in progress
  PipelineStats last_stats;                // of the last runner, once it is gone
  std::condition_variable stream_done;
};

}  // namespace cellflow
