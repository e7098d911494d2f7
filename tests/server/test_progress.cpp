// The CLI's progress line: a bar with percentage and time left when the stream's length is known.
#include <gtest/gtest.h>

#include "../../cli/src/progress.hpp"  // internal: cli/src is private

namespace cellflow::cli::detail {
namespace {

TEST(ProgressText, KnownTotalDrawsABarPercentageAndTimeLeft) {
  EXPECT_EQ(progress_text(40, 0, 80, 5.0),
            "[############............] 40/80 items (50%), 8.0 items/s, 5.0 s, 5 s left");
}

TEST(ProgressText, FinishedStreamHasAFullBarAndNoTimeLeft) {
  EXPECT_EQ(progress_text(80, 2, 80, 10.0),
            "[########################] 80/80 items (100%) (2 failed), 8.0 items/s, 10.0 s");
}

TEST(ProgressText, UnknownTotalCountsItemsOnly) {
  EXPECT_EQ(progress_text(7, 0, std::nullopt, 2.0), "7 items, 3.5 items/s, 2.0 s");
}

}  // namespace
}  // namespace cellflow::cli::detail
