# SPDX-License-Identifier: Apache-2.0
# Reads config/hardware.json (the one source of truth for hardware parameters) and exposes:
#   WB_DATA_WIDTH, WB_ACC_WIDTH, WB_OUT_FIFO_SLACK, WB_CLOCK_MHZ
#   WB_ARRAY_SIZES   list of "RxC" to verilate: all sizes of the config, or the subset named by
#                    -DWB_ONLY_SIZES="4x4;8x8" (each must be in the config)
#   wb_array_params(<out-var> <rows> <cols>)  the Verilator -G parameters of one configuration
#   WB_NM_GROUP      M of the N:M sparse array (sa_nm_systolic_array's NmGroup)
#   WB_NM_SIZES      list of "RxC" of the sparse array to verilate (systolic_array.nm_sizes, within
#                    WB_ONLY_SIZES when that is given)
#   WB_ROUTER_DEPTH, WB_ROUTER_COLORS (router builds), WB_NOC_COLORS, WB_NOC_MESHES (mesh builds;
#                    these and WB_WAFER_MESHES within -DWB_ONLY_MESHES="4;8" when that is given),
#   WB_WAFER_MESHES, WB_WAFER_COLORS, WB_PE_SRAM_BYTES, WB_PE_ACCUMULATORS (compute fabrics),
#   WB_WAFER_VARIANTS  "<k>_<threads>" for every compute fabric to verilate: each mesh of the
#                      config single-threaded; with -DWB_BENCH_BUILDS=ON also a Verilator
#                      --threads 2 variant of each (and the 16x16 mesh, should the config lack
#                      it), for waferbench fabric-bench
# and generates ${WB_GENERATED_DIR}/wb/hw_config.hpp with the same values for C++, plus one
# header per family that includes every Verilated class (array_models.hpp, router_models.hpp,
# fabric_models.hpp, wafer_models.hpp).
# The fabric's layouts (wavelet fields, port numbers, PE registers and words) are written for
# both languages by cmake/generate_hw.py: WB_FABRIC_PKG (rtl/sa_fabric_pkg.sv, committed and checked, the package every
# fabric module imports) and wb/hw_fabric.hpp (included by hw_config.hpp).
set(WB_HW_CONFIG "${PROJECT_SOURCE_DIR}/config/hardware.json")
set(WB_HW_GENERATOR "${PROJECT_SOURCE_DIR}/cmake/generate_hw.py")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${WB_HW_CONFIG}" "${WB_HW_GENERATOR}")
file(READ "${WB_HW_CONFIG}" _wb_json)
set(WB_GENERATED_DIR "${PROJECT_BINARY_DIR}/generated")

find_package(Python3 REQUIRED COMPONENTS Interpreter)
# The SystemVerilog package is committed (rtl/sa_fabric_pkg.sv, so that each RTL file lints on
# its own); configuring checks it is what the config gives, and writes the C++ header.
set(WB_FABRIC_PKG "${PROJECT_SOURCE_DIR}/rtl/sa_fabric_pkg.sv")
execute_process(COMMAND "${Python3_EXECUTABLE}" "${WB_HW_GENERATOR}" --config "${WB_HW_CONFIG}" --out "${WB_GENERATED_DIR}"
                        --sv "${WB_FABRIC_PKG}" --check-sv
                RESULT_VARIABLE _wb_gen_result ERROR_VARIABLE _wb_gen_error)
if(NOT _wb_gen_result EQUAL 0)
  message(FATAL_ERROR "cmake/generate_hw.py: ${_wb_gen_error}")
endif()

# The elements of a JSON array at the given path, as a CMake list.
function(wb_json_list out)
  string(JSON _n LENGTH "${_wb_json}" ${ARGN})
  set(_items "")
  if(_n GREATER 0)
    math(EXPR _last "${_n} - 1")
    foreach(_i RANGE ${_last})
      string(JSON _item GET "${_wb_json}" ${ARGN} ${_i})
      list(APPEND _items "${_item}")
    endforeach()
  endif()
  set(${out} "${_items}" PARENT_SCOPE)
endfunction()

