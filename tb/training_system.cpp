#include "tb/training_system.hpp"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <memory>
#include <stdexcept>

#include "models/reduce_tree.hpp"
#include "models/weight_streamer.hpp"
#include "sw/error.hpp"
#include "sw/gemm_ref.hpp"
#include "wb/hw_config.hpp"

namespace wb::tb {

double LayerTrainStats::link_utilization() const {
  const double busy = static_cast<double>(fwd_cycles + bwd_cycles) + exposed_cycles;
  return busy > 0 ? link_cycles / busy : 0.0;
}

namespace {

// Activation memory a system needs: every layer's input kept for the backward pass and the
// output, plus two gradient buffers (dY in, dY out) of the widest layer.
std::size_t activation_bytes(const sw::MlpSpec& spec, int rows) {
  std::size_t widths = 0;
  int widest = 0;
  for (int w : spec.widths) {
    widths += static_cast<std::size_t>(w);
    widest = std::max(widest, w);
  }
  return static_cast<std::size_t>(rows) * (widths + 2 * static_cast<std::size_t>(widest));
}

void add_into(sw::MatrixI32& acc, const sw::MatrixI32& part, int col0) {
  for (int r = 0; r < part.rows(); ++r) {
    for (int c = 0; c < part.cols(); ++c) {
      acc.at(r, col0 + c) = static_cast<std::int32_t>(static_cast<std::uint32_t>(acc.at(r, col0 + c)) +
                                                      static_cast<std::uint32_t>(part.at(r, c)));
    }
  }
}

class TrainingSystem : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(TrainingSystem);

  TrainingSystem(sc_core::sc_module_name name, const TrainOptions& options, const sw::TrainData& data)
      : sc_core::sc_module(name),
        m_opt(options),
        m_data(data),
        m_clock(hw::kClockMhz),
        m_rows(options.batch / options.systems) {
    const int layers = options.spec.layers();
    models::WeightStoreConfig store = options.store;
    store.gradients_per_step = 1;  // behind the tree
    m_store = std::make_unique<models::WeightStore>("store", store, m_clock);
    for (int l = 0; l < layers; ++l) m_store->add_layer("fc" + std::to_string(l + 1), data.weights[static_cast<std::size_t>(l)]);
    m_tree = std::make_unique<models::ReduceTree>(
        "tree", models::TreeConfig{options.systems, options.fan_out, options.ingress_bw, options.hop_latency}, m_clock);
    m_tree->tree2mx_wt.bind(m_store->tree2mx_wt);
    m_tree->tree2mx_grad.bind(m_store->tree2mx_grad);

    const std::size_t half = options.weight_buffer_bytes / 2;
    SystemOptions sys = options.system;
    sys.memory_bytes = options.weight_buffer_bytes + options.act_mem_bytes;
    std::vector<models::WeightBuffer*> buffers;
    for (int i = 0; i < options.systems; ++i) {
      const std::string n = "sys" + std::to_string(i);
      m_buffers.push_back(std::make_unique<models::WeightBuffer>((n + "_wbuf").c_str(), half, m_clock));
      m_nodes.push_back(std::make_unique<ArrayNode>(n.c_str(), sys, m_clock));
      m_grad.push_back(std::make_unique<tlm_utils::simple_initiator_socket<TrainingSystem>>((n + "2tree_grad").c_str()));
      m_tree->tree2sys_wt.bind(m_buffers.back()->tree2sys_wt);
      m_grad.back()->bind(m_tree->sys2tree_grad);
      buffers.push_back(m_buffers.back().get());
    }
    m_streamer = std::make_unique<models::WeightStreamer>("wstream", *m_tree, buffers, m_clock);

    // The chunk sequence every system consumes, step by step.
    for (int l = 0; l < layers; ++l) m_chunk_rows.push_back(models::rows_per_chunk(options.spec.widths[l + 1], half));
    for (int s = 0; s < options.steps; ++s) {
      for (int l = 0; l < layers; ++l) push_layer(l, false, s);
      for (int l = layers - 1; l >= 1; --l) push_layer(l, true, s);
    }
    m_layers.resize(static_cast<std::size_t>(layers));
    for (int l = 0; l < layers; ++l) {
      LayerTrainStats& st = m_layers[static_cast<std::size_t>(l)];
      const models::LayerInfo& info = m_store->layer(l);
      st.name = info.name;
      st.in = options.spec.widths[l];
      st.out = options.spec.widths[l + 1];
      st.tier = info.tier == models::Tier::kDram ? "dram" : "flash";
      st.chunks = (st.in + m_chunk_rows[static_cast<std::size_t>(l)] - 1) / m_chunk_rows[static_cast<std::size_t>(l)];
    }
    m_grads_in.assign(static_cast<std::size_t>(layers), 0);
    m_done.assign(static_cast<std::size_t>(options.systems), false);
    for (int i = 0; i < options.systems; ++i) {
      sc_core::sc_spawn_options so;
      sc_core::sc_spawn([this, i] { system_thread(i); }, ("run" + std::to_string(i)).c_str(), &so);
    }
  }

