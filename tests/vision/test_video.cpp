// VideoSource and VideoWriter on a real video (Debian's opencv-doc vtest.avi, 768x576).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <opencv2/videoio.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cellflow/error.hpp"
#include "cellflow/param.hpp"
#include "cellflow/pipeline.hpp"
#include "cellflow/vision/video_source.hpp"
#include "cellflow/vision/video_writer.hpp"
#include "support/test_cells.hpp"
#include "vision_support.hpp"

namespace cellflow::vision {
namespace {

using nlohmann::json;

std::string vtest() { return cellflow::testing::opencv_example("data/vtest.avi"); }
std::string megamind() { return cellflow::testing::opencv_example("data/Megamind.avi"); }

/// A fresh temporary directory, removed with the object.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("cellflow-video-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

/// Every frame of a video file, read directly with cv::VideoCapture.
std::vector<cv::Mat> read_all(const std::string& path, int limit = -1) {
  cv::VideoCapture capture(path);
  std::vector<cv::Mat> frames;
  cv::Mat frame;
  while ((limit < 0 || static_cast<int>(frames.size()) < limit) && capture.read(frame))
    frames.push_back(frame.clone());
  return frames;
}

struct Emitted {
  std::vector<std::int64_t> indexes;
  std::vector<std::chrono::nanoseconds> timestamps;
  std::vector<std::uint64_t> seqs;
};

TEST(VideoSourceWriter, RoundTripWritesEveryFrameInOrder) {
  constexpr int kFrames = 12;
  TempDir dir;
  const std::string out_path = (dir.path / "copy.avi").string();
  Pipeline p{"p"};
  auto& source = p.add<VideoSource>("source", {{"uri", vtest()}, {"max_frames", kFrames}});
  auto& writer = p.add<VideoWriter>("writer", {{"path", out_path}, {"fps", 10.0}});
  p.connect(source.frame, writer.frame);
  p.expose(source.index, "index");
  Emitted emitted;
  p.run([&](Result&& r) {
    ASSERT_TRUE(r.ok()) << describe(r.error());
    emitted.indexes.push_back(r.get<std::int64_t>("index"));
    emitted.timestamps.push_back(r.item().timestamp);
  });

  ASSERT_EQ(emitted.indexes.size(), static_cast<std::size_t>(kFrames));
  for (int i = 0; i < kFrames; ++i) EXPECT_EQ(emitted.indexes[i], i);

  const std::vector<cv::Mat> original = read_all(vtest(), kFrames);
  const std::vector<cv::Mat> written = read_all(out_path);
  ASSERT_EQ(written.size(), static_cast<std::size_t>(kFrames));
  for (int i = 0; i < kFrames; ++i) {
    ASSERT_EQ(written[i].size(), original[i].size());
    // MJPG is lossy; frame i must still be a close copy of source frame i (order kept).
    EXPECT_GT(cv::PSNR(written[i], original[i]), 30.0) << "frame " << i;
  }
}

TEST(VideoSource, TimestampsAreStreamPositionsFromTheFirstFrameIncreasingWithTheIndex) {
  constexpr int kFrames = 20;
  Pipeline p{"p"};
  auto& source = p.add<VideoSource>("source", {{"uri", vtest()}, {"max_frames", kFrames}});
  p.expose(source.index, "index");
  p.expose(source.frame, "frame");
  Emitted emitted;
  p.run([&](Result&& r) {
    emitted.indexes.push_back(r.get<std::int64_t>("index"));
    emitted.timestamps.push_back(r.item().timestamp);
    emitted.seqs.push_back(r.item().seq);
  });
  ASSERT_EQ(emitted.indexes.size(), static_cast<std::size_t>(kFrames));

  cv::VideoCapture capture(vtest());
  cv::Mat frame;
  double first_ms = 0;
  for (int i = 0; i < kFrames; ++i) {
    ASSERT_TRUE(capture.read(frame));
    if (i == 0) first_ms = capture.get(cv::CAP_PROP_POS_MSEC);
    const auto expected = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double, std::milli>(capture.get(cv::CAP_PROP_POS_MSEC) - first_ms));
    EXPECT_EQ(emitted.indexes[i], i);
    EXPECT_EQ(emitted.seqs[i], static_cast<std::uint64_t>(i));
    EXPECT_EQ(emitted.timestamps[i], expected) << "frame " << i;
    if (i > 0) {
      EXPECT_GT(emitted.timestamps[i], emitted.timestamps[i - 1]) << "frame " << i;
    }
  }
  // Stream time, not wall-clock time: 20 frames span about 20 frame periods.
  const double fps = capture.get(cv::CAP_PROP_FPS);
  ASSERT_GT(fps, 0);
  const double span_s =
      std::chrono::duration<double>(emitted.timestamps.back() - emitted.timestamps.front()).count();
  EXPECT_NEAR(span_s, (kFrames - 1) / fps, 0.5 / fps);
}

/// The timestamps of the first `frames` frames VideoSource emits for `uri`.
std::vector<std::chrono::nanoseconds> timestamps(const std::string& uri, int frames) {
  Pipeline p{"p"};
  auto& source = p.add<VideoSource>("source", {{"uri", uri}, {"max_frames", frames}});
  p.expose(source.index, "index");
  std::vector<std::chrono::nanoseconds> out;
  p.run([&](Result&& r) { out.push_back(r.item().timestamp); });
  return out;
}

TEST(VideoSource, FirstFrameIsAtTimeZeroAndTheNextOneAFramePeriodLater) {
  // Megamind.avi (23.976 fps) reports 41.7 ms for its first frame, vtest.avi (10 fps) 0.
  for (const auto& [uri, fps] : {std::pair{megamind(), 24000.0 / 1001}, std::pair{vtest(), 10.0}}) {
    const auto stamps = timestamps(uri, 3);
    ASSERT_EQ(stamps.size(), 3U) << uri;
    EXPECT_EQ(stamps[0].count(), 0) << uri;
    EXPECT_NEAR(std::chrono::duration<double>(stamps[1]).count(), 1 / fps, 1e-4) << uri;
    EXPECT_NEAR(std::chrono::duration<double>(stamps[2]).count(), 2 / fps, 1e-4) << uri;
  }
}

/// The frame rate and frame count of the file VideoSource(uri, frames) -> VideoWriter(params)
/// writes.
std::pair<double, int> copy_video(const std::string& uri, int frames, json writer_params) {
  TempDir dir;
  const std::string path = (dir.path / "copy.avi").string();
  writer_params["path"] = path;
  {
    Pipeline p{"p"};
    auto& source = p.add<VideoSource>("source", {{"uri", uri}, {"max_frames", frames}});
    auto& writer = p.add<VideoWriter>("writer", writer_params);
    p.connect(source.frame, writer.frame);
    p.expose(source.index, "index");
    p.run();
  }
  return {cv::VideoCapture(path).get(cv::CAP_PROP_FPS), static_cast<int>(read_all(path).size())};
}

TEST(VideoSourceWriter, WrittenFileKeepsTheSourceFrameRate) {
  const auto [megamind_fps, megamind_frames] = copy_video(megamind(), 24, json::object());
  EXPECT_NEAR(megamind_fps, 23.976, 0.01);  // not 25
  EXPECT_EQ(megamind_frames, 24);
  const auto [vtest_fps, vtest_frames] = copy_video(vtest(), 5, json::object());
  EXPECT_NEAR(vtest_fps, 10.0, 0.01);
  EXPECT_EQ(vtest_frames, 5);
}

TEST(VideoSourceWriter, FpsParamOverridesTheSourceRate) {
  const auto [fps, frames] = copy_video(megamind(), 6, {{"fps", 12.0}});
  EXPECT_NEAR(fps, 12.0, 0.01);
  EXPECT_EQ(frames, 6);
}

TEST(VideoSourceWriter, SingleFrameIsWrittenAtTwentyFiveFps) {
  const auto [fps, frames] = copy_video(megamind(), 1, json::object());
  EXPECT_NEAR(fps, 25.0, 0.01);
  EXPECT_EQ(frames, 1);
}

TEST(VideoSource, WholeStreamEndsAfterTheLastFrame) {
  cv::VideoCapture capture(vtest());
  std::size_t expected = 0;
  while (capture.grab()) ++expected;
  ASSERT_GT(expected, 100u);
  Pipeline p{"p"};
  auto& source = p.add<VideoSource>("source", {{"uri", vtest()}});
  p.expose(source.index, "index");
  std::vector<std::int64_t> indexes;
  p.run([&](Result&& r) { indexes.push_back(r.get<std::int64_t>("index")); });
  ASSERT_EQ(indexes.size(), expected);
  EXPECT_EQ(indexes.back(), static_cast<std::int64_t>(expected) - 1);
}

// vtest.avi (10 fps) replayed in real time into a cell 10x slower than its frame period. Live:
// every delivered frame is younger than 3 periods + 1 processing time, and the frames it
// replaced explain the difference. Not live: every frame is processed, latency grows.
/// Passes frames through after sleeping sleep_ms (a model slower than the video).
class SleepMat final : public Cell {
 public:
  Input<cv::Mat> in{*this, "in"};
  Output<cv::Mat> out{*this, "out"};
  Param<double> sleep_ms{*this, "sleep_ms", 0.0, "milliseconds per frame"};
  void process(Context& ctx) override {
    std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(*sleep_ms));
    ctx.emit(out, ctx.take(in));
  }
};

