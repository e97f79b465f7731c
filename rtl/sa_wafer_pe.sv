// Data-triggered processing element of the wafer fabric: private SRAM, a bank of int32
// accumulators, and tasks bound to colors. Nothing polls: a wavelet arriving on a bound color
// runs its task, an unbound color is dropped (credit returned, sticky error_o).
//
// Wavelet data on the MAC color: [31:16] index, [15:0] value (int16; int8 sign-extended).
//  MAC task, mode 0 (weights resident, column-compressed in SRAM): value is an activation
//    a_j, index j. SRAM word j is the column pointer {count[31:16], start[15:0]}; each of the
//    `count` words from `start` is an entry {row[31:16], weight[15:0]}: acc[row] += a_j * w.
//    Cost: 1 + count cycles, so zero weights (never stored) and zero activations (never sent)
//    are skipped work.
//  MAC task, mode 1 (activations resident, weights streamed): value is a weight w_ij, index
//    {i[15:8], j[7:0]}; SRAM word j*batch + n holds x_jn: acc[i*batch + n] += w_ij * x_jn for
//    n < batch. Cost: batch cycles.
//  Index 16'hFFFF ends a vector (mode 0) or a layer (mode 1) and starts the reduction.
// Reduction (emit / partial-sum pass): for k < rows, the PE sends acc[k] (chain head) or
//  psum_k + acc[k] (psum_k: the k-th wavelet of the psum color, i.e. the upstream PE's output)
//  on the out color, and clears acc[k]. A chain of PEs along a row thus sums its partial
//  results on the way to the edge. MAC wavelets wait while the reduction runs.
//
// Links: credit-based per color, like the router's (see sa_router): the PE buffers Depth
// wavelets per bound color and returns a credit when its task consumes one; it sends on the
// out color only while holding a credit for it. Products and sums wrap at 32 bits.
//
// Configuration (cfg_*, one word per cycle; software loads it before a run): SRAM word
// cfg_addr_i when cfg_sram_i, else register cfg_addr_i:
//  RegMode   [0] mode
//  RegColors [4:0] MAC color, [12:8] psum color, [20:16] out color, [24] chain head
//  RegShape  [15:0] rows (accumulators reduced per vector), [31:16] batch (mode 1)
module sa_wafer_pe
  import sa_wavelet_pkg::*;