  TrainResult result() {
    TrainResult r;
    r.layers = m_layers;
    r.step_end = m_step_end;
    r.cycles = m_step_end.empty() ? 0 : m_step_end.back();
    for (const auto& l : m_layers) {
      r.exposed_cycles += l.exposed_cycles;
      r.golden_pass &= l.golden_pass;
    }
    r.macs = sw::train_step_macs(m_opt.spec, m_opt.batch) * static_cast<std::uint64_t>(m_opt.steps);
    r.dram_bytes_read = m_store->counters(models::Tier::kDram).weight_bytes_read;
    r.flash_bytes_read = m_store->counters(models::Tier::kFlash).weight_bytes_read;
    r.dram_grad_bytes = m_store->counters(models::Tier::kDram).gradient_bytes_written;
    r.flash_grad_bytes = m_store->counters(models::Tier::kFlash).gradient_bytes_written;
    const models::LevelCounters leaf = m_tree->level(m_tree->depth());
    r.leaf_link_utilization = r.cycles > 0 ? leaf.utilization_down(r.cycles) : 0.0;
    for (std::size_t l = 0; l < m_layers.size(); ++l) r.weights.push_back(m_store->weights(static_cast<int>(l)));
    for (const auto& n : m_nodes) r.sim_cycles += n->simulated_cycles();
    return r;
  }
  std::exception_ptr error() const { return m_error; }

 private:
  void push_layer(int l, bool backward, int step) {
    const int in = m_opt.spec.widths[l], out = m_opt.spec.widths[l + 1];
    const int per = m_chunk_rows[static_cast<std::size_t>(l)];
    const models::LayerInfo& info = m_store->layer(l);
    for (int r0 = 0; r0 < in; r0 += per) {
      models::WeightChunk c;
      c.layer = l;
      c.backward = backward;
      c.row0 = r0;
      c.rows = std::min(per, in - r0);
      c.cols = out;
      c.addr = info.addr + static_cast<std::uint64_t>(r0) * static_cast<std::uint64_t>(out);
      c.gate_updates = step;
      m_streamer->push(c);
    }
  }

  double now_cycles() const { return sc_core::sc_time_stamp() / m_clock.period(); }

  // One GEMM on system i's array with A at the activation region and B at `b_addr`, checked.
  sw::MatrixI32 gemm(int i, const sw::MatrixI8& a, const sw::MatrixI8& b, bool b_in_buffer, std::uint64_t b_addr,
                     LayerTrainStats& st, std::uint64_t& cycles) {
    ArrayNode& node = *m_nodes[static_cast<std::size_t>(i)];
    const std::uint64_t act = m_opt.weight_buffer_bytes;
    const std::uint64_t a_addr = b_in_buffer ? act : act + b.size();
    if (!b_in_buffer) b_addr = act;
    node.load(a_addr, a.data(), a.size());
    node.load(b_addr, b.data(), b.size());
    const sw::GemmPlan plan({a.rows(), a.cols(), b.cols()}, m_opt.system.array, sw::Dataflow::kWeightStationary);
    GemmRun run = node.gemm_at(plan, a_addr, b_addr);
    cycles += run.cycles;
    if (sw::first_mismatch(sw::gemm_ref(a, b), run.c).count != 0) st.golden_pass = false;
    return std::move(run.c);
  }

