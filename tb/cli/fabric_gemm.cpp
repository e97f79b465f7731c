#include "tb/cli/fabric_gemm.hpp"

#include <algorithm>

#include "sw/error.hpp"
#include "sw/gemm_ref.hpp"
#include "tb/cli/options.hpp"
#include "models/ref/fabric_dut.hpp"
#include "wb/hw_config.hpp"
#include "tb/fabric_factory.hpp"

namespace po = boost::program_options;

namespace wb::cli {

void add_fabric_options(po::options_description& desc, FabricArgs& args) {
  desc.add_options()
      ("mesh", po::value(&args.mesh)->default_value(args.mesh), "fabric: KxK compute fabric (a built size for --engine rtl, up to 16x16 for --engine model)")
      ("density", po::value(&args.density)->default_value(args.density),
       "fabric: density of the random weights B, in (0, 1] (unstructured sparsity)")
      ("layout", po::value(&args.layout)->default_value(args.layout),
       "fabric: weights-resident (B in PE SRAM, activations streamed) or weight-streaming (A resident, B streamed)");
}

FabricJob to_fabric_job(const FabricArgs& args, double backpressure, std::uint64_t seed, const std::string& trace,
                        const std::string& engine) {
  FabricJob job;
  job.mesh = parse_mesh(args.mesh);
  job.layout = sw::parse_fabric_layout(args.layout);
  if (!(args.density > 0.0 && args.density <= 1.0)) throw sw::InputError("--density must be in (0, 1]");
  job.density = args.density;
  if (!(backpressure >= 0.0 && backpressure <= 0.95)) throw sw::InputError("--backpressure must be in [0, 0.95]");
  job.backpressure = backpressure;
  job.seed = seed;
  job.trace = trace;
  job.engine = ref::parse_engine(engine);
  if (job.engine == ref::Engine::kModel && !trace.empty()) {
    throw sw::InputError("--trace needs --engine rtl (the model has no waveform)");
  }
  // Fail early, before any work, when the size is not built (RTL) or too big (model).
  if (job.engine == ref::Engine::kModel ? job.mesh > 16 : !tb::is_built_wafer_mesh(job.mesh)) {
    tb::make_wafer_dut(job.mesh, ref::WaferDutOptions{job.engine, "", 1});  // throws the reason
  }
  return job;
}

sw::FabricStats run_fabric_gemm(const FabricJob& job, const sw::MatrixI8& a, const sw::MatrixI8& b, sw::MatrixI32& c) {
  const sw::FabricLimits limits;  // the built hardware's
  const int per_pass = sw::max_rows_per_program(a.cols(), b.cols(), job.mesh, job.layout, limits);
  if (per_pass < 1) {
    sw::map_sparse_gemm(sw::MatrixI8(1, a.cols()), b, job.mesh, job.layout, limits);  // throws the reason
  }
  sw::FabricStats s;
  s.mesh = job.mesh;
  s.layout = sw::fabric_layout_name(job.layout);
  s.m = a.rows();
  s.k = a.cols();
  s.n = b.cols();
  s.density = job.density;
  s.nnz = sw::count_nonzeros(b);
  s.act_nnz = sw::count_nonzeros(a);
  c = sw::MatrixI32(a.rows(), b.cols());
  bool exact = true;
  // Batches bigger than the PEs hold (weight streaming) run as passes, one after the other,
  // each streaming the weights again.
  for (int row0 = 0; row0 < a.rows(); row0 += per_pass) {
    const int rows = std::min(per_pass, a.rows() - row0);
    sw::MatrixI8 part(rows, a.cols());
    std::copy(a.row(row0), a.row(row0) + part.size(), part.data());
    const sw::FabricProgram program = sw::map_sparse_gemm(part, b, job.mesh, job.layout, limits);
    auto dut = tb::make_wafer_dut(job.mesh, ref::WaferDutOptions{job.engine, row0 == 0 ? job.trace : std::string(), 1});
    ref::WaferRunOptions options;
    options.backpressure = job.backpressure;
    options.seed = job.seed + static_cast<std::uint64_t>(row0);
    const ref::WaferRunResult r = dut->run(program, options);
    // Bit-exact results, and nothing more: no extra wavelets, no dropped ones, the work expected.
    exact &= sw::first_mismatch(sw::gemm_ref(part, b), r.result).count == 0 && r.extra_outputs == 0 &&
             !r.route_error && !r.pe_error && r.macs == program.expected_macs;
    std::copy(r.result.data(), r.result.data() + r.result.size(), c.row(row0));
    s.cycles += r.cycles;
    s.load_cycles += r.load_cycles;
    s.macs += r.macs;
    s.wavelets += r.wavelets_in;
    s.wavelets_out += r.wavelets_out;
    s.link_flits += r.link_flits;
    s.sim_seconds += r.sim_seconds;
    s.sim_cycles += r.sim_cycles;
    ++s.passes;
  }
  s.link_utilization = ref::link_utilization(s.link_flits, job.mesh, s.cycles);
  s.golden_pass = exact;
  return s;
}

}  // namespace wb::cli
