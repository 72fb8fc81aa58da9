# One place for compile flags shared by every maillab target.
add_library(maillab_flags INTERFACE)
target_compile_options(maillab_flags INTERFACE -Wall -Wextra -Wpedantic)
# GCC 12 at -O3 (Release) reports -Wrestrict inside libstdc++ for `"text" + std::string`
# (GCC bug 105329, fixed in GCC 13): a false positive on a pattern used throughout.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
   AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(maillab_flags INTERFACE -Wno-restrict)
endif()
if(MAILLAB_WERROR)
  target_compile_options(maillab_flags INTERFACE -Werror)
endif()
if(MAILLAB_SANITIZE)
  target_compile_options(maillab_flags INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(maillab_flags INTERFACE -fsanitize=address,undefined)
endif()
# Asio is header-only here; these keep it from pulling in deprecated interfaces.
target_compile_definitions(maillab_flags INTERFACE BOOST_ASIO_NO_DEPRECATED)
