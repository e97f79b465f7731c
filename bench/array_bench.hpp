// SPDX-License-Identifier: Apache-2.0
#pragma once
// The array benchmark of `waferbench bench`: simulated cycles per CPU-second of (a) the
// Verilated array driven by a bare C++ loop (raw_loop.hpp), (b) the full SystemC/TLM path
// (memory -> streamer -> transactor -> RTL -> monitor) and (m) the C++ reference model on the
// same beats, on the same GEMM; and the network figure, whole processes running the GEMMs of a
// BERT-base encoder layer (the mapped layers of sw::builtin_network("bert-base")). (b) and the
// network run in worker processes, because SystemC elaborates once per process: the harness
// starts `<worker prefix> <args>`, where the prefix is a program that hands the arguments to
// parse_worker_job, runs run_worker_job and prints to_json of the result on one line
// (`waferbench bench-worker`).
// Medians over `repeat` runs.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/raw_loop.hpp"
#include "models/ref/engine.hpp"
#include "sw/gemm_plan.hpp"

namespace wb::bench {

// The benchmark GEMM, 4 folds sized for about `cycles` cycles: WS streams M rows per fold
// (M x 2R x 2C), OS streams K beat pairs per fold (2R x K x 2C).
sw::GemmShape bench_shape(sw::ArrayShape array, sw::Dataflow dataflow, std::uint64_t cycles);

// The beats of `plan` on A and B in stream order, for the bare loop.
RawWorkload raw_workload(const sw::GemmPlan& plan, const sw::MatrixI8& a, const sw::MatrixI8& b);

// Sum of every element: what the bare loop can check against.
std::int64_t checksum(const sw::MatrixI32& c);

// One worker process's job on the TLM path: one random GEMM (A from seed 1, B from seed 2), or
// every GEMM of `network` ("bert-encoder").
struct WorkerJob {
  sw::ArrayShape array{16, 16};
  sw::GemmShape shape{0, 0, 0};
  sw::Dataflow dataflow = sw::Dataflow::kWeightStationary;
  ref::Engine engine = ref::Engine::kRtl;
  std::string network;
};

struct WorkerResult {
  std::uint64_t cycles = 0;    // clocked by the DUT
  double seconds = 0.0;        // wall time of the simulation
  double cpu_seconds = 0.0;    // CPU time of the GEMMs alone (the golden checks come after)
  std::uint64_t gemms = 0;
  std::int64_t checksum = 0;   // over every result
  bool golden = false;
};

// The worker's arguments for `job` (--name value pairs), and their reading in the worker.
std::vector<std::string> worker_args(const WorkerJob& job);
WorkerJob parse_worker_job(const std::vector<std::string>& args);  // throws sw::InputError
// Runs `job` in this process (one SystemC elaboration). Throws sw::InputError on a bad job.
WorkerResult run_worker_job(const WorkerJob& job);
// The worker's one line of output, and its reading in the harness.
nlohmann::json to_json(const WorkerResult& r);
WorkerResult worker_result(const nlohmann::json& j);

struct ArrayBenchRow {
  sw::ArrayShape array;
  sw::Dataflow dataflow = sw::Dataflow::kWeightStationary;
  sw::GemmShape shape{0, 0, 0};
  int repeat = 0;
  std::uint64_t raw_cycles = 0, tlm_cycles = 0, model_cycles = 0;
  double raw_cpu_rate = 0, raw_wall_rate = 0, tlm_rate = 0, model_rate = 0;  // medians, cycles per second
  bool golden = true;
};

// (a), (b) and (m) on bench_shape(array, dataflow, cycles), interleaved so that machine noise
// hits them alike. `worker_prefix` starts a worker (e.g. {"/path/waferbench", "bench-worker"}).
ArrayBenchRow measure_array(sw::ArrayShape array, sw::Dataflow dataflow, std::uint64_t cycles, int repeat,
                            const std::vector<std::string>& worker_prefix);
nlohmann::json to_json(const ArrayBenchRow& row);

struct NetworkBenchRow {
  ref::Engine engine = ref::Engine::kRtl;
  int repeat = 0;
  std::uint64_t gemms = 0, cycles = 0;
  double wall_seconds = 0, cpu_seconds = 0, peak_rss_mb = 0;  // medians over whole processes
  bool golden = false;
};

// The BERT-base encoder layer on the 16x16 array, OS, in whole worker processes.
NetworkBenchRow measure_network(ref::Engine engine, int repeat, const std::vector<std::string>& worker_prefix);
nlohmann::json to_json(const NetworkBenchRow& row);

}  // namespace wb::bench