struct Replay {
  std::vector<double> latency_ms;
  int replaced = 0;
};

Replay replay(bool live, int frames) {
  Pipeline p{"replay"};
  auto& source = p.add<VideoSource>(
      "source", {{"uri", vtest()}, {"max_frames", frames}, {"realtime", true}, {"live", live}});
  auto& slow = p.add<SleepMat>("slow", {{"sleep_ms", 1000}});
  p.connect(source.frame, slow.in);
  p.expose(slow.out, "frame");
  auto drops = std::make_shared<cellflow::testing::DropCounter>();
  p.start({.max_in_flight = 64, .on_error = ErrorPolicy::kFailFast, .observer = drops});
  Replay out;
  p.run([&](Result&& r) {
    out.latency_ms.push_back(std::chrono::duration<double, std::milli>(
                                 std::chrono::system_clock::now() - r.item().admitted)
                                 .count());
  });
  out.replaced = drops->drops["source//replaced"];
  return out;
}

TEST(VideoSource, ALiveRealtimeReplayKeepsLatencyBoundedBehindASlowCell) {
  const Replay live = replay(true, 30);  // 3 s at 10 fps, 1 s per processed frame
  ASSERT_GE(live.latency_ms.size(), 2u);
  EXPECT_EQ(static_cast<int>(live.latency_ms.size()) + live.replaced, 30)
      << "each frame is processed or counted as replaced";
  for (const double ms : live.latency_ms) EXPECT_LT(ms, 3 * 100 + 1000 + 200);
  const Replay kept = replay(false, 4);
  EXPECT_EQ(kept.latency_ms.size(), 4u) << "not live: every frame is processed";
  EXPECT_EQ(kept.replaced, 0);
  EXPECT_GT(kept.latency_ms.back(), 2000) << "and the last one waited behind the others";
}

