// SPDX-License-Identifier: Apache-2.0
// Data-triggered processing element of the wafer fabric: private SRAM, a bank of int32
// accumulators, and tasks bound to colors. Nothing polls: a wavelet arriving on a bound color
// runs its task, an unbound color is dropped (credit returned, sticky error_o).
//
// The field positions below are those of config/hardware.json (pe_registers, pe_words), which
// generates sa_fabric_pkg's Pe* constants and software's copy of them.
//
// Wavelet data on the MAC color: [31:16] index, [15:0] value (int16; int8 sign-extended), or, in
// mode 0 with the mac_lane register at 1 or 2, two int8 values ([7:0] lane 0, [15:8] lane 1) of
// which the PE takes its lane's: one multicast wavelet then feeds PEs working on different vectors.
//  MAC task, mode 0 (weights resident, column-compressed in SRAM): value is an activation
//    a_j, index j. SRAM word j is the column pointer {count[31:16], start[15:0]}; each of the
//    `count` words from `start` is an entry {row[31:16], weight[15:0]}: acc[row] += a_j * w.
//    A fetch register takes the next wavelet and reads its column pointer (a second read port)
//    while the entries of the one before issue, so an activation costs max(1, count) cycles:
//    zero weights (never stored) and zero activations (never sent, or zero in the PE's lane)
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
//  PeRegMode   [0] mode, [2:1] mode 0 MAC lane (0: 16-bit value, 1: lane 0, 2: lane 1)
//  PeRegColors [4:0] MAC color, [12:8] psum color, [20:16] out color, [24] chain head
//  PeRegShape  [15:0] rows (accumulators reduced per vector), [31:16] batch (mode 1)
//
// Activity counters (CounterWidth bits, since reset, wrapping), for energy: MACs; SRAM words
// read (the issue port's entries or activations, the fetch port's column pointers; an address
// past the SRAM reads no word) and written (configuration); partial sums added on the way out.
module sa_wafer_pe
  import sa_fabric_pkg::*;
