// SPDX-License-Identifier: Apache-2.0
// NumRows x NumCols systolic MAC array with N:M structured sparsity along K, weight-stationary:
// int8 x int8 -> int32. A separate top from the dense sa_systolic_array (whose simulation speed
// it leaves alone); the edge protocol, cycle timing and output path are those of its WS mode.
//
// N:M: of every NmGroup (M) consecutive weights of a column along K, at most N = 2^nm_shift_i
// are kept (N = M: dense). A tile holds NumRows kept weights per column, i.e. NumRows / N groups,
// so it covers NumRows * M / N of K instead of NumRows: a 2:4 layer needs half the tiles of a
// dense one and 1:4 a quarter, each tile taking the same cycles. Each PE stores its weight with
// its offset in the group and selects that activation from the group moving along its row.
//
// Handshake: ready-AND-valid on the three edge streams a_*, b_* (in) and c_* (out). Inside,
// nothing stalls: the edge admits an A beat only when the output FIFO holds a credit for its
// result. Skew and de-skew are inside, as in sa_systolic_array (row r of A waits r + 1 cycles,
// column c of B c + 1, output column c NumCols-1-c).
//
// A tile is NumRows B beats, then M A beats with a_last_i on the last one.
//   B beat i (kept row i of the tile, i = g*N + j: the j-th kept weight of group g):
//     b_data_i[c] = the weight, b_off_i[c] = its offset o in the group (K position g*M + o).
//   A beat m: a_data_i[g*M + o] = A[m][k0 + g*M + o] for the tile's NumRows / N groups (the rest
//     ignored); row r of the grid takes group r / N.
//   Output: one C beat per A beat, c_data_o[n] = sum over kept weights of A[m][k] * W[k][n].
// The next tile's B beats are accepted from the cycle after this tile's first A beat (double
// buffered weights); its first A beat waits until all of its B beats are in.
module sa_nm_systolic_array #(
  parameter int unsigned NumRows      = 4,
  parameter int unsigned NumCols      = 4,
  parameter int unsigned DataWidth    = 8,
  parameter int unsigned AccWidth     = 32,
  parameter int unsigned OutFifoDepth = NumRows + NumCols + 4,
  parameter int unsigned NmGroup      = 4,  // M, a power of two
  localparam int unsigned OffWidth    = (NmGroup > 1) ? $clog2(NmGroup) : 1,
  localparam int unsigned ShiftWidth  = $clog2(OffWidth + 1)
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic [ShiftWidth-1:0] nm_shift_i,  // log2 N, at most log2 M; change only while idle_o
  // A stream (left edge)
  input  logic                  a_valid_i,
  output logic                  a_ready_o,
  input  logic                  a_last_i,
  input  logic [DataWidth-1:0]  a_data_i [NumRows * NmGroup],
  // B stream (top edge)
  input  logic                  b_valid_i,
  output logic                  b_ready_o,
  input  logic [DataWidth-1:0]  b_data_i [NumCols],
  input  logic [OffWidth-1:0]   b_off_i  [NumCols],
  // C stream (bottom edge)
  output logic                  c_valid_o,
  input  logic                  c_ready_i,
  output logic [AccWidth-1:0]   c_data_o [NumCols],
  // no result in flight
  output logic                  idle_o
);
  localparam int unsigned RowIdxWidth = (NumRows > 1) ? $clog2(NumRows) : 1;
  localparam int unsigned RowCntWidth = $clog2(NumRows + 1);
  localparam int unsigned CreditWidth = $clog2(OutFifoDepth + 1);
  localparam int unsigned GroupWidth  = NmGroup * DataWidth;
  localparam logic [CreditWidth-1:0] AllCredits = CreditWidth'(OutFifoDepth);
  localparam logic [RowCntWidth-1:0] RowCount   = RowCntWidth'(NumRows);

  // ---------------------------------------------------------------- edge controller (WS)
  logic a_first_q, a_first_d;
  logic [RowCntWidth-1:0] b_cnt_q, b_cnt_d;
  logic [CreditWidth-1:0] credit_q, credit_d;
  logic a_fire, b_fire, c_fire, weights_full;

  assign weights_full = (b_cnt_q == RowCount);
  assign a_ready_o    = (credit_q != '0) && (!a_first_q || weights_full);
  assign b_ready_o    = !weights_full;
  assign a_fire       = a_valid_i && a_ready_o;
  assign b_fire       = b_valid_i && b_ready_o;

  always_comb begin
    a_first_d = a_fire ? a_last_i : a_first_q;
    if (a_fire && a_first_q) b_cnt_d = '0;
    else if (b_fire)         b_cnt_d = b_cnt_q + 1'b1;
    else                     b_cnt_d = b_cnt_q;
    credit_d = credit_q - CreditWidth'(a_fire) + CreditWidth'(c_fire);
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      a_first_q <= 1'b1;
      b_cnt_q   <= '0;
      credit_q  <= AllCredits;
    end else begin
      a_first_q <= a_first_d;
      b_cnt_q   <= b_cnt_d;
      credit_q  <= credit_d;
    end
  end

  assign idle_o = (credit_q == AllCredits);

  // ---------------------------------------------------------------- group fan-out + skew
  // Row r takes group r >> nm_shift_i of the A beat (the N rows of a group share it).
  logic [GroupWidth-1:0] a_group [NumRows];
  always_comb begin
    for (int unsigned r = 0; r < NumRows; r++) begin
      for (int unsigned j = 0; j < NmGroup; j++) begin
        a_group[r][j*DataWidth +: DataWidth] = a_data_i[(r >> nm_shift_i) * NmGroup + j];
      end
    end
  end

  logic [NumRows-1:0]    grid_a_valid, grid_a_first;
  logic [GroupWidth-1:0] grid_a_data [NumRows];
  logic [NumCols-1:0]    grid_b_valid;
  logic [NumCols-1:0][RowIdxWidth-1:0] grid_b_row;
  logic [NumCols-1:0][OffWidth-1:0]    grid_b_off;
  logic [NumCols-1:0][DataWidth-1:0]   grid_b_data;
  logic [NumCols-1:0]    bottom_v_valid;
  logic [AccWidth-1:0]   bottom_v_data [NumCols];

  // The extra register keeps every grid input a flop output (see sa_systolic_array).
  for (genvar r = 0; r < NumRows; r++) begin : gen_a_skew
    sa_delay_line #(.Width(2 + GroupWidth), .Depth(r + 1)) u_skew (
      .clk_i, .rst_ni,
      .data_i({a_fire, a_first_q, a_group[r]}),
      .data_o({grid_a_valid[r], grid_a_first[r], grid_a_data[r]})
    );
  end

  for (genvar c = 0; c < NumCols; c++) begin : gen_b_skew
    sa_delay_line #(.Width(1 + RowIdxWidth + OffWidth + DataWidth), .Depth(c + 1)) u_skew (
      .clk_i, .rst_ni,
      .data_i({b_fire, RowIdxWidth'(b_cnt_q), b_off_i[c], b_data_i[c]}),
      .data_o({grid_b_valid[c], grid_b_row[c], grid_b_off[c], grid_b_data[c]})
    );
  end

  sa_nm_pe_grid #(
    .NumRows(NumRows), .NumCols(NumCols), .DataWidth(DataWidth), .AccWidth(AccWidth),
    .RowIdxWidth(RowIdxWidth), .NmGroup(NmGroup)
  ) u_grid (
    .clk_i, .rst_ni,
    .a_valid_i(grid_a_valid),
    .a_first_i(grid_a_first),
    .a_data_i (grid_a_data),
    .b_valid_i(grid_b_valid),
    .b_row_i  (grid_b_row),
    .b_off_i  (grid_b_off),
    .b_data_i (grid_b_data),
    .v_valid_o(bottom_v_valid),
    .v_data_o (bottom_v_data)
  );

  // ---------------------------------------------------------------- de-skew + output FIFO
  logic [NumCols-1:0] out_valid;
  logic [NumCols-1:0][AccWidth-1:0] out_row, fifo_out;
  logic fifo_in_ready;

  for (genvar c = 0; c < NumCols; c++) begin : gen_deskew
    sa_delay_line #(.Width(1 + AccWidth), .Depth(NumCols - 1 - c)) u_deskew (
      .clk_i, .rst_ni,
      .data_i({bottom_v_valid[c], bottom_v_data[c]}),
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
  // N is at most M.
  NmShiftRange_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (32'(nm_shift_i) <= $clog2(NmGroup)));
`endif
endmodule
