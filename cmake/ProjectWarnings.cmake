# Warnings are errors on project targets only; generated code gets pgo_relaxed_warnings.
function(pgo_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror
                                           -Wno-error=deprecated-declarations)
endfunction()

function(pgo_relaxed_warnings target)
  target_compile_options(${target} PRIVATE -w)
endfunction()
