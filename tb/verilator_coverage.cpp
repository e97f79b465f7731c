// SPDX-License-Identifier: Apache-2.0
#include "tb/verilator_coverage.hpp"

#include <verilated_cov.h>

#include <unistd.h>

#include <cerrno>  // program_invocation_short_name
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <string>

namespace wb::tb {
namespace {

namespace fs = std::filesystem;

// The process's counts, keyed by Verilator's point names (file, line, type, hierarchy...), as
// verilator_coverage merges them. Never destroyed: models owned by static objects may be
// destroyed after the exit-time write and still add theirs.
struct Totals {
  std::mutex mutex;
  std::map<std::string, std::uint64_t> counts;
  fs::path file;  // empty: WB_COVERAGE_DIR unset, nothing is collected
  bool exit_written = false;
  bool failed = false;  // one message, then silence
};

void fail(Totals& t, const std::string& what) {
  if (!t.failed) std::cerr << "coverage: " << what << "\n";
  t.failed = true;
}

// Adds the points of a Verilator coverage file ("C '<name>' <count>" lines).
bool add_points(Totals& t, const fs::path& path) {
  std::ifstream in(path);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("C '", 0) != 0) continue;  // the header line
    const std::size_t end = line.rfind("' ");
    if (end == std::string::npos || end < 3) return false;
    t.counts[line.substr(3, end - 3)] += std::strtoull(line.c_str() + end + 2, nullptr, 10);
  }
  return true;
}

// Writes the totals beside their final name and renames them, so a merge never reads half a file.
void write_totals(Totals& t) {
  const fs::path tmp = t.file.string() + ".tmp";
  {
    std::ofstream out(tmp);
    out << "# SystemC::Coverage-3\n";
    for (const auto& [name, count] : t.counts) out << "C '" << name << "' " << count << "\n";
    if (!out) return fail(t, "cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, t.file, ec);
  if (ec) fail(t, "cannot rename " + tmp.string() + ": " + ec.message());
}

Totals& totals() {
  static Totals* const t = [] {
    auto* made = new Totals;
    const char* dir = std::getenv("WB_COVERAGE_DIR");
    if (dir == nullptr || *dir == '\0') return made;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
      std::cerr << "coverage: cannot create WB_COVERAGE_DIR " << dir << ": " << ec.message() << "\n";
      return made;
    }
    const auto start_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                              std::chrono::system_clock::now().time_since_epoch()).count();
    // pid and start time: unique per process even when a long regression reuses pids.
    made->file = fs::path(dir) / (std::string(program_invocation_short_name) + "-" + std::to_string(getpid()) + "-" +
                                  std::to_string(start_ns) + ".dat");
    std::atexit([] {
      Totals& at_exit = totals();
      const std::lock_guard<std::mutex> lock(at_exit.mutex);
      write_totals(at_exit);
      at_exit.exit_written = true;
    });
    return made;
  }();
  return *t;
}

}  // namespace

void collect_coverage(VerilatedContext& context) {
  Totals& t = totals();
  if (t.file.empty()) return;
  const std::lock_guard<std::mutex> lock(t.mutex);
  // Verilator writes a context's points only to a file: one beside the result, read back at once.
  const fs::path part = t.file.string() + ".part";
  context.coveragep()->write(part.c_str());
  if (!add_points(t, part)) fail(t, "cannot read " + part.string());
  std::error_code ec;
  fs::remove(part, ec);
  if (t.exit_written) write_totals(t);
}

}  // namespace wb::tb
