// Pipeline wiring: add, connect, expose, lookups. Problems are recorded, not thrown, so that
// validate()/start() can report all of them together.
#include "cellflow/pipeline.hpp"

#include "cellflow/error.hpp"
#include "detail/pipeline_impl.hpp"
#include "detail/port_ref.hpp"

namespace cellflow {
namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

Pipeline::Pipeline(std::string name) : impl_(std::make_unique<Impl>()) {
  detail::CellAccess::set_identity(*this, std::move(name), nullptr);
}

Pipeline::~Pipeline() {
  try {
    stop();
  } catch (...) {  // a destructor must not throw; stop() reports through its callers
  }
}

void Pipeline::process(Context&) { throw std::logic_error("Pipeline::process is never called"); }

Cell& Pipeline::add(std::string name, CellFactory factory, const nlohmann::json& params,
                    std::optional<ScaleUp> scale) {
  refuse_while_running("add cell '" + name + "'");
  auto& s = impl_->structure;
  auto cell = factory();
  if (!cell) throw Error("factory for cell '" + name + "' returned nullptr");
  detail::CellAccess::set_identity(*cell, name, this);
  try {
    cell->configure(params);
  } catch (const Error& e) {
    for (const auto& p : e.problems()) s.cell_problems.push_back({cell.get(), p});
  } catch (const std::exception& e) {
    s.cell_problems.push_back({cell.get(), std::string("params: ") + e.what()});
  }
  Cell& ref = *cell;
  s.cells.push_back(cell.get());
  s.children.push_back({std::move(cell),
                        std::move(factory),
                        params,
                        scale.value_or(ScaleUp{}),
                        scale.has_value(),
                        std::nullopt,
                        std::nullopt,
                        {},
                        std::nullopt});
  return ref;
}

namespace {

// A feedback connection joins two cells of this pipeline and starts from a non-source.
std::vector<std::string> feedback_problems(const PortBase& from, const PortBase& to,
                                           const Pipeline& level, const Value& initial) {
  std::vector<std::string> problems;
  const std::string what = "feedback connection '" + from.path() + "' -> '" + to.path() + "': ";
  if (&from.owner() == &level || &to.owner() == &level)
    problems.push_back(what + "it must join an output of a cell of pipeline '" + level.name() +
                       "' to an input of a cell of it, not the pipeline's own ports");
  else if (from.owner().is_source())
    problems.push_back(what + "'" + from.owner().path() +
                       "' is a source: its items start the stream, so there is no previous item "
                       "to feed back");
  if (initial.type() != to.type())
    problems.push_back(what + "the start value is " + type_name(initial.type()) + ", '" +
                       to.path() + "' takes " + type_name(to.type()));
  return problems;
}

}  // namespace

void Pipeline::refuse_while_running(const std::string& change) const {
  if (!running()) return;
  const Pipeline* top = this;
  while (top->parent() != nullptr) top = top->parent();
  const std::string where = top == this ? "" : " (inside running pipeline '" + top->name() + "')";
  throw Error("pipeline '" + name() + "' is running" + where + ": cannot " + change +
              " after start(); stop() it first");
}

void Pipeline::connect_ports(const PortBase& from, const PortBase& to,
                             std::optional<Value> feedback, nlohmann::json feedback_json) {
  refuse_while_running("connect '" + from.path() + "' -> '" + to.path() + "'");
  auto& s = impl_->structure;
  const std::string what = "connection '" + from.path() + "' -> '" + to.path() + "': ";
  std::vector<std::string> problems;
  const bool from_ok = (from.kind() == PortKind::kOutput && from.owner().parent() == this) ||
                       (from.kind() == PortKind::kInput && &from.owner() == this);
  const bool to_ok = (to.kind() == PortKind::kInput && to.owner().parent() == this) ||
                     (to.kind() == PortKind::kOutput && &to.owner() == this);
  if (!from_ok) problems.push_back(what + detail::endpoint_problem(from, *this, true));
  if (!to_ok) problems.push_back(what + detail::endpoint_problem(to, *this, false));
  if (from.type() != to.type())
    problems.push_back(what + "types differ: '" + from.path() + "' is " + type_name(from.type()) +
                       ", '" + to.path() + "' is " + type_name(to.type()));
  if (problems.empty() && feedback) problems = feedback_problems(from, to, *this, *feedback);
  if (problems.empty()) {
    if (const auto* existing = s.producer_of(to)) {
      problems.push_back("input '" + to.path() + "' has a second producer '" + from.path() +
                         "' (already fed by '" + existing->from->path() + "')");
    } else {
      s.connections.push_back({&from, &to, std::move(feedback), std::move(feedback_json)});
    }
  }
  s.problems.insert(s.problems.end(), problems.begin(), problems.end());
}

// The two ports of a "cell.port" -> "cell.port" connection; nullptr (and a problem recorded) for
// one that does not resolve.
std::pair<const PortBase*, const PortBase*> Pipeline::resolve_connection(std::string_view from,
                                                                         std::string_view to) {
  auto& s = impl_->structure;
  const std::string what = "connection '" + std::string(from) + "' -> '" + std::string(to) + "': ";
  std::string problem;
  const PortBase* out = detail::resolve_port(*this, from, PortKind::kOutput, problem);
  if (!out) s.problems.push_back(what + problem);
  const PortBase* in = detail::resolve_port(*this, to, PortKind::kInput, problem);
  if (!in) s.problems.push_back(what + problem);
  if (!out || !in) return {nullptr, nullptr};
  return {out, in};
}

void Pipeline::connect(std::string_view from, std::string_view to) {
  refuse_while_running("connect '" + std::string(from) + "' -> '" + std::string(to) + "'");
  if (const auto [out, in] = resolve_connection(from, to); out) connect_ports(*out, *in);
}

void Pipeline::connect_feedback(std::string_view from, std::string_view to,
                                const nlohmann::json& initial) {
  refuse_while_running("connect '" + std::string(from) + "' -> '" + std::string(to) + "'");
  const auto [out, in] = resolve_connection(from, to);
  if (!out) return;
  try {
    connect_ports(*out, *in, in->value_from_json(initial), initial);
  } catch (const std::invalid_argument& e) {
    impl_->structure.problems.push_back("feedback connection '" + out->path() + "' -> '" +
                                        in->path() + "': start value " + e.what());
  }
}

PortBase& Pipeline::expose_port(const PortBase& inner, std::string name) {
  refuse_while_running("expose '" + name + "'");
  auto& s = impl_->structure;
  s.exposed_ports.push_back(inner.make_like(*this, std::move(name)));
  PortBase& own = *s.exposed_ports.back();
  if (inner.kind() == PortKind::kInput)
    connect_ports(own, inner);
  else
    connect_ports(inner, own);
  return own;
}

void Pipeline::expose_input(std::string name, std::string_view inner) {
  refuse_while_running("expose '" + name + "'");
  std::string problem;
  if (const auto* port = detail::resolve_port(*this, inner, PortKind::kInput, problem))
    expose_port(*port, std::move(name));
  else
    impl_->structure.problems.push_back("input '" + name + "' -> '" + std::string(inner) +
                                        "': " + problem);
}

void Pipeline::expose_output(std::string name, std::string_view inner) {
  refuse_while_running("expose '" + name + "'");
  const PortBase* own =
      inner.find('.') == std::string_view::npos ? find_port(std::string(inner)) : nullptr;
  if (own && own->kind() == PortKind::kInput) {  // a skip connection from an exposed input
    auto& s = impl_->structure;
    s.exposed_ports.push_back(own->make_like(*this, std::move(name), PortKind::kOutput));
    return connect_ports(*own, *s.exposed_ports.back());
  }
  std::string problem;
  if (const auto* port = detail::resolve_port(*this, inner, PortKind::kOutput, problem))
    expose_port(*port, std::move(name));
  else
    impl_->structure.problems.push_back("output '" + name + "' <- '" + std::string(inner) +
                                        "': " + problem);
}

PortBase& Pipeline::port_for(std::string_view name, PortKind kind, const std::type_info& type) {
  const auto& list = kind == PortKind::kInput ? inputs() : outputs();
  for (auto* port : list) {
    if (port->name() != name) continue;
    if (port->type() != type)
      throw Error("port '" + port->path() + "' is " + type_name(port->type()) + ", not " +
                  type_name(type));
    return *port;
  }
  std::vector<std::string> names;
  for (auto* port : list) names.push_back(port->name());
  throw Error("pipeline '" + this->name() + "' has no " +
              (kind == PortKind::kInput ? "input" : "output") + " named '" + std::string(name) +
              "' (has: " + joined(names) + ")");
}

const std::vector<Cell*>& Pipeline::children() const { return impl_->structure.cells; }

const ScaleUp& Pipeline::scale_of(const Cell& child) const {
  const auto* entry = impl_->structure.find(child);
  if (!entry) throw Error("'" + child.path() + "' is not a child of '" + name() + "'");
  return entry->scale;
}

Cell& Pipeline::cell(std::string_view path) const {
  const Pipeline* level = this;
  for (std::string_view rest = path;;) {
    const auto slash = rest.find('/');
    const auto head = rest.substr(0, slash);
    Cell* found = nullptr;
    for (auto* child : level->children())
      if (child->name() == head) found = child;
    if (found && slash == std::string_view::npos) return *found;
    if (!found || !found->is_pipeline()) break;
    level = static_cast<const Pipeline*>(found);
    rest = rest.substr(slash + 1);
  }
  throw Error("no cell at path '" + std::string(path) + "' (valid paths: " + joined(cell_paths()) +
              ")");
}

std::vector<std::string> Pipeline::cell_paths() const {
  std::vector<std::string> out;
  for (auto* child : children()) {
    out.push_back(child->name());
    if (!child->is_pipeline()) continue;
    for (auto& inner : static_cast<Pipeline*>(child)->cell_paths())
      out.push_back(child->name() + "/" + inner);
  }
  return out;
}

void Pipeline::set_clones(std::string_view path, int clones) {
  Cell& target = cell(path);
  target.parent()->refuse_while_running("set the clones of '" + std::string(path) +
                                        "' (scale() the top-level pipeline rescales it)");
  auto* owner = target.parent();
  auto* entry = const_cast<Structure::Child*>(owner->impl_->structure.find(target));
  if (clones < 1 || clones > ScaleUp::kMaxClones)
    throw Error("clones for '" + std::string(path) + "' must be between 1 and " +
                std::to_string(ScaleUp::kMaxClones) + ", got " + std::to_string(clones));
  if (!entry->factory)
    throw Error("'" + std::string(path) + "' cannot be cloned: it has no factory");
  entry->scale.clones = clones;
  entry->scaled = true;
}

void Pipeline::set_sync(std::string_view path, Sync sync) {
  Cell& target = cell(path);
  target.parent()->refuse_while_running("give '" + std::string(path) + "' a synchroniser");
  const_cast<Structure::Child*>(target.parent()->impl_->structure.find(target))->sync =
      std::move(sync);
}

void Pipeline::set_queue(std::string_view path, Queue queue, std::string_view input) {
  Cell& target = cell(path);
  target.parent()->refuse_while_running("give '" + std::string(path) + "' a queue policy");
  if (!input.empty() && target.find_port(std::string(input)) == nullptr)
    throw Error("cell '" + target.path() + "' has no input '" + std::string(input) + "'");
  if (queue.drops() && queue.capacity == 0)
    throw Error("cell '" + target.path() + "': a dropping queue needs a capacity of at least 1");
  auto* entry = const_cast<Structure::Child*>(target.parent()->impl_->structure.find(target));
  if (input.empty())
    entry->queue = queue;
  else
    entry->queues[std::string(input)] = queue;
}

void Pipeline::set_batch(std::string_view path, Batch batch) {
  Cell& target = cell(path);
  target.parent()->refuse_while_running("batch '" + std::string(path) + "'");
  if (batch.max_size == 0)
    throw Error("cell '" + target.path() + "': a batch needs a max_size of at least 1");
  const_cast<Structure::Child*>(target.parent()->impl_->structure.find(target))->batch =
      std::move(batch);
}

std::optional<Sync> Pipeline::sync_of(const Cell& child) const {
  const auto* entry = impl_->structure.find(child);
  return entry ? entry->sync : std::nullopt;
}

void Pipeline::scale(std::string_view path, int clones) {
  std::shared_ptr<detail::Runner> runner;
  {
    std::lock_guard lock(impl_->lifecycle_mutex);
    runner = impl_->runner;
  }
  if (!runner) return set_clones(path, clones);
  cell(path);  // unknown paths: Error listing the valid ones
  runner->scale(path, clones);
}

void Pipeline::set_options(RunOptions options) { impl_->options = options; }
const RunOptions& Pipeline::options() const { return impl_->options; }
void Pipeline::set_zip_sources(bool zip) { impl_->zip_sources = zip; }
bool Pipeline::zip_sources() const { return impl_->zip_sources; }
const Pipeline::Structure& Pipeline::structure() const { return impl_->structure; }

}  // namespace cellflow
