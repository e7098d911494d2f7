// Shared helpers for the vision tests: paths of Debian's opencv-doc sample data, and
// CELLFLOW_REQUIRE_MODELS (support/models.hpp) to skip a test whose model is not fetched.
#pragma once

#include <filesystem>
#include <string>

#include "support/models.hpp"

namespace cellflow::testing {

/// A file under /usr/share/doc/opencv-doc/examples/ (e.g. "data/messi5.jpg"). Debian's opencv-doc
/// ships them uncompressed; scripts/install-deps.sh installs the package.
inline std::string opencv_example(const std::string& relative) {
  return (std::filesystem::path("/usr/share/doc/opencv-doc/examples") / relative).string();
}

}  // namespace cellflow::testing
