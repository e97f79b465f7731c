// SPDX-License-Identifier: Apache-2.0
// [unit] Sparse formats (round trips and storage bytes, hand-computed), pruning (exact per
// N:M group, magnitude and block counts exact, random within a stated tolerance, seeded),
// masks (.npy bool and uint8, applied exactly) and the pruning of a network's weight layers.
#include "tests/case_dir.hpp"  // first: it includes Catch2 with listeners

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include "sw/error.hpp"
#include "sw/network_operands.hpp"
#include "sw/network_prune.hpp"
#include "sw/npy.hpp"
#include "sw/prune.hpp"
#include "sw/sparse_format.hpp"
#include "sw/stream_chunks.hpp"

using namespace wb::sw;

namespace {

// 4 x 4, five nonzeros:
//   0 5 1  0
//   3 0 0 -2
//   0 0 0  0
//   0 7 0  0
MatrixI8 hand_matrix() {
  MatrixI8 w(4, 4);
  w.at(0, 1) = 5;
  w.at(0, 2) = 1;
  w.at(1, 0) = 3;
  w.at(1, 3) = -2;
  w.at(3, 1) = 7;
  return w;
}

// Every element nonzero, so that pruning counts are exact.
MatrixI8 full(int rows, int cols, std::uint64_t seed) { return random_sparse_int8(rows, cols, 1.0, seed); }

// A .npy of one-byte elements with the given descr.
void write_mask_npy(const std::string& path, const std::string& descr, int rows, int cols, const std::vector<std::uint8_t>& data) {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " +
                       std::to_string(cols) + "), }";
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header.push_back('\n');
  std::string bytes = "\x93NUMPY";
  bytes.push_back('\x01');
  bytes.push_back('\0');
  bytes.push_back(static_cast<char>(header.size() & 0xff));
  bytes.push_back(static_cast<char>(header.size() >> 8));
  std::ofstream(path, std::ios::binary) << bytes << header << std::string(data.begin(), data.end());
}

int abs8(std::int8_t v) { return std::abs(static_cast<int>(v)); }

}  // namespace

TEST_CASE("sparse formats: index widths are the smallest of 1, 2 or 4 bytes", "[unit]") {
  CHECK(index_bytes(0) == 1);
  CHECK(index_bytes(255) == 1);
  CHECK(index_bytes(256) == 2);
  CHECK(index_bytes(65535) == 2);
  CHECK(index_bytes(65536) == 4);
}

