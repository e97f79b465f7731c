// SPDX-License-Identifier: Apache-2.0
// [unit] The input side of the error contract in the pure C++ layer: the .npy reader on hostile
// files, the strict number and list parsers, output files written all or none (never replacing
// anything but a regular file), host-memory estimates and the fabric's shape check.
#include <catch2/catch.hpp>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "sw/error.hpp"
#include "sw/fabric_mapper.hpp"
#include "sw/file_util.hpp"
#include "sw/host_memory.hpp"
#include "sw/npy.hpp"
#include "sw/parse.hpp"

using namespace wb::sw;

namespace {

// One directory per test case: ctest -j runs the cases (one process each) side by side.
std::string dir_for(const std::string& test) {
  const std::string dir = std::string(WB_TEST_TMPDIR) + "/contract_" + test + "_" + std::to_string(getpid());
  mkdir(dir.c_str(), 0755);
  return dir;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

bool exists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

int entries(const std::string& dir) {
  int n = 0;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) n += std::string(e->d_name) != "." && std::string(e->d_name) != "..";
    closedir(d);
  }
  return n;
}

// A version 1.0 .npy with `dict` as its header (padded as NumPy pads) and `payload` after it.
void write_npy_raw(const std::string& path, const std::string& dict, const std::string& payload) {
  std::string header = dict;
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header.push_back('\n');
  std::string bytes = "\x93NUMPY";
  bytes.push_back(1);
  bytes.push_back(0);
  if (header.size() > 0xffff) {  // only a v2 header can be this long
    bytes[6] = 2;
    for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<char>((header.size() >> (8 * i)) & 0xff));
  } else {
    bytes.push_back(static_cast<char>(header.size() & 0xff));
    bytes.push_back(static_cast<char>(header.size() >> 8));
  }
  std::ofstream(path, std::ios::binary) << bytes << header << payload;
}

}  // namespace

TEST_CASE("npy: hostile headers and shapes are one-line errors before any allocation", "[unit]") {
  const std::string dir = dir_for("npy");
  const auto rejects = [&](const std::string& name, const std::string& why) {
    CHECK_THROWS_WITH(read_npy_int8(dir + "/" + name), Catch::Contains(why));
  };
  // A header of 30 KB (a regex over it overflowed the stack): NumPy's 10 000-byte limit.
  write_npy_raw(dir + "/long.npy", "{'descr': '|i1', 'fortran_order': False, 'shape': (1, 1), " + std::string(30000, ' ') + "}", "x");
  rejects("long.npy", "NumPy's limit of 10000");
  // Just under the limit, a long header still parses (linear, no recursion).
  write_npy_raw(dir + "/padded.npy", "{'descr': '|i1', 'fortran_order': False, 'shape': (1, 2), " + std::string(9800, ' ') + "}",
                "\x05\x06");
  CHECK(read_npy_int8(dir + "/padded.npy").at(0, 1) == 6);
  // 192 bytes claiming 2^31-1 x 2: compared with the file's length, not allocated (8.4 GB).
  write_npy_raw(dir + "/claims.npy", "{'descr': '<i4', 'fortran_order': False, 'shape': (2147483647, 2), }",
                std::string(192 - 128, '\0'));
  const auto t0 = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(read_npy_int32(dir + "/claims.npy"), Catch::Contains("truncated data") && Catch::Contains("17179869176 bytes"));
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(1));
  write_npy_raw(dir + "/huge.npy", "{'descr': '|i1', 'fortran_order': False, 'shape': (99999999999999999999, 8), }", "");
  rejects("huge.npy", "shape entry 99999999999999999999 is too large");
  write_npy_raw(dir + "/wide.npy", "{'descr': '|i1', 'fortran_order': False, 'shape': (4294967296, 8), }", "");
  rejects("wide.npy", "over 2^31-1");
  write_npy_raw(dir + "/neg.npy", "{'descr': '|i1', 'fortran_order': False, 'shape': (-1, 8), }", "");
  rejects("neg.npy", "malformed");
  write_npy_raw(dir + "/key.npy", "{'descr': '|i1', 'fortran_order': False, 'shape': (1, 1), 'extra': 1}", "x");
  rejects("key.npy", "unexpected key");
  write_npy_raw(dir + "/open.npy", "{'descr': '|i1', 'fortran_order': False, 'shape': (1, 1", "x");
  rejects("open.npy", "malformed");
  // Not a regular file: a FIFO is refused at once (reading it would wait for a writer), a
  // directory is named as one.
  REQUIRE(mkfifo((dir + "/fifo.npy").c_str(), 0644) == 0);
  rejects("fifo.npy", "not a regular file");
  mkdir((dir + "/sub.npy").c_str(), 0755);
  rejects("sub.npy", "a directory");
}

