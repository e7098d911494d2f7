#include "admin.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "cellflow/error.hpp"
#include "cellflow/scale_up.hpp"
#include "http/trace_switch.hpp"
#include "http_error.hpp"
#include "model.hpp"
#include "trace_switch.hpp"

namespace cellflow::server::admin {
namespace {

using nlohmann::json;

// The description of the cell at `path`, searching nested pipelines; null when there is none.
const json* find_cell(const json& level, std::string_view path) {
  for (const json& cell : level["cells"]) {
    if (cell["path"] == path) return &cell;
    if (cell.contains("pipeline"))
      if (const json* inner = find_cell(cell["pipeline"], path)) return inner;
  }
  return nullptr;
}

std::string names_of(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "none" : out;
}

std::string keys_of(const json& object) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.push_back(key);
  return names_of(keys);
}

json cell_of(const Model& model, std::string_view path, const json& description) {
  if (const json* cell = find_cell(description, path)) return *cell;
  throw HttpError(404, "model '" + model.name() + "' has no cell '" + std::string(path) +
                           "' (cells: " + names_of(model.pipeline().cell_paths()) + ")");
}

json parse_object(std::string_view body, const char* expected) {
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object() || parsed.empty())
    throw HttpError(400, std::string("the body must be a JSON object like ") + expected);
  return parsed;
}

// Runs a pipeline call; its Error (an invalid value) becomes a 400 with its message.
template <class Call>
void as_bad_request(Call&& call) {
  try {
    call();
  } catch (const Error& error) {
    throw HttpError(400, error.what());
  }
}

}  // namespace

json describe(const Model& model) {
  json description = model.pipeline().describe();
  description["model"] = model.name();
  description["ready"] = model.ready();
  return description;
}

json set_clones(Model& model, std::string_view path, std::string_view body) {
  const json cell = cell_of(model, path, model.pipeline().describe());
  if (!cell.contains("clones"))
    throw HttpError(409, "cell '" + std::string(path) +
                             "' is not a clone group: to rescale it while running, add it with "
                             "a cellflow::ScaleUp in C++ (p.add<T>(name, params, "
                             "cellflow::ScaleUp{1})) or give it \"clones\" in the model's config");
  const json request = parse_object(body, "{\"clones\": 4}");
  const json& clones = request.contains("clones") ? request["clones"] : json();
  if (!clones.is_number_integer() || clones.get<long long>() < 1 ||
      clones.get<long long>() > ScaleUp::kMaxClones)
    throw HttpError(400, "clones: expected an integer from 1 to " +
                             std::to_string(ScaleUp::kMaxClones) + ", got " + clones.dump());
  as_bad_request([&] { model.pipeline().scale(path, clones.get<int>()); });
  return {{"cell", path}, {"clones", clones}};
}

json set_params(Model& model, std::string_view path, std::string_view body) {
  const json cell = cell_of(model, path, model.pipeline().describe());
  const json request = parse_object(body, "{\"score_threshold\": 0.7}");
  const json params = cell.value("params", json::object());
  const json live = cell.value("live_params", json::array());
  const std::string where = "cell '" + std::string(path) + "'";
  for (const auto& [name, value] : request.items()) {
    if (!params.contains(name))
      throw HttpError(400,
                      where + " has no param '" + name + "' (params: " + keys_of(params) + ")");
    if (std::find(live.begin(), live.end(), name) == live.end())
      throw HttpError(409, "param '" + name + "' of " + where +
                               " is not live: it is fixed when the model starts (live params: " +
                               names_of(live.get<std::vector<std::string>>()) + ")");
  }
  as_bad_request([&] { model.pipeline().set_params(path, request); });  // all or none
  const json now = cell_of(model, path, model.pipeline().describe())["params"];
  json values = json::object();
  for (const auto& [name, value] : request.items()) values[name] = now[name];
  return {{"cell", path}, {"params", values}};
}

json start_trace(TraceSwitch& traces, std::string_view body) {
  const json request = parse_object(body, "{\"path\": \"/tmp/serve.trace.json\"}");
  if (request.size() != 1 || !request.contains("path") || !request["path"].is_string() ||
      request["path"].get<std::string>().empty())
    throw HttpError(
        400, "the body must be {\"path\": FILE}, the trace file to write; got " + request.dump());
  traces.start(request["path"].get<std::string>());
  return traces.status();
}

}  // namespace cellflow::server::admin
