// SPDX-License-Identifier: Apache-2.0
// [unit] The pure C++ layer: .npy I/O, the golden GEMM, the GEMM mapping and the MLP helpers.
#include "tests/case_dir.hpp"  // first: it includes Catch2 with listeners

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "sw/child_process.hpp"
#include "sw/error.hpp"
#include "sw/fabric_mapper.hpp"
#include "sw/gemm_plan.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/mlp.hpp"
#include "sw/npy.hpp"
#include "sw/report.hpp"

using namespace wb::sw;

namespace {

// In the running case's own directory.
std::string temp_path(const std::string& name) { return wb::test::case_path(name); }

void write_raw(const std::string& path, const std::string& header_dict, const std::string& payload, char version = 1) {
  std::string header = header_dict;
  const std::size_t prefix = version == 1 ? 10 : 12;
  header.append((64 - (prefix + header.size() + 1) % 64) % 64, ' ');
  header.push_back('\n');
  std::string bytes = "\x93NUMPY";
  bytes.push_back(version);
  bytes.push_back('\0');
  const std::size_t len = header.size();
  bytes.push_back(static_cast<char>(len & 0xff));
  bytes.push_back(static_cast<char>(len >> 8));
  if (version != 1) bytes.append(2, '\0');
  std::ofstream(path, std::ios::binary) << bytes << header << payload;
}

}  // namespace

TEST_CASE("npy round-trips int8 and int32 matrices", "[unit]") {
  const MatrixI8 a = random_int8(7, 5, 3);
  write_npy(temp_path("a.npy"), a);
  CHECK(read_npy_int8(temp_path("a.npy")) == a);
  MatrixI32 c(3, 4);
  for (int i = 0; i < 12; ++i) c.data()[i] = (i - 6) * 123456789;
  write_npy(temp_path("c.npy"), c);
  CHECK(read_npy_int32(temp_path("c.npy")) == c);
}

TEST_CASE("npy reads little-endian C-order files written elsewhere, v1 and v2", "[unit]") {
  write_raw(temp_path("v1.npy"), "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 1), }",
            std::string("\x01\x00\x00\x00\xff\xff\xff\xff", 8));
  const MatrixI32 m = read_npy_int32(temp_path("v1.npy"));
  CHECK(m.rows() == 2);
  CHECK(m.at(0, 0) == 1);
  CHECK(m.at(1, 0) == -1);
  write_raw(temp_path("v2.npy"), "{'descr': '|i1', 'fortran_order': False, 'shape': (1, 3), }", "\x01\x02\xfe", 2);
  const MatrixI8 b = read_npy_int8(temp_path("v2.npy"));
  CHECK(b.at(0, 2) == -2);
}

TEST_CASE("npy rejects what it cannot represent exactly", "[unit]") {
  const auto rejects = [](const std::string& dict, const std::string& payload, const std::string& why) {
    write_raw(temp_path("bad.npy"), dict, payload);
    CHECK_THROWS_WITH(read_npy_int8(temp_path("bad.npy")), Catch::Contains(why));
  };
  rejects("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1), }", std::string(4, '\0'), "dtype");
  rejects("{'descr': '>i4', 'fortran_order': False, 'shape': (1, 1), }", std::string(4, '\0'), "dtype");
  rejects("{'descr': '|i1', 'fortran_order': True, 'shape': (2, 2), }", std::string(4, '\0'), "Fortran");
  rejects("{'descr': '|i1', 'fortran_order': False, 'shape': (4,), }", std::string(4, '\0'), "2-D");
  rejects("{'descr': '|i1', 'fortran_order': False, 'shape': (2, 3, 1), }", std::string(6, '\0'), "2-D");
  rejects("{'descr': '|i1', 'fortran_order': False, 'shape': (2, 2), }", std::string(3, '\0'), "truncated");
  rejects("{'descr': '|i1', 'fortran_order': False, 'shape': (0, 2), }", "", "empty");
  rejects("{'descr': '|i1', 'fortran_order': False, 'shape': (1, 1), }", std::string(2, '\0'), "trailing");
  rejects("{'fortran_order': False, 'shape': (1, 1), }", std::string(1, '\0'), "descr");
  std::ofstream(temp_path("junk.npy")) << "hello";
  CHECK_THROWS_WITH(read_npy_int8(temp_path("junk.npy")), Catch::Contains("magic"));
  CHECK_THROWS_AS(read_npy_int8(temp_path("does-not-exist.npy")), InputError);
  write_npy(temp_path("i32.npy"), MatrixI32(2, 2));
  CHECK_THROWS_WITH(read_npy_int8(temp_path("i32.npy")), Catch::Contains("int8"));
}