TEST_CASE("parse: numbers are plain decimal, lists have no empty item", "[unit]") {
  CHECK(parse_uint("18446744073709551615") == 18446744073709551615ull);
  for (const char* bad : {"18446744073709551616", "-1", "+1", "", " 1", "1 ", "0x10", "1e6", "1.0"}) {
    INFO(bad);
    CHECK_FALSE(parse_uint(bad));
  }
  CHECK(parse_int("-9223372036854775808", INT64_MIN, INT64_MAX) == INT64_MIN);
  CHECK(parse_int("-3", -5, 5) == -3);
  CHECK_FALSE(parse_int("6", -5, 5));
  CHECK_FALSE(parse_int("9223372036854775808", INT64_MIN, INT64_MAX));
  CHECK_FALSE(parse_int("-", -5, 5));
  CHECK(parse_double("0.5") == 0.5);
  CHECK(parse_double(".5") == 0.5);
  CHECK(parse_double("5.") == 5.0);
  CHECK(parse_double("-1e-3") == -1e-3);
  CHECK(parse_double("1E+2") == 100.0);
  for (const char* bad : {"0x1p3", "inf", "-inf", "nan", "1e", "e5", ".", "", " 1", "1 ", "1,", "+1", "1e999", "1e-400", "--1"}) {
    INFO(bad);
    CHECK_FALSE(parse_double(bad));
  }
  CHECK(split_list("1,0.5", ',') == std::vector<std::string>{"1", "0.5"});
  for (const char* bad : {"", ",", "1,", ",1", "1,,2"}) {
    INFO(bad);
    CHECK_FALSE(split_list(bad, ','));
  }
  CHECK(printable("a\nb\tc\x01") == "a\\nb\\tc\\x01");
}

TEST_CASE("write_file_atomically: a unique temporary, never a non-regular target", "[unit]") {
  const std::string dir = dir_for("atomic");
  const std::string path = dir + "/r.json";
  std::ofstream(path + ".tmp") << "the user's own file";
  write_file_atomically(path, "new\n");
  CHECK(slurp(path) == "new\n");
  CHECK(slurp(path + ".tmp") == "the user's own file");
  CHECK(entries(dir) == 2);  // no temporary left behind
  struct stat st;
  REQUIRE(stat(path.c_str(), &st) == 0);
  const mode_t mask = umask(0);
  umask(mask);
  CHECK((st.st_mode & 0777) == (0666 & ~mask));  // as a plain new file, not mkstemp's 0600

  REQUIRE(symlink("elsewhere.json", (dir + "/link.json").c_str()) == 0);
  CHECK_THROWS_WITH(write_file_atomically(dir + "/link.json", "x"), Catch::Contains("symbolic link"));
  CHECK_FALSE(exists(dir + "/elsewhere.json"));
  REQUIRE(mkfifo((dir + "/fifo").c_str(), 0644) == 0);
  CHECK_THROWS_WITH(write_file_atomically(dir + "/fifo", "x"), Catch::Contains("not a regular file"));
  CHECK_THROWS_WITH(write_file_atomically(dir, "x"), Catch::Contains("directory"));
  CHECK_THROWS_WITH(write_file_atomically(dir + "/missing/r.json", "x"), Catch::Contains("cannot create a file"));
  CHECK_THROWS_WITH(check_output_path("", "--json"), Catch::Contains("--json needs a file name"));
  struct stat lst;
  REQUIRE(lstat((dir + "/link.json").c_str(), &lst) == 0);
  CHECK(S_ISLNK(lst.st_mode));
  REQUIRE(lstat((dir + "/fifo").c_str(), &lst) == 0);
  CHECK(S_ISFIFO(lst.st_mode));
}

