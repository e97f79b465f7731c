// SPDX-License-Identifier: Apache-2.0
// [system] The waferbench CLI end to end: results, JSON, and every kind of bad input (one line
// on stderr, exit code 2, no output file).
#include "tests/case_dir.hpp"  // first: it includes Catch2 with listeners
#include "tests/cli_run.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "sw/child_process.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/hash.hpp"
#include "sw/mlp.hpp"
#include "sw/npy.hpp"
#include "sw/prune.hpp"
#include "sw/training.hpp"
#include "tests/skip.hpp"

using namespace wb;
using namespace wb::test;

TEST_CASE("cli: arguments reach the command as they are: a quote, a space, no shell", "[system]") {
  wb::test::need_array(16, 16);
  const std::string dir = tmp("it's a dir");
  fs::create_directories(dir);
  const auto a = sw::random_int8(3, 4, 1), b = sw::random_int8(4, 2, 2);
  sw::write_npy(dir + "/a.npy", a);
  sw::write_npy(dir + "/b.npy", b);
  const Outcome o = waferbench(Args{"gemm", "--a", dir + "/a.npy", "--b", dir + "/b.npy", "--rows", "4", "--cols", "4",
                                    "--out", dir + "/c $(x).npy"});
  INFO(o.err);
  REQUIRE(o.code == 0);
  CHECK(sw::read_npy_int32(dir + "/c $(x).npy") == sw::gemm_ref(a, b));
  CHECK(o.err.empty());
  // stderr comes back apart from stdout.
  const Outcome bad = waferbench(Args{"gemm", "--a", dir + "/missing'.npy", "--b", dir + "/b.npy"});
  CHECK(bad.code == 2);
  CHECK(bad.out.empty());
  CHECK(bad.err.find("missing'.npy") != std::string::npos);
}

TEST_CASE("cli: gemm from .npy files writes C and a complete JSON report", "[system]") {
  wb::test::need_array(8, 8);
  const auto a = sw::random_int8(37, 21, 4), b = sw::random_int8(21, 19, 5);
  sw::write_npy(tmp("a.npy"), a);
  sw::write_npy(tmp("b.npy"), b);
  std::remove(tmp("c.npy").c_str());
  const Outcome o = waferbench("gemm --a " + tmp("a.npy") + " --b " + tmp("b.npy") + " --rows 8 --cols 8 --dataflow os --out " +
                               tmp("c.npy") + " --json " + tmp("r.json"));
  INFO(o.err);
  REQUIRE(o.code == 0);
  CHECK(sw::read_npy_int32(tmp("c.npy")) == sw::gemm_ref(a, b));
  const auto j = nlohmann::json::parse(slurp(tmp("r.json")));
  for (const char* key : {"target", "rows", "cols", "dataflow", "m", "k", "n", "cycles", "ideal_cycles", "utilization",
                          "macs", "golden", "sim_seconds", "sim_cycles_per_second"}) {
    CHECK(j.contains(key));
  }
  CHECK(j["target"] == "systolic");
  CHECK(j["dataflow"] == "os");
  CHECK(j["m"] == 37);
  CHECK(j["ideal_cycles"] == (37 * 21 * 19 + 63) / 64);
  CHECK(j["macs"] == 37 * 21 * 19);
  CHECK(j["golden"] == "pass");
  CHECK(j["utilization"].get<double>() > 0.0);
  CHECK(j["utilization"].get<double>() <= 1.0);
}

TEST_CASE("cli: random gemm from a seed, M = 1", "[system]") {
  const Outcome o = waferbench("gemm --m 1 --k 100 --n 53 --rows 4 --cols 4 --seed 9 --json " + tmp("m1.json"));
  INFO(o.err);
  REQUIRE(o.code == 0);
  const auto j = nlohmann::json::parse(slurp(tmp("m1.json")));
  CHECK(j["golden"] == "pass");
  CHECK(j["cycles"].get<long>() >= j["ideal_cycles"].get<long>());
}

TEST_CASE("cli: --engine model runs a size that was not built and matches the RTL's cycles", "[system]") {
  wb::test::need_array(8, 8);
  const Outcome o = waferbench("gemm --m 50 --k 70 --n 90 --rows 64 --cols 64 --engine model --json " + tmp("model.json"));
  INFO(o.err);
  REQUIRE(o.code == 0);
  const auto j = nlohmann::json::parse(slurp(tmp("model.json")));
  CHECK(j["golden"] == "pass");
  CHECK(j["engine"] == "model");
  CHECK(j["rows"] == 64);
  // Same job on the RTL and on the model (8x8, OS, random stalls): same cycle count.
  const std::string job = "gemm --m 30 --k 40 --n 20 --rows 8 --cols 8 --dataflow os --backpressure 0.2";
  REQUIRE(waferbench(job + " --engine rtl --json " + tmp("rtl8.json")).code == 0);
  REQUIRE(waferbench(job + " --engine model --json " + tmp("model8.json")).code == 0);
  const auto r = nlohmann::json::parse(slurp(tmp("rtl8.json"))), m = nlohmann::json::parse(slurp(tmp("model8.json")));
  CHECK(r["engine"] == "rtl");
  CHECK(m["cycles"] == r["cycles"]);
  const Outcome run = waferbench("run --rows 128 --cols 128 --engine model");
  INFO(run.err);
  CHECK(run.code == 0);
  CHECK(run.out.find("(model)") != std::string::npos);
}

TEST_CASE("cli: --engine model runs an unbuilt fabric mesh and matches the RTL's cycles", "[system]") {
  const Outcome o = waferbench("gemm --target fabric --mesh 6x6 --m 3 --k 50 --n 40 --density 0.3 --engine model --json " +
                               tmp("fmodel.json"));
  INFO(o.err);
  REQUIRE(o.code == 0);
  const auto j = nlohmann::json::parse(slurp(tmp("fmodel.json")));
  CHECK(j["golden"] == "pass");
  CHECK(j["engine"] == "model");
  CHECK(j["mesh"] == "6x6");
  const std::string job = "gemm --target fabric --mesh 4x4 --m 5 --k 30 --n 30 --density 0.5 --backpressure 0.2";
  REQUIRE(waferbench(job + " --engine rtl --json " + tmp("frtl4.json")).code == 0);
  REQUIRE(waferbench(job + " --engine model --json " + tmp("fmodel4.json")).code == 0);
  const auto r = nlohmann::json::parse(slurp(tmp("frtl4.json"))), m = nlohmann::json::parse(slurp(tmp("fmodel4.json")));
  CHECK(r["engine"] == "rtl");
  CHECK(m["cycles"] == r["cycles"]);
  CHECK(m["link_flits"] == r["link_flits"]);
  const Outcome run = waferbench("run --target fabric --mesh 12x12 --engine model --batch 8");
  INFO(run.err);
  CHECK(run.code == 0);
  CHECK(run.out.find("(model)") != std::string::npos);
  const Outcome sparsity = waferbench("sparsity --mesh 10x10 --engine model --m 2 --k 64 --n 64");
  INFO(sparsity.err);
  CHECK(sparsity.code == 0);
  CHECK(sparsity.out.find("FAIL") == std::string::npos);
}

TEST_CASE("cli: run prints the per-layer table of the default workload", "[system]") {
  wb::test::need_array(8, 8);
  const Outcome o = waferbench("run --rows 8 --cols 8 --json " + tmp("run.json"));
  INFO(o.err);
  REQUIRE(o.code == 0);
  CHECK(o.out.find("fc1") != std::string::npos);
  CHECK(o.out.find("total") != std::string::npos);
  const auto j = nlohmann::json::parse(slurp(tmp("run.json")));
  CHECK(j["layers"].size() == 3);
  CHECK(j["golden"] == "pass");
}

TEST_CASE("cli: noc reports load and latency as JSON", "[system]") {
  const Outcome o = waferbench("noc --mesh 4x4 --traffic transpose --rate 0.1 --cycles 500 --json " + tmp("noc.json"));
  INFO(o.err);
  REQUIRE(o.code == 0);
  const auto j = nlohmann::json::parse(slurp(tmp("noc.json")));
  CHECK(j["target"] == "fabric");
  CHECK(j["clean"] == true);
  REQUIRE(j["points"].size() == 1);
  for (const char* key : {"offered", "accepted", "latency_mean", "latency_p99", "mean_hops", "router_cycles_per_second"}) {
    CHECK(j["points"][0].contains(key));
  }
}

TEST_CASE("cli: bad input is one line on stderr, exit 2, and no output file", "[system]") {
  wb::test::need_array(16, 16);
  sw::write_npy(tmp("a8.npy"), sw::random_int8(4, 5, 1));
  sw::write_npy(tmp("b8.npy"), sw::random_int8(6, 3, 1));
  sw::write_npy(tmp("i32.npy"), sw::MatrixI32(5, 3));
  std::ofstream(tmp("junk.npy")) << "not a numpy file";
  expect_input_error("gemm --a " + tmp("missing.npy") + " --b " + tmp("b8.npy"), "cannot open");
  expect_input_error("gemm --a " + tmp("junk.npy") + " --b " + tmp("b8.npy"), "magic");
  expect_input_error("gemm --a " + tmp("a8.npy") + " --b " + tmp("i32.npy"), "dtype");
  expect_input_error("gemm --a " + tmp("a8.npy") + " --b " + tmp("b8.npy"), "K mismatch");
  expect_input_error("gemm --a " + tmp("a8.npy"), "both --a and --b");
  expect_input_error("gemm --a " + tmp("a8.npy") + " --b " + tmp("a8.npy") + " --m 3", "does not match");
  expect_input_error("gemm --m 0 --k 4 --n 4", "positive");
  expect_input_error("gemm --m=-3 --k 4 --n 4", "positive");
  expect_input_error("gemm --m 4 --k 4", "positive");
  expect_input_error("gemm --m 4 --k 4 --n 4 --dataflow xs", "unknown dataflow");
  expect_input_error("gemm --m 4 --k 4 --n 4 --rows 5 --cols 5", "not built");
  expect_input_error("gemm --m 4 --k 4 --n 4 --backpressure 1.5", "backpressure");
  expect_input_error("gemm --m 4 --k 4 --n 4 --engine verilog", "unknown engine");
  expect_input_error("gemm --m 4 --k 4 --n 4 --engine model --trace " + tmp("wave.fst"), "--engine rtl");
  expect_input_error("gemm --m 4 --k 4 --n 4 --engine model --target fabric --mesh 17x17", "16x16");
  expect_input_error("gemm --m 4 --k 4 --n 4 --engine model --target fabric --mesh 4x4 --trace " + tmp("wave.fst"),
                     "--engine rtl");
  expect_input_error("gemm --m 4 --k 4 --n 4 --mem-bw 0", "mem-bw");
  expect_input_error("gemm --m 4 --k 4 --n 4 --trace " + tmp("wave.txt"), ".fst or .vcd");
  expect_input_error("gemm --m 4 --k 4 --n 4 --trace-from 10", "need --trace FILE");
  expect_input_error("gemm --m 4 --k 4 --n 4 --trace-depth 2", "need --trace FILE");
  expect_input_error("noc --mesh 4x4 --trace-to 10", "need --trace FILE");
  expect_input_error("gemm --m 4 --k 4 --n 4 --trace " + tmp("wave.fst") + " --trace-from 20 --trace-to 10", "is after --trace-to");
  expect_input_error("gemm --m 4 --k 4 --n 4 --trace " + tmp("wave.fst") + " --trace-depth 1001", "--trace-depth must be in");
  expect_input_error("gemm --m 4 --k 4 --n 4 --trace " + tmp("wave.fst") + " --trace-from -1", "--trace-from must be an integer");
  expect_input_error("noc --mesh 4x4 --trace " + tmp("wave.fst") + " --trace-from 9 --trace-to 8", "is after --trace-to");
  expect_input_error("gemm --m four --k 4 --n 4", "m");
  expect_input_error("gemm --m 4 --k 4 --n 4 --bogus 1", "bogus");
  expect_input_error("run --model mlp:12", "model");
  expect_input_error("run --batch 0", "batch");
  expect_input_error("noc --mesh 5x5", "not built");
  expect_input_error("noc --mesh 8x4", "square");
  expect_input_error("noc --traffic tornado", "unknown traffic");
  expect_input_error("noc --rate 0", "rate");
  expect_input_error("noc --colors 9 --mesh 4x4", "colors");
  expect_input_error("frobnicate", "unknown command");
}