TEST_CASE("run_child passes arguments as they are and reads stdout and stderr apart", "[unit]") {
  const std::string dir = temp_path("it's a dir");
  std::filesystem::create_directories(dir);
  const std::string file = dir + "/a $(b) 'c'.txt";
  const std::string text(300000, 'x');  // more than a pipe holds, on both streams at once
  std::ofstream(file) << text;
  std::vector<std::string> argv{"/bin/cat", file};
  for (int i = 0; i < 3000; ++i) argv.push_back(dir + "/missing" + std::to_string(i));
  ChildOptions options;
  options.capture_err = true;
  const ChildResult r = run_child(argv, options);
  CHECK(r.exit_code == 1);
  CHECK(r.out == text);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 3000);
  CHECK(r.err.find("missing2999") != std::string::npos);
  CHECK_THROWS_AS(run_child({dir + "/no such program"}), std::runtime_error);
}

TEST_CASE("golden GEMM: known values and int32 wrap-around", "[unit]") {
  MatrixI8 a(2, 3), b(3, 2);
  const std::int8_t av[] = {1, -2, 3, 4, 5, -6};
  const std::int8_t bv[] = {7, 8, 9, 10, -11, 12};
  std::copy(av, av + 6, a.data());
  std::copy(bv, bv + 6, b.data());
  const MatrixI32 c = gemm_ref(a, b);
  CHECK(c.at(0, 0) == 1 * 7 - 2 * 9 + 3 * -11);
  CHECK(c.at(1, 1) == 4 * 8 + 5 * 10 - 6 * 12);
  // 2^17 products of (-128)(-128) = 2^31 wraps to INT32_MIN.
  const MatrixI8 big_a(1, 131072, -128), big_b(131072, 1, -128);
  CHECK(gemm_ref(big_a, big_b).at(0, 0) == INT32_MIN);
  CHECK_THROWS_AS(gemm_ref(MatrixI8(2, 3), MatrixI8(4, 2)), InputError);
}

TEST_CASE("GEMM plan: folds, beats and ideal cycles", "[unit]") {
  const GemmPlan ws({100, 37, 53}, {16, 16}, Dataflow::kWeightStationary);
  CHECK(ws.folds().size() == 4 * 3);  // ceil(53/16) x ceil(37/16)
  CHECK(ws.folds().back().k_len == 5);
  CHECK(ws.folds().back().n_len == 5);
  CHECK(ws.ideal_cycles() == (100ull * 37 * 53 + 255) / 256);
  CHECK(ws.total_c_beats() == 12 * 100);
  const GemmPlan os({100, 37, 53}, {16, 16}, Dataflow::kOutputStationary);
  CHECK(os.folds().size() == 7 * 4);
  CHECK(os.a_beats(os.folds()[0]) == 37);
  CHECK(os.total_c_beats() == 28 * 16);
  CHECK_THROWS_AS(GemmPlan({0, 1, 1}, {4, 4}, Dataflow::kWeightStationary), InputError);
  CHECK_THROWS_AS(GemmPlan({1, -1, 1}, {4, 4}, Dataflow::kWeightStationary), InputError);
  CHECK_THROWS_AS(parse_dataflow("is"), InputError);
}

TEST_CASE("GEMM plan: beats and scatter reproduce the product on a software array", "[unit]") {
  // A cycle-free model of the array built from the plan's beats alone: if the mapping is wrong,
  // so is C.
  for (const auto df : {Dataflow::kWeightStationary, Dataflow::kOutputStationary}) {
    const GemmShape shape{13, 11, 9};
    const ArrayShape arr{4, 4};
    const MatrixI8 a = random_int8(shape.m, shape.k, 1), b = random_int8(shape.k, shape.n, 2);
    const GemmPlan plan(shape, arr, df);
    MatrixI32 c(shape.m, shape.n);
    for (const Fold& f : plan.folds()) {
      const Region ra = plan.a_region(f, 0, plan.a_beats(f)), rb = plan.b_region(f, 0, plan.b_beats(f));
      const MatrixI8 ba = extract_region(a, ra), bb = extract_region(b, rb);
      std::vector<std::vector<std::int8_t>> abeats(plan.a_beats(f), std::vector<std::int8_t>(4));
      std::vector<std::vector<std::int8_t>> bbeats(plan.b_beats(f), std::vector<std::int8_t>(4));
      for (int i = 0; i < plan.a_beats(f); ++i) plan.a_beat(f, ba, ra, i, abeats[i].data());
      for (int i = 0; i < plan.b_beats(f); ++i) plan.b_beat(f, bb, rb, i, bbeats[i].data());
      for (int j = 0; j < plan.c_beats(f); ++j) {
        std::int32_t out[4] = {};
        for (int col = 0; col < 4; ++col) {
          for (int x = 0; x < (df == Dataflow::kWeightStationary ? 4 : plan.a_beats(f)); ++x) {
            if (df == Dataflow::kWeightStationary) {
              out[col] += abeats[j][x] * bbeats[x][col];  // row j of A times the stationary block
            } else {
              out[col] += abeats[x][3 - j] * bbeats[x][col];  // drained bottom row first
            }
          }
        }
        plan.scatter(f, j, out, c);
      }
    }
    CHECK(c == gemm_ref(a, b));
  }
}

