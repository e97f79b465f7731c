sa_fabric_pkg.sv
sa_fifo.sv
sa_router.sv
sa_wafer_pe.sv
sa_tile.sv
sa_fabric.sv
