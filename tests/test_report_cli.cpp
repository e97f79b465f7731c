// SPDX-License-Identifier: Apache-2.0
// [system] The per-layer outputs of the CLI: records in --json, --csv, --scalesim-csv, energy
// from the RTL's and the models' counters (hand-computed, both engines alike), --report
// directories and their errors, and `waferbench whatif`.
#include "tests/case_dir.hpp"  // first: it includes Catch2 with listeners
#include "tests/cli_run.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

#include "sw/layer_record.hpp"
#include "sw/record_csv.hpp"
#include "sw/scalesim_report.hpp"
#include "tests/skip.hpp"

using namespace wb;
using namespace wb::test;

namespace {

nlohmann::json json_of(const std::string& path) { return nlohmann::json::parse(slurp(path)); }

// The record without the field that names its engine.
nlohmann::json engine_free(nlohmann::json r) {
  r.erase("engine");
  return r;
}

}  // namespace

TEST_CASE("report cli: an array GEMM's counters and energy, hand-computed, the same on RTL and model", "[system]") {
  // 8x8x8 on 4x4, WS: 2 K folds x 2 N folds, each 4 weight beats and 8 A beats (and C beats).
  nlohmann::json records[2];
  int i = 0;
  for (const char* engine : {"rtl", "model"}) {
    const Outcome o = waferbench("gemm --m 8 --k 8 --n 8 --rows 4 --cols 4 --engine " + std::string(engine) +
                                 " --json " + tmp(std::string(engine) + ".json"));
    REQUIRE(o.code == 0);
    const nlohmann::json j = json_of(tmp(std::string(engine) + ".json"));
    CHECK(j["schema"] == 2);
    REQUIRE(j["records"].size() == 1);
    records[i++] = j["records"][0];
  }
  CHECK(engine_free(records[0]) == engine_free(records[1]));
  const nlohmann::json& r = records[0];
  CHECK(r["a_beats"] == 32);
  CHECK(r["b_beats"] == 16);
  CHECK(r["c_beats"] == 32);
  CHECK(r["macs"] == 512);
  CHECK(r["macs_issued"] == 512);        // 32 A beats x 16 PEs: no padding
  CHECK(r["int32_adds"] == 64);          // the second K fold's 32 x 4 partial sums... half of 128
  CHECK(r["register_bytes"] == 2624);    // 512 x 5 + 16 weight beats x 4
  CHECK(r["sram_a_read_bytes"] == 128);  // A's 8 x 4 slice per fold
  CHECK(r["sram_b_read_bytes"] == 64);   // a 4 x 4 block of B per fold
  CHECK(r["sram_write_bytes"] == 256);   // C, int32
  CHECK(r["stall_cycles"] == 0);
  CHECK(r["fill_drain_cycles"].get<std::uint64_t>() == r["cycles"].get<std::uint64_t>() - 32);
  // Horowitz 45 nm: 0.3 pJ per int8 MAC, 0.1 per add, 0.25 per register byte; the 256 MiB
  // memory is beyond the table's 1 MB, so 12.5 pJ per byte.
  CHECK(r["energy_mac_pj"].get<double>() == Approx(153.6));
  CHECK(r["energy_add_pj"].get<double>() == Approx(6.4));
  CHECK(r["energy_register_pj"].get<double>() == Approx(656));
  CHECK(r["energy_sram_pj"].get<double>() == Approx((192 + 256) * 12.5));
  CHECK(r["energy_pj"].get<double>() == Approx(6416));
  CHECK(r["energy_per_mac_pj"].get<double>() == Approx(6416.0 / 512));
}

