// SPDX-License-Identifier: Apache-2.0
#pragma once
// One record per layer (or per run point) for every command and target: the one schema that the
// JSON, the CSV, the SCALE-Sim reports, the energy model and the HTML page read. Versioned: any
// change of a field's name, type or meaning bumps kRecordSchema.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sw/report.hpp"

namespace wb::sw {

constexpr int kRecordSchema = 2;  // 2: pe_sram_write_bytes; the fabric's PE SRAM and adds from its counters

struct LayerRecord {
  std::string command;  // run, gemm, sparsity, train, noc
  std::string target;   // array, fabric, noc
  std::string engine;   // rtl, model
  std::string name;     // layer (or run point) name
  std::string op;       // gemm, fc, conv, attention, train, traffic, ...
  std::int64_t m = 0, k = 0, n = 0;  // C (M x N) = A (M x K) * B (K x N); 0 where there is no GEMM
  std::int64_t count = 1;            // GEMMs of this shape in the layer
  int rows = 0, cols = 0;            // the PE grid: array R x C, fabric mesh k x k
  double density = 1.0;              // weight density (nonzero weights / all)
  std::uint64_t cycles = 0;          // the target's own convention (README)
  std::uint64_t ideal_cycles = 0;    // every PE busy every cycle
  std::optional<std::uint64_t> stall_cycles;       // output back-pressure (array)
  std::optional<std::uint64_t> fill_drain_cycles;  // neither computing nor stalled (array)
  std::optional<std::uint64_t> load_cycles;        // configuration before the job (fabric)
  std::uint64_t macs = 0;            // useful MACs: the nonzero work the layer needs
  std::uint64_t macs_issued = 0;     // MAC operations the PEs performed (array: padding included)
  std::uint64_t macs_skipped = 0;    // dense MACs not performed (zeros never sent or stored)
  std::uint64_t int32_adds = 0;      // partial sums added outside the MACs
  std::uint64_t register_bytes = 0;  // PE registers and accumulators written
  std::uint64_t a_beats = 0, b_beats = 0, c_beats = 0;  // at the array's edges (vectors of R, C, C)
  std::uint64_t sram_a_read_bytes = 0, sram_b_read_bytes = 0;  // on-chip memory beside the array
  std::uint64_t sram_write_bytes = 0;
  std::uint64_t sram_size_bytes = 0;
  std::uint64_t pe_sram_read_bytes = 0;  // the fabric PEs' private SRAM
  std::uint64_t pe_sram_write_bytes = 0;
  std::uint64_t pe_sram_size_bytes = 0;
  std::uint64_t dram_bytes = 0, flash_bytes = 0;  // weight store tiers (read and written)
  std::uint64_t tree_bytes = 0;                   // broadcast/reduce tree, both directions
  std::uint64_t link_bytes = 0;                   // fabric links, per hop
  std::uint64_t metadata_bytes = 0;               // sparse-format indices among the bytes above
  std::uint64_t wavelets = 0;                     // injected at the fabric's edges
  std::uint64_t link_flits = 0;                   // router hops
  // Energy (sw/energy.hpp), pJ; all 0 until add_energy() fills them.
  double energy_mac_pj = 0, energy_add_pj = 0, energy_register_pj = 0, energy_sram_pj = 0, energy_pe_sram_pj = 0,
         energy_link_pj = 0, energy_dram_pj = 0, energy_flash_pj = 0, energy_tree_pj = 0;
  std::string golden = "n/a";  // pass, fail, n/a