TEST_CASE("cli: sparse gemm on the fabric reports mesh, density, nnz, wavelets and link utilization", "[system]") {
  const auto a = sw::random_int8(3, 40, 6), b = sw::random_int8(40, 24, 7);
  sw::write_npy(tmp("fa.npy"), a);
  sw::write_npy(tmp("fb.npy"), b);
  std::remove(tmp("fc.npy").c_str());
  const Outcome o = waferbench("gemm --target fabric --mesh 4x4 --layout weight-streaming --a " + tmp("fa.npy") +
                               " --b " + tmp("fb.npy") + " --out " + tmp("fc.npy") + " --json " + tmp("f.json"));
  INFO(o.err);
  REQUIRE(o.code == 0);
  CHECK(sw::read_npy_int32(tmp("fc.npy")) == sw::gemm_ref(a, b));
  const auto j = nlohmann::json::parse(slurp(tmp("f.json")));
  for (const char* key : {"mesh", "layout", "density", "nnz", "wavelets", "link_utilization", "cycles", "macs",
                          "utilization", "ideal_cycles", "ideal_dense_cycles", "load_cycles"}) {
    CHECK(j.contains(key));
  }
  CHECK(j["target"] == "fabric");
  CHECK(j["mesh"] == "4x4");
  CHECK(j["layout"] == "weight-streaming");
  CHECK(j["golden"] == "pass");
  CHECK(j["nnz"].get<long>() > 900);  // dense int8: about 1/256 zeros

  const Outcome sparse = waferbench("gemm --target fabric --mesh 4x4 --m 2 --k 64 --n 64 --density 0.1 --json " + tmp("s.json"));
  INFO(sparse.err);
  REQUIRE(sparse.code == 0);
  const auto js = nlohmann::json::parse(slurp(tmp("s.json")));
  CHECK(js["density"] == 0.1);
  CHECK(js["nnz"].get<double>() == Approx(0.1 * 64 * 64).epsilon(0.25));
  CHECK(js["link_utilization"].get<double>() > 0.0);
  CHECK(js["link_utilization"].get<double>() < 1.0);
}

TEST_CASE("cli: run on the fabric, weight streaming splits the batch into passes", "[system]") {
  const Outcome o = waferbench("run --target fabric --mesh 4x4 --model mlp:32x48x10 --batch 40 --density 0.5 "
                               "--layout weight-streaming --json " + tmp("frun.json"));
  INFO(o.err);
  REQUIRE(o.code == 0);
  CHECK(o.out.find("fc2") != std::string::npos);
  const auto j = nlohmann::json::parse(slurp(tmp("frun.json")));
  CHECK(j["layers"].size() == 2);
  CHECK(j["golden"] == "pass");
  CHECK(j["layers"][0]["passes"].get<int>() > 1);  // 12 outputs per PE x 40 > 256 accumulators
}

TEST_CASE("cli: run on the fabric with --ingress-bw streams the weights and reports compute, stream and exposed cycles", "[system]") {
  for (const std::string engine : {"rtl", "model"}) {
    const Outcome o = waferbench("run --target fabric --mesh 4x4 --model mlp:64x64x32 --batch 4 --density 0.5 "
                                 "--layout weight-streaming --ingress-bw 4 --weight-buffer 1024 --engine " + engine +
                                 " --json " + tmp("fstream_" + engine + ".json"));
    INFO(o.err);
    REQUIRE(o.code == 0);
    CHECK(o.out.find("exposed") != std::string::npos);
  }
  const auto rtl = nlohmann::json::parse(slurp(tmp("fstream_rtl.json")));
  const auto model = nlohmann::json::parse(slurp(tmp("fstream_model.json")));
  CHECK(rtl["golden"] == "pass");
  CHECK(rtl["streamed"] == true);
  CHECK(rtl["buffer_overwrites"] == 0);
  REQUIRE(rtl["layers"].size() == 2);
  for (const char* f : {"load_cycles", "compute_cycles", "stream_cycles", "exposed_cycles", "weight_bytes", "dram_bytes",
                        "flash_bytes", "link_utilization", "span_cycles", "chunks"}) {
    INFO(f);
    CHECK(rtl["layers"][0].contains(f));
  }
  CHECK(rtl["layers"][0]["weight_bytes"] == 64 * 64);
  CHECK(rtl["layers"][0]["exposed_cycles"].get<int>() > 0);  // 4 B/cycle is below the fabric's need
  for (const char* f : {"cycles", "load_cycles", "compute_cycles", "exposed_cycles", "stream_cycles"}) {
    INFO(f);
    CHECK(rtl[f] == model[f]);
  }
}

TEST_CASE("cli: bad weight-streaming input is one line on stderr, exit 2, and no output file", "[system]") {
  const std::string run = "run --target fabric --mesh 4x4 --model mlp:32x32 --batch 2 ";
  expect_input_error(run + "--layout weight-streaming --ingress-bw 0", "--ingress-bw");
  expect_input_error(run + "--layout weight-streaming --ingress-bw x", "ingress-bw");
  expect_input_error(run + "--ingress-bw 8", "--layout weight-streaming");
  expect_input_error(run + "--layout weight-streaming --weight-buffer 512", "does not apply");
  expect_input_error(run + "--layout weight-streaming --ingress-bw 8 --weight-buffer 1", "--weight-buffer");
  expect_input_error(run + "--layout weight-streaming --ingress-bw 8 --weight-buffer 40", "cannot hold one weight row");
  expect_input_error("run --ingress-bw 8", "does not apply");
}

TEST_CASE("cli: sparsity reports the speedup of sparse weights against dense and 1/d", "[system]") {
  // The fabric RTL (in waferbench-all) beside its model; unstructured = magnitude pruning,
  // so 0.25 keeps exactly 1024 of the 4096 weights.
  const Outcome o = waferbench("sparsity --mesh 4x4 --m 2 --k 64 --n 64 --densities 1,0.25 --json " + tmp("sp.json"));
  INFO(o.err);
  REQUIRE(o.code == 0);
  const auto j = nlohmann::json::parse(slurp(tmp("sp.json")));
  REQUIRE(j["points"].size() == 2);
  CHECK(j["points"][0]["weights"] == "dense");
  CHECK(j["points"][1]["weights"] == "magnitude:0.75");
  CHECK(j["points"][1]["weight_nnz"] == 1024);
  const double ideal = j["points"][1]["ideal_speedup"].get<double>();
  CHECK(ideal == Approx(j["points"][0]["weight_nnz"].get<double>() / 1024));
  const auto f = j["points"][1]["fabric"];
  CHECK(f["speedup"].get<double>() > 1.5);
  CHECK(f["speedup_over_ideal"].get<double>() == Approx(f["speedup"].get<double>() / ideal));
  CHECK(f["rtl_layers"] == 1);
  CHECK(f["rtl_agrees"] == true);
  CHECK(f["golden"] == "pass");
  // CSC of 64 x 64 with 1024 nonzeros: 65 column pointers up to 1024 (2 bytes), 1024 row indices (1 byte).
  CHECK(f["weight_value_bytes"] == 1024);
  CHECK(f["weight_metadata_bytes"] == 65 * 2 + 1024);
  CHECK(j.contains("array") == false);
}

TEST_CASE("cli: sparsity --target both: 2:4 on the N:M sparse array, the fabric skips zeros, JSON and CSV agree", "[system]") {
  const Outcome o = waferbench("sparsity --target both --engine model --rows 4 --cols 4 --mesh 4x4 --m 4 --k 32 --n 32 "
                               "--structure nm:2:4 --json " + tmp("b.json") + " --csv " + tmp("b.csv"));
  INFO(o.err);
  REQUIRE(o.code == 0);
  CHECK(o.out.find("array cycles") != std::string::npos);
  CHECK(o.out.find("fabric cycles") != std::string::npos);
  CHECK(o.out.find("ran on its N:M sparse array") != std::string::npos);
  CHECK(o.out.find("unstructured zeros") == std::string::npos);  // no point ran dense with zeros
  const auto j = nlohmann::json::parse(slurp(tmp("b.json")));
  REQUIRE(j["points"].size() == 2);  // nm:2:4: dense and 0.5
  const auto p = j["points"][1];
  CHECK(p["weights"] == "nm:2:4");
  CHECK(p["density"].get<double>() == Approx(0.5).margin(0.01));
  CHECK(j["array"]["sparse_mode"] == true);
  CHECK(j["points"][0]["array"]["mode"] == "dense");
  CHECK(p["array"]["mode"] == "nm:2:4");
  CHECK(p["array"]["cycles"] < j["points"][0]["array"]["cycles"]);
  CHECK(p["array"]["speedup"].get<double>() > 1.3);
  CHECK(p["array"]["weight_format"] == "nm:2:4");
  CHECK(p["array"]["weight_value_bytes"] == 16 * 32);  // 8 groups x 2 kept x 32 columns
  CHECK(p["array"]["weight_metadata_bytes"] == 16 * 32 * 2 / 8);  // a 2-bit offset each, packed
  CHECK(p["array"]["macs"] == 4 * 16 * 32);  // the kept weights' MACs
  CHECK(j["points"][0]["array"]["weight_metadata_bytes"] == 0);
  CHECK(p["fabric"]["speedup"].get<double>() > 1.2);
  CHECK(p["fabric"]["macs"].get<double>() < 0.51 * j["points"][0]["fabric"]["macs"].get<double>());
  CHECK(j["golden"] == "pass");
  // The records, one per point and target, in the JSON and the CSV.
  REQUIRE(j["records"].size() == 4);
  CHECK(j["records"][3]["name"] == "nm:2:4");
  CHECK(j["records"][3]["target"] == "fabric");
  CHECK(j["records"][3]["cycles"] == p["fabric"]["cycles"]);
  CHECK(j["records"][3]["macs_skipped"].get<double>() > 0.49 * 4 * 32 * 32);
  CHECK(j["records"][2]["target"] == "array");
  CHECK(j["records"][2]["macs_skipped"] == 4 * 16 * 32);  // half of K's rows left out
  CHECK(j["records"][2]["macs_issued"] == p["array"]["macs"]);  // 4 A beats x 16 PEs per fold, no padding
  CHECK(j["records"][2]["metadata_bytes"] == 128);
  const std::string csv = slurp(tmp("b.csv"));
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 5);  // header, 2 points x 2 targets
  CHECK(csv.find("nm:2:4") != std::string::npos);

  // --prune instead of --structure/--densities: dense against those weights, on a network.
  const Outcome n = waferbench("sparsity --target array --engine model --rows 4 --cols 4 --network mlp:16x16x8 --m 4 "
                               "--prune block:4:0.5 --json " + tmp("n.json"));
  INFO(n.err);
  REQUIRE(n.code == 0);
  const auto jn = nlohmann::json::parse(slurp(tmp("n.json")));
  REQUIRE(jn["points"].size() == 2);
  CHECK(jn["points"][1]["weights"] == "block:4:0.5");
  CHECK(jn["points"][1]["weight_nnz"] == 16 * 16 / 2 + 16 * 8 / 2);  // every block of a dense random matrix is nonzero
  CHECK(jn["network"]["mapped"] == 2);
}

