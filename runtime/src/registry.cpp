#include "cellflow/registry.hpp"

#include <map>

#include "cellflow/error.hpp"
#include "detail/suggest.hpp"

namespace cellflow {

struct Registry::Impl {
  RemoteProvider remote;
  struct Entry {
    CellFactory factory;
    std::string description;
  };
  std::map<std::string, Entry, std::less<>> entries;

  const Entry& find(std::string_view type) const {
    auto it = entries.find(type);
    if (it != entries.end()) return it->second;
    std::string known;
    std::vector<std::string> names;
    for (const auto& [name, entry] : entries) {
      known += (known.empty() ? "" : ", ") + name;
      names.push_back(name);
    }
    throw Error("unknown cell type '" + std::string(type) + "' (known types: " + known + ")" +
                detail::did_you_mean(type, names));
  }
};

Registry::Registry() : impl_(std::make_unique<Impl>()) {}

Registry& Registry::set_remote_provider(RemoteProvider provider) {
  impl_->remote = std::move(provider);
  return *this;
}

const Registry::RemoteProvider& Registry::remote_provider() const { return impl_->remote; }
Registry::~Registry() = default;
Registry::Registry(Registry&&) noexcept = default;
Registry& Registry::operator=(Registry&&) noexcept = default;

Registry& Registry::add(std::string type, CellFactory factory, std::string description) {
  if (auto problem = name_problem(type); !problem.empty()) throw Error("cell type " + problem);
  if (!factory) throw Error("cell type '" + type + "' has no factory");
  if (impl_->entries.count(type) != 0)
    throw Error("cell type '" + type + "' is already registered");
  impl_->entries.emplace(std::move(type), Impl::Entry{std::move(factory), std::move(description)});
  return *this;
}

bool Registry::contains(std::string_view type) const { return impl_->entries.count(type) != 0; }

const CellFactory& Registry::factory(std::string_view type) const {
  return impl_->find(type).factory;
}

std::unique_ptr<Cell> Registry::create(std::string_view type) const { return factory(type)(); }

const std::string& Registry::description(std::string_view type) const {
  return impl_->find(type).description;
}

std::vector<std::string> Registry::types() const {
  std::vector<std::string> out;
  for (const auto& [name, entry] : impl_->entries) out.push_back(name);
  return out;
}

}  // namespace cellflow
