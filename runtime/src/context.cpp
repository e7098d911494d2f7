#include "cellflow/context.hpp"

#include <stdexcept>

namespace cellflow {

void Context::emit_value_of(const PortBase& out, Value value) {
  if (value.type() != out.type())
    throw std::invalid_argument("port '" + out.path() + "' carries " + type_name(out.type()) +
                                ", not " + type_name(value.type()));
  emit_value(out, std::move(value));
}

}  // namespace cellflow