  // The GEMMs of one weight pass of layer l: forward (Y = X W) or backward (dX = dY W^T).
  sw::MatrixI32 weight_pass(int i, int l, const sw::MatrixI8& a, bool backward, int& seq) {
    LayerTrainStats& st = m_layers[static_cast<std::size_t>(l)];
    const int in = m_opt.spec.widths[l], out = m_opt.spec.widths[l + 1];
    sw::MatrixI32 acc(m_rows, backward ? in : out, 0);
    const std::size_t half = m_opt.weight_buffer_bytes / 2;
    for (int r0 = 0; r0 < in; r0 += m_chunk_rows[static_cast<std::size_t>(l)], ++seq) {
      const double waited = m_streamer->wait_ready(i, seq);
      const models::WeightBuffer& buf = *m_buffers[static_cast<std::size_t>(i)];
      const sw::MatrixI8& w = buf.data(seq);
      if (i == 0) {
        st.exposed_cycles += waited;
        const models::ChunkTiming& t = m_streamer->timings()[static_cast<std::size_t>(seq)];
        st.stream_cycles += t.ready - t.issue;
        st.weight_bytes += t.chunk.bytes();
        st.link_cycles += static_cast<double>(t.chunk.bytes()) / m_opt.ingress_bw;
      }
      std::uint64_t cycles = 0;
      const std::uint64_t b_addr = static_cast<std::uint64_t>(seq % 2) * half;
      if (backward) {
        add_into(acc, gemm(i, a, w, true, b_addr, st, cycles), r0);
      } else {
        add_into(acc, gemm(i, sw::col_slice(a, r0, w.rows()), w, true, b_addr, st, cycles), 0);
      }
      if (i == 0) (backward ? st.bwd_cycles : st.fwd_cycles) += cycles;
      m_streamer->release(i, seq);
    }
    return acc;
  }

  // Rows of dW_l per uploaded block.
  int grad_block_rows(int l) const {
    const int in = m_opt.spec.widths[l];
    const int blocks = std::min(m_opt.grad_chunks, in);
    return (in + blocks - 1) / blocks;
  }

  // Sends rows r0.. of dW_l (`dw`) up the tree.
  void send_gradients(int i, int l, const sw::MatrixI32& dw, int r0) {
    const models::LayerInfo& info = m_store->layer(l);
    tlm::tlm_generic_payload gp;
    gp.set_command(tlm::TLM_WRITE_COMMAND);
    gp.set_address(info.addr + static_cast<std::uint64_t>(r0) * static_cast<std::uint64_t>(dw.cols()));
    gp.set_data_ptr(reinterpret_cast<unsigned char*>(const_cast<std::int32_t*>(dw.data())));
    gp.set_data_length(static_cast<unsigned int>(dw.size() * sizeof(std::int32_t)));
    gp.set_streaming_width(gp.get_data_length());
    gp.set_byte_enable_ptr(nullptr);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    (*m_grad[static_cast<std::size_t>(i)])->b_transport(gp, delay);  // a DMA: compute goes on
    if (gp.is_response_error()) throw std::runtime_error("the tree refused the gradients of layer " + info.name);
    if (i == 0) m_layers[static_cast<std::size_t>(l)].grad_bytes += gp.get_data_length();
    m_last_reduce = std::max(m_last_reduce, m_tree->last_reduce_done() / m_clock.period());
    const int blocks = (m_opt.spec.widths[l] + grad_block_rows(l) - 1) / grad_block_rows(l);
    // The store has updated W_l once every system's every block is in.
    if (++m_grads_in[static_cast<std::size_t>(l)] % (m_opt.systems * blocks) == 0) m_streamer->note_update(l);
  }

