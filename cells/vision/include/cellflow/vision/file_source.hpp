// FileSource: a source emitting the files of a folder (or one file), one per item, sorted by
// name: their content as bytes (feed DecodeImage) and their path.
//   params: path (a directory or a file, required), extensions (list, default image types;
//           case-insensitive; [] takes every regular file)
//   outputs: bytes (std::string), path (std::string)
// A missing path or a folder without matching files is a cellflow::Error at open().
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cellflow/cell.hpp"
#include "cellflow/param.hpp"

namespace cellflow::vision {

class FileSource final : public Cell {
 public:
  Output<std::string> bytes{*this, "bytes"};
  Output<std::string> path{*this, "path"};
  Param<std::string> folder{*this, "path", "", "a directory (its files, sorted) or one file",
                            required("a directory or a file")};
  Param<nlohmann::json> extensions{
      *this, "extensions",
      nlohmann::json{".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"},
      "file extensions to take; [] for all files"};

  void configure(const nlohmann::json& params) override;
  void open() override;
  void process(Context& ctx) override;
  std::optional<std::uint64_t> expected_items() const override { return files_.size(); }

 private:
  bool wanted(const std::string& file) const;
  std::vector<std::string> files_;
  std::size_t next_ = 0;
};

}  // namespace cellflow::vision