TEST(VideoSource, MissingFileIsAnErrorNamingTheUri) {
  Pipeline p{"p"};
  auto& source = p.add<VideoSource>("source", {{"uri", "/no/such/dir/clip.avi"}});
  p.expose(source.frame, "frame");
  try {
    p.start();
    FAIL() << "expected cellflow::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/no/such/dir/clip.avi"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("source"), std::string::npos) << e.what();
  }
}

TEST(VideoSource, FileThatIsNoVideoIsAnErrorNamingTheUri) {
  TempDir dir;
  const std::string path = (dir.path / "notes.avi").string();
  std::ofstream(path) << "not a video at all\n";
  Pipeline p{"p"};
  auto& source = p.add<VideoSource>("source", {{"uri", path}});
  p.expose(source.frame, "frame");
  try {
    p.start();
    FAIL() << "expected cellflow::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(VideoSource, MissingUriAndBadMaxFramesAreConfigErrors) {
  Pipeline p{"p"};
  auto& source = p.add<VideoSource>("source", {{"max_frames", -2}});
  p.expose(source.frame, "frame");
  try {
    p.validate();
    FAIL() << "expected cellflow::Error";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("params.uri: required (a file, camera index or URL)"), std::string::npos)
        << what;
    EXPECT_NE(what.find("params.max_frames: must be >= -1, got -2"), std::string::npos) << what;
  }
}

TEST(VideoWriter, FrameOfAnotherSizeFailsItsItemOnly) {
  TempDir dir;
  const std::string out_path = (dir.path / "sizes.avi").string();
  {
    Pipeline p{"p"};
    auto& writer = p.add<VideoWriter>("writer", {{"path", out_path}});
    p.expose(writer.frame, "frame");
    p.start();
    const cv::Mat first(48, 64, CV_8UC3, cv::Scalar(0, 128, 255));
    EXPECT_NO_THROW(p.submit({{"frame", Value(first)}}).get());
    try {
      p.submit({{"frame", Value(cv::Mat(32, 32, CV_8UC3, cv::Scalar::all(0)))}}).get();
      ADD_FAILURE() << "a 32x32 frame after 64x48 ones was accepted";
    } catch (const CellFailure& e) {
      EXPECT_NE(std::string(e.what()).find("32x32"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("64x48"), std::string::npos) << e.what();
      EXPECT_THROW(e.rethrow_original(), std::invalid_argument);
    }
    EXPECT_NO_THROW(p.submit({{"frame", Value(first.clone())}}).get());
    p.stop();  // close() finalizes the file
  }
  const std::vector<cv::Mat> written = read_all(out_path);
  ASSERT_EQ(written.size(), 2u);
  EXPECT_EQ(written[0].size(), cv::Size(64, 48));
}

TEST(VideoWriter, MissingDirectoryFailsStartNamingThePath) {
  Pipeline p{"p"};
  auto& writer = p.add<VideoWriter>("writer", {{"path", "/no/such/dir/out.avi"}});
  p.expose(writer.frame, "frame");
  try {
    p.start();
    FAIL() << "expected cellflow::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/no/such/dir/out.avi"), std::string::npos) << e.what();
  }
}

TEST(VideoSource, AnnouncesTheFrameCountOnceOpenCappedByMaxFrames) {
  for (const auto& [max_frames, expected] : {std::pair{-1, 795}, std::pair{50, 50}}) {
    cellflow::Pipeline p{"p"};
    auto& source = p.add<VideoSource>("source", {{"uri", vtest()}, {"max_frames", max_frames}});
    p.expose(source.index, "index");
    EXPECT_FALSE(p.expected_items().has_value()) << "not open yet";
    p.start();
    ASSERT_TRUE(p.expected_items().has_value());
    EXPECT_EQ(*p.expected_items(), static_cast<std::uint64_t>(expected));
    p.stop();
  }
}

}  // namespace
}  // namespace cellflow::vision
