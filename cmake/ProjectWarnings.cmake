# Warnings are errors on project targets only; generated code gets pgo_relaxed_warnings.
function(pgo_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror
                                           -Wno-error=deprecated-declarations)
  # GCC 12 reports a false -Wrestrict inside std::string's operator+(const char*, string&&)
  # at -O3 (GCC bug 105651); string concatenation anywhere in the project can trip it.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  # With ASan, GCC 12 also reports a false -Wmaybe-uninitialized inside <regex> and
  # std::function (its instrumentation defeats the flow analysis); keep it a warning there.
  if(PGO_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-error=maybe-uninitialized)
  endif()
endfunction()

function(pgo_relaxed_warnings target)
  target_compile_options(${target} PRIVATE -w)
endfunction()
