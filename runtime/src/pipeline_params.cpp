// Pipeline::set_param(s): live parameters, checked on a fresh instance the way configure() checks
// them, then handed to the runner (or kept in the cell's params before start).
#include <algorithm>

#include "cellflow/error.hpp"
#include "cellflow/param.hpp"
#include "cellflow/pipeline.hpp"
#include "detail/param_list.hpp"
#include "detail/pipeline_impl.hpp"
#include "detail/runner.hpp"
#include "detail/structure.hpp"

namespace cellflow {
namespace {

// Throws Error unless `name` is a live param of `child`'s cell.
void check_live(const detail::Structure::Child& child, const std::string& path,
                const std::string& name) {
  const Cell& cell = *child.cell;
  if (cell.is_pipeline())
    throw Error("'" + path + "' is a pipeline: set the params of its cells ('" + path + "/...')");
  const auto& params = cell.params();
  const auto it = std::find_if(params.begin(), params.end(),
                               [&](const ParamBase* p) { return p->name() == name; });
  if (it == params.end())
    throw Error("cell '" + path + "' has no param '" + name +
                "' (params: " + detail::param_list(cell.params()) + ")");
  if (!(*it)->live())
    throw Error("param '" + name + "' of cell '" + path +
                "' is not live: it is set in the cell's params before start (params: " +
                detail::param_list(cell.params()) + ")");
}

// Throws Error unless `values` ({param: value}) are valid values of live params of `child`,
// checked together on a fresh instance the way configure() checks them.
void check_live_params(const detail::Structure::Child& child, const std::string& path,
                       const nlohmann::json& values) {
  if (!values.is_object() || values.empty())
    throw Error("cell '" + path + "': expected an object of params to set, got " + values.dump());
  nlohmann::json params_with = child.params.is_object() ? child.params : nlohmann::json::object();
  for (const auto& [name, value] : values.items()) {
    check_live(child, path, name);
    params_with[name] = value;
  }
  const auto probe = child.factory();
  try {
    probe->configure(params_with);
  } catch (const Error& e) {
    std::vector<std::string> problems;
    for (const auto& p : e.problems()) problems.push_back("cell '" + path + "': " + p);
    throw Error(std::move(problems));
  } catch (const std::exception& e) {
    throw Error("cell '" + path + "': params: " + e.what());
  }
}

}  // namespace

void Pipeline::set_param(std::string_view path, const std::string& param,
                         const nlohmann::json& value) {
  set_params(path, nlohmann::json{{param, value}});
}

void Pipeline::set_params(std::string_view path, const nlohmann::json& values) {
  Cell& target = cell(path);  // unknown paths: Error listing the valid ones
  auto& child = const_cast<Structure::Child&>(
      *detail::PipelineAccess::structure(*target.parent()).find(target));
  check_live_params(child, std::string(path), values);
  std::shared_ptr<detail::Runner> runner;
  {
    std::lock_guard lock(impl_->lifecycle_mutex);
    runner = impl_->runner;
  }
  if (runner) return runner->set_params(path, values);
  if (running())
    throw Error("pipeline '" + name() + "' is nested in a running pipeline: call set_params on " +
                "the top-level pipeline, with the cell's full path");
  if (!child.params.is_object()) child.params = nlohmann::json::object();
  child.params.update(values);
  target.configure(child.params);
}

}  // namespace cellflow
