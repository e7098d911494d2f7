// Pipeline::set_param: live parameters, checked on a fresh instance the way configure() checks
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

// Throws Error unless `value` is a valid value of live param `name` of `child`.
void check_live_param(const detail::Structure::Child& child, const std::string& path,
                      const std::string& name, const nlohmann::json& value) {
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
  nlohmann::json params_with = child.params.is_object() ? child.params : nlohmann::json::object();
  params_with[name] = value;
  const auto probe = child.factory();
  try {
    probe->configure(params_with);
  } catch (const Error& e) {
    std::vector<std::string> problems;
    for (const auto& p : e.problems()) problems.push_back("cell '" + path + "': " + p);
    throw Error(std::move(problems));
  } catch (const std::exception& e) {
    throw Error("cell '" + path + "': params." + name + ": " + e.what());
  }
}

}  // namespace

void Pipeline::set_param(std::string_view path, const std::string& param,
                         const nlohmann::json& value) {
  Cell& target = cell(path);  // unknown paths: Error listing the valid ones
  auto& child = const_cast<Structure::Child&>(
      *detail::PipelineAccess::structure(*target.parent()).find(target));
  check_live_param(child, std::string(path), param, value);
  std::shared_ptr<detail::Runner> runner;
  {
    std::lock_guard lock(impl_->lifecycle_mutex);
    runner = impl_->runner;
  }
  if (runner) return runner->set_param(path, param, value);
  if (running())
    throw Error("pipeline '" + name() + "' is nested in a running pipeline: call set_param on " +
                "the top-level pipeline, with the cell's full path");
  if (!child.params.is_object()) child.params = nlohmann::json::object();
  child.params[param] = value;
  target.configure(child.params);
}

}  // namespace cellflow
