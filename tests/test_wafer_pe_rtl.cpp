// SPDX-License-Identifier: Apache-2.0
// [cosim] The data-triggered PE alone at pin level: the MAC task in both modes (mode 0 also on
// a lane of shared wavelets), emit and partial-sum pass, against a C++ model of its tasks, under
// random gaps on its input and random credit stalls on its output; unbound colors are dropped
// with their credit returned. The activity counters (MACs, SRAM words read and written, partial
// sums added) are pinned to what each case sends.
#include "Vsa_wafer_pe.h"  // Verilated headers first
#include "wb/hw_config.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <deque>
#include <memory>
#include <vector>

#include "sw/fabric_program.hpp"
#include "sw/rng.hpp"
#include "tb/verilated_model.hpp"

namespace {

constexpr int kMac = 0, kPsum = 1, kOut = 2;

struct Wave {
  int color;
  std::uint32_t data;
};

class PeBench {
 public:
  PeBench() : m_top(std::make_unique<Vsa_wafer_pe>(&m_ctx, "top")) { wb::tb::reset_model(*m_top); }
  ~PeBench() { wb::tb::destroy_model(m_ctx, m_top); }

  void configure(std::uint32_t mode, bool chain_head, std::uint32_t shape, const std::vector<std::uint32_t>& sram) {
    write(false, wb::hw::kPeRegMode, mode);
    write(false, wb::hw::kPeRegColors, wb::sw::pe_colors_word(kMac, kPsum, kOut, chain_head));
    write(false, wb::hw::kPeRegShape, shape);
    for (std::size_t i = 0; i < sram.size(); ++i) write(true, static_cast<std::uint16_t>(i), sram[i]);
  }

  // Sends the MAC and psum streams (each in order, interleaved at random, with random gaps)
  // and returns the first `expected` output data words; the receiver stalls its credits at random.
  std::vector<std::uint32_t> run(const std::vector<Wave>& mac, const std::vector<Wave>& psum, std::size_t expected,
                                 double stall, std::uint64_t seed) {
    wb::sw::SplitMix64 rng(seed);
    std::deque<Wave> q[2] = {{mac.begin(), mac.end()}, {psum.begin(), psum.end()}};
    int credits[wb::hw::kColorCodes];
    for (int& c : credits) c = wb::hw::kRouterDepth;
    int held = 0;
    std::vector<std::uint32_t> out;
    for (m_cycles = 0; m_cycles < 200000; ++m_cycles) {
      if (out.size() >= expected && q[0].empty() && q[1].empty() && m_top->idle_o && held == 0) break;
      m_top->in_valid_i = 0;
      if (!(stall > 0 && rng.chance(stall))) {
        const int first = static_cast<int>(rng.next() & 1);
        for (int i = 0; i < 2; ++i) {
          auto& queue = q[(first + i) & 1];
          if (queue.empty() || credits[queue.front().color] == 0) continue;
          --credits[queue.front().color];
          m_top->in_valid_i = 1;
          m_top->in_wavelet_i = wb::sw::pack_wavelet({queue.front().color, 0, 0, queue.front().data});
          queue.pop_front();
          break;
        }
      }
      const bool give = held > 0 && !(stall > 0 && rng.chance(stall));
      m_top->out_credit_i = give ? (1u << kOut) : 0u;
      held -= give;
      m_top->clk_i = 0;
      m_top->eval();
      for (int c = 0; c < wb::hw::kColorCodes; ++c) credits[c] += (m_top->in_credit_o >> c) & 1;
      if (m_top->out_valid_o) {
        REQUIRE(wb::sw::unpack_wavelet(m_top->out_wavelet_o).color == kOut);
        out.push_back(static_cast<std::uint32_t>(m_top->out_wavelet_o));
        ++held;
        REQUIRE(held <= wb::hw::kRouterDepth);  // never sends without a credit
      }
      m_top->clk_i = 1;
      m_top->eval();
    }
    for (int c = 0; c < wb::hw::kColorCodes; ++c) CHECK(credits[c] == wb::hw::kRouterDepth);  // every credit came home
    return out;
  }

