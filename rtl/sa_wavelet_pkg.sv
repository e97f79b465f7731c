// Wavelet format of the wafer fabric: 32 bits of data on a color (virtual channel). Addressed
// colors also carry a destination tile (dimension-ordered routing); routed colors ignore it.
package sa_wavelet_pkg;
  localparam int unsigned ColorWidth = 5;   // 32 color codes, 24 routable
  localparam int unsigned CoordWidth = 4;   // meshes up to 16 x 16
  localparam int unsigned DataWidth  = 32;

  // Router ports: the four mesh directions and the ramp to the tile's own PE. (Not every user
  // of the package needs every constant.)
  /* verilator lint_off UNUSEDPARAM */
  localparam int unsigned NumPorts = 5;
  localparam int unsigned PortN    = 0;
  localparam int unsigned PortE    = 1;
  localparam int unsigned PortS    = 2;
  localparam int unsigned PortW    = 3;
  localparam int unsigned PortRamp = 4;
  /* verilator lint_on UNUSEDPARAM */

  typedef struct packed {
    logic [ColorWidth-1:0] color;
    logic [CoordWidth-1:0] dst_x;
    logic [CoordWidth-1:0] dst_y;
    logic [DataWidth-1:0]  data;
  } sa_wavelet_t;
endpackage
