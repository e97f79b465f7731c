// SPDX-License-Identifier: Apache-2.0
#pragma once
// The state of a sweep lives in its output folder, one file per fact, each written whole
// (temporary + rename), so a sweep killed at any moment resumes with nothing lost, duplicated
// or half-written:
//   DIR/jobs/<id>.json      the job: command, options and arguments (written before any runs)
//   DIR/results/<id>.json   its --json result, written by the subcommand itself; a job is done
//                           exactly when this file exists, so a re-run skips it
//   DIR/logs/<id>.log       the command line, output and exit code of its last attempt
//   DIR/results.csv         the merged records of the spec's jobs (sw/sweep_merge.hpp)
//   DIR/report/             their HTML report (sw/report_page.hpp)
#include <string>
#include <vector>

#include "sw/sweep_spec.hpp"

namespace wb::sw {

class SweepDir {
 public:
  // `dir` is made absolute (jobs may run on other machines that share the folder).
  explicit SweepDir(const std::string& dir);

  const std::string& path() const { return m_dir; }
  std::string job_path(const std::string& id) const { return m_dir + "/jobs/" + id + ".json"; }
  std::string result_path(const std::string& id) const { return m_dir + "/results/" + id + ".json"; }
  std::string log_path(const std::string& id) const { return m_dir + "/logs/" + id + ".log"; }
  std::string csv_path() const { return m_dir + "/results.csv"; }
  std::string report_path() const { return m_dir + "/report"; }

  // Creates the folders and writes every job file that is missing. Throws InputError when the
  // folder cannot be made or written.
  void prepare(const std::vector<SweepJob>& jobs) const;
  bool done(const std::string& id) const;
  // The arguments of a prepared job (InputError for an unknown or malformed id or file).
  std::vector<std::string> job_args(const std::string& id) const;

 private:
  std::string m_dir;
};

// Holds DIR/.lock (flock) for the life of the object, so two sweeps never run in one folder at
// once; throws InputError when another holds it.
class SweepLock {
 public:
  explicit SweepLock(const SweepDir& dir);
  ~SweepLock();
  SweepLock(const SweepLock&) = delete;
  SweepLock& operator=(const SweepLock&) = delete;

 private:
  int m_fd = -1;
};

// Runs one prepared job unless it is done: `exe` with its arguments and --json at its result
// path, then writes its log. Returns the job's exit code (0 when already done).
int run_sweep_job(const SweepDir& dir, const std::string& id, const std::string& exe);

}  // namespace wb::sw