  void system_thread(int i) {
    try {
      const int layers = m_opt.spec.layers();
      const sw::MatrixI8 x = sw::row_slice(m_data.x, i * m_rows, m_rows);
      const sw::MatrixI8 t = sw::row_slice(m_data.t, i * m_rows, m_rows);
      int seq = 0;
      for (int s = 0; s < m_opt.steps; ++s) {
        std::vector<sw::MatrixI8> acts{x};
        sw::MatrixI32 y;
        for (int l = 0; l < layers; ++l) {
          y = weight_pass(i, l, acts.back(), false, seq);
          acts.push_back(sw::activation(y, m_opt.shifts.fwd_shift));
        }
        sw::MatrixI8 dy = sw::loss_gradient(y, t, m_opt.shifts.fwd_shift);
        for (int l = layers - 1; l >= 0; --l) {
          LayerTrainStats& st = m_layers[static_cast<std::size_t>(l)];
          const sw::MatrixI8& x_l = acts[static_cast<std::size_t>(l)];
          sw::MatrixI32 dx;
          if (l > 0) dx = weight_pass(i, l, dy, true, seq);
          // Only now may dW_l go up: the store updates W_l once it is all in, and dX_l had to read the old W_l.
          const int block = grad_block_rows(l);
          for (int r0 = 0; r0 < x_l.cols(); r0 += block) {
            std::uint64_t cycles = 0;
            const int n = std::min(block, x_l.cols() - r0);
            send_gradients(i, l, gemm(i, sw::transpose(sw::col_slice(x_l, r0, n)), dy, false, 0, st, cycles), r0);
            if (i == 0) st.bwd_cycles += cycles;
          }
          if (l > 0) dy = sw::backward_gradient(dx, x_l, m_opt.shifts.bwd_shift);
        }
        system_done(i);
      }
    } catch (...) {
      if (!m_error) m_error = std::current_exception();
      sc_core::sc_stop();
    }
  }

  // The step ends when every system is done and the last gradient sum is in the store.
  void system_done(int i) {
    m_done[static_cast<std::size_t>(i)] = true;
    if (std::all_of(m_done.begin(), m_done.end(), [](bool d) { return d; })) {
      m_step_end.push_back(std::max(now_cycles(), m_last_reduce));
      std::fill(m_done.begin(), m_done.end(), false);
    }
  }

  TrainOptions m_opt;
  const sw::TrainData& m_data;
  models::Clock m_clock;
  int m_rows;
  std::unique_ptr<models::WeightStore> m_store;
  std::unique_ptr<models::ReduceTree> m_tree;
  std::vector<std::unique_ptr<models::WeightBuffer>> m_buffers;
  std::vector<std::unique_ptr<ArrayNode>> m_nodes;
  std::vector<std::unique_ptr<tlm_utils::simple_initiator_socket<TrainingSystem>>> m_grad;
  std::unique_ptr<models::WeightStreamer> m_streamer;
  std::vector<int> m_chunk_rows;
  std::vector<LayerTrainStats> m_layers;
  std::vector<int> m_grads_in;
  std::vector<bool> m_done;
  std::vector<double> m_step_end;
  double m_last_reduce = 0;
  std::exception_ptr m_error;
};

}  // namespace

TrainResult run_training(const TrainOptions& options, const sw::TrainData& data) {
  static bool elaborated = false;
  if (options.systems < 1 || options.systems > 1024) throw sw::InputError("systems must be in [1, 1024]");
  if (options.steps < 1 || options.steps > 1000) throw sw::InputError("steps must be in [1, 1000]");
  if (options.batch < 1 || options.batch % options.systems != 0) {
    throw sw::InputError("batch " + std::to_string(options.batch) + " does not split evenly over " +
                         std::to_string(options.systems) + " systems");
  }
  if (!(options.ingress_bw > 0.0)) throw sw::InputError("ingress bandwidth must be positive");
  if (options.weight_buffer_bytes < 2) throw sw::InputError("weight buffer must be at least 2 bytes");
  if (options.grad_chunks < 1) throw sw::InputError("gradient chunks must be at least 1");
  const std::size_t need = activation_bytes(options.spec, options.batch / options.systems);
  if (need > options.act_mem_bytes) {
    throw sw::InputError("activation memory of " + std::to_string(options.act_mem_bytes) + " bytes is too small: " +
                         std::to_string(options.batch / options.systems) + " samples per system need " +
                         std::to_string(need) + " bytes");
  }
  for (int l = 1; l <= options.spec.layers(); ++l) models::rows_per_chunk(options.spec.widths[l], options.weight_buffer_bytes / 2);
  if (elaborated) throw std::logic_error("run_training: SystemC elaborates once per process");
  elaborated = true;
  tlm::tlm_global_quantum::instance().set(models::Clock(hw::kClockMhz).time(10000));
  TrainingSystem system("train", options, data);
  const auto t0 = std::chrono::steady_clock::now();
  sc_core::sc_start();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (system.error()) std::rethrow_exception(system.error());
  TrainResult r = system.result();
  r.sim_seconds = seconds;
  if (static_cast<int>(r.step_end.size()) != options.steps) throw std::runtime_error("training did not finish every step");
  return r;
}

}  // namespace wb::tb
