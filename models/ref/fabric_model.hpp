// SPDX-License-Identifier: Apache-2.0
#pragma once
// C++ reference model of the k x k compute fabric (rtl/sa_fabric.sv with HasPe: sa_tile =
// sa_router + sa_wafer_pe) behind the same WaferDut interface as the Verilated RTL (the swap
// rule). Cycle-exact: every router and PE is modelled register for register (per-(input, color)
// buffers with the same-cycle bypass, route lookup on arrival, per-(output, color) credits,
// round-robin output-first allocation, registered outputs; the PE's per-color FIFOs, issue
// stage, SRAM read latency, accumulators and reduction), and the edge inputs are registered
// once, as in sa_fabric. The edge driver is models/ref/fabric_drive.hpp, shared with VerilatedWaferDut,
// so on the same program and seed the model's results, cycles, MACs, link flits and watchdog
// equal the RTL's. Any k from 1 to 16 (the wavelet's 4-bit coordinates); no waveform. Idle
// tiles are skipped, so the cost follows the traffic, not the mesh.
#include <memory>

#include "models/ref/fabric_dut.hpp"

namespace wb::ref {

class ModelWaferDut final : public WaferDut {
 public:
  // Throws sw::InputError for k outside 1..16.
  explicit ModelWaferDut(int k);
  ~ModelWaferDut() override;
  int mesh() const override { return m_k; }
  WaferRunResult run(const sw::FabricProgram& program, const WaferRunOptions& options) override;
  std::unique_ptr<WaferJob> start(const sw::FabricProgram& program, const WaferRunOptions& options) override;

  class Fabric;  // the model's pins (see fabric_model.cpp)

 private:
  int m_k;
  std::unique_ptr<Fabric> m_fabric;
};

// The model behind make_wafer_dut's Engine::kModel: throws sw::InputError for a trace (the
// model has no pins to dump) or k outside 1..16.
std::unique_ptr<WaferDut> make_model_wafer_dut(int k, const WaferDutOptions& options);

}  // namespace wb::ref
