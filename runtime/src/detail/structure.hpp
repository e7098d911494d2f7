// The wiring of one pipeline level, as recorded by add/connect/expose.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cellflow/pipeline.hpp"

namespace cellflow {

struct Pipeline::Structure {
  struct Child {
    std::unique_ptr<Cell> cell;  // the prototype: wired, configured; used when not cloned
    CellFactory factory;
    nlohmann::json params;
    ScaleUp scale;
    bool scaled = false;       // runs as a clone group (a ScaleUp was given, or "clones" in config)
    std::optional<Sync> sync;  // a synchronised cell: its inputs come from other streams
    std::optional<Queue> queue;           // every input
    std::map<std::string, Queue> queues;  // per input, by name
    std::optional<Batch> batch;           // dynamic batching (Cell::process_batch)
  };
  struct Connection {
    const PortBase* from;  // a child's output, or this pipeline's own input
    const PortBase* to;    // a child's input, or this pipeline's own output
    // A feedback connection: `to` reads what `from` emitted for the previous item, this value
    // for the first one.
    std::optional<Value> feedback;
    nlohmann::json feedback_json;  // the start value as configured, when known (describe())
  };

  std::vector<Child> children;
  std::vector<Cell*> cells;  // children[i].cell.get(), for cheap iteration
  std::vector<Connection> connections;
  std::vector<std::unique_ptr<PortBase>> exposed_ports;
  std::vector<std::string> problems;  // recorded while wiring, reported by validate()
  // A child's config problems, named by its path when reported: a Pipeline subclass adds and
  // configures its cells in its constructor, before it has a parent and its full path.
  struct CellProblem {
    const Cell* cell;
    std::string problem;
  };
  std::vector<CellProblem> cell_problems;

  const Child* find(const Cell& cell) const {
    for (const auto& c : children)
      if (c.cell.get() == &cell) return &c;
    return nullptr;
  }
  const Connection* producer_of(const PortBase& to) const {
    for (const auto& c : connections)
      if (c.to == &to) return &c;
    return nullptr;
  }
};

namespace detail {
/// Runtime access to a cell's private identity (clones are named like their prototype).
// The runtime's access to a pipeline's private wiring and run state.
struct PipelineAccess {
  using Structure = Pipeline::Structure;
  using Impl = Pipeline::Impl;
  static const Structure& structure(const Pipeline& p) { return p.structure(); }
};
using Structure = PipelineAccess::Structure;

/// What a nested pipeline holds at any depth: clone groups, batched cells, and what makes the
/// clones of a cloned nested pipeline run all its cells in sequence as one unit instead of
/// composing with the clone groups inside (a source, remote clones).
struct NestedUnits {
  bool scaled = false;
  std::vector<const Cell*> batched;
  bool runs_as_one_unit = false;
};
NestedUnits nested_units(const Pipeline& pipeline);

/// describe() as configured (no run state, no lock taken): safe during validate().
nlohmann::json describe_structure(const Pipeline& pipeline);

struct CellAccess {
  static void set_identity(Cell& cell, std::string name, Pipeline* parent) {
    cell.name_ = std::move(name);
    cell.parent_ = parent;
  }
};
}  // namespace detail

}  // namespace cellflow
