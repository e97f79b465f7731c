// SPDX-License-Identifier: Apache-2.0
// [unit] The fabric's layouts as generated from config/hardware.json, pinned to hand-written
// absolute bit positions: a change to the config (or the generator) that moves a field fails
// here first, before it surfaces as a co-simulation mismatch.
#include <catch2/catch.hpp>

#include <cstdint>

#include "sw/fabric_mapper.hpp"
#include "sw/fabric_program.hpp"
#include "sw/rng.hpp"
#include "wb/hw_config.hpp"

using wb::sw::FabricWavelet;
using wb::sw::pack_wavelet;
using wb::sw::unpack_wavelet;

namespace {

bool same(const FabricWavelet& a, const FabricWavelet& b) {
  return a.color == b.color && a.dst_x == b.dst_x && a.dst_y == b.dst_y && a.data == b.data;
}

}  // namespace

TEST_CASE("a wavelet packs to sa_wavelet_t's bits: color[44:40], dst_x[39:36], dst_y[35:32], data[31:0]", "[unit][fabric]") {
  CHECK(wb::hw::kWaveletWidth == 45);
  CHECK(pack_wavelet({1, 0, 0, 0}) == std::uint64_t{1} << 40);
  CHECK(pack_wavelet({0, 1, 0, 0}) == std::uint64_t{1} << 36);
  CHECK(pack_wavelet({0, 0, 1, 0}) == std::uint64_t{1} << 32);
  CHECK(pack_wavelet({0, 0, 0, 1}) == std::uint64_t{1});
  // 21 = 10101b, 9 = 1001b, 6 = 0110b
  CHECK(pack_wavelet({21, 9, 6, 0x89ABCDEFu}) == 0x1596'89AB'CDEFull);
  CHECK(pack_wavelet({31, 15, 15, 0xFFFFFFFFu}) == 0x1FFF'FFFF'FFFFull);
  CHECK(same(unpack_wavelet(0x1596'89AB'CDEFull), FabricWavelet{21, 9, 6, 0x89ABCDEFu}));
  // A field never spills into its neighbour.
  CHECK(pack_wavelet({32, 16, 16, 0}) == 0);
}

TEST_CASE("wavelets round-trip through pack and unpack", "[unit][fabric]") {
  wb::sw::SplitMix64 rng(11);
  for (int i = 0; i < 1000; ++i) {
    const FabricWavelet w{static_cast<int>(rng.next() % 32), static_cast<int>(rng.next() % 16),
                          static_cast<int>(rng.next() % 16), static_cast<std::uint32_t>(rng.next())};
    REQUIRE(same(unpack_wavelet(pack_wavelet(w)), w));
  }
}

TEST_CASE("router ports and PE words have their absolute numbers and bits", "[unit][fabric]") {
  CHECK(wb::hw::kPortN == 0);
  CHECK(wb::hw::kPortE == 1);
  CHECK(wb::hw::kPortS == 2);
  CHECK(wb::hw::kPortW == 3);
  CHECK(wb::hw::kPortRamp == 4);
  CHECK(wb::hw::kNumPorts == 5);
  CHECK(wb::hw::facing_port(wb::hw::kPortN) == wb::hw::kPortS);
  CHECK(wb::hw::facing_port(wb::hw::kPortW) == wb::hw::kPortE);
  CHECK(wb::hw::kMaxMesh == 16);

  CHECK(wb::hw::kPeRegMode == 0);
  CHECK(wb::hw::kPeRegColors == 1);
  CHECK(wb::hw::kPeRegShape == 2);
  // colors: mac [4:0], psum [12:8], out [20:16], chain head [24]
  CHECK(wb::sw::pe_colors_word(3, 1, 2, true) == 0x0102'0103u);
  CHECK(wb::sw::pe_colors_word(31, 31, 31, false) == 0x001F'1F1Fu);
  // shape: rows [15:0], batch [31:16]
  CHECK(wb::sw::pe_shape_word(5, 7) == 0x0007'0005u);
  // MAC data {index[31:16], value[15:0]}, the mode 1 index {i[15:8], j[7:0]}, the end index
  CHECK(wb::sw::mac_data(0x1234, -2) == 0x1234'FFFEu);
  CHECK(wb::sw::stream_index(3, 4) == 0x0304);
  CHECK(wb::sw::mac_data(wb::hw::kPeEndIndex, 0) == 0xFFFF'0000u);
  // mode 0 SRAM: column pointer {count[31:16], start[15:0]}, entry {row[31:16], weight[15:0]}
  CHECK(wb::sw::colptr_word(3, 0x40) == 0x0003'0040u);
  CHECK(wb::sw::entry_word(9, -1) == 0x0009'FFFFu);
}

TEST_CASE("the fabric limits default to the built hardware's", "[unit][fabric]") {
  const wb::sw::FabricLimits limits;
  CHECK(limits.sram_words == wb::hw::kPeSramBytes / 4);
  CHECK(limits.accumulators == wb::hw::kPeAccumulators);
  CHECK(limits.colors == wb::hw::kWaferColors);
}
