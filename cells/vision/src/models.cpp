#include "cellflow/vision/models.hpp"

#include <cstdlib>
#include <filesystem>

#include "cellflow/error.hpp"

namespace cellflow::vision {

std::string models_dir() {
  const char* env = std::getenv("CELLFLOW_MODELS");
  return env && *env ? std::string(env) : std::string(CELLFLOW_MODELS_DIR);
}

std::string model_path(std::string_view relative) {
  const std::filesystem::path given(relative);
  const std::filesystem::path path = given.is_absolute() ? given : models_dir() / given;
  if (!std::filesystem::is_regular_file(path))
    throw Error("model file '" + path.string() +
                "' is missing: run scripts/fetch-models.sh (or set CELLFLOW_MODELS to the "
                "directory it filled)");
  return path.string();
}

std::string opencv_data_path(std::string_view relative) {
  const std::filesystem::path path = std::filesystem::path(CELLFLOW_OPENCV_DATA_DIR) / relative;
  if (!std::filesystem::is_regular_file(path))
    throw Error("OpenCV data file '" + path.string() +
                "' is missing: install Debian's opencv-data package (scripts/install-deps.sh)");
  return path.string();
}

}  // namespace cellflow::vision