string(JSON WB_DATA_WIDTH GET "${_wb_json}" systolic_array data_width)
string(JSON WB_ACC_WIDTH GET "${_wb_json}" systolic_array acc_width)
string(JSON WB_OUT_FIFO_SLACK GET "${_wb_json}" systolic_array out_fifo_slack)
string(JSON WB_CLOCK_MHZ GET "${_wb_json}" systolic_array clock_mhz)
wb_json_list(_wb_pairs systolic_array sizes)
set(_wb_sizes "")
foreach(_pair IN LISTS _wb_pairs)  # each is a JSON array [rows, cols]
  string(JSON _r GET "${_pair}" 0)
  string(JSON _c GET "${_pair}" 1)
  list(APPEND _wb_sizes "${_r}x${_c}")
endforeach()
set(WB_ONLY_SIZES "" CACHE STRING "Verilate only these array sizes (RxC list from config/hardware.json); empty = all")
if(WB_ONLY_SIZES)
  foreach(_size IN LISTS WB_ONLY_SIZES)
    if(NOT _size IN_LIST _wb_sizes)
      message(FATAL_ERROR "WB_ONLY_SIZES: ${_size} is not in config/hardware.json (${_wb_sizes})")
    endif()
  endforeach()
  set(WB_ARRAY_SIZES "${WB_ONLY_SIZES}")
else()
  set(WB_ARRAY_SIZES "${_wb_sizes}")
endif()

string(JSON WB_NM_GROUP GET "${_wb_json}" systolic_array nm_group)
wb_json_list(_wb_pairs systolic_array nm_sizes)
set(WB_NM_SIZES "")
foreach(_pair IN LISTS _wb_pairs)
  string(JSON _r GET "${_pair}" 0)
  string(JSON _c GET "${_pair}" 1)
  if(NOT WB_ONLY_SIZES OR "${_r}x${_c}" IN_LIST WB_ONLY_SIZES)
    list(APPEND WB_NM_SIZES "${_r}x${_c}")
  endif()
endforeach()

function(wb_array_params out rows cols)
  math(EXPR _depth "${rows} + ${cols} + ${WB_OUT_FIFO_SLACK}")
  set(${out} -GNumRows=${rows} -GNumCols=${cols} -GDataWidth=${WB_DATA_WIDTH}
             -GAccWidth=${WB_ACC_WIDTH} -GOutFifoDepth=${_depth} PARENT_SCOPE)
endfunction()

string(JSON WB_ROUTER_DEPTH GET "${_wb_json}" fabric router_depth)
wb_json_list(WB_ROUTER_COLORS fabric router_colors)
string(JSON WB_NOC_COLORS GET "${_wb_json}" fabric noc_colors)
wb_json_list(WB_NOC_MESHES fabric noc_meshes)
wb_json_list(WB_WAFER_MESHES fabric wafer_meshes)
# -DWB_ONLY_MESHES="4;8": only these mesh sizes K (router-only and compute), e.g. for the
# coverage build, where the 16x16 meshes dominate the build time.
set(WB_ONLY_MESHES "" CACHE STRING "Verilate only these mesh sizes K (of config/hardware.json's meshes); empty = all")
if(WB_ONLY_MESHES)
  foreach(_k IN LISTS WB_ONLY_MESHES)
    if(NOT _k IN_LIST WB_NOC_MESHES AND NOT _k IN_LIST WB_WAFER_MESHES)
      message(FATAL_ERROR "WB_ONLY_MESHES: ${_k} is no mesh of config/hardware.json (${WB_NOC_MESHES}; ${WB_WAFER_MESHES})")
    endif()
  endforeach()
  foreach(_list WB_NOC_MESHES WB_WAFER_MESHES)
    set(_kept "")
    foreach(_k IN LISTS ${_list})
      if(_k IN_LIST WB_ONLY_MESHES)
        list(APPEND _kept ${_k})
      endif()
    endforeach()
    set(${_list} "${_kept}")
  endforeach()
endif()
string(JSON WB_WAFER_COLORS GET "${_wb_json}" fabric wafer_colors)
string(JSON WB_PE_SRAM_BYTES GET "${_wb_json}" fabric pe_sram_bytes)
string(JSON WB_PE_ACCUMULATORS GET "${_wb_json}" fabric pe_accumulators)
option(WB_BENCH_BUILDS "Also verilate a Verilator --threads 2 variant of every compute fabric, for fabric-bench (slow builds)" OFF)
set(_wb_bench_meshes ${WB_WAFER_MESHES})
set(WB_WAFER_VARIANTS "")
foreach(_k IN LISTS WB_WAFER_MESHES)
  list(APPEND WB_WAFER_VARIANTS "${_k}_1")
