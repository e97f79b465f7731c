// SPDX-License-Identifier: Apache-2.0
#pragma once
// What software loads into and streams through a k x k compute fabric (rtl/sa_fabric.sv with
// PEs) for one job: route tables, PE registers and SRAM images, the wavelets each edge slot
// injects, and where each wavelet leaving an edge slot belongs in the result. The mapper
// (fabric_mapper.hpp) writes programs; the testbench (models/ref/fabric_dut.hpp) runs them on the RTL.
#include <cstdint>
#include <vector>

#include "sw/tensor.hpp"
#include "wb/hw_config.hpp"

namespace wb::sw {

// The layouts below come from config/hardware.json, which also generates the RTL's package
// (sa_fabric_pkg): change a field there, never here.

// Router port numbers and their bits in rx / tx sets.
enum FabricPort : int {
  kPortN = hw::kPortN,
  kPortE = hw::kPortE,
  kPortS = hw::kPortS,
  kPortW = hw::kPortW,
  kPortRamp = hw::kPortRamp
};
constexpr unsigned port_bit(FabricPort p) { return 1u << p; }

struct FabricWavelet {
  int color = 0;
  int dst_x = 0, dst_y = 0;  // used by addressed colors
  std::uint32_t data = 0;
};

// sa_wavelet_t as an integer (a Verilated port of the fabric): the one pack and unpack that every
// C++ user of the layout calls. Fields are cut to their widths.
constexpr std::uint64_t pack_wavelet(const FabricWavelet& w) {
  return hw::kWaveletColor.put(static_cast<std::uint64_t>(w.color)) |
         hw::kWaveletDstX.put(static_cast<std::uint64_t>(w.dst_x)) |
         hw::kWaveletDstY.put(static_cast<std::uint64_t>(w.dst_y)) | hw::kWaveletData.put(w.data);
}
constexpr FabricWavelet unpack_wavelet(std::uint64_t v) {
  return FabricWavelet{static_cast<int>(hw::kWaveletColor.get(v)), static_cast<int>(hw::kWaveletDstX.get(v)),
                       static_cast<int>(hw::kWaveletDstY.get(v)), static_cast<std::uint32_t>(hw::kWaveletData.get(v))};
}

// PE register words (sa_wafer_pe's configuration registers). lane: which value of a mode 0 MAC
// wavelet the PE takes (0: the 16-bit value of mac_data, 1 / 2: lane 0 / 1 of mac_lanes_data).
constexpr std::uint32_t pe_mode_word(int mode, int lane) {
  return static_cast<std::uint32_t>(hw::kPeMode.put(static_cast<std::uint64_t>(mode)) |
                                    hw::kPeMacLane.put(static_cast<std::uint64_t>(lane)));
}
constexpr std::uint32_t pe_colors_word(int mac, int psum, int out, bool chain_head) {
  return static_cast<std::uint32_t>(hw::kPeMacColor.put(static_cast<std::uint64_t>(mac)) |
                                    hw::kPePsumColor.put(static_cast<std::uint64_t>(psum)) |
                                    hw::kPeOutColor.put(static_cast<std::uint64_t>(out)) |
                                    hw::kPeChainHead.put(chain_head ? 1u : 0u));
}
// rows: accumulators reduced per vector (or layer); batch: vectors resident (mode 1).
constexpr std::uint32_t pe_shape_word(int rows, int batch) {
  return static_cast<std::uint32_t>(hw::kPeRows.put(static_cast<std::uint64_t>(rows)) |
                                    hw::kPeBatch.put(static_cast<std::uint64_t>(batch)));
}

// Words the PE's tasks decode. The MAC task's wavelet data: {index, value}.
constexpr std::uint32_t mac_data(std::uint16_t index, std::int16_t value) {
  return static_cast<std::uint32_t>(hw::kPeMacIndex.put(index) | hw::kPeMacValue.put(static_cast<std::uint16_t>(value)));
}
// The same index with two int8 values: lane 0 for PEs with lane 1, lane 1 for PEs with lane 2.
constexpr std::uint32_t mac_lanes_data(std::uint16_t index, std::int8_t lane0, std::int8_t lane1) {
  return static_cast<std::uint32_t>(hw::kPeMacLanesIndex.put(index) |
                                    hw::kPeMacLanesLane0.put(static_cast<std::uint8_t>(lane0)) |
                                    hw::kPeMacLanesLane1.put(static_cast<std::uint8_t>(lane1)));
}
// Mode 1 MAC index of weight (row i, column j) of a PE's block.
constexpr std::uint16_t stream_index(int row, int col) {
  return static_cast<std::uint16_t>(hw::kPeStreamIndexRow.put(static_cast<std::uint64_t>(row)) |
                                    hw::kPeStreamIndexCol.put(static_cast<std::uint64_t>(col)));
}
// Mode 0 SRAM: a column pointer {count, start} and an entry {row, weight}.
constexpr std::uint32_t colptr_word(std::uint32_t count, std::uint32_t start) {
  return static_cast<std::uint32_t>(hw::kPeColptrCount.put(count) | hw::kPeColptrStart.put(start));
}
constexpr std::uint32_t entry_word(std::uint16_t row, std::int16_t weight) {
  return static_cast<std::uint32_t>(hw::kPeEntryRow.put(row) | hw::kPeEntryWeight.put(static_cast<std::uint16_t>(weight)));
}

struct RouteSetting {
  int x = 0, y = 0, color = 0;
  bool addressed = false;
  unsigned rx = 0, tx = 0;  // port_bit sets
};

// One PE's configuration, written in order through its configuration port (registers
// hw::kPeRegMode, kPeRegColors, kPeRegShape, then the SRAM from word 0).
struct PeSetting {
  int x = 0, y = 0;
  std::uint32_t mode = 0, colors = 0, shape = 0;
  std::vector<std::uint32_t> sram;  // image from word 0
};

// Edge slots: [0, k) north (by x), [k, 2k) east (by y), [2k, 3k) south (by x), [3k, 4k) west (by y).
constexpr int north_slot(int k, int x) { (void)k; return x; }
constexpr int east_slot(int k, int y) { return k + y; }
constexpr int south_slot(int k, int x) { return 2 * k + x; }
constexpr int west_slot(int k, int y) { return 3 * k + y; }

struct EdgeInput {
  int slot = 0;
  std::vector<FabricWavelet> wavelets;  // injected in this order, each when its color has a credit
};

struct EdgeOutput {
  int slot = 0;
  struct Target {
    int row, col;
  };
  std::vector<Target> targets;  // the i-th wavelet leaving the slot is result(row, col)
};

struct FabricProgram {
  int mesh = 0;                  // k of the k x k fabric it was mapped for
  int used_x = 0, used_y = 0;    // PE grid of one copy of the layer: input blocks x output blocks
  int replicas = 1;              // copies of the grid (weights resident), each on its own vectors
  int result_rows = 0, result_cols = 0;
  std::uint64_t expected_macs = 0;  // multiply-accumulates the PEs must do (the useful work)
  std::vector<RouteSetting> routes;
  std::vector<PeSetting> pes;
  std::vector<EdgeInput> inputs;
  std::vector<EdgeOutput> outputs;

  std::uint64_t input_wavelets() const;
  std::uint64_t output_wavelets() const;
};

}  // namespace wb::sw
