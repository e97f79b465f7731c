// SPDX-License-Identifier: Apache-2.0
#include "tb/array_system.hpp"

#include <systemc>
#include <tlm>

#include <memory>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/gemm_streamer.hpp"
#include "sw/error.hpp"
#include "tb/elaboration.hpp"
#include "tb/systolic_array_factory.hpp"
#include "tb/systolic_array_transactor.hpp"
#include "wb/hw_config.hpp"

namespace wb::tb {

namespace detail {
struct ArrayNodeParts {
  models::Memory memory;
  models::GemmStreamer streamer;
  ArrayTransactor array;
  ArrayNodeParts(const SystemOptions& options, const models::Clock& clock)
      : memory("memory", options.memory_bytes, options.memory, clock),
        streamer("streamer", models::StreamerOptions{options.chunk_beats}, clock),
        array("array", make_array_dut(options.array.rows, options.array.cols, options.dut), clock,
              options.buffer_beats) {
    streamer.streamer2mem.bind(memory.streamer2mem);
    streamer.streamer2sa_a.bind(array.streamer2sa_a);
    streamer.streamer2sa_b.bind(array.streamer2sa_b);
  }
};
}  // namespace detail

ArrayNode::ArrayNode(sc_core::sc_module_name name, const SystemOptions& options, const models::Clock& clock)
    : sc_core::sc_module(name), m_options(options), m_clock(clock) {
  m_parts = std::make_unique<detail::ArrayNodeParts>(options, clock);  // children of this module
}

ArrayNode::~ArrayNode() = default;

std::size_t ArrayNode::capacity() const { return m_parts->memory.capacity(); }
std::uint64_t ArrayNode::simulated_cycles() const { return m_parts->array.dut().cycle(); }

void ArrayNode::load(std::uint64_t addr, const std::int8_t* data, std::size_t bytes) {
  tlm::tlm_generic_payload gp;
  gp.set_command(tlm::TLM_WRITE_COMMAND);
  gp.set_address(addr);
  gp.set_data_ptr(reinterpret_cast<unsigned char*>(const_cast<std::int8_t*>(data)));
  gp.set_data_length(static_cast<unsigned int>(bytes));
  if (m_parts->streamer.streamer2mem->transport_dbg(gp) != bytes) throw std::runtime_error("host load into memory failed");
}

GemmRun ArrayNode::gemm_at(const sw::GemmPlan& plan, std::uint64_t a_addr, std::uint64_t b_addr) {
  ArrayTransactor& array = m_parts->array;
  models::GemmStreamer& streamer = m_parts->streamer;
  const ref::DutCounters before = array.dut().counters();
  const std::uint64_t bytes_before = streamer.counters().bytes_read;
  const std::uint64_t a_bytes_before = streamer.counters().a_bytes_read;
  const std::uint64_t metadata_before = streamer.counters().b_metadata_bytes_read;
  GemmRun run;
  run.start_cycle = array.begin_job(plan, m_clock.cycles(sc_core::sc_time_stamp()));
  // The streamer's time starts at the job's first cycle.
  const sc_core::sc_time start = m_clock.time(run.start_cycle);
  if (start > sc_core::sc_time_stamp()) wait(start - sc_core::sc_time_stamp());
  streamer.stream(plan, a_addr, b_addr);
  const ref::DutCounters& after = array.dut().counters();
  run.end_cycle = array.collector().last_cycle();
  run.cycles = run.end_cycle - run.start_cycle + 1;
  run.a_beats = after.a_beats - before.a_beats;
  run.b_beats = after.b_beats - before.b_beats;
  run.c_beats = after.c_beats - before.c_beats;
  run.c_stalled_cycles = after.c_stalled - before.c_stalled;
  run.mem_bytes_read = streamer.counters().bytes_read - bytes_before;
  run.mem_a_bytes_read = streamer.counters().a_bytes_read - a_bytes_before;
  run.mem_b_metadata_bytes_read = streamer.counters().b_metadata_bytes_read - metadata_before;
  run.c = array.collector().take_result();
  return run;
}

sw::ArrayActivity activity_of(const GemmRun& run, const sw::GemmPlan& plan) {
  const sw::GemmShape& g = plan.shape();
  return sw::array_activity({g.m, g.k, g.n, plan.array().rows, plan.array().cols,
                             plan.dataflow() == sw::Dataflow::kWeightStationary, run.a_beats, run.b_beats, run.c_beats,
                             run.c_stalled_cycles, run.mem_a_bytes_read, run.mem_bytes_read - run.mem_a_bytes_read,
                             plan.nm().n, plan.nm().m, run.mem_b_metadata_bytes_read});
}

GemmRun ArrayNode::gemm(const sw::MatrixI8& a, const sw::MatrixI8& b, sw::Dataflow dataflow) {
  if (const int group = m_options.dut.nm_group; group > 0) {  // the N:M sparse array: dense is n = M
    if (dataflow != sw::Dataflow::kWeightStationary) throw sw::InputError("the N:M sparse array is weight-stationary (ws)");
    return gemm_nm(a, sw::nm_operand(b, {group, group}));
  }
  const sw::GemmPlan plan({a.rows(), a.cols(), b.cols()}, m_options.array, dataflow);
  if (a.cols() != b.rows()) {
    throw sw::InputError("K mismatch: A is " + std::to_string(a.rows()) + "x" + std::to_string(a.cols()) +
                         " but B is " + std::to_string(b.rows()) + "x" + std::to_string(b.cols()));
  }
  return load_and_run(plan, a, b.data(), b.size());
}

GemmRun ArrayNode::gemm_nm(const sw::MatrixI8& a, const sw::NmOperand& b) {
  const sw::GemmPlan plan({a.rows(), a.cols(), b.cols()}, m_options.array, sw::Dataflow::kWeightStationary,
                          sw::NmMode{b.n, b.m});
  if (a.cols() != b.k) {
    throw sw::InputError("K mismatch: A is " + std::to_string(a.rows()) + "x" + std::to_string(a.cols()) +
                         " but B has K = " + std::to_string(b.k));
  }
  const std::string store = sw::encode(b.compressed);  // the nm storage format, as the streamer reads it
  return load_and_run(plan, a, reinterpret_cast<const std::int8_t*>(store.data()), store.size());
}

GemmRun ArrayNode::load_and_run(const sw::GemmPlan& plan, const sw::MatrixI8& a, const std::int8_t* b,
                                std::size_t b_bytes) {
  const std::uint64_t a_addr = 0;
  const std::uint64_t b_addr = (a.size() + 63) / 64 * 64;
  if (b_addr + b_bytes > capacity()) {
    throw sw::InputError("operands need " + std::to_string(b_addr + b_bytes) + " bytes but the memory holds " +
                         std::to_string(capacity()));
  }
  load(a_addr, a.data(), a.size());
  load(b_addr, b, b_bytes);
  return gemm_at(plan, a_addr, b_addr);
}

namespace {

// One node seen as a session.
class NodeSession final : public ArraySession {
 public:
  NodeSession(ArrayNode& node, const SystemOptions& options) : m_node(node), m_options(options) {}
  GemmRun gemm(const sw::MatrixI8& a, const sw::MatrixI8& b, sw::Dataflow dataflow) override {
    return m_node.gemm(a, b, dataflow);
  }
  GemmRun gemm_nm(const sw::MatrixI8& a, const sw::NmOperand& b) override { return m_node.gemm_nm(a, b); }
  const SystemOptions& options() const override { return m_options; }
  std::uint64_t simulated_cycles() const override { return m_node.simulated_cycles(); }