  std::uint64_t macs() const { return m_top->macs_o; }
  std::uint64_t sram_reads() const { return m_top->sram_reads_o; }
  std::uint64_t sram_writes() const { return m_top->sram_writes_o; }
  std::uint64_t psum_adds() const { return m_top->psum_adds_o; }
  bool error() const { return m_top->error_o; }
  std::uint64_t cycles() const { return m_cycles; }

 private:
  void write(bool sram, std::uint16_t addr, std::uint32_t data) {
    m_top->cfg_valid_i = 1;
    m_top->cfg_sram_i = sram;
    m_top->cfg_addr_i = addr;
    m_top->cfg_data_i = data;
    m_top->clk_i = 1;
    m_top->eval();
    m_top->clk_i = 0;
    m_top->eval();
    m_top->cfg_valid_i = 0;
  }

  VerilatedContext m_ctx;
  std::unique_ptr<Vsa_wafer_pe> m_top;
  std::uint64_t m_cycles = 0;
};

std::int16_t random_value(wb::sw::SplitMix64& rng, bool int16) {
  return static_cast<std::int16_t>(int16 ? rng.uniform(-32768, 32767) : rng.uniform(-128, 127));
}

// A random weight block (rows x cols, ~density nonzero) in the mode-0 SRAM layout.
struct Block {
  int rows, cols;
  std::vector<std::vector<std::int16_t>> w;  // [col][row]
  std::vector<std::uint32_t> sram;
  Block(int r, int c, double density, wb::sw::SplitMix64& rng) : rows(r), cols(c), w(c, std::vector<std::int16_t>(r, 0)) {
    sram.assign(static_cast<std::size_t>(c), 0);
    for (int j = 0; j < c; ++j) {
      const auto start = static_cast<std::uint32_t>(sram.size());
      for (int i = 0; i < r; ++i) {
        if (!rng.chance(density)) continue;
        w[j][i] = random_value(rng, true);
        if (w[j][i] == 0) continue;
        sram.push_back(wb::sw::entry_word(static_cast<std::uint16_t>(i), w[j][i]));
      }
      sram[j] = wb::sw::colptr_word(static_cast<std::uint32_t>(sram.size()) - start, start);
    }
  }
  int nnz(int j) const { return static_cast<int>(wb::hw::kPeColptrCount.get(sram[j])); }
};

}  // namespace

TEST_CASE("PE mode 0: sparse activations meet resident sparse weights, sums pass along", "[cosim][wafer_pe]") {
  const double stall = GENERATE(0.0, 0.3, 0.6);
  const bool chain_head = GENERATE(true, false);
  wb::sw::SplitMix64 rng(7 + static_cast<std::uint64_t>(stall * 10) + chain_head);
  const Block block(40, 24, 0.4, rng);
  const int vectors = 3;
  std::vector<Wave> mac, psum;
  std::vector<std::uint32_t> expected;
  std::uint64_t macs = 0, busy = 0, sent = 0;
  for (int v = 0; v < vectors; ++v) {
    std::vector<std::int32_t> acc(block.rows, 0);
    for (int j = 0; j < block.cols; ++j) {
      const std::int16_t a = rng.chance(0.3) ? 0 : random_value(rng, v == 1);  // int8 and int16 activations
      if (a == 0) continue;                                                  // zeros are never sent
      mac.push_back({kMac, wb::sw::mac_data(static_cast<std::uint16_t>(j), a)});
      for (int i = 0; i < block.rows; ++i) acc[i] = static_cast<std::int32_t>(static_cast<std::uint32_t>(acc[i]) + static_cast<std::uint32_t>(a * block.w[j][i]));
      macs += block.nnz(j);
      ++sent;
      busy += std::max(block.nnz(j), 1);  // the fetch register hides the column pointer
    }
    mac.push_back({kMac, wb::sw::mac_data(wb::hw::kPeEndIndex, 0)});
    for (int i = 0; i < block.rows; ++i) {
      std::uint32_t sum = static_cast<std::uint32_t>(acc[i]);
      if (!chain_head) {
        const auto p = static_cast<std::uint32_t>(rng.next());
        psum.push_back({kPsum, p});
        sum += p;
      }
      expected.push_back(sum);
    }
  }
  PeBench pe;
  pe.configure(0, chain_head, wb::sw::pe_shape_word(block.rows, 1), block.sram);
  const auto out = pe.run(mac, psum, expected.size(), stall, 99);
  CHECK(out == expected);
  CHECK(pe.macs() == macs);
  // Each activation reads its column pointer and then one entry per MAC; the end markers'
  // index lies past the SRAM and reads nothing. Every SRAM word was written once.
  CHECK(pe.sram_reads() == sent + macs);
  CHECK(pe.sram_writes() == block.sram.size());
  CHECK(pe.psum_adds() == (chain_head ? 0u : static_cast<std::uint64_t>(vectors * block.rows)));
  CHECK_FALSE(pe.error());
  if (stall == 0.0 && chain_head) {
    // One cycle per stored weight (at least one per activation), then one per result: no bubbles.
    CHECK(pe.cycles() <= busy + vectors * (block.rows + 4) + 8);
  }
}

