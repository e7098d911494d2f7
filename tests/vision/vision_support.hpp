// Shared helpers for the vision tests: paths of Debian's opencv-doc sample data, and
// CELLFLOW_REQUIRE_MODELS (support/models.hpp) to skip a test whose model is not fetched, and an
// observer of batch sizes.
#pragma once

#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "cellflow/observer.hpp"
#include "support/models.hpp"

namespace cellflow::testing {

/// A file under /usr/share/doc/opencv-doc/examples/ (e.g. "data/messi5.jpg"). Debian's opencv-doc
/// ships them uncompressed; scripts/install-deps.sh installs the package.
inline std::string opencv_example(const std::string& relative) {
  return (std::filesystem::path("/usr/share/doc/opencv-doc/examples") / relative).string();
}

/// Records the size of each batch a batched cell ran (dynamic batching).
struct BatchSizes : PipelineObserver {
  std::mutex mutex;
  std::vector<std::size_t> sizes;
  void on_cell(const std::string& /*cell*/, int /*clone*/, std::chrono::nanoseconds /*compute*/,
               std::chrono::nanoseconds /*queue_wait*/, bool /*failed*/) override {}
  void on_batch(const std::string& /*cell*/, int /*clone*/, std::size_t size) override {
    const std::lock_guard lock(mutex);
    sizes.push_back(size);
  }
};

}  // namespace cellflow::testing
