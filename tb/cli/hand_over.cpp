// SPDX-License-Identifier: Apache-2.0
#include "tb/cli/hand_over.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "sw/child_process.hpp"
#include "tb/cli/options.hpp"
#include "tb/on_demand_rtl.hpp"

namespace wb::cli {
namespace {

namespace fs = std::filesystem;

// Whether `target` must be (re)built: missing, or older than an executable it shares code with.
bool stale(const fs::path& target, const std::vector<fs::path>& newer_than) {
  std::error_code ec;
  const auto built = fs::last_write_time(target, ec);
  if (ec) return true;
  for (const auto& p : newer_than) {
    const auto t = fs::last_write_time(p, ec);
    if (!ec && t > built) return true;
  }
  return false;
}

// An exclusive lock on a file, held while this lives.
class FileLock {
 public:
  explicit FileLock(const fs::path& path) : m_fd(open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
    if (m_fd >= 0) flock(m_fd, LOCK_EX);
  }
  ~FileLock() {
    if (m_fd >= 0) close(m_fd);  // releases the lock
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int m_fd;
};

// Builds `name` in the build tree `dir` when stale; 0, or the exit code after printing why not.
int build_on_demand(const fs::path& dir, const fs::path& self, const std::string& name) {
  const fs::path target = dir / name;
  const std::vector<fs::path> sources{self, dir / tb::kAllExecutable};
  if (!stale(target, sources)) return 0;
  FileLock lock(dir / ("." + name + ".lock"));
  if (!stale(target, sources)) return 0;  // another run built it meanwhile
  const fs::path log = dir / (name + ".build.log");
  std::cerr << "waferbench: building " << name << " first, once (the RTL built on demand: " << tb::on_demand_text()
            << "; minutes; log: " << log.string() << ")\n";
  sw::ChildOptions options;
  options.capture_err = true;
  const sw::ChildResult r =
      sw::run_child({WB_CMAKE_COMMAND, "--build", dir.string(), "--target", name}, options);
  {
    std::ofstream out(log, std::ios::trunc);
    out << r.out << r.err;
  }
  if (r.exit_code != 0) {
    std::cerr << "waferbench: error: building " << name << " failed (see " << log.string() << ")\n";
    return 1;
  }
  // Newer than what it was checked against, even when nothing needed relinking.
  std::error_code ec;
  fs::last_write_time(target, fs::file_time_type::clock::now(), ec);
  return 0;
}

}  // namespace

int hand_over(char* argv[], const std::string& executable) {
  const fs::path self = self_exe();
  const fs::path dir = self.parent_path();
  std::cout.flush();
  if (executable == tb::kBigExecutable && fs::exists(dir / "CMakeCache.txt")) {
    if (const int rc = build_on_demand(dir, self, executable); rc != 0) return rc;
  }
  const std::string target = (dir / executable).string();
  execv(target.c_str(), argv);
  std::cerr << "waferbench: error: this command needs RTL that is in " << target << " (build it: cmake --build "
            << dir.string() << " --target " << executable << ")\n";
  return 2;
}

}  // namespace wb::cli