TEST_CASE("cli: --prune and --mask on gemm and run prune exactly what they say, golden-checked", "[system]") {
  // gemm with a mask: C is A times the masked B.
  const auto a = sw::random_int8(3, 8, 2), b = sw::random_sparse_int8(8, 6, 1.0, 3);
  sw::write_npy(tmp("a.npy"), a);
  sw::write_npy(tmp("b.npy"), b);
  sw::MatrixI8 masked = b;
  std::string mask_data;
  for (std::size_t i = 0; i < b.size(); ++i) {
    const bool keep = i % 3 == 0;
    mask_data.push_back(keep ? '\1' : '\0');
    if (!keep) masked.data()[i] = 0;
  }
  {
    std::string header = "{'descr': '|b1', 'fortran_order': False, 'shape': (8, 6), }";
    header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
    header.push_back('\n');
    std::ofstream f(tmp("mask.npy"), std::ios::binary);
    f << "\x93NUMPY" << '\x01' << '\0' << static_cast<char>(header.size()) << '\0' << header << mask_data;
  }
  for (const char* target : {"systolic --rows 4 --cols 4", "fabric --mesh 4x4"}) {
    const Outcome o = waferbench("gemm --target " + std::string(target) + " --a " + tmp("a.npy") + " --b " + tmp("b.npy") +
                                 " --mask " + tmp("mask.npy") + " --out " + tmp("c.npy") + " --json " + tmp("g.json"));
    INFO(target << ": " << o.err);
    REQUIRE(o.code == 0);
    CHECK(sw::read_npy_int32(tmp("c.npy")) == sw::gemm_ref(a, masked));
    const auto j = nlohmann::json::parse(slurp(tmp("g.json")));
    CHECK(j["weight_sparsity"] == "mask " + tmp("mask.npy"));
    CHECK(o.out.find("density 0.333") != std::string::npos);
  }
  Outcome o = waferbench("gemm --rows 4 --cols 4 --m 4 --k 32 --n 32 --prune magnitude:0.75 --json " + tmp("m.json"));
  REQUIRE(o.code == 0);
  CHECK(o.out.find("computes every zero") != std::string::npos);
  CHECK(nlohmann::json::parse(slurp(tmp("m.json")))["weight_nnz"] == 256);

  // run (the MLP) with N:M weights: the weights are the pruned ones, and each layer's
  // activation density is what the previous layer's ReLU left.
  const sw::MlpSpec spec = sw::parse_mlp("mlp:32x32x16");
  sw::WeightSparsity nm;
  nm.prune = sw::parse_prune_spec("nm:1:4");
  nm.seed = 5;
  const std::vector<sw::MatrixI8> w = sw::mlp_weights(spec, 5, 1.0, nm);
  const sw::MatrixI8 x = sw::mlp_input(spec, 8, 5);
  int shift = 0;
  const sw::MatrixI8 x2 = sw::relu_requantize(sw::gemm_ref(x, w[0]), shift);
  for (const char* target : {"systolic --engine model --rows 4 --cols 4", "fabric --engine model --mesh 4x4"}) {
    o = waferbench("run --target " + std::string(target) + " --model mlp:32x32x16 --batch 8 --seed 5 --prune nm:1:4 --json " +
                   tmp("r.json"));
    INFO(target << ": " << o.err);
    REQUIRE(o.code == 0);
    CHECK(o.out.find("a density") != std::string::npos);
    const auto j = nlohmann::json::parse(slurp(tmp("r.json")));
    CHECK(j["weight_sparsity"] == "nm:1:4");
    const auto l1 = j["layers"][1];
    CHECK((l1.contains("weight_nnz") ? l1["weight_nnz"] : l1["nnz"]) == sw::count_nonzeros(w[1]));
    CHECK(l1["act_nnz"] == sw::count_nonzeros(x2));
    CHECK(sw::count_nonzeros(x2) < x2.size());  // the ReLU did zero some
    CHECK(j["golden"] == "pass");
  }

  // A network: every fully connected layer pruned, the density reported per layer.
  o = waferbench("run --network mlp:32x32x16 --batch 8 --engine model --rows 4 --cols 4 --mesh 4x4 --target both "
                 "--prune magnitude:0.5 --json " + tmp("n.json"));
  INFO(o.err);
  REQUIRE(o.code == 0);
  const auto jn = nlohmann::json::parse(slurp(tmp("n.json")));
  CHECK(jn["weight_sparsity"] == "magnitude:0.5");
  CHECK(jn["layers"][0]["weight_density"] == 0.5);
  CHECK(jn["layers"][2]["weight_density"] == 0.5);
  CHECK(jn["golden"] == "pass");
}

TEST_CASE("cli: a topology's N:M Sparsity column runs those layers on the N:M sparse array, RTL and model", "[system]") {
  wb::test::need_array(8, 8);
  wb::test::need_nm_array(8, 8);
  // Four layers of 16x32x8 (the columns are M, N, K) on 8x8 WS with 1000 B/cycle: the cycles of
  // the --prune nm case above, 8 + 16F + 17 + 11 for F folds: dense 4 folds (100), 2:4 2 (68),
  // 1:4 1 (52); a Sparsity of 1 is dense.
  {
    std::ofstream f(tmp("nm.csv"));
    f << "Layer, M, N, K, Sparsity,\nfc1, 16, 8, 32, 2:4,\nfc2, 16, 8, 32, 1,\nfc3, 16, 8, 32, 1:4,\nfc4, 16, 8, 32, 2:4,\n";
  }
  const std::string run = "run --topology " + tmp("nm.csv") + " --rows 8 --cols 8 --mem-bw 1000 --json " + tmp("nm.json");
  for (const char* engine : {"rtl", "model"}) {
    const Outcome o = waferbench(run + " --engine " + engine);
    INFO(engine << ": " << o.err);
    REQUIRE(o.code == 0);
    const auto j = nlohmann::json::parse(slurp(tmp("nm.json")));
    CHECK(j["golden"] == "pass");
    const std::vector<int> folds{2, 4, 1, 2};
    const std::vector<std::uint64_t> cycles{68, 100, 52, 68};
    for (std::size_t i = 0; i < 4; ++i) {
      INFO("layer " << i);
      CHECK(j.at("layers").at(i).at("array").at("folds") == folds[i]);
      CHECK(j.at("layers").at(i).at("array").at("cycles") == cycles[i]);
    }
    CHECK(o.out.find("weights N:M sparse as the source declares (its Sparsity column): 2:4 (fc1, fc4) ran on the N:M "
                     "sparse array as 2:4; 1:4 (fc3) ran on the N:M sparse array as 1:4") != std::string::npos);
  }
  // Output-stationary: the N:M sparse array is WS, so every layer runs dense, and the output says so.
  const Outcome o = waferbench(run + " --dataflow os");
  INFO(o.err);
  REQUIRE(o.code == 0);
  const auto j = nlohmann::json::parse(slurp(tmp("nm.json")));
  for (std::size_t i = 1; i < 4; ++i) {
    CHECK(j.at("layers").at(i).at("array").at("cycles") == j.at("layers").at(0).at("array").at("cycles"));
  }
  CHECK(o.out.find("2:4 (fc1, fc4) ran dense: the N:M sparse array is weight-stationary (ws)") != std::string::npos);
}