 private:
  ArrayNode& m_node;
  const SystemOptions& m_options;
};

// The nodes of one elaboration (one per engine asked for) and the thread that runs the program.
class ArraySystem : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(ArraySystem);

  ArraySystem(sc_core::sc_module_name name, const std::vector<SystemOptions>& nodes,
              std::function<void(std::vector<ArraySession*>&)> program)
      : sc_core::sc_module(name), m_options(nodes), m_program(std::move(program)) {
    for (std::size_t i = 0; i < m_options.size(); ++i) {
      const std::string node_name = i == 0 ? "node" : "node" + std::to_string(i);
      m_nodes.push_back(std::make_unique<ArrayNode>(node_name.c_str(), m_options[i], models::Clock(hw::kClockMhz)));
      m_sessions.push_back(std::make_unique<NodeSession>(*m_nodes.back(), m_options[i]));
    }
    SC_THREAD(driver);
  }

  std::exception_ptr error() const { return m_error; }

 private:
  void driver() {
    try {
      std::vector<ArraySession*> sessions;
      for (auto& s : m_sessions) sessions.push_back(s.get());
      m_program(sessions);
    } catch (...) {
      m_error = std::current_exception();
    }
    // Returning leaves no pending event, so sc_start() returns.
  }

  std::vector<SystemOptions> m_options;
  std::vector<std::unique_ptr<ArrayNode>> m_nodes;
  std::vector<std::unique_ptr<NodeSession>> m_sessions;
  std::function<void(std::vector<ArraySession*>&)> m_program;
  std::exception_ptr m_error;
};

double run_array_nodes(const char* who, const std::vector<SystemOptions>& nodes,
                       const std::function<void(std::vector<ArraySession*>&)>& program) {
  std::unique_ptr<ArraySystem> system;
  const double seconds = run_elaboration(who, [&] {
    // Long runs: let the streamer run ahead by up to 10k cycles between syncs.
    tlm::tlm_global_quantum::instance().set(models::Clock(hw::kClockMhz).time(10000));
    system = std::make_unique<ArraySystem>("wb", nodes, program);
  });
  if (system->error()) std::rethrow_exception(system->error());
  return seconds;
}

}  // namespace