TEST_CASE("sparse formats: a hand-computed 4x4 in every format, its bytes and back", "[unit]") {
  const MatrixI8 w = hand_matrix();

  const Csr csr = to_csr(w);
  CHECK(csr.row_ptr == std::vector<std::uint32_t>{0, 2, 4, 4, 5});
  CHECK(csr.col_idx == std::vector<std::uint32_t>{1, 2, 0, 3, 1});
  CHECK(csr.values == std::vector<std::int8_t>{5, 1, 3, -2, 7});
  CHECK(storage_bytes(csr).values == 5);
  CHECK(storage_bytes(csr).metadata == 5 + 5);  // 5 pointers and 5 indices of one byte
  CHECK(to_dense(csr) == w);

  const Csc csc = to_csc(w);
  CHECK(csc.col_ptr == std::vector<std::uint32_t>{0, 1, 3, 4, 5});
  CHECK(csc.row_idx == std::vector<std::uint32_t>{1, 0, 3, 0, 1});
  CHECK(csc.values == std::vector<std::int8_t>{3, 5, 7, 1, -2});
  CHECK(storage_bytes(csc).total() == 15);
  CHECK(to_dense(csc) == w);

  const Bitmap bm = to_bitmap(w);
  CHECK(bm.bits == std::vector<std::uint8_t>{0x96, 0x20});  // elements 1, 2, 4, 7 and 13
  CHECK(bm.values == std::vector<std::int8_t>{5, 1, 3, -2, 7});
  CHECK(storage_bytes(bm).values == 5);
  CHECK(storage_bytes(bm).metadata == 2);
  CHECK(to_dense(bm) == w);

  const NmCompressed nm = to_nm(w, 2, 4);
  CHECK(nm.groups() == 1);
  CHECK(nm.index_bits() == 2);
  MatrixI8 values(2, 4);
  MatrixU8 indices(2, 4);
  // column 0: 3 at offset 1, padded with offset 0; column 1: 5 and 7 at 0 and 3; column 2: 1
  // at 0, padded with 1; column 3: -2 at 1, padded with 0.
  const std::int8_t v[8] = {0, 5, 1, 0, 3, 7, 0, -2};
  const std::uint8_t ix[8] = {0, 0, 0, 0, 1, 3, 1, 1};
  std::copy(v, v + 8, values.data());
  std::copy(ix, ix + 8, indices.data());
  CHECK(nm.values == values);
  CHECK(nm.indices == indices);
  CHECK(storage_bytes(nm).values == 8);
  CHECK(storage_bytes(nm).metadata == 2);  // 8 two-bit indices
  CHECK(to_dense(nm) == w);
  CHECK_THROWS_WITH(to_nm(w, 1, 4), Catch::Contains("column 1") && Catch::Contains("2 nonzeros"));
  CHECK_THROWS_AS(to_nm(w, 3, 2), InputError);

  const Bsr bsr = to_bsr(w, 2);
  CHECK(bsr.block_row_ptr == std::vector<std::uint32_t>{0, 2, 3});
  CHECK(bsr.block_col_idx == std::vector<std::uint32_t>{0, 1, 0});  // block (1, 1) is all zero
  CHECK(bsr.values == std::vector<std::int8_t>{0, 5, 3, 0, 1, 0, 0, -2, 0, 0, 0, 7});
  CHECK(storage_bytes(bsr).values == 12);
  CHECK(storage_bytes(bsr).metadata == 3 + 3);
  CHECK(to_dense(bsr) == w);

  CHECK(storage_bytes(w, FormatSpec{SparseFormat::kDense}).total() == 16);
  CHECK(storage_bytes(w, FormatSpec{SparseFormat::kNm, 2, 4}).total() == 10);
  CHECK(storage_bytes(w, FormatSpec{SparseFormat::kBsr, 0, 0, 2}).total() == 18);
  CHECK(FormatSpec{SparseFormat::kNm, 2, 4}.text() == "nm:2:4");
}

TEST_CASE("sparse formats: wider indices and pointers, and shapes that do not divide", "[unit]") {
  // 1 x 300, all nonzero: 2 row pointers up to 300 and 300 column indices up to 299, 2 bytes each.
  const MatrixI8 row = full(1, 300, 4);
  CHECK(storage_bytes(to_csr(row)).metadata == 2 * 2 + 300 * 2);
  // 301 column pointers up to 300 (2 bytes), 300 row indices of 0 (1 byte).
  CHECK(storage_bytes(to_csc(row)).metadata == 301 * 2 + 300 * 1);
  CHECK(storage_bytes(to_bitmap(row)).metadata == 38);  // ceil(300 / 8)
  // BSR of 4x4 blocks over 10 x 9 (padded to 12 x 12): 3 x 3 blocks, all nonzero.
  const Bsr bsr = to_bsr(full(10, 9, 2), 4);
  CHECK(storage_bytes(bsr).values == 9 * 16);
  CHECK(storage_bytes(bsr).metadata == 4 + 9);
}

