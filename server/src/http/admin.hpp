// Admin: cellflow's extension to KServe v2 for operating a running model, without the HTTP
// library: read its pipeline as data, rescale a clone group, set live params, start and stop a
// trace. Each throws
// HttpError with the status a client can act on: 400 bad body or invalid value (naming the
// param), 404 unknown cell (listing the cells), 409 not a clone group / not a live param.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace cellflow::server {

class Model;
class TraceSwitch;

namespace admin {

/// The pipeline's description (Pipeline::describe: cells, connections, current clone counts and
/// param values) with {"model", "ready"}.
nlohmann::json describe(const Model& model);
/// Body {"clones": N}: rescales the clone group at `path`. Returns {"cell", "clones"}.
nlohmann::json set_clones(Model& model, std::string_view path, std::string_view body);
/// Body {"param": value, ...}: sets live params of the cell at `path`, all or none
/// (Pipeline::set_params): an unknown, not live or invalid one changes nothing. Returns {"cell",
/// "params": the values now in force}.
nlohmann::json set_params(Model& model, std::string_view path, std::string_view body);
/// Body {"path": FILE}: starts writing a Chrome trace of every model (409 when one is on, 400
/// when FILE cannot be written). Returns the trace's status.
nlohmann::json start_trace(TraceSwitch& traces, std::string_view body);

}  // namespace admin
}  // namespace cellflow::server