  std::uint64_t pes() const { return static_cast<std::uint64_t>(rows) * static_cast<std::uint64_t>(cols); }
  std::uint64_t sram_read_bytes() const { return sram_a_read_bytes + sram_b_read_bytes; }
  double utilization() const { return cycles ? static_cast<double>(ideal_cycles) / static_cast<double>(cycles) : 0.0; }
  double energy_pj() const;
  double energy_per_mac_pj() const { return macs ? energy_pj() / static_cast<double>(macs) : 0.0; }
};

// One documented field of the schema, in CSV column order.
struct RecordField {
  const char* name;
  const char* type;  // string, integer, number, integer|null
  const char* meaning;
};
const std::vector<RecordField>& record_fields();

// Every field of record_fields(), in order ("schema" first); optional ones are null when unknown.
nlohmann::json to_json(const LayerRecord& r);
// The inverse; throws InputError naming the first missing or mistyped field.
LayerRecord record_from_json(const nlohmann::json& j);

// {"schema": kRecordSchema, "records": [...]}: what --json files carry beside their command's own fields.
nlohmann::json records_json(const std::vector<LayerRecord>& records);
// Adds those two fields to a command's JSON object.
void put_records(nlohmann::json& j, const std::vector<LayerRecord>& records);

// A record of a GEMM-shaped layer: what names it, the rest zero.
LayerRecord gemm_record(const std::string& command, const std::string& target, const std::string& engine,
                        const std::string& name, const std::string& op, std::int64_t m, std::int64_t k, std::int64_t n,
                        std::int64_t count = 1);

// The records of the two stats types of sw/report.hpp.
LayerRecord record_of(const GemmStats& s, const std::string& command, const std::string& engine);
LayerRecord record_of(const FabricStats& s, const std::string& command, const std::string& engine);

// Bytes of `flits` wavelets (hw::kWaveletWidth bits each) over the fabric's links, rounded up.
std::uint64_t wavelet_bytes(std::uint64_t flits);

// One GEMM M x K x N on the R x C array as its counters saw it: the beats at the array's pins
// (tb::GemmRun, sw::GemmStats; the RTL wrapper and the model count them alike), its output's
// stalled cycles and the on-chip memory's reads of A and of B.
struct ArrayGemmCounts {
  std::int64_t m = 0, k = 0, n = 0;
  int rows = 0, cols = 0;
  bool ws = true;  // weight-stationary, else output-stationary
  std::uint64_t a_beats = 0, b_beats = 0, c_beats = 0, stall_cycles = 0;
  std::uint64_t mem_a_bytes_read = 0, mem_b_bytes_read = 0;
  // On the N:M sparse array (n of every m weights along K kept; 0: dense): of B's bytes, the
  // packed offsets.
  int nm_n = 0, nm_m = 0;
  std::uint64_t mem_b_metadata_bytes_read = 0;
};

// The record's activity fields those counters give; additive over the GEMMs of a layer.
struct ArrayActivity {
  std::uint64_t macs_issued = 0, macs_skipped = 0, int32_adds = 0, register_bytes = 0;
  std::uint64_t a_beats = 0, b_beats = 0, c_beats = 0, stall_cycles = 0;
  std::uint64_t sram_a_read_bytes = 0, sram_b_read_bytes = 0, sram_write_bytes = 0;
  std::uint64_t metadata_bytes = 0;
  ArrayActivity& operator+=(const ArrayActivity& o);
};
// macs_issued = a_beats R C; int32_adds (WS) the partial sums of the C beats over the K folds
// but the first; register_bytes 5 (WS) or 6 (OS) per MAC issued plus the WS weight loads
// (b_beats C); the memory's reads as counted; C's M N int32 written once. On the N:M sparse
// array a fold holds R / n whole groups (their R m / n of K): the K folds are ceil(kept / (R/n n))
// of the kept rows ceil(K/m) n, each MAC moves the m activations of its group on (m + 4 register bytes),
// macs_skipped = M (K - kept) N the compression left out, and metadata_bytes the offsets read.
ArrayActivity array_activity(const ArrayGemmCounts& g);
// Puts `a` into r, and fill_drain_cycles = r.cycles - a_beats - stall_cycles (at most one A beat
// enters per cycle; set r.cycles first).
void put_array_activity(LayerRecord& r, const ArrayActivity& a);

// The fabric's PE counters in a record: int32_adds the partial sums its chains added,
// register_bytes the int32 accumulator each MAC writes, and the PE SRAM's 32-bit words read and
// written.
void fabric_pe_activity(LayerRecord& r, std::uint64_t macs, const PeActivity& pe);

// Sums of the additive fields (cycles, MACs, bytes, energy) named `name`; golden is pass only
// when every record passed. The other fields are those of the first record.
LayerRecord total_of(const std::vector<LayerRecord>& records, const std::string& name = "total");

}  // namespace wb::sw
