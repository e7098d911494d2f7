// live_param: tuning a running pipeline. A score filter with 3 clones keeps the readings at or
// above its live `min_score` (declared with cellflow::kLive); while readings stream through, a
// controller raises the threshold from 0.2 to 0.8 with Pipeline::set_param. Every item admitted
// after set_param returns is filtered with the new value, in every clone, and each clone hears
// of it in on_param_changed before its next item. A non-live param cannot be changed so: the
// error says why.
#include <atomic>
#include <chrono>
#include <future>
#include <iostream>
#include <thread>

#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"

// Passes a score on when it reaches min_score; emits nothing otherwise.
class ScoreFilter final : public cellflow::Cell {
 public:
  cellflow::Input<double> score{*this, "score"};
  cellflow::Output<double> kept{*this, "kept"};
  cellflow::Param<double> min_score{*this, "min_score", 0.5, "lowest score kept", cellflow::kLive};
  cellflow::Param<int> work_ms{*this, "work_ms", 2, "time spent per score"};

  void on_param_changed(const std::string& name) override {
    if (name == "min_score") ++changes;
  }
  void process(cellflow::Context& ctx) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(*work_ms));
    if (ctx.get(score) >= *min_score) ctx.emit(kept, ctx.get(score));
  }
  static inline std::atomic<int> changes{0};
};

int main() {
  cellflow::Pipeline p{"live_param"};
  auto& filter = p.add<ScoreFilter>("filter", {{"min_score", 0.2}}, cellflow::ScaleUp{3});
  p.expose(filter.score, "score");
  p.expose(filter.kept, "kept");
  p.start();

  // Scores 0.0, 0.1, ..., 0.9 repeating; the threshold is raised after 50 of them were admitted.
  std::vector<std::future<cellflow::Result>> results;
  for (int i = 0; i < 100; ++i) {
    if (i == 50) {
      p.set_param("filter", "min_score", 0.8);
      std::cout << "after 50 scores: min_score 0.2 -> 0.8\n";
    }
    results.push_back(p.submit({{"score", (i % 10) / 10.0}}));
  }
  int kept_before = 0, kept_after = 0;
  for (int i = 0; i < 100; ++i) {
    const auto kept = results[i].get().values("kept").size();
    (i < 50 ? kept_before : kept_after) += static_cast<int>(kept);
  }
  std::cout << "kept " << kept_before << " of the first 50 (>= 0.2), " << kept_after
            << " of the last 50 (>= 0.8); " << ScoreFilter::changes << " clones took the change\n";
  try {
    p.set_param("filter", "work_ms", 1);
  } catch (const cellflow::Error& e) {
    std::cout << "error: " << e.what() << "\n";
  }
  p.stop();
  return kept_before == 40 && kept_after == 10 ? 0 : 1;
}
