// SPDX-License-Identifier: Apache-2.0
// [unit] Sweeps (sw/sweep_*.hpp): specs in JSON and YAML, the grid's jobs and their ids, the
// folder's job state, the merged CSV and the Slurm grouping.
#include "tests/case_dir.hpp"  // first: it includes Catch2 with listeners

#include <filesystem>
#include <fstream>
#include <set>

#include "sw/error.hpp"
#include "sw/file_util.hpp"
#include "sw/hash.hpp"
#include "sw/layer_record.hpp"
#include "sw/record_csv.hpp"
#include "sw/sweep_dir.hpp"
#include "sw/sweep_launch.hpp"
#include "sw/sweep_merge.hpp"
#include "sw/sweep_spec.hpp"

using namespace wb;

namespace {

const char* kJson = R"({"command": "gemm", "m": [16, 32], "k": 32, "n": [16], "rows": [4, 8], "dataflow": ["ws", "os"]})";
const char* kYaml =
    "command: gemm\n"
    "dataflow: [ws, os]\n"  // other key order: the same points and ids
    "m: [16, 32]\n"
    "k: 32\n"
    "n: [16]\n"
    "rows:\n"
    "  - 4\n"
    "  - 8\n";

std::vector<sw::SweepJob> jobs_of(const std::string& text, bool yaml = false) {
  return sw::expand_sweep(sw::parse_sweep_spec(text, yaml, "spec"));
}

void check_refused(const std::string& text, const std::string& part, bool yaml = false) {
  INFO(text);
  try {
    jobs_of(text, yaml);
    FAIL("accepted");
  } catch (const sw::InputError& e) {
    CHECK_THAT(e.what(), Catch::Contains(part));
  }
}

}  // namespace

TEST_CASE("sweep spec: the grid's points in order, the last key fastest", "[unit]") {
  const auto jobs = jobs_of(kJson);
  REQUIRE(jobs.size() == 8);  // 2 m x 1 k x 1 n x 2 rows x 2 dataflows
  CHECK(jobs[0].args() == std::vector<std::string>{"gemm", "--m", "16", "--k", "32", "--n", "16", "--rows", "4", "--dataflow", "ws"});
  CHECK(jobs[1].args().back() == "os");
  CHECK(jobs[2].args()[8] == "8");
  CHECK(jobs[4].args()[2] == "32");
  CHECK(jobs[0].canonical_text() == "gemm\n--dataflow=ws\n--k=32\n--m=16\n--n=16\n--rows=4\n");
  const std::string c = jobs[0].canonical_text();
  CHECK(jobs[0].id == sw::hex64(sw::fnv1a_64(c.data(), c.size())));
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    for (std::size_t j = i + 1; j < jobs.size(); ++j) CHECK(jobs[i].id != jobs[j].id);
  }
}

TEST_CASE("sweep spec: YAML and JSON give the same jobs whatever the key order", "[unit]") {
  const auto json = jobs_of(kJson);
  const auto yaml = jobs_of(kYaml, true);
  REQUIRE(yaml.size() == json.size());
  std::set<std::string> a, b;
  for (const auto& j : json) a.insert(j.id);
  for (const auto& j : yaml) b.insert(j.id);
  CHECK(a == b);
  CHECK(yaml[0].args() == std::vector<std::string>{"gemm", "--dataflow", "ws", "--m", "16", "--k", "32", "--n", "16", "--rows", "4"});
}

TEST_CASE("sweep spec: a true boolean is a flag, false leaves the option out, numbers keep their text", "[unit]") {
  const auto jobs = jobs_of(R"({"command": "train", "no-baseline": [true, false], "ingress-bw": [0.5, 16]})");
  REQUIRE(jobs.size() == 4);
  CHECK(jobs[0].args() == std::vector<std::string>{"train", "--no-baseline", "--ingress-bw", "0.5"});
  CHECK(jobs[3].args() == std::vector<std::string>{"train", "--ingress-bw", "16"});
  CHECK(jobs[3].canonical_text() == "train\n--ingress-bw=16\n");
  const auto yaml = jobs_of("command: train\nno-baseline: [true, false]\ningress-bw: [0.5, 16]\n", true);
  CHECK(yaml[0].id == jobs[0].id);
  CHECK(yaml[3].id == jobs[3].id);
  CHECK(jobs_of(R"({"command": "run"})").size() == 1);  // no axes: the command's defaults
}

TEST_CASE("sweep spec: bad specs are one-line input errors", "[unit]") {
  check_refused("{", "not valid JSON");
  check_refused("[1, 2]", "an object of options");
  check_refused(R"({"m": [1]})", "\"command\" must name");
  check_refused(R"({"command": "bench"})", "cannot sweep command 'bench'");
  check_refused(R"({"command": "gemm", "json": "x.json"})", "writes each job's --json itself");
  check_refused(R"({"command": "gemm", "trace": "x.fst"})", "jobs write no other files");
  check_refused(R"({"command": "gemm", "out": "c.npy"})", "jobs write no other files");
  check_refused(R"({"command": "gemm", "report": "r"})", "jobs write no other files");
  check_refused(R"({"command": "gemm", "trace-from": 3})", "jobs write no other files");
  check_refused(R"({"command": "gemm", "--m": [1]})", "is not an option name");
  check_refused(R"({"command": "gemm", "m": []})", "is an empty list");
  check_refused(R"({"command": "gemm", "m": [[1, 2]]})", "no nested lists");
  check_refused(R"({"command": "gemm", "m": {"a": 1}})", "no nested lists");
  check_refused(R"({"command": "gemm", "m": [4, 4]})", "lists '4' twice");
  check_refused(R"({"command": "gemm", "layout": ""})", "empty string");
  check_refused(R"({"command": "gemm", "m": null})", "must be a number");
  check_refused("command: gemm\nm: [1, 2\n", "not valid YAML", true);
  check_refused("command: gemm\nm:\n", "is empty", true);
  check_refused("command: gemm\nm: 1\nm: 2\n", "appears twice", true);
  // 7 axes of 6 values: 279 936 points
  check_refused(R"({"command": "gemm", "m": [1,2,3,4,5,6], "k": [1,2,3,4,5,6], "n": [1,2,3,4,5,6], "rows": [1,2,3,4,5,6],
                   "cols": [1,2,3,4,5,6], "seed": [1,2,3,4,5,6], "mem-bw": [1,2,3,4,5,6]})", "279936 points, over the limit");
}