TEST_CASE("cli: --prune nm:N:M runs gemm, run and sparsity on the N:M sparse array, RTL and model, cycles hand-computed", "[system]") {
  wb::test::need_array(16, 16);
  wb::test::need_nm_array(16, 16);
  // 16x32x8 on 8x8 (WS) with 1000 B/cycle of memory, so that only its 10 cycles of latency add
  // to the pin-level count: R + F*M + R + C + 1 + 10 + 1 = 8 + 16F + 17 + 11 for F folds of M =
  // 16 A beats. Dense: 4 folds of 8 of K; 2:4: 2 folds of 16 kept rows' 16 of K; 1:4: one fold.
  const std::string gemm = "gemm --m 16 --k 32 --n 8 --rows 8 --cols 8 --mem-bw 1000 --seed 3 ";
  // Bytes read: A's rows per fold (16 x 8 dense, 16 x 16 at 2:4, 16 x 32 at 1:4, so 512 in all),
  // and B once: dense 32 x 8; N:M the kept weights, 16 (2:4) or 8 (1:4) rows of 8, and their
  // 2-bit offsets packed four to a byte (sw::storage_bytes of the nm format): 128 + 32, 64 + 16.
  const std::vector<std::tuple<std::string, int, std::uint64_t, std::uint64_t, std::uint64_t>> cases{
      {"", 4, 100, 512 + 256, 0}, {"--prune nm:2:4", 2, 68, 512 + 128 + 32, 32}, {"--prune nm:1:4", 1, 52, 512 + 64 + 16, 16}};
  for (const char* engine : {"rtl", "model"}) {
    for (const auto& [prune, folds, cycles, bytes, metadata] : cases) {
      const Outcome o = waferbench(gemm + prune + " --engine " + engine + " --json " + tmp("g.json") + " --out " + tmp("c.npy"));
      INFO(engine << " " << prune << ": " << o.err);
      REQUIRE(o.code == 0);
      const auto j = nlohmann::json::parse(slurp(tmp("g.json")));
      CHECK(j["engine"] == engine);
      CHECK(j["folds"] == folds);
      CHECK(j["cycles"] == cycles);
      CHECK(j["golden"] == "pass");
      CHECK(j["sparse_mode"] == (prune.empty() ? "dense" : prune.substr(8)));
      const auto r = j["records"][0];
      CHECK(r["cycles"] == cycles);
      CHECK(r["macs_issued"] == 16u * 8 * 8 * folds);  // 16 A beats on 64 PEs per fold
      CHECK(r["macs_skipped"] == 16u * 32 * 8 - r["macs_issued"].get<std::uint64_t>());
      CHECK(r["int32_adds"] == 16u * 8 * (folds - 1));  // C's partial sums added over the K folds but the first
      CHECK(r["energy_mac_pj"].get<double>() > 0);
      // C is A times the pruned B: the CPU reference of what the command made.
      const sw::MatrixI8 a = sw::random_int8(16, 32, 3);
      sw::MatrixI8 b = sw::random_int8(32, 8, 3 ^ 0x5bd1e995u);
      sw::WeightSparsity pruned;
      if (!prune.empty()) pruned.prune = sw::parse_prune_spec(prune.substr(8));
      pruned.seed = 3;
      b = pruned.apply(b);
      CHECK(sw::read_npy_int32(tmp("c.npy")) == sw::gemm_ref(a, b));
      CHECK(j["mem_bytes_read"] == bytes);
      CHECK(j["metadata_bytes_read"] == metadata);
      CHECK(r["metadata_bytes"] == metadata);
      CHECK(r["sram_b_read_bytes"] == bytes - 512);
      if (!prune.empty()) CHECK(o.out.find("N:M sparse " + prune.substr(11)) != std::string::npos);
    }
  }
  // The 16x16 N:M sparse array is in waferbench-all although the dense 16x16 is in waferbench:
  // the command hands over. One fold of 8 kept rows (16 of K): 16 + 4 + 16 + 16 + 1 + 11 cycles;
  // 4 x 16 A bytes, 8 x 4 kept weights and 8 bytes of their offsets.
  Outcome o = waferbench("gemm --m 4 --k 16 --n 4 --mem-bw 1000 --prune nm:2:4 --json " + tmp("h.json"));
  INFO(o.err);
  REQUIRE(o.code == 0);
  {
    const auto j = nlohmann::json::parse(slurp(tmp("h.json")));
    CHECK((j["engine"] == "rtl" && j["rows"] == 16 && j["sparse_mode"] == "nm:2:4"));
    CHECK(j["cycles"] == 64);
    CHECK(j["mem_bytes_read"] == 64 + 32 + 8);
    CHECK(j["records"][0]["register_bytes"] == 4 * 256 * 8 + 16 * 16);  // 8 per MAC (4 activations on, an int32 down), weight loads
  }
  // Unstructured zeros stay on the dense array, in the dense cycles, and the output says so.
  o = waferbench(gemm + "--prune magnitude:0.75 --json " + tmp("u.json"));
  REQUIRE(o.code == 0);
  CHECK(o.out.find("gains nothing from unstructured zeros") != std::string::npos);
  CHECK(nlohmann::json::parse(slurp(tmp("u.json")))["cycles"] == 100);

  // run: every layer of the MLP on the N:M sparse array. fc1 16x32x32: 2 K folds x 4 column
  // blocks = 8 folds, 8 + 8*16 + 17 + 11 = 164; fc2 16x32x16: 4 folds, 100 (dense: 16 and 8 folds).
  for (const char* engine : {"rtl", "model"}) {
    o = waferbench("run --model mlp:32x32x16 --batch 16 --rows 8 --cols 8 --mem-bw 1000 --prune nm:2:4 --engine " +
                   std::string(engine) + " --json " + tmp("r.json"));
    INFO(engine << ": " << o.err);
    REQUIRE(o.code == 0);
    auto j = nlohmann::json::parse(slurp(tmp("r.json")));
    CHECK(j["sparse_mode"] == "nm:2:4");
    CHECK(j["layers"][0]["folds"] == 8);
    CHECK(j["layers"][0]["cycles"] == 164);
    CHECK(j["layers"][1]["folds"] == 4);
    CHECK(j["layers"][1]["cycles"] == 100);
    CHECK(j["cycles"] == 264);
    CHECK(j["golden"] == "pass");
    CHECK(j["records"][0]["macs_skipped"] == 16 * 16 * 32);
    // The same layers as a network: the model and the RTL agree, the records carry the N:M run.
    o = waferbench("run --network mlp:32x32x16 --batch 16 --rows 8 --cols 8 --mem-bw 1000 --prune nm:2:4 --engine " +
                   std::string(engine) + " --json " + tmp("n.json"));
    INFO(o.err);
    REQUIRE(o.code == 0);
    CHECK(o.out.find("N:M sparse array, 2:4") != std::string::npos);
    j = nlohmann::json::parse(slurp(tmp("n.json")));
    CHECK(j["array"]["sparse_mode"] == "nm:2:4");
    CHECK(j["layers"][0]["array"]["cycles"] == 164);
    CHECK(j["layers"][0]["array"]["mode"] == engine);
    CHECK(j["layers"][2]["array"]["cycles"] == 100);
    CHECK(j["records"][1]["cycles"] == 100);
    CHECK(j["records"][1]["macs_skipped"] == 16 * 16 * 16);
    CHECK(j["golden"] == "pass");
  }

  // sparsity: the dense point on the dense array, the N:M points on the N:M sparse array.
  o = waferbench("sparsity --target array --rows 8 --cols 8 --m 16 --k 32 --n 8 --mem-bw 1000 --structure nm:2:4 "
                 "--densities 1,0.5,0.25 --json " + tmp("s.json"));
  INFO(o.err);
  REQUIRE(o.code == 0);
  const auto j = nlohmann::json::parse(slurp(tmp("s.json")));
  REQUIRE(j["points"].size() == 3);
  CHECK(j["points"][0]["array"]["cycles"] == 100);
  CHECK(j["points"][1]["array"]["cycles"] == 68);
  CHECK(j["points"][2]["array"]["cycles"] == 52);
  CHECK(j["points"][2]["weights"] == "nm:1:4");
  CHECK(j["points"][2]["array"]["rtl_layers"] == 1);
  CHECK(j["points"][2]["array"]["rtl_agrees"] == true);
  CHECK(j["golden"] == "pass");
  // Unstructured: the dense array, and the output says it gains nothing.
  o = waferbench("sparsity --target array --engine model --rows 8 --cols 8 --m 16 --k 32 --n 8 --mem-bw 1000 "
                 "--densities 1,0.5 --json " + tmp("su.json"));
  REQUIRE(o.code == 0);
  CHECK(o.out.find("gains nothing from unstructured zeros") != std::string::npos);
  const auto ju = nlohmann::json::parse(slurp(tmp("su.json")));
  CHECK(ju["points"][1]["array"]["cycles"] == 100);
  CHECK(ju["points"][1]["array"]["mode"] == "dense");
  CHECK(ju["array"]["sparse_mode"] == false);

  // What the N:M sparse array cannot take: one line, exit 2, no output.
  expect_input_error("gemm --m 4 --k 16 --n 4 --prune nm:3:4", "nm:3:4 weights cannot run on the N:M sparse array");
  expect_input_error("gemm --m 4 --k 16 --n 4 --prune nm:4:8", "cannot run on the N:M sparse array");
  expect_input_error("gemm --m 4 --k 16 --n 4 --prune nm:2:4 --dataflow os", "weight-stationary");
  expect_input_error("gemm --m 4 --k 16 --n 4 --prune nm:2:4 --engine model --rows 1 --cols 4", "at least 2 rows");
  expect_input_error("gemm --m 4 --k 16 --n 4 --prune nm:2:4 --mem-bw 0.05", "N:M sparse array: a chunk");
  expect_input_error("run --model mlp:16x16 --prune nm:3:4", "cannot run on the N:M sparse array");
  expect_input_error("run --network mlp:16x16 --engine model --prune nm:2:4 --dataflow os", "weight-stationary");
  expect_input_error("sparsity --target array --structure nm:3:4 --densities 0.75", "nm:3:4 weights cannot run");
  expect_input_error("sparsity --target both --prune nm:2:4 --dataflow os", "weight-stationary");
}

TEST_CASE("cli: run --store-format streams the compressed bytes, metadata included, hand-computed", "[system]") {
  // magnitude:0.9 keeps exactly 410 of fc1's 4096 weights and 205 of fc2's 2048.
  //   dense:  4096 and 2048 bytes
  //   csr:    65 row pointers (2 bytes: up to 410) + 410 column indices + 410 values = 950;
  //           65 pointers (1 byte: up to 205) + 205 + 205 = 475
  //   bitmap: 4096 / 8 + 410 = 922; 2048 / 8 + 205 = 461
  std::vector<std::uint64_t> exposed;
  for (const auto& [format, fc1, fc2] : std::vector<std::tuple<std::string, int, int>>{
           {"dense", 4096, 2048}, {"csr", 950, 475}, {"bitmap", 922, 461}}) {
    const Outcome o = waferbench("run --target fabric --engine model --mesh 4x4 --layout weight-streaming --ingress-bw 2 "
                                 "--model mlp:64x64x32 --batch 4 --prune magnitude:0.9 --store-format " + format +
                                 " --json " + tmp("s.json"));
    INFO(format << ": " << o.err);
    REQUIRE(o.code == 0);
    const auto j = nlohmann::json::parse(slurp(tmp("s.json")));
    CHECK(j["store_format"] == format);
    CHECK(j["layers"][0]["weight_bytes"] == fc1);
    CHECK(j["layers"][1]["weight_bytes"] == fc2);
    CHECK(j["dram_bytes"] == fc1 + fc2);
    CHECK(j["golden"] == "pass");
    exposed.push_back(j["exposed_cycles"].get<std::uint64_t>());
  }
  CHECK(exposed[1] < exposed[0] / 2);  // a quarter of the bytes on a 2 B/cycle link
  // nm takes its N:M from --prune: 64 / 4 groups x 1 x 64 values + as many 2-bit indices.
  const Outcome nm = waferbench("run --target fabric --engine model --mesh 4x4 --layout weight-streaming --ingress-bw 2 "
                                "--model mlp:64x64x32 --batch 4 --prune nm:1:4 --store-format nm --json " + tmp("nm.json"));
  INFO(nm.err);
  REQUIRE(nm.code == 0);
  const auto j = nlohmann::json::parse(slurp(tmp("nm.json")));
  CHECK(j["store_format"] == "nm:1:4");
  CHECK(j["layers"][0]["weight_bytes"] == 16 * 64 + 16 * 64 * 2 / 8);
  expect_input_error("run --target fabric --layout weight-streaming --ingress-bw 2 --store-format nm", "--prune nm:N:M");
  expect_input_error("run --target fabric --layout weight-streaming --ingress-bw 2 --store-format csc", "dense, csr, nm or bitmap");
  expect_input_error("run --target fabric --store-format csr", "does not apply");
  expect_input_error("run --store-format csr", "does not apply");
}

TEST_CASE("cli: bad --prune, --mask, --structure and --densities are one line, exit 2, no output file", "[system]") {
  wb::test::need_array(16, 16);
  wb::test::need_wafer_mesh(8);
  sw::write_npy(tmp("i8.npy"), sw::random_int8(4, 4, 1));
  {
    std::ofstream f(tmp("m5.npy"), std::ios::binary);
    std::string header = "{'descr': '|u1', 'fortran_order': False, 'shape': (5, 5), }";
    header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
    header.push_back('\n');
    f << "\x93NUMPY" << '\x01' << '\0' << static_cast<char>(header.size()) << '\0' << header << std::string(25, '\1');
  }
  expect_input_error("gemm --m 4 --k 4 --n 4 --prune magnitude:1", "--prune 'magnitude:1'");
  expect_input_error("gemm --m 4 --k 4 --n 4 --prune nm:3:2", "--prune 'nm:3:2'");
  expect_input_error("gemm --m 4 --k 4 --n 4 --prune lottery:0.5", "unknown method");
  expect_input_error("gemm --m 4 --k 4 --n 4 --prune block:4", "wrong number of fields");
  expect_input_error("gemm --m 4 --k 4 --n 4 --mask " + tmp("missing.npy"), "cannot open");
  expect_input_error("gemm --m 4 --k 4 --n 4 --mask " + tmp("i8.npy"), "bool or uint8");
  expect_input_error("gemm --m 4 --k 4 --n 4 --mask " + tmp("m5.npy"), "does not match the weights");
  expect_input_error("gemm --m 4 --k 4 --n 4 --mask " + tmp("m5.npy") + " --prune nm:2:4", "not both");
  expect_input_error("run --model mlp:8x8x4 --mask " + tmp("m5.npy"), "matches no layer");
  expect_input_error("run --network mlp:8x8x4 --engine model --mask " + tmp("m5.npy"), "matches no layer");
  expect_input_error("sparsity --structure nm:2:4 --densities 1,0.3", "multiple of 1/4");
  expect_input_error("sparsity --structure diagonal", "--structure must be");
  expect_input_error("sparsity --structure block:0", "--structure must be");
  expect_input_error("sparsity --prune nm:2:4 --densities 1,0.5", "does not apply");
  expect_input_error("sparsity --target tpu", "--target must be");
  expect_input_error("sparsity --target array --mesh 4x4", "does not apply");
  expect_input_error("sparsity --target fabric --rows 4", "does not apply");
  expect_input_error("sparsity --network bert-base --k 64", "does not apply");
  expect_input_error("sparsity --csv " + tmp(""), "--csv");
}

