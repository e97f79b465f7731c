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
    logic [Width-1:0] stage_q [Depth];

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        for (int unsigned i = 0; i < Depth; i++) stage_q[i] <= '0;
      end else begin
        stage_q[0] <= data_i;
        for (int unsigned i = 1; i < Depth; i++) stage_q[i] <= stage_q[i-1];
      end
    end

    assign data_o = stage_q[Depth-1];
  end
endmodule
