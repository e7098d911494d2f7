// The names of a cell's params for error messages: "count, factor (live)", or "none".
#pragma once

#include <string>
#include <vector>

#include "cellflow/param.hpp"

namespace cellflow::detail {

inline std::string param_list(const std::vector<ParamBase*>& params) {
  std::string out;
  for (const ParamBase* p : params)
    out += (out.empty() ? "" : ", ") + p->name() + (p->live() ? " (live)" : "");
  return out.empty() ? "none" : out;
}

}  // namespace cellflow::detail
