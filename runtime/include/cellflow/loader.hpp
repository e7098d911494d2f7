// Builds pipelines from the JSON config format (README, "Pipeline configs"):
//   {"name": "p", "cells": [{"name": "a", "type": "Delay", "params": {...}, "clones": 2},
//                           {"name": "sub", "pipeline": { ...nested config... }}],
//    "connections": [["a.out", "b.in"]], "inputs": {"x": "a.in"}, "outputs": {"y": "b.out"},
//    "max_in_flight": 64}
// Every problem is collected and thrown as one cellflow::Error, each naming its config path
// ("cells[1].params.sleep_ms: expected integer, got string \"x\"").
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cellflow/pipeline.hpp"
#include "cellflow/registry.hpp"

namespace cellflow {

/// `registry` must outlive the pipeline (clones of nested pipelines are built from it).
std::unique_ptr<Pipeline> load_pipeline(const nlohmann::json& config, const Registry& registry);
/// Reads and parses a file; parse errors name the file, line and column.
/// `param_overrides` ("cell.param=value", see apply_param_overrides) change the file's params
/// before the pipeline is built.
std::unique_ptr<Pipeline> load_pipeline_file(const std::string& path, const Registry& registry,
                                             const std::vector<std::string>& param_overrides = {});
/// Sets params in a pipeline config before loading it: "cell.param=value" or
/// "outer/inner/cell.param=value" (cells of nested "pipeline" entries). The value is parsed as
/// JSON when it is valid JSON (5, true, [1,2], "x"), else taken as a string (/data/images); a
/// param that the cell's type (looked up in `registry`) declares as a string always takes the
/// text itself (uri=0 sets "0"). Bad entries and unknown cells are collected into one Error
/// listing the valid cell paths.
void apply_param_overrides(nlohmann::json& config, const std::vector<std::string>& overrides,
                           const Registry& registry);
/// Parses `path=N` clone overrides (e.g. "detect=4", "outer/inner/cell=2") and applies them.
/// Unknown paths and bad counts are collected into one Error that lists the valid paths.
void apply_clone_overrides(Pipeline& pipeline, const std::vector<std::string>& overrides);

}  // namespace cellflow