#(
  parameter int unsigned NumColors = 4,
  parameter int unsigned Depth     = 4,
  parameter int unsigned SramBytes = 49152,
  parameter int unsigned NumAcc    = 256
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  // configuration
  input  logic                 cfg_valid_i,
  input  logic                 cfg_sram_i,
  input  logic [15:0]          cfg_addr_i,
  input  logic [31:0]          cfg_data_i,
  // wavelets from the router's ramp
  input  logic                 in_valid_i,
  input  sa_wavelet_t          in_wavelet_i,
  output logic [NumColors-1:0] in_credit_o,
  // wavelets to the router's ramp
  output logic                 out_valid_o,
  output sa_wavelet_t          out_wavelet_o,
  input  logic [NumColors-1:0] out_credit_i,
  // status
  output logic [31:0]          macs_o,   // multiply-accumulates done since reset
  output logic                 idle_o,   // nothing buffered, no task running
  output logic                 error_o   // sticky: unbound color or buffer overflow
);
  // One class for all instances: a fabric shares the PE's code instead of inlining a copy per
  // tile (smaller model, faster build, better i-cache use).
  /* verilator no_inline_module */
  localparam int unsigned SramWords = SramBytes / 4;
  localparam int unsigned SAddrW    = $clog2(SramWords);
  localparam int unsigned AccIdxW   = (NumAcc > 1) ? $clog2(NumAcc) : 1;
  localparam int unsigned CntWidth  = $clog2(Depth + 1);
  localparam logic [15:0] EndIndex  = 16'hFFFF;
  localparam logic [15:0] RegMode   = 16'd0;
  localparam logic [15:0] RegColors = 16'd1;
  localparam logic [15:0] RegShape  = 16'd2;

  // ---------------------------------------------------------------- configuration registers
  logic                  mode_q, chain_head_q;
  logic [ColorWidth-1:0] mac_color_q, psum_color_q, out_color_q;
  logic [15:0]           rows_q, batch_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      mode_q       <= 1'b0;
      chain_head_q <= 1'b1;
      mac_color_q  <= '0;
      psum_color_q <= '0;
      out_color_q  <= '0;
      rows_q       <= '0;
      batch_q      <= 16'd1;
    end else if (cfg_valid_i && !cfg_sram_i) begin
      unique case (cfg_addr_i)
        RegMode:   mode_q <= cfg_data_i[0];
        RegColors: begin
          mac_color_q  <= cfg_data_i[4:0];
          psum_color_q <= cfg_data_i[12:8];
          out_color_q  <= cfg_data_i[20:16];
          chain_head_q <= cfg_data_i[24];
        end
        RegShape: begin
          rows_q  <= cfg_data_i[15:0];
          batch_q <= cfg_data_i[31:16];
        end
        default: ;
      endcase
    end
  end

  // ---------------------------------------------------------------- SRAM (synchronous read)
  logic [31:0] sram_q [SramWords];
  logic [31:0] rdata_q;
  logic        rd_en;
  logic [15:0] rd_addr;

  always_ff @(posedge clk_i) begin
    if (cfg_valid_i && cfg_sram_i && (32'(cfg_addr_i) < SramWords)) sram_q[SAddrW'(cfg_addr_i)] <= cfg_data_i;
    if (rd_en) rdata_q <= (32'(rd_addr) < SramWords) ? sram_q[SAddrW'(rd_addr)] : '0;
  end

  // ---------------------------------------------------------------- input buffers, one per task
  logic        to_mac, to_psum, unbound;
  logic        mac_valid, mac_ready, mac_pop, mac_full;
  logic        psum_valid, psum_pop, psum_full;
  logic [31:0] mac_data, psum_data;

  assign to_mac  = in_valid_i && (in_wavelet_i.color == mac_color_q);
  assign to_psum = in_valid_i && !chain_head_q && (in_wavelet_i.color == psum_color_q) && !to_mac;
  assign unbound = in_valid_i && !to_mac && !to_psum;
  logic unused_dst;  // the PE is the destination: its address is spent
  assign unused_dst = ^{in_wavelet_i.dst_x, in_wavelet_i.dst_y};

  sa_fifo #(.Width(DataWidth), .Depth(Depth)) u_mac_fifo (
    .clk_i, .rst_ni,
    .in_valid_i (to_mac),
    .in_ready_o (mac_ready),
    .in_data_i  (in_wavelet_i.data),
    .out_valid_o(mac_valid),
    .out_ready_i(mac_pop),
    .out_data_o (mac_data)
  );
  logic psum_ready;
  sa_fifo #(.Width(DataWidth), .Depth(Depth)) u_psum_fifo (
    .clk_i, .rst_ni,
    .in_valid_i (to_psum),
    .in_ready_o (psum_ready),
    .in_data_i  (in_wavelet_i.data),
    .out_valid_o(psum_valid),
    .out_ready_i(psum_pop),
    .out_data_o (psum_data)
  );
  assign mac_full  = to_mac && !mac_ready;
  assign psum_full = to_psum && !psum_ready;

  // One credit pulse per consumed (or dropped) wavelet, to its color.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) in_credit_o <= '0;
    else in_credit_o <= (NumColors'(mac_pop) << mac_color_q) | (NumColors'(psum_pop) << psum_color_q) |
                        (NumColors'(unbound) << in_wavelet_i.color);
  end

  // ---------------------------------------------------------------- issue stage (one SRAM read per cycle)
  // Idle: take the next MAC wavelet. Colptr: mode 0 column pointer arriving. Loop: one entry
  // (mode 0) or one batch column (mode 1) per cycle. Reduce: emit / pass partial sums.
  typedef enum logic [1:0] {StIdle, StColptr, StLoop, StReduce} state_e;
  state_e      state_q, state_d;
  logic [15:0] ptr_q, ptr_d;          // next SRAM word of the loop
  logic [15:0] left_q, left_d;        // loop reads still to issue
  logic [15:0] acc_next_q, acc_next_d;  // mode 1: accumulator of the next read
  logic [15:0] value_q, value_d;      // the triggering wavelet's value
  logic [15:0] k_q, k_d;              // reduction: next accumulator
  // stage 1: the SRAM word read last cycle meets the value
  logic        s1_valid_q, s1_valid_d;
  logic [15:0] s1_acc_q, s1_acc_d;
  logic        fire;                  // reduction step this cycle

  logic [15:0] mac_index, mac_value;
  assign mac_index = mac_data[31:16];
  assign mac_value = mac_data[15:0];

  // Mode 1 operands: row i and column j of the arriving weight.
  logic [15:0] row_base, col_base;
  assign row_base = 16'(mac_index[15:8] * batch_q);
  assign col_base = 16'(mac_index[7:0] * batch_q);

  // Output credits for the out color.
  logic [CntWidth-1:0] out_credits_q;
  logic                out_credit_back;
  assign out_credit_back = |(out_credit_i & (NumColors'(1) << out_color_q));

  // The reduction waits for the last MAC to land and for an output credit (and a partial sum).
  assign fire = (state_q == StReduce) && (k_q != rows_q) && !s1_valid_q && (out_credits_q != '0) &&
                (chain_head_q || psum_valid);
  assign psum_pop = fire && !chain_head_q;

  always_comb begin
    state_d    = state_q;
    ptr_d      = ptr_q;
    left_d     = left_q;
    acc_next_d = acc_next_q;
    value_d    = value_q;
    k_d        = k_q;
    s1_valid_d = 1'b0;
    s1_acc_d   = acc_next_q;
    rd_en      = 1'b0;
    rd_addr    = ptr_q;
    mac_pop    = 1'b0;
    unique case (state_q)
      StIdle: begin
        if (mac_valid) begin
          mac_pop = 1'b1;
          value_d = mac_value;
          if (mac_index == EndIndex) begin
            state_d = StReduce;
            k_d     = '0;
          end else if (!mode_q) begin
            rd_en   = 1'b1;               // column pointer
            rd_addr = mac_index;
            state_d = StColptr;
          end else if (batch_q != '0) begin
            rd_en      = 1'b1;            // x_j0
            rd_addr    = col_base;
            s1_valid_d = 1'b1;
            s1_acc_d   = row_base;
            ptr_d      = col_base + 16'd1;
            acc_next_d = row_base + 16'd1;
            left_d     = batch_q - 16'd1;
            state_d    = (batch_q == 16'd1) ? StIdle : StLoop;
          end
        end
      end
      StColptr: begin
        if (rdata_q[31:16] == '0) begin
          state_d = StIdle;
        end else begin
          rd_en      = 1'b1;              // first entry
          rd_addr    = rdata_q[15:0];
          s1_valid_d = 1'b1;
          ptr_d      = rdata_q[15:0] + 16'd1;
          left_d     = rdata_q[31:16] - 16'd1;
          state_d    = (rdata_q[31:16] == 16'd1) ? StIdle : StLoop;
        end
      end
      StLoop: begin
        rd_en      = 1'b1;
        s1_valid_d = 1'b1;
        ptr_d      = ptr_q + 16'd1;
        acc_next_d = acc_next_q + 16'd1;
        left_d     = left_q - 16'd1;
        if (left_q == 16'd1) state_d = StIdle;
      end
      default: begin                   // StReduce
        if (k_q == rows_q) state_d = StIdle;
        if (fire) k_d = k_q + 16'd1;
      end
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q    <= StIdle;
      s1_valid_q <= 1'b0;
      k_q        <= '0;
    end else begin
      state_q    <= state_d;
      s1_valid_q <= s1_valid_d;
      k_q        <= k_d;
    end
  end
  always_ff @(posedge clk_i) begin
    ptr_q      <= ptr_d;
    left_q     <= left_d;
    acc_next_q <= acc_next_d;
    value_q    <= value_d;
    s1_acc_q   <= s1_acc_d;
  end

  // ---------------------------------------------------------------- accumulators
  // A valid bit per accumulator stands for the reset of the bank: an accumulator not written
  // since its last reduction reads as zero.
  logic [31:0]       acc_q [NumAcc];
  logic [NumAcc-1:0] acc_live_q;
  logic [15:0]       s1_index;
  logic [31:0]       s1_old, s1_product, k_acc;

  assign s1_index   = mode_q ? s1_acc_q : rdata_q[31:16];
  assign s1_old     = (32'(s1_index) < NumAcc && acc_live_q[AccIdxW'(s1_index)]) ? acc_q[AccIdxW'(s1_index)] : '0;
  assign s1_product = 32'($signed(value_q) * $signed(rdata_q[15:0]));
  assign k_acc      = (32'(k_q) < NumAcc && acc_live_q[AccIdxW'(k_q)]) ? acc_q[AccIdxW'(k_q)] : '0;

  always_ff @(posedge clk_i) begin
    if (s1_valid_q && 32'(s1_index) < NumAcc) acc_q[AccIdxW'(s1_index)] <= s1_old + s1_product;
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      acc_live_q <= '0;
    end else begin
      if (s1_valid_q && 32'(s1_index) < NumAcc) acc_live_q[AccIdxW'(s1_index)] <= 1'b1;
      if (fire && 32'(k_q) < NumAcc) acc_live_q[AccIdxW'(k_q)] <= 1'b0;
    end
  end

  // ---------------------------------------------------------------- output
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      out_valid_o   <= 1'b0;
      out_credits_q <= CntWidth'(Depth);
    end else begin
      out_valid_o   <= fire;
      out_credits_q <= out_credits_q + CntWidth'(out_credit_back) - CntWidth'(fire);
    end
  end
  always_ff @(posedge clk_i) begin
    if (fire) begin
      out_wavelet_o       <= '0;
      out_wavelet_o.color <= out_color_q;
      out_wavelet_o.data  <= k_acc + (chain_head_q ? 32'd0 : psum_data);
    end
  end

  // ---------------------------------------------------------------- status
  logic [31:0] macs_q;
  logic        error_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      macs_q  <= '0;
      error_q <= 1'b0;
    end else begin
      macs_q <= macs_q + 32'(s1_valid_q);
      if (unbound || mac_full || psum_full) error_q <= 1'b1;
    end
  end
  assign macs_o  = macs_q;
  assign error_o = error_q;
  assign idle_o  = (state_q == StIdle) && !mac_valid && !psum_valid && !s1_valid_q;

endmodule
