// Admission: a cap on requests pending for one model, so overload is answered at once (429)
// instead of queueing without bound. Thread-safe, lock-free.
#pragma once

#include <atomic>
#include <cstddef>
#include <optional>

namespace cellflow::server {

class Admission {
 public:
  /// Holds one admitted slot; the slot is released when the ticket is destroyed.
  class Ticket {
   public:
    explicit Ticket(Admission& admission) : admission_(&admission) {}
    Ticket(Ticket&& other) noexcept : admission_(other.admission_) { other.admission_ = nullptr; }
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    Ticket& operator=(Ticket&&) = delete;
    ~Ticket() {
      if (admission_ != nullptr) admission_->pending_.fetch_sub(1, std::memory_order_acq_rel);
    }

   private:
    Admission* admission_;
  };

  explicit Admission(std::size_t limit) : limit_(limit) {}

  /// A ticket when fewer than limit() requests are pending, nullopt otherwise.
  std::optional<Ticket> try_enter() {
    std::size_t pending = pending_.load(std::memory_order_relaxed);
    do {
      if (pending >= limit_) return std::nullopt;
    } while (!pending_.compare_exchange_weak(pending, pending + 1, std::memory_order_acq_rel));
    return std::optional<Ticket>(std::in_place, *this);
  }
  std::size_t pending() const { return pending_.load(std::memory_order_relaxed); }
  std::size_t limit() const { return limit_; }

 private:
  const std::size_t limit_;
  std::atomic<std::size_t> pending_{0};
};

}  // namespace cellflow::server
