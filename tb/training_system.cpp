// SPDX-License-Identifier: Apache-2.0
#include "tb/training_system.hpp"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <algorithm>
#include <exception>
#include <memory>
#include <stdexcept>

#include "models/reduce_tree.hpp"
#include "models/weight_streamer.hpp"
#include "sw/error.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/hash.hpp"
#include "sw/host_memory.hpp"
#include "sw/report.hpp"
#include "sw/roofline.hpp"
#include "tb/elaboration.hpp"
#include "wb/hw_config.hpp"

namespace wb::tb {

double LayerTrainStats::link_utilization() const {
  const double busy = static_cast<double>(fwd_cycles + bwd_cycles) + exposed_cycles;
  return busy > 0 ? link_cycles / busy : 0.0;
}

std::size_t activation_bytes(const sw::MlpSpec& spec, int rows) {
  std::size_t widths = 0;
  int widest = 0;
  for (int w : spec.widths) {
    widths += static_cast<std::size_t>(w);
    widest = std::max(widest, w);
  }
  return static_cast<std::size_t>(rows) * (widths + 2 * static_cast<std::size_t>(widest));
}

void TrainOptions::validate() const {
  using L = TrainLimits;
  const auto range = [](const char* option, auto lo, auto hi, const std::string& unit = "") {
    return std::string(option) + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]" + unit;
  };
  if (spec.layers() < 1) throw sw::InputError("--model needs at least one layer");
  if (batch < 1 || batch > L::kMaxBatch) throw sw::InputError(range("--batch", 1, L::kMaxBatch));
  const int max_systems = L::max_systems(system.dut.engine);
  if (systems < 1 || systems > max_systems) {
    throw sw::InputError(range("--systems", 1, max_systems) + " with --engine " + ref::engine_name(system.dut.engine));
  }
  if (batch % systems != 0) {
    throw sw::InputError("--batch " + std::to_string(batch) + " does not split evenly over " + std::to_string(systems) +
                         " systems");
  }
  if (steps < 1 || steps > L::kMaxSteps) throw sw::InputError(range("--steps", 1, L::kMaxSteps));
  if (!(ingress_bw > 0.0) || ingress_bw > L::kMaxBandwidth) throw sw::InputError("--ingress-bw must be in (0, 1e6] bytes per cycle");
  if (!(store.dram.bytes_per_cycle > 0.0) || store.dram.bytes_per_cycle > L::kMaxBandwidth) {
    throw sw::InputError("--store-bw must be in (0, 1e6] bytes per cycle");
  }
  if (fan_out < L::kMinFanOut || fan_out > L::kMaxFanOut) throw sw::InputError(range("--fan-out", L::kMinFanOut, L::kMaxFanOut));
  if (hop_latency > L::kMaxHopLatency) throw sw::InputError(range("--hop-latency", 0, L::kMaxHopLatency));
  if (weight_buffer_bytes < 2 || weight_buffer_bytes > L::kMaxWeightBuffer) {
    throw sw::InputError("--weight-buffer must be in [2, 2^30] bytes");
  }
  if (grad_chunks < 1 || grad_chunks > L::kMaxGradChunks) throw sw::InputError(range("--grad-chunks", 1, L::kMaxGradChunks));
  if (act_mem_bytes < 1 || act_mem_bytes > L::kMaxActMem) throw sw::InputError("--act-mem must be in [1, 2^32] bytes");
  if (store.dram.capacity_bytes > L::kMaxDram) throw sw::InputError("--dram-bytes must be in [0, 2^34]");
  if (store.sgd.lr_shift < 0 || store.sgd.lr_shift > 32) throw sw::InputError(range("--lr-shift", 0, 32));
  sw::validate(store.sgd);
  if (shifts.fwd_shift < 0 || shifts.fwd_shift > L::kMaxShift || shifts.bwd_shift < 0 || shifts.bwd_shift > L::kMaxShift) {
    throw sw::InputError("--fwd-shift and --bwd-shift must be in [0, 31]");
  }
  std::size_t total_weights = 0;
  for (int l = 0; l < spec.layers(); ++l) total_weights += static_cast<std::size_t>(spec.widths[l]) * spec.widths[l + 1];
  if (total_weights > store.dram.capacity_bytes + store.flash.capacity_bytes) {
    throw sw::InputError("the model's " + std::to_string(total_weights) + " weight bytes do not fit the weight store");
  }
  for (int l = 1; l <= spec.layers(); ++l) models::rows_per_chunk(spec.widths[l], weight_buffer_bytes / 2);
  sw::check_host_memory(sw::train_host_bytes(spec, batch), "model " + spec.text());
  const std::size_t need = activation_bytes(spec, batch / systems);
  if (need > act_mem_bytes) {
    throw sw::InputError("activation memory of " + std::to_string(act_mem_bytes) + " bytes is too small: " +
                         std::to_string(batch / systems) + " samples per system need " + std::to_string(need) +
                         " bytes (--act-mem)");
  }
}

namespace {

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
    m_squared_error.assign(static_cast<std::size_t>(options.steps), 0);
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
    r.squared_error = m_squared_error;
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
    if (i == 0) st.activity += activity_of(run, plan);
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
        m_squared_error[static_cast<std::size_t>(s)] += sw::squared_error(y, t, m_opt.shifts.fwd_shift);
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
  std::vector<std::int64_t> m_squared_error;  // per step, summed over the systems
  double m_last_reduce = 0;
  std::exception_ptr m_error;
};

}  // namespace

