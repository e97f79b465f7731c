// SPDX-License-Identifier: Apache-2.0
// 5-port wafer-fabric router: N, E, S, W and the ramp to the tile's PE.
//
// Handshake: credit-based per color on every link. A sender may put a wavelet of color c on a
// link only while it holds a credit for c (it starts with Depth); the receiver returns one
// credit pulse for c (in_credit_o[p][c]) when the wavelet leaves its buffer. Each color has its
// own Depth-deep buffer at every input, so a color whose downstream never drains holds only its
// own buffers and never blocks another color: colors are virtual channels.
//
// Routing, per color, from a table written through the cfg_* port:
//  - routed colors: a wavelet arriving on a port in the color's rx set is forwarded to every
//    port in its tx set (several ports = multicast; each output serves the head on its own, the
//    head leaves the buffer when all of them have);
//  - addressed colors: the wavelet's dst_x/dst_y select the output by dimension order (X first,
//    then Y; the ramp when it has arrived). x grows to the east, y to the south.
// The route is looked up once, when the wavelet arrives, and kept beside it. A wavelet with no
// route (port not in rx, empty tx, color not built) is dropped and sets the sticky
// route_error_o; its credit comes back when it reaches the head of its buffer.
//
// Timing: one cycle per hop. An arriving wavelet that finds its color's buffer empty competes
// for the outputs in the same cycle (bypass); outputs are registered.
//
// Allocation: each output picks, round-robin from its pointer, an input with a head (of any
// color) that needs the output and holds the output's credit for its color, then, round-robin,
// one such color of that input. A head leaves (and its credit pulse goes back) once every output
// it needs has taken it; several colors of one input may leave in the same cycle.
//
// Written for simulation speed under Verilator: per input, one array of NumColors*Depth slots
// with per-color read/write pointers packed into one vector; the outputs each color's head still
// needs and the credits of each output are color bit-vectors (credits as a thermometer code:
// plane k holds the colors with more than k credits), so requests, choices and credit updates
// are a few word operations instead of loops over colors. Idle inputs and outputs skip their
// logic (`if`s that Verilator keeps as branches). Only registers are traced, so temporaries
// become C++ locals. State lives in packed variables of the per-port generate blocks and the
// per-cycle helpers are macros (see below), so that Verilator emits one copy of the router's
// code that every (not inlined) instance of a mesh shares.
module sa_router
  import sa_fabric_pkg::*;
