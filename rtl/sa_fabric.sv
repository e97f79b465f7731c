// SPDX-License-Identifier: Apache-2.0
// MeshX x MeshY mesh of wafer-fabric tiles (tile index t = y * MeshX + x; x grows east, y south):
// with HasPe each tile is a router plus its data-triggered PE (the compute fabric); without, the
// routers' ramps are exposed as inj_* / ej_* (the NoC benchmark).
//
// Handshake: every link, including the ramps exposed here, is credit-based per color (see
// sa_router). A ramp sender starts with Depth credits per color and gets them back on
// inj_credit_o; the ramp receiver returns one pulse on ej_credit_i per wavelet it consumes.
// The links that cross the mesh boundary are the edge ports, one slot per boundary router
// side: slots [0, MeshX) north (by x), [MeshX, MeshX+MeshY) east (by y), then south (by x), then
// west (by y). They are credit links like the ramps; an edge receiver that returns no credits
// holds wavelets routed off the mesh at the edge. Wavelets entering through a ramp or an edge
// are registered once before the router, so no router logic depends combinationally on the
// fabric's inputs.
// Route tables are written one router and one color per cycle through cfg_*; every PE has its
// own configuration port (pe_cfg_*[t]), so all PEs load their SRAM in parallel.
module sa_fabric
  import sa_fabric_pkg::*;
