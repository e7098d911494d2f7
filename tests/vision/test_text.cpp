// Text reading with the real PP-OCRv4 models (scripts/fetch-models.sh) on Debian's opencv-doc
// scene photo text/scenetext01.jpg, a sign reading "NOTICE / DOUBLE / PARKING / PROHIBITED / AT
// ALL TIMES".
#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <memory>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

#include "cellflow/error.hpp"
#include "cellflow/pipeline.hpp"
#include "cellflow/registry.hpp"
#include "cellflow/vision/join_words.hpp"
#include "cellflow/vision/text_detector.hpp"
#include "cellflow/vision/text_recognizer.hpp"
#include "cellflow/vision/vision.hpp"
#include "vision_support.hpp"

namespace cellflow::vision {
namespace {

using cellflow::testing::kTextDetector;
using cellflow::testing::kTextKeys;
using cellflow::testing::kTextRecognizer;
using cellflow::testing::missing_models;

cv::Mat sign() {
  cv::Mat image = cv::imread(cellflow::testing::opencv_example("text/scenetext01.jpg"));
  if (image.empty()) throw std::runtime_error("text/scenetext01.jpg missing: install opencv-doc");
  return image;
}

cv::Mat uniform() { return cv::Mat(480, 640, CV_8UC3, cv::Scalar(180, 190, 200)); }

std::vector<std::string> texts(const Words& words) {
  std::vector<std::string> out;
  for (const auto& w : words) out.push_back(w.text);
  return out;
}

std::ptrdiff_t position(const std::vector<std::string>& all, const std::string& text) {
  const auto it = std::find(all.begin(), all.end(), text);
  return it == all.end() ? -1 : it - all.begin();
}

// image -> TextDetector -> TextRecognizer (2 clones) -> JoinWords, shared by the tests below.
class TextReading : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!missing_models({kTextDetector, kTextRecognizer, kTextKeys}).empty()) return;
    pipeline_ = std::make_unique<Pipeline>("read");
    auto& detect = pipeline_->add<TextDetector>("detect");
    auto& recognize = pipeline_->add<TextRecognizer>("recognize", {}, ScaleUp{2});
    auto& join = pipeline_->add<JoinWords>("join");
    pipeline_->connect(detect.regions, recognize.region);
    pipeline_->connect(recognize.word, join.words);
    pipeline_->expose(detect.image, "image");
    pipeline_->expose(join.out, "words");
    pipeline_->expose(join.text, "text");
    pipeline_->start();
  }
  void SetUp() override { CELLFLOW_REQUIRE_MODELS(kTextDetector, kTextRecognizer, kTextKeys); }
  static void TearDownTestSuite() { pipeline_.reset(); }
  static std::future<Result> read(const cv::Mat& image) {
    return pipeline_->submit({{"image", Value(image)}});
  }
  static inline std::unique_ptr<Pipeline> pipeline_;
};

TEST_F(TextReading, ReadsTheSignInReadingOrder) {
  const cv::Mat image = sign();
  Result r = read(image).get();
  const Words& words = r.get<Words>("words");
  const auto all = texts(words);
  const auto notice = position(all, "NOTICE");
  const auto parking = position(all, "PARKING");
  const auto prohibited = position(all, "PROHIBITED");
  ASSERT_GE(notice, 0) << ::testing::PrintToString(all);
  ASSERT_GE(parking, 0) << ::testing::PrintToString(all);
  ASSERT_GE(prohibited, 0) << ::testing::PrintToString(all);
  EXPECT_LT(notice, parking);
  EXPECT_LT(parking, prohibited);
  for (const auto& w : words) {
    EXPECT_FALSE(w.text.empty());
    EXPECT_GT(w.score, 0.5F) << w.text;
    EXPECT_FALSE(w.box.empty()) << w.text;
    EXPECT_EQ(w.box & cv::Rect(0, 0, image.cols, image.rows), w.box) << w.text;
  }
  // the sign's lines are stacked: each word's box is below the previous one
  EXPECT_LT(words[notice].box.y, words[parking].box.y);
  EXPECT_LT(words[parking].box.y, words[prohibited].box.y);
  const auto& text = r.get<std::string>("text");
  EXPECT_NE(text.find("NOTICE\n"), std::string::npos) << text;
  EXPECT_NE(text.find("PARKING\nPROHIBITED"), std::string::npos) << text;
}

TEST_F(TextReading, ReadsADocumentPageLineByLine) {
  const cv::Mat page = cv::imread(cellflow::testing::opencv_example("data/imageTextN.png"));
  ASSERT_FALSE(page.empty());
  Result r = read(page).get();
  const auto& text = r.get<std::string>("text");
  const auto first = text.find("In teaching our courses");
  const auto last = text.find("inspiration from three high-level approaches");
  ASSERT_NE(first, std::string::npos) << text;
  ASSERT_NE(last, std::string::npos) << text;
  EXPECT_LT(first, last) << text;
  EXPECT_EQ(text.rfind("technical details", 0), 0U) << text;  // the page's first line comes first
  EXPECT_GE(std::count(text.begin(), text.end(), '\n'), 10) << text;
}