TEST_CASE("cli: bad fabric input is one line on stderr, exit 2, and no output file", "[system]") {
  wb::test::need_wafer_mesh(8);
  sw::write_npy(tmp("a8.npy"), sw::random_int8(4, 5, 1));
  expect_input_error("gemm --target fabric --m 4 --k 4 --n 4 --mesh 5x5", "not built");
  expect_input_error("gemm --target fabric --m 4 --k 4 --n 4 --mesh 4x2", "square");
  expect_input_error("gemm --target fabric --m 4 --k 4 --n 4 --density 0", "density");
  expect_input_error("gemm --target fabric --m 4 --k 4 --n 4 --density 1.5", "density");
  expect_input_error("gemm --target fabric --m 4 --k 4 --n 4 --layout diagonal", "layout");
  expect_input_error("gemm --target fabric --m 4 --k 4 --n 4 --dataflow os", "does not apply");
  expect_input_error("gemm --target tpu --m 4 --k 4 --n 4", "target");
  expect_input_error("gemm --m 4 --k 4 --n 4 --mesh 4x4", "does not apply");
  expect_input_error("gemm --target fabric --a " + tmp("a8.npy") + " --b " + tmp("a8.npy") + " --density 0.5",
                     "does not apply");
  expect_input_error("gemm --target fabric --mesh 4x4 --m 1 --k 64 --n 5000", "accumulators");
  expect_input_error("gemm --target fabric --mesh 4x4 --m 1 --k 8000 --n 1000", "SRAM");
  expect_input_error("run --target fabric --mesh 4x4 --rows 8", "does not apply");
  expect_input_error("sparsity --densities 1,0", "densities");
  expect_input_error("sparsity --densities 1,x", "densities");
}

TEST_CASE("cli: train reports per-layer cycles, bytes per tier, exposed stream and scaling against one system", "[system]") {
  std::remove(tmp("train.json").c_str());
  // --dram-bytes 200 holds fc1 (16x12 = 192 B) and puts fc2 (12x8 = 96 B) in flash.
  const Outcome o = waferbench("train --model mlp:16x12x8 --batch 8 --systems 2 --rows 4 --cols 4 --ingress-bw 4 "
                               "--steps 2 --weight-buffer 128 --dram-bytes 200 --json " + tmp("train.json"));
  INFO(o.out << o.err);
  REQUIRE(o.code == 0);
  CHECK(o.out.find("fc2") != std::string::npos);
  CHECK(o.out.find("speedup") != std::string::npos);
  const auto j = nlohmann::json::parse(slurp(tmp("train.json")));
  CHECK(j["command"] == "train");
  CHECK(j["systems"] == 2);
  CHECK(j["golden"] == "pass");
  REQUIRE(j["layers"].size() == 2);
  const auto& fc1 = j["layers"][0];
  const auto& fc2 = j["layers"][1];
  CHECK(fc1["tier"] == "dram");
  CHECK(fc2["tier"] == "flash");
  // Halves of 64 B: fc1 (12 wide) 5 rows per chunk -> 4 chunks, fc2 (8 wide) 8 rows -> 2 chunks.
  CHECK(fc1["chunks"] == 4);
  CHECK(fc2["chunks"] == 2);
  // Two steps: fc1 forward only (192 B), fc2 forward and backward (2 x 96 B).
  CHECK(fc1["dram_bytes"] == 2 * 192);
  CHECK(fc2["flash_bytes"] == 2 * 2 * 96);
  CHECK(fc1["grad_bytes"] == 2 * 4 * 192);
  for (const auto& l : j["layers"]) {
    CHECK(l["fwd_cycles"].get<double>() > 0);
    CHECK(l["bwd_cycles"].get<double>() > 0);
    CHECK(l["stream_cycles"].get<double>() > 0);
    CHECK(l["exposed_cycles"].get<double>() >= 0);
    CHECK(l["link_utilization"].get<double>() > 0);
    CHECK(l["link_utilization"].get<double>() <= 1.0);
  }
  CHECK(j["step_end"].size() == 2);
  CHECK(j["step_cycles"].get<double>() * 2 == Approx(j["cycles"].get<double>()));
  CHECK(j["baseline_step_cycles"].get<double>() > 0);
  CHECK(j["speedup"].get<double>() == Approx(j["baseline_step_cycles"].get<double>() / j["step_cycles"].get<double>()));
  CHECK(j["scaling_efficiency"].get<double>() == Approx(j["speedup"].get<double>() / 2));
  CHECK(j["dram_bytes_read"] == 2 * 192);
  CHECK(j["flash_bytes_read"] == 2 * 2 * 96);
}

TEST_CASE("cli: train --sweep-bw stays under the roofline and crosses from bandwidth- to compute-bound", "[system]") {
  std::remove(tmp("sweep.json").c_str());
  const Outcome o = waferbench("train --model mlp:16x16x16 --batch 64 --rows 4 --cols 4 --weight-buffer 512 --sweep-bw --json " +
                               tmp("sweep.json"));
  INFO(o.out << o.err);
  REQUIRE(o.code == 0);
  CHECK(o.out.find("roofline") != std::string::npos);
  const auto j = nlohmann::json::parse(slurp(tmp("sweep.json")));
  const auto& pts = j["sweep"];
  REQUIRE(pts.size() == 9);  // 1, 2, 4, ..., 256 B/cycle
  double prev = 0;
  for (const auto& p : pts) {
    const double achieved = p["macs_per_cycle_per_system"], roof = p["roofline_macs_per_cycle_per_system"];
    CHECK(p["golden"] == "pass");
    CHECK(achieved <= roof * (1 + 1e-9));
    CHECK(achieved >= prev * (1 - 1e-9));  // more bandwidth never hurts
    prev = achieved;
  }
  // 1 B/cycle is bandwidth-bound (near BW x intensity); 256 B/cycle is compute-bound: the roof is the
  // peak and more bandwidth buys nothing.
  CHECK(pts[0]["macs_per_cycle_per_system"].get<double>() >= 0.5 * pts[0]["roofline_macs_per_cycle_per_system"].get<double>());
  CHECK(pts[8]["roofline_macs_per_cycle_per_system"].get<double>() == pts[8]["peak_macs_per_cycle_per_system"].get<double>());
  CHECK(pts[8]["macs_per_cycle_per_system"].get<double>() == Approx(pts[7]["macs_per_cycle_per_system"].get<double>()).epsilon(0.02));
  CHECK(pts[8]["exposed_fraction"].get<double>() < pts[0]["exposed_fraction"].get<double>());
}

TEST_CASE("cli: train uploads dW in blocks as they are computed, hiding all but the last block's upload", "[system]") {
  // fc1's dW is 64 x 64 int32 = 16 KiB: 2048 cycles on an 8 B/cycle link, at the end of the step
  // with nothing left to overlap it when sent whole. A block's dW takes longer to compute (32
  // samples per system) than to send, so in 8 blocks only the last 2 KiB (256 cycles) stays
  // exposed; the blocks cost extra array passes (dY is reloaded per block), all on the critical path.
  const std::string base = "train --engine model --model mlp:64x64x64 --batch 64 --systems 2 --rows 4 --cols 4 "
                           "--ingress-bw 8 --no-baseline --json ";
  double step[2], bwd[2];
  const int chunks[2] = {1, 8};
  for (int k = 0; k < 2; ++k) {
    const std::string file = tmp("grad" + std::to_string(chunks[k]) + ".json");
    std::remove(file.c_str());
    const Outcome o = waferbench(base + file + " --grad-chunks " + std::to_string(chunks[k]));
    INFO(o.out << o.err);
    REQUIRE(o.code == 0);
    const auto j = nlohmann::json::parse(slurp(file));
    CHECK(j["golden"] == "pass");
    CHECK(j["grad_chunks"] == chunks[k]);
    CHECK(j["layers"][0]["grad_bytes"] == 4 * 64 * 64);
    step[k] = j["step_cycles"];
    bwd[k] = j["layers"][0]["bwd_cycles"].get<double>() + j["layers"][1]["bwd_cycles"].get<double>();
  }
  const double hidden = (1.0 - 1.0 / 8) * 4 * 64 * 64 / 8;  // 1792 cycles
  INFO("step cycles: " << step[0] << " whole, " << step[1] << " in 8 blocks; backward " << bwd[0] << " -> " << bwd[1]);
  CHECK(bwd[1] > bwd[0]);
  CHECK(step[0] - step[1] == Approx(hidden - (bwd[1] - bwd[0])).margin(0.1 * hidden));
}

TEST_CASE("cli: bad train input is one line on stderr, exit 2, and no output file", "[system]") {
  const std::string small = "train --model mlp:16x8x4 --rows 4 --cols 4 ";
  expect_input_error(small + "--batch 6 --systems 4", "does not split evenly");
  expect_input_error(small + "--systems 0", "--systems");
  expect_input_error(small + "--ingress-bw 0", "--ingress-bw");
  expect_input_error(small + "--dataflow os", "unrecognised option '--dataflow'");  // streamed WS arrays only
  expect_input_error(small + "--trace " + tmp("t.fst"), "unrecognised option '--trace'");
  expect_input_error(small + "--weight-buffer 10", "cannot hold one weight row");
  expect_input_error(small + "--act-mem 100", "activation memory");
  expect_input_error(small + "--steps 0", "--steps");
  expect_input_error(small + "--grad-chunks 0", "--grad-chunks");
  expect_input_error("train --model mlp:16 --rows 4 --cols 4", "model");
  expect_input_error("train --model mlp:16x8x4 --rows 5 --cols 5", "not built");
  // Abbreviations are not guessed (they reached the worker processes twice).
  expect_input_error(small + "--sys 2", "unrecognised option '--sys'");
  expect_input_error("gemm --m 8 --k 8 --n 8 --row 4 --cols 4", "unrecognised option '--row'");
}

TEST_CASE("cli: commands that need RTL waferbench does not hold run in waferbench-all, and without it one line and exit 2", "[system]") {
  wb::test::need_array(8, 8);
  // Through the sibling: the RTL NoC and the RTL fabric answer as usual.
  const Outcome noc = waferbench("noc --mesh 4x4 --cycles 300 --warmup 100");
  CHECK(noc.code == 0);
  CHECK(noc.out.find("waferbench noc: 4x4 mesh") != std::string::npos);
  const Outcome gemm = waferbench("gemm --target fabric --mesh 4x4 --m 2 --k 8 --n 8");
  CHECK(gemm.code == 0);
  CHECK(gemm.out.find("golden pass") != std::string::npos);
  // A copy of waferbench alone in a directory: the model still runs, the RTL fabric is refused.
  const std::string dir = tmp("alone");
  const std::string copy = dir + "/waferbench";
  fs::create_directories(dir);
  fs::copy_file(WB_CLI_PATH, copy, fs::copy_options::overwrite_existing);
  const Outcome model = run_cli(copy, "gemm --target fabric --engine model --mesh 6x6 --m 2 --k 8 --n 8");
  CHECK(model.code == 0);
  const Outcome alone = run_cli(copy, "noc --mesh 4x4 --cycles 300");
  CHECK(alone.code == 2);
  CHECK(alone.err.find("waferbench-all") != std::string::npos);
  CHECK(std::count(alone.err.begin(), alone.err.end(), '\n') == 1);
  CHECK(alone.out.empty());
  // The array sizes other than the default job's are in waferbench-all too; the model of any
  // size runs in waferbench itself.
  const Outcome small_array = run_cli(copy, "gemm --m 8 --k 8 --n 8 --rows 8 --cols 8");
  CHECK(small_array.code == 2);
  CHECK(small_array.err.find("waferbench-all") != std::string::npos);
  CHECK(small_array.out.empty());
  const Outcome array_model = run_cli(copy, "gemm --m 8 --k 8 --n 8 --rows 8 --cols 8 --engine model");
  CHECK(array_model.code == 0);
  CHECK(array_model.out.find("golden pass") != std::string::npos);
}

