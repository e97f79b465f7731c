// SPDX-License-Identifier: Apache-2.0
// The NumRows x NumCols grid of multiply-accumulate cells of the systolic array (int8 x int8 ->
// int32, wrapping). PE(r,c) is row r, column c; row 0 is the top, column 0 the left.
//
// Handshake: none. Every operand register carries a valid bit and moves on every cycle; the
// array's edge controller admits work only when the output FIFO has room for its results, so
// nothing inside the grid ever stalls. Every grid input is a register output (the skew lines),
// so the grid settles once per clock edge.
//
// One PE (os_mode_i is static while work is in flight):
//  - A moves one column right per cycle with its valid/first/last bits, B one row down with its
//    valid bit and row tag.
//  - weight-stationary (WS, os_mode_i = 0): a B value whose row tag equals r is captured into
//    the shadow weight; the first A value of a tile commits shadow -> weight, so the next tile's
//    weights load while this one computes. The vertical chain carries partial sums:
//    v_data = v_data(above) + a * w, valid with a.
//  - output-stationary (OS, os_mode_i = 1): A from the left meets B from above; acc += a * b.
//    On the tile's last pair the result is loaded into the vertical chain register, tagged with
//    the tile's parity, and the column drains it downwards (drain_i) while the accumulator
//    already works on the next tile.
//
// Written for simulation speed under Verilator (measured: README, "Simulation speed"): one loop
// over the rows with an inner loop over the columns per dataflow, not NumRows x NumCols module
// instances (which Verilator flattens into one copy of straight-line code per PE); the one-bit
// fields of a row are packed into one vector (bit c = column c) so that they move, reset and
// combine as whole rows.
module sa_pe_grid #(
  parameter int unsigned NumRows     = 4,
  parameter int unsigned NumCols     = 4,
  parameter int unsigned DataWidth   = 8,
  parameter int unsigned AccWidth    = 32,
  parameter int unsigned RowIdxWidth = 2
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   os_mode_i,
  // A operands entering column 0, one per row (bit r = row r)
  input  logic [NumRows-1:0]     a_valid_i,
  input  logic [NumRows-1:0]     a_first_i,
  input  logic [NumRows-1:0]     a_last_i,
  input  logic [DataWidth-1:0]   a_data_i [NumRows],
  // B operands entering row 0, one per column (bit c = column c)
  input  logic [NumCols-1:0]     b_valid_i,
  input  logic [NumCols-1:0][RowIdxWidth-1:0] b_row_i,
  input  logic [NumCols-1:0][DataWidth-1:0]   b_data_i,
  // OS drain per column: slots holding tile parity drain_tag_i[c] move one row down
  input  logic [NumCols-1:0]     drain_i,
  input  logic [NumCols-1:0]     drain_tag_i,
  // A operands entering the bottom row (the OS drain starts on their last pair)
  output logic [NumCols-1:0]     bottom_a_valid_o,
  output logic [NumCols-1:0]     bottom_a_last_o,
  // vertical result chain leaving the bottom row
  output logic [NumCols-1:0]     v_valid_o,
  output logic [NumCols-1:0]     v_tag_o,
  output logic [AccWidth-1:0]    v_data_o [NumCols]
);
  localparam logic [AccWidth-1:0] SignBit = AccWidth'(1) << (DataWidth - 1);

  // Registered outputs of every PE, and their next values. The moving operands are packed
  // per row (field c = PE(r,c)) and move as whole rows; the next value of PE(r,c) is also its
  // input this cycle: a_*_d[r] is row r's A input vector, b_*_d[r] its B input vector.
  logic [NumCols-1:0]                  a_valid_q [NumRows], a_valid_d [NumRows];
  logic [NumCols-1:0]                  a_first_q [NumRows], a_first_d [NumRows];
  logic [NumCols-1:0]                  a_last_q  [NumRows], a_last_d  [NumRows];
  logic [NumCols-1:0][DataWidth-1:0]   a_data_q  [NumRows], a_data_d  [NumRows];
  logic [NumCols-1:0]                  b_valid_q [NumRows], b_valid_d [NumRows];
  logic [NumCols-1:0][RowIdxWidth-1:0] b_row_q   [NumRows], b_row_d   [NumRows];
  logic [NumCols-1:0][DataWidth-1:0]   b_data_q  [NumRows], b_data_d  [NumRows];
  // PE state: the WS weight pair {shadow, weight}, the OS accumulator, the vertical chain.
  // The 32-bit arrays have one spare column (held at zero, never read): it keeps them off
  // 4 KiB strides in the Verilated C++, where PE(r,c) of one array and of the next shared
  // their low address bits and every load waited on an unrelated store (4K aliasing: the
  // 32x32 OS loop ran 4x slower).
  logic [2*DataWidth-1:0] wpair_q  [NumRows][NumCols];
  logic [AccWidth-1:0]    acc_q    [NumRows][NumCols+1];
  logic [AccWidth-1:0]    v_data_q [NumRows][NumCols+1];
  // (next values are the next cycle's registers: not traced)
  /* verilator tracing_off */
  logic [2*DataWidth-1:0] wpair_d  [NumRows][NumCols];
  logic [AccWidth-1:0]    acc_d    [NumRows][NumCols+1];
  logic [AccWidth-1:0]    v_data_d [NumRows][NumCols+1];
  /* verilator tracing_on */
  logic [NumCols-1:0]     v_valid_q [NumRows], v_valid_d [NumRows];
  logic [NumCols-1:0]     v_tag_q   [NumRows], v_tag_d   [NumRows];
  logic [NumCols-1:0]     tile_tag_q [NumRows], tile_tag_d [NumRows];
  // per-row vectors (bit c = PE(r,c))
  logic [NumCols-1:0]     v_valid_in [NumRows], v_tag_in [NumRows];
  logic [NumCols-1:0]     os_load [NumRows], os_shift_in [NumRows], os_shift_out [NumRows];

  // One loop over the rows; in each, the moving operands, then the PEs of one dataflow. Each
  // branch assigns every element; the latch check of Verilator 5.006 does not follow loops,
  // hence the lint_off. Written for the C++ that Verilator makes of it: no functions and no
  // block-local variables (both become class members, loaded and stored per use), and
  // operands sign-extended as (x ^ 0x80) - 0x80 rather than by a signed cast.
  /* verilator lint_off LATCH */
  always_comb begin
    for (int unsigned r = 0; r < NumRows; r++) begin
      a_valid_d[r]  = NumCols'({a_valid_q[r], a_valid_i[r]});
      a_first_d[r]  = NumCols'({a_first_q[r], a_first_i[r]});
      a_last_d[r]   = NumCols'({a_last_q[r], a_last_i[r]});
      a_data_d[r]   = (NumCols * DataWidth)'({a_data_q[r], a_data_i[r]});
      b_valid_d[r]  = (r == 0) ? b_valid_i : b_valid_q[r-1];
      b_row_d[r]    = (r == 0) ? b_row_i : b_row_q[r-1];
      b_data_d[r]   = (r == 0) ? b_data_i : b_data_q[r-1];
      v_valid_in[r] = (r == 0) ? '0 : v_valid_q[r-1];
      v_tag_in[r]   = (r == 0) ? '0 : v_tag_q[r-1];
      acc_d[r][NumCols]    = '0;  // the spare columns
      v_data_d[r][NumCols] = '0;
      if (os_mode_i) begin
        os_load[r]      = a_valid_d[r] & a_last_d[r];
        os_shift_in[r]  = drain_i & v_valid_in[r] & ~(v_tag_in[r] ^ drain_tag_i);
        os_shift_out[r] = drain_i & v_valid_q[r] & ~(v_tag_q[r] ^ drain_tag_i);
        v_valid_d[r]    = os_load[r] | os_shift_in[r] | (v_valid_q[r] & ~os_shift_out[r]);
        v_tag_d[r]      = (os_load[r] & tile_tag_q[r]) | (~os_load[r] & os_shift_in[r] & v_tag_in[r])
                        | (~os_load[r] & ~os_shift_in[r] & v_tag_q[r]);
        tile_tag_d[r]   = tile_tag_q[r] ^ os_load[r];
        for (int unsigned c = 0; c < NumCols; c++) begin
          wpair_d[r][c]  = wpair_q[r][c];
          // acc + a * b on the pair's last beat goes down the chain, and acc restarts at 0
          v_data_d[r][c] = os_load[r][c]
              ? acc_q[r][c] + ((AccWidth'(a_data_d[r][c]) ^ SignBit) - SignBit)
                            * ((AccWidth'(b_data_d[r][c]) ^ SignBit) - SignBit)
              : (os_shift_in[r][c] ? ((r == 0) ? '0 : v_data_q[r-1][c]) : v_data_q[r][c]);
          acc_d[r][c]    = !a_valid_d[r][c] ? acc_q[r][c] : (a_last_d[r][c] ? '0
              : acc_q[r][c] + ((AccWidth'(a_data_d[r][c]) ^ SignBit) - SignBit)
                            * ((AccWidth'(b_data_d[r][c]) ^ SignBit) - SignBit));
        end
      end else begin
        os_load[r]      = '0;
        os_shift_in[r]  = '0;
        os_shift_out[r] = '0;
        v_valid_d[r]    = a_valid_d[r];
        v_tag_d[r]      = '0;
        tile_tag_d[r]   = tile_tag_q[r];
        for (int unsigned c = 0; c < NumCols; c++) begin
          // {shadow, weight}: a B value tagged with this row is captured into the shadow; the
          // first A of a tile commits shadow -> weight and already meets that weight.
          wpair_d[r][c] = {(b_valid_d[r][c] && (b_row_d[r][c] == RowIdxWidth'(r)))
                               ? b_data_d[r][c] : wpair_q[r][c][2*DataWidth-1:DataWidth],
                           (a_valid_d[r][c] && a_first_d[r][c])
                               ? wpair_q[r][c][2*DataWidth-1:DataWidth] : wpair_q[r][c][DataWidth-1:0]};
          acc_d[r][c]    = acc_q[r][c];
          v_data_d[r][c] = ((r == 0) ? '0 : v_data_q[r-1][c])
              + ((AccWidth'(a_data_d[r][c]) ^ SignBit) - SignBit)
              * (({{(AccWidth-DataWidth){1'b0}}, a_first_d[r][c] ? wpair_q[r][c][2*DataWidth-1:DataWidth]
                                                                  : wpair_q[r][c][DataWidth-1:0]}
                  ^ SignBit) - SignBit);
        end
      end
    end
  end
  /* verilator lint_on LATCH */

  // Control state is reset; the datapath is not (every value travels with a valid bit).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      a_valid_q  <= '{default: '0};
      a_first_q  <= '{default: '0};
      a_last_q   <= '{default: '0};
      b_valid_q  <= '{default: '0};
      v_valid_q  <= '{default: '0};
      v_tag_q    <= '{default: '0};
      tile_tag_q <= '{default: '0};
      acc_q      <= '{default: '{default: '0}};
    end else begin
      a_valid_q  <= a_valid_d;
      a_first_q  <= a_first_d;
      a_last_q   <= a_last_d;
      b_valid_q  <= b_valid_d;
      v_valid_q  <= v_valid_d;
      v_tag_q    <= v_tag_d;
      tile_tag_q <= tile_tag_d;
      acc_q      <= acc_d;
    end
  end

  always_ff @(posedge clk_i) begin
    a_data_q <= a_data_d;
    b_row_q  <= b_row_d;
    b_data_q <= b_data_d;
    wpair_q  <= wpair_d;
    v_data_q <= v_data_d;
  end

  assign bottom_a_valid_o = a_valid_d[NumRows-1];
  assign bottom_a_last_o  = a_last_d[NumRows-1];
  assign v_valid_o        = v_valid_q[NumRows-1];
  assign v_tag_o          = v_tag_q[NumRows-1];
  for (genvar c = 0; c < NumCols; c++) begin : gen_bottom
    assign v_data_o[c] = v_data_q[NumRows-1][c];
  end

`ifdef SA_PE_ASSERTIONS
  logic [NumRows-1:0] load_collision, load_overwrite;
  always_comb begin
    for (int unsigned r = 0; r < NumRows; r++) begin
      load_collision[r] = |(os_load[r] & os_shift_in[r]);
      load_overwrite[r] = |(os_load[r] & v_valid_q[r] & ~os_shift_out[r]);
    end
  end
  // A new OS result may only enter a slot whose upper neighbour is not draining into it ...
  OsLoadCollision_A: assert property (@(posedge clk_i) disable iff (!rst_ni) load_collision == '0);
  // ... and only a slot that is empty or whose old result leaves in the same cycle.
  OsLoadOverwrite_A: assert property (@(posedge clk_i) disable iff (!rst_ni) load_overwrite == '0);
`endif
endmodule
