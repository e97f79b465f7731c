// SPDX-License-Identifier: Apache-2.0
#include "sw/energy.hpp"

#include <cmath>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "sw/error.hpp"
#include "sw/parse.hpp"
#include "sw/yaml_json.hpp"

namespace wb::sw {

namespace {

const char* const kNumberKeys[] = {"int8_mac_pj",          "int32_add_pj",      "register_pj_per_byte",
                                   "link_hop_pj_per_byte", "dram_pj_per_byte",  "flash_pj_per_byte",
                                   "tree_link_pj_per_byte"};

// The table's field named `key` (one of kNumberKeys).
template <class Table>
auto& number_of(Table& t, const std::string& key) {
  if (key == "int8_mac_pj") return t.int8_mac_pj;
  if (key == "int32_add_pj") return t.int32_add_pj;
  if (key == "register_pj_per_byte") return t.register_pj_per_byte;
  if (key == "link_hop_pj_per_byte") return t.link_hop_pj_per_byte;
  if (key == "dram_pj_per_byte") return t.dram_pj_per_byte;
  if (key == "flash_pj_per_byte") return t.flash_pj_per_byte;
  return t.tree_link_pj_per_byte;
}

double interpolate(const std::vector<SramCost>& sram, std::uint64_t capacity, double SramCost::*cost) {
  if (sram.empty()) return 0.0;
  if (capacity <= sram.front().bytes) return sram.front().*cost;
  if (capacity >= sram.back().bytes) return sram.back().*cost;
  std::size_t i = 1;
  while (sram[i].bytes < capacity) ++i;
  const SramCost& lo = sram[i - 1];
  const SramCost& hi = sram[i];
  const double f = (std::log2(static_cast<double>(capacity)) - std::log2(static_cast<double>(lo.bytes))) /
                   (std::log2(static_cast<double>(hi.bytes)) - std::log2(static_cast<double>(lo.bytes)));
  return lo.*cost + f * (hi.*cost - lo.*cost);
}

// A number, or (from YAML) text that is one.
double non_negative(const nlohmann::json& v, const std::string& what, const std::string& key) {
  const std::optional<double> d = v.is_number() ? std::optional<double>(v.get<double>())
                                  : v.is_string() ? parse_double(v.get<std::string>()) : std::nullopt;
  if (!d || !std::isfinite(*d) || *d < 0) {
    throw InputError(what + ": '" + key + "' must be a non-negative number, got " + printable(v.dump()));
  }
  return *d;
}

EnergyTable table_from_json(const nlohmann::json& j, const std::string& what) {
  if (!j.is_object()) throw InputError(what + ": the energy table must be an object of keys and values");
  std::set<std::string> known{"name", "source", "sram"};
  for (const char* key : kNumberKeys) known.insert(key);
  for (const auto& [key, value] : j.items()) {
    if (!known.count(key)) throw InputError(what + ": unknown key '" + printable(key) + "'");
  }
  EnergyTable t;
  t.name = j.contains("name") && j["name"].is_string() ? j["name"].get<std::string>() : "user table";
  t.source = j.contains("source") && j["source"].is_string() ? j["source"].get<std::string>() : what;
  for (const char* key : kNumberKeys) {
    if (!j.contains(key)) throw InputError(what + ": missing '" + key + "'");
    number_of(t, key) = non_negative(j[key], what, key);
  }
  if (!j.contains("sram") || !j["sram"].is_array() || j["sram"].empty()) {
    throw InputError(what + ": 'sram' must be a non-empty list of {bytes, read_pj_per_byte, write_pj_per_byte}");
  }
  for (const nlohmann::json& e : j["sram"]) {
    if (!e.is_object() || e.size() != 3 || !e.contains("bytes") || !e.contains("read_pj_per_byte") ||
        !e.contains("write_pj_per_byte")) {
      throw InputError(what + ": every 'sram' entry needs exactly bytes, read_pj_per_byte and write_pj_per_byte");
    }
    const double bytes = non_negative(e["bytes"], what, "sram bytes");
    if (bytes < 1 || bytes != std::floor(bytes) || bytes > 1e18) {
      throw InputError(what + ": 'sram' bytes must be a positive integer, got " + e["bytes"].dump());
    }
    SramCost c{static_cast<std::uint64_t>(bytes), non_negative(e["read_pj_per_byte"], what, "read_pj_per_byte"),
               non_negative(e["write_pj_per_byte"], what, "write_pj_per_byte")};
    if (!t.sram.empty() && c.bytes <= t.sram.back().bytes) {
      throw InputError(what + ": 'sram' entries must be in ascending order of bytes");
    }
    t.sram.push_back(c);
  }
  return t;
}

}  // namespace

double EnergyTable::sram_read_pj_per_byte(std::uint64_t capacity) const {
  return interpolate(sram, capacity, &SramCost::read_pj_per_byte);
}
double EnergyTable::sram_write_pj_per_byte(std::uint64_t capacity) const {
  return interpolate(sram, capacity, &SramCost::write_pj_per_byte);
}

EnergyTable default_energy_table() {
  EnergyTable t;
  t.name = "Horowitz ISSCC 2014, 45 nm";
  t.source =
      "M. Horowitz, \"Computing's energy problem (and what we can do about it)\", ISSCC 2014, 45 nm at 0.9 V: "
      "8-bit multiply 0.2 pJ + 32-bit add 0.1 pJ per int8 MAC; 32-bit add 0.1 pJ; 32-bit register file access 1 pJ; "
      "64-bit SRAM read 10 pJ (8 KB), 20 pJ (32 KB), 100 pJ (1 MB), writes taken equal to reads; DRAM 640 pJ per "
      "32 bits. Assumptions, not in that paper: a fabric link hop 0.1 pJ/bit (about 1 mm of wire), a tree link "
      "2 pJ/bit (off-chip SerDes), flash twice DRAM per byte";
  t.int8_mac_pj = 0.2 + 0.1;
  t.int32_add_pj = 0.1;
  t.register_pj_per_byte = 1.0 / 4;
  t.sram = {{8 * 1024, 10.0 / 8, 10.0 / 8}, {32 * 1024, 20.0 / 8, 20.0 / 8}, {1024 * 1024, 100.0 / 8, 100.0 / 8}};
  t.link_hop_pj_per_byte = 0.1 * 8;
  t.dram_pj_per_byte = 640.0 / 4;
  t.flash_pj_per_byte = 2 * 640.0 / 4;
  t.tree_link_pj_per_byte = 2.0 * 8;
  return t;
}

EnergyTable parse_energy_table(const std::string& text, bool yaml, const std::string& what) {
  nlohmann::json j;
  if (yaml) {
    j = nlohmann::json::parse(parse_yaml(text, what).dump());
  } else {
    try {
      j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      throw InputError(what + ": not valid JSON (" + printable(e.what()) + ")");
    }
  }
  return table_from_json(j, what);
}

EnergyTable load_energy_table(const std::string& path) {
  const std::string what = "--energy-table " + path;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(what + ": cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  const auto ends_with = [&](const std::string& ext) {
    return path.size() >= ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0;
  };
  return parse_energy_table(text.str(), ends_with(".yaml") || ends_with(".yml"), what);
}

nlohmann::json to_json(const EnergyTable& t) {
  nlohmann::json j{{"name", t.name}, {"source", t.source}};
  for (const char* key : kNumberKeys) j[key] = number_of(t, key);
  j["sram"] = nlohmann::json::array();
  for (const SramCost& c : t.sram) {
    j["sram"].push_back({{"bytes", c.bytes}, {"read_pj_per_byte", c.read_pj_per_byte}, {"write_pj_per_byte", c.write_pj_per_byte}});
  }
  return j;
}

void add_energy(LayerRecord& r, const EnergyTable& t) {
  const auto pj = [](std::uint64_t count, double each) { return static_cast<double>(count) * each; };
  r.energy_mac_pj = pj(r.macs_issued, t.int8_mac_pj);
  r.energy_add_pj = pj(r.int32_adds, t.int32_add_pj);
  r.energy_register_pj = pj(r.register_bytes, t.register_pj_per_byte);
  r.energy_sram_pj = pj(r.sram_read_bytes(), t.sram_read_pj_per_byte(r.sram_size_bytes)) +
                     pj(r.sram_write_bytes, t.sram_write_pj_per_byte(r.sram_size_bytes));
  r.energy_pe_sram_pj = pj(r.pe_sram_read_bytes, t.sram_read_pj_per_byte(r.pe_sram_size_bytes)) +
                        pj(r.pe_sram_write_bytes, t.sram_write_pj_per_byte(r.pe_sram_size_bytes));
  r.energy_link_pj = pj(r.link_bytes, t.link_hop_pj_per_byte);
  r.energy_dram_pj = pj(r.dram_bytes, t.dram_pj_per_byte);
  r.energy_flash_pj = pj(r.flash_bytes, t.flash_pj_per_byte);
  r.energy_tree_pj = pj(r.tree_bytes, t.tree_link_pj_per_byte);
}

}  // namespace wb::sw