#(
  parameter int unsigned MeshX     = 4,
  parameter int unsigned MeshY     = 4,
  parameter int unsigned NumColors = 4,
  parameter int unsigned Depth     = 4,
  parameter int unsigned HasPe     = 0,
  parameter int unsigned SramBytes = 49152,
  parameter int unsigned NumAcc    = 256
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  // route table write port
  input  logic                  cfg_valid_i,
  input  logic [CoordWidth-1:0] cfg_x_i,
  input  logic [CoordWidth-1:0] cfg_y_i,
  input  logic [ColorWidth-1:0] cfg_color_i,
  input  logic                  cfg_addressed_i,
  input  logic [NumPorts-1:0]   cfg_rx_i,
  input  logic [NumPorts-1:0]   cfg_tx_i,
  // PE configuration ports (HasPe)
  input  logic                  pe_cfg_valid_i [MeshX*MeshY],
  input  logic                  pe_cfg_sram_i  [MeshX*MeshY],
  input  logic [PeCfgAddrWidth-1:0] pe_cfg_addr_i [MeshX*MeshY],
  input  logic [31:0]           pe_cfg_data_i  [MeshX*MeshY],
  // injection ramps (into the routers)
  input  logic                  inj_valid_i   [MeshX*MeshY],
  input  sa_wavelet_t           inj_wavelet_i [MeshX*MeshY],
  output logic [NumColors-1:0]  inj_credit_o  [MeshX*MeshY],
  // edge ports (see above for the slot order)
  input  logic                  edge_in_valid_i    [2*(MeshX+MeshY)],
  input  sa_wavelet_t           edge_in_wavelet_i  [2*(MeshX+MeshY)],
  output logic [NumColors-1:0]  edge_in_credit_o   [2*(MeshX+MeshY)],
  output logic                  edge_out_valid_o   [2*(MeshX+MeshY)],
  output sa_wavelet_t           edge_out_wavelet_o [2*(MeshX+MeshY)],
  input  logic [NumColors-1:0]  edge_out_credit_i  [2*(MeshX+MeshY)],
  // ejection ramps (out of the routers)
  output logic                  ej_valid_o    [MeshX*MeshY],
  output sa_wavelet_t           ej_wavelet_o  [MeshX*MeshY],
  input  logic [NumColors-1:0]  ej_credit_i   [MeshX*MeshY],
  // status
  // per tile (CounterWidth bits, since reset): wavelets sent on its mesh outputs; its PE's MACs,
  // SRAM words read and written, partial sums added (see sa_wafer_pe)
  output logic [CounterWidth-1:0] link_flits_o     [MeshX*MeshY],
  output logic [CounterWidth-1:0] pe_macs_o        [MeshX*MeshY],
  output logic [CounterWidth-1:0] pe_sram_reads_o  [MeshX*MeshY],
  output logic [CounterWidth-1:0] pe_sram_writes_o [MeshX*MeshY],
  output logic [CounterWidth-1:0] pe_psum_adds_o   [MeshX*MeshY],
  output logic [MeshX*MeshY-1:0] pe_idle_o,
  output logic                  route_error_o,
  output logic                  pe_error_o,
  // diagnostics per tile (watchdogs), bit p*NumColors + c for port p (PortN .. PortRamp) and
  // color c: the router's input p holds a wavelet of color c / its output p has no credit for c
  output logic [NumPorts*NumColors-1:0] stored_o    [MeshX*MeshY],
  output logic [NumPorts*NumColors-1:0] no_credit_o [MeshX*MeshY]
);
  localparam int unsigned NumTiles = MeshX * MeshY;
  localparam int unsigned NumEdges = 2 * (MeshX + MeshY);

  // Constant functions, evaluated by Verilator while elaborating and never in simulation:
  // no coverage points (scripts/coverage.sh would count their lines as never run).
  // verilator coverage_off
  // Geometry of direction d (PortN, PortE, PortS, PortW) from tile (x, y).
  function automatic bit has_neighbour(int unsigned d, int unsigned x, int unsigned y);
    unique case (d)
      PortN:   return y > 0;
      PortE:   return x < MeshX - 1;
      PortS:   return y < MeshY - 1;
      default: return x > 0;
    endcase
  endfunction
  function automatic int unsigned neighbour(int unsigned d, int unsigned x, int unsigned y);
    unique case (d)
      PortN:   return (y - 1) * MeshX + x;
      PortE:   return y * MeshX + x + 1;
      PortS:   return (y + 1) * MeshX + x;
      default: return y * MeshX + x - 1;
    endcase
  endfunction
  function automatic int unsigned edge_slot(int unsigned d, int unsigned x, int unsigned y);
    unique case (d)
      PortN:   return x;
      PortE:   return MeshX + y;
      PortS:   return MeshX + MeshY + x;
      default: return 2 * MeshX + MeshY + y;
    endcase
  endfunction
  // verilator coverage_on

  // Edge inputs, registered once.
  logic        edge_valid_q   [NumEdges];
  sa_wavelet_t edge_wavelet_q [NumEdges];
  for (genvar e = 0; e < NumEdges; e++) begin : gen_edge_in
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) edge_valid_q[e] <= 1'b0;
      else         edge_valid_q[e] <= edge_in_valid_i[e];
    end
    always_ff @(posedge clk_i) edge_wavelet_q[e] <= edge_in_wavelet_i[e];
  end

  logic                 in_valid   [NumTiles][NumDirs];
  sa_wavelet_t          in_wavelet [NumTiles][NumDirs];
  logic [NumColors-1:0] in_credit  [NumTiles][NumDirs];
  logic                 out_valid  [NumTiles][NumDirs];
  sa_wavelet_t          out_wavelet [NumTiles][NumDirs];
  logic [NumColors-1:0] out_credit [NumTiles][NumDirs];
  logic [NumTiles-1:0]  route_error, pe_error;

  for (genvar y = 0; y < MeshY; y++) begin : gen_y
    for (genvar x = 0; x < MeshX; x++) begin : gen_x
      localparam int unsigned T = y * MeshX + x;

      // Mesh directions: a link to the neighbour's facing port, or an edge port at the boundary.
      for (genvar d = 0; d < NumDirs; d++) begin : gen_dir
        if (has_neighbour(d, x, y)) begin : gen_link
          localparam int unsigned Nb = neighbour(d, x, y);
          assign in_valid[T][d]   = out_valid[Nb][facing_port(d)];
          assign in_wavelet[T][d] = out_wavelet[Nb][facing_port(d)];
          assign out_credit[T][d] = in_credit[Nb][facing_port(d)];
        end else begin : gen_edge
          localparam int unsigned Slot = edge_slot(d, x, y);
          assign in_valid[T][d]           = edge_valid_q[Slot];
          assign in_wavelet[T][d]         = edge_wavelet_q[Slot];
          assign edge_in_credit_o[Slot]   = in_credit[T][d];
          assign edge_out_valid_o[Slot]   = out_valid[T][d];
          assign edge_out_wavelet_o[Slot] = out_wavelet[T][d];
          assign out_credit[T][d]         = edge_out_credit_i[Slot];
        end
      end

      sa_tile #(
        .NumColors(NumColors), .Depth(Depth), .HasPe(HasPe), .SramBytes(SramBytes), .NumAcc(NumAcc)
      ) u_tile (
        .clk_i, .rst_ni,
        .x_i            (CoordWidth'(x)),
        .y_i            (CoordWidth'(y)),
        .cfg_valid_i    (cfg_valid_i && (32'(cfg_x_i) == x) && (32'(cfg_y_i) == y)),
        .cfg_color_i,
        .cfg_addressed_i,
        .cfg_rx_i,
        .cfg_tx_i,
        .pe_cfg_valid_i (pe_cfg_valid_i[T]),
        .pe_cfg_sram_i  (pe_cfg_sram_i[T]),
        .pe_cfg_addr_i  (pe_cfg_addr_i[T]),
        .pe_cfg_data_i  (pe_cfg_data_i[T]),
        .in_valid_i     (in_valid[T]),
        .in_wavelet_i   (in_wavelet[T]),
        .in_credit_o    (in_credit[T]),
        .out_valid_o    (out_valid[T]),
        .out_wavelet_o  (out_wavelet[T]),
        .out_credit_i   (out_credit[T]),
        .inj_valid_i    (inj_valid_i[T]),
        .inj_wavelet_i  (inj_wavelet_i[T]),
        .inj_credit_o   (inj_credit_o[T]),
        .ej_valid_o     (ej_valid_o[T]),
        .ej_wavelet_o   (ej_wavelet_o[T]),
        .ej_credit_i    (ej_credit_i[T]),
        .link_flits_o   (link_flits_o[T]),
        .pe_macs_o      (pe_macs_o[T]),
        .pe_sram_reads_o  (pe_sram_reads_o[T]),
        .pe_sram_writes_o (pe_sram_writes_o[T]),
        .pe_psum_adds_o   (pe_psum_adds_o[T]),
        .pe_idle_o      (pe_idle_o[T]),
        .route_error_o  (route_error[T]),
        .pe_error_o     (pe_error[T]),
        .stored_o       (stored_o[T]),
        .no_credit_o    (no_credit_o[T])
      );
    end
  end

  assign route_error_o = (route_error != '0);
  assign pe_error_o    = (pe_error != '0);
endmodule
