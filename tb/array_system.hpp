// SPDX-License-Identifier: Apache-2.0
#pragma once
// The systolic-array system in SystemC: memory (TLM target) -> GEMM streamer (TLM initiator)
// -> array transactor -> Verilated RTL -> monitor. A user program runs in an SC_THREAD and
// issues GEMMs one after another; each returns its result and cycle counts.
//
// SystemC elaborates once per process (tb/elaboration.hpp): a process calls run_array_system once
// and no other system runner; a second call throws std::logic_error.
#include <systemc>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "models/clock.hpp"
#include "models/memory.hpp"
#include "sw/gemm_plan.hpp"
#include "sw/layer_record.hpp"
#include "models/ref/systolic_array_dut.hpp"

namespace wb::tb {

struct SystemOptions {
  sw::ArrayShape array{16, 16};
  models::MemoryTiming memory;
  std::size_t memory_bytes = std::size_t{256} << 20;
  int chunk_beats = 32;            // beats per streamer write
  std::size_t buffer_beats = 128;  // array input buffer, per operand
  ref::DutOptions dut;
};

struct GemmRun {
  sw::MatrixI32 c;
  std::uint64_t start_cycle = 0;
  std::uint64_t end_cycle = 0;  // cycle of the last result
  std::uint64_t cycles = 0;     // end - start + 1
  std::uint64_t a_beats = 0;
  std::uint64_t b_beats = 0;
  std::uint64_t c_beats = 0;
  std::uint64_t c_stalled_cycles = 0;
  std::uint64_t mem_bytes_read = 0;
  std::uint64_t mem_a_bytes_read = 0;  // of mem_bytes_read, A's
  std::uint64_t mem_b_metadata_bytes_read = 0;  // of B's, an N:M operand's packed offsets
};

// The per-layer record's activity of one GEMM run under `plan` (sw::array_activity of its
// counters), to be summed over a layer's GEMMs.
sw::ArrayActivity activity_of(const GemmRun& run, const sw::GemmPlan& plan);

class ArraySession {
 public:
  virtual ~ArraySession() = default;
  // C = A * B on the array (on the N:M sparse array: as n = M, WS only). Throws sw::InputError
  // on a K mismatch or when the operands do not fit the memory; std::runtime_error from the
  // watchdog.
  virtual GemmRun gemm(const sw::MatrixI8& a, const sw::MatrixI8& b, sw::Dataflow dataflow) = 0;
  // C = A * B with B N:M sparse, on the N:M sparse array (options().dut.nm_group = b.m).
  virtual GemmRun gemm_nm(const sw::MatrixI8& a, const sw::NmOperand& b) = 0;
  virtual const SystemOptions& options() const = 0;
  // Cycles the RTL has been clocked so far.
  virtual std::uint64_t simulated_cycles() const = 0;
};

class ArrayTransactor;

namespace detail {
struct ArrayNodeParts;
}

// One array system as a SystemC module: its memory (on-chip, a TLM target), the GEMM streamer
// and the transactor around the DUT from make_array_dut. run_array_system holds one; the
// training system holds one per system.
class ArrayNode : public sc_core::sc_module {
 public:
  ArrayNode(sc_core::sc_module_name name, const SystemOptions& options, const models::Clock& clock);
  ~ArrayNode() override;

  // Host load into the memory (no simulated time). Throws std::runtime_error out of range.
  void load(std::uint64_t addr, const std::int8_t* data, std::size_t bytes);
  std::size_t capacity() const;
  // Runs `plan` with A at a_addr and B at b_addr (row-major int8, already in the memory): waits
  // until the array is free, streams, and returns when the last result is out (SystemC time is
  // then that cycle). Call from an SC_THREAD.
  GemmRun gemm_at(const sw::GemmPlan& plan, std::uint64_t a_addr, std::uint64_t b_addr);
  // Loads A at 0 and B after it, then gemm_at. Throws sw::InputError on a K mismatch or when the
  // operands do not fit the memory.
  GemmRun gemm(const sw::MatrixI8& a, const sw::MatrixI8& b, sw::Dataflow dataflow);
  // The same for an N:M sparse B (in the memory in the nm storage format), on the N:M sparse array.
  GemmRun gemm_nm(const sw::MatrixI8& a, const sw::NmOperand& b);
  std::uint64_t simulated_cycles() const;

 private:
  SystemOptions m_options;
  models::Clock m_clock;
  // Loads A at 0 and B (b_bytes at b) after it, then gemm_at.
  GemmRun load_and_run(const sw::GemmPlan& plan, const sw::MatrixI8& a, const std::int8_t* b, std::size_t b_bytes);

  std::unique_ptr<detail::ArrayNodeParts> m_parts;
};

// Elaborates the system, runs `program` to completion inside the simulation and returns the
// wall-clock seconds the simulation took. Exceptions from the program propagate.
double run_array_system(const SystemOptions& options, const std::function<void(ArraySession&)>& program);

// The same with two nodes of one configuration in one elaboration, the RTL and the model
// (options.dut.engine is ignored, except that kModel gives the model node twice and needs no
// RTL build): for work checked on both engines.
double run_array_pair(const SystemOptions& options, const std::function<void(ArraySession&, ArraySession&)>& program);

// The RTL and the model session of one array configuration (the same session twice for the model).
struct EnginePair {
  ArraySession& rtl;
  ArraySession& model;
};

// run_array_pair with a second pair in the same elaboration: the N:M sparse array's (options.dut.
// nm_group = nm_group), for work that runs some GEMMs dense and others N:M sparse. A waveform
// (options.dut.trace_path) is the N:M sparse array's RTL.
double run_array_pairs(const SystemOptions& options, int nm_group,
                       const std::function<void(EnginePair dense, EnginePair nm)>& program);

}  // namespace wb::tb
