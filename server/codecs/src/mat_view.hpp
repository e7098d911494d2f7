// A cv::Mat over bytes that another object owns, keeping that owner alive for as long as any
// copy of the Mat lives (no pixel copy): a UINT8 request tensor becomes the cell's image in
// place, and stays valid after the request has been answered or timed out.
#pragma once

#include <memory>
#include <opencv2/core/mat.hpp>

namespace cellflow::codecs {

/// A rows x cols Mat of `type` over `data`; `owner` keeps `data` alive. Writing to the Mat
/// writes to that memory (the tensor's own buffer, never shared with the client).
cv::Mat mat_view(int rows, int cols, int type, const void* data, std::shared_ptr<const void> owner);

}  // namespace cellflow::codecs
