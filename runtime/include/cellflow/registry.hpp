// Registry: an explicit map from type names to cell factories, so pipelines can be built from
// JSON. No static self-registration: the application decides what is registered.
//
//   cellflow::Registry registry;
//   registry.add<Doubler>("Doubler", "multiplies its input");
//   cellflow::cells::register_builtin(registry);   // Add, Delay, Fail, Counter, Repeat, ...
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cellflow/pipeline.hpp"

namespace cellflow {

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(Registry&&) noexcept;
  Registry& operator=(Registry&&) noexcept;

  template <class C>
  Registry& add(std::string type, std::string description = {}) {
    return add(
        std::move(type), [] { return std::unique_ptr<Cell>(new C()); }, std::move(description));
  }
  /// Throws Error when `type` is already registered or is not a valid name.
  Registry& add(std::string type, CellFactory factory, std::string description = {});

  bool contains(std::string_view type) const;
  /// Throws Error naming the unknown type and listing the known ones.
  const CellFactory& factory(std::string_view type) const;
  std::unique_ptr<Cell> create(std::string_view type) const;
  const std::string& description(std::string_view type) const;
  /// Registered type names, sorted.
  std::vector<std::string> types() const;

  /// What the "remote" key of a cell's config entry becomes: the ScaleUp's `remote` count and
  /// `make_remote`. A library that runs clones elsewhere provides it (cellflow::redis). Throws
  /// Error listing the problems of `options`.
  struct RemoteClones {
    int clones = 0;
    std::function<std::unique_ptr<Cell>(const Cell& prototype, int clone)> make;
  };
  using RemoteProvider = std::function<RemoteClones(const nlohmann::json& options)>;
  Registry& set_remote_provider(RemoteProvider provider);
  /// Empty when no library provides remote clones.
  const RemoteProvider& remote_provider() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cellflow