#(
  parameter int unsigned NumColors = 24,
  parameter int unsigned Depth     = 4
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  // (public: keeps Verilator from folding each instance's constants into its own code copy)
  input  logic [CoordWidth-1:0] x_i /* verilator public_flat_rd */,
  input  logic [CoordWidth-1:0] y_i /* verilator public_flat_rd */,
  // route table write port
  input  logic                  cfg_valid_i /* verilator public_flat_rd */,
  input  logic [ColorWidth-1:0] cfg_color_i,
  input  logic                  cfg_addressed_i,
  input  logic [NumPorts-1:0]   cfg_rx_i,
  input  logic [NumPorts-1:0]   cfg_tx_i,
  // input links
  input  logic                  in_valid_i   [NumPorts],
  input  sa_wavelet_t           in_wavelet_i [NumPorts],
  output logic [NumColors-1:0]  in_credit_o  [NumPorts],
  // output links
  output logic                  out_valid_o   [NumPorts],
  output sa_wavelet_t           out_wavelet_o [NumPorts],
  input  logic [NumColors-1:0]  out_credit_i  [NumPorts],
  output logic                  route_error_o,
  // diagnostics (watchdogs): per input, the colors holding a buffered wavelet; per output, the
  // colors without a credit
  output logic [NumColors-1:0]  stored_o     [NumPorts],
  output logic [NumColors-1:0]  no_credit_o  [NumPorts]
);
  // One class for all instances: the mesh shares this module's code instead of inlining a copy
  // per router.
  /* verilator no_inline_module */
  localparam int unsigned PtrWidth  = (Depth > 1) ? $clog2(Depth) : 1;
  localparam int unsigned PortWidth = $clog2(NumPorts);
  localparam int unsigned CIdxWidth = (NumColors > 1) ? $clog2(NumColors) : 1;
  localparam int unsigned Slots     = NumColors * Depth;
  localparam int unsigned SlotWidth = (Slots > 1) ? $clog2(Slots) : 1;

  typedef logic [NumColors-1:0] cvec_t;   // one bit per color
  typedef logic [NumPorts-1:0]  pvec_t;   // one bit per port
  typedef logic [NumColors-1:0][PtrWidth-1:0] ptrs_t;  // one pointer per color
  typedef logic [Depth*NumColors-1:0]         credit_t; // Depth color planes (see gen_out)
  // Constant functions, evaluated by Verilator while elaborating and never in simulation:
  // no coverage points (scripts/coverage.sh would count their lines as never run).
  // verilator coverage_off
  // Multiplying a color vector by this copies it into every plane (no carries: one bit per plane).
  function automatic credit_t credit_rep();
    credit_t r;
    r = '0;
    for (int unsigned k = 0; k < Depth; k++) r[k*NumColors] = 1'b1;
    return r;
  endfunction
  localparam credit_t CreditRep = credit_rep();
  typedef struct packed {
    pvec_t       route;                   // outputs the wavelet goes to (empty: no route)
    sa_wavelet_t wavelet;
  } entry_t;

  // Constant masks that turn a one-hot color vector into its index: bit b of the index is set
  // when the hot bit is at a position whose bit b is set.
  typedef logic [CIdxWidth-1:0][NumColors-1:0] idx_masks_t;
  function automatic idx_masks_t color_index_masks();
    idx_masks_t m;
    for (int unsigned b = 0; b < CIdxWidth; b++) begin
      for (int unsigned c = 0; c < NumColors; c++) m[b][c] = ((c >> b) & 1) == 1;
    end
    return m;
  endfunction
  localparam idx_masks_t ColorIndexMasks = color_index_masks();
  // The same for a one-hot port vector.
  typedef logic [PortWidth-1:0][NumPorts-1:0] port_masks_t;
  function automatic port_masks_t port_index_masks();
    port_masks_t m;
    for (int unsigned b = 0; b < PortWidth; b++) begin
      for (int unsigned p = 0; p < NumPorts; p++) m[b][p] = ((p >> b) & 1) == 1;
    end
    return m;
  endfunction
  localparam port_masks_t PortIndexMasks = port_index_masks();
  // verilator coverage_on

  // The per-cycle helpers are macros, not functions: Verilator numbers the temporaries of each
  // inlined function call per instance, which would give every router instance its own code.
  //
  // Round-robin pick: the lowest requester at or after the pointer (`from` holds the positions
  // at or after it), else the lowest requester; one-hot, zero when nobody requests.