TEST_CASE("sparse formats: random matrices round-trip through every format", "[unit]") {
  for (const auto& [rows, cols, density] : std::vector<std::tuple<int, int, double>>{{1, 1, 1.0}, {7, 13, 0.3}, {37, 5, 0.05}, {64, 64, 0.0}}) {
    const MatrixI8 w = random_sparse_int8(rows, cols, density, 11);
    INFO(rows << "x" << cols << " at " << density);
    CHECK(to_dense(to_csr(w)) == w);
    CHECK(to_dense(to_csc(w)) == w);
    CHECK(to_dense(to_bitmap(w)) == w);
    for (int b : {1, 3, 8}) CHECK(to_dense(to_bsr(w, b)) == w);
  }
  // N:M with K not a multiple of M: 10 rows in groups of 4 (the last one of 2).
  const MatrixI8 w = prune(full(10, 6, 3), PruneSpec{PruneMethod::kNm, 0.0, 2, 4}, 1);
  const NmCompressed nm = to_nm(w, 2, 4);
  CHECK(nm.groups() == 3);
  CHECK(nm.values.rows() == 6);
  CHECK(to_dense(nm) == w);
  CHECK(storage_bytes(nm).values == 3 * 2 * 6);
  CHECK(storage_bytes(nm).metadata == (36 * 2 + 7) / 8);
  const MatrixI8 w48 = prune(full(16, 3, 5), PruneSpec{PruneMethod::kNm, 0.0, 4, 8}, 1);
  CHECK(to_dense(to_nm(w48, 4, 8)) == w48);
  CHECK(storage_bytes(to_nm(w48, 4, 8)).metadata == (2 * 4 * 3 * 3 + 7) / 8);  // 3-bit indices
}

TEST_CASE("prune: specs parse strictly", "[unit]") {
  CHECK(parse_prune_spec("random:0.9").method == PruneMethod::kRandom);
  CHECK(parse_prune_spec("magnitude:0.9").sparsity == 0.9);
  CHECK(parse_prune_spec("magnitude:0.9").text() == "magnitude:0.9");
  CHECK(parse_prune_spec("nm:2:4").n == 2);
  CHECK(parse_prune_spec("nm:2:4").density() == 0.5);
  CHECK(parse_prune_spec("block:4:0.75").block == 4);
  CHECK(parse_prune_spec("block:4:0.75").text() == "block:4:0.75");
  CHECK(parse_prune_spec("random:0").density() == 1.0);
  for (const char* bad : {"", "magnitude", "magnitude:", "magnitude:1", "magnitude:-0.1", "magnitude:0.9x", "magnitude:nan",
                          "nm:3:2", "nm:0:4", "nm:2:4:1", "nm:2", "nm:2:257", "block:0:0.5", "block:4", "block:4:1",
                          "foo:0.5", ":", "random::0.5", "random:0.5:"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_prune_spec(bad), InputError);
  }
  CHECK_THROWS_WITH(parse_prune_spec("nm:5:4"), Catch::Contains("--prune 'nm:5:4'") && Catch::Contains("expected"));
}

TEST_CASE("prune: N:M keeps exactly N of the largest in every group along K", "[unit]") {
  for (const auto& [n, m] : std::vector<std::pair<int, int>>{{2, 4}, {1, 4}, {4, 8}}) {
    const MatrixI8 w = full(64, 48, 21);
    const MatrixI8 p = prune(w, PruneSpec{PruneMethod::kNm, 0.0, n, m}, 5);
    INFO(n << ":" << m);
    CHECK(count_nonzeros(p) == static_cast<std::size_t>(64 / m * n * 48));
    for (int c = 0; c < 48; ++c) {
      for (int k0 = 0; k0 < 64; k0 += m) {
        int kept = 0, min_kept = 999, max_dropped = -1;
        for (int k = k0; k < k0 + m; ++k) {
          if (p.at(k, c) != 0) {
            ++kept;
            CHECK(p.at(k, c) == w.at(k, c));
            min_kept = std::min(min_kept, abs8(w.at(k, c)));
          } else {
            max_dropped = std::max(max_dropped, abs8(w.at(k, c)));
          }
        }
        CHECK(kept == n);
        CHECK(min_kept >= max_dropped);
      }
    }
    CHECK(to_dense(to_nm(p, n, m)) == p);
  }
  // A last group of 2 rows keeps min(N, 2).
  CHECK(count_nonzeros(prune(full(6, 1, 1), PruneSpec{PruneMethod::kNm, 0.0, 3, 4}, 1)) == 3 + 2);
}

