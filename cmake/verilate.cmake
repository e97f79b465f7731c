# SPDX-License-Identifier: Apache-2.0
# wb_verilate(<target> PREFIX <class> TOP <module> [TRACE] SOURCES <sv...> ARGS <verilator args...>)
#
# Verilates one RTL configuration at build time and compiles it with Verilator's own makefile
# into <class>__ALL.a; <target> is an INTERFACE library carrying that archive, its include
# directory and the shared Verilator runtime (wb_verilated, compiled once). Verilator's CMake
# verilate() runs Verilator at configure time, serially, for every configuration (the 16x16
# meshes included), which made a fresh configure cost minutes; here the verilations run as
# build steps, in parallel, and only for what the requested targets need.
# VERILATOR_ROOT and VERILATOR_BIN come from find_package(verilator) in the top CMakeLists.
find_program(WB_CCACHE ccache)
set(WB_VERILATOR_INCLUDE "${VERILATOR_ROOT}/include")

# The runtime every Verilated class links, compiled once (FST writer and DPI included).
find_package(ZLIB REQUIRED)
add_library(wb_verilated STATIC
  ${WB_VERILATOR_INCLUDE}/verilated.cpp
  ${WB_VERILATOR_INCLUDE}/verilated_dpi.cpp
  ${WB_VERILATOR_INCLUDE}/verilated_fst_c.cpp
  ${WB_VERILATOR_INCLUDE}/verilated_threads.cpp)
target_include_directories(wb_verilated SYSTEM PUBLIC ${WB_VERILATOR_INCLUDE} ${WB_VERILATOR_INCLUDE}/vltstd)
target_compile_definitions(wb_verilated PRIVATE VM_COVERAGE=$<BOOL:${WB_COVERAGE}> VM_SC=0 VM_TRACE=1 VM_TRACE_FST=1
                                                VM_TRACE_VCD=0)
target_compile_options(wb_verilated PRIVATE -O2 -w)
target_link_libraries(wb_verilated PUBLIC Threads::Threads ZLIB::ZLIB)

# What a model target links (WB_VERILATED_RUNTIME) and the coverage arguments of every
# verilation. -DWB_COVERAGE=ON: every model counts its lines and toggles, the runtime carries
# Verilator's coverage writer, and the models link the per-process collector that
# tb/verilated_model.hpp's destroy_model calls (WB_COVERAGE=1 on every includer, so that all
# see the same destroy_model).
set(WB_VERILATED_RUNTIME wb_verilated)
set(WB_COVERAGE_ARGS "")
if(WB_COVERAGE)
  set(WB_COVERAGE_ARGS --coverage-line --coverage-toggle)
  target_sources(wb_verilated PRIVATE ${WB_VERILATOR_INCLUDE}/verilated_cov.cpp)
  target_compile_definitions(wb_verilated PUBLIC WB_COVERAGE=1)
  add_library(wb_verilator_coverage STATIC ${PROJECT_SOURCE_DIR}/tb/verilator_coverage.cpp)
  target_include_directories(wb_verilator_coverage PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(wb_verilator_coverage PUBLIC wb_verilated)
  target_compile_options(wb_verilator_coverage PRIVATE -Wall -Wextra)
  set(WB_VERILATED_RUNTIME wb_verilator_coverage)
endif()

function(wb_verilate target)
  cmake_parse_arguments(V "TRACE" "PREFIX;TOP" "SOURCES;ARGS" ${ARGN})
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/${V_PREFIX}.dir")
  set(archive "${dir}/${V_PREFIX}__ALL.a")
  file(MAKE_DIRECTORY "${dir}")
  set(trace "")
  if(V_TRACE)
    set(trace --trace-fst)
  endif()
  set(objcache "")
  if(WB_CCACHE)
    set(objcache "OBJCACHE=${WB_CCACHE}")
  endif()
  # WB_SANITIZE: the project's compiler (clang) and sanitizer flags for Verilated code too
  # (cmake/sanitize.cmake); otherwise Verilator's own choice, g++.
  set(sanitize "")
  set(sanitize_deps "")
  if(WB_SANITIZE)
    list(JOIN WB_SANITIZE_FLAGS " " _flags)
    set(sanitize "CXX=${CMAKE_CXX_COMPILER}" "USER_CPPFLAGS=${_flags}")
    set(sanitize_deps ${WB_SANITIZE_IGNORELIST})
  endif()
  # Verilated code is faster at -O2 than -O3 here; constructors and settle code need no
  # optimising. make -j2: these steps run side by side under ninja, each on few files.
  add_custom_command(
    OUTPUT "${archive}" "${dir}/${V_PREFIX}.h"
    COMMAND ${VERILATOR_BIN} --cc --prefix ${V_PREFIX} --Mdir "${dir}" --top-module ${V_TOP} ${trace} ${V_ARGS}
            ${WB_COVERAGE_ARGS}
            ${V_SOURCES}
    COMMAND make -s -j2 -C "${dir}" -f ${V_PREFIX}.mk ${V_PREFIX}__ALL.a VM_PARALLEL_BUILDS=1
            "OPT_FAST=-O2" "OPT_SLOW=-O0" "OPT_GLOBAL=-O2" ${sanitize} ${objcache}
    DEPENDS ${V_SOURCES} ${sanitize_deps}
    COMMENT "Verilating and compiling ${V_PREFIX}"
    VERBATIM)
  add_custom_target(${target}_build DEPENDS "${archive}")
  add_library(${target} INTERFACE)
  target_include_directories(${target} SYSTEM INTERFACE "${dir}")
  target_link_libraries(${target} INTERFACE "${archive}" ${WB_VERILATED_RUNTIME})
  add_dependencies(${target} ${target}_build)
endfunction()
