// Context: what a cell sees during one process() call. Read inputs, emit 0..N values per output.
#pragma once

#include <chrono>
#include <functional>
#include <utility>
#include <vector>

#include "cellflow/item.hpp"
#include "cellflow/port.hpp"
#include "cellflow/value.hpp"

namespace cellflow {

class Context {
 public:
  /// The value on `in` for this call. Valid until process() returns.
  template <class T>
  const T& get(const Input<T>& in) const {
    return input(in).template get<T>();
  }
  /// Moves the value out of `in` when no other consumer shares it, otherwise copies it.
  template <class T>
  T take(const Input<T>& in) {
    Value v = take_input(in);
    return v.template take<T>();
  }
  /// Gathering inputs (Input<T>{..., kGather}): every value of this item on `in`, in emission
  /// order. Each is moved out when no other consumer shares it, otherwise copied.
  template <class T>
  std::vector<T> take_all(const Input<T>& in) {
    std::vector<T> out;
    const std::size_t n = count(in);
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) out.push_back(take_input_at(in, i).template take<T>());
    return out;
  }
  /// False when a synchronised cell's tuple lacks `in` (realtime with wait_all = false, latest
  /// before a side input's first value); true for every input of any other cell.
  bool has(const PortBase& in) const { return count(in) > 0; }
  /// Gathering inputs: how many values this item carries on `in`.
  virtual std::size_t count(const PortBase& in) const = 0;

  /// Emits one value on `out`; call 0..N times per process() call. Order is preserved.
  template <class T, class U>
  void emit(const Output<T>& out, U&& value) {
    emit_value(out, Value(T(std::forward<U>(value))));
  }

  /// Type-erased access, for generic cells that mirror another cell's ports (remote clones):
  /// the value on `in` for this call, and emitting `value` on `out` (its type must be the
  /// port's; std::invalid_argument otherwise).
  const Value& value_of(const PortBase& in) const { return input(in); }
  void emit_value_of(const PortBase& out, Value value);

  const ItemInfo& item() const noexcept { return info(); }
  /// The stamp of the value on `in`: for a synchronised cell, the stamp of the input item it
  /// came from (the tuple's own time is item().timestamp); for any other cell, the item's.
  virtual std::chrono::nanoseconds time_of(const PortBase& in) const = 0;
  /// Index of the clone running this call (0 when the cell is not cloned).
  virtual int clone_index() const noexcept = 0;
  /// Sources only: no more items after this call (values emitted in this call still count).
  virtual void end_of_stream() = 0;
  /// Sources only: sets the item's timestamp (default: wall clock at ingress).
  virtual void set_timestamp(std::chrono::nanoseconds timestamp) = 0;
  /// Calls `callback` once this item has completed the whole pipeline, after its result was
  /// handed to the caller (the run's sink, or the submit callback): `delivered` is true then,
  /// also for a failed item whose failure was delivered; false when the run stopped before
  /// delivering it (fail-fast after an earlier failure, a sink that threw). A source that reads
  /// from a durable queue acknowledges its entry here, so that what a crash interrupted is read
  /// again (at-least-once). Runs on a pipeline thread, in item order; keep it short.
  virtual void on_complete(std::function<void(bool delivered)> callback) = 0;

 protected:
  Context() = default;
  ~Context() = default;
  virtual const ItemInfo& info() const noexcept = 0;
  virtual const Value& input(const PortBase& port) const = 0;
  virtual Value take_input(const PortBase& port) = 0;
  virtual Value take_input_at(const PortBase& port, std::size_t index) = 0;
  virtual void emit_value(const PortBase& port, Value value) = 0;
};

}  // namespace cellflow
