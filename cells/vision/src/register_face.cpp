#include "register_parts.hpp"

namespace cellflow::vision {

void register_face_cells(Registry& registry) { (void)registry; }

}  // namespace cellflow::vision
