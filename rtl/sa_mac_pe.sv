// One multiply-accumulate cell of the systolic array (int8 x int8 -> int32, wrapping).
//
// Handshake: none. Every operand register carries a valid bit and moves on every cycle; the
// array's edge controller admits work only when the output FIFO has room for its results, so
// nothing inside the grid ever stalls.
//
// Dataflows (os_mode_i is static while work is in flight):
//  - weight-stationary (WS, os_mode_i = 0): a B value whose row tag equals RowIndex is captured
//    into the shadow weight; the first A value of a tile commits shadow -> weight, so the next
//    tile's weights load while this one computes. The vertical chain carries partial sums:
//    v_data_o = v_data_i + a * w.
//  - output-stationary (OS, os_mode_i = 1): A from the left meets B from above; acc += a * b.
//    On the tile's last pair the result is loaded into the vertical chain register, tagged with
//    the tile's parity, and the column drains it downwards (drain_i) while the accumulator
//    already works on the next tile.
module sa_mac_pe #(
  parameter int unsigned DataWidth   = 8,
  parameter int unsigned AccWidth    = 32,
  parameter int unsigned RowIdxWidth = 2,
  parameter int unsigned RowIndex    = 0
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   os_mode_i,
  // A operand from the left, registered out to the right
  input  logic                   a_valid_i,
  input  logic                   a_first_i,
  input  logic                   a_last_i,
  input  logic [DataWidth-1:0]   a_data_i,
  output logic                   a_valid_o,
  output logic                   a_first_o,
  output logic                   a_last_o,
  output logic [DataWidth-1:0]   a_data_o,
  // B operand from above, registered out downwards
  input  logic                   b_valid_i,
  input  logic [RowIdxWidth-1:0] b_row_i,
  input  logic [DataWidth-1:0]   b_data_i,
  output logic                   b_valid_o,
  output logic [RowIdxWidth-1:0] b_row_o,
  output logic [DataWidth-1:0]   b_data_o,
  // vertical result chain (WS partial sums, OS drain)
  input  logic                   v_valid_i,
  input  logic                   v_tag_i,
  input  logic [AccWidth-1:0]    v_data_i,
  output logic                   v_valid_o,
  output logic                   v_tag_o,
  output logic [AccWidth-1:0]    v_data_o,
  // OS drain of this column: slots holding tile parity drain_tag_i move one row down
  input  logic                   drain_i,
  input  logic                   drain_tag_i
);
  localparam int unsigned ProdWidth = 2 * DataWidth;

  logic [DataWidth-1:0] shadow_q, shadow_d, weight_q, weight_d, b_operand;
  logic [AccWidth-1:0]  acc_q, acc_d, v_data_q, v_data_d, mac, acc_plus_mac;
  logic                 v_valid_q, v_valid_d, v_tag_q, v_tag_d, tile_tag_q, tile_tag_d;
  logic [ProdWidth-1:0] product;
  logic                 capture_weight, commit_weight, os_load, os_shift_in, os_shift_out;

  assign b_operand    = os_mode_i ? b_data_i : (a_first_i ? shadow_q : weight_q);
  assign product      = ProdWidth'($signed(a_data_i) * $signed(b_operand));
  assign mac          = {{(AccWidth - ProdWidth){product[ProdWidth-1]}}, product};
  assign acc_plus_mac = acc_q + mac;

  assign capture_weight = !os_mode_i && b_valid_i && (b_row_i == RowIdxWidth'(RowIndex));
  assign commit_weight  = !os_mode_i && a_valid_i && a_first_i;
  assign os_load        = os_mode_i && a_valid_i && a_last_i;
  assign os_shift_out   = drain_i && v_valid_q && (v_tag_q == drain_tag_i);
  assign os_shift_in    = drain_i && v_valid_i && (v_tag_i == drain_tag_i);

  always_comb begin
    shadow_d   = capture_weight ? b_data_i : shadow_q;
    weight_d   = commit_weight ? shadow_q : weight_q;
    acc_d      = acc_q;
    tile_tag_d = tile_tag_q;
    v_data_d   = v_data_q;
    v_valid_d  = v_valid_q;
    v_tag_d    = v_tag_q;
    if (!os_mode_i) begin
      v_data_d  = v_data_i + mac;
      v_valid_d = a_valid_i;
      v_tag_d   = 1'b0;
    end else begin
      if (a_valid_i) acc_d = a_last_i ? '0 : acc_plus_mac;
      if (os_load) begin
        v_data_d   = acc_plus_mac;
        v_valid_d  = 1'b1;
        v_tag_d    = tile_tag_q;
        tile_tag_d = !tile_tag_q;
      end else if (os_shift_in) begin
        v_data_d  = v_data_i;
        v_valid_d = 1'b1;
        v_tag_d   = v_tag_i;
      end else if (os_shift_out) begin
        v_valid_d = 1'b0;
      end
    end
  end

  // Control state is reset; the datapath is not (every value travels with a valid bit).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      a_valid_o  <= 1'b0;
      a_first_o  <= 1'b0;
      a_last_o   <= 1'b0;
      b_valid_o  <= 1'b0;
      acc_q      <= '0;
      tile_tag_q <= 1'b0;
      v_valid_q  <= 1'b0;
      v_tag_q    <= 1'b0;
    end else begin
      a_valid_o  <= a_valid_i;
      a_first_o  <= a_first_i;
      a_last_o   <= a_last_i;
      b_valid_o  <= b_valid_i;
      acc_q      <= acc_d;
      tile_tag_q <= tile_tag_d;
      v_valid_q  <= v_valid_d;
      v_tag_q    <= v_tag_d;
    end
  end

  always_ff @(posedge clk_i) begin
    a_data_o <= a_data_i;
    b_row_o  <= b_row_i;
    b_data_o <= b_data_i;
    shadow_q <= shadow_d;
    weight_q <= weight_d;
    v_data_q <= v_data_d;
  end

  assign v_valid_o = v_valid_q;
  assign v_tag_o   = v_tag_q;
  assign v_data_o  = v_data_q;

  // Per-PE checks cost ~20 % of simulation speed, so only the small test configurations
  // define SA_PE_ASSERTIONS; the array-level checks are always on.
`ifdef SA_PE_ASSERTIONS
  // A new OS result may only enter a slot whose upper neighbour is not draining into it.
  OsLoadCollision_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !(os_load && os_shift_in));
  // ... and only a slot that is empty or whose old result leaves in the same cycle.
  OsLoadOverwrite_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !(os_load && v_valid_q && !os_shift_out));
`endif
endmodule