TEST_CASE("report cli: a fabric GEMM's energy from the PEs' and routers' counters, RTL and model alike", "[system]") {
  nlohmann::json records[2];
  int i = 0;
  for (const char* engine : {"rtl", "model"}) {
    const Outcome o = waferbench("gemm --target fabric --mesh 4x4 --m 1 --k 8 --n 20 --engine " + std::string(engine) +
                                 " --json " + tmp(std::string(engine) + ".json"));
    REQUIRE(o.code == 0);
    records[i++] = json_of(tmp(std::string(engine) + ".json"))["records"][0];
  }
  CHECK(engine_free(records[0]) == engine_free(records[1]));
  const nlohmann::json& r = records[0];
  CHECK(r["macs"] == 160);
  CHECK(r["macs_skipped"] == 0);
  // The counters of test_fabric_gemm's GEMV on the whole 4x4 mesh (kb = 2, nb = 5): per PE
  // 2 (1 + 5) words read and 2 + 10 written, 4 x 4 PEs; 3 x 5 partial sums added per PE row.
  CHECK(r["pe_sram_read_bytes"] == 4 * 192);
  CHECK(r["pe_sram_write_bytes"] == 4 * 192);
  CHECK(r["int32_adds"] == 60);
  CHECK(r["register_bytes"] == 640);  // an int32 accumulator per MAC
  CHECK(r["metadata_bytes"] == 320);
  CHECK(r["link_flits"] == 116);
  CHECK(r["link_bytes"] == 653);  // ceil(116 x 45 / 8)
  // 48 KiB of PE SRAM: between 32 KB (2.5 pJ/B) and 1 MB (12.5), log2-interpolated.
  const double pe_sram = 2.5 + (std::log2(48.0 * 1024) - 15) / 5 * 10;
  CHECK(r["energy_pe_sram_pj"].get<double>() == Approx(1536 * pe_sram));
  CHECK(r["energy_pj"].get<double>() == Approx(160 * 0.3 + 60 * 0.1 + 640 * 0.25 + 1536 * pe_sram + 653 * 0.8));
  CHECK(r["density"] == 1.0);
}

TEST_CASE("report cli: run writes --csv and SCALE-Sim's reports that read back as the JSON says", "[system]") {
  const Outcome o = waferbench("run --engine model --json " + tmp("r.json") + " --csv " + tmp("r.csv") +
                               " --scalesim-csv " + tmp("scalesim"));
  REQUIRE(o.code == 0);
  const nlohmann::json j = json_of(tmp("r.json"));
  REQUIRE(j["records"].size() == 3);
  const auto rows = sw::parse_csv(slurp(tmp("r.csv")), "r.csv");
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].size() == sw::record_fields().size());
  CHECK(rows[2][4] == "fc2");
  const auto compute = sw::read_scalesim_report(slurp(tmp("scalesim/COMPUTE_REPORT.csv")), "COMPUTE_REPORT.csv");
  const auto bandwidth = sw::read_scalesim_report(slurp(tmp("scalesim/BANDWIDTH_REPORT.csv")), "BANDWIDTH_REPORT.csv");
  REQUIRE(compute.size() == 3);
  REQUIRE(bandwidth.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    const nlohmann::json& r = j["records"][i];
    CHECK(compute[i].at("Total Cycles") == r["cycles"].get<double>());
    CHECK(compute[i].at("Overall Util %") == Approx(100 * r["utilization"].get<double>()).epsilon(1e-5));
    CHECK(bandwidth[i].at("Avg IFMAP DRAM BW") ==
          Approx(r["sram_a_read_bytes"].get<double>() / r["cycles"].get<double>()).epsilon(1e-5));
  }
  CHECK(compute[0].at("Total Cycles") == 16447);  // the README's fc1
}

