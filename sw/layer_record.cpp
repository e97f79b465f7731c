// SPDX-License-Identifier: Apache-2.0
#include "sw/layer_record.hpp"

#include <algorithm>

#include "sw/error.hpp"
#include "wb/hw_config.hpp"

namespace wb::sw {

std::uint64_t wavelet_bytes(std::uint64_t flits) {
  return (flits * static_cast<std::uint64_t>(hw::kWaveletWidth) + 7) / 8;
}

double LayerRecord::energy_pj() const {
  return energy_mac_pj + energy_add_pj + energy_register_pj + energy_sram_pj + energy_pe_sram_pj + energy_link_pj +
         energy_dram_pj + energy_flash_pj + energy_tree_pj;
}

const std::vector<RecordField>& record_fields() {
  static const std::vector<RecordField> fields{
      {"schema", "integer", "version of this schema (2)"},
      {"command", "string", "run, gemm, sparsity, train or noc"},
      {"target", "string", "array, fabric or noc"},
      {"engine", "string", "rtl or model"},
      {"name", "string", "layer or run point"},
      {"op", "string", "gemm, fc, conv, attention, matmul, train, traffic"},
      {"m", "integer", "rows of A and C"},
      {"k", "integer", "columns of A, rows of B"},
      {"n", "integer", "columns of B and C"},
      {"count", "integer", "GEMMs of this shape in the layer"},
      {"rows", "integer", "PE grid rows: the array's R, the fabric's mesh k"},
      {"cols", "integer", "PE grid columns: the array's C, the fabric's mesh k"},
      {"density", "number", "weight density"},
      {"cycles", "integer", "cycles of the layer on the target"},
      {"ideal_cycles", "integer", "cycles with every PE busy every cycle"},
      {"utilization", "number", "ideal_cycles / cycles"},
      {"stall_cycles", "integer|null", "cycles the array's output was back-pressured"},
      {"fill_drain_cycles", "integer|null", "array cycles with no A beat taken and no stall: fill, skew, drain, memory waits"},
      {"load_cycles", "integer|null", "fabric cycles loading routes and PE SRAM before the job"},
      {"macs", "integer", "useful MACs: the nonzero work of the layer"},
      {"macs_issued", "integer", "MACs the PEs performed (array: padding of partial folds included)"},
      {"macs_skipped", "integer", "dense MACs not performed because an operand was zero"},
      {"int32_adds", "integer", "partial sums added outside the MACs"},
      {"register_bytes", "integer", "bytes written to PE registers and accumulators"},
      {"a_beats", "integer", "A beats taken at the array's edge (R int8 each; 0 elsewhere)"},
      {"b_beats", "integer", "B beats taken at the array's edge (C int8 each)"},
      {"c_beats", "integer", "C beats out of the array (C int32 each)"},
      {"sram_a_read_bytes", "integer", "bytes of A read from the on-chip memory beside the array"},
      {"sram_b_read_bytes", "integer", "bytes of B read from it"},
      {"sram_write_bytes", "integer", "bytes written to it (results)"},
      {"sram_size_bytes", "integer", "its size"},
      {"pe_sram_read_bytes", "integer", "bytes read from the fabric PEs' SRAM (the PEs' counters)"},
      {"pe_sram_write_bytes", "integer", "bytes written to the fabric PEs' SRAM: the program's load (the PEs' counters)"},
      {"pe_sram_size_bytes", "integer", "one PE's SRAM size"},
      {"dram_bytes", "integer", "weight store DRAM bytes read and written"},
      {"flash_bytes", "integer", "weight store flash bytes read and written"},
      {"tree_bytes", "integer", "bytes over the broadcast/reduce tree (system link, both directions)"},
      {"link_bytes", "integer", "bytes over fabric links, per hop (45-bit wavelets)"},
      {"metadata_bytes", "integer", "sparse-format index bytes (part of the bytes above)"},
      {"wavelets", "integer", "wavelets injected at the fabric's edges"},
      {"link_flits", "integer", "router hops of all wavelets"},
      {"energy_pj", "number", "total energy, pJ"},
      {"energy_per_mac_pj", "number", "energy_pj / macs"},
      {"energy_mac_pj", "number", "int8 MACs (macs_issued)"},
      {"energy_add_pj", "number", "int32 adds"},
      {"energy_register_pj", "number", "PE registers and accumulators"},
      {"energy_sram_pj", "number", "on-chip memory reads and writes"},
      {"energy_pe_sram_pj", "number", "PE SRAM reads and writes"},
      {"energy_link_pj", "number", "fabric link hops"},
      {"energy_dram_pj", "number", "weight store DRAM"},
      {"energy_flash_pj", "number", "weight store flash"},
      {"energy_tree_pj", "number", "broadcast/reduce tree links"},
      {"golden", "string", "pass, fail (against the CPU reference) or n/a"},
  };
  return fields;
}

nlohmann::json to_json(const LayerRecord& r) {
  const auto opt = [](const std::optional<std::uint64_t>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  nlohmann::json j;
  j["schema"] = kRecordSchema;
  j["command"] = r.command;
  j["target"] = r.target;
  j["engine"] = r.engine;
  j["name"] = r.name;
  j["op"] = r.op;
  j["m"] = r.m;
  j["k"] = r.k;
  j["n"] = r.n;
  j["count"] = r.count;
  j["rows"] = r.rows;
  j["cols"] = r.cols;
  j["density"] = r.density;
  j["cycles"] = r.cycles;
  j["ideal_cycles"] = r.ideal_cycles;
  j["utilization"] = r.utilization();
  j["stall_cycles"] = opt(r.stall_cycles);
  j["fill_drain_cycles"] = opt(r.fill_drain_cycles);
  j["load_cycles"] = opt(r.load_cycles);
  j["macs"] = r.macs;
  j["macs_issued"] = r.macs_issued;
  j["macs_skipped"] = r.macs_skipped;
  j["int32_adds"] = r.int32_adds;
  j["register_bytes"] = r.register_bytes;
  j["a_beats"] = r.a_beats;
  j["b_beats"] = r.b_beats;
  j["c_beats"] = r.c_beats;
  j["sram_a_read_bytes"] = r.sram_a_read_bytes;
  j["sram_b_read_bytes"] = r.sram_b_read_bytes;
  j["sram_write_bytes"] = r.sram_write_bytes;
  j["sram_size_bytes"] = r.sram_size_bytes;
  j["pe_sram_read_bytes"] = r.pe_sram_read_bytes;
  j["pe_sram_write_bytes"] = r.pe_sram_write_bytes;
  j["pe_sram_size_bytes"] = r.pe_sram_size_bytes;
  j["dram_bytes"] = r.dram_bytes;
  j["flash_bytes"] = r.flash_bytes;
  j["tree_bytes"] = r.tree_bytes;
  j["link_bytes"] = r.link_bytes;
  j["metadata_bytes"] = r.metadata_bytes;
  j["wavelets"] = r.wavelets;
  j["link_flits"] = r.link_flits;
  j["energy_pj"] = r.energy_pj();
  j["energy_per_mac_pj"] = r.energy_per_mac_pj();
  j["energy_mac_pj"] = r.energy_mac_pj;
  j["energy_add_pj"] = r.energy_add_pj;
  j["energy_register_pj"] = r.energy_register_pj;
  j["energy_sram_pj"] = r.energy_sram_pj;
  j["energy_pe_sram_pj"] = r.energy_pe_sram_pj;
  j["energy_link_pj"] = r.energy_link_pj;
  j["energy_dram_pj"] = r.energy_dram_pj;
  j["energy_flash_pj"] = r.energy_flash_pj;
  j["energy_tree_pj"] = r.energy_tree_pj;
  j["golden"] = r.golden;
  return j;
}

namespace {

// The field `name` of `j`, checked against its documented type.
const nlohmann::json& field(const nlohmann::json& j, const char* name) {
  if (!j.is_object() || !j.contains(name)) throw InputError(std::string("record: no field '") + name + "'");
  const nlohmann::json& v = j.at(name);
  for (const RecordField& f : record_fields()) {
    if (std::string(f.name) != name) continue;
    const std::string type = f.type;
    const bool ok = (type == "string" && v.is_string()) || (type == "number" && v.is_number()) ||
                    (type == "integer" && v.is_number_integer()) ||
                    (type == "integer|null" && (v.is_null() || v.is_number_integer()));
    if (!ok) throw InputError(std::string("record: field '") + name + "' is not " + f.type);
  }
  return v;
}

std::optional<std::uint64_t> optional_field(const nlohmann::json& j, const char* name) {
  const nlohmann::json& v = field(j, name);
  if (v.is_null()) return std::nullopt;
  return v.get<std::uint64_t>();
}

}  // namespace

LayerRecord record_from_json(const nlohmann::json& j) {
  if (field(j, "schema").get<int>() != kRecordSchema) {
    throw InputError("record: schema " + j.at("schema").dump() + " is not " + std::to_string(kRecordSchema));
  }
  const auto u = [&](const char* name) { return field(j, name).get<std::uint64_t>(); };
  const auto s = [&](const char* name) { return field(j, name).get<std::string>(); };
  const auto d = [&](const char* name) { return field(j, name).get<double>(); };
  LayerRecord r;
  r.command = s("command");
  r.target = s("target");
  r.engine = s("engine");
  r.name = s("name");
  r.op = s("op");
  r.m = field(j, "m").get<std::int64_t>();
  r.k = field(j, "k").get<std::int64_t>();
  r.n = field(j, "n").get<std::int64_t>();
  r.count = field(j, "count").get<std::int64_t>();
  r.rows = field(j, "rows").get<int>();
  r.cols = field(j, "cols").get<int>();
  r.density = d("density");
  r.cycles = u("cycles");
  r.ideal_cycles = u("ideal_cycles");
  d("utilization");  // derived: checked, not stored
  r.stall_cycles = optional_field(j, "stall_cycles");
  r.fill_drain_cycles = optional_field(j, "fill_drain_cycles");
  r.load_cycles = optional_field(j, "load_cycles");
  r.macs = u("macs");
  r.macs_issued = u("macs_issued");
  r.macs_skipped = u("macs_skipped");
  r.int32_adds = u("int32_adds");
  r.register_bytes = u("register_bytes");
  r.a_beats = u("a_beats");
  r.b_beats = u("b_beats");
  r.c_beats = u("c_beats");
  r.sram_a_read_bytes = u("sram_a_read_bytes");
  r.sram_b_read_bytes = u("sram_b_read_bytes");
  r.sram_write_bytes = u("sram_write_bytes");
  r.sram_size_bytes = u("sram_size_bytes");
  r.pe_sram_read_bytes = u("pe_sram_read_bytes");
  r.pe_sram_write_bytes = u("pe_sram_write_bytes");
  r.pe_sram_size_bytes = u("pe_sram_size_bytes");
  r.dram_bytes = u("dram_bytes");
  r.flash_bytes = u("flash_bytes");
  r.tree_bytes = u("tree_bytes");
  r.link_bytes = u("link_bytes");
  r.metadata_bytes = u("metadata_bytes");
  r.wavelets = u("wavelets");
  r.link_flits = u("link_flits");
  d("energy_pj");
  d("energy_per_mac_pj");
  r.energy_mac_pj = d("energy_mac_pj");
  r.energy_add_pj = d("energy_add_pj");
  r.energy_register_pj = d("energy_register_pj");
  r.energy_sram_pj = d("energy_sram_pj");
  r.energy_pe_sram_pj = d("energy_pe_sram_pj");
  r.energy_link_pj = d("energy_link_pj");
  r.energy_dram_pj = d("energy_dram_pj");
  r.energy_flash_pj = d("energy_flash_pj");
  r.energy_tree_pj = d("energy_tree_pj");
  r.golden = s("golden");
  return r;
}

nlohmann::json records_json(const std::vector<LayerRecord>& records) {
  nlohmann::json list = nlohmann::json::array();
  for (const LayerRecord& r : records) list.push_back(to_json(r));
  return {{"schema", kRecordSchema}, {"records", list}};
}

void put_records(nlohmann::json& j, const std::vector<LayerRecord>& records) {
  const nlohmann::json r = records_json(records);
  j["schema"] = r["schema"];
  j["records"] = r["records"];
}

LayerRecord gemm_record(const std::string& command, const std::string& target, const std::string& engine,
                        const std::string& name, const std::string& op, std::int64_t m, std::int64_t k, std::int64_t n,
                        std::int64_t count) {
  LayerRecord r;
  r.command = command;
  r.target = target;
  r.engine = engine;
  r.name = name;
  r.op = op;
  r.m = m;
  r.k = k;
  r.n = n;
  r.count = count;
  return r;
}

ArrayActivity& ArrayActivity::operator+=(const ArrayActivity& o) {
  macs_issued += o.macs_issued;
  macs_skipped += o.macs_skipped;
  int32_adds += o.int32_adds;
  register_bytes += o.register_bytes;
  a_beats += o.a_beats;
  b_beats += o.b_beats;
  c_beats += o.c_beats;
  stall_cycles += o.stall_cycles;
  sram_a_read_bytes += o.sram_a_read_bytes;
  sram_b_read_bytes += o.sram_b_read_bytes;
  sram_write_bytes += o.sram_write_bytes;
  metadata_bytes += o.metadata_bytes;
  return *this;
}

ArrayActivity array_activity(const ArrayGemmCounts& g) {
  ArrayActivity a;
  const std::uint64_t pes = static_cast<std::uint64_t>(g.rows) * static_cast<std::uint64_t>(g.cols);
  a.macs_issued = g.a_beats * pes;  // every A beat (WS) or beat pair (OS) is one MAC in every PE
  const bool nm = g.nm_n > 0 && g.nm_m > 0;
  // The rows of B the array holds along K: all of them, or the N:M groups' kept ones.
  const std::uint64_t k = static_cast<std::uint64_t>(g.k);
  const std::uint64_t kept = nm ? (k + static_cast<std::uint64_t>(g.nm_m) - 1) / static_cast<std::uint64_t>(g.nm_m) *
                                      static_cast<std::uint64_t>(g.nm_n)
                                : k;
  // WS: the monitor adds each of the C beats' partial sums over the K folds but the first (an
  // N:M fold holds whole groups: R / n of them).
  const std::uint64_t per_fold = nm ? static_cast<std::uint64_t>(g.rows / g.nm_n * g.nm_n) : static_cast<std::uint64_t>(g.rows);
  const std::uint64_t k_folds = per_fold > 0 ? (kept + per_fold - 1) / per_fold : 1;
  a.int32_adds = g.ws && k_folds > 1 ? g.c_beats * g.cols - g.c_beats * g.cols / k_folds : 0;
  // Per MAC the operand moves on: WS one int8 (N:M: its group of m) to the right and an int32
  // partial sum down; OS two int8 operands and the int32 accumulator. WS also loads every
  // weight beat.
  const std::uint64_t per_mac = g.ws ? (nm ? static_cast<std::uint64_t>(g.nm_m) : 1u) + 4 : 6;
  a.register_bytes = a.macs_issued * per_mac + (g.ws ? g.b_beats * g.cols : 0);
  if (nm && k > kept) a.macs_skipped = static_cast<std::uint64_t>(g.m) * (k - kept) * static_cast<std::uint64_t>(g.n);
  a.metadata_bytes = g.mem_b_metadata_bytes_read;
  a.a_beats = g.a_beats;
  a.b_beats = g.b_beats;
  a.c_beats = g.c_beats;
  a.stall_cycles = g.stall_cycles;
  a.sram_a_read_bytes = g.mem_a_bytes_read;
  a.sram_b_read_bytes = g.mem_b_bytes_read;
  // C, int32, written once: the monitor assembles it (the memory model sees no write).
  a.sram_write_bytes = static_cast<std::uint64_t>(g.m) * static_cast<std::uint64_t>(g.n) * 4;
  return a;
}

void put_array_activity(LayerRecord& r, const ArrayActivity& a) {
  r.macs_issued = a.macs_issued;
  r.macs_skipped = a.macs_skipped;
  r.int32_adds = a.int32_adds;
  r.register_bytes = a.register_bytes;
  r.a_beats = a.a_beats;
  r.b_beats = a.b_beats;
  r.c_beats = a.c_beats;
  r.stall_cycles = a.stall_cycles;
  const std::uint64_t busy = a.a_beats + a.stall_cycles;
  r.fill_drain_cycles = r.cycles > busy ? r.cycles - busy : 0;
  r.sram_a_read_bytes = a.sram_a_read_bytes;
  r.sram_b_read_bytes = a.sram_b_read_bytes;
  r.sram_write_bytes = a.sram_write_bytes;
  r.metadata_bytes = a.metadata_bytes;
}

LayerRecord record_of(const GemmStats& s, const std::string& command, const std::string& engine) {
  LayerRecord r = gemm_record(command, "array", engine, s.name.empty() ? "gemm" : s.name, "gemm", s.m, s.k, s.n);
  r.cycles = s.cycles;
  r.ideal_cycles = s.ideal_cycles;
  r.macs = s.macs;
  r.rows = s.rows;
  r.cols = s.cols;
  put_array_activity(r, array_activity({s.m, s.k, s.n, s.rows, s.cols, s.dataflow == "ws", s.a_beats, s.b_beats, s.c_beats,
                                        s.c_stalled_cycles, s.mem_a_bytes_read, s.mem_bytes_read - s.mem_a_bytes_read,
                                        s.nm_n, s.nm_m, s.mem_metadata_bytes_read}));
  r.sram_size_bytes = s.memory_bytes;
  r.golden = s.golden_pass ? "pass" : "fail";
  return r;
}

LayerRecord record_of(const FabricStats& s, const std::string& command, const std::string& engine) {
  LayerRecord r = gemm_record(command, "fabric", engine, s.name.empty() ? "gemm" : s.name, "gemm", s.m, s.k, s.n);
  r.density = s.k && s.n ? static_cast<double>(s.nnz) / (static_cast<double>(s.k) * s.n) : s.density;
  r.cycles = s.cycles;
  r.ideal_cycles = s.ideal_cycles();  // the nonzero work spread over every PE
  r.load_cycles = s.load_cycles;
  r.rows = r.cols = s.mesh;
  r.macs = s.macs;
  r.macs_issued = s.macs;  // the PEs' own counter: only nonzero pairs are ever multiplied
  r.macs_skipped = s.dense_macs() > s.macs ? s.dense_macs() - s.macs : 0;
  fabric_pe_activity(r, s.macs, s.pe);
  r.link_bytes = wavelet_bytes(s.link_flits);
  r.metadata_bytes = 2 * s.nnz;  // the 16-bit row index beside every nonzero weight
  r.wavelets = s.wavelets;
  r.link_flits = s.link_flits;
  r.golden = s.golden_pass ? "pass" : "fail";
  return r;
}

void fabric_pe_activity(LayerRecord& r, std::uint64_t macs, const PeActivity& pe) {
  r.int32_adds = pe.psum_adds;
  r.register_bytes = 4 * macs;  // the int32 accumulator each MAC writes
  r.pe_sram_read_bytes = 4 * pe.sram_reads;
  r.pe_sram_write_bytes = 4 * pe.sram_writes;
  r.pe_sram_size_bytes = static_cast<std::uint64_t>(hw::kPeSramBytes);
}

LayerRecord total_of(const std::vector<LayerRecord>& records, const std::string& name) {
  LayerRecord t;
  if (records.empty()) {
    t.name = name;
    return t;
  }
  t = records.front();
  t.name = name;
  t.op = "total";
  t.m = t.k = t.n = 0;
  const auto sum_opt = [](std::optional<std::uint64_t>& into, const std::optional<std::uint64_t>& v) {
    if (into && v) *into += *v;
    else into.reset();
  };
  // Density weighted by each record's dense work.
  const auto dense_of = [](const LayerRecord& r) { return static_cast<double>(r.macs + r.macs_skipped); };
  double dense = dense_of(records.front()), weighted = records.front().density * dense;
  for (std::size_t i = 1; i < records.size(); ++i) {
    const LayerRecord& r = records[i];
    t.count += r.count;
    t.cycles += r.cycles;
    t.ideal_cycles += r.ideal_cycles;
    sum_opt(t.stall_cycles, r.stall_cycles);
    sum_opt(t.fill_drain_cycles, r.fill_drain_cycles);
    sum_opt(t.load_cycles, r.load_cycles);
    t.macs += r.macs;
    t.macs_issued += r.macs_issued;
    t.macs_skipped += r.macs_skipped;
    dense += dense_of(r);
    weighted += r.density * dense_of(r);
    t.int32_adds += r.int32_adds;
    t.register_bytes += r.register_bytes;
    t.a_beats += r.a_beats;
    t.b_beats += r.b_beats;
    t.c_beats += r.c_beats;
    t.sram_a_read_bytes += r.sram_a_read_bytes;
    t.sram_b_read_bytes += r.sram_b_read_bytes;
    t.sram_write_bytes += r.sram_write_bytes;
    t.pe_sram_read_bytes += r.pe_sram_read_bytes;
    t.pe_sram_write_bytes += r.pe_sram_write_bytes;
    t.dram_bytes += r.dram_bytes;
    t.flash_bytes += r.flash_bytes;
    t.tree_bytes += r.tree_bytes;
    t.link_bytes += r.link_bytes;
    t.metadata_bytes += r.metadata_bytes;
    t.wavelets += r.wavelets;
    t.link_flits += r.link_flits;
    t.energy_mac_pj += r.energy_mac_pj;
    t.energy_add_pj += r.energy_add_pj;
    t.energy_register_pj += r.energy_register_pj;
    t.energy_sram_pj += r.energy_sram_pj;
    t.energy_pe_sram_pj += r.energy_pe_sram_pj;
    t.energy_link_pj += r.energy_link_pj;
    t.energy_dram_pj += r.energy_dram_pj;
    t.energy_flash_pj += r.energy_flash_pj;
    t.energy_tree_pj += r.energy_tree_pj;
    t.sram_size_bytes = std::max(t.sram_size_bytes, r.sram_size_bytes);
    if (r.golden == "fail" || (t.golden == "n/a" && r.golden == "pass")) t.golden = r.golden;
  }
  if (dense > 0) t.density = weighted / dense;
  return t;
}

}  // namespace wb::sw
