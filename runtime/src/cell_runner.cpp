#include "cellflow/cell_runner.hpp"

#include <future>

namespace cellflow {

struct CellRunner::Impl {
  Pipeline pipeline{"cell_runner"};
};

CellRunner::CellRunner(CellFactory factory, const nlohmann::json& params,
                       std::optional<ScaleUp> scale)
    : impl_(std::make_unique<Impl>()) {
  Pipeline& p = impl_->pipeline;
  const Cell& cell = p.add("cell", std::move(factory), params, scale);
  for (const PortBase* in : cell.inputs()) p.expose_input(in->name(), "cell." + in->name());
  for (const PortBase* out : cell.outputs()) p.expose_output(out->name(), "cell." + out->name());
  p.validate();
}

CellRunner::CellRunner(CellRunner&&) noexcept = default;
CellRunner::~CellRunner() = default;

Result CellRunner::run(InputValues inputs) {
  if (!impl_->pipeline.running()) impl_->pipeline.start();
  std::promise<Result> done;
  impl_->pipeline.submit(std::move(inputs), [&done](Result&& r) { done.set_value(std::move(r)); });
  return done.get_future().get();
}

std::vector<Result> CellRunner::run_source() {
  std::vector<Result> items;
  RunOptions options = impl_->pipeline.options();
  options.on_error = ErrorPolicy::kContinue;  // a failed item is one of the results
  impl_->pipeline.set_options(options);
  impl_->pipeline.run([&items](Result&& r) { items.push_back(std::move(r)); });
  return items;
}

Pipeline& CellRunner::pipeline() { return impl_->pipeline; }

}  // namespace cellflow
