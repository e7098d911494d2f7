// Loads libcellflow_opencv_io.so on the first call (see cellflow/codecs/opencv_io.hpp).
#include "cellflow/codecs/opencv_io.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#ifndef CELLFLOW_PLUGIN_RELATIVE_DIR
#define CELLFLOW_PLUGIN_RELATIVE_DIR "../lib/cellflow"
#endif
#ifndef CELLFLOW_PLUGIN_BUILD_DIR
#define CELLFLOW_PLUGIN_BUILD_DIR ""
#endif
#ifndef CELLFLOW_PLUGIN_INSTALL_DIR
#define CELLFLOW_PLUGIN_INSTALL_DIR ""
#endif

namespace cellflow::opencv_io {
namespace {

constexpr const char* kLibrary = "libcellflow_opencv_io.so";
constexpr const char* kEntry = "cellflow_opencv_io_v1";

// Where the library may be, in order, each once.
std::vector<std::filesystem::path> search_dirs() {
  std::vector<std::filesystem::path> dirs;
  const auto add = [&dirs](const std::filesystem::path& dir) {
    const auto normal = dir.lexically_normal();
    if (!dir.empty() && std::find(dirs.begin(), dirs.end(), normal) == dirs.end())
      dirs.push_back(normal);
  };
  if (const char* dir = std::getenv("CELLFLOW_PLUGIN_DIR")) add(dir);
  std::error_code error;
  const auto executable = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) add(executable.parent_path() / CELLFLOW_PLUGIN_RELATIVE_DIR);
  add(CELLFLOW_PLUGIN_BUILD_DIR);
  add(CELLFLOW_PLUGIN_INSTALL_DIR);
  return dirs;
}

// The plugin's function table, from the first directory that has the library. The library stays
// loaded for the life of the process (its objects' code lives there).
const Plugin& load() {
  std::string looked;
  for (const auto& dir : search_dirs()) {
    const std::string path = (dir / kLibrary).string();
    looked += (looked.empty() ? "" : ", ") + path;
    if (!std::filesystem::exists(path)) continue;
    void* handle = dlopen(path.c_str(), RTLD_LAZY | RTLD_LOCAL);
    if (!handle)
      throw std::runtime_error(std::string("cannot load ") + kLibrary + ": " + dlerror());
    auto* entry = reinterpret_cast<const Plugin* (*)()>(dlsym(handle, kEntry));
    if (!entry)
      throw std::runtime_error(path + " has no " + kEntry + " (built for another cellflow?)");
    return *entry();
  }
  throw std::runtime_error(std::string("cannot find ") + kLibrary +
                           " (OpenCV's image codecs and video I/O, loaded on first use); looked "
                           "for " +
                           looked + "; set CELLFLOW_PLUGIN_DIR to the directory that has it");
}

const Plugin& plugin() {
  static const Plugin& loaded = load();  // a throw leaves it unset: the next call tries again
  return loaded;
}

}  // namespace

cv::Mat decode(std::string_view bytes, int flags) { return plugin().decode(bytes, flags); }

bool encode(const std::string& extension, const cv::Mat& image, std::vector<uchar>& out,
            const std::vector<int>& params) {
  return plugin().encode(extension, image, out, params);
}

std::unique_ptr<Capture> make_capture() {
  return std::unique_ptr<Capture>(plugin().make_capture());
}
bool has_backend(int api) { return plugin().has_backend(api); }
std::unique_ptr<Writer> make_writer() { return std::unique_ptr<Writer>(plugin().make_writer()); }

}  // namespace cellflow::opencv_io
