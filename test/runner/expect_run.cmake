# Runs the sqllogictest runner and checks its exit code and output (a CTest of the runner itself).
#   cmake -DRUNNER=path -DARGS="a|b" -DEXPECTED_EXIT=1 -DEXPECTED_OUTPUT=regex -P expect_run.cmake
# ARGS separates arguments with '|'; EXPECTED_OUTPUT is matched against the whole output, with
# trailing whitespace removed (so `$` is the end of the summary line).
string(REPLACE "|" ";" args "${ARGS}")
execute_process(
  COMMAND "${RUNNER}" ${args}
  RESULT_VARIABLE exit_code
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output)
string(STRIP "${output}" output)
message("${output}")
if(NOT exit_code STREQUAL "${EXPECTED_EXIT}")
  message(FATAL_ERROR "expected exit code ${EXPECTED_EXIT}, got ${exit_code}")
endif()
if(NOT output MATCHES "${EXPECTED_OUTPUT}")
  message(FATAL_ERROR "the output does not match: ${EXPECTED_OUTPUT}")
endif()
