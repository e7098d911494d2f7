#include "cellflow/param.hpp"

#include "cellflow/cell.hpp"

namespace cellflow {

ParamBase::ParamBase(Cell& owner, std::string name, std::string description, ParamMode mode)
    : name_(std::move(name)), description_(std::move(description)), mode_(mode) {
  owner.register_param(*this);
}

}  // namespace cellflow
