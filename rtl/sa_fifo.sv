// SPDX-License-Identifier: Apache-2.0
// Synchronous FIFO, first-word fall-through.
// Handshake: ready-AND-valid on both sides (push when in_valid_i & in_ready_o,
// pop when out_valid_o & out_ready_i); a push into a full FIFO is never accepted.
module sa_fifo #(
  parameter int unsigned Width = 32,
  parameter int unsigned Depth = 4
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             in_valid_i,
  output logic             in_ready_o,
  input  logic [Width-1:0] in_data_i,
  output logic             out_valid_o,
  input  logic             out_ready_i,
  output logic [Width-1:0] out_data_o
);
  localparam int unsigned PtrWidth = (Depth > 1) ? $clog2(Depth) : 1;
  localparam int unsigned CntWidth = $clog2(Depth + 1);
  localparam logic [PtrWidth-1:0] LastPtr = PtrWidth'(Depth - 1);

  logic [Width-1:0]    mem_q [Depth];
  logic [PtrWidth-1:0] rd_ptr_q, rd_ptr_d, wr_ptr_q, wr_ptr_d;
  logic [CntWidth-1:0] count_q, count_d;
  logic push, pop;

  assign in_ready_o  = (count_q != CntWidth'(Depth));
  assign out_valid_o = (count_q != '0);
  assign out_data_o  = mem_q[rd_ptr_q];
  assign push = in_valid_i & in_ready_o;
  assign pop  = out_valid_o & out_ready_i;

  always_comb begin
    rd_ptr_d = rd_ptr_q;
    wr_ptr_d = wr_ptr_q;
    count_d  = count_q;
    if (push) wr_ptr_d = (wr_ptr_q == LastPtr) ? '0 : wr_ptr_q + 1'b1;
    if (pop)  rd_ptr_d = (rd_ptr_q == LastPtr) ? '0 : rd_ptr_q + 1'b1;
    unique case ({push, pop})
      2'b10:   count_d = count_q + 1'b1;
      2'b01:   count_d = count_q - 1'b1;
      default: count_d = count_q;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rd_ptr_q <= '0;
      wr_ptr_q <= '0;
      count_q  <= '0;
    end else begin
      rd_ptr_q <= rd_ptr_d;
      wr_ptr_q <= wr_ptr_d;
      count_q  <= count_d;
    end
  end

  // Storage has no reset (it is never read before written); a write port like any memory.
  always_ff @(posedge clk_i) begin
    if (push) mem_q[wr_ptr_q] <= in_data_i;
  end

`ifndef SYNTHESIS
  // No overflow, no underflow: the count stays in [0, Depth] and a push (pop) finds room (data).
  CountInRange_A: assert property (@(posedge clk_i) disable iff (!rst_ni) 32'(count_q) <= Depth);
  NoOverflow_A: assert property (@(posedge clk_i) disable iff (!rst_ni) !push || 32'(count_q) < Depth);
  NoUnderflow_A: assert property (@(posedge clk_i) disable iff (!rst_ni) !pop || count_q != '0);
  // The pointers stay on the ring and are count apart.
  PtrsInRange_A: assert property (@(posedge clk_i) disable iff (!rst_ni) rd_ptr_q <= LastPtr && wr_ptr_q <= LastPtr);
  PtrsMatchCount_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                     32'(wr_ptr_q) == (32'(rd_ptr_q) + 32'(count_q)) % Depth);
`endif
endmodule