TEST_CASE("PE mode 0 lanes: each PE takes its int8 of a shared wavelet and skips its zeros", "[cosim][wafer_pe]") {
  const int lane = GENERATE(1, 2);
  const double stall = GENERATE(0.0, 0.4);
  wb::sw::SplitMix64 rng(31 + static_cast<std::uint64_t>(lane * 10) + static_cast<std::uint64_t>(stall * 10));
  const Block block(16, 20, 0.5, rng);
  std::vector<Wave> mac;
  std::vector<std::uint32_t> expected;
  std::uint64_t macs = 0, sent = 0;
  for (int v = 0; v < 2; ++v) {
    std::vector<std::int32_t> acc(block.rows, 0);
    for (int j = 0; j < block.cols; ++j) {
      // The other lane's value is noise the PE must ignore; its own lane is zero at times.
      std::int8_t mine = rng.chance(0.3) ? 0 : static_cast<std::int8_t>(random_value(rng, false));
      const auto other = static_cast<std::int8_t>(random_value(rng, false));
      if (mine == 0 && other == 0) continue;
      mac.push_back({kMac, lane == 1 ? wb::sw::mac_lanes_data(static_cast<std::uint16_t>(j), mine, other)
                                     : wb::sw::mac_lanes_data(static_cast<std::uint16_t>(j), other, mine)});
      ++sent;
      if (mine == 0) continue;
      for (int i = 0; i < block.rows; ++i) acc[i] = static_cast<std::int32_t>(static_cast<std::uint32_t>(acc[i]) + static_cast<std::uint32_t>(mine * block.w[j][i]));
      macs += block.nnz(j);
    }
    mac.push_back({kMac, wb::sw::mac_data(wb::hw::kPeEndIndex, 0)});
    for (int i = 0; i < block.rows; ++i) expected.push_back(static_cast<std::uint32_t>(acc[i]));
  }
  PeBench pe;
  pe.configure(wb::sw::pe_mode_word(0, lane), true, wb::sw::pe_shape_word(block.rows, 1), block.sram);
  CHECK(pe.run(mac, {}, expected.size(), stall, 11) == expected);
  CHECK(pe.macs() == macs);  // zeros in the PE's lane do no MACs
  CHECK(pe.sram_reads() == sent + macs);  // ... but their column pointer was read on arrival
  CHECK(pe.psum_adds() == 0);
  CHECK_FALSE(pe.error());
}

