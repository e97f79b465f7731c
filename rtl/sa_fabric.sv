// MeshX x MeshY mesh of wafer-fabric routers (tile index t = y * MeshX + x; x grows east, y south).
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
// Route tables are written one router and one color per cycle through cfg_*.
module sa_fabric
  import sa_wavelet_pkg::*;
#(
  parameter int unsigned MeshX     = 4,
  parameter int unsigned MeshY     = 4,
  parameter int unsigned NumColors = 4,
  parameter int unsigned Depth     = 4
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
  output logic                  route_error_o
);
  localparam int unsigned NumTiles = MeshX * MeshY;
  localparam int unsigned NumEdges = 2 * (MeshX + MeshY);

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
  function automatic int unsigned facing(int unsigned d);  // the neighbour's port toward us
    return (d + 2) % 4;
  endfunction
  function automatic int unsigned edge_slot(int unsigned d, int unsigned x, int unsigned y);
    unique case (d)
      PortN:   return x;
      PortE:   return MeshX + y;
      PortS:   return MeshX + MeshY + x;
      default: return 2 * MeshX + MeshY + y;
    endcase
  endfunction

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

  logic                 in_valid   [NumTiles][NumPorts];
  sa_wavelet_t          in_wavelet [NumTiles][NumPorts];
  logic [NumColors-1:0] in_credit  [NumTiles][NumPorts];
  logic                 out_valid  [NumTiles][NumPorts];
  sa_wavelet_t          out_wavelet [NumTiles][NumPorts];
  logic [NumColors-1:0] out_credit [NumTiles][NumPorts];
  logic [NumTiles-1:0]  route_error;

  for (genvar y = 0; y < MeshY; y++) begin : gen_y
    for (genvar x = 0; x < MeshX; x++) begin : gen_x
      localparam int unsigned T = y * MeshX + x;
      logic        inj_valid_q;
      sa_wavelet_t inj_wavelet_q;
      logic        cfg_here;

      // Mesh directions: a link to the neighbour's facing port, or an edge port at the boundary.
      for (genvar d = 0; d < 4; d++) begin : gen_dir
        if (has_neighbour(d, x, y)) begin : gen_link
          localparam int unsigned Nb = neighbour(d, x, y);
          assign in_valid[T][d]   = out_valid[Nb][facing(d)];
          assign in_wavelet[T][d] = out_wavelet[Nb][facing(d)];
          assign out_credit[T][d] = in_credit[Nb][facing(d)];
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

      // Ramps.
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) inj_valid_q <= 1'b0;
        else         inj_valid_q <= inj_valid_i[T];
      end
      always_ff @(posedge clk_i) inj_wavelet_q <= inj_wavelet_i[T];
      assign in_valid[T][PortRamp]   = inj_valid_q;
      assign in_wavelet[T][PortRamp] = inj_wavelet_q;
      assign inj_credit_o[T]         = in_credit[T][PortRamp];
      assign ej_valid_o[T]           = out_valid[T][PortRamp];
      assign ej_wavelet_o[T]         = out_wavelet[T][PortRamp];
      assign out_credit[T][PortRamp] = ej_credit_i[T];

      assign cfg_here = cfg_valid_i && (32'(cfg_x_i) == x) && (32'(cfg_y_i) == y);

      sa_router #(.NumColors(NumColors), .Depth(Depth)) u_router (
        .clk_i, .rst_ni,
        .x_i            (CoordWidth'(x)),
        .y_i            (CoordWidth'(y)),
        .cfg_valid_i    (cfg_here),
        .cfg_color_i,
        .cfg_addressed_i,
        .cfg_rx_i,
        .cfg_tx_i,
        .in_valid_i     (in_valid[T]),
        .in_wavelet_i   (in_wavelet[T]),
        .in_credit_o    (in_credit[T]),
        .out_valid_o    (out_valid[T]),
        .out_wavelet_o  (out_wavelet[T]),
        .out_credit_i   (out_credit[T]),
        .route_error_o  (route_error[T])
      );
    end
  end

  assign route_error_o = (route_error != '0);
endmodule
