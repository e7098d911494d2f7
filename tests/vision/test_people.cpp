// PeopleDetector on a real video (Debian's opencv-doc vtest.avi: people walking in a square),
// checked against a direct cv::HOGDescriptor loop written here.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>
#include <opencv2/videoio.hpp>
#include <string>
#include <vector>

#include "cellflow/error.hpp"
#include "cellflow/pipeline.hpp"
#include "cellflow/vision/people_detector.hpp"
#include "cellflow/vision/video_source.hpp"
#include "vision_support.hpp"

namespace cellflow::vision {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string vtest() { return cellflow::testing::opencv_example("data/vtest.avi"); }

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

/// OpenCV's peopledetect sample settings, the cell's defaults.
std::vector<cv::Rect> hog_people(const cv::HOGDescriptor& hog, const cv::Mat& frame) {
  std::vector<cv::Rect> found;
  std::vector<double> weights;
  hog.detectMultiScale(frame, found, weights, 0.0, cv::Size(8, 8), cv::Size(0, 0), 1.05, 2.0,
                       false);
  return found;
}

TEST(PeopleDetector, PipelineCountsEqualADirectHogLoopFrameByFrame) {
  constexpr int kFrames = 50;
  Pipeline p{"people"};
  auto& source = p.add<VideoSource>("source", {{"uri", vtest()}, {"max_frames", kFrames}});
  auto& detect = p.add<PeopleDetector>("detect", json::object(), ScaleUp{2});
  p.connect(source.frame, detect.image);
  p.expose(detect.people, "people");
  std::vector<Detections> results;
  const auto pipeline_start = Clock::now();
  p.run([&](Result&& r) {
    EXPECT_EQ(r.item().seq, results.size());
    results.push_back(r.take<Detections>("people"));
  });
  const double pipeline_ms = ms_since(pipeline_start);
  ASSERT_EQ(results.size(), static_cast<std::size_t>(kFrames));

  cv::HOGDescriptor hog;
  hog.setSVMDetector(cv::HOGDescriptor::getDefaultPeopleDetector());
  cv::VideoCapture capture(vtest());
  cv::Mat frame;
  double hog_ms = 0;
  std::size_t total = 0;
  for (int i = 0; i < kFrames; ++i) {
    ASSERT_TRUE(capture.read(frame));
    const auto start = Clock::now();
    const std::vector<cv::Rect> expected = hog_people(hog, frame);
    hog_ms += ms_since(start);
    EXPECT_EQ(results[i].items.size(), expected.size()) << "frame " << i;
    EXPECT_EQ(results[i].image_size, frame.size());
    total += expected.size();
  }
  EXPECT_GT(total, static_cast<std::size_t>(kFrames));  // vtest.avi has several people per frame
  std::cout << "[ HOG      ] direct loop " << hog_ms / kFrames << " ms/frame; pipeline with 2 "
            << "clones " << pipeline_ms / kFrames << " ms/frame\n";
}

TEST(PeopleDetector, BoxesAreLabelledScoredAndInsideTheImage) {
  cv::VideoCapture capture(vtest());
  cv::Mat frame;
  ASSERT_TRUE(capture.read(frame));
  Pipeline p{"p"};
  auto& detect = p.add<PeopleDetector>("detect");
  p.expose(detect.image, "image");
  p.expose(detect.people, "people");
  p.start();
  const Detections found = p.submit({{"image", Value(frame)}}).get().get<Detections>("people");
  p.stop();
  ASSERT_FALSE(found.items.empty());
  const cv::Rect2f bounds(0, 0, static_cast<float>(frame.cols), static_cast<float>(frame.rows));
  for (const auto& person : found.items) {
    EXPECT_EQ(person.label, "person");
    EXPECT_GT(person.score, 0.0F);
    EXPECT_LT(person.score, 1.0F);
    EXPECT_EQ(person.box & bounds, person.box);
    EXPECT_GT(person.box.height, person.box.width);  // standing people: tall boxes
  }
}

// hit_threshold is live: raised while the pipeline runs (2 clones), the next items keep only
// the windows with a larger SVM margin: score 1/(1+exp(-w)) above that of the threshold.
TEST(PeopleDetector, HitThresholdIsALiveParam) {
  cv::VideoCapture capture(vtest());
  cv::Mat frame;
  ASSERT_TRUE(capture.read(frame));
  Pipeline p{"p"};
  auto& detect = p.add<PeopleDetector>("detect", {}, ScaleUp{2});
  p.expose(detect.image, "image");
  p.expose(detect.people, "people");
  p.start();
  const auto people = [&] {
    return p.submit({{"image", Value(frame)}}).get().get<Detections>("people");
  };
  const Detections before = people();
  ASSERT_FALSE(before.items.empty());
  const float best = before.items.front().score;
  const double margin = std::log(best / (1 - best));  // the best box's SVM margin
  p.set_param("detect", "hit_threshold", margin + 0.5);
  const Detections after = people();
  p.stop();
  EXPECT_LT(after.items.size(), before.items.size());
  for (const auto& person : after.items) EXPECT_GT(person.score, best) << "only stronger windows";
}

TEST(PeopleDetector, ResizeWidthDetectsOnASmallerCopyAndMapsBoxesBack) {
  cv::VideoCapture capture(vtest());
  cv::Mat frame;
  ASSERT_TRUE(capture.read(frame));
  Pipeline p{"p"};
  auto& detect = p.add<PeopleDetector>("detect", {{"resize_width", frame.cols * 3 / 4}});
  p.expose(detect.image, "image");
  p.expose(detect.people, "people");
  p.start();
  const Detections found = p.submit({{"image", Value(frame)}}).get().get<Detections>("people");
  p.stop();

  cv::Mat small;
  cv::resize(frame, small, cv::Size(frame.cols * 3 / 4, frame.rows * 3 / 4), 0, 0, cv::INTER_AREA);
  cv::HOGDescriptor hog;
  hog.setSVMDetector(cv::HOGDescriptor::getDefaultPeopleDetector());
  const std::vector<cv::Rect> expected = hog_people(hog, small);
  ASSERT_FALSE(expected.empty());
  ASSERT_EQ(found.items.size(), expected.size());
  EXPECT_EQ(found.image_size, frame.size());
  // Same boxes, in original pixels (order may differ: match each to its nearest).
  for (const auto& box : expected) {
    const cv::Rect2f scaled(box.x * 4.0F / 3, box.y * 4.0F / 3, box.width * 4.0F / 3,
                            box.height * 4.0F / 3);
    double best = 1e9;
    for (const auto& person : found.items)
      best = std::min(
          best, cv::norm(person.box.tl() - scaled.tl()) + cv::norm(person.box.br() - scaled.br()));
    EXPECT_LT(best, 2.0) << "box " << box;
  }
}

/// Frames 0, 10, 20... of vtest.avi.
std::vector<cv::Mat> vtest_frames(int count) {
  cv::VideoCapture capture(vtest());
  std::vector<cv::Mat> frames;
  cv::Mat frame;
  for (int i = 0; i < count * 10 && capture.read(frame); ++i)
    if (i % 10 == 0) frames.push_back(frame.clone());
  return frames;
}

/// (score, box) of each detection, in the order given.
std::vector<std::pair<float, cv::Rect2f>> listing(const Detections& found) {
  std::vector<std::pair<float, cv::Rect2f>> out;
  for (const auto& d : found.items) out.emplace_back(d.score, d.box);
  return out;
}

TEST(PeopleDetector, BoxesComeBestFirstThenTopToBottomAndTheSameOnEveryRun) {
  Pipeline p{"p"};
  auto& detect = p.add<PeopleDetector>("detect");
  p.expose(detect.image, "image");
  p.expose(detect.people, "people");
  p.start();
  const auto run = [&](const cv::Mat& frame) {
    return p.submit({{"image", Value(frame)}}).get().get<Detections>("people");
  };
  for (const cv::Mat& frame : vtest_frames(4)) {
    const Detections first = run(frame);
    ASSERT_GE(first.items.size(), 2U);
    for (std::size_t i = 1; i < first.items.size(); ++i) {
      const Detection& a = first.items[i - 1];
      const Detection& b = first.items[i];
      EXPECT_TRUE(a.score > b.score || (a.score == b.score && a.box.y <= b.box.y))
          << "detection " << i << " (" << b.score << " " << b.box << ") comes after (" << a.score
          << " " << a.box << ")";
    }
    for (int again = 0; again < 3; ++again) EXPECT_EQ(listing(run(frame)), listing(first));
  }
  p.stop();
}

TEST(PeopleDetector, BadParamsAreConfigErrorsNamingTheParam) {
  Pipeline p{"p"};
  auto& detect = p.add<PeopleDetector>("detect", {{"win_stride", 12}, {"scale", 1.0}});
  p.expose(detect.image, "image");
  p.expose(detect.people, "people");
  try {
    p.validate();
    FAIL() << "expected cellflow::Error";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("params.win_stride: must be a positive multiple of 8, got 12"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("params.scale: must be > 1, got 1.0"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace cellflow::vision
