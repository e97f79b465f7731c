#pragma once
// The systolic-array system in SystemC: memory (TLM target) -> GEMM streamer (TLM initiator)
// -> array transactor -> Verilated RTL -> monitor. A user program runs in an SC_THREAD and
// issues GEMMs one after another; each returns its result and cycle counts.
//
// SystemC elaborates once per process: run_array_system may be called once.
#include <cstdint>
#include <functional>
#include <string>

#include "models/memory.hpp"
#include "sw/gemm_plan.hpp"
#include "tb/array_dut.hpp"

namespace wb::tb {

struct SystemOptions {
  sw::ArrayShape array{16, 16};
  models::MemoryTiming memory;
  std::size_t memory_bytes = std::size_t{256} << 20;
  int chunk_beats = 32;            // beats per streamer write
  std::size_t buffer_beats = 128;  // array input buffer, per operand
  DutOptions dut;
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
};

class ArraySession {
 public:
  virtual ~ArraySession() = default;
  // C = A * B on the array. Throws sw::InputError on a K mismatch or when the operands do not
  // fit the memory; std::runtime_error from the watchdog.
  virtual GemmRun gemm(const sw::MatrixI8& a, const sw::MatrixI8& b, sw::Dataflow dataflow) = 0;
  virtual const SystemOptions& options() const = 0;
  // Cycles the RTL has been clocked so far.
  virtual std::uint64_t simulated_cycles() const = 0;
};

// Elaborates the system, runs `program` to completion inside the simulation and returns the
// wall-clock seconds the simulation took. Exceptions from the program propagate.
double run_array_system(const SystemOptions& options, const std::function<void(ArraySession&)>& program);

}  // namespace wb::tb
