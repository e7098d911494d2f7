#include "cellflow/cells/add.hpp"

#include <stdexcept>

namespace cellflow::cells {
namespace {

const nlohmann::json& number(const nlohmann::json& value, const char* port) {
  if (!value.is_number())
    throw std::invalid_argument(std::string("input '") + port + "' must be a number, got " +
                                value.dump());
  return value;
}

}  // namespace

void Add::process(Context& ctx) {
  const auto& x = number(ctx.get(a), "a");
  const auto& y = number(ctx.get(b), "b");
  if (x.is_number_integer() && y.is_number_integer())
    ctx.emit(out, nlohmann::json(x.get<std::int64_t>() + y.get<std::int64_t>()));
  else
    ctx.emit(out, nlohmann::json(x.get<double>() + y.get<double>()));
}

}  // namespace cellflow::cells