TEST_CASE("prune: magnitude and block counts are exact, random within its tolerance, all seeded", "[unit]") {
  const MatrixI8 w = full(200, 200, 8);
  const MatrixI8 mag = prune(w, parse_prune_spec("magnitude:0.9"), 3);
  CHECK(count_nonzeros(mag) == 4000);  // round(0.1 * 40000) stay
  int min_kept = 999, max_dropped = -1;
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (mag.data()[i] != 0) {
      CHECK(mag.data()[i] == w.data()[i]);
      min_kept = std::min(min_kept, abs8(w.data()[i]));
    } else {
      max_dropped = std::max(max_dropped, abs8(w.data()[i]));
    }
  }
  CHECK(min_kept >= max_dropped);
  // Ties (about 313 weights share each |w|) go in a seeded order, not by position: the kept
  // weights of the tied magnitude spread over both halves of the matrix.
  std::size_t top_half = 0;
  for (std::size_t i = 0; i < w.size() / 2; ++i) top_half += mag.data()[i] != 0;
  CHECK(top_half > 1800);
  CHECK(top_half < 2200);
  CHECK(prune(w, parse_prune_spec("magnitude:0.9"), 3) == mag);
  CHECK(prune(w, parse_prune_spec("magnitude:0.9"), 4) != mag);

  // Random: 40 000 Bernoulli trials at 0.1 have a standard deviation of 0.0015 in density;
  // the tolerance is 0.01 (over 6 sigma).
  for (double s : {0.5, 0.9, 0.99}) {
    const double d = static_cast<double>(count_nonzeros(prune(w, PruneSpec{PruneMethod::kRandom, s}, 9))) / 40000.0;
    CHECK(std::abs(d - (1 - s)) < 0.01);
  }
  CHECK(prune(w, PruneSpec{PruneMethod::kRandom, 0.5}, 9) == prune(w, PruneSpec{PruneMethod::kRandom, 0.5}, 9));

  // Block 4 at 0.75 on 64 x 64: 256 blocks, 192 zeroed, the kept ones of larger L1 norm.
  const MatrixI8 wb = full(64, 64, 2);
  const MatrixI8 blk = prune(wb, parse_prune_spec("block:4:0.75"), 1);
  CHECK(count_nonzeros(blk) == 64 * 16);
  const Bsr bsr = to_bsr(blk, 4);
  CHECK(bsr.block_col_idx.size() == 64);
  const auto l1 = [&](int br, int bc) {
    int s = 0;
    for (int r = br * 4; r < br * 4 + 4; ++r) {
      for (int c = bc * 4; c < bc * 4 + 4; ++c) s += abs8(wb.at(r, c));
    }
    return s;
  };
  int min_block = 1 << 30, max_block_dropped = -1;
  for (int br = 0; br < 16; ++br) {
    for (int bc = 0; bc < 16; ++bc) {
      if (blk.at(br * 4, bc * 4) != 0) {
        min_block = std::min(min_block, l1(br, bc));
      } else {
        max_block_dropped = std::max(max_block_dropped, l1(br, bc));
      }
    }
  }
  CHECK(min_block >= max_block_dropped);
  // Partial blocks: 30 x 30 in 4 x 4 blocks is 8 x 8 blocks, round(0.5 * 64) = 32 zeroed.
  CHECK(to_bsr(prune(full(30, 30, 6), parse_prune_spec("block:4:0.5"), 1), 4).block_col_idx.size() == 32);
}

