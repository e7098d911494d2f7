#include "cellflow/vision/file_source.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cellflow/error.hpp"

namespace cellflow::vision {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string read_file(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read '" + file + "'");
  std::ostringstream content;
  content << in.rdbuf();
  return std::move(content).str();
}

}  // namespace

void FileSource::configure(const nlohmann::json& params) {
  std::vector<std::string> problems = assign_params(params);
  const bool strings =
      extensions->is_array() && std::all_of(extensions->begin(), extensions->end(),
                                            [](const nlohmann::json& e) { return e.is_string(); });
  if (!strings) problems.push_back("param 'extensions': expected a list of strings like \".jpg\"");
  if (!problems.empty()) throw Error(std::move(problems));
}

bool FileSource::wanted(const std::string& file) const {
  if (extensions->empty()) return true;
  const std::string extension = lower(std::filesystem::path(file).extension().string());
  return std::any_of(extensions->begin(), extensions->end(), [&](const nlohmann::json& e) {
    return lower(e.get<std::string>()) == extension;
  });
}

void FileSource::open() {
  namespace fs = std::filesystem;
  files_.clear();
  next_ = 0;
  const fs::path root(*folder);
  if (fs::is_regular_file(root)) {
    files_.push_back(root.string());
    return;
  }
  if (!fs::is_directory(root)) throw Error("param 'path': '" + *folder + "' does not exist");
  for (const auto& entry : fs::directory_iterator(root))
    if (entry.is_regular_file() && wanted(entry.path().string())) files_.push_back(entry.path());
  std::sort(files_.begin(), files_.end());
  if (files_.empty())
    throw Error("param 'path': no files with extensions " + extensions->dump() + " in '" + *folder +
                "'");
}

void FileSource::process(Context& ctx) {
  const std::string& file = files_[next_++];
  if (next_ == files_.size()) ctx.end_of_stream();
  ctx.emit(path, file);
  ctx.emit(bytes, read_file(file));
}

}  // namespace cellflow::vision
