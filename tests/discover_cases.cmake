# SPDX-License-Identifier: Apache-2.0
# Run after each Catch2 test executable is linked (tests/CMakeLists.txt, wb_discover_cases):
# writes CTEST_FILE with one ctest entry per case, labelled by the case's Catch2 tag, so a
# [unit] case inside an executable of [cosim] cases is in `ctest -L unit`. Each case carries
# exactly one of [unit] [cosim] [system]; one that is also [long] is labelled long instead, so
# `ctest -L unit` (or cosim, system) stays quick and `ctest -LE long` leaves it out. A case with
# none of the three, or with two, is not dropped: it becomes one failing entry that names it.
# An entry that matches no case fails (--warn NoTests); exit code SKIP_EXIT_CODE is a skip
# (tests/skip.hpp: the case needs hardware this build left out).
# Inputs (-D): TEST_TARGET, TEST_EXECUTABLE, TEST_WORKING_DIR, SKIP_EXIT_CODE, CTEST_FILE.

cmake_minimum_required(VERSION 3.16)  # a -P script starts with old policies (IN_LIST, empty list items)

set(_kinds unit cosim system)

# The names of the cases that match a Catch2 test spec ("" = every case), one per line.
function(wb_list_cases out spec)
  execute_process(COMMAND "${TEST_EXECUTABLE}" ${spec} --list-test-names-only
                  OUTPUT_VARIABLE _output RESULT_VARIABLE _rc WORKING_DIRECTORY "${TEST_WORKING_DIR}")
  # Catch2 2.13 exits with the number of cases listed; a signal or a failed start is a string.
  if(NOT _rc MATCHES "^[0-9]+$")
    message(FATAL_ERROR "${TEST_EXECUTABLE} ${spec} --list-test-names-only: ${_rc}\n${_output}")
  endif()
  string(REPLACE "\n" ";" _names "${_output}")
  list(FILTER _names EXCLUDE REGEX "^$")
  set(${out} "${_names}" PARENT_SCOPE)
endfunction()

# The argument as a CMake bracket argument, for the generated script.
function(wb_bracket out text)
  set(${out} "[==[${text}]==]" PARENT_SCOPE)
endfunction()

wb_list_cases(_all "")
foreach(_kind IN LISTS _kinds)
  wb_list_cases(_cases_${_kind} "[${_kind}]")
endforeach()
wb_list_cases(_cases_long "[long]")

set(_script "")
set(_untagged "")
foreach(_name IN LISTS _all)
  set(_labels "")
  foreach(_kind IN LISTS _kinds)
    if(_name IN_LIST _cases_${_kind})
      list(APPEND _labels ${_kind})
    endif()
  endforeach()
  list(LENGTH _labels _count)
  if(NOT _count EQUAL 1)
    list(APPEND _untagged "${_name}")
    continue()
  endif()
  if(_name IN_LIST _cases_long)
    set(_labels long)
  endif()
  # Catch2 reads , [ ] in a name on its command line as test-spec syntax.
  set(_spec "${_name}")
  foreach(_char , [ ])
    string(REPLACE "${_char}" "\\${_char}" _spec "${_spec}")
  endforeach()
  wb_bracket(_test "${_name}")
  wb_bracket(_exe "${TEST_EXECUTABLE}")
  wb_bracket(_arg "${_spec}")
  string(APPEND _script "add_test(${_test} ${_exe} ${_arg} --warn NoTests)\n"
                        "set_tests_properties(${_test} PROPERTIES WORKING_DIRECTORY [==[${TEST_WORKING_DIR}]==] "
                        "LABELS [==[${_labels}]==] SKIP_RETURN_CODE ${SKIP_EXIT_CODE})\n")
endforeach()

if(_untagged)
  list(JOIN _untagged "\n  " _text)
  set(_why "${TEST_TARGET}: these cases carry not exactly one of the tags [unit] [cosim] [system], which label them:\n  ${_text}")
  message(WARNING "${_why}")
  wb_bracket(_test "${TEST_TARGET}: every case has exactly one of [unit] [cosim] [system]")
  wb_bracket(_why "${_why}")
  # Labelled with every kind, so whichever group runs, it fails.
  string(APPEND _script "add_test(${_test} [==[${CMAKE_COMMAND}]==] -E echo ${_why})\n"
                        "set_tests_properties(${_test} PROPERTIES WILL_FAIL TRUE LABELS [==[${_kinds}]==])\n")
endif()

file(WRITE "${CTEST_FILE}" "${_script}")
