// SPDX-License-Identifier: Apache-2.0
#pragma once
// Energy per operation, and a layer's energy from its activity counters (sw/layer_record.hpp).
// The default table is Horowitz, "Computing's energy problem", ISSCC 2014 (45 nm, 0.9 V), for
// the arithmetic, register file, SRAM and DRAM; links and flash are marked assumptions. A user's
// table (--energy-table FILE, JSON or YAML) has the same keys.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sw/layer_record.hpp"

namespace wb::sw {

struct SramCost {
  std::uint64_t bytes = 0;  // capacity this cost is for
  double read_pj_per_byte = 0, write_pj_per_byte = 0;
};

struct EnergyTable {
  std::string name, source;
  double int8_mac_pj = 0;            // an int8 x int8 multiply with its int32 accumulate
  double int32_add_pj = 0;
  double register_pj_per_byte = 0;   // register file / pipeline register write
  std::vector<SramCost> sram;        // by capacity, ascending
  double link_hop_pj_per_byte = 0;   // one router hop of the fabric
  double dram_pj_per_byte = 0;
  double flash_pj_per_byte = 0;
  double tree_link_pj_per_byte = 0;  // one system link of the broadcast/reduce tree

  // Interpolated linearly in log2(capacity) between the table's sizes, the end entries beyond.
  double sram_read_pj_per_byte(std::uint64_t capacity) const;
  double sram_write_pj_per_byte(std::uint64_t capacity) const;
};

EnergyTable default_energy_table();

// The table in `text` (JSON, or YAML when `yaml`): every key of to_json(EnergyTable) but the
// optional name and source, non-negative finite numbers, SRAM sizes ascending; no other keys.
// Throws InputError "<what>: <problem>" on one line.
EnergyTable parse_energy_table(const std::string& text, bool yaml, const std::string& what);
// The file at `path`, YAML when it ends in .yaml or .yml, else JSON.
EnergyTable load_energy_table(const std::string& path);

nlohmann::json to_json(const EnergyTable& t);

// Fills the energy_*_pj fields of `r` from its counters.
void add_energy(LayerRecord& r, const EnergyTable& t);

}  // namespace wb::sw