TEST_CASE("masks: .npy bool and uint8 read, applied exactly, anything else refused", "[unit]") {
  const MatrixI8 w = full(3, 4, 1);
  std::vector<std::uint8_t> bits{1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 0, 1};
  write_mask_npy(wb::test::case_path("b.npy"), "|b1", 3, 4, bits);
  write_mask_npy(wb::test::case_path("u.npy"), "|u1", 3, 4, bits);
  const MatrixU8 mask = read_npy_mask(wb::test::case_path("b.npy"));
  CHECK(read_npy_mask(wb::test::case_path("u.npy")) == mask);
  const MatrixI8 masked = apply_mask(w, mask, "m");
  for (std::size_t i = 0; i < w.size(); ++i) CHECK(masked.data()[i] == (bits[i] ? w.data()[i] : 0));
  CHECK(count_nonzeros(masked) == 5);

  CHECK_THROWS_WITH(apply_mask(full(4, 3, 1), mask, "--mask m.npy"), Catch::Contains("does not match"));
  bits[5] = 2;
  write_mask_npy(wb::test::case_path("two.npy"), "|u1", 3, 4, bits);
  CHECK_THROWS_WITH(read_npy_mask(wb::test::case_path("two.npy")), Catch::Contains("0 or 1") && Catch::Contains("[1][1]"));
  write_mask_npy(wb::test::case_path("i1.npy"), "|i1", 3, 4, std::vector<std::uint8_t>(12, 1));
  CHECK_THROWS_WITH(read_npy_mask(wb::test::case_path("i1.npy")), Catch::Contains("bool or uint8"));

  WeightSparsity s;
  s.mask = mask;
  s.mask_path = "m.npy";
  CHECK(s.matches(w));
  CHECK_FALSE(s.matches(full(4, 3, 1)));
  CHECK(s.apply(w) == masked);
  CHECK(s.text() == "mask m.npy");
}

TEST_CASE("prune: a network's weight layers pruned, attention left alone, the runners' operands kept", "[unit]") {
  Network net;
  net.layers.push_back(gemm_layer("fc", "Gemm", {8, 16, 12}, "t"));
  net.layers.push_back(attention_scores_layer("qk", 2, 8, 8, 4, "t"));
  net.layers.push_back(not_mapped_layer("sm", "Softmax", "t"));
  WeightSparsity s;
  s.prune = parse_prune_spec("nm:1:4");
  const Network p = sparsify_network(net, s, 7);
  REQUIRE(p.layers[0].weights.size() == 1);
  const GemmOperands before = layer_operands(net.layers[0], 0, 7), after = layer_operands(p.layers[0], 0, 7);
  CHECK(after.a == before.a);  // the activations are the runners' own
  CHECK(after.b == s.apply(before.b, 0));
  CHECK(count_nonzeros(after.b) <= 16 / 4 * 12);
  CHECK(p.layers[0].sparsity->n == 1);
  CHECK(p.layers[0].weight_density <= 0.25);
  CHECK(p.layers[1].weights.empty());  // Q K^T: both operands are activations
  CHECK(layer_operands(p.layers[1], 1, 8).b == layer_operands(net.layers[1], 1, 8).b);

  WeightSparsity m;
  m.mask = MatrixU8(16, 12, 1);
  m.mask_path = "ones.npy";
  CHECK(layer_operands(sparsify_network(net, m, 7).layers[0], 0, 7).b == before.b);
  m.mask = MatrixU8(5, 5, 1);
  CHECK_THROWS_WITH(sparsify_network(net, m, 7), Catch::Contains("matches no layer"));
}