TEST_CASE("sweep folder: jobs written once, done when the result exists, CSV of the done ones", "[unit]") {
  const sw::SweepDir dir(test::case_path("sweep"));
  const auto jobs = jobs_of(R"({"command": "gemm", "m": [4, 8], "dataflow": "os"})");
  dir.prepare(jobs);
  dir.prepare(jobs);  // a re-run rewrites nothing
  CHECK(dir.job_args(jobs[1].id) == std::vector<std::string>{"gemm", "--m", "8", "--dataflow", "os"});
  CHECK_FALSE(dir.done(jobs[0].id));
  CHECK_THROWS_AS(dir.job_args("../etc/passwd"), sw::InputError);
  sw::LayerRecord rec;
  rec.command = "gemm";
  rec.target = "array";
  rec.name = "gemm";
  rec.m = 8;
  rec.cycles = 27;
  rec.golden = "pass";
  nlohmann::json result{{"cycles", 27}};
  sw::put_records(result, {rec});
  sw::write_file_atomically(dir.result_path(jobs[1].id), result.dump());
  CHECK(dir.done(jobs[1].id));
  const sw::SweepTable t = sw::merge_sweep(jobs, dir);
  CHECK(t.csv == "job,--m,--dataflow," + sw::records_csv_header() + jobs[1].id + ",8,os," + sw::records_csv_row(rec));
  REQUIRE(t.records.size() == 1);
  CHECK(t.records[0].name == "m=8: gemm");  // dataflow is the same in every job
  CHECK(t.records[0].cycles == 27);
  CHECK(t.jobs_merged == 1);
  CHECK(t.missing == std::vector<std::string>{jobs[0].id});
  CHECK(sw::run_sweep_job(dir, jobs[1].id, "/nonexistent") == 0);  // done: not run again
  sw::write_file_atomically(dir.result_path(jobs[0].id), R"({"m": 4, "cycles": 30})");
  CHECK_THROWS_WITH(sw::merge_sweep(jobs, dir), Catch::Contains("holds no per-layer records of schema 2"));
  sw::write_file_atomically(dir.result_path(jobs[0].id), "{\"m\": 4,");
  CHECK_THROWS_WITH(sw::merge_sweep(jobs, dir), Catch::Contains("not a JSON result"));
}

TEST_CASE("sweep folder: one sweep at a time", "[unit]") {
  const sw::SweepDir dir(test::case_path("locked"));
  const sw::SweepLock lock(dir);
  CHECK_THROWS_WITH(sw::SweepLock(dir), Catch::Contains("another sweep is running"));
}

TEST_CASE("sweep merge: records are named by the options that vary, flags bare, false flags left out", "[unit]") {
  const auto jobs = jobs_of(R"({"command": "train", "no-baseline": [true, false], "systems": 2, "steps": [1, 2]})");
  const auto varying = sw::varying_options(jobs);
  CHECK(varying == std::vector<std::string>{"no-baseline", "steps"});
  CHECK(sw::sweep_point_text(jobs[0], varying) == "no-baseline steps=1");
  CHECK(sw::sweep_point_text(jobs[3], varying) == "steps=2");
  const auto one = jobs_of(R"({"command": "run", "batch": 4})");
  CHECK(sw::varying_options(one).empty());
  CHECK(sw::sweep_point_text(one[0], {}) == "run");
}

TEST_CASE("sweep launch: Slurm tasks of ceil(n / max tasks) jobs, throttled", "[unit]") {
  const std::vector<std::string> ids{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
  const auto groups = sw::group_jobs(ids, 4);  // 3 per task
  REQUIRE(groups.size() == 4);
  CHECK(groups[0] == std::vector<std::string>{"a", "b", "c"});
  CHECK(groups[3] == std::vector<std::string>{"j"});
  CHECK(sw::group_jobs(ids, 100).size() == 10);
  CHECK(sw::group_jobs({}, 4).empty());
  const std::string script = sw::slurm_script(sw::SweepDir("/work/s"), "/opt/wb", "/work/s/slurm/t.txt", 4, 2);
  CHECK_THAT(script, Catch::Contains("#SBATCH --array=0-3%2\n"));
  CHECK_THAT(script, Catch::Contains("#SBATCH --output=/work/s/slurm/%A_%a.out\n"));
  CHECK_THAT(script, Catch::Contains("ids=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" '/work/s/slurm/t.txt')\n"));
  CHECK_THAT(script, Catch::Contains("exec '/opt/wb' sweep-worker '/work/s' $ids\n"));
  CHECK(sw::parse_launcher("slurm") == sw::Launcher::kSlurm);
  CHECK_THROWS_AS(sw::parse_launcher("pbs"), sw::InputError);
}