TEST_CASE("N:M plan: folds cover R*M/n of K, beats select the kept weights' activations", "[unit]") {
  // 2:4 on 4x4, K = 10 (3 groups, the last of 2), N = 5: 6 kept rows, 4 per fold (2 groups).
  MatrixI8 b(10, 5);
  for (int c = 0; c < 5; ++c) {
    b.at(1, c) = static_cast<std::int8_t>(c + 1);  // group 0: offsets 1 and 3
    b.at(3, c) = -3;
    b.at(4 + c % 4, c) = 7;  // group 1: one kept weight
    b.at(8 + c % 2, c) = static_cast<std::int8_t>(-c);  // group 2 (rows 8, 9)
  }
  const NmOperand op = nm_operand(b, {2, 4});
  REQUIRE(op.operand.rows() == 6);
  REQUIRE(op.operand.cols() == 10);
  CHECK((op.operand.at(0, 0) == 1 && op.operand.at(0, 1) == 1 && op.operand.at(1, 0) == -3 && op.operand.at(1, 1) == 3));
  // Group 1 of column 3 keeps one weight (offset 3): sw::to_nm pads the slot before it with a
  // zero at the smallest unused offset, 0, offsets ascending.
  CHECK((op.operand.at(2, 2 * 3) == 0 && op.operand.at(2, 2 * 3 + 1) == 0 && op.operand.at(3, 2 * 3) == 7 &&
         op.operand.at(3, 2 * 3 + 1) == 3));
  // One compressor: the pairs are sw::to_nm's values and indices side by side.
  const NmCompressed nm = to_nm(b, 2, 4);
  for (int row = 0; row < 6; ++row) {
    for (int col = 0; col < 5; ++col) {
      CHECK(op.operand.at(row, 2 * col) == nm.values.at(row, col));
      CHECK(op.operand.at(row, 2 * col + 1) == static_cast<std::int8_t>(nm.indices.at(row, col)));
    }
  }
  CHECK(op.compressed.values == nm.values);
  const GemmShape shape{7, 10, 5};
  const GemmPlan plan(shape, {4, 4}, Dataflow::kWeightStationary, {2, 4});
  REQUIRE(plan.folds().size() == 2 * 2);  // ceil(5/4) column blocks x ceil(6/4) kept-row blocks
  CHECK((plan.folds()[1].k0 == 4 && plan.folds()[1].k_len == 2));
  CHECK((plan.a_width() == 16 && plan.b_width() == 8 && plan.b_ld() == 10));
  const Region ra = plan.a_region(plan.folds()[1], 0, 7);
  CHECK((ra.col0 == 8 && ra.cols == 2));  // group 2 only, cut at K
  CHECK(plan.pe_macs() == 7ull * 6 * 5);
  CHECK(plan.ideal_cycles() == (7ull * 6 * 5 + 15) / 16);
  // The PE rule (row r multiplies activation (r / n) * m + offset) on the plan's beats gives C.
  const MatrixI8 a = random_int8(shape.m, shape.k, 3);
  MatrixI32 c(shape.m, shape.n);
  for (const Fold& f : plan.folds()) {
    const Region fa = plan.a_region(f, 0, plan.a_beats(f)), fb = plan.b_region(f, 0, plan.b_beats(f));
    const MatrixI8 ba = extract_region(a, fa), bb = extract_region(op.operand, fb);
    std::vector<std::int8_t> abeat(16), bbeat(8);
    for (int j = 0; j < plan.a_beats(f); ++j) {
      plan.a_beat(f, ba, fa, j, abeat.data());
      std::int32_t out[4] = {};
      for (int r = 0; r < 4; ++r) {
        plan.b_beat(f, bb, fb, r, bbeat.data());
        for (int col = 0; col < 4; ++col) out[col] += abeat[(r / 2) * 4 + bbeat[2 * col + 1]] * bbeat[2 * col];
      }
      plan.scatter(f, j, out, c);
    }
  }
  CHECK(c == gemm_ref(a, b));
  b.at(0, 2) = 1;  // three nonzeros in group 0 of column 2
  CHECK_THROWS_WITH(nm_operand(b, {2, 4}), Catch::Contains("column 2") && Catch::Contains("rows 0..3"));
  CHECK_THROWS_AS(GemmPlan(shape, {4, 4}, Dataflow::kOutputStationary, {2, 4}), InputError);
  CHECK_THROWS_AS(GemmPlan(shape, {1, 4}, Dataflow::kWeightStationary, {2, 4}), InputError);
}

