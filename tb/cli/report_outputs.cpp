// SPDX-License-Identifier: Apache-2.0
#include "tb/cli/report_outputs.hpp"

#include "sw/host_memory.hpp"
#include "sw/report.hpp"
#include "sw/report_page.hpp"
#include "wb/hw_config.hpp"

namespace po = boost::program_options;

namespace wb::cli {

namespace {
std::string g_invocation = "waferbench";
}

void add_report_options(po::options_description& desc, ReportArgs& args) {
  desc.add_options()
      ("csv", po::value(&args.csv), "write the per-layer records (schema 2) as CSV to FILE")
      ("scalesim-csv", po::value(&args.scalesim_csv), "write SCALE-Sim's COMPUTE_REPORT.csv and BANDWIDTH_REPORT.csv of the array's layers into DIR")
      ("report", po::value(&args.report), "write an HTML report (index.html, plots, JSON, CSV) into DIR")
      ("energy-table", po::value(&args.energy_table), "energy per operation, JSON or YAML FILE (default: Horowitz ISSCC 2014, 45 nm)");
}

void set_invocation(int argc, char** argv) { g_invocation = sw::command_line_text(argc, argv); }
const std::string& invocation() { return g_invocation; }

sw::KeyValues array_hardware(const tb::SystemOptions& o, const std::string& dataflow) {
  return {{"target", "systolic array (int8 x int8 -> int32)"},
          {"array", std::to_string(o.array.rows) + " x " + std::to_string(o.array.cols) + " PEs"},
          {"dataflow", dataflow},
          {"engine", ref::engine_name(o.dut.engine)},
          {"on-chip memory", sw::format_bytes(static_cast<double>(o.memory_bytes)) + ", " +
                                 sw::fixed(o.memory.bytes_per_cycle, 1) + " B/cycle, " +
                                 std::to_string(o.memory.latency_cycles) + " cycles latency"},
          {"back-pressure", sw::fixed(o.dut.a_stall, 2) + " stall probability per cycle"},
          {"clock", sw::fixed(hw::kClockMhz, 0) + " MHz"}};
}

sw::KeyValues fabric_hardware(const tb::FabricJob& job) {
  return {{"target", "compute fabric (data-triggered PEs, colored routers)"},
          {"mesh", std::to_string(job.mesh) + " x " + std::to_string(job.mesh) + " tiles"},
          {"layout", sw::fabric_layout_name(job.layout)},
          {"engine", ref::engine_name(job.engine)},
          {"PE", sw::format_bytes(hw::kPeSramBytes) + " SRAM, " + std::to_string(hw::kPeAccumulators) + " int32 accumulators"},
          {"router", std::to_string(hw::kWaferColors) + " colors, " + std::to_string(hw::kRouterDepth) +
                         " wavelets per color and input, " + std::to_string(hw::kWaveletWidth) + "-bit wavelets"},
          {"back-pressure", sw::fixed(job.backpressure, 2) + " stall probability per cycle"},
          {"clock", sw::fixed(hw::kClockMhz, 0) + " MHz"}};
}

sw::RunInfo array_run_info(const tb::SystemOptions& o, const std::string& dataflow, const std::string& what) {
  sw::RunInfo info;
  info.title = "waferbench " + what + " on a " + std::to_string(o.array.rows) + "x" + std::to_string(o.array.cols) +
               " systolic array (" + dataflow + ", " + ref::engine_name(o.dut.engine) + ")";
  info.hardware = array_hardware(o, dataflow);
  info.peak_macs_per_cycle = static_cast<double>(o.array.rows) * o.array.cols;
  info.bandwidth_bytes_per_cycle = o.memory.bytes_per_cycle;
  info.bandwidth_name = "on-chip memory";
  return info;
}

sw::RunInfo fabric_run_info(const tb::FabricJob& job, const std::string& what) {
  sw::RunInfo info;
  info.title = "waferbench " + what + " on the " + std::to_string(job.mesh) + "x" + std::to_string(job.mesh) +
               " compute fabric (" + sw::fabric_layout_name(job.layout) + ", " + ref::engine_name(job.engine) + ")";
  info.hardware = fabric_hardware(job);
  info.peak_macs_per_cycle = static_cast<double>(job.mesh) * job.mesh;
  info.bandwidth_bytes_per_cycle = 4.0 * job.mesh;
  info.bandwidth_name = "north edge";
  return info;
}

}  // namespace wb::cli
