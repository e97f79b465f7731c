// SPDX-License-Identifier: Apache-2.0
// waferbench sweep: a grid over a subcommand's options (sw/sweep_spec.hpp), its jobs run by a
// launcher (sw/sweep_launch.hpp) and merged into one CSV (sw/sweep_merge.hpp). The state is in
// --out (sw/sweep_dir.hpp): a re-run runs only what is missing.
#include <iostream>
#include <string>
#include <vector>

#include "sw/energy.hpp"
#include "sw/error.hpp"
#include "sw/file_util.hpp"
#include "sw/parse.hpp"
#include "sw/report_page.hpp"
#include "sw/sweep_dir.hpp"
#include "sw/sweep_launch.hpp"
#include "sw/sweep_merge.hpp"
#include "sw/sweep_spec.hpp"
#include "tb/cli/commands.hpp"
#include "tb/cli/options.hpp"
#include "tb/cli/report_outputs.hpp"

namespace po = boost::program_options;

namespace wb::cli {

namespace {

const char* kUsage =
    "usage: waferbench sweep SPEC.json|SPEC.yaml --out DIR [--launcher local|parallel|slurm] [options]\n"
    "SPEC: {\"command\": \"gemm\", \"m\": [16, 32], \"rows\": [4, 8], \"dataflow\": [\"ws\", \"os\"], ...}: every\n"
    "key an option of the command, with one value or a list; the jobs are the grid's points. Their\n"
    "per-layer records merge into DIR/results.csv and the page DIR/report/index.html; a re-run skips\n"
    "the jobs that are done.";

struct SweepArgs {
  std::string out, launcher = "local", launcher_args;
  int jobs = 0, max_tasks = 100, max_running = 8;
  bool dry_run = false;

  void describe(po::options_description& desc) {
    desc.add_options()("help", "show this help")
        ("out", po::value(&out), "the sweep's folder: jobs, results, logs and results.csv (required)")
        ("launcher", po::value(&launcher)->default_value(launcher),
         "local (every core here), parallel (GNU parallel) or slurm (one sbatch --array job array)")
        ("jobs", po::value(&jobs)->default_value(jobs), "local, parallel: jobs at once (0: every available core)")
        ("max-tasks", po::value(&max_tasks)->default_value(max_tasks),
         "slurm: array tasks at most; more jobs than this run several per task")
        ("max-running", po::value(&max_running)->default_value(max_running), "slurm: array tasks running at once (%N)")
        ("launcher-args", po::value(&launcher_args),
         "more arguments for parallel or sbatch, split at spaces (e.g. '--partition=batch --time=10')")
        ("dry-run", po::bool_switch(&dry_run), "write the jobs and print what would run, run nothing");
  }

  sw::LaunchOptions validate() const {
    if (out.empty()) throw sw::InputError("--out DIR is required (the sweep's folder)");
    sw::LaunchOptions o;
    o.launcher = sw::parse_launcher(launcher);
    if (jobs < 0 || jobs > 1024) throw sw::InputError("--jobs must be in [0, 1024] (0: every available core)");
    if (max_tasks < 1 || max_tasks > 100000) throw sw::InputError("--max-tasks must be in [1, 100000]");
    if (max_running < 1 || max_running > 100000) throw sw::InputError("--max-running must be in [1, 100000]");
    if (!launcher_args.empty()) {
      if (o.launcher == sw::Launcher::kLocal) throw sw::InputError("--launcher-args needs --launcher parallel or slurm");
      o.extra = parse_list(launcher_args, "--launcher-args", "arguments");
    }
    o.jobs = jobs;
    o.max_tasks = max_tasks;
    o.max_running = max_running;
    return o;
  }
};

// DIR/results.csv and the HTML report DIR/report of every merged record, both or neither.
void write_merged(const sw::SweepDir& dir, const std::vector<sw::SweepJob>& jobs, const sw::SweepTable& table) {
  sw::OutputFiles files;
  files.add("results.csv", dir.csv_path());
  files.add_dir("the sweep's report", dir.report_path());
  files.write(dir.csv_path(), table.csv);
  sw::RunInfo info;
  info.title = "waferbench sweep: " + std::to_string(jobs.size()) + " jobs of " + jobs.front().command;
  info.summary.push_back(std::to_string(table.jobs_merged) + " of " + std::to_string(jobs.size()) + " jobs done, " +
                         std::to_string(table.records.size()) + " records; each record is named by its job's values of the options that vary.");
  info.command_line = invocation();
  nlohmann::json run{{"command", "sweep"}, {"dir", dir.path()}, {"jobs", jobs.size()}, {"missing", table.missing}};
  const sw::EnergyTable energy = sw::default_energy_table();
  files.write_dir(dir.report_path(),
                  sw::report_files(sw::layer_page(info, table.records, energy), table.records, energy, run));
  files.commit();
}

}  // namespace

int sweep_command(int argc, char** argv) {
  // The spec is the one argument without an option name; it comes first.
  std::string spec_path;
  if (argc >= 2 && std::string(argv[1]).rfind("--", 0) != 0) {
    spec_path = argv[1];
    --argc;
    ++argv;
  }
  SweepArgs args;
  po::options_description desc("waferbench sweep options");
  args.describe(desc);
  if (!parse_command_line(argc, argv, desc, kUsage)) return 0;
  if (spec_path.empty()) throw sw::InputError("no sweep spec given (waferbench sweep SPEC.json --out DIR)");
  sw::LaunchOptions launch = args.validate();
  if (!args.dry_run) sw::check_launcher(launch.launcher);
  const std::vector<sw::SweepJob> jobs = sw::expand_sweep(sw::read_sweep_spec(spec_path));
  const sw::SweepDir dir(args.out);
  const sw::SweepLock lock(dir);
  dir.prepare(jobs);
  std::vector<std::string> pending;
  for (const sw::SweepJob& job : jobs) {
    if (!dir.done(job.id)) pending.push_back(job.id);
  }
  std::cout << "sweep: " << jobs.size() << " jobs of " << jobs.front().command << " in " << dir.path() << ": "
            << jobs.size() - pending.size() << " done, " << pending.size() << " to run (" << args.launcher << ")"
            << std::endl;
  if (args.dry_run) {
    for (const sw::SweepJob& job : jobs) {
      std::cout << (dir.done(job.id) ? "done " : "run  ") << job.id << "  waferbench";
      for (const std::string& a : job.args()) std::cout << " " << a;
      std::cout << "\n";
    }
    return 0;
  }
  sw::launch_sweep(dir, pending, self_exe(), launch);
  const sw::SweepTable table = sw::merge_sweep(jobs, dir);
  write_merged(dir, jobs, table);
  std::cout << "sweep: " << table.jobs_merged << "/" << jobs.size() << " jobs done, " << table.missing.size()
            << " failed; " << table.records.size() << " records in " << dir.csv_path() << " and " << dir.report_path()
            << "/index.html\n";
  for (std::size_t i = 0; i < table.missing.size() && i < 5; ++i) {
    std::cerr << "waferbench: sweep job " << table.missing[i] << " failed (log: " << dir.log_path(table.missing[i]) << ")\n";
  }
  return table.missing.empty() ? 0 : 1;
}

int sweep_worker_command(int argc, char** argv) {
  if (argc < 3) throw sw::InputError("usage: waferbench sweep-worker DIR ID...");
  const sw::SweepDir dir(argv[1]);
  const std::string exe = self_exe();
  int code = 0;
  for (int i = 2; i < argc; ++i) {
    if (sw::run_sweep_job(dir, argv[i], exe) != 0) code = 1;
  }
  return code;
}

}  // namespace wb::cli
