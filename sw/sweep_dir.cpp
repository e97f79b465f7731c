// SPDX-License-Identifier: Apache-2.0
#include "sw/sweep_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "sw/child_process.hpp"
#include "sw/error.hpp"
#include "sw/file_util.hpp"
#include "sw/parse.hpp"

namespace wb::sw {

namespace fs = std::filesystem;

namespace {

bool is_job_id(const std::string& id) {
  if (id.size() != 16) return false;
  for (const char c : id) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) || std::isupper(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

SweepDir::SweepDir(const std::string& dir) {
  if (dir.empty()) throw InputError("--out needs a folder");
  std::error_code ec;
  m_dir = fs::absolute(dir, ec).lexically_normal().string();
  if (ec) throw InputError("cannot resolve --out '" + printable(dir) + "'");
  while (m_dir.size() > 1 && m_dir.back() == '/') m_dir.pop_back();
}

void SweepDir::prepare(const std::vector<SweepJob>& jobs) const {
  for (const char* sub : {"jobs", "results", "logs"}) {
    std::error_code ec;
    fs::create_directories(m_dir + "/" + sub, ec);
    if (ec || !fs::is_directory(m_dir + "/" + sub)) {
      throw InputError("cannot create the sweep folder " + m_dir + "/" + sub + (ec ? " (" + ec.message() + ")" : ""));
    }
  }
  for (const SweepJob& job : jobs) {
    if (fs::exists(job_path(job.id))) continue;  // the same options: the same file
    nlohmann::json options = nlohmann::json::object();
    for (const auto& [option, value] : job.options) {
      options[option] = value.flag || value.off ? nlohmann::json(value.flag) : nlohmann::json(value.text);
    }
    const nlohmann::json j{{"id", job.id}, {"command", job.command}, {"options", options}, {"args", job.args()}};
    write_file_atomically(job_path(job.id), j.dump(2) + "\n");
  }
}

bool SweepDir::done(const std::string& id) const {
  std::error_code ec;
  return fs::is_regular_file(result_path(id), ec);
}

std::vector<std::string> SweepDir::job_args(const std::string& id) const {
  if (!is_job_id(id)) throw InputError("'" + printable(id) + "' is not a sweep job id (16 hex digits)");
  std::ifstream in(job_path(id));
  if (!in) throw InputError("no job " + id + " in " + m_dir + " (prepare the sweep first)");
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    return j.at("args").get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw InputError(job_path(id) + ": malformed job file: " + printable(e.what()));
  }
}

SweepLock::SweepLock(const SweepDir& dir) {
  std::error_code ec;
  fs::create_directories(dir.path(), ec);
  const std::string path = dir.path() + "/.lock";
  m_fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (m_fd < 0) throw InputError("cannot create the sweep folder " + dir.path());
  if (flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
    close(m_fd);
    throw InputError("another sweep is running in " + dir.path() + " (it holds " + path + ")");
  }
}

SweepLock::~SweepLock() { close(m_fd); }

int run_sweep_job(const SweepDir& dir, const std::string& id, const std::string& exe) {
  if (dir.done(id)) return 0;
  std::vector<std::string> argv{exe};
  for (const std::string& a : dir.job_args(id)) argv.push_back(a);
  argv.push_back("--json");
  argv.push_back(dir.result_path(id));
  ChildOptions options;
  options.capture_err = true;
  const ChildResult r = run_child(argv, options);
  std::ostringstream log;
  log << "$";
  for (const std::string& a : argv) log << " " << a;
  log << "\n" << r.out << r.err << "exit " << r.exit_code << ", " << r.wall_seconds << " s wall, " << r.cpu_seconds
      << " s CPU\n";
  write_file_atomically(dir.log_path(id), log.str());
  return r.exit_code;
}

}  // namespace wb::sw
