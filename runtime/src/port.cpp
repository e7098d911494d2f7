#include "cellflow/port.hpp"

#include "cellflow/cell.hpp"

namespace cellflow {

PortBase::PortBase(Cell& owner, std::string name, PortKind kind, const std::type_info& type,
                   bool gathers)
    : owner_(&owner), name_(std::move(name)), kind_(kind), type_(&type), gathers_(gathers) {
  owner.register_port(*this);
}

std::string PortBase::path() const {
  const std::string cell = owner_->path();
  return cell.empty() ? name_ : cell + "." + name_;
}

}  // namespace cellflow