TEST_CASE("OutputFiles: all outputs or none, none on one path, none over an input", "[unit]") {
  const std::string dir = dir_for("outputs");
  std::ofstream(dir + "/old.json") << "old";
  std::ofstream(dir + "/in.npy") << "input";
  {
    OutputFiles out;
    out.add("--json", dir + "/old.json");
    const std::string trace = out.add_for_writer("--trace", dir + "/t.fst");
    CHECK(trace.find(dir + "/.t.fst.") == 0);
    std::ofstream(trace) << "wave";
    out.write(dir + "/old.json", "new");
    // no commit: an error unwinds past it
  }
  CHECK(slurp(dir + "/old.json") == "old");
  CHECK_FALSE(exists(dir + "/t.fst"));
  CHECK(entries(dir) == 2);
  {
    OutputFiles out;
    out.add("--json", dir + "/old.json");
    out.add("--out", dir + "/c.npy");  // never written (a failed golden check): not created
    out.add_for_writer("--trace", dir + "/t.fst");
    out.write(dir + "/old.json", "new");
    out.commit();
  }
  CHECK(slurp(dir + "/old.json") == "new");
  CHECK_FALSE(exists(dir + "/c.npy"));
  CHECK(exists(dir + "/t.fst"));
  CHECK(entries(dir) == 3);

  OutputFiles out;
  out.add_input("--a", dir + "/in.npy");
  out.add_input("--b", dir + "/in.npy");  // two inputs may share a file
  CHECK_THROWS_WITH(out.add("--out", dir + "/./in.npy"), Catch::Contains("--a and --out name the same file"));
  REQUIRE(link((dir + "/in.npy").c_str(), (dir + "/hard.npy").c_str()) == 0);
  CHECK_THROWS_WITH(out.add("--out", dir + "/hard.npy"), Catch::Contains("same file"));
  out.add("--json", dir + "/r.json");
  CHECK_THROWS_WITH(out.add("--out", dir + "/../" + dir.substr(dir.rfind('/') + 1) + "/r.json"),
                    Catch::Contains("--json and --out name the same file"));
  CHECK_THROWS_WITH(out.add("--out", dir), Catch::Contains("is a directory"));
}

TEST_CASE("host memory: estimates from shapes against the documented limit", "[unit]") {
  CHECK(gemm_host_bytes(2, 3, 4) == 2 * 3 + 3 * 4 + 8 * 2 * 4);
  CHECK_NOTHROW(check_host_memory(gemm_host_bytes(4096, 4096, 4096), "gemm"));
  CHECK_THROWS_WITH(check_host_memory(gemm_host_bytes(1e6, 1e6, 1e6), "gemm 1e6"),
                    Catch::Contains("gemm 1e6 needs about") && Catch::Contains("over the limit of 8.0 GiB"));
  const MlpSpec big = parse_mlp("mlp:65536x65536");
  CHECK_THROWS_AS(check_host_memory(train_host_bytes(big, 64), "train"), InputError);
  CHECK_NOTHROW(check_host_memory(train_host_bytes(parse_mlp("mlp:256x256x256"), 64), "train"));
  CHECK(format_bytes(512) == "512 B");
  CHECK(format_bytes(1.5 * 1024 * 1024) == "1.5 MiB");
}

TEST_CASE("fabric: a shape that fits no PE is refused before B exists", "[unit]") {
  const FabricLimits limits{12288, 256, 24};
  CHECK_NOTHROW(check_fabric_shape(256, 256, 4, FabricLayout::kWeightsResident, limits));
  CHECK_THROWS_WITH(check_fabric_shape(100000, 100000, 8, FabricLayout::kWeightsResident, limits),
                    Catch::Contains("accumulators"));
  CHECK_THROWS_WITH(check_fabric_shape(2048, 64, 4, FabricLayout::kWeightStreaming, limits), Catch::Contains("256 x 256"));
  CHECK_THROWS_AS(check_fabric_shape(64, 64, 17, FabricLayout::kWeightsResident, limits), InputError);
  // the same verdict as the mapper, which needs the operands
  CHECK_THROWS_WITH(map_sparse_gemm(MatrixI8(1, 64), MatrixI8(64, 2048), 4, FabricLayout::kWeightsResident, limits),
                    Catch::Contains("accumulators"));
  CHECK_THROWS_WITH(check_fabric_shape(64, 2048, 4, FabricLayout::kWeightsResident, limits), Catch::Contains("accumulators"));
}

TEST_CASE("mlp: a model string is strict", "[unit]") {
  CHECK(parse_mlp("mlp:16x8x4").widths == std::vector<int>{16, 8, 4});
  for (const char* bad : {"mlp:16x16x", "mlp:x16", "mlp:16xx16", "mlp:16x0", "mlp:16x+8", "mlp:16x1e3", "mlp:16\n16",
                          "mlp:16x10000000"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_mlp(bad), InputError);
  }
  CHECK_THROWS_WITH(parse_mlp("mlp:16\n16"), Catch::Contains("16\\n16"));
}