TEST_CASE("PE mode 1: streamed weights meet resident activations over the batch", "[cosim][wafer_pe]") {
  const double stall = GENERATE(0.0, 0.4);
  const bool chain_head = GENERATE(true, false);
  wb::sw::SplitMix64 rng(17 + static_cast<std::uint64_t>(stall * 10) + chain_head);
  const int rows = 12, cols = 9, batch = 5;
  std::vector<std::uint32_t> sram(static_cast<std::size_t>(cols) * batch);
  std::vector<std::int16_t> x(sram.size());
  for (std::size_t i = 0; i < sram.size(); ++i) {
    x[i] = random_value(rng, false);
    sram[i] = static_cast<std::uint32_t>(static_cast<std::int32_t>(x[i]));
  }
  std::vector<std::uint32_t> acc(static_cast<std::size_t>(rows) * batch, 0);
  std::vector<Wave> mac, psum;
  std::uint64_t macs = 0;
  for (int i = 0; i < rows; ++i) {
    for (int j = 0; j < cols; ++j) {
      if (rng.chance(0.5)) continue;
      const std::int16_t w = random_value(rng, true);
      mac.push_back({kMac, wb::sw::mac_data(static_cast<std::uint16_t>((i << 8) | j), w)});
      for (int n = 0; n < batch; ++n) acc[i * batch + n] += static_cast<std::uint32_t>(w * x[j * batch + n]);
      macs += batch;
    }
  }
  mac.push_back({kMac, wb::sw::mac_data(wb::hw::kPeEndIndex, 0)});
  std::vector<std::uint32_t> expected;
  for (auto a : acc) {
    if (!chain_head) {
      const auto p = static_cast<std::uint32_t>(rng.next());
      psum.push_back({kPsum, p});
      a += p;
    }
    expected.push_back(a);
  }
  PeBench pe;
  pe.configure(1, chain_head, wb::sw::pe_shape_word(rows * batch, batch), sram);
  CHECK(pe.run(mac, psum, expected.size(), stall, 5) == expected);
  CHECK(pe.macs() == macs);
  CHECK(pe.sram_reads() == macs);  // one resident activation per MAC; no column pointers
  CHECK(pe.sram_writes() == sram.size());
  CHECK(pe.psum_adds() == (chain_head ? 0u : acc.size()));
  CHECK_FALSE(pe.error());
}

TEST_CASE("PE drops a wavelet on an unbound color, returns its credit and keeps working", "[cosim][wafer_pe]") {
  wb::sw::SplitMix64 rng(3);
  const Block block(4, 4, 1.0, rng);
  PeBench pe;
  pe.configure(0, true, wb::sw::pe_shape_word(4, 1), block.sram);
  std::vector<Wave> mac{{3, 0x1234}, {kMac, wb::sw::mac_data(1, 2)}, {kMac, wb::sw::mac_data(wb::hw::kPeEndIndex, 0)}};
  std::vector<std::uint32_t> expected;
  for (int i = 0; i < 4; ++i) expected.push_back(static_cast<std::uint32_t>(2 * block.w[1][i]));
  CHECK(pe.run(mac, {}, expected.size(), 0.0, 1) == expected);
  CHECK(pe.error());
}

TEST_CASE("PE with zero rows reduces nothing and takes the next vector", "[cosim][wafer_pe]") {
  wb::sw::SplitMix64 rng(4);
  const Block block(3, 2, 1.0, rng);
  PeBench pe;
  pe.configure(0, true, wb::sw::pe_shape_word(0, 1), block.sram);
  std::vector<Wave> mac{{kMac, wb::sw::mac_data(0, 1)}, {kMac, wb::sw::mac_data(wb::hw::kPeEndIndex, 0)},
                        {kMac, wb::sw::mac_data(1, 1)}, {kMac, wb::sw::mac_data(wb::hw::kPeEndIndex, 0)}};
  CHECK(pe.run(mac, {}, 0, 0.0, 1).empty());
  CHECK(pe.macs() == static_cast<std::uint32_t>(block.nnz(0) + block.nnz(1)));
}
