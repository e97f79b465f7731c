#pragma once
// What software loads into and streams through a k x k compute fabric (rtl/sa_fabric.sv with
// PEs) for one job: route tables, PE registers and SRAM images, the wavelets each edge slot
// injects, and where each wavelet leaving an edge slot belongs in the result. The mapper
// (fabric_mapper.hpp) writes programs; the testbench (models/ref/fabric_dut.hpp) runs them on the RTL.
#include <cstdint>
#include <vector>

#include "sw/tensor.hpp"

namespace wb::sw {

// Router port numbers and their bits in rx / tx sets (rtl/sa_wavelet_pkg.sv).
enum FabricPort : int { kPortN = 0, kPortE = 1, kPortS = 2, kPortW = 3, kPortRamp = 4 };
constexpr unsigned port_bit(FabricPort p) { return 1u << p; }

// PE register map and encodings (rtl/sa_wafer_pe.sv).
constexpr std::uint16_t kPeRegMode = 0;
constexpr std::uint16_t kPeRegColors = 1;
constexpr std::uint16_t kPeRegShape = 2;
constexpr std::uint16_t kPeEndIndex = 0xFFFF;  // index of the end-of-vector / end-of-layer wavelet
constexpr std::uint32_t pe_colors_word(int mac, int psum, int out, bool chain_head) {
  return static_cast<std::uint32_t>(mac) | (static_cast<std::uint32_t>(psum) << 8) |
         (static_cast<std::uint32_t>(out) << 16) | (chain_head ? 1u << 24 : 0u);
}
// {index[31:16], value[15:0]}: the MAC task's wavelet data.
constexpr std::uint32_t mac_data(std::uint16_t index, std::int16_t value) {
  return (static_cast<std::uint32_t>(index) << 16) | static_cast<std::uint16_t>(value);
}

struct FabricWavelet {
  int color = 0;
  int dst_x = 0, dst_y = 0;  // used by addressed colors
  std::uint32_t data = 0;
};

struct RouteSetting {
  int x = 0, y = 0, color = 0;
  bool addressed = false;
  unsigned rx = 0, tx = 0;  // port_bit sets
};

// One PE's configuration, written in order through its configuration port.
struct PeSetting {
  int x = 0, y = 0;
  std::uint32_t mode = 0, colors = 0, shape = 0;
  std::vector<std::uint32_t> sram;  // image from word 0
};

// Edge slots: [0, k) north (by x), [k, 2k) east (by y), [2k, 3k) south (by x), [3k, 4k) west (by y).
constexpr int north_slot(int k, int x) { (void)k; return x; }
constexpr int east_slot(int k, int y) { return k + y; }

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
  int used_x = 0, used_y = 0;    // PEs in use: the used_x x used_y corner at (0, 0)
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
