// SPDX-License-Identifier: Apache-2.0
// One tile of the wafer fabric: a 5-port router and, when HasPe, the data-triggered PE on its
// ramp. Without a PE the ramp is exposed (inj_* / ej_*) so a testbench can be source and sink
// (the NoC benchmark); wavelets from inj_* are registered once before the router, so no router
// logic depends combinationally on the tile's inputs. Mesh links are credit links (sa_router).
module sa_tile
  import sa_fabric_pkg::*;
#(
  parameter int unsigned NumColors = 4,
  parameter int unsigned Depth     = 4,
  parameter int unsigned HasPe     = 1,
  parameter int unsigned SramBytes = 49152,
  parameter int unsigned NumAcc    = 256
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic [CoordWidth-1:0] x_i,
  input  logic [CoordWidth-1:0] y_i,
  // router table write port
  input  logic                  cfg_valid_i,
  input  logic [ColorWidth-1:0] cfg_color_i,
  input  logic                  cfg_addressed_i,
  input  logic [NumPorts-1:0]   cfg_rx_i,
  input  logic [NumPorts-1:0]   cfg_tx_i,
  // PE configuration port (see sa_wafer_pe)
  input  logic                  pe_cfg_valid_i,
  input  logic                  pe_cfg_sram_i,
  input  logic [PeCfgAddrWidth-1:0] pe_cfg_addr_i,
  input  logic [31:0]           pe_cfg_data_i,
  // mesh links, indexed by direction (PortN .. PortW)
  input  logic                  in_valid_i    [NumDirs],
  input  sa_wavelet_t           in_wavelet_i  [NumDirs],
  output logic [NumColors-1:0]  in_credit_o   [NumDirs],
  output logic                  out_valid_o   [NumDirs],
  output sa_wavelet_t           out_wavelet_o [NumDirs],
  input  logic [NumColors-1:0]  out_credit_i  [NumDirs],
  // the ramp, when there is no PE
  input  logic                  inj_valid_i,
  input  sa_wavelet_t           inj_wavelet_i,
  output logic [NumColors-1:0]  inj_credit_o,
  output logic                  ej_valid_o,
  output sa_wavelet_t           ej_wavelet_o,
  input  logic [NumColors-1:0]  ej_credit_i,
  // status
  output logic [CounterWidth-1:0] link_flits_o,  // wavelets sent on the four mesh outputs since reset
  output logic [CounterWidth-1:0] pe_macs_o,      // the PE's activity counters (see sa_wafer_pe)
  output logic [CounterWidth-1:0] pe_sram_reads_o,
  output logic [CounterWidth-1:0] pe_sram_writes_o,
  output logic [CounterWidth-1:0] pe_psum_adds_o,
  output logic                  pe_idle_o,
  output logic                  route_error_o,
  output logic                  pe_error_o,
  // diagnostics: bit p*NumColors + c: input p holds a wavelet of color c / output p has no
  // credit for color c
  output logic [NumPorts*NumColors-1:0] stored_o,
  output logic [NumPorts*NumColors-1:0] no_credit_o
);
  logic                 r_in_valid   [NumPorts];
  sa_wavelet_t          r_in_wavelet [NumPorts];
  logic [NumColors-1:0] r_in_credit  [NumPorts];
  logic                 r_out_valid  [NumPorts];
  sa_wavelet_t          r_out_wavelet [NumPorts];
  logic [NumColors-1:0] r_out_credit [NumPorts];

  // The mesh directions are router ports 0 .. NumDirs-1 (the ramp is PortRamp).
  for (genvar d = 0; d < NumDirs; d++) begin : gen_dir
    assign r_in_valid[d]   = in_valid_i[d];
    assign r_in_wavelet[d] = in_wavelet_i[d];
    assign in_credit_o[d]  = r_in_credit[d];
    assign out_valid_o[d]  = r_out_valid[d];
    assign out_wavelet_o[d] = r_out_wavelet[d];
    assign r_out_credit[d] = out_credit_i[d];
  end

  logic [NumColors-1:0] r_stored [NumPorts];
  logic [NumColors-1:0] r_no_credit [NumPorts];
  for (genvar p = 0; p < NumPorts; p++) begin : gen_diag
    assign stored_o[p*NumColors +: NumColors]    = r_stored[p];
    assign no_credit_o[p*NumColors +: NumColors] = r_no_credit[p];
  end

  sa_router #(.NumColors(NumColors), .Depth(Depth)) u_router (
    .clk_i, .rst_ni, .x_i, .y_i,
    .cfg_valid_i, .cfg_color_i, .cfg_addressed_i, .cfg_rx_i, .cfg_tx_i,
    .in_valid_i    (r_in_valid),
    .in_wavelet_i  (r_in_wavelet),
    .in_credit_o   (r_in_credit),
    .out_valid_o   (r_out_valid),
    .out_wavelet_o (r_out_wavelet),
    .out_credit_i  (r_out_credit),
    .route_error_o,
    .stored_o      (r_stored),
    .no_credit_o   (r_no_credit)
  );

  if (HasPe != 0) begin : gen_pe
    sa_wafer_pe #(.NumColors(NumColors), .Depth(Depth), .SramBytes(SramBytes), .NumAcc(NumAcc)) u_pe (
      .clk_i, .rst_ni,
      .cfg_valid_i   (pe_cfg_valid_i),
      .cfg_sram_i    (pe_cfg_sram_i),
      .cfg_addr_i    (pe_cfg_addr_i),
      .cfg_data_i    (pe_cfg_data_i),
      .in_valid_i    (r_out_valid[PortRamp]),
      .in_wavelet_i  (r_out_wavelet[PortRamp]),
      .in_credit_o   (r_out_credit[PortRamp]),
      .out_valid_o   (r_in_valid[PortRamp]),
      .out_wavelet_o (r_in_wavelet[PortRamp]),
      .out_credit_i  (r_in_credit[PortRamp]),
      .macs_o        (pe_macs_o),
      .sram_reads_o  (pe_sram_reads_o),
      .sram_writes_o (pe_sram_writes_o),
      .psum_adds_o   (pe_psum_adds_o),
      .idle_o        (pe_idle_o),
      .error_o       (pe_error_o)
    );
    assign inj_credit_o = '0;
    assign ej_valid_o   = 1'b0;
    assign ej_wavelet_o = '0;
    // The ramp is inside the tile.
    logic unused_ramp;
    assign unused_ramp = ^{inj_valid_i, inj_wavelet_i, ej_credit_i};
  end else begin : gen_ramp
    logic        inj_valid_q;
    sa_wavelet_t inj_wavelet_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) inj_valid_q <= 1'b0;
      else         inj_valid_q <= inj_valid_i;
    end
    always_ff @(posedge clk_i) inj_wavelet_q <= inj_wavelet_i;
    assign r_in_valid[PortRamp]   = inj_valid_q;
    assign r_in_wavelet[PortRamp] = inj_wavelet_q;
    assign inj_credit_o           = r_in_credit[PortRamp];
    assign ej_valid_o             = r_out_valid[PortRamp];
    assign ej_wavelet_o           = r_out_wavelet[PortRamp];
    assign r_out_credit[PortRamp] = ej_credit_i;
    assign pe_macs_o = '0;
    assign pe_sram_reads_o = '0;
    assign pe_sram_writes_o = '0;
    assign pe_psum_adds_o = '0;
    assign pe_idle_o = 1'b1;
    assign pe_error_o = 1'b0;
    logic unused_pe_cfg;
    assign unused_pe_cfg = ^{pe_cfg_valid_i, pe_cfg_sram_i, pe_cfg_addr_i, pe_cfg_data_i};
  end

  // Link traffic, for utilisation reports: wavelets leaving on the mesh directions this cycle.
  // (The next count is kept out of the waveform; the count itself is traced.)
  logic [CounterWidth-1:0] link_flits_q;
  /* verilator tracing_off */
  logic [CounterWidth-1:0] link_flits_d;
  /* verilator tracing_on */
  assign link_flits_d = link_flits_q + CounterWidth'(r_out_valid[PortN]) + CounterWidth'(r_out_valid[PortE]) +
                        CounterWidth'(r_out_valid[PortS]) + CounterWidth'(r_out_valid[PortW]);
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) link_flits_q <= '0;
    else         link_flits_q <= link_flits_d;
  end
  assign link_flits_o = link_flits_q;
endmodule
