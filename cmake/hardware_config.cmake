# Reads config/hardware.json (the one source of truth for hardware parameters) and exposes:
#   WB_DATA_WIDTH, WB_ACC_WIDTH, WB_OUT_FIFO_SLACK, WB_CLOCK_MHZ
#   WB_ARRAY_SIZES   list of "RxC" to verilate: all sizes of the config, or the subset named by
#                    -DWB_ONLY_SIZES="4x4;8x8" (each must be in the config)
#   wb_array_params(<out-var> <rows> <cols>)  the Verilator -G parameters of one configuration
# and generates ${WB_GENERATED_DIR}/wb/hw_config.hpp with the same values for C++.
set(WB_HW_CONFIG "${PROJECT_SOURCE_DIR}/config/hardware.json")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${WB_HW_CONFIG}")
file(READ "${WB_HW_CONFIG}" _wb_json)

string(JSON WB_DATA_WIDTH GET "${_wb_json}" systolic_array data_width)
string(JSON WB_ACC_WIDTH GET "${_wb_json}" systolic_array acc_width)
string(JSON WB_OUT_FIFO_SLACK GET "${_wb_json}" systolic_array out_fifo_slack)
string(JSON WB_CLOCK_MHZ GET "${_wb_json}" systolic_array clock_mhz)
string(JSON _wb_nsizes LENGTH "${_wb_json}" systolic_array sizes)
math(EXPR _wb_last "${_wb_nsizes} - 1")
set(_wb_sizes "")
foreach(_i RANGE ${_wb_last})
  string(JSON _r GET "${_wb_json}" systolic_array sizes ${_i} 0)
  string(JSON _c GET "${_wb_json}" systolic_array sizes ${_i} 1)
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

function(wb_array_params out rows cols)
  math(EXPR _depth "${rows} + ${cols} + ${WB_OUT_FIFO_SLACK}")
  set(${out} -GNumRows=${rows} -GNumCols=${cols} -GDataWidth=${WB_DATA_WIDTH}
             -GAccWidth=${WB_ACC_WIDTH} -GOutFifoDepth=${_depth} PARENT_SCOPE)
endfunction()

set(WB_GENERATED_DIR "${PROJECT_BINARY_DIR}/generated")
set(WB_ARRAY_LIST_MACRO "")
set(WB_ARRAY_INCLUDES "")
foreach(_size IN LISTS WB_ARRAY_SIZES)
  string(REPLACE "x" ";" _rc "${_size}")
  list(GET _rc 0 _r)
  list(GET _rc 1 _c)
  string(APPEND WB_ARRAY_LIST_MACRO " X(${_r}, ${_c})")
  string(APPEND WB_ARRAY_INCLUDES "#include \"Vsa_array_${_size}.h\"\n")
endforeach()
configure_file("${PROJECT_SOURCE_DIR}/cmake/hw_config.hpp.in" "${WB_GENERATED_DIR}/wb/hw_config.hpp" @ONLY)
file(WRITE "${WB_GENERATED_DIR}/wb/array_models.hpp.tmp"
     "#pragma once\n// Generated from config/hardware.json: one Verilated class per array size.\n${WB_ARRAY_INCLUDES}")
configure_file("${WB_GENERATED_DIR}/wb/array_models.hpp.tmp" "${WB_GENERATED_DIR}/wb/array_models.hpp" COPYONLY)

add_library(wb_hw_config INTERFACE)
target_include_directories(wb_hw_config INTERFACE "${WB_GENERATED_DIR}")
