// MotionDetector: frame differencing on synthetic frames, where what moved is known exactly.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "cellflow/cellflow.hpp"
#include "cellflow/vision/motion_detector.hpp"
#include "support/helpers.hpp"

namespace cellflow::vision {
namespace {

cv::Mat black() { return cv::Mat(240, 320, CV_8UC3, cv::Scalar::all(0)); }

cv::Mat with_square(cv::Rect square) {
  cv::Mat frame = black();
  cv::rectangle(frame, square, cv::Scalar::all(255), cv::FILLED);
  return frame;
}

Detections motion_in(CellRunner& motion, const cv::Mat& frame) {
  return motion.run({{"image", Value(frame)}}).get<Detections>("motion");
}

TEST(MotionDetector, FindsTheRegionThatChangedSinceThePreviousFrame) {
  auto motion = CellRunner::of<MotionDetector>();
  EXPECT_TRUE(motion_in(motion, black()).items.empty()) << "the first frame has nothing before it";
  EXPECT_TRUE(motion_in(motion, black()).items.empty()) << "nothing changed";
  const cv::Rect square(100, 80, 40, 40);
  const Detections found = motion_in(motion, with_square(square));
  ASSERT_EQ(found.items.size(), 1u);
  const Detection& box = found.items[0];
  EXPECT_EQ(box.label, "motion");
  EXPECT_EQ(found.image_size, cv::Size(320, 240));
  EXPECT_TRUE((cv::Rect(box.box) & square) == square) << "the box covers the square";
  EXPECT_LT(box.box.area(), 2.0F * square.area()) << "and little more";
  EXPECT_GT(box.score, 0.5F) << "most of its pixels changed";
  // The square jumps right: where it was and where it is now both changed.
  const Detections moved = motion_in(motion, with_square({160, 80, 40, 40}));
  ASSERT_EQ(moved.items.size(), 2u);
  cv::Rect both = cv::Rect(moved.items[0].box) | cv::Rect(moved.items[1].box);
  EXPECT_TRUE((both & cv::Rect(100, 80, 100, 40)) == cv::Rect(100, 80, 100, 40)) << both;
}

TEST(MotionDetector, RegionsBelowMinAreaAreIgnored) {
  auto coarse = CellRunner::of<MotionDetector>();
  motion_in(coarse, black());
  EXPECT_TRUE(motion_in(coarse, with_square({10, 10, 6, 6})).items.empty());
  auto fine = CellRunner::of<MotionDetector>({{"min_area", 20}});
  motion_in(fine, black());
  EXPECT_EQ(motion_in(fine, with_square({10, 10, 6, 6})).items.size(), 1u);
}

TEST(MotionDetector, ChangesBelowTheThresholdAreNoMotion) {
  auto motion = CellRunner::of<MotionDetector>({{"threshold", 60}});
  motion_in(motion, black());
  const cv::Mat dim(240, 320, CV_8UC3, cv::Scalar::all(40));
  EXPECT_TRUE(motion_in(motion, dim).items.empty());
  EXPECT_EQ(motion_in(motion, with_square({50, 50, 60, 60})).items.size(), 1u);
}

TEST(MotionDetector, ANewFrameSizeStartsOverAndBadImagesFailTheirItem) {
  auto motion = CellRunner::of<MotionDetector>();
  motion_in(motion, black());
  EXPECT_TRUE(motion_in(motion, cv::Mat(100, 100, CV_8UC3, cv::Scalar::all(255))).items.empty())
      << "no previous frame of that size";
  const Result empty = motion.run({{"image", Value(cv::Mat())}});
  EXPECT_TRUE(
      testing::contains_all(describe(empty.error()), {"cannot look for motion in an empty image"}))
      << describe(empty.error());
  const Result floats = motion.run({{"image", Value(cv::Mat(10, 10, CV_32FC1))}});
  EXPECT_TRUE(testing::contains_all(describe(floats.error()), {"motion needs an 8-bit image"}));
  const auto problems = testing::join_lines(testing::problems_of([] {
    CellRunner::of<MotionDetector>({{"threshold", 0}});
  }));
  EXPECT_TRUE(testing::contains_all(problems, {"threshold", "[1, 255]"})) << problems;
}

}  // namespace
}  // namespace cellflow::vision
