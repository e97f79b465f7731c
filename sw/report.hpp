// SPDX-License-Identifier: Apache-2.0
#pragma once
// Run statistics and their two renderings: JSON objects (nlohmann/json) and aligned text tables.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace wb::sw {

struct GemmStats {
  std::string name;  // layer name, empty for a lone GEMM
  std::string target = "systolic";
  int rows = 0, cols = 0;
  std::string dataflow;
  int m = 0, k = 0, n = 0;
  std::uint64_t folds = 0;
  std::uint64_t cycles = 0;
  std::uint64_t ideal_cycles = 0;
  std::uint64_t macs = 0;     // M*K*N
  std::uint64_t pe_macs = 0;  // done by the PEs: macs, or on the N:M sparse array the kept weights' share
  int nm_n = 0, nm_m = 0;     // the array's N:M sparse mode (n of every m along K kept), 0: it ran dense
  std::uint64_t a_beats = 0, b_beats = 0, c_beats = 0;
  std::uint64_t mem_bytes_read = 0;
  std::uint64_t weight_nnz = 0, act_nnz = 0;  // nonzeros of B and of A (the array computes the zeros all the same)
  std::uint64_t mem_a_bytes_read = 0;  // of mem_bytes_read, A's (the rest is B's)
  std::uint64_t mem_metadata_bytes_read = 0;  // of B's, the N:M offsets (packed, as sw::storage_bytes counts them)
  std::uint64_t c_stalled_cycles = 0;  // cycles the array's C output was back-pressured
  std::uint64_t memory_bytes = 0;      // size of the on-chip memory the operands came from
  bool golden_pass = false;
  double sim_seconds = 0.0;
  std::uint64_t sim_cycles = 0;  // cycles the simulator clocked (includes idle/reset cycles)

  double utilization() const { return cycles ? static_cast<double>(ideal_cycles) / static_cast<double>(cycles) : 0.0; }
  std::string sparse_mode() const;  // "dense" or "nm:2:4"
};

nlohmann::json to_json(const GemmStats& s);

// Simulator speed fields of every run's JSON: sim_seconds, sim_cycles, sim_cycles_per_second.
void put_sim_speed(nlohmann::json& j, double seconds, std::uint64_t cycles);

// What the fabric's PEs count beside their MACs: sa_wafer_pe's activity counters, summed over
// the tiles (and the passes or jobs of a layer).
struct PeActivity {
  std::uint64_t sram_reads = 0;   // 32-bit SRAM words read: column pointers, {row, weight} entries, resident activations
  std::uint64_t sram_writes = 0;  // 32-bit SRAM words written: the program's load
  std::uint64_t psum_adds = 0;    // int32 partial sums added on the chains toward the edge

  PeActivity& operator+=(const PeActivity& o) {
    sram_reads += o.sram_reads;
    sram_writes += o.sram_writes;
    psum_adds += o.psum_adds;
    return *this;
  }
};

// One sparse GEMM C = A (M x K) * B (K x N) on a mesh x mesh compute fabric; B is the weight.
struct FabricStats {
  std::string name;
  int mesh = 0;
  std::string layout;
  int m = 0, k = 0, n = 0;
  double density = 1.0;            // requested weight density (measured when B was given)
  std::uint64_t nnz = 0;           // nonzero weights
  std::uint64_t act_nnz = 0;       // nonzero activations
  int passes = 0;                  // programs run (weight streaming splits big batches)
  std::uint64_t cycles = 0;        // first wavelet in .. last result out
  std::uint64_t load_cycles = 0;   // route tables and PE SRAM, before the job
  std::uint64_t macs = 0;          // done by the PEs (zeros skipped)
  PeActivity pe;                   // the PEs' other counters
  std::uint64_t wavelets = 0;      // injected at the edges
  std::uint64_t wavelets_out = 0;  // results leaving the edges
  std::uint64_t link_flits = 0;    // router-to-router and edge hops
  double link_utilization = 0.0;   // link_flits / (4 mesh^2 cycles)
  bool golden_pass = false;
  double sim_seconds = 0.0;
  std::uint64_t sim_cycles = 0;

  std::uint64_t dense_macs() const { return static_cast<std::uint64_t>(m) * k * n; }
  // The work spread evenly over every PE, one MAC per PE per cycle.
  std::uint64_t ideal_cycles() const { return (macs + pes() - 1) / pes(); }
  std::uint64_t ideal_dense_cycles() const { return (dense_macs() + pes() - 1) / pes(); }
  double utilization() const { return cycles ? static_cast<double>(macs) / (static_cast<double>(pes()) * cycles) : 0.0; }
  std::uint64_t pes() const { return mesh > 0 ? static_cast<std::uint64_t>(mesh) * mesh : 1; }
};

nlohmann::json to_json(const FabricStats& s);

// Columns padded to their widest cell; the first row is the header, underlined.
std::string format_table(const std::vector<std::vector<std::string>>& rows);

std::string fixed(double value, int decimals);

// The median of a non-empty sample (the mean of the middle two for an even count).
double median(std::vector<double> values);

// JSON pretty-printed, as written to files.
std::string json_text(const nlohmann::json& j);
// JSON pretty-printed and written atomically.
void write_json_file(const std::string& path, const nlohmann::json& j);

}  // namespace wb::sw
