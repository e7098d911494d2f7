#include "mat_view.hpp"

#include <opencv2/core.hpp>
#include <utility>

namespace cellflow::codecs {
namespace {

// Releases the owner when the last Mat sharing the UMatData goes. It never allocates: a Mat
// that is re-created (create() with another size) allocates with OpenCV's default allocator.
class OwnerAllocator final : public cv::MatAllocator {
 public:
  cv::UMatData* allocate(int, const int*, int, void*, size_t*, cv::AccessFlag,
                         cv::UMatUsageFlags) const override {
    return nullptr;
  }
  bool allocate(cv::UMatData*, cv::AccessFlag, cv::UMatUsageFlags) const override { return false; }
  void deallocate(cv::UMatData* data) const override {
    delete static_cast<std::shared_ptr<const void>*>(data->userdata);
    data->userdata = nullptr;
    delete data;
  }
  void unmap(cv::UMatData* data) const override {
    if (data->urefcount == 0 && data->refcount == 0) deallocate(data);
  }
};

const OwnerAllocator& owner_allocator() {
  static const OwnerAllocator allocator;
  return allocator;
}

}  // namespace

cv::Mat mat_view(int rows, int cols, int type, const void* data,
                 std::shared_ptr<const void> owner) {
  cv::Mat mat(rows, cols, type, const_cast<void*>(data));
  auto* shared = new cv::UMatData(&owner_allocator());
  shared->data = shared->origdata = mat.data;
  shared->size = mat.total() * mat.elemSize();
  shared->refcount = 1;
  shared->userdata = new std::shared_ptr<const void>(std::move(owner));
  mat.u = shared;
  return mat;
}

}  // namespace cellflow::codecs
