// SPDX-License-Identifier: Apache-2.0
#pragma once
// Launchers of a sweep's pending jobs. Each job runs as `waferbench sweep-worker DIR ID...`
// (run_sweep_job), wherever the launcher puts it, so every launcher leaves the same files.
//   local     all cores of this machine (sw::run_children)
//   parallel  GNU parallel (its joblog beside the jobs; --launcher-args adds e.g. -S hosts)
//   slurm     one `sbatch --array` job array, at most `max_running` tasks at once, several
//             jobs per task when there are more than `max_tasks`; waits for it with squeue
#include <cstddef>
#include <string>
#include <vector>

#include "sw/sweep_dir.hpp"

namespace wb::sw {

enum class Launcher { kLocal, kParallel, kSlurm };
Launcher parse_launcher(const std::string& name);  // InputError for another name
const char* launcher_name(Launcher launcher);
// InputError unless the launcher's programs are on PATH (parallel; sbatch and squeue).
void check_launcher(Launcher launcher);

struct LaunchOptions {
  Launcher launcher = Launcher::kLocal;
  int jobs = 0;                   // local and parallel: jobs at once (0: every available core)
  int max_tasks = 100;            // slurm: array tasks at most (jobs are grouped into this many)
  int max_running = 8;            // slurm: tasks running at once (the array's %throttle)
  std::vector<std::string> extra;  // more arguments for parallel or sbatch (--launcher-args)
  double poll_seconds = 1.0;      // slurm: squeue poll interval
};

// The ids in groups of ceil(n / max_tasks), in order: the jobs of each array task.
std::vector<std::vector<std::string>> group_jobs(const std::vector<std::string>& ids, int max_tasks);

// The batch script of a Slurm array whose task t runs the jobs on line t+1 of `tasks_file`.
std::string slurm_script(const SweepDir& dir, const std::string& exe, const std::string& tasks_file,
                         std::size_t tasks, int max_running);

// Runs the pending jobs `ids` with the launcher and returns when all have ended (each job's
// result or log is then in `dir`). `exe` is waferbench. Throws std::runtime_error when the
// launcher cannot be started or reports a failure of its own (sbatch refused the array).
void launch_sweep(const SweepDir& dir, const std::vector<std::string>& ids, const std::string& exe,
                  const LaunchOptions& options);

}  // namespace wb::sw
