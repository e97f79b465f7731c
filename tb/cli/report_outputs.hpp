// SPDX-License-Identifier: Apache-2.0
#pragma once
// The per-layer outputs every command shares: --csv FILE, --scalesim-csv DIR, --report DIR and
// the --energy-table they are computed with, and what a report says about the run.
#include <boost/program_options.hpp>

#include <string>

#include "sw/html_report.hpp"
#include "sw/report_page.hpp"
#include "tb/array_system.hpp"
#include "tb/fabric_gemm.hpp"

namespace wb::cli {

struct ReportArgs {
  std::string csv, scalesim_csv, report, energy_table;
};

void add_report_options(boost::program_options::options_description& desc, ReportArgs& args);

// The command line of this process (sc_main records it), as a report prints it.
void set_invocation(int argc, char** argv);
const std::string& invocation();

// The hardware configuration lines of a report.
sw::KeyValues array_hardware(const tb::SystemOptions& options, const std::string& dataflow);
sw::KeyValues fabric_hardware(const tb::FabricJob& job);

// A report's description of a run of `what` on the array (its roofline: R x C MACs per cycle
// under the memory's bandwidth) or on the fabric (k^2 MACs per cycle under the north edge's k
// wavelets, 4 data bytes each, per cycle).
sw::RunInfo array_run_info(const tb::SystemOptions& options, const std::string& dataflow, const std::string& what);
sw::RunInfo fabric_run_info(const tb::FabricJob& job, const std::string& what);

}  // namespace wb::cli