TEST_F(TextReading, UniformImageYieldsNoWordsAndEmptyText) {
  Result r = read(uniform()).get();
  EXPECT_TRUE(r.get<Words>("words").empty())
      << ::testing::PrintToString(texts(r.get<Words>("words")));
  EXPECT_EQ(r.get<std::string>("text"), "");
}

TEST_F(TextReading, ConcurrentImagesKeepTheirOwnWords) {
  const cv::Mat text = sign();
  std::vector<std::future<Result>> futures;
  for (int i = 0; i < 4; ++i) futures.push_back(read(i % 2 == 0 ? text : uniform()));
  for (int i = 0; i < 4; ++i) {
    Result r = futures[static_cast<std::size_t>(i)].get();
    const auto all = texts(r.get<Words>("words"));
    if (i % 2 == 0) {
      EXPECT_GE(position(all, "NOTICE"), 0)
          << "item " << i << ": " << ::testing::PrintToString(all);
      EXPECT_EQ(std::count(all.begin(), all.end(), "PROHIBITED"), 1) << "item " << i;
    } else {
      EXPECT_TRUE(all.empty()) << "item " << i << ": " << ::testing::PrintToString(all);
    }
  }
}

TEST_F(TextReading, EmptyImageFailsOnlyItsItem) {
  auto bad = read(cv::Mat());
  auto good = read(sign());
  try {
    bad.get();
    ADD_FAILURE() << "an empty image should fail its item";
  } catch (const CellFailure& e) {
    EXPECT_NE(std::string(e.what()).find("detect"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("empty image"), std::string::npos) << e.what();
  }
  EXPECT_GE(position(texts(good.get().get<Words>("words")), "PROHIBITED"), 0);
}

TEST(TextDetector, RegionsAreUprightCropsOfTheSignInReadingOrder) {
  CELLFLOW_REQUIRE_MODELS(kTextDetector);
  const cv::Mat image = sign();
  Pipeline p{"detect"};
  auto& detect = p.add<TextDetector>("detect");
  p.expose(detect.image, "image");
  p.expose(detect.regions, "regions");
  p.start();
  Result r = p.submit({{"image", Value(image)}}).get();
  p.stop();
  const auto& regions = r.values("regions");
  ASSERT_GE(regions.size(), 4U);  // NOTICE, DOUBLE, PARKING, PROHIBITED (, AT ALL TIMES)
  int previous_y = -1;
  for (const Value& v : regions) {
    const auto& region = v.get<TextRegion>();
    EXPECT_GT(region.crop.cols, region.crop.rows);  // horizontal words, upright
    EXPECT_EQ(region.crop.type(), CV_8UC3);
    EXPECT_GE(region.score, 0.6F);
    EXPECT_EQ(region.box & cv::Rect(0, 0, image.cols, image.rows), region.box);
    const cv::Rect around(region.box.x - 1, region.box.y - 1, region.box.width + 2,
                          region.box.height + 2);
    for (const auto& corner : region.quad) EXPECT_TRUE(around.contains(cv::Point(corner)));
    EXPECT_GT(region.box.y, previous_y);  // one word per line on this sign
    previous_y = region.box.y;
  }
}

TEST(TextDetector, MaxRegionsKeepsTheMostConfident) {
  CELLFLOW_REQUIRE_MODELS(kTextDetector);
  Pipeline p{"detect"};
  auto& detect = p.add<TextDetector>("detect", {{"max_regions", 2}});
  p.expose(detect.image, "image");
  p.expose(detect.regions, "regions");
  p.start();
  Result r = p.submit({{"image", Value(sign())}}).get();
  p.stop();
  EXPECT_EQ(r.values("regions").size(), 2U);
}

// A Word from the recognizer on `crop`, or none.
std::vector<Value> recognize(const cv::Mat& crop, const nlohmann::json& params = {}) {
  Pipeline p{"recognize"};
  auto& recognizer =
      p.add<TextRecognizer>("recognize", params.is_null() ? nlohmann::json::object() : params);
  p.expose(recognizer.region, "region");
  p.expose(recognizer.word, "word");
  p.start();
  TextRegion region{crop, {}, cv::Rect(10, 20, crop.cols, crop.rows), 1.0F};
  Result r = p.submit({{"region", Value(region)}}).get();
  p.stop();
  return r.values("word");
}

TEST(TextRecognizer, ReadsAWordCroppedByHand) {
  CELLFLOW_REQUIRE_MODELS(kTextRecognizer, kTextKeys);
  const cv::Mat image = sign();
  const auto notice = recognize(image(cv::Rect(266, 28, 172, 56)).clone());
  ASSERT_EQ(notice.size(), 1U);
  EXPECT_EQ(notice[0].get<Word>().text, "NOTICE");
  EXPECT_GT(notice[0].get<Word>().score, 0.8F);
  EXPECT_EQ(notice[0].get<Word>().box, cv::Rect(10, 20, 172, 56));  // the region's box
  const auto prohibited = recognize(image(cv::Rect(266, 165, 165, 48)).clone());
  ASSERT_EQ(prohibited.size(), 1U);
  EXPECT_EQ(prohibited[0].get<Word>().text, "PROHIBITED");
}

TEST(TextRecognizer, ReadsALineLongerThanItsInputPieceByPiece) {
  CELLFLOW_REQUIRE_MODELS(kTextRecognizer, kTextKeys);
  // 490x22: at height 48 this is over 1000 wide, three times the recognizer's input
  const cv::Mat page = cv::imread(cellflow::testing::opencv_example("data/imageTextN.png"));
  const auto line = recognize(page(cv::Rect(45, 33, 490, 22)).clone());
  ASSERT_EQ(line.size(), 1U);
  const std::string& text = line[0].get<Word>().text;
  EXPECT_EQ(text.rfind("In teaching our courses", 0), 0U) << text;
  EXPECT_NE(text.find("attempt a number of"), std::string::npos) << text;
}

// Five regions submitted together run as one batch (their six pieces in one forward pass): each
// gets the word it gets alone, and the empty crop fails on its own.
TEST(TextRecognizer, ABatchReadsTheSameWordsAsOneRegionAtATimeAndFailsOnlyTheBadCrop) {
  CELLFLOW_REQUIRE_MODELS(kTextRecognizer, kTextKeys);
  const cv::Mat image = sign();
  const cv::Mat page = cv::imread(cellflow::testing::opencv_example("data/imageTextN.png"));
  const std::vector<cv::Mat> crops{
      image(cv::Rect(266, 28, 172, 56)).clone(), page(cv::Rect(45, 33, 490, 22)).clone(), cv::Mat(),
      cv::Mat(40, 160, CV_8UC3, cv::Scalar::all(128)), image(cv::Rect(266, 165, 165, 48)).clone()};
  Pipeline p{"recognize"};
  auto& recognizer = p.add<TextRecognizer>("recognize");
  p.expose(recognizer.region, "region");
  p.expose(recognizer.word, "word");
  p.set_batch("recognize", Batch::up_to(8, 10000, {crops.size()}));
  auto sizes = std::make_shared<cellflow::testing::BatchSizes>();
  p.start({.max_in_flight = 16, .observer = sizes});
  std::vector<std::future<Result>> futures;
  for (const cv::Mat& crop : crops) {
    TextRegion region{crop, {}, cv::Rect(10, 20, crop.cols, crop.rows), 1.0F};
    futures.push_back(p.submit({{"region", Value(region)}}));
  }
  std::vector<std::string> read;
  for (std::size_t i = 0; i < crops.size(); ++i) {
    if (crops[i].empty()) {
      EXPECT_THROW(futures[i].get(), CellFailure) << "the empty crop fails its item only";
      continue;
    }
    const auto batched = futures[i].get().values("word");
    const auto alone = recognize(crops[i]);
    ASSERT_EQ(batched.size(), 1U);
    ASSERT_EQ(alone.size(), 1U);
    EXPECT_EQ(batched[0].get<Word>().text, alone[0].get<Word>().text) << "crop " << i;
    EXPECT_NEAR(batched[0].get<Word>().score, alone[0].get<Word>().score, 1e-4) << "crop " << i;
    EXPECT_EQ(batched[0].get<Word>().box, cv::Rect(10, 20, crops[i].cols, crops[i].rows));
    read.push_back(batched[0].get<Word>().text);
  }
  p.stop();
  EXPECT_EQ(sizes->sizes, std::vector<std::size_t>{crops.size()}) << "one batch of all five";
  EXPECT_EQ(read.front(), "NOTICE");
  EXPECT_EQ(read.back(), "PROHIBITED");
  EXPECT_EQ(read[1].rfind("In teaching our courses", 0), 0U) << read[1];
}

TEST(TextRecognizer, MinScoreDropsUnreadableCrops) {
  CELLFLOW_REQUIRE_MODELS(kTextRecognizer, kTextKeys);
  const cv::Mat blank(40, 160, CV_8UC3, cv::Scalar::all(128));
  const auto kept = recognize(blank);
  ASSERT_EQ(kept.size(), 1U);  // default min_score 0: every region gives a word
  EXPECT_EQ(kept[0].get<Word>().text, "");
  EXPECT_TRUE(recognize(blank, {{"min_score", 0.5}}).empty());
  const auto word = recognize(sign()(cv::Rect(266, 28, 172, 56)).clone(), {{"min_score", 0.5}});
  ASSERT_EQ(word.size(), 1U);
  EXPECT_EQ(word[0].get<Word>().text, "NOTICE");
}

// Emits each word of a Words value: hand-made input for JoinWords.
class SpreadWords final : public Cell {
 public:
  Input<Words> in{*this, "in"};
  Output<Word> out{*this, "out"};
  void process(Context& ctx) override {
    for (auto& w : ctx.take(in)) ctx.emit(out, std::move(w));
  }
};

Result join(Words words) {
  Pipeline p{"join"};
  auto& spread = p.add<SpreadWords>("spread");
  auto& join = p.add<JoinWords>("join");
  p.connect(spread.out, join.words);
  p.expose(spread.in, "words");
  p.expose(join.out, "sorted");
  p.expose(join.text, "text");
  p.start();
  Result r = p.submit({{"words", Value(std::move(words))}}).get();
  p.stop();
  return r;
}

TEST(JoinWords, SortsShuffledWordsIntoLinesTopToBottomLeftToRight) {
  // line 1 at y 10..40 (slightly uneven baselines), line 2 at y 60..88; an empty word is dropped
  Result r = join({{"line", 0.9F, cv::Rect(130, 62, 60, 26)},
                   {"world", 0.9F, cv::Rect(120, 14, 80, 28)},
                   {"", 0.0F, cv::Rect(300, 10, 30, 30)},
                   {"second", 0.9F, cv::Rect(10, 60, 100, 28)},
                   {"hello", 0.9F, cv::Rect(10, 10, 90, 30)},
                   {"!", 0.9F, cv::Rect(220, 12, 10, 27)}});
  EXPECT_EQ(texts(r.get<Words>("sorted")),
            (std::vector<std::string>{"hello", "world", "!", "second", "line"}));
  EXPECT_EQ(r.get<std::string>("text"), "hello world !\nsecond line");
  EXPECT_EQ(r.get<Words>("sorted")[0].box, cv::Rect(10, 10, 90, 30));
}

TEST(JoinWords, NoWordsGiveAnEmptyListAndText) {
  Result r = join({});
  EXPECT_TRUE(r.get<Words>("sorted").empty());
  EXPECT_EQ(r.get<std::string>("text"), "");
}

void expect_start_error(Pipeline& p, const std::vector<std::string>& parts) {
  try {
    p.start();
    p.stop();
    ADD_FAILURE() << "expected cellflow::Error at start";
  } catch (const Error& e) {
    for (const auto& part : parts)
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << part << " in " << e.what();
  }
}

TEST(TextModels, MissingDetectorModelFailsStartNamingTheFileAndTheFetchScript) {
  Pipeline p{"p"};
  auto& detect = p.add<TextDetector>("detect", {{"model", "ppocr/no-such-det.onnx"}});
  p.expose(detect.image, "image");
  p.expose(detect.regions, "regions");
  expect_start_error(p, {"ppocr/no-such-det.onnx", "scripts/fetch-models.sh"});
}

TEST(TextModels, MissingRecognizerFilesFailStartNamingTheFileAndTheFetchScript) {
  CELLFLOW_REQUIRE_MODELS(kTextRecognizer, kTextKeys);
  for (const auto& [param, file] : {std::pair{"model", "ppocr/no-such-rec.onnx"},
                                    std::pair{"keys", "ppocr/no-such-keys.txt"}}) {
    Pipeline p{"p"};
    auto& recognize = p.add<TextRecognizer>("recognize", {{param, file}}, ScaleUp{2});
    p.expose(recognize.region, "region");
    p.expose(recognize.word, "word");
    expect_start_error(p, {file, "scripts/fetch-models.sh"});
  }
}

TEST(TextModels, OutOfRangeParamsAreConfigErrors) {
  Pipeline p{"p"};
  auto& detect = p.add<TextDetector>("detect", {{"threshold", 1.5}});
  auto& recognize = p.add<TextRecognizer>("recognize", {{"min_score", -1}});
  p.connect(detect.regions, recognize.region);
  p.expose(detect.image, "image");
  p.expose(recognize.word, "word");
  expect_start_error(p, {"threshold", "min_score"});
}

TEST(TextModels, RegisterVisionAddsTheTextCells) {
  Registry registry;
  register_vision(registry);
  for (const char* type : {"TextDetector", "TextRecognizer", "JoinWords"}) {
    ASSERT_TRUE(registry.contains(type)) << type;
    EXPECT_FALSE(registry.description(type).empty()) << type;
  }
  EXPECT_NE(dynamic_cast<JoinWords*>(registry.create("JoinWords").get()), nullptr);
}

}  // namespace
}  // namespace cellflow::vision