TEST_CASE("report cli: bad energy tables and report directories are one-line errors that write nothing", "[system]") {
  wb::test::need_array(16, 16);
  std::ofstream(tmp("bad.json")) << "{\"int8_mac_pj\": 1}";
  std::ofstream(tmp("bad.yaml")) << "int8_mac_pj: [1\n";
  fs::create_directories(tmp("mine"));
  std::ofstream(tmp("mine/keep.txt")) << "mine";
  std::ofstream(tmp("file")) << "x";
  const std::vector<std::pair<std::string, std::string>> cases{
      {"run --energy-table " + tmp("none.json"), "cannot read the file"},
      {"run --energy-table " + tmp("bad.json"), "missing 'int32_add_pj'"},
      {"sparsity --engine model --energy-table " + tmp("bad.yaml"), "not valid YAML"},
      {"run --report " + tmp("mine"), "is not a waferbench report directory"},
      {"gemm --m 4 --k 4 --n 4 --report " + tmp("file"), "exists and is not a directory"},
      {"run --report " + tmp("no/such/dir"), "cannot create a directory"},
      {"noc --mesh 4x4 --cycles 100 --scalesim-csv " + tmp("mine"), "is not a waferbench report directory"},
      {"run --csv " + tmp("mine"), "is a directory"},
      {"run --report " + tmp("rep") + " --batch 0", "--batch"},
  };
  for (const auto& [args, why] : cases) {
    INFO(args);
    const Outcome o = waferbench(args + " --json " + tmp("out.json"));
    CHECK(o.code == 2);
    CHECK(o.err.find(why) != std::string::npos);
    CHECK(std::count(o.err.begin(), o.err.end(), '\n') == 1);
    CHECK_FALSE(exists(tmp("out.json")));
    CHECK_FALSE(exists(tmp("rep")));
  }
  CHECK(slurp(tmp("mine/keep.txt")) == "mine");
  CHECK(std::distance(fs::directory_iterator(tmp("mine")), fs::directory_iterator{}) == 1);
  // Nothing half-written beside them either: no temporaries left in the case's directory.
  for (const auto& e : fs::directory_iterator(fs::path(tmp("x")).parent_path())) {
    CHECK(e.path().filename().string()[0] != '.');
  }
}

TEST_CASE("report cli: whatif takes utilisation and efficiency from a train run", "[system]") {
  const Outcome t = waferbench("train --model mlp:64x64x64 --batch 16 --systems 2 --rows 8 --cols 8 --engine model "
                               "--weight-buffer 4096 --json " + tmp("t.json"));
  REQUIRE(t.code == 0);
  const nlohmann::json j = json_of(tmp("t.json"));
  const double eff = j["scaling_efficiency"].get<double>();
  const double util2 = j["macs_per_cycle_per_system"].get<double>() / 64;  // per system at N = 2
  const Outcome o = waferbench("whatif --params 1e9 --tokens 2e10 --systems 2 --from-run " + tmp("t.json") + " --json " +
                               tmp("w.json"));
  REQUIRE(o.code == 0);
  const nlohmann::json w = json_of(tmp("w.json"));
  CHECK(w["flops"].get<double>() == Approx(1.2e20));
  CHECK(w["peak_flops_per_system"].get<double>() == Approx(2.0 * 64 * 1e9));  // 8x8 at 1 GHz
  CHECK(w["efficiency"].get<double>() == Approx(eff));
  CHECK(w["utilization"].get<double>() == Approx(util2 / eff));
  CHECK(w["sparse_factor"] == 1.0);  // training on the array skips nothing
  CHECK(w["seconds"].get<double>() == Approx(1.2e20 / (2 * 1.28e11 * util2)));
  CHECK(o.out.find("time = FLOPs / (N x peak x utilisation x efficiency x sparse factor)") != std::string::npos);
  // The power law: error = 10 x data^-0.5 reaches 0.01 at 1e6 tokens.
  const Outcome fit = waferbench("whatif --params 1e6 --fit-a 10 --fit-b -0.5 --target-error 0.01 --from-run " +
                                 tmp("t.json") + " --systems 2 --json " + tmp("f.json"));
  REQUIRE(fit.code == 0);
  CHECK(json_of(tmp("f.json"))["tokens"].get<double>() == Approx(1e6));
  expect_input_error("whatif --params 1e9 --tokens 2e10 --systems 8 --from-run " + tmp("t.json"),
                     "measured no data-parallel efficiency at 8 systems");
  expect_input_error("whatif --params 1e9 --tokens 2e10", "give --from-run");
  expect_input_error("whatif --params 1e9 --tokens 2e10 --from-run " + tmp("w.json"), "not the JSON of a waferbench run");
  expect_input_error("whatif --params 1e9 --fit-a 10 --fit-b 0.5 --target-error 1 --from-run " + tmp("t.json"),
                     "needs a > 0, b < 0");
}