double run_array_system(const SystemOptions& options, const std::function<void(ArraySession&)>& program) {
  return run_array_nodes("run_array_system", {options}, [&](std::vector<ArraySession*>& s) { program(*s[0]); });
}

namespace {

// The nodes of an engine pair of `options`: the RTL's then the model's, or the model's alone
// (kModel); beside the RTL the waveform is the RTL's.
std::vector<SystemOptions> pair_nodes(const SystemOptions& options) {
  SystemOptions rtl = options, model = options;
  rtl.dut.engine = ref::Engine::kRtl;
  model.dut.engine = ref::Engine::kModel;
  if (options.dut.engine == ref::Engine::kModel) return {model};
  model.dut.trace_path.clear();
  return {rtl, model};
}

}  // namespace

double run_array_pair(const SystemOptions& options, const std::function<void(ArraySession&, ArraySession&)>& program) {
  const std::vector<SystemOptions> nodes = pair_nodes(options);
  return run_array_nodes("run_array_pair", nodes,
                         [&](std::vector<ArraySession*>& s) { program(*s[0], *s[nodes.size() - 1]); });
}

double run_array_pairs(const SystemOptions& options, int nm_group,
                       const std::function<void(EnginePair dense, EnginePair nm)>& program) {
  SystemOptions dense = options, sparse = options;
  dense.dut.nm_group = 0;
  dense.dut.trace_path.clear();  // the waveform is the N:M sparse array's
  sparse.dut.nm_group = nm_group;
  std::vector<SystemOptions> nodes = pair_nodes(dense);
  const std::size_t per_pair = nodes.size();
  for (const SystemOptions& o : pair_nodes(sparse)) nodes.push_back(o);
  return run_array_nodes("run_array_pairs", nodes, [&](std::vector<ArraySession*>& s) {
    program(EnginePair{*s[0], *s[per_pair - 1]}, EnginePair{*s[per_pair], *s[2 * per_pair - 1]});
  });
}

}  // namespace wb::tb