endforeach()
if(WB_BENCH_BUILDS)
  if(NOT 16 IN_LIST _wb_bench_meshes)
    list(APPEND _wb_bench_meshes 16)
    list(APPEND WB_WAFER_VARIANTS "16_1")
  endif()
  foreach(_k IN LISTS _wb_bench_meshes)
    list(APPEND WB_WAFER_VARIANTS "${_k}_2")
  endforeach()
endif()

# Configurations verilated only when a command or test asks for them: the slowest to build (a
# fresh clone's first build does without them). They are linked only into waferbench-big, which
# no default target builds; waferbench and waferbench-all hand the commands that need one of
# them to it and build it on first use (tb/rtl_elsewhere.hpp, tb/cli/hand_over.cpp).
set(WB_ON_DEMAND_SIZES "32x32" CACHE STRING "Array sizes built only on demand, into waferbench-big")
set(WB_ON_DEMAND_MESHES "16" CACHE STRING "Mesh sizes K (router-only and compute) built only on demand, into waferbench-big")
# Splits list <var> into the items of <on_demand> (<var>_ON_DEMAND) and the rest (<var>);
# <key> is a regex matching the part compared (an array size, or a mesh's K of "K_T").
function(wb_split_on_demand var on_demand key)
  set(_rest "")
  set(_later "")
  foreach(_item IN LISTS ${var})
    string(REGEX MATCH "${key}" _k "${_item}")
    if(_k IN_LIST ${on_demand})
      list(APPEND _later ${_item})
    else()
      list(APPEND _rest ${_item})
    endif()
  endforeach()
  set(${var} "${_rest}" PARENT_SCOPE)
  set(${var}_ON_DEMAND "${_later}" PARENT_SCOPE)
endfunction()
wb_split_on_demand(WB_ARRAY_SIZES WB_ON_DEMAND_SIZES "^[0-9]+x[0-9]+")
wb_split_on_demand(WB_NOC_MESHES WB_ON_DEMAND_MESHES "^[0-9]+")
wb_split_on_demand(WB_WAFER_VARIANTS WB_ON_DEMAND_MESHES "^[0-9]+")
# waferbench-big links everything: the default configurations and the on-demand ones.
set(WB_ALL_ARRAY_SIZES ${WB_ARRAY_SIZES} ${WB_ARRAY_SIZES_ON_DEMAND})
set(WB_ALL_NOC_MESHES ${WB_NOC_MESHES} ${WB_NOC_MESHES_ON_DEMAND})
set(WB_ALL_WAFER_VARIANTS ${WB_WAFER_VARIANTS} ${WB_WAFER_VARIANTS_ON_DEMAND})

# Writes generated/wb/<name> with the given #include lines (rewritten only when it changes).
function(wb_write_model_header name comment includes)
  file(WRITE "${WB_GENERATED_DIR}/wb/${name}.tmp"
       "#pragma once\n// Generated from config/hardware.json: ${comment}\n${includes}")
  configure_file("${WB_GENERATED_DIR}/wb/${name}.tmp" "${WB_GENERATED_DIR}/wb/${name}" COPYONLY)
endfunction()

# The sizes `waferbench` itself holds (the default job's): every other configuration is in
# waferbench-all, to which waferbench hands the commands that need it (tb/rtl_elsewhere.hpp), so
# the default job builds without the big ones.
set(WB_CORE_ARRAY_SIZES "16x16" CACHE STRING "Array sizes linked into waferbench itself (the rest are in waferbench-all)")
set(WB_CORE_ARRAY_LIST_MACRO "")
set(_includes "")
foreach(_size IN LISTS WB_CORE_ARRAY_SIZES)
  if(_size IN_LIST WB_ON_DEMAND_SIZES)
    message(FATAL_ERROR "WB_CORE_ARRAY_SIZES: ${_size} is also in WB_ON_DEMAND_SIZES")
  endif()
  if(NOT _size IN_LIST WB_ARRAY_SIZES)
    continue()  # a subset build without it: waferbench holds no array RTL
  endif()
  string(REPLACE "x" ";" _rc "${_size}")
  list(GET _rc 0 _r)
  list(GET _rc 1 _c)
  string(APPEND WB_CORE_ARRAY_LIST_MACRO " X(${_r}, ${_c})")
  string(APPEND _includes "#include \"Vsa_array_${_size}.h\"\n#include \"Vsa_array_${_size}_trace.h\"\n")
