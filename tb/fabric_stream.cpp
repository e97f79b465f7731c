// SPDX-License-Identifier: Apache-2.0
#include "tb/fabric_stream.hpp"

#include <systemc>
#include <tlm>

#include <algorithm>
#include <exception>
#include <memory>
#include <stdexcept>

#include "models/reduce_tree.hpp"
#include "models/weight_streamer.hpp"
#include "sw/error.hpp"
#include "sw/fabric_mapper.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/mlp.hpp"
#include "sw/stream_chunks.hpp"
#include "tb/elaboration.hpp"
#include "tb/fabric_gemm.hpp"
#include "tb/fabric_transactor.hpp"
#include "wb/hw_config.hpp"
#include "tb/fabric_factory.hpp"

namespace wb::tb {
namespace {

struct LayerPlan {
  sw::WeightStreamLayout layout;
  std::vector<int> row_order;
  std::vector<models::WeightChunk> pass_chunks;  // one pass's chunks, in stream order
  int chunks = 0, per_pass = 0, passes = 0;
  int first_seq = 0;  // of its first pass; pass p starts at first_seq + p * chunks
};

class FabricStreamSystem : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(FabricStreamSystem);
  FabricStreamSystem(sc_core::sc_module_name name, const FabricStreamOptions& o, const sw::MatrixI8& x,
                     const std::vector<sw::MatrixI8>& weights)
      : sc_core::sc_module(name), m_opt(o), m_clock(hw::kClockMhz), m_x(x), m_weights(weights) {
    const std::size_t half = o.weight_buffer_bytes / 2;
    m_store = std::make_unique<models::WeightStore>("store", o.store, m_clock);
    int batch = x.rows();
    for (std::size_t l = 0; l < weights.size(); ++l) {
      const sw::MatrixI8& w = weights[l];
      LayerPlan p;
      p.layout = sw::weight_stream_layout(w.rows(), w.cols(), o.mesh);
      p.row_order = sw::stream_row_order(sw::weight_stream_row_order(p.layout), w.rows(), o.store_format);
      sw::MatrixI8 stored(w.rows(), w.cols());
      for (int r = 0; r < w.rows(); ++r) {
        std::copy(w.row(p.row_order[static_cast<std::size_t>(r)]), w.row(p.row_order[static_cast<std::size_t>(r)]) + w.cols(),
                  stored.row(r));
      }
      models::WeightChunk c;
      c.layer = static_cast<int>(l);
      c.cols = w.cols();
      c.format = o.store_format;
      const std::string name = "fc" + std::to_string(l + 1);
      if (o.store_format.format == sw::SparseFormat::kDense) {
        const std::uint64_t addr = m_store->layer(m_store->add_layer(name, stored)).addr;
        const int rows_per_chunk = models::rows_per_chunk(w.cols(), half);
        for (c.row0 = 0; c.row0 < w.rows(); c.row0 += rows_per_chunk) {
          c.rows = std::min(rows_per_chunk, w.rows() - c.row0);
          c.addr = addr + static_cast<std::uint64_t>(c.row0) * static_cast<std::uint64_t>(w.cols());
          p.pass_chunks.push_back(c);
        }
      } else {
        // The store holds the layer as its encoded chunks, one after the other (1 x bytes).
        const std::vector<sw::StreamChunk> encoded = sw::encode_stream_chunks(stored, p.row_order, o.store_format, half);
        std::string blob;
        for (const sw::StreamChunk& e : encoded) blob += e.bytes;
        sw::MatrixI8 held(1, static_cast<int>(blob.size()));
        std::copy(blob.begin(), blob.end(), reinterpret_cast<char*>(held.data()));
        std::uint64_t addr = m_store->layer(m_store->add_layer(name, held)).addr;
        for (const sw::StreamChunk& e : encoded) {
          c.row0 = e.row0;
          c.rows = e.rows;
          c.addr = addr;
          c.encoded_bytes = e.bytes.size();
          addr += e.bytes.size();
          p.pass_chunks.push_back(c);
        }
      }
      p.chunks = static_cast<int>(p.pass_chunks.size());
      p.per_pass = sw::max_rows_per_program(w.rows(), w.cols(), o.mesh, sw::FabricLayout::kWeightStreaming, sw::FabricLimits{});
      if (p.per_pass < 1) {  // throws the reason
        sw::map_sparse_gemm(sw::MatrixI8(1, w.rows()), w, o.mesh, sw::FabricLayout::kWeightStreaming, sw::FabricLimits{});
      }
      p.passes = (batch + p.per_pass - 1) / p.per_pass;
      m_plans.push_back(std::move(p));
    }
    m_tree = std::make_unique<models::ReduceTree>("tree", models::TreeConfig{1, 2, o.ingress_bw, o.hop_latency}, m_clock);
    m_tree->tree2mx_wt.bind(m_store->tree2mx_wt);
    m_tree->tree2mx_grad.bind(m_store->tree2mx_grad);
    m_xactor = std::make_unique<FabricTransactor>("wafer", make_wafer_dut(o.mesh, ref::WaferDutOptions{o.engine, o.trace, 1, o.trace_settings}),
                                                  m_clock, half);
    m_tree->tree2sys_wt.bind(m_xactor->tree2wafer_wt);
    m_grad_dummy.bind(m_tree->sys2tree_grad);
    m_streamer = std::make_unique<models::WeightStreamer>("wstream", *m_tree,
                                                          std::vector<models::WeightBuffer*>{&m_xactor->buffer()}, m_clock);
    m_xactor->set_streamer(m_streamer.get());
    // Every job's chunks, in the order the fabric takes them.
    int seq = 0;
    for (LayerPlan& p : m_plans) {
      p.first_seq = seq;
      for (int pass = 0; pass < p.passes; ++pass) {
        for (const models::WeightChunk& c : p.pass_chunks) {
          m_streamer->push(c);
          ++seq;
        }
      }
    }
    SC_THREAD(run);
  }