TrainResult run_training(const TrainOptions& options, const sw::TrainData& data) {
  options.validate();
  const int layers = options.spec.layers();
  bool shapes = static_cast<int>(data.weights.size()) == layers && data.x.rows() == options.batch &&
                data.t.rows() == options.batch && data.x.cols() == options.spec.widths.front() &&
                data.t.cols() == options.spec.widths.back();
  for (int l = 0; shapes && l < layers; ++l) {
    const sw::MatrixI8& w = data.weights[static_cast<std::size_t>(l)];
    shapes = w.rows() == options.spec.widths[l] && w.cols() == options.spec.widths[l + 1];
  }
  if (!shapes) throw sw::InputError("training data do not match " + options.spec.text() + ", batch " + std::to_string(options.batch));
  std::unique_ptr<TrainingSystem> system;
  const double seconds = run_elaboration("run_training", [&] {
    tlm::tlm_global_quantum::instance().set(models::Clock(hw::kClockMhz).time(10000));
    system = std::make_unique<TrainingSystem>("train", options, data);
  });
  if (system->error()) std::rethrow_exception(system->error());
  TrainResult r = system->result();
  r.sim_seconds = seconds;
  if (static_cast<int>(r.step_end.size()) != options.steps) throw std::runtime_error("training did not finish every step");
  return r;
}

namespace {

nlohmann::json to_json(const LayerTrainStats& l) {
  nlohmann::json j;
  j["name"] = l.name;
  j["in"] = l.in;
  j["out"] = l.out;
  j["tier"] = l.tier;
  j["chunks"] = l.chunks;
  j["fwd_cycles"] = l.fwd_cycles;
  j["bwd_cycles"] = l.bwd_cycles;
  j["compute_cycles"] = l.fwd_cycles + l.bwd_cycles;
  j["stream_cycles"] = l.stream_cycles;
  j["exposed_cycles"] = l.exposed_cycles;
  j["weight_bytes"] = l.weight_bytes;
  j["dram_bytes"] = l.tier == "dram" ? l.weight_bytes : 0;
  j["flash_bytes"] = l.tier == "flash" ? l.weight_bytes : 0;
  j["grad_bytes"] = l.grad_bytes;
  j["link_utilization"] = l.link_utilization();
  j["golden"] = l.golden_pass ? "pass" : "fail";
  return j;
}

}  // namespace

nlohmann::json to_json(const TrainOptions& o, const TrainResult& r) {
  nlohmann::json j;
  j["target"] = "systolic";
  j["command"] = "train";
  j["model"] = o.spec.text();
  j["batch"] = o.batch;
  j["systems"] = o.systems;
  j["steps"] = o.steps;
  j["rows"] = o.system.array.rows;
  j["cols"] = o.system.array.cols;
  j["ingress_bw"] = o.ingress_bw;
  j["weight_buffer_bytes"] = o.weight_buffer_bytes;
  j["act_mem_bytes"] = o.act_mem_bytes;
  j["grad_chunks"] = o.grad_chunks;
  j["layers"] = nlohmann::json::array();
  for (const auto& l : r.layers) j["layers"].push_back(to_json(l));
  j["step_end"] = r.step_end;
  j["cycles"] = r.cycles;
  j["step_cycles"] = r.step_cycles();
  j["exposed_cycles"] = r.exposed_cycles;
  j["exposed_fraction"] = r.cycles > 0 ? r.exposed_cycles / r.cycles : 0.0;
  j["macs"] = r.macs;
  // Per system: each receives every weight byte and sends a full int32 gradient of every layer
  // up its link; the batch, and the MACs, split over the systems.
  const double down = static_cast<double>(r.dram_bytes_read + r.flash_bytes_read);
  const double up = static_cast<double>(r.dram_grad_bytes + r.flash_grad_bytes);
  const double peak = static_cast<double>(o.system.array.rows) * o.system.array.cols;
  const sw::Roofline roof = sw::training_roofline(r.macs, o.systems, down, up, peak);
  j["link_bytes_down_per_system"] = down;
  j["link_bytes_up_per_system"] = up;
  j["macs_per_cycle_per_system"] = r.cycles > 0 ? static_cast<double>(r.macs) / o.systems / r.cycles : 0.0;
  j["peak_macs_per_cycle_per_system"] = peak;
  j["operational_intensity"] = roof.intensity;  // MACs per byte on the system's busier link direction
  j["roofline_macs_per_cycle_per_system"] = roof.attainable(o.ingress_bw);
  j["dram_bytes_read"] = r.dram_bytes_read;
  j["flash_bytes_read"] = r.flash_bytes_read;
  j["dram_grad_bytes"] = r.dram_grad_bytes;
  j["flash_grad_bytes"] = r.flash_grad_bytes;
  j["leaf_link_utilization"] = r.leaf_link_utilization;
  // The loss before each step's update: exact sums, and their mean per output value.
  const double outputs = static_cast<double>(o.batch) * o.spec.widths.back();
  j["squared_error"] = r.squared_error;
  j["loss"] = nlohmann::json::array();
  for (std::int64_t e : r.squared_error) j["loss"].push_back(static_cast<double>(e) / outputs);
  j["weights_fnv1a64"] = sw::hex64(sw::weights_hash(r.weights));
  j["golden"] = r.golden_pass ? "pass" : "fail";
  sw::put_sim_speed(j, r.sim_seconds, r.sim_cycles);
  return j;
}

}  // namespace wb::tb
