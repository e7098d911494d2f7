// The dashboard's files (server/dashboard: our page and the npm packages it uses, at pinned
// versions), embedded into the server at build time by cmake/embed_assets.cmake.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace cellflow::server::detail {

struct EmbeddedAsset {
  std::string_view name;  ///< e.g. "index.html", "dagre.min.js"
  const char* data;
  std::size_t size;
};

const std::vector<EmbeddedAsset>& dashboard_assets();

}  // namespace cellflow::server::detail