  FabricStreamResult result() const { return m_result; }
  std::exception_ptr error() const { return m_error; }

 private:
  void run() {
    try {
      forward();
    } catch (...) {
      m_error = std::current_exception();
    }
    sc_core::sc_stop();
  }

  void forward() {
    sw::MatrixI8 x = m_x;
    for (std::size_t l = 0; l < m_weights.size(); ++l) {
      const sw::MatrixI8& w = m_weights[l];
      const LayerPlan& p = m_plans[l];
      const models::LayerInfo& info = m_store->layer(static_cast<int>(l));
      FabricStreamLayer st;
      st.name = info.name;
      st.m = x.rows();
      st.k = w.rows();
      st.n = w.cols();
      st.tier = info.tier == models::Tier::kDram ? "dram" : "flash";
      st.chunks = p.chunks;
      st.passes = p.passes;
      st.nnz = sw::count_nonzeros(w);
      st.act_nnz = sw::count_nonzeros(x);
      st.ingress_bw = m_opt.ingress_bw;
      sw::MatrixI32 c(x.rows(), w.cols());
      bool exact = true;
      for (int pass = 0; pass < p.passes; ++pass) {
        const int row0 = pass * p.per_pass, rows = std::min(p.per_pass, x.rows() - row0);
        sw::MatrixI8 part(rows, x.cols());
        std::copy(x.row(row0), x.row(row0) + part.size(), part.data());
        sw::FabricProgram program = sw::map_sparse_gemm(part, w, m_opt.mesh, sw::FabricLayout::kWeightStreaming, sw::FabricLimits{});
        for (auto& in : program.inputs) in.wavelets.clear();  // they come from the stream
        FabricStreamJob job;
        job.program = &program;
        job.layout = p.layout;
        job.row_order = &p.row_order;
        job.first_seq = p.first_seq + pass * p.chunks;
        job.chunks = p.chunks;
        job.options = m_opt.run;
        job.options.seed = m_opt.run.seed + l * 1000u + static_cast<std::uint64_t>(pass);
        const FabricJobResult r = m_xactor->run_job(job);
        exact &= sw::fabric_golden_pass(part, w, r.run.result, run_counts(r.run, program.expected_macs));
        std::copy(r.run.result.data(), r.run.result.data() + r.run.result.size(), c.row(row0));
        st.macs += r.run.macs;
        st.pe += r.run.pe;
        st.expected_macs += program.expected_macs;
        st.wavelets += r.run.wavelets_in;
        st.wavelets_out += r.run.wavelets_out;
        st.link_flits += r.run.link_flits;
        st.load_cycles += r.run.load_cycles;
        st.compute_cycles += r.run.cycles;
        st.span_cycles += r.end_cycle - r.start_cycle;
        st.exposed_cycles += r.exposed_cycles;
        st.end_cycle = r.end_cycle;
        for (int s = job.first_seq; s < job.first_seq + job.chunks; ++s) {
          const models::ChunkTiming& t = m_streamer->timings().at(static_cast<std::size_t>(s));
          st.stream_cycles += t.ready - t.issue;
          st.weight_bytes += t.chunk.bytes();
          (info.tier == models::Tier::kDram ? st.dram_bytes : st.flash_bytes) += t.chunk.bytes();
          if (s == p.first_seq) st.first_issue = t.issue;
          st.last_ready = std::max(st.last_ready, t.ready);
        }
      }
      st.golden_pass = exact;
      m_result.golden_pass &= exact;
      m_result.layers.push_back(st);
      m_result.outputs.push_back(c);
      int shift = 0;
      x = sw::relu_requantize(c, shift);
    }
    m_result.cycles = m_xactor->cycle();
    m_result.overwrites = m_xactor->overwrites();
    m_result.releases = m_xactor->releases();
    m_result.chunks = m_streamer->timings();
    m_result.release_cycles = m_xactor->release_cycles();
    m_result.store_dram_bytes = m_store->counters(models::Tier::kDram).weight_bytes_read;
    m_result.store_flash_bytes = m_store->counters(models::Tier::kFlash).weight_bytes_read;
    m_result.link_bytes = m_tree->level(1).bytes_down;
    m_result.buffer_bytes = m_xactor->buffer().bytes_received();
  }

