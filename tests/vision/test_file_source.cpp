// FileSource: a folder's files, sorted by name, as bytes + path; clear errors for bad paths.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cellflow/cellflow.hpp"
#include "cellflow/vision/file_source.hpp"
#include "support/helpers.hpp"

namespace cellflow::testing {
namespace {

namespace fs = std::filesystem;

std::string content_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class FileSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cellflow-files-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name, std::ios::binary) << content;
  }
  // Runs FileSource with `params` and returns (path, bytes) per item, in item order.
  std::vector<std::pair<std::string, std::string>> run(const json& params) {
    Pipeline p{"p"};
    auto& files = p.add<vision::FileSource>("files", params);
    p.expose(files.path, "path");
    p.expose(files.bytes, "bytes");
    std::vector<std::pair<std::string, std::string>> got;
    p.run([&](Result&& r) {
      got.emplace_back(r.get<std::string>("path"), r.get<std::string>("bytes"));
    });
    return got;
  }
  fs::path dir_;
};

TEST_F(FileSourceTest, EmitsMatchingFilesSortedByNameWithTheirBytes) {
  write("b.PNG", "png bytes");
  write("a.jpg", std::string("jpeg\0bytes", 10));
  write("notes.txt", "not an image");
  const auto got = run({{"path", dir_.string()}});
  ASSERT_EQ(got.size(), 2U);
  EXPECT_EQ(got[0].first, (dir_ / "a.jpg").string());
  EXPECT_EQ(got[0].second, std::string("jpeg\0bytes", 10));
  EXPECT_EQ(got[1].first, (dir_ / "b.PNG").string());  // extensions match case-insensitively
  EXPECT_EQ(got[1].second, "png bytes");
}

TEST_F(FileSourceTest, AnnouncesHowManyFilesAreComing) {
  write("a.jpg", "1");
  write("b.jpg", "2");
  write("c.png", "3");
  Pipeline p{"p"};
  auto& files = p.add<vision::FileSource>("files", {{"path", dir_.string()}});
  p.expose(files.path, "path");
  p.start();
  EXPECT_EQ(p.expected_items(), std::optional<std::uint64_t>(3));
  p.stop();
}

TEST_F(FileSourceTest, EmptyExtensionListTakesEveryFile) {
  write("a.jpg", "1");
  write("notes.txt", "2");
  EXPECT_EQ(run({{"path", dir_.string()}, {"extensions", json::array()}}).size(), 2U);
}

TEST_F(FileSourceTest, ASingleFileIsOneItem) {
  const fs::path messi = "/usr/share/doc/opencv-doc/examples/data/messi5.jpg";
  const auto got = run({{"path", messi.string()}});
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].second, content_of(messi));
}

TEST_F(FileSourceTest, MissingPathAndFolderWithoutImagesAreErrors) {
  EXPECT_TRUE(contains_all(error_text_of([&] {
                             run({{"path", (dir_ / "nope").string()}});
                           }),
                           {"files", "'path'", "does not exist"}));
  write("notes.txt", "text");
  EXPECT_TRUE(contains_all(error_text_of([&] {
                             run({{"path", dir_.string()}});
                           }),
                           {"no files with extensions", ".jpg", dir_.string()}));
  EXPECT_TRUE(contains_all(error_text_of([&] { run(json::object()); }),
                           {"params.path: required (a directory or a file)"}));
}

}  // namespace
}  // namespace cellflow::testing
