// SPDX-License-Identifier: Apache-2.0
#include "sw/sweep_launch.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "sw/child_process.hpp"
#include "sw/error.hpp"
#include "sw/file_util.hpp"
#include "sw/hash.hpp"
#include "sw/parse.hpp"

namespace wb::sw {

namespace {

// Files of one launch are named by a hash of its job ids, so a re-run with other pending jobs
// never rewrites a file that a running launch still reads.
std::string launch_name(const std::vector<std::string>& ids) {
  std::string all;
  for (const std::string& id : ids) all += id + "\n";
  return hex64(fnv1a_64(all.data(), all.size()));
}

std::string lines_of(const std::vector<std::vector<std::string>>& groups) {
  std::string text;
  for (const auto& group : groups) {
    for (std::size_t i = 0; i < group.size(); ++i) text += (i ? " " : "") + group[i];
    text += "\n";
  }
  return text;
}

// Single quotes for /bin/sh (paths in the batch script).
std::string sh_quote(const std::string& s) {
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The program `name` on PATH, or "" (run_child takes a path).
std::string find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const std::size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::string candidate = (end > start ? dirs.substr(start, end - start) : std::string(".")) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

ChildResult run_tool(std::vector<std::string> argv) {
  ChildOptions o;
  o.capture_err = true;
  const std::string program = find_program(argv[0]);
  if (program.empty()) throw std::runtime_error(argv[0] + " is not on PATH");
  argv[0] = program;
  try {
    return run_child(argv, o);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot start " + argv[0] + " (" + e.what() + ")");
  }
}

void launch_local(const SweepDir& dir, const std::vector<std::string>& ids, const std::string& exe, int jobs) {
  std::vector<std::vector<std::string>> argvs;
  for (const std::string& id : ids) argvs.push_back({exe, "sweep-worker", dir.path(), id});
  run_children(argvs, jobs > 0 ? jobs : available_cores());
}

void launch_parallel(const SweepDir& dir, const std::vector<std::string>& ids, const std::string& exe,
                     const LaunchOptions& o) {
  const std::string name = launch_name(ids);
  std::filesystem::create_directories(dir.path() + "/parallel");
  const std::string list = dir.path() + "/parallel/jobs-" + name + ".txt";
  write_file_atomically(list, lines_of(group_jobs(ids, static_cast<int>(ids.size()))));
  std::vector<std::string> argv{"parallel", "--will-cite", "-q", "--halt", "never", "-j",
                                std::to_string(o.jobs > 0 ? o.jobs : available_cores()),
                                "--joblog", dir.path() + "/parallel/joblog-" + name + ".txt"};
  argv.insert(argv.end(), o.extra.begin(), o.extra.end());
  for (const std::string& a : {exe, std::string("sweep-worker"), dir.path(), std::string("{}"), std::string("::::"), list}) {
    argv.push_back(a);
  }
  const ChildResult r = run_tool(argv);
  // parallel exits with the number of failed jobs (up to 100): those are the jobs' own failures,
  // found in their logs; 255 and signals are its own.
  if (r.exit_code < 0 || r.exit_code > 100) {
    throw std::runtime_error("GNU parallel failed (exit " + std::to_string(r.exit_code) + "): " + printable(r.err));
  }
}

void launch_slurm(const SweepDir& dir, const std::vector<std::string>& ids, const std::string& exe,
                  const LaunchOptions& o) {
  const std::string name = launch_name(ids);
  const std::string sub = dir.path() + "/slurm";
  std::filesystem::create_directories(sub);
  const auto groups = group_jobs(ids, o.max_tasks);
  const std::string tasks = sub + "/tasks-" + name + ".txt", script = sub + "/array-" + name + ".sbatch";
  write_file_atomically(tasks, lines_of(groups));
  write_file_atomically(script, slurm_script(dir, exe, tasks, groups.size(), o.max_running));
  std::vector<std::string> argv{"sbatch", "--parsable"};
  argv.insert(argv.end(), o.extra.begin(), o.extra.end());
  argv.push_back(script);
  const ChildResult r = run_tool(argv);
  std::string job = r.out.substr(0, r.out.find_first_of(";\n"));
  if (r.exit_code != 0 || job.empty()) {
    throw std::runtime_error("sbatch refused the job array (exit " + std::to_string(r.exit_code) + "): " + printable(r.err));
  }
  std::cout << "sweep: submitted Slurm job array " << job << " (" << groups.size() << " tasks of up to "
            << groups.front().size() << " jobs, " << o.max_running << " at once)" << std::endl;
  // Until no task of the array is pending or running (finished tasks leave squeue).
  for (;;) {
    const ChildResult q = run_tool({"squeue", "-h", "-j", job, "-o", "%i %T"});
    if (q.exit_code != 0 && q.err.find("Invalid job id") == std::string::npos) {
      throw std::runtime_error("squeue failed (exit " + std::to_string(q.exit_code) + "): " + printable(q.err));
    }
    if (q.exit_code != 0 || q.out.find_first_not_of(" \n") == std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::duration<double>(o.poll_seconds));
  }
}

}  // namespace

void check_launcher(Launcher launcher) {
  const std::vector<std::string> tools = launcher == Launcher::kParallel ? std::vector<std::string>{"parallel"}
                                         : launcher == Launcher::kSlurm  ? std::vector<std::string>{"sbatch", "squeue"}
                                                                         : std::vector<std::string>{};
  for (const std::string& tool : tools) {
    if (find_program(tool).empty()) {
      throw InputError(std::string("--launcher ") + launcher_name(launcher) + " needs " + tool +
                       " on PATH (scripts/setup.sh installs GNU parallel and the Slurm client)");
    }
  }
}

Launcher parse_launcher(const std::string& name) {
  if (name == "local") return Launcher::kLocal;
  if (name == "parallel") return Launcher::kParallel;
  if (name == "slurm") return Launcher::kSlurm;
  throw InputError("--launcher must be local, parallel or slurm, got '" + printable(name) + "'");
}

const char* launcher_name(Launcher launcher) {
  switch (launcher) {
    case Launcher::kLocal: return "local";
    case Launcher::kParallel: return "parallel";
    case Launcher::kSlurm: return "slurm";
  }
  return "?";
}

std::vector<std::vector<std::string>> group_jobs(const std::vector<std::string>& ids, int max_tasks) {
  std::vector<std::vector<std::string>> groups;
  if (ids.empty()) return groups;
  const std::size_t tasks = static_cast<std::size_t>(std::max(1, max_tasks));
  const std::size_t per = (ids.size() + tasks - 1) / tasks;
  for (std::size_t i = 0; i < ids.size(); i += per) {
    groups.emplace_back(ids.begin() + static_cast<std::ptrdiff_t>(i),
                        ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), i + per)));
  }
  return groups;
}

