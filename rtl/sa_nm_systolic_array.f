// SPDX-License-Identifier: Apache-2.0
sa_delay_line.sv
sa_fifo.sv
sa_nm_pe_grid.sv
sa_nm_systolic_array.sv