`define SA_ROUTER_PICK(T, req, from) \
    ((((req) & (from)) != '0) ? (((req) & (from)) & (~((req) & (from)) + T'(1))) \
                              : ((req) & (~(req) + T'(1))))
  // Positions after a one-hot pick: the next round-robin pointer.
`define SA_ROUTER_AFTER(T, onehot) (~((onehot) | ((onehot) - T'(1))))
  // Slot of color c's pointer ptr, and the pointer after ptr.
`define SA_ROUTER_SLOT(c, ptr) SlotWidth'(32'(c) * Depth + 32'(ptr))
`define SA_ROUTER_NEXT(ptr) \
    PtrWidth'(((Depth & (Depth - 1)) == 0) ? (ptr) + 1'b1 : ((32'(ptr) == Depth - 1) ? '0 : (ptr) + 1'b1))

  // ---------------------------------------------------------------- route table
  // A memory with one write port, one entry per color. (Enable and address are written in
  // place: as signals of their own they would be evaluated on every change of the fabric's
  // inputs, see the credits below.)
  pvec_t rx_q [NumColors];
  pvec_t tx_q [NumColors];
  cvec_t addressed_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int unsigned c = 0; c < NumColors; c++) begin
        rx_q[c] <= '0;
        tx_q[c] <= '0;
      end
      addressed_q <= '0;
    end else if (cfg_valid_i && (32'(cfg_color_i) < NumColors)) begin
      rx_q[CIdxWidth'(cfg_color_i)]        <= cfg_rx_i;
      tx_q[CIdxWidth'(cfg_color_i)]        <= cfg_tx_i;
      addressed_q[CIdxWidth'(cfg_color_i)] <= cfg_addressed_i;
    end
  end

  // ---------------------------------------------------------------- between inputs and outputs
  // Only registers are traced: Verilator keeps a traced signal in memory, while an untraced
  // combinational one can live in a C++ local (a machine register).
  /* verilator tracing_off */
  typedef logic [NumPorts-1:0][NumColors-1:0] planes_t;  // [output]: a color vector per output
  entry_t               mem_q  [NumPorts][Slots];  // [input]: NumColors rings of Depth slots
  ptrs_t                rd     [NumPorts];         // [input]: read pointer per color
  cvec_t                bypass [NumPorts];         // [input]: arrival into an empty buffer (a head now)
  planes_t              want   [NumPorts];         // [input]: heads that need an output holding their credit
  pvec_t                wanting;                   // [input]: want is not empty
  planes_t              has_credit;                // [output]: colors it holds a credit for
  logic [NumPorts-1:0][NumPorts-1:0] grant_port;   // [output]: the input it serves, one-hot
  planes_t              grant_color;               // [output]: the color it serves, one-hot
  pvec_t                push_any;
  logic [SlotWidth-1:0] push_slot [NumPorts];
  entry_t               push_entry [NumPorts];
  pvec_t                route_error;

  // The buffers: a memory per input with one write port (push_*).
  always_ff @(posedge clk_i) begin
    for (int unsigned p = 0; p < NumPorts; p++) begin
      if (push_any[p]) mem_q[p][push_slot[p]] <= push_entry[p];
    end
  end

  // ---------------------------------------------------------------- inputs
  for (genvar p = 0; p < NumPorts; p++) begin : gen_in
    /* verilator tracing_on */
    ptrs_t   rd_q, wr_q;           // per color: head and tail pointers
    cvec_t   stored_q;             // colors whose buffer is not empty
    planes_t need_q;               // [output]: stored heads that still need it
    /* verilator tracing_off */
    cvec_t   pulse_q;              // the in_credit_o pulse: colors that left (traced as the port)
    ptrs_t   rd_d, wr_d;
    cvec_t   stored_d;
    planes_t need_d;
    planes_t              need;    // need_q and the bypassing head
    logic [CIdxWidth-1:0] a;       // arriving color
    cvec_t                arrive, pop;
    pvec_t                route_in;
    logic                 overflow;

    // Arrival and requests. (The `if`s skip idle inputs: Verilator keeps them as branches.)
    always_comb begin
      a              = '0;
      arrive         = '0;
      route_in       = '0;
      route_error[p] = 1'b0;
      if (in_valid_i[p]) begin
        a      = CIdxWidth'(in_wavelet_i[p].color);
        arrive = cvec_t'(1) << in_wavelet_i[p].color;  // zero for a color not built
        // Dimension-ordered (X, then Y) for addressed colors, else the table.
        if (!addressed_q[a])                  route_in = rx_q[a][p] ? tx_q[a] : '0;
        else if (in_wavelet_i[p].dst_x > x_i) route_in[PortE] = 1'b1;
        else if (in_wavelet_i[p].dst_x < x_i) route_in[PortW] = 1'b1;
        else if (in_wavelet_i[p].dst_y > y_i) route_in[PortS] = 1'b1;
        else if (in_wavelet_i[p].dst_y < y_i) route_in[PortN] = 1'b1;
        else                                  route_in[PortRamp] = 1'b1;
        route_error[p] = (arrive == '0) || (route_in == '0);
      end
      bypass[p] = arrive & ~stored_q;
      need      = need_q;
      if (bypass[p] != '0) begin
        for (int unsigned o = 0; o < NumPorts; o++) begin
          if (route_in[o]) need[o] = need[o] | bypass[p];
        end
      end
      want[p]     = need & has_credit;
      wanting[p]  = want[p] != '0;
      rd[p]       = rd_q;
    end

    // What the outputs took, what leaves, what is stored, what the heads still need next.
    always_comb begin
      cvec_t               left_any, push, stored_pop;
      planes_t             took, left;
      logic [PtrWidth-1:0] next;
      pvec_t               route;
      next          = '0;
      route         = '0;
      took          = '0;
      left          = '0;
      left_any      = '0;
      stored_pop    = '0;
      push          = '0;
      pop           = '0;
      overflow      = 1'b0;
      rd_d          = rd_q;
      wr_d          = wr_q;
      stored_d      = stored_q;
      need_d        = need_q;
      push_any[p]   = 1'b0;
      push_slot[p]  = '0;
      push_entry[p] = '0;
      if ((stored_q | arrive) != '0) begin
        for (int unsigned o = 0; o < NumPorts; o++) begin
          if (grant_port[o][p]) took[o] = grant_color[o];
        end
        left     = need & ~took;
        for (int unsigned o = 0; o < NumPorts; o++) left_any |= left[o];
        pop        = (stored_q | bypass[p]) & ~left_any;   // (a head without a route leaves at once)
        stored_pop = pop & stored_q;
        push       = arrive & ~(pop & bypass[p]);
        push_any[p] = push != '0;
        overflow    = push_any[p] && stored_q[a] && (wr_q[a] == rd_q[a]) && !stored_pop[a];
        if (push_any[p]) begin
          wr_d[a]       = `SA_ROUTER_NEXT(wr_q[a]);
          push_slot[p]  = `SA_ROUTER_SLOT(a, wr_q[a]);
          push_entry[p] = '{route: route_in, wavelet: in_wavelet_i[p]};
        end
        stored_d = stored_q | push;
        need_d   = left;
        if (stored_pop != '0) begin
          for (int unsigned c = 0; c < NumColors; c++) begin
            if (stored_pop[c]) begin
              next    = `SA_ROUTER_NEXT(rd_q[c]);
              rd_d[c] = next;
              if (next != wr_q[c])  route = mem_q[p][`SA_ROUTER_SLOT(c, next)].route;
              else if (push[c])     route = route_in;
              else begin
                route       = '0;
                stored_d[c] = 1'b0;
              end
              for (int unsigned o = 0; o < NumPorts; o++) need_d[o][c] = route[o];
            end
          end
        end
      end
    end

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        rd_q     <= '0;
        wr_q     <= '0;
        stored_q <= '0;
        need_q   <= '0;
        pulse_q  <= '0;
      end else begin
        rd_q     <= rd_d;
        wr_q     <= wr_d;
        stored_q <= stored_d;
        need_q   <= need_d;
        pulse_q  <= pop;
      end
    end

    assign in_credit_o[p] = pulse_q;
    assign stored_o[p]    = stored_q;

`ifndef SYNTHESIS
    // The sender spent a credit it did not have.
    BufferOverflow_A: assert property (@(posedge clk_i) disable iff (!rst_ni) !overflow);
`endif
  end

  // ---------------------------------------------------------------- outputs
  // Each output picks an input round-robin among those with a head that needs it and holds its
  // credit, then a color of that input round-robin.
  for (genvar o = 0; o < NumPorts; o++) begin : gen_out
    /* verilator tracing_on */
    credit_t                         credit_q;  // plane k (bits k*NumColors +: NumColors): colors with more than k credits
    pvec_t                           port_rr_q;  // inputs at or after the round-robin pointer
    cvec_t                           color_rr_q; // colors at or after the round-robin pointer
    /* verilator tracing_off */
    logic                            valid_q;    // (traced as the ports)
    sa_wavelet_t                     wavelet_q;
    sa_wavelet_t                     wavelet_d;
    logic                            valid_d;
    pvec_t                           port_rr_d;
    cvec_t                           color_rr_d;
    pvec_t                           req;
    logic [PortWidth-1:0]            port;
    logic [CIdxWidth-1:0]            color;

    always_comb begin
      req            = '0;
      grant_port[o]  = '0;
      grant_color[o] = '0;
      port           = '0;
      color          = '0;
      wavelet_d      = wavelet_q;
      if (wanting != '0) begin
        for (int unsigned p = 0; p < NumPorts; p++) req[p] = wanting[p] && (want[p][o] != '0);
      end
      if (req != '0) begin
        grant_port[o]  = `SA_ROUTER_PICK(pvec_t, req, port_rr_q);
        for (int unsigned b = 0; b < PortWidth; b++) port[b] = (grant_port[o] & PortIndexMasks[b]) != '0;
        grant_color[o] = `SA_ROUTER_PICK(cvec_t, want[port][o], color_rr_q);
        for (int unsigned b = 0; b < CIdxWidth; b++) color[b] = (grant_color[o] & ColorIndexMasks[b]) != '0;
        wavelet_d = ((bypass[port] & grant_color[o]) != '0) ? in_wavelet_i[port]
                  : mem_q[port][`SA_ROUTER_SLOT(color, rd[port][color])].wavelet;
      end
    end

    // The round-robin pointers move past a grant (enabled by it). Each next state is one assign
    // of combinational signals used once, so it gets folded into its flop instead of being
    // stored and loaded every cycle.
    assign valid_d    = grant_port[o] != '0;
    assign port_rr_d  = `SA_ROUTER_AFTER(pvec_t, grant_port[o]);
    assign color_rr_d = `SA_ROUTER_AFTER(cvec_t, grant_color[o]);
    assign has_credit[o]  = credit_q[NumColors-1:0];
    assign no_credit_o[o] = ~credit_q[NumColors-1:0];

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        port_rr_q  <= '1;
        color_rr_q <= '1;
        valid_q    <= 1'b0;
      end else begin
        valid_q <= valid_d;
        if (valid_d) begin
          port_rr_q  <= port_rr_d;
          color_rr_q <= color_rr_d;
        end
      end
    end

    // Credits, as a thermometer code: a return moves a color up one plane, a grant moves it down
    // one. The one update written inside its always_ff, on purpose: out_credit_i is a fabric
    // input at the mesh edges, and Verilator evaluates combinational logic that reads a fabric
    // input again at every eval() (an always_comb or assign here measured 16 % more
    // instructions per router-cycle on the 8x8 NoC).
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        credit_q <= '1;
      end else if ((out_credit_i[o] ^ grant_color[o]) != '0) begin
        credit_q <= (credit_q & ~(CreditRep * credit_t'(cvec_t'(out_credit_i[o] ^ grant_color[o]))))
                  | ((CreditRep * credit_t'(cvec_t'(out_credit_i[o] & ~grant_color[o])))
                     & ((credit_q << NumColors) | credit_t'({NumColors{1'b1}})))
                  | ((CreditRep * credit_t'(cvec_t'(grant_color[o] & ~out_credit_i[o]))) & (credit_q >> NumColors));
      end
    end

    always_ff @(posedge clk_i) wavelet_q <= wavelet_d;

    assign out_valid_o[o]   = valid_q;
    assign out_wavelet_o[o] = wavelet_q;
  end

  logic route_error_d;  // sticky
  /* verilator tracing_on */

  assign route_error_d = route_error_o || (route_error != '0);
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) route_error_o <= 1'b0;
    else         route_error_o <= route_error_d;
  end

endmodule

`undef SA_ROUTER_PICK
`undef SA_ROUTER_AFTER
`undef SA_ROUTER_SLOT
`undef SA_ROUTER_NEXT
