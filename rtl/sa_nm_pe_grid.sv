// SPDX-License-Identifier: Apache-2.0
// The NumRows x NumCols multiply-accumulate grid of the N:M sparse systolic array
// (sa_nm_systolic_array): weight-stationary, int8 x int8 -> int32, wrapping, like sa_pe_grid's
// WS half, except that every PE stores a kept weight together with its offset inside a group
// of NmGroup consecutive K positions, and the A operand that moves along a row is that row's
// whole group of NmGroup activations: each PE multiplies its weight by the activation its
// offset selects (as sparse tensor cores do). Zero weights that were not pruned away still
// cost a PE: only the N:M structure saves work.
//
// Handshake: none. Every operand register carries a valid bit and moves on every cycle; the
// array's edge controller admits work only when the output FIFO has room for its results.
// Every grid input is a register output (the skew lines).
//
// One PE, row r, column c:
//  - A (a group of NmGroup activations) moves one column right per cycle with its valid and
//    first bits; B (a kept weight, its offset and a row tag) one row down with its valid bit.
//  - a B entry whose row tag equals r is captured into the shadow entry; the first A of a tile
//    commits shadow -> entry, so the next tile's weights load while this one computes.
//  - the vertical chain carries partial sums: v_data = v_data(above) + a[offset] * w.
//
// Written for Verilator's C++ like sa_pe_grid (one loop over rows, operands packed per row, no
// functions or block-local variables, sign extension as (x ^ 0x80) - 0x80).
module sa_nm_pe_grid #(
  parameter int unsigned NumRows     = 4,
  parameter int unsigned NumCols     = 4,
  parameter int unsigned DataWidth   = 8,
  parameter int unsigned AccWidth    = 32,
  parameter int unsigned RowIdxWidth = 2,
  parameter int unsigned NmGroup     = 4,
  localparam int unsigned OffWidth   = (NmGroup > 1) ? $clog2(NmGroup) : 1,
  localparam int unsigned GroupWidth = NmGroup * DataWidth
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // A groups entering column 0, one per row (bit r = row r)
  input  logic [NumRows-1:0]     a_valid_i,
  input  logic [NumRows-1:0]     a_first_i,
  input  logic [GroupWidth-1:0]  a_data_i [NumRows],
  // B entries entering row 0, one per column (bit c = column c)
  input  logic [NumCols-1:0]     b_valid_i,
  input  logic [NumCols-1:0][RowIdxWidth-1:0] b_row_i,
  input  logic [NumCols-1:0][OffWidth-1:0]    b_off_i,
  input  logic [NumCols-1:0][DataWidth-1:0]   b_data_i,
  // vertical result chain leaving the bottom row
  output logic [NumCols-1:0]     v_valid_o,
  output logic [AccWidth-1:0]    v_data_o [NumCols]
);
  localparam logic [AccWidth-1:0] SignBit = AccWidth'(1) << (DataWidth - 1);
  localparam int unsigned EntryWidth = OffWidth + DataWidth;  // {offset, weight}

  // Registered outputs of every PE, and their next values (a_*_d[r] is row r's A input vector).
  logic [NumCols-1:0]                  a_valid_q [NumRows], a_valid_d [NumRows];
  logic [NumCols-1:0]                  a_first_q [NumRows], a_first_d [NumRows];
  logic [NumCols-1:0][GroupWidth-1:0]  a_data_q  [NumRows], a_data_d  [NumRows];
  logic [NumCols-1:0]                  b_valid_q [NumRows], b_valid_d [NumRows];
  logic [NumCols-1:0][RowIdxWidth-1:0] b_row_q   [NumRows], b_row_d   [NumRows];
  logic [NumCols-1:0][EntryWidth-1:0]  b_ent_q   [NumRows], b_ent_d   [NumRows];
  // PE state: the entry pair {shadow, entry}; the vertical chain (one spare column, held at
  // zero and never read, keeps the 32-bit array off 4 KiB strides: see sa_pe_grid).
  logic [2*EntryWidth-1:0] epair_q  [NumRows][NumCols];
  logic [AccWidth-1:0]     v_data_q [NumRows][NumCols+1];
  logic [NumCols-1:0]      v_valid_q [NumRows];
  /* verilator tracing_off */
  logic [2*EntryWidth-1:0] epair_d  [NumRows][NumCols];
  logic [AccWidth-1:0]     v_data_d [NumRows][NumCols+1];
  logic [EntryWidth-1:0]   entry    [NumRows][NumCols];  // the entry this cycle's A meets
  /* verilator tracing_on */

  // B enters as {offset, weight} entries.
  logic [NumCols-1:0][EntryWidth-1:0] b_ent_in;
  for (genvar c = 0; c < NumCols; c++) begin : gen_b_entry
    assign b_ent_in[c] = {b_off_i[c], b_data_i[c]};
  end

  // Each iteration assigns every element; the latch check of Verilator 5.006 does not follow
  // loops, hence the lint_off.
  /* verilator lint_off LATCH */
  always_comb begin
    for (int unsigned r = 0; r < NumRows; r++) begin
      a_valid_d[r] = NumCols'({a_valid_q[r], a_valid_i[r]});
      a_first_d[r] = NumCols'({a_first_q[r], a_first_i[r]});
      a_data_d[r]  = (NumCols * GroupWidth)'({a_data_q[r], a_data_i[r]});
      b_valid_d[r] = (r == 0) ? b_valid_i : b_valid_q[r-1];
      b_row_d[r]   = (r == 0) ? b_row_i : b_row_q[r-1];
      b_ent_d[r]   = (r == 0) ? b_ent_in : b_ent_q[r-1];
      v_data_d[r][NumCols] = '0;  // the spare column
      for (int unsigned c = 0; c < NumCols; c++) begin
        // the first A of a tile already meets the shadow entry it commits
        entry[r][c] = (a_valid_d[r][c] && a_first_d[r][c]) ? epair_q[r][c][2*EntryWidth-1:EntryWidth]
                                                           : epair_q[r][c][EntryWidth-1:0];
        epair_d[r][c] = {(b_valid_d[r][c] && (b_row_d[r][c] == RowIdxWidth'(r)))
                             ? b_ent_d[r][c] : epair_q[r][c][2*EntryWidth-1:EntryWidth],
                         entry[r][c]};
        v_data_d[r][c] = ((r == 0) ? '0 : v_data_q[r-1][c])
            + ((AccWidth'(a_data_d[r][c][entry[r][c][EntryWidth-1:DataWidth] * DataWidth +: DataWidth])
                ^ SignBit) - SignBit)
            * ((AccWidth'(entry[r][c][DataWidth-1:0]) ^ SignBit) - SignBit);
      end
    end
  end
  /* verilator lint_on LATCH */

  // Control state is reset; the datapath is not (every value travels with a valid bit).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      a_valid_q <= '{default: '0};
      a_first_q <= '{default: '0};
      b_valid_q <= '{default: '0};
      v_valid_q <= '{default: '0};
    end else begin
      a_valid_q <= a_valid_d;
      a_first_q <= a_first_d;
      b_valid_q <= b_valid_d;
      v_valid_q <= a_valid_d;  // a result is valid with its A
    end
  end

  always_ff @(posedge clk_i) begin
    a_data_q <= a_data_d;
    b_row_q  <= b_row_d;
    b_ent_q  <= b_ent_d;
    epair_q  <= epair_d;
    v_data_q <= v_data_d;
  end

  assign v_valid_o = v_valid_q[NumRows-1];
  for (genvar c = 0; c < NumCols; c++) begin : gen_bottom
    assign v_data_o[c] = v_data_q[NumRows-1][c];
  end
endmodule
