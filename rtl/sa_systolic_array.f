sa_delay_line.sv
sa_fifo.sv
sa_mac_pe.sv
sa_systolic_array.sv