TEST_CASE("the array's N:M mode for a pruning pattern", "[unit]") {
  const auto mode = [](int n, int m, Dataflow df = Dataflow::kWeightStationary) {
    std::string note;
    const NmMode nm = array_nm_mode(n, m, 4, df, &note);
    return std::to_string(nm.n) + ":" + std::to_string(nm.m) + " " + note;
  };
  CHECK(mode(2, 4) == "2:4 2:4");
  CHECK(mode(1, 4) == "1:4 1:4");
  CHECK(mode(1, 2) == "2:4 2:4");  // at most 1 of 2: at most 2 of 4
  CHECK(mode(2, 8) == "2:4 2:4");  // at most 2 of 8: at most 2 of any aligned 4
  CHECK(mode(1, 8) == "1:4 1:4");
  CHECK(mode(3, 8) == "0:0 dense: under 3:8 a group of 4 along K may keep all its weights");  // 3 rounds up to 4
  CHECK(mode(4, 8) == "0:0 dense: under 4:8 a group of 4 along K may keep all its weights");
  CHECK(mode(1, 3) == "0:0 dense: 1:3 groups do not align with the array's groups of 4");
  CHECK(mode(2, 4, Dataflow::kOutputStationary) ==
        "0:0 dense: the N:M sparse array is weight-stationary (ws), so 2:4 runs dense in os");
}

TEST_CASE("stream schedule prefetches the next weight block and pairs OS beats", "[unit]") {
  using Op = StreamOp::Operand;
  const GemmPlan ws({10, 8, 8}, {4, 4}, Dataflow::kWeightStationary);  // 4 folds
  const auto ops = stream_schedule(ws, 32);
  REQUIRE(ops.size() == 1 + 4 + 3);
  CHECK((ops[0].operand == Op::kB && ops[0].fold == 0));
  CHECK((ops[1].operand == Op::kB && ops[1].fold == 1));
  CHECK((ops[2].operand == Op::kA && ops[2].fold == 0));
  const GemmPlan os({4, 70, 4}, {4, 4}, Dataflow::kOutputStationary);
  const auto ops2 = stream_schedule(os, 32);
  REQUIRE(ops2.size() == 6);
  CHECK((ops2[4].operand == Op::kA && ops2[4].count == 6 && ops2[5].operand == Op::kB && ops2[5].count == 6));
  CHECK_THROWS_AS(stream_schedule(os, 0), InputError);
}

TEST_CASE("MLP spec and requantisation", "[unit]") {
  CHECK(parse_mlp("mlp:256x128x10").widths == std::vector<int>{256, 128, 10});
  CHECK(parse_mlp("mlp:3x4").text() == "mlp:3x4");
  CHECK_THROWS_AS(parse_mlp("mlp:256"), InputError);
  CHECK_THROWS_AS(parse_mlp("mlp:256x0"), InputError);
  CHECK_THROWS_AS(parse_mlp("mlp:12xab"), InputError);
  CHECK_THROWS_AS(parse_mlp("cnn:1x2"), InputError);
  MatrixI32 c(1, 4);
  c.at(0, 0) = -50;
  c.at(0, 1) = 1000;
  c.at(0, 2) = 100;
  c.at(0, 3) = 3;
  int shift = -1;
  const MatrixI8 q = relu_requantize(c, shift);
  CHECK(shift == 3);  // 1000 >> 3 = 125 fits, 1000 >> 2 = 250 does not
  CHECK(q.at(0, 0) == 0);
  CHECK(q.at(0, 1) == 125);
  CHECK(q.at(0, 2) == 13);  // 100 / 8 = 12.5 rounds to 13
}