  FabricStreamOptions m_opt;
  models::Clock m_clock;
  sw::MatrixI8 m_x;
  std::vector<sw::MatrixI8> m_weights;
  std::vector<LayerPlan> m_plans;
  std::unique_ptr<models::WeightStore> m_store;
  std::unique_ptr<models::ReduceTree> m_tree;
  std::unique_ptr<FabricTransactor> m_xactor;
  std::unique_ptr<models::WeightStreamer> m_streamer;
  tlm_utils::simple_initiator_socket<FabricStreamSystem> m_grad_dummy{"wafer2tree_grad"};  // no gradients here
  FabricStreamResult m_result;
  std::exception_ptr m_error;
};

}  // namespace

nlohmann::json to_json(const FabricStreamLayer& s, int mesh) {
  return nlohmann::json{{"name", s.name},
                        {"m", s.m},
                        {"k", s.k},
                        {"n", s.n},
                        {"nnz", s.nnz},
                        {"act_nnz", s.act_nnz},
                        {"tier", s.tier},
                        {"chunks", s.chunks},
                        {"passes", s.passes},
                        {"macs", s.macs},
                        {"expected_macs", s.expected_macs},
                        {"wavelets", s.wavelets},
                        {"load_cycles", s.load_cycles},
                        {"compute_cycles", s.compute_cycles},
                        {"span_cycles", s.span_cycles},
                        {"stream_cycles", s.stream_cycles},
                        {"exposed_cycles", s.exposed_cycles},
                        {"first_issue_cycle", s.first_issue},
                        {"last_ready_cycle", s.last_ready},
                        {"end_cycle", s.end_cycle},
                        {"weight_bytes", s.weight_bytes},
                        {"dram_bytes", s.dram_bytes},
                        {"flash_bytes", s.flash_bytes},
                        {"link_utilization", s.link_utilization()},
                        {"mesh_link_utilization", s.mesh_link_utilization(mesh)},
                        {"golden", s.golden_pass ? "pass" : "fail"}};
}

FabricStreamResult run_fabric_stream(const FabricStreamOptions& o, const sw::MatrixI8& x,
                                     const std::vector<sw::MatrixI8>& weights) {
  if (weights.empty()) throw sw::InputError("weight streaming needs at least one layer");
  if (!(o.ingress_bw > 0.0)) throw sw::InputError("--ingress-bw must be positive");
  if (o.weight_buffer_bytes < 2) throw sw::InputError("--weight-buffer must be at least 2 bytes");
  if (x.rows() < 1 || x.cols() != weights[0].rows()) throw sw::InputError("the input does not match the first layer");
  for (std::size_t l = 0; l < weights.size(); ++l) {
    if (l > 0 && weights[l].rows() != weights[l - 1].cols()) throw sw::InputError("layer widths do not chain");
    if (o.store_format.format == sw::SparseFormat::kDense) models::rows_per_chunk(weights[l].cols(), o.weight_buffer_bytes / 2);
  }
  std::unique_ptr<FabricStreamSystem> system;
  const double seconds = run_elaboration("run_fabric_stream", [&] {
    system = std::make_unique<FabricStreamSystem>("fstream", o, x, weights);
  });
  if (system->error()) std::rethrow_exception(system->error());
  FabricStreamResult r = system->result();
  r.sim_seconds = seconds;
  if (r.layers.size() != weights.size()) throw std::runtime_error("weight streaming did not finish every layer");
  return r;
}

}  // namespace wb::tb
