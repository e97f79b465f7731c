# SPDX-License-Identifier: Apache-2.0
# -DWB_SANITIZE=ON: AddressSanitizer + UndefinedBehaviorSanitizer over all project C++, the
# Verilated models and the Verilator runtime included (cmake/verilate.cmake hands the same
# compiler and flags to Verilator's makefile), their waveform code excepted. Needs clang (Debian's clang-14 and
# libclang-rt-14-dev): configure with -DCMAKE_CXX_COMPILER=clang++ (scripts/sanitize.sh does).
# libsystemc, yaml-cpp, protobuf and libonnx come from Debian uninstrumented.
# Also builds the libFuzzer harnesses of tests/fuzz/, which need clang's -fsanitize=fuzzer.
#   WB_SANITIZE_FLAGS  the compile flags (also given to Verilator's makefile)
#   WB_SANITIZE_IGNORELIST  the code left uninstrumented (a dependency of every verilation)
option(WB_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer (clang), and the fuzzers" OFF)
set(WB_SANITIZE_FLAGS "")
if(WB_SANITIZE)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "WB_SANITIZE=ON needs clang (libFuzzer and the same sanitizer runtime everywhere), "
                        "not ${CMAKE_CXX_COMPILER_ID}: configure a fresh build directory with "
                        "-DCMAKE_CXX_COMPILER=clang++ (scripts/sanitize.sh does)")
  endif()
  # Any undefined behaviour aborts the test (no report-and-continue); frame pointers and line
  # tables make the reports' stacks readable at little cost.
  # The waveform code (Verilator's dump functions, trace buffer and FST writer) is left out:
  # tests/sanitizers/ignorelist.txt says why.
  set(WB_SANITIZE_IGNORELIST ${PROJECT_SOURCE_DIR}/tests/sanitizers/ignorelist.txt)
  set(WB_SANITIZE_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
      -gline-tables-only -fsanitize-ignorelist=${WB_SANITIZE_IGNORELIST})
  # Directory-wide on purpose: every object of every target, and every link, must be instrumented.
  list(JOIN WB_SANITIZE_FLAGS " " _wb_flags)
  string(APPEND CMAKE_CXX_FLAGS " ${_wb_flags}")
  string(APPEND CMAKE_EXE_LINKER_FLAGS " -fsanitize=address,undefined")
endif()