endforeach()
wb_write_model_header(core_array_models.hpp "the Verilated array classes of waferbench itself (WB_CORE_ARRAY_SIZES)." "${_includes}")

set(WB_NM_ARRAY_LIST_MACRO "")
set(_includes "")
foreach(_size IN LISTS WB_NM_SIZES)
  string(REPLACE "x" ";" _rc "${_size}")
  list(GET _rc 0 _r)
  list(GET _rc 1 _c)
  string(APPEND WB_NM_ARRAY_LIST_MACRO " X(${_r}, ${_c})")
  string(APPEND _includes "#include \"Vsa_nm_array_${_size}.h\"\n#include \"Vsa_nm_array_${_size}_trace.h\"\n")
endforeach()
wb_write_model_header(nm_array_models.hpp "two Verilated classes per N:M sparse array size (fast, and _trace)." "${_includes}")

set(WB_ROUTER_LIST_MACRO "")
set(_includes "")
foreach(_n IN LISTS WB_ROUTER_COLORS)
  string(APPEND WB_ROUTER_LIST_MACRO " X(${_n})")
  string(APPEND _includes "#include \"Vsa_router_c${_n}.h\"\n")
endforeach()
wb_write_model_header(router_models.hpp "one Verilated class per router color count." "${_includes}")

# Per family: <name>.hpp includes the default configurations' classes and on_demand_<name>.hpp
# those of the on-demand ones; hw_config.hpp's WB_FOR_EACH_<X> and WB_FOR_EACH_ON_DEMAND_<X>
# name them.
set(_prefix "")                      # the default configurations' headers: <family>_models.hpp
set(_prefix_ON_DEMAND "on_demand_")  # the on-demand ones': on_demand_<family>_models.hpp

foreach(_which IN ITEMS "" _ON_DEMAND)
  set(WB_ARRAY_LIST_MACRO${_which} "")
  set(_includes "")
  foreach(_size IN LISTS WB_ARRAY_SIZES${_which})
    string(REPLACE "x" ";" _rc "${_size}")
    list(GET _rc 0 _r)
    list(GET _rc 1 _c)
    string(APPEND WB_ARRAY_LIST_MACRO${_which} " X(${_r}, ${_c})")
    string(APPEND _includes "#include \"Vsa_array_${_size}.h\"\n#include \"Vsa_array_${_size}_trace.h\"\n")
  endforeach()
  wb_write_model_header(${_prefix${_which}}array_models.hpp "two Verilated classes per array size (fast, and _trace with FST support)." "${_includes}")

  set(WB_NOC_LIST_MACRO${_which} "")
  set(_includes "")
  foreach(_k IN LISTS WB_NOC_MESHES${_which})
    string(APPEND WB_NOC_LIST_MACRO${_which} " X(${_k}, ${WB_NOC_COLORS})")
    string(APPEND _includes "#include \"Vsa_fabric_k${_k}_c${WB_NOC_COLORS}.h\"\n")
  endforeach()
  wb_write_model_header(${_prefix${_which}}fabric_models.hpp "one Verilated class per router-only mesh." "${_includes}")

  set(WB_WAFER_LIST_MACRO${_which} "")
  set(_includes "")
  foreach(_variant IN LISTS WB_WAFER_VARIANTS${_which})
    string(REPLACE "_" ";" _kt "${_variant}")
    list(GET _kt 0 _k)
    list(GET _kt 1 _t)
    string(APPEND WB_WAFER_LIST_MACRO${_which} " X(${_k}, ${_t})")
    string(APPEND _includes "#include \"Vsa_wafer_k${_k}_t${_t}.h\"\n")
  endforeach()
  wb_write_model_header(${_prefix${_which}}wafer_models.hpp "one Verilated class per compute fabric (tiles with PEs)." "${_includes}")
endforeach()

configure_file("${PROJECT_SOURCE_DIR}/cmake/hw_config.hpp.in" "${WB_GENERATED_DIR}/wb/hw_config.hpp" @ONLY)

add_library(wb_hw_config INTERFACE)
target_include_directories(wb_hw_config INTERFACE "${WB_GENERATED_DIR}")
