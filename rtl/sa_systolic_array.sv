// SPDX-License-Identifier: Apache-2.0
// NumRows x NumCols systolic MAC array, int8 operands, int32 accumulation, weight-stationary
// (WS) or output-stationary (OS) dataflow chosen at run time by dataflow_i.
//
// Handshake: ready-AND-valid on the three edge streams a_*, b_* (in) and c_* (out).
// Inside, nothing stalls: the edge admits a beat only when the output FIFO has a credit for
// every result it will produce, so back-pressure on c_* stalls the inputs and loses nothing.
// The input skew (row r of A waits r + 1 cycles, column c of B waits c + 1 cycles: one register
// more than the skew needs, so that every grid input is a flop) and the output de-skew (column
// c waits NumCols-1-c cycles) are inside this block; beats at the edges are whole vectors.
//
// WS (dataflow_i = 0). A tile is NumRows B beats (row k of a K x N weight tile, k = 0..NumRows-1,
//   zero-padded) followed by M A beats (a_data_i[k] = A[m][k]), a_last_i on the last one.
//   Output: one C beat per A beat, c_data_o[n] = sum_k A[m][k] * W[k][n].
//   The next tile's B beats are accepted from the cycle after this tile's first A beat (double
//   buffered weights); its first A beat waits until all of its B beats are in.
// OS (dataflow_i = 1). A tile is K beat pairs taken together: a_data_i[r] = A[r][k] and
//   b_data_i[n] = B[k][n]; a_last_i marks k = K-1 (b carries no last flag).
//   Output: NumRows C beats, bottom row first (beat j holds row NumRows-1-j).
//   Consecutive tiles' last pairs are at least NumRows cycles apart (the drain of a column).
module sa_systolic_array #(
  parameter int unsigned NumRows      = 4,
  parameter int unsigned NumCols      = 4,
  parameter int unsigned DataWidth    = 8,
  parameter int unsigned AccWidth     = 32,
  parameter int unsigned OutFifoDepth = NumRows + NumCols + 4
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 dataflow_i,   // 0: WS, 1: OS; change only while idle_o
  // A stream (left edge)
  input  logic                 a_valid_i,
  output logic                 a_ready_o,
  input  logic                 a_last_i,
  input  logic [DataWidth-1:0] a_data_i [NumRows],
  // B stream (top edge)
  input  logic                 b_valid_i,
  output logic                 b_ready_o,
  input  logic [DataWidth-1:0] b_data_i [NumCols],
  // C stream (bottom edge)
  output logic                 c_valid_o,
  input  logic                 c_ready_i,
  output logic [AccWidth-1:0]  c_data_o [NumCols],
  // no result in flight
  output logic                 idle_o
);
  localparam int unsigned RowIdxWidth = (NumRows > 1) ? $clog2(NumRows) : 1;
  localparam int unsigned RowCntWidth = $clog2(NumRows + 1);
  localparam int unsigned CreditWidth = $clog2(OutFifoDepth + 1);
  localparam logic [CreditWidth-1:0] AllCredits = CreditWidth'(OutFifoDepth);
  localparam logic [CreditWidth-1:0] OsCredits  = CreditWidth'(NumRows);
  localparam logic [RowCntWidth-1:0] RowCount   = RowCntWidth'(NumRows);

  // ---------------------------------------------------------------- edge controller
  logic os_mode, os_mode_q;
  logic a_first_q, a_first_d;
  logic [RowCntWidth-1:0] b_cnt_q, b_cnt_d, gap_q, gap_d;
  logic [CreditWidth-1:0] credit_q, credit_d, reserve;
  logic a_fire, b_fire, c_fire, os_pair_ok, weights_full;

  // The grid sees the registered mode (dataflow_i is static while work is in flight).
  assign os_mode      = dataflow_i;
  assign weights_full = (b_cnt_q == RowCount);
  // OS: a last pair needs credits for the whole tile and the previous drain far enough along.
  assign os_pair_ok   = !a_last_i || ((credit_q >= OsCredits) && (gap_q == '0));

  always_comb begin
    if (os_mode) begin
      a_ready_o = b_valid_i && os_pair_ok;
      b_ready_o = a_valid_i && os_pair_ok;
    end else begin
      a_ready_o = (credit_q != '0) && (!a_first_q || weights_full);
      b_ready_o = !weights_full;
    end
  end

  assign a_fire = a_valid_i && a_ready_o;
  assign b_fire = b_valid_i && b_ready_o;

  always_comb begin
    a_first_d = a_fire ? a_last_i : a_first_q;
    b_cnt_d   = b_cnt_q;
    gap_d     = (gap_q != '0) ? gap_q - 1'b1 : '0;
    reserve   = '0;
    if (os_mode) begin
      if (a_fire && a_last_i) begin
        reserve = OsCredits;
        gap_d   = RowCount - 1'b1;
      end
    end else begin
      if (a_fire) reserve = CreditWidth'(1);
      if (a_fire && a_first_q) b_cnt_d = '0;
      else if (b_fire)         b_cnt_d = b_cnt_q + 1'b1;
    end
    credit_d = credit_q - reserve + CreditWidth'(c_fire);
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      a_first_q <= 1'b1;
      b_cnt_q   <= '0;
      gap_q     <= '0;
      credit_q  <= AllCredits;
      os_mode_q <= 1'b0;
    end else begin
      a_first_q <= a_first_d;
      b_cnt_q   <= b_cnt_d;
      gap_q     <= gap_d;
      credit_q  <= credit_d;
      os_mode_q <= os_mode;
    end
  end

  assign idle_o = (credit_q == AllCredits);

  // ---------------------------------------------------------------- PE grid
  logic [NumRows-1:0]     grid_a_valid, grid_a_first, grid_a_last;
  logic [DataWidth-1:0]   grid_a_data [NumRows];
  logic [NumCols-1:0]     grid_b_valid;
  logic [NumCols-1:0][RowIdxWidth-1:0] grid_b_row;
  logic [NumCols-1:0][DataWidth-1:0]   grid_b_data;
  logic [NumCols-1:0]     drain_w, drain_tag_w, bottom_a_valid, bottom_a_last;
  logic [NumCols-1:0]     bottom_v_valid, bottom_v_tag;
  logic [AccWidth-1:0]    bottom_v_data [NumCols];

  // Input skew: row r of A is delayed r + 1 cycles, column c of B c + 1 cycles. The extra
  // register keeps every grid input a flop output, so the grid is evaluated once per clock
  // edge and never re-evaluated when an edge input changes.
  for (genvar r = 0; r < NumRows; r++) begin : gen_a_skew
    sa_delay_line #(.Width(3 + DataWidth), .Depth(r + 1)) u_skew (
      .clk_i, .rst_ni,
      .data_i({a_fire, a_first_q, a_last_i, a_data_i[r]}),
      .data_o({grid_a_valid[r], grid_a_first[r], grid_a_last[r], grid_a_data[r]})
    );
  end

  for (genvar c = 0; c < NumCols; c++) begin : gen_b_skew
    logic [RowIdxWidth-1:0] b_row_tag;
    assign b_row_tag = os_mode ? '0 : RowIdxWidth'(b_cnt_q);
    sa_delay_line #(.Width(1 + RowIdxWidth + DataWidth), .Depth(c + 1)) u_skew (
      .clk_i, .rst_ni,
      .data_i({b_fire, b_row_tag, b_data_i[c]}),
      .data_o({grid_b_valid[c], grid_b_row[c], grid_b_data[c]})
    );
  end

  sa_pe_grid #(
    .NumRows(NumRows), .NumCols(NumCols), .DataWidth(DataWidth), .AccWidth(AccWidth),
    .RowIdxWidth(RowIdxWidth)
  ) u_grid (
    .clk_i, .rst_ni,
    .os_mode_i       (os_mode_q),
    .a_valid_i       (grid_a_valid),
    .a_first_i       (grid_a_first),
    .a_last_i        (grid_a_last),
    .a_data_i        (grid_a_data),
    .b_valid_i       (grid_b_valid),
    .b_row_i         (grid_b_row),
    .b_data_i        (grid_b_data),
    .drain_i         (drain_w),
    .drain_tag_i     (drain_tag_w),
    .bottom_a_valid_o(bottom_a_valid),
    .bottom_a_last_o (bottom_a_last),
    .v_valid_o       (bottom_v_valid),
    .v_tag_o         (bottom_v_tag),
    .v_data_o        (bottom_v_data)
  );

  // ---------------------------------------------------------------- OS column drain
  // When the bottom PE of a column loads a tile's result, the column shifts that tile's
  // results out of the bottom for NumRows cycles.
  logic [NumCols-1:0] col_valid;
  logic [AccWidth-1:0] col_data [NumCols];

  for (genvar c = 0; c < NumCols; c++) begin : gen_drain
    logic [RowCntWidth-1:0] drain_cnt_q, drain_cnt_d;
    logic drain_tag_q, drain_tag_d, drain_start;

    assign drain_start = os_mode_q && bottom_a_valid[c] && bottom_a_last[c];
    always_comb begin
      drain_cnt_d = (drain_cnt_q != '0) ? drain_cnt_q - 1'b1 : '0;
      if (drain_start) drain_cnt_d = RowCount;
      drain_tag_d = (drain_cnt_q == RowCntWidth'(1)) ? !drain_tag_q : drain_tag_q;
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        drain_cnt_q <= '0;
        drain_tag_q <= 1'b0;
      end else begin
        drain_cnt_q <= drain_cnt_d;
        drain_tag_q <= drain_tag_d;
      end
    end
    assign drain_w[c]     = (drain_cnt_q != '0);
    assign drain_tag_w[c] = drain_tag_q;

    assign col_valid[c] = os_mode_q
        ? (drain_w[c] && bottom_v_valid[c] && (bottom_v_tag[c] == drain_tag_q))
        : bottom_v_valid[c];
    assign col_data[c] = bottom_v_data[c];

`ifndef SYNTHESIS
    DrainOverlap_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        !(drain_start && (drain_cnt_q != '0) && (drain_cnt_q != RowCntWidth'(1))));
`endif
  end

  // ---------------------------------------------------------------- de-skew + output FIFO
  logic [NumCols-1:0] out_valid;
  logic [NumCols-1:0][AccWidth-1:0] out_row, fifo_out;
  logic fifo_in_ready;

  for (genvar c = 0; c < NumCols; c++) begin : gen_deskew
    sa_delay_line #(.Width(1 + AccWidth), .Depth(NumCols - 1 - c)) u_deskew (
      .clk_i, .rst_ni,
      .data_i({col_valid[c], col_data[c]}),
      .data_o({out_valid[c], out_row[c]})
    );
    assign c_data_o[c] = fifo_out[c];
  end

  sa_fifo #(.Width(NumCols * AccWidth), .Depth(OutFifoDepth)) u_out_fifo (
    .clk_i, .rst_ni,
    .in_valid_i (out_valid[0]),
    .in_ready_o (fifo_in_ready),
    .in_data_i  (out_row),
    .out_valid_o(c_valid_o),
    .out_ready_i(c_ready_i),
    .out_data_o (fifo_out)
  );
  assign c_fire = c_valid_o && c_ready_i;

`ifndef SYNTHESIS
  // Credits guarantee room; a result arriving at a full FIFO would be lost.
  OutFifoOverflow_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !(out_valid[0] && !fifo_in_ready));
  // De-skewed columns arrive together.
  DeskewAligned_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (out_valid == '0) || (out_valid == '1));
`endif
endmodule