TEST_CASE("sparse formats: encoded bytes are the counted ones, laid out as documented, and decode back", "[unit]") {
  const MatrixI8 w = hand_matrix();
  // CSR: 5 row pointers, 5 column indices (1 byte each), then the values.
  CHECK(encode(w, FormatSpec{SparseFormat::kCsr}) == std::string("\x00\x02\x04\x04\x05" "\x01\x02\x00\x03\x01" "\x05\x01\x03\xfe\x07", 15));
  // 2:4: the indices 0 0 0 0 1 3 1 1 packed two bits each, LSB first (0x00, 0x5d), then the values.
  CHECK(encode(w, FormatSpec{SparseFormat::kNm, 2, 4}) == std::string("\x00\x5d" "\x00\x05\x01\x00\x03\x07\x00\xfe", 10));
  CHECK(encode(w, FormatSpec{SparseFormat::kBitmap}) == std::string("\x96\x20" "\x05\x01\x03\xfe\x07", 7));
  const std::vector<FormatSpec> formats{{SparseFormat::kDense}, {SparseFormat::kCsr}, {SparseFormat::kCsc}, {SparseFormat::kBitmap},
                                        {SparseFormat::kNm, 2, 4}, {SparseFormat::kBsr, 0, 0, 3}};
  for (const auto& [rows, cols, density] : std::vector<std::tuple<int, int, double>>{{4, 4, 1.0}, {10, 7, 0.3}, {300, 2, 0.9}, {3, 600, 0.5}}) {
    const MatrixI8 r = prune(random_sparse_int8(rows, cols, density, 3), PruneSpec{PruneMethod::kNm, 0.0, 2, 4}, 1);
    for (const FormatSpec& f : formats) {
      INFO(f.text() << " " << rows << "x" << cols);
      const std::string bytes = encode(r, f);
      CHECK(bytes.size() == storage_bytes(r, f).total());
      CHECK(decode(bytes, rows, cols, f) == r);
    }
  }
  CHECK_THROWS_AS(decode(std::string("\x00\x02", 2), 4, 4, FormatSpec{SparseFormat::kCsr}), InputError);
  CHECK_THROWS_AS(decode(std::string(17, '\0'), 4, 4, FormatSpec{SparseFormat::kDense}), InputError);
}

TEST_CASE("stream chunks: whole rows within a half, N:M groups kept together", "[unit]") {
  // 8 rows of 4 with 2 nonzeros each: a CSR chunk of r rows is 5r + 1 bytes.
  MatrixI8 w(8, 4);
  for (int k = 0; k < 8; ++k) {
    for (int c = 0; c < 4; ++c) {
      if ((k + c) % 4 < 2) w.at(k, c) = static_cast<std::int8_t>(k + 1);
    }
  }
  std::vector<int> order(8);
  for (int i = 0; i < 8; ++i) order[static_cast<std::size_t>(i)] = (i % 2) * 4 + i / 2;  // 0 4 1 5 2 6 3 7
  const std::vector<StreamChunk> csr = encode_stream_chunks(w, order, FormatSpec{SparseFormat::kCsr}, 12);
  REQUIRE(csr.size() == 4);
  for (const StreamChunk& c : csr) CHECK(c.bytes.size() == 11);
  CHECK_THROWS_WITH(encode_stream_chunks(w, order, FormatSpec{SparseFormat::kCsr}, 5), Catch::Contains("cannot hold one row"));
  // N:M: groups {0..3} and {4..7} each kept together, in the order their first row comes.
  const FormatSpec nm{SparseFormat::kNm, 2, 4};
  const std::vector<int> nm_order = stream_row_order(order, 8, nm);
  CHECK(nm_order == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7});
  CHECK(stream_row_order({4, 0, 5, 1, 6, 2, 7, 3}, 8, nm) == std::vector<int>{4, 5, 6, 7, 0, 1, 2, 3});
  CHECK(stream_row_order({0, 4, 1, 5, 2, 6, 3, 7, 8}, 9, nm) == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8});
  // One group is 2 x 4 values + 8 two-bit indices = 10 bytes: a 10-byte half takes one group.
  const std::vector<StreamChunk> groups = encode_stream_chunks(w, nm_order, nm, 10);
  REQUIRE(groups.size() == 2);
  CHECK(groups[1].row0 == 4);
  CHECK(decode(groups[1].bytes, 4, 4, nm) == [&] {
    MatrixI8 part(4, 4);
    std::copy(w.row(4), w.row(8), part.data());
    return part;
  }());
  CHECK_THROWS_WITH(encode_stream_chunks(w, nm_order, nm, 9), Catch::Contains("cannot hold one N:M group"));
  CHECK(parse_store_format("nm", "--store-format", 2, 4).text() == "nm:2:4");
  CHECK_THROWS_WITH(parse_store_format("nm", "--store-format"), Catch::Contains("--prune nm:N:M"));
  CHECK_THROWS_WITH(parse_store_format("csc", "--store-format"), Catch::Contains("dense, csr, nm or bitmap"));
}
