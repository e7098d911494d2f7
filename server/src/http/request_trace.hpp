// A served request in a Chrome trace: its phases as nested async spans of the model's process
// (receive and decode, wait for credits, pipeline, encode and send), with the request's id, its
// items' sequence numbers (the cells' spans carry the same) and its W3C trace context.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "cellflow/trace.hpp"
#include "http/model_call.hpp"

namespace cellflow::server {

/// `outcome`: "200", or the error status. The request's traceparent, when it is a valid W3C
/// trace context (00-<32 hex>-<16 hex>-<2 hex>, ids not all zero), becomes args trace_id and
/// parent_id; anything else is ignored, as the W3C recommendation asks.
void trace_request(ChromeTrace& trace, const Model::Call& call, std::string_view outcome);

/// The trace id and parent id of a valid traceparent; empty strings otherwise.
std::pair<std::string, std::string> parse_traceparent(std::string_view header);

}  // namespace cellflow::server
