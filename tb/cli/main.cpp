// SPDX-License-Identifier: Apache-2.0
// waferbench: co-simulation testbench for deep-learning hardware.
#include <systemc>  // declares extern "C" sc_main

#include <boost/program_options.hpp>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>


#include "sw/error.hpp"
#include "sw/parse.hpp"
#include "tb/cli/commands.hpp"
#include "tb/cli/hand_over.hpp"
#include "tb/cli/options.hpp"
#include "tb/rtl_elsewhere.hpp"

namespace {

// The SystemC banner is printed when the kernel starts, before sc_main: switch it off from a
// static initialiser.
const int kNoBanner = setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 1);

const char* kUsage =
    "usage: waferbench <command> [options]   (waferbench <command> --help for its options)\n"
    "commands:\n"
    "  run      the built-in default workload (an int8 MLP) on the systolic array or the fabric, per layer\n"
    "  gemm     one GEMM C = A * B on the systolic array or the compute fabric, golden-checked\n"
    "  sparsity one layer or network at several weight densities on the array, the fabric or both: speedup vs dense and 1/d\n"
    "  train    training steps of an MLP on N array systems with weight streaming, store and reduce tree\n"
    "  bench    simulation speed: bare Verilator loop vs the full SystemC/TLM path\n"
    "  noc      synthetic traffic on a router-only mesh of the wafer-fabric RTL (latency, load)\n"
    "  fabric-bench  simulation speed of the fabric RTL: cycles/s and router-cycles/s per mesh\n"
    "  sweep    a grid over another command's options, run locally, with GNU parallel or on Slurm, into one CSV\n"
    "  whatif   training time of a model at scale, at the utilisation and efficiency a simulated run measured\n"
    "every simulating command writes --json, --csv FILE, --scalesim-csv DIR and an HTML --report DIR\n";

}  // namespace

int sc_main(int argc, char* argv[]) {
  if (argc < 2) {
    std::cerr << "waferbench: error: no command given (one of run, gemm, sparsity, train, whatif, bench, noc, fabric-bench, sweep; "
                 "see waferbench --help)\n";
    return 2;
  }
  if (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::cout << kUsage;
    return 0;
  }
  const std::string command = argv[1];
  wb::cli::set_invocation(argc, argv);
  try {
    if (command == "gemm") return wb::cli::gemm_command(argc - 1, argv + 1);
    if (command == "run") return wb::cli::run_command(argc - 1, argv + 1);
    if (command == "bench") return wb::cli::bench_command(argc - 1, argv + 1);
    if (command == "noc") return wb::cli::noc_command(argc - 1, argv + 1);
    if (command == "sparsity") return wb::cli::sparsity_command(argc - 1, argv + 1);
    if (command == "fabric-bench") return wb::cli::fabric_bench_command(argc - 1, argv + 1);
    if (command == "train") return wb::cli::train_command(argc - 1, argv + 1);
    if (command == "whatif") return wb::cli::whatif_command(argc - 1, argv + 1);
    if (command == "sweep") return wb::cli::sweep_command(argc - 1, argv + 1);
    if (command == "sweep-worker") return wb::cli::sweep_worker_command(argc - 1, argv + 1);
    if (command == "bench-worker") return wb::cli::bench_worker_command(argc - 1, argv + 1);
    std::cerr << "waferbench: error: unknown command '" << wb::sw::printable(command) << "' (see waferbench --help)\n";
    return 2;
  } catch (const wb::tb::RtlElsewhere& e) {
    return wb::cli::hand_over(argv, e.executable);
  } catch (const wb::sw::InputError& e) {
    // printable(): a message quoting user input stays one line
    std::cerr << "waferbench: error: " << wb::sw::printable(e.what()) << "\n";
    return 2;
  } catch (const boost::program_options::error& e) {
    std::cerr << "waferbench: error: " << wb::sw::printable(e.what()) << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "waferbench: error: out of host memory (use smaller shapes)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "waferbench: simulation failed: " << wb::sw::printable(e.what()) << "\n";
    return 1;
  }
}