TEST_CASE("report table aligns columns", "[unit]") {
  const std::string t = format_table({{"a", "bb"}, {"ccc", "1"}});
  CHECK(t == "a    bb\n-------\nccc   1\n");
  GemmStats s;
  s.cycles = 200;
  s.ideal_cycles = 100;
  s.golden_pass = true;
  const auto j = to_json(s);
  CHECK(j["utilization"].get<double>() == Approx(0.5));
  CHECK(j["golden"] == "pass");
}

TEST_CASE("random sparse matrices have the requested density and no zero among the nonzeros", "[unit][sparse]") {
  const auto m = random_sparse_int8(200, 200, 0.1, 3);
  const double density = static_cast<double>(count_nonzeros(m)) / static_cast<double>(m.size());
  CHECK(density == Approx(0.1).margin(0.01));
  CHECK(count_nonzeros(random_sparse_int8(50, 50, 1.0, 4)) == 2500u);
  CHECK(random_sparse_int8(30, 30, 0.5, 5) == random_sparse_int8(30, 30, 0.5, 5));
}

TEST_CASE("the fabric mapper splits the layer over the mesh and counts the work", "[unit][fabric_mapper]") {
  const FabricLimits limits;
  auto a = random_int8(3, 10, 1);
  a.at(0, 0) = 0;
  const auto b = random_sparse_int8(10, 7, 0.5, 2);
  std::uint64_t macs = 0;
  for (int r = 0; r < 3; ++r) {
    for (int k = 0; k < 10; ++k) {
      if (a.at(r, k) == 0) continue;
      for (int n = 0; n < 7; ++n) macs += b.at(k, n) != 0;
    }
  }
  // Weights resident: a copy of the PE grid per vector, each on a mesh row (rows 0 and 1 fed
  // from the north, row 3 from the south): K = 10 in blocks of 3 across, N = 7 on one PE row.
  const auto resident = map_sparse_gemm(a, b, 4, FabricLayout::kWeightsResident, limits);
  CHECK(resident.replicas == 3);
  CHECK(resident.used_x == 4);
  CHECK(resident.used_y == 1);
  CHECK(resident.pes.size() == 12u);
  CHECK(resident.inputs.size() == 8u);  // a north and a south stream per column
  CHECK(resident.expected_macs == macs);
  CHECK(resident.output_wavelets() == 3u * 7u);
  // One grid over the mesh: N = 7 in blocks of 2 down.
  const auto grid = map_sparse_gemm(a, b, 4, FabricLayout::kWeightsResident, limits, FabricMapOptions::one_grid());
  CHECK(grid.replicas == 1);
  CHECK(grid.used_x == 4);
  CHECK(grid.used_y == 4);
  CHECK(grid.pes.size() == 16u);
  CHECK(grid.expected_macs == macs);
  CHECK(grid.output_wavelets() == 3u * 7u);
  const auto streaming = map_sparse_gemm(a, b, 4, FabricLayout::kWeightStreaming, limits);
  CHECK(streaming.expected_macs == count_nonzeros(b) * 3u);
  // every nonzero weight once, plus an end-of-layer wavelet per PE
  CHECK(streaming.input_wavelets() == count_nonzeros(b) + 16u);
}

TEST_CASE("the fabric mapper refuses what does not fit, with the reason", "[unit][fabric_mapper]") {
  FabricLimits small;
  small.accumulators = 8;
  small.sram_words = 64;
  const auto a = random_int8(4, 32, 1);
  const auto b = random_int8(32, 40, 2);
  CHECK_THROWS_WITH(map_sparse_gemm(a, b, 2, FabricLayout::kWeightsResident, small),
                    Catch::Contains("accumulators"));
  CHECK_THROWS_WITH(map_sparse_gemm(a, random_int8(32, 16, 3), 2, FabricLayout::kWeightsResident, small),
                    Catch::Contains("SRAM words"));
  CHECK_THROWS_AS(map_sparse_gemm(a, random_int8(31, 8, 4), 2, FabricLayout::kWeightsResident, small), InputError);
  CHECK_THROWS_AS(map_sparse_gemm(a, b, 17, FabricLayout::kWeightsResident, FabricLimits{}), InputError);
  CHECK_THROWS_AS(parse_fabric_layout("diagonal"), InputError);
  CHECK(max_rows_per_program(32, 16, 2, FabricLayout::kWeightStreaming, small) == 1);  // 8 accumulators / 8 rows
}