TEST_CASE("cli: bench measures both dataflows on the RTL, the TLM path and the model, all golden", "[system]") {
  const Outcome o = waferbench("bench --sizes 4x4 --repeat 1 --cycles 400 --no-network --json " + tmp("bench.json"));
  INFO(o.err);
  REQUIRE(o.code == 0);
  const auto j = nlohmann::json::parse(slurp(tmp("bench.json")));
  REQUIRE(j["arrays"].size() == 2);
  CHECK(j["network"].empty());
  for (const auto& row : j["arrays"]) {
    CHECK(row["golden"] == "pass");
    CHECK(row["raw_cycles_per_cpu_second"].get<double>() > 0);
    CHECK(row["tlm_cycles_per_cpu_second"].get<double>() > 0);
    CHECK(row["model_cycles_per_cpu_second"].get<double>() > 0);
  }
  // 4 folds of 100 beats on 4x4 (R = C = 4), folds overlapped. WS, M x 2R x 2C = 100 x 8 x 8:
  // 400 A beats + R weight beats of the first fold + R + C + 1 to the last result. OS,
  // 2R x K x 2C = 8 x 100 x 8: 400 beat pairs + 2R + C.
  const auto& ws = j["arrays"][0];
  const auto& os = j["arrays"][1];
  CHECK(ws["dataflow"] == "ws");
  CHECK(ws["m"] == 100);
  CHECK(ws["raw_cycles"] == 400 + 4 + 4 + 4 + 1);
  CHECK(os["dataflow"] == "os");
  CHECK(os["k"] == 100);
  CHECK(os["raw_cycles"] == 400 + 8 + 4);
  // The pin-level drivers also count the two cycles that settle a change of the dataflow pin
  // (the TLM system starts in WS, so only its OS run has them).
  CHECK(ws["tlm_cycles"] == ws["raw_cycles"]);
  CHECK(ws["model_cycles"].get<int>() == ws["raw_cycles"].get<int>() + 2);
  CHECK(os["tlm_cycles"].get<int>() == os["raw_cycles"].get<int>() + 2);
  CHECK(os["model_cycles"].get<int>() == os["raw_cycles"].get<int>() + 2);
}

TEST_CASE("cli: bench's network figure runs the BERT-base encoder layer on the RTL and the model", "[system]") {
  wb::test::need_array(16, 16);
  const Outcome o = waferbench("bench --sizes 4x4 --repeat 1 --cycles 100 --json " + tmp("net.json"));
  INFO(o.err);
  REQUIRE(o.code == 0);
  const auto j = nlohmann::json::parse(slurp(tmp("net.json")));
  REQUIRE(j["network"].size() == 2);
  for (const auto& row : j["network"]) {
    CHECK(row["golden"] == "pass");
    CHECK(row["gemms"] == 28);  // qkv, 12 x qk, 12 x av, proj, ffn1, ffn2
    // Both engines, cycle-exact; pinned so that a change to the array or the streamer shows.
    CHECK(row["cycles"] == 3638594);
    CHECK(row["peak_rss_mb"].get<double>() < 100.0);
  }
  CHECK(j["network"][0]["engine"] == "rtl");
  CHECK(j["network"][1]["engine"] == "model");
}

namespace {

// The CPU reference of `waferbench train` with its defaults (seed 1, shifts 8/8, plain SGD
// 2^-lr_shift): the final weights' hash and each step's squared error.
struct TrainRef {
  std::string hash, initial_hash;
  std::vector<std::int64_t> squared_error;
};

TrainRef train_reference(const std::string& model, int batch, int steps, int lr_shift) {
  const sw::MlpSpec spec = sw::parse_mlp(model);
  const sw::TrainData d = sw::make_train_data(spec, batch, 1);
  sw::SgdOptions sgd;
  sgd.lr_num = 1;
  sgd.lr_shift = lr_shift;
  TrainRef r;
  r.initial_hash = sw::hex64(sw::weights_hash(d.weights));
  r.hash = sw::hex64(sw::weights_hash(sw::train_ref(d.weights, d.x, d.t, sw::TrainShifts{}, sgd, steps, &r.squared_error)));
  return r;
}

}  // namespace

TEST_CASE("cli: train on N systems reports the same loss and final weights hash as one system", "[system]") {
  // Integer, per-sample math and a tree that sums int32 gradients exactly: the batch split over
  // N systems gives bit-identical weights (README, Math). Both engines, against the CPU reference.
  const std::string model = "mlp:16x12x8";
  const TrainRef expect = train_reference(model, 8, 2, 4);
  REQUIRE(expect.hash != expect.initial_hash);  // the steps change the weights
  REQUIRE(expect.squared_error.size() == 2);
  REQUIRE(expect.squared_error[1] != expect.squared_error[0]);
  const std::string base = "train --model " + model + " --batch 8 --steps 2 --lr-shift 4 --rows 4 --cols 4 "
                           "--ingress-bw 4 --weight-buffer 128 --no-baseline ";
  for (const char* run : {"--systems 1", "--systems 2", "--systems 4", "--systems 4 --engine model", "--systems 8 --engine model"}) {
    const std::string file = tmp("hash.json");
    std::remove(file.c_str());
    const Outcome o = waferbench(base + run + " --json " + file);
    INFO(run << "\n" << o.out << o.err);
    REQUIRE(o.code == 0);
    const auto j = nlohmann::json::parse(slurp(file));
    CHECK(j["golden"] == "pass");
    CHECK(j["weights_fnv1a64"] == expect.hash);
    CHECK(j["weights_fnv1a64"].get<std::string>().size() == 16);
    CHECK(j["squared_error"].get<std::vector<std::int64_t>>() == expect.squared_error);
    REQUIRE(j["loss"].size() == 2);
    for (int s = 0; s < 2; ++s) {
      CHECK(j["loss"][s].get<double>() == Approx(static_cast<double>(expect.squared_error[static_cast<std::size_t>(s)]) / (8 * 8)));
    }
    CHECK(o.out.find("final weights FNV-1a 64 " + expect.hash) != std::string::npos);
  }
}

TEST_CASE("cli: train whose one-system baseline needs more activation memory says what to change, exit 2", "[system]") {
  // mlp:16x8x4: b x (16 + 8 + 4 + 2 x 16) = 60 b bytes. 2 systems of 4 samples need 240, the
  // baseline with all 8 needs 480.
  const std::string run = "train --model mlp:16x8x4 --rows 4 --cols 4 --batch 8 --systems 2 --act-mem 300";
  expect_input_error(run, "the one-system baseline holds all 8 samples and needs 480 bytes of activation memory, "
                          "more than --act-mem 300: raise --act-mem to 480 or pass --no-baseline");
  const Outcome no_baseline = waferbench(run + " --no-baseline");
  INFO(no_baseline.err);
  CHECK(no_baseline.code == 0);
  CHECK(no_baseline.err.empty());
  // One byte short per system is still the N-system run's own error.
  expect_input_error("train --model mlp:16x8x4 --rows 4 --cols 4 --batch 8 --systems 2 --act-mem 239",
                     "activation memory of 239 bytes is too small: 4 samples per system need 240 bytes");
  CHECK(waferbench(run.substr(0, run.size() - 3) + "480").code == 0);
}

TEST_CASE("cli: train --sweep-bw runs its points side by side and reports them in order, as single runs would", "[system]") {
  const std::string model = "train --model mlp:16x16x16 --batch 16 --rows 4 --cols 4 --weight-buffer 512 --steps 2 ";
  std::remove(tmp("sweep.json").c_str());
  const Outcome o = waferbench(model + "--sweep-bw --json " + tmp("sweep.json"));
  INFO(o.out << o.err);
  REQUIRE(o.code == 0);
  const auto j = nlohmann::json::parse(slurp(tmp("sweep.json")));
  const auto& pts = j["sweep"];
  REQUIRE(pts.size() == 9);
  std::size_t at = 0;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    CHECK(pts[i]["ingress_bw"].get<double>() == static_cast<double>(1 << i));
    // The table's rows in the same order.
    const std::string row = "\n" + std::to_string(1 << i) + " ";
    const std::size_t found = o.out.find(row, at);
    CHECK(found != std::string::npos);
    at = found == std::string::npos ? at : found + 1;
  }
  // A point is the run at that bandwidth on its own.
  for (int bw : {2, 64}) {
    std::remove(tmp("one.json").c_str());
    REQUIRE(waferbench(model + "--ingress-bw " + std::to_string(bw) + " --json " + tmp("one.json")).code == 0);
    const auto one = nlohmann::json::parse(slurp(tmp("one.json")));
    const auto& p = pts[bw == 2 ? 1 : 6];
    CHECK(p["step_end"] == one["step_end"]);
    CHECK(p["weights_fnv1a64"] == one["weights_fnv1a64"]);
    CHECK(p["roofline_macs_per_cycle_per_system"] == one["roofline_macs_per_cycle_per_system"]);
  }
}