std::string slurm_script(const SweepDir& dir, const std::string& exe, const std::string& tasks_file,
                         std::size_t tasks, int max_running) {
  std::ostringstream s;
  s << "#!/bin/sh\n"
    << "#SBATCH --job-name=waferbench-sweep\n"
    << "#SBATCH --array=0-" << tasks - 1 << "%" << max_running << "\n"
    << "#SBATCH --ntasks=1\n"
    << "#SBATCH --cpus-per-task=1\n"
    << "#SBATCH --output=" << dir.path() << "/slurm/%A_%a.out\n"
    << "# Task t runs the sweep jobs on line t+1 of the task file (written by waferbench sweep).\n"
    << "ids=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" " << sh_quote(tasks_file) << ")\n"
    << "exec " << sh_quote(exe) << " sweep-worker " << sh_quote(dir.path()) << " $ids\n";
  return s.str();
}

void launch_sweep(const SweepDir& dir, const std::vector<std::string>& ids, const std::string& exe,
                  const LaunchOptions& options) {
  if (ids.empty()) return;
  switch (options.launcher) {
    case Launcher::kLocal: return launch_local(dir, ids, exe, options.jobs);
    case Launcher::kParallel: return launch_parallel(dir, ids, exe, options);
    case Launcher::kSlurm: return launch_slurm(dir, ids, exe, options);
  }
}

}  // namespace wb::sw