#(
  parameter int unsigned NumColors = 4,
  parameter int unsigned Depth     = 4,
  parameter int unsigned SramBytes = 49152,
  parameter int unsigned NumAcc    = 256
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  // configuration
  input  logic                      cfg_valid_i,
  input  logic                      cfg_sram_i,
  input  logic [PeCfgAddrWidth-1:0] cfg_addr_i,
  input  logic [31:0]               cfg_data_i,
  // wavelets from the router's ramp
  input  logic                      in_valid_i,
  input  sa_wavelet_t               in_wavelet_i,
  output logic [NumColors-1:0]      in_credit_o,
  // wavelets to the router's ramp
  output logic                      out_valid_o,
  output sa_wavelet_t               out_wavelet_o,
  input  logic [NumColors-1:0]      out_credit_i,
  // status
  output logic [CounterWidth-1:0]   macs_o,         // multiply-accumulates done since reset
  output logic [CounterWidth-1:0]   sram_reads_o,   // SRAM words read since reset (both read ports)
  output logic [CounterWidth-1:0]   sram_writes_o,  // SRAM words written since reset
  output logic [CounterWidth-1:0]   psum_adds_o,    // partial sums added to accumulators since reset
  output logic                      idle_o,   // nothing buffered, no task running
  output logic                      error_o   // sticky: unbound color or buffer overflow
);
  // One class for all instances: a fabric shares the PE's code instead of inlining a copy per
  // tile (smaller model, faster build, better i-cache use).
  /* verilator no_inline_module */
  localparam int unsigned SramWords = SramBytes / 4;
  localparam int unsigned SAddrW    = $clog2(SramWords);
  localparam int unsigned AccIdxW   = (NumAcc > 1) ? $clog2(NumAcc) : 1;
  localparam int unsigned CntWidth  = $clog2(Depth + 1);

  // Only registers and the signals of waves/tile.gtkw are traced: the simulator keeps a traced
  // signal in memory, while an untraced one can be folded into its users or live in a C++
  // local. Next-state signals are single assigns where they can be (one that an always_comb
  // writes several times is stored several times a cycle).

  // ---------------------------------------------------------------- configuration registers
  // A register file of whole words with one write port; the fields are read from the words.
  // (One enable, used once: it then needs no evaluation of its own.)
  localparam int unsigned RegIdxW = (PeNumRegs > 1) ? $clog2(PeNumRegs) : 1;
  localparam logic [RegIdxW-1:0] RMode = RegIdxW'(PeRegMode), RColors = RegIdxW'(PeRegColors),
                                 RShape = RegIdxW'(PeRegShape);
  /* verilator lint_off UNUSEDSIGNAL */
  logic [31:0] regs_q [PeNumRegs];  // (bits no field uses)
  /* verilator lint_on UNUSEDSIGNAL */
  /* verilator tracing_off */
  logic        reg_we;
  /* verilator tracing_on */
  assign reg_we = cfg_valid_i && !cfg_sram_i && (32'(cfg_addr_i) < PeNumRegs);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int unsigned r = 0; r < PeNumRegs; r++) regs_q[r] <= '0;
      regs_q[RColors][PeChainHeadLsb] <= 1'b1;  // a chain head until told otherwise
      regs_q[RShape][PeBatchLsb]      <= 1'b1;  // batch 1
    end else if (reg_we) begin
      regs_q[RegIdxW'(cfg_addr_i)] <= cfg_data_i;
    end
  end

  /* verilator tracing_off */
  logic                    mode_q, chain_head_q;
  logic [PeMacLaneWidth-1:0] lane_q;
  logic [ColorWidth-1:0]   mac_color_q, psum_color_q, out_color_q;
  logic [PeRowsWidth-1:0]  rows_q;
  logic [PeBatchWidth-1:0] batch_q;
  /* verilator tracing_on */
  assign mode_q       = regs_q[RMode][PeModeLsb +: PeModeWidth];
  assign lane_q       = regs_q[RMode][PeMacLaneLsb +: PeMacLaneWidth];
  assign mac_color_q  = regs_q[RColors][PeMacColorLsb +: PeMacColorWidth];
  assign psum_color_q = regs_q[RColors][PePsumColorLsb +: PePsumColorWidth];
  assign out_color_q  = regs_q[RColors][PeOutColorLsb +: PeOutColorWidth];
  assign chain_head_q = regs_q[RColors][PeChainHeadLsb +: PeChainHeadWidth];
  assign rows_q       = regs_q[RShape][PeRowsLsb +: PeRowsWidth];
  assign batch_q      = regs_q[RShape][PeBatchLsb +: PeBatchWidth];

  // ---------------------------------------------------------------- SRAM (synchronous read)
  // Memories keep the usual templates: a write port (enable, address, data from the logic) and
  // registered reads: one for the issue stage (entries, mode 1 activations), one for the fetch
  // register (mode 0 column pointers).
  logic [31:0]       sram_q [SramWords];
  logic [31:0]       rdata_q, cdata_q;
  /* verilator tracing_off */
  logic              rd_en;
  logic [15:0]       rd_addr;
  logic              sram_we;
  logic [SAddrW-1:0] sram_waddr;
  logic [31:0]       rdata_d;
  logic              rd_hit;  // a read of the issue port inside the SRAM (also counted)
  /* verilator tracing_on */

  assign sram_we    = cfg_valid_i && cfg_sram_i && (32'(cfg_addr_i) < SramWords);
  assign sram_waddr = SAddrW'(cfg_addr_i);
  // An address past the SRAM reads as zero.
  assign rd_hit     = rd_en && (32'(rd_addr) < SramWords);
  assign rdata_d    = !rd_en ? rdata_q : rd_hit ? sram_q[SAddrW'(rd_addr)] : '0;

  always_ff @(posedge clk_i) begin
    if (sram_we) sram_q[sram_waddr] <= cfg_data_i;
  end
  always_ff @(posedge clk_i) rdata_q <= rdata_d;

  // ---------------------------------------------------------------- input buffers, one per task
  logic        mac_valid, psum_valid;
  /* verilator tracing_off */
  logic        to_mac, to_psum, unbound;
  logic        mac_ready, mac_pop, mac_full;
  logic        psum_ready, psum_pop, psum_full;
  logic [31:0] mac_data, psum_data;
  /* verilator tracing_on */

  assign to_mac  = in_valid_i && (in_wavelet_i.color == mac_color_q);
  assign to_psum = in_valid_i && !chain_head_q && (in_wavelet_i.color == psum_color_q) && !to_mac;
  assign unbound = in_valid_i && !to_mac && !to_psum;
  /* verilator tracing_off */
  logic unused_dst;  // the PE is the destination: its address is spent
  /* verilator tracing_on */
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
  /* verilator tracing_off */
  logic [NumColors-1:0] in_credit_d;
  /* verilator tracing_on */
  assign in_credit_d = (NumColors'(mac_pop) << mac_color_q) | (NumColors'(psum_pop) << psum_color_q) |
                       (NumColors'(unbound) << in_wavelet_i.color);
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) in_credit_o <= '0;
    else         in_credit_o <= in_credit_d;
  end

  // ---------------------------------------------------------------- fetch and issue (one entry read per cycle)
  // Fetch (mode 0): the fetch register takes the MAC FIFO's head when it is empty or empties this
  // cycle, and reads the head's column pointer into cdata_q. Issue: Idle takes the fetched
  // wavelet (mode 0) or the FIFO's head (mode 1) and issues its first read; Loop issues the rest,
  // one entry (mode 0) or one batch column (mode 1) per cycle; Reduce emits / passes partial sums.
  typedef enum logic [1:0] {StIdle, StLoop, StReduce} state_e;
  state_e      state_q;
  logic [15:0] ptr_q;                 // next SRAM word of the loop
  logic [15:0] left_q;                // loop reads still to issue
  logic [15:0] acc_next_q;            // mode 1: accumulator of the next read
  logic [15:0] value_q;               // the issuing wavelet's value
  logic [15:0] k_q;                   // reduction: next accumulator
  logic        f_valid_q;             // mode 0: a fetched wavelet waits, its column pointer in cdata_q
  logic        f_end_q;               // ... and it ends the vector
  logic [15:0] f_value_q;             // ... its value (the PE's lane)
  // stage 1: the SRAM word read last cycle meets the value
  logic        s1_valid_q;
  logic [15:0] s1_acc_q;
  logic        fire;                  // reduction step this cycle
  /* verilator tracing_off */
  state_e      state_d;
  logic [15:0] ptr_d, left_d, acc_next_d, value_d, k_d, s1_acc_d;
  logic        s1_valid_d;
  logic        fetch, f_take;
  /* verilator tracing_on */

  logic [PeMacIndexWidth-1:0] mac_index;
  logic [PeMacValueWidth-1:0] mac_value;
  assign mac_index = mac_data[PeMacIndexLsb +: PeMacIndexWidth];
  assign mac_value = mac_data[PeMacValueLsb +: PeMacValueWidth];

  // Mode 0 lanes of the FIFO's head (the fetch register takes the PE's lane, sign-extended).
  /* verilator tracing_off */
  logic [PeMacLanesLane0Width-1:0] lane0, lane1;
  /* verilator tracing_on */
  assign lane0 = mac_data[PeMacLanesLane0Lsb +: PeMacLanesLane0Width];
  assign lane1 = mac_data[PeMacLanesLane1Lsb +: PeMacLanesLane1Width];

  // Mode 1 operands: row i and column j of the arriving weight.
  /* verilator tracing_off */
  logic [15:0] row_base, col_base;
  /* verilator tracing_on */
  assign row_base = 16'(mac_index[PeStreamIndexRowLsb +: PeStreamIndexRowWidth] * batch_q);
  assign col_base = 16'(mac_index[PeStreamIndexColLsb +: PeStreamIndexColWidth] * batch_q);

  // Mode 0 column pointer of the fetched wavelet.
  /* verilator tracing_off */
  logic [PeColptrCountWidth-1:0] colptr_count;
  logic [PeColptrStartWidth-1:0] colptr_start;
  /* verilator tracing_on */
  assign colptr_count = cdata_q[PeColptrCountLsb +: PeColptrCountWidth];
  assign colptr_start = cdata_q[PeColptrStartLsb +: PeColptrStartWidth];

  // The fetch register empties when Idle takes it, and refills in the same cycle.
  assign f_take = (state_q == StIdle) && f_valid_q;
  assign fetch  = !mode_q && mac_valid && (!f_valid_q || f_take);

  // Output credits for the out color.
  logic [CntWidth-1:0] out_credits_q;
  /* verilator tracing_off */
  logic                out_credit_back;
  /* verilator tracing_on */
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
    mac_pop    = fetch;
    unique case (state_q)
      StIdle: begin
        if (!mode_q) begin
          if (f_valid_q) begin
            if (f_end_q) begin
              state_d = StReduce;
              k_d     = '0;
            end else if (colptr_count != '0 && f_value_q != '0) begin
              rd_en      = 1'b1;          // first entry
              rd_addr    = colptr_start;
              s1_valid_d = 1'b1;
              ptr_d      = colptr_start + 16'd1;
              left_d     = colptr_count - 16'd1;
              value_d    = f_value_q;
              state_d    = (colptr_count == 16'd1) ? StIdle : StLoop;
            end
          end
        end else if (mac_valid) begin
          mac_pop = 1'b1;
          value_d = mac_value;
          if (mac_index == PeEndIndex) begin
            state_d = StReduce;
            k_d     = '0;
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
      f_valid_q  <= 1'b0;
    end else begin
      state_q    <= state_d;
      s1_valid_q <= s1_valid_d;
      k_q        <= k_d;
      if (fetch || f_take) f_valid_q <= fetch;
    end
  end
  always_ff @(posedge clk_i) begin
    ptr_q      <= ptr_d;
    left_q     <= left_d;
    acc_next_q <= acc_next_d;
    value_q    <= value_d;
    s1_acc_q   <= s1_acc_d;
  end
  // The fetch register and its column pointer read (an address past the SRAM reads as zero). The
  // lane is chosen here, once per wavelet, not every cycle.
  always_ff @(posedge clk_i) begin
    if (fetch) begin
      f_end_q   <= mac_index == PeEndIndex;
      f_value_q <= (lane_q == 2'd1) ? 16'($signed(lane0)) : (lane_q == 2'd2) ? 16'($signed(lane1)) : mac_value;
      cdata_q   <= (32'(mac_index) < SramWords) ? sram_q[SAddrW'(mac_index)] : '0;
    end
  end

  // ---------------------------------------------------------------- accumulators
  // A valid bit per accumulator stands for the reset of the bank: an accumulator not written
  // since its last reduction reads as zero. Stage 1 writes an accumulator and sets its bit; a
  // reduction step clears the bit of the one it sends. The two never meet (a reduction step
  // waits for stage 1 to drain), so each memory has one write port.
  logic [31:0]        acc_q [NumAcc];
  logic [NumAcc-1:0]  acc_live_q;
  logic [15:0]        s1_index;
  logic [31:0]        s1_product;
  /* verilator tracing_off */
  logic [31:0]        s1_old, k_acc;
  logic               acc_we, live_we, live_wdata;
  logic [AccIdxW-1:0] live_waddr;
  /* verilator tracing_on */

  assign s1_index   = mode_q ? s1_acc_q : rdata_q[PeEntryRowLsb +: PeEntryRowWidth];
  assign s1_old     = (32'(s1_index) < NumAcc && acc_live_q[AccIdxW'(s1_index)]) ? acc_q[AccIdxW'(s1_index)] : '0;
  // (Mode 1: the low half of the resident activation word, which is sign-extended.)
  assign s1_product = 32'($signed(value_q) * $signed(rdata_q[PeEntryWeightLsb +: PeEntryWeightWidth]));
  assign k_acc      = (32'(k_q) < NumAcc && acc_live_q[AccIdxW'(k_q)]) ? acc_q[AccIdxW'(k_q)] : '0;
  assign acc_we     = s1_valid_q && 32'(s1_index) < NumAcc;
  assign live_we    = (s1_valid_q && 32'(s1_index) < NumAcc) || (fire && 32'(k_q) < NumAcc);
  assign live_waddr = fire ? AccIdxW'(k_q) : AccIdxW'(s1_index);
  assign live_wdata = !fire;

  always_ff @(posedge clk_i) begin
    if (acc_we) acc_q[AccIdxW'(s1_index)] <= s1_old + s1_product;
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)      acc_live_q <= '0;
    else if (live_we) acc_live_q[live_waddr] <= live_wdata;
  end

  // ---------------------------------------------------------------- output
  /* verilator tracing_off */
  logic [CntWidth-1:0] out_credits_d;
  sa_wavelet_t         out_wavelet_d;
  /* verilator tracing_on */
  assign out_credits_d = out_credits_q + CntWidth'(out_credit_back) - CntWidth'(fire);
  assign out_wavelet_d = !fire ? out_wavelet_o
                       : sa_wavelet_t'{color: out_color_q, data: k_acc + (chain_head_q ? 32'd0 : psum_data), default: '0};

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      out_valid_o   <= 1'b0;
      out_credits_q <= CntWidth'(Depth);
    end else begin
      out_valid_o   <= fire;
      out_credits_q <= out_credits_d;
    end
  end
  always_ff @(posedge clk_i) out_wavelet_o <= out_wavelet_d;

  // ---------------------------------------------------------------- status
  localparam int unsigned CntW = CounterWidth;
  logic [CntW-1:0] macs_q, sram_reads_q, sram_writes_q, psum_adds_q;
  logic            error_q;
  /* verilator tracing_off */
  logic            error_set;
  /* verilator tracing_on */
  assign error_set = unbound || mac_full || psum_full;
  // Reads where the SRAM is accessed: the issue port's enable and the fetch register's load,
  // each with an address inside the SRAM. The sums are written inside the always_ff (no _d
  // signals: Verilator keeps each as a class member, stored and loaded every cycle).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      macs_q        <= '0;
      sram_reads_q  <= '0;
      sram_writes_q <= '0;
      psum_adds_q   <= '0;
      error_q       <= 1'b0;
    end else begin
      macs_q        <= macs_q + CntW'(s1_valid_q);
      sram_reads_q  <= sram_reads_q + CntW'(rd_hit) + CntW'(fetch && (32'(mac_index) < SramWords));
      sram_writes_q <= sram_writes_q + CntW'(sram_we);
      psum_adds_q   <= psum_adds_q + CntW'(psum_pop);
      if (error_set) error_q <= 1'b1;
    end
  end
  assign macs_o        = macs_q;
  assign sram_reads_o  = sram_reads_q;
  assign sram_writes_o = sram_writes_q;
  assign psum_adds_o   = psum_adds_q;
  assign error_o = error_q;
  assign idle_o  = (state_q == StIdle) && !f_valid_q && !mac_valid && !psum_valid && !s1_valid_q;

`ifndef SYNTHESIS
  // Tasks take only what is there: no issue without a MAC wavelet, no pass without a partial sum.
  MacPopNeedsData_A: assert property (@(posedge clk_i) disable iff (!rst_ni) !mac_pop || mac_valid);
  // Only mode 0 fetches ahead.
  FetchMode0_A: assert property (@(posedge clk_i) disable iff (!rst_ni) !f_valid_q || !mode_q);
  PsumPopNeedsData_A: assert property (@(posedge clk_i) disable iff (!rst_ni) !psum_pop || psum_valid);
  // The PE sends only on a credit, and never holds more than the receiver's Depth (a receiver
  // that returns more credits than it got wavelets fails this).
  SendNeedsCredit_A: assert property (@(posedge clk_i) disable iff (!rst_ni) !fire || out_credits_q != '0);
  OutCreditsInRange_A: assert property (@(posedge clk_i) disable iff (!rst_ni) 32'(out_credits_q) <= Depth);
  // A loop has reads left to issue; a reduction never passes its last accumulator.
  LoopLeft_A: assert property (@(posedge clk_i) disable iff (!rst_ni) state_q != StLoop || left_q != '0);
  ReduceIndex_A: assert property (@(posedge clk_i) disable iff (!rst_ni) state_q != StReduce || k_q <= rows_q);
  // Software maps every product to an accumulator the PE has (the RTL would drop it).
  AccIndexInRange_A: assert property (@(posedge clk_i) disable iff (!rst_ni) !s1_valid_q || 32'(s1_index) < NumAcc);
  // Stage 1 and a reduction step never share the accumulators' write port.
  AccOnePort_A: assert property (@(posedge clk_i) disable iff (!rst_ni) !(s1_valid_q && fire));
`endif

endmodule