TEST_CASE("cli: run --network, --topology and --onnx, every layer golden-checked", "[system]") {
  wb::test::need_array(16, 16);
  // BERT-base's encoder layer on the model: 12 layers, 6 mapped, 931 135 488 MACs.
  Outcome o = waferbench("run --network bert-base --engine model --json " + tmp("bert.json"));
  INFO(o.err);
  REQUIRE(o.code == 0);
  CHECK(o.out.find("6 of 12 layers mapped") != std::string::npos);
  CHECK(o.out.find("attn.softmax") != std::string::npos);
  auto j = nlohmann::json::parse(slurp(tmp("bert.json")));
  CHECK(j["schema"] == 2);
  CHECK(j["macs"] == 931135488u);
  CHECK(j["golden"] == "pass");
  CHECK(j["layers"].size() == 12u);
  CHECK(j["layers"][0]["array"]["mode"] == "model");
  CHECK(j["layers"][2]["mapped"] == false);
  CHECK(j["layers"][2]["op"] == "Softmax");

  // A SCALE-Sim file on the 4x4 RTL, next to the model: 3x3 conv on 6x6x2 -> 16 x 18 x 3.
  {
    std::ofstream f(tmp("net.csv"));
    f << "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
         "c1, 6, 6, 3, 3, 2, 3, 1,\n";
  }
  o = waferbench("run --topology " + tmp("net.csv") + " --rows 4 --cols 4 --json " + tmp("topo.json"));
  INFO(o.err);
  REQUIRE(o.code == 0);
  j = nlohmann::json::parse(slurp(tmp("topo.json")));
  const nlohmann::json c1 = j["layers"][0];  // a copy: j is read again below
  CHECK(c1["array"]["mode"] == "rtl");
  CHECK(c1["m"] == 16);
  CHECK(c1["k"] == 18);
  CHECK(c1["n"] == 3);
  CHECK(c1["array"]["ideal_cycles"] == (16 * 18 * 3 + 15) / 16);  // 54
  CHECK(c1["array"]["rtl_agrees"] == true);
  CHECK(c1["source"] == tmp("net.csv") + ":2");

  // Beyond the RTL budget: the RTL runs 2 of the layer's folds.
  o = waferbench("run --topology " + tmp("net.csv") + " --rows 4 --cols 4 --rtl-budget 1e-9 --sample-tiles 2 --json " +
                 tmp("sampled.json"));
  REQUIRE(o.code == 0);
  CHECK(o.out.find("agreeing with the model cycle for cycle") != std::string::npos);
  j = nlohmann::json::parse(slurp(tmp("sampled.json")));
  CHECK(j["layers"][0]["array"]["mode"] == "sampled");
  CHECK(j["layers"][0]["array"]["rtl_tiles"] == 2);
  CHECK(j["layers"][0]["array"]["cycles"] == c1["array"]["cycles"]);  // the model's figure for the whole layer

  // Both targets side by side; the fabric RTL runs in waferbench-all.
  o = waferbench("run --topology " + tmp("net.csv") + " --target both --rows 4 --cols 4 --mesh 4x4 --json " +
                 tmp("both.json"));
  INFO(o.err);
  REQUIRE(o.code == 0);
  CHECK(o.out.find("fabric cycles") != std::string::npos);
  j = nlohmann::json::parse(slurp(tmp("both.json")));
  CHECK(j["target"] == "both");
  CHECK(j["layers"][0]["array"]["cycles"] == c1["array"]["cycles"]);
  CHECK(j["layers"][0]["fabric"]["mode"] == "rtl");
  CHECK(j["layers"][0]["fabric"]["rtl_agrees"] == true);
  CHECK(j["layers"][0]["fabric"]["ideal_cycles"] == (16 * 18 * 3 + 15) / 16);
  CHECK(j["fabric"]["mesh"] == "4x4");

  // An ONNX model with a dynamic batch needs its shape.
  const std::string mlp = std::string(WB_SOURCE_DIR) + "/tests/fixtures/mlp.onnx";
  expect_input_error("run --onnx " + mlp, "dynamic");
  o = waferbench("run --onnx " + mlp + " --input-shape x=4x16 --rows 4 --cols 4");
  INFO(o.err);
  CHECK(o.code == 0);
  CHECK(o.out.find("quantized per tensor") != std::string::npos);
}

// A network-sized ONNX model, written by the committed tests/fixtures/make_onnx_network.py: its
// GEMMs are the built-in network's, so the array gives the built-in figures to the cycle.
// [long]: about 50 s, the longest case of the suite (ctest -L long runs it).
TEST_CASE("cli: run --onnx on generated BERT-layer and ResNet-50 models gives the built-in networks' cycles",
          "[system][long]") {
  const std::string python = WB_PYTHON_ONNX, script = std::string(WB_SOURCE_DIR) + "/tests/fixtures/make_onnx_network.py";
  if (python.empty()) FAIL("no python3 imports onnx: install python3-onnx (scripts/setup.sh)");
  for (const std::string net : {"bert-layer", "resnet50"}) {
    const Outcome made = run_cli(python, Args{script, net, tmp(net + ".onnx")});
    INFO(made.err);
    REQUIRE(made.code == 0);
  }
  const auto totals = [](const std::string& json) {
    const auto j = nlohmann::json::parse(slurp(json));
    return std::make_pair(j["array"]["totals"]["cycles"].get<std::uint64_t>(), j["macs"].get<std::uint64_t>());
  };

  // BERT-base's layer: 30 ONNX nodes, the 6 MatMuls mapped (QKV, 12 x QK^T, 12 x AV, output, FFN
  // up and down); the rest (Split, Reshape, Transpose, Softmax, LayerNormalization, GELU's Erf,
  // Add, Mul, Div) listed as not mapped.
  expect_input_error("run --onnx " + tmp("bert-layer.onnx"), "dynamic dimension 'seq'");
  Outcome o = waferbench("run --onnx " + tmp("bert-layer.onnx") + " --input-shape x=128x768 --engine model --json " +
                         tmp("bert_onnx.json"));
  INFO(o.err);
  REQUIRE(o.code == 0);
  CHECK(o.out.find("6 of 30 layers mapped") != std::string::npos);
  REQUIRE(waferbench("run --network bert-base --engine model --json " + tmp("bert.json")).code == 0);
  CHECK(totals(tmp("bert_onnx.json")) == totals(tmp("bert.json")));
  CHECK(totals(tmp("bert_onnx.json")).first == 3639012u);
  CHECK(totals(tmp("bert_onnx.json")).second == 931135488u);
  auto j = nlohmann::json::parse(slurp(tmp("bert_onnx.json")));
  CHECK(j["golden"] == "pass");
  for (const auto& l : j["layers"]) {
    if (l["name"] == "attention.qk") CHECK((l["count"] == 12 && l["m"] == 128 && l["k"] == 64 && l["n"] == 128));
    if (l["name"] == "attention.softmax") CHECK(l["mapped"] == false);
  }

  // ResNet-50: 122 nodes, its 53 convolutions and the classifier mapped.
  o = waferbench("run --onnx " + tmp("resnet50.onnx") + " --engine model --json " + tmp("r50_onnx.json"));
  INFO(o.err);
  REQUIRE(o.code == 0);
  CHECK(o.out.find("54 of 122 layers mapped") != std::string::npos);
  REQUIRE(waferbench("run --network resnet50 --engine model --json " + tmp("r50.json")).code == 0);
  CHECK(totals(tmp("r50_onnx.json")) == totals(tmp("r50.json")));
  CHECK(totals(tmp("r50_onnx.json")).second == 4089184256u);

  // The fabric's cycles follow the values (it skips zero weights and activations): the ONNX layer
  // and the built-in one differ only in their operands, so within 0.1 %, each golden-checked.
  REQUIRE(waferbench("run --onnx " + tmp("bert-layer.onnx") + " --input-shape x=4x768 --target fabric --mesh 8x8 " +
                     "--engine model --json " + tmp("bert_fabric_onnx.json")).code == 0);
  REQUIRE(waferbench("run --network bert-base --seq 4 --target fabric --mesh 8x8 --engine model --json " +
                     tmp("bert_fabric.json")).code == 0);
  const auto fabric = nlohmann::json::parse(slurp(tmp("bert_fabric_onnx.json")));
  const auto builtin = nlohmann::json::parse(slurp(tmp("bert_fabric.json")));
  CHECK(fabric["golden"] == "pass");
  CHECK(fabric["macs"] == builtin["macs"]);
  const double onnx_cycles = fabric["fabric"]["totals"]["cycles"].get<double>();
  CHECK(onnx_cycles == Approx(builtin["fabric"]["totals"]["cycles"].get<double>()).epsilon(0.001));
  CHECK(onnx_cycles >= fabric["fabric"]["totals"]["ideal_cycles"].get<double>());
}

TEST_CASE("cli: bad network input is one line and exit 2", "[system]") {
  wb::test::need_array(16, 16);
  {
    std::ofstream f(tmp("bad.csv"));
    f << "Layer,M,N,K\nA,4,x,4\n";
  }
  expect_input_error("run --topology " + tmp("bad.csv"), tmp("bad.csv") + ":2: 'N' must be a positive integer");
  expect_input_error("run --topology " + tmp("missing.csv"), "not a regular file");
  expect_input_error("run --network alexnet", "unknown network 'alexnet'");
  expect_input_error("run --network bert-base --topology " + tmp("bad.csv"), "give one of");
  expect_input_error("run --network bert-base --seq 0", "--seq must be in 1..4096");
  expect_input_error("run --network resnet50 --seq 64", "--seq does not apply");
  expect_input_error("run --network bert-base --rtl-budget 0", "--rtl-budget");
  expect_input_error("run --network bert-base --sample-tiles 0", "--sample-tiles");
  expect_input_error("run --target both", "--target must be");
  expect_input_error("run --network bert-base --target fabric --rows 8", "--rows does not apply to --target fabric");
  expect_input_error("run --network bert-base --model mlp:4x4", "--model does not apply");
  expect_input_error("run --network bert-base --backpressure 0.1", "--backpressure does not apply");
  expect_input_error("run --input-shape x=1x2", "--input-shape does not apply");
  expect_input_error("run --network bert-base --rows 5 --cols 5", "not built");
}

// The error contract end to end: every bad input is exit 2 and one line on stderr, and leaves no
// output file created or changed.

namespace {

// The state of a path to compare before and after a run: missing, or its type and contents.
std::string file_state(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return "missing";
  if (S_ISLNK(st.st_mode)) return "symlink";
  if (S_ISFIFO(st.st_mode)) return "fifo";
  if (S_ISDIR(st.st_mode)) return "directory";
  return "file:" + slurp(path);
}

// Exit 2, one line on stderr naming `why`, and every path in `watched` as it was.
void expect_rejected(const Args& args, const std::string& why, const std::vector<std::string>& watched = {}) {
  std::vector<std::string> before;
  for (const auto& p : watched) before.push_back(file_state(p));
  const Outcome o = waferbench(args);
  std::string shown;
  for (const auto& a : args) shown += (shown.empty() ? "" : " ") + a;
  INFO("args: " << shown << "\nstderr: " << o.err);
  CHECK(o.code == 2);
  CHECK(o.err.find(why) != std::string::npos);
  CHECK(std::count(o.err.begin(), o.err.end(), '\n') == 1);
  CHECK(o.err.rfind("waferbench: error: ", 0) == 0);
  for (std::size_t i = 0; i < watched.size(); ++i) {
    INFO("watched: " << watched[i]);
    CHECK(file_state(watched[i]) == before[i]);
  }
}
void expect_rejected(const std::string& args, const std::string& why, const std::vector<std::string>& watched = {}) {
  expect_rejected(words(args), why, watched);
}

// A .npy of int8 with the given header dict and payload, as NumPy lays it out.
void write_npy_header(const std::string& path, const std::string& dict, const std::string& payload) {
  std::string header = dict;
  const std::size_t prefix = header.size() > 60000 ? 12 : 10;
  header.append((64 - (prefix + header.size() + 1) % 64) % 64, ' ');
  header.push_back('\n');
  std::string bytes = "\x93NUMPY";
  bytes.push_back(prefix == 12 ? 2 : 1);
  bytes.push_back(0);
  for (std::size_t i = 0; i < prefix - 8; ++i) bytes.push_back(static_cast<char>((header.size() >> (8 * i)) & 0xff));
  std::ofstream(path, std::ios::binary) << bytes << header << payload;
}

}  // namespace

