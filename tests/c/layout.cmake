# layout.cmake - checks the layout README.md describes, run by CTest
# (cmake -DROOT=<source dir> -P tests/c/layout.cmake): the command-line tool
# in core/cli/ includes only the library's public headers and its own; no
# file directly in core/ holds a main function; no source file in core/ (the
# tool's included) is over 600 lines.
cmake_minimum_required(VERSION 3.16)
set(public descent.h descent_data.h descent_tune.h)
set(failed 0)

file(GLOB cli_files "${ROOT}/core/cli/*.c" "${ROOT}/core/cli/*.h")
foreach(path ${cli_files})
  file(STRINGS "${path}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<]")
  foreach(line ${includes})
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[\"<]([^\">]*)[\">].*" "\\1" header "${line}")
    get_filename_component(name "${header}" NAME)
    # A system header is fine, unless it names one of the library's own.
    if(line MATCHES "include[ \t]*<" AND NOT EXISTS "${ROOT}/core/${name}")
      continue()
    endif()
    # The tool's own headers sit beside it; anything else must be public.
    if(NOT (header STREQUAL name AND EXISTS "${ROOT}/core/cli/${header}") AND NOT header IN_LIST public)
      message(SEND_ERROR "${path} includes \"${header}\": the tool is built on the public headers only "
                         "(${public}) and its own")
      set(failed 1)
    endif()
  endforeach()
endforeach()

file(GLOB core_files "${ROOT}/core/*.c")
foreach(path ${core_files})
  file(STRINGS "${path}" mains REGEX "^[a-z ]*int[ \t]+main[ \t]*\\(")
  if(mains)
    message(SEND_ERROR "${path} holds a main function: programs live in core/cli/ (or tests/, scripts/)")
    set(failed 1)
  endif()
endforeach()

file(GLOB_RECURSE sources "${ROOT}/core/*.c" "${ROOT}/core/*.h")
foreach(path ${sources})
  file(STRINGS "${path}" lines)
  list(LENGTH lines count)
  # file(STRINGS) drops empty lines: count them too.
  file(READ "${path}" text)
  string(REGEX MATCHALL "\n" newlines "${text}")
  list(LENGTH newlines count)
  if(count GREATER 600)
    message(SEND_ERROR "${path} has ${count} lines: split it by concept (at most 600)")
    set(failed 1)
  endif()
endforeach()

if(failed)
  message(FATAL_ERROR "the layout check failed")
endif()
message(STATUS "layout: the tool on public headers, no main in core/, no file over 600 lines")
