// SPDX-License-Identifier: Apache-2.0
// Fixed-latency delay line: out(t) = in(t - Depth). Depth 0 is a wire.
// Handshake: none (the caller guarantees the consumer always accepts); used for the
// input skew and output de-skew triangles of the systolic array.
module sa_delay_line #(
  parameter int unsigned Width = 8,
  parameter int unsigned Depth = 1
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic [Width-1:0] data_i,
  output logic [Width-1:0] data_o
);
  if (Depth == 0) begin : gen_wire
    assign data_o = data_i;
    logic unused_clk_rst;
    assign unused_clk_rst = clk_i ^ rst_ni;
  end else begin : gen_regs
    // Stage i holds data_i of i + 1 cycles ago. One packed vector, so that a shift is one
    // vector operation in simulation rather than Depth assignments.
    // The shift is written in the flop: a separate next-state signal would depend on data_i
    // and be re-evaluated on every input change instead of once per clock edge.
    logic [Depth-1:0][Width-1:0] stage_q;

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) stage_q <= '0;
      else         stage_q <= (Depth * Width)'({stage_q, data_i});
    end

    assign data_o = stage_q[Depth-1];
  end
endmodule
