// config_pipeline: build a pipeline from JSON with load_pipeline(). The registry maps "type"
// names to cells: the built-in ones (Counter, Delay, Fail, Repeat) plus one of our own, Scale.
// C++ and JSON take the same construction path. A broken config fails at build time, before
// anything runs, with one cellflow::Error that lists every problem and its config path.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"

using nlohmann::json;

// Our own cell: multiplies a JSON number by `factor`.
class Scale final : public cellflow::Cell {
 public:
  cellflow::Input<json> in{*this, "in"};
  cellflow::Output<json> out{*this, "out"};
  cellflow::Param<double> factor{*this, "factor", 1.0, "multiplier"};
  void process(cellflow::Context& ctx) override {
    ctx.emit(out, ctx.get(in).get<double>() * *factor);
  }
};

const json kGood = R"({
  "name": "scaled_counter",
  "cells": [
    {"name": "counter", "type": "Counter", "params": {"count": 5}},
    {"name": "scale", "type": "Scale", "params": {"factor": 2.5}, "clones": 2},
    {"name": "twice", "type": "Repeat", "params": {"times": 2}}
  ],
  "connections": [["counter.out", "scale.in"], ["scale.out", "twice.in"]],
  "outputs": {"y": "twice.out"},
  "max_in_flight": 8
})"_json;

// Four mistakes: an unknown type, a param of the wrong type, a misspelt port, an unknown key.
const json kBroken = R"({
  "name": "broken",
  "cells": [
    {"name": "counter", "type": "Counter", "params": {"count": "five"}},
    {"name": "scale", "type": "Scaler"},
    {"name": "twice", "type": "Repeat", "colnes": 2}
  ],
  "connections": [["counter.out", "twice.input"]],
  "outputs": {"y": "twice.out"}
})"_json;

int main() {
  cellflow::Registry registry = cellflow::cells::builtin_registry();
  registry.add<Scale>("Scale", "multiplies a number by `factor`");

  auto pipeline = cellflow::load_pipeline(kGood, registry);
  pipeline->run([](cellflow::Result&& r) {
    std::cout << "item " << r.item().seq << ":";
    for (const auto& v : r.values("y")) std::cout << " " << v.get<json>().dump();
    std::cout << "\n";
  });

  try {
    cellflow::load_pipeline(kBroken, registry);
    std::cerr << "the broken config was accepted\n";
    return 1;
  } catch (const cellflow::Error& e) {
    std::cout << "config rejected with " << e.problems().size() << " problems:\n";
    for (const auto& problem : e.problems()) std::cout << "  - " << problem << "\n";
  }
}
