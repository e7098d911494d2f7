// The cellflow section of the statistics extension: per scheduled cell of one pipeline, its
// clones and queue depth (Pipeline::stats()) and, per clone, the items, failures and times that
// the metrics' cell families hold, so /stats and /metrics show the same numbers.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "cellflow/pipeline.hpp"
#include "http/metrics_observer.hpp"

namespace cellflow::server::detail {

/// [{"path", "clones" (the count, or "plain"), "queue_depth", "items", "failures", "compute_ns",
/// "queue_wait_ns",
///   "per_clone": [{"clone", "items", "failures", "compute_ns"}]}], in the order items reach
/// the cells. A cloned nested pipeline is one entry whose counters sum its leaf cells'.
nlohmann::json cell_statistics(const CellFamilies& families, const Pipeline& pipeline);

}  // namespace cellflow::server::detail