TEST_CASE("cli contract: hostile .npy inputs are one-line errors and no crash or hang or huge allocation", "[system]") {
  sw::write_npy(tmp("k8.npy"), sw::random_int8(4, 4, 1));
  const std::string b = " --b " + tmp("k8.npy") + " --rows 4 --cols 4 --json " + tmp("npy.json");
  const std::vector<std::string> watched{tmp("npy.json")};
  std::remove(tmp("npy.json").c_str());
  write_npy_header(tmp("long.npy"), "{'descr': '|i1', 'fortran_order': False, 'shape': (4, 4), " + std::string(30000, ' ') + "}",
                   std::string(16, '\1'));
  expect_rejected("gemm --a " + tmp("long.npy") + b, "NumPy's limit", watched);
  write_npy_header(tmp("claims.npy"), "{'descr': '|i1', 'fortran_order': False, 'shape': (2147483647, 2), }", std::string(128, '\0'));
  expect_rejected("gemm --a " + tmp("claims.npy") + b, "truncated data", watched);
  write_npy_header(tmp("huge.npy"), "{'descr': '|i1', 'fortran_order': False, 'shape': (99999999999999999999, 8), }", "");
  expect_rejected("gemm --a " + tmp("huge.npy") + b, "too large", watched);
  std::remove(tmp("in.fifo").c_str());
  REQUIRE(mkfifo(tmp("in.fifo").c_str(), 0644) == 0);
  expect_rejected("gemm --a " + tmp("in.fifo") + b, "not a regular file", watched);
  mkdir(tmp("in.dir").c_str(), 0755);
  expect_rejected("gemm --a " + tmp("in.dir") + b, "a directory", watched);
}

TEST_CASE("cli contract: impossible sizes fail at once before allocating or computing", "[system]") {
  wb::test::need_array(16, 16);
  wb::test::need_wafer_mesh(8);
  const auto t0 = std::chrono::steady_clock::now();
  expect_rejected("gemm --m 1000000 --k 1000 --n 1000", "array's memory");
  expect_rejected("gemm --m 20000 --k 20000 --n 20000", "array's memory");
  expect_rejected("gemm --m 1e6 --k 4 --n 4", "--m must be an integer");
  expect_rejected("run --model mlp:9999999x9999999", "array's memory");
  expect_rejected("run --model mlp:16x9999999x16 --engine model", "layer fc2");  // every layer before the first runs
  expect_rejected("run --target fabric --mesh 4x4 --model mlp:16x5000 --batch 2", "accumulators");
  expect_rejected("sparsity --k 100000 --n 100000", "host memory");
  expect_rejected("gemm --target fabric --mesh 4x4 --m 2 --k 16 --n 100000", "accumulators");
  expect_rejected("train --model mlp:65536x65536 --weight-buffer 1073741824", "host memory");
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(20));
}

TEST_CASE("cli contract: on error nothing is written (no trace and no report)", "[system]") {
  const std::string trace = tmp("late.fst"), json = tmp("late.json");
  std::remove(trace.c_str());
  std::remove(json.c_str());
  // Checked before the trace is opened...
  const std::string view = tmp("late.gtkw");  // the view --trace writes beside the dump
  std::remove(view.c_str());
  expect_rejected("noc --mesh 4x4 --colors 5 --trace " + trace, "--colors", {trace, view});
  std::ofstream(trace) << "an older waveform";
  expect_rejected("noc --mesh 4x4 --colors 5 --trace " + trace, "--colors", {trace, view});
  // ...or found after the first layer ran with it: the waveform is discarded with the report.
  expect_rejected("run --target fabric --mesh 4x4 --model mlp:16x1024x256 --batch 2 --trace " + trace + " --json " + json,
                  "does not fit", {trace, json, view});
  std::remove(trace.c_str());
  expect_rejected("run --target fabric --mesh 4x4 --model mlp:16x1024x256 --batch 2 --trace " + trace + " --json " + json,
                  "does not fit", {trace, json, view});
  // gemm: the report and C are written together, or neither.
  std::remove(tmp("out.fifo").c_str());
  REQUIRE(mkfifo(tmp("out.fifo").c_str(), 0644) == 0);
  expect_rejected("gemm --m 4 --k 4 --n 4 --rows 4 --cols 4 --json " + json + " --out " + tmp("out.fifo"), "not a regular file",
                  {json, tmp("out.fifo")});
  expect_rejected("gemm --m 4 --k 4 --n 4 --rows 4 --cols 4 --json " + tmp("out.fifo"), "not a regular file", {tmp("out.fifo")});
}

TEST_CASE("cli contract: outputs replace regular files only via a unique temporary and one output per file", "[system]") {
  const std::string link = tmp("link.json"), target = tmp("link-target.json");
  std::remove(link.c_str());
  std::remove(target.c_str());
  REQUIRE(symlink(target.c_str(), link.c_str()) == 0);
  expect_rejected("gemm --m 4 --k 4 --n 4 --rows 4 --cols 4 --json " + link, "symbolic link", {link, target});
  expect_rejected("noc --mesh 4x4 --cycles 100 --json " + link, "symbolic link", {link, target});
  expect_rejected("bench --sizes 4x4 --repeat 1 --cycles 100 --no-network --json " + link, "symbolic link", {link, target});
  expect_rejected(Args{"gemm", "--m", "4", "--k", "4", "--n", "4", "--rows", "4", "--cols", "4", "--json", ""},
                  "--json needs a value");
  // A user's r.json.tmp is no temporary of ours.
  const std::string json = tmp("r.json");
  std::ofstream(json + ".tmp") << "mine";
  const Outcome ok = waferbench("gemm --m 4 --k 4 --n 4 --rows 4 --cols 4 --json " + json);
  REQUIRE(ok.code == 0);
  CHECK(slurp(json + ".tmp") == "mine");
  CHECK(nlohmann::json::parse(slurp(json))["golden"] == "pass");
  // Two outputs on one file, or an output over an input, however spelt.
  sw::write_npy(tmp("same.npy"), sw::random_int8(4, 4, 3));
  const std::string dir = std::string(WB_TEST_TMPDIR);
  const std::string name = tmp("same.npy").substr(dir.size() + 1);
  expect_rejected("gemm --a " + tmp("same.npy") + " --b " + tmp("same.npy") + " --rows 4 --cols 4 --out " + dir + "/./" + name,
                  "--a and --out name the same file", {tmp("same.npy")});
  expect_rejected("gemm --m 4 --k 4 --n 4 --rows 4 --cols 4 --json " + json + " --out " + dir + "/../tmp/" +
                      json.substr(dir.size() + 1),
                  "--json and --out name the same file", {json});
  expect_rejected("gemm --m 40 --k 20 --n 20 --rows 4 --cols 4 --trace " + tmp("w.fst") + " --json " + tmp("w.fst"),
                  "name the same file", {tmp("w.fst")});
  expect_rejected("gemm --m 40 --k 20 --n 20 --rows 4 --cols 4 --trace " + tmp("w.fst") + " --json " + tmp("w.gtkw"),
                  "name the same file", {tmp("w.fst"), tmp("w.gtkw")});
}

TEST_CASE("cli contract: options are strict in every command", "[system]") {
  wb::test::need_array(16, 16);
  wb::test::need_wafer_mesh(8);
  expect_rejected("gemm --m 4 --k 4 --n 4 --rows 4 --cols 4 extra", "unexpected argument 'extra'");
  expect_rejected("noc --mesh 4x4 8x8", "unexpected argument '8x8'");
  expect_rejected("train --model mlp:16x8x4 --rows 4 --cols 4 stray", "unexpected argument 'stray'");
  expect_rejected("run --model mlp:16x16x", "empty layer width");
  expect_rejected("bench --sizes 4x4,", "--sizes");
  expect_rejected("sparsity --densities 1,", "--densities");
  expect_rejected("sparsity --densities 0x1p-1", "--densities");
  expect_rejected("gemm --m 4 --k 4 --n 4 --backpressure 0x1p-2", "decimal number");
  expect_rejected("gemm --m 4 --k 4 --n 4 --backpressure nan", "decimal number");
  expect_rejected("gemm --m 4 --k 4 --n 4 --mem-bw inf", "decimal number");
  expect_rejected("gemm --m 4 --k 4 --n 4 --mem-bw 64x", "decimal number");
  expect_rejected("gemm --m 4 --k 4 --n 4 --seed -1", "--seed must be an integer in 0..2^64-1, got '-1'");
  expect_rejected("noc --mesh 4x4 --seed -1", "--seed must be an integer in 0..2^64-1");
  expect_rejected("noc --mesh 4x4 --cycles 0x100", "--cycles must be an integer");
  expect_rejected(Args{"run", "--model", "mlp:16\n16"}, "16\\n16");
  // Bandwidths inside the documented range that make a run impossible.
  expect_rejected("gemm --m 4 --k 4 --n 4 --mem-bw 1e-300", "watchdog");
  expect_rejected("gemm --m 64 --k 64 --n 64 --mem-bw 0.01", "watchdog");
  expect_rejected("gemm --m 1000 --k 1000 --n 4 --rows 4 --cols 4 --mem-bw 0.007", "simulated cycles");
  expect_rejected("train --model mlp:16x8x4 --rows 4 --cols 4 --ingress-bw 1e-300", "simulated cycles");
  expect_rejected("run --target fabric --mesh 4x4 --model mlp:32x32 --batch 2 --layout weight-streaming --ingress-bw 1e-300",
                  "simulated cycles");
  // No command is an error; --help is not.
  const Outcome none = waferbench("");
  CHECK(none.code == 2);
  CHECK(none.out.empty());
  CHECK(std::count(none.err.begin(), none.err.end(), '\n') == 1);
  CHECK(none.err.find("no command") != std::string::npos);
  const Outcome help = waferbench("--help");
  CHECK(help.code == 0);
  CHECK(help.err.empty());
  CHECK(help.out.find("usage: waferbench") != std::string::npos);
}

TEST_CASE("cli contract: noc reports flits not delivered by the end of the drain apart from a failed check", "[system]") {
  wb::test::need_noc_mesh(8);
  // The 8x8 sweeps past saturation: queued flits at the end of the drain are no failure.
  const Outcome sweep = waferbench("noc --sweep --traffic transpose --json " + tmp("sweep_noc.json"));
  INFO(sweep.err);
  CHECK(sweep.code == 0);
  CHECK(sweep.err.empty());
  CHECK(sweep.out.find("incomplete") != std::string::npos);
  const auto j = nlohmann::json::parse(slurp(tmp("sweep_noc.json")));
  CHECK(j["clean"] == true);
  REQUIRE(j["points"].size() == 14);
  CHECK(j["points"][0]["latency_complete"] == true);
  CHECK(j["points"][13]["latency_complete"] == false);
  CHECK(j["points"][13]["undelivered"].get<int>() > 0);
  CHECK(j["points"][13]["clean"] == true);
  // A short drain makes it happen at one point, in a second.
  const Outcome one = waferbench("noc --mesh 4x4 --traffic hotspot --rate 1.0 --cycles 1000 --warmup 100 --drain 10 --json " +
                                 tmp("drain.json"));
  CHECK(one.code == 0);
  CHECK(one.out.find("incomplete") != std::string::npos);
  const auto p = nlohmann::json::parse(slurp(tmp("drain.json")))["points"][0];
  CHECK(p["latency_complete"] == false);
  CHECK(p["clean"] == true);
  CHECK(p["misrouted"] == 0);
  expect_rejected("noc --mesh 4x4 --drain -1", "--drain must be an integer");
}

TEST_CASE("cli: --help offers only what the command takes, with its defaults as typed", "[system]") {
  const Outcome train = waferbench("train --help");
  CHECK(train.code == 0);
  CHECK(train.out.find("--trace") == std::string::npos);
  CHECK(train.out.find("--dataflow") == std::string::npos);
  CHECK(train.out.find("--systems") != std::string::npos);
  expect_input_error("train --trace " + tmp("t.fst"), "unrecognised option '--trace'");
  const Outcome noc = waferbench("noc --help");
  CHECK(noc.out.find("--rate arg (=0.2)") != std::string::npos);
}
