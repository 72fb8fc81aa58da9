# One place for compile flags shared by every maillab target.
add_library(maillab_flags INTERFACE)
target_compile_options(maillab_flags INTERFACE -Wall -Wextra -Wpedantic)
if(MAILLAB_WERROR)
  target_compile_options(maillab_flags INTERFACE -Werror)
endif()
if(MAILLAB_SANITIZE)
  target_compile_options(maillab_flags INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(maillab_flags INTERFACE -fsanitize=address,undefined)
endif()
# Asio is header-only here; these keep it from pulling in deprecated interfaces.
target_compile_definitions(maillab_flags INTERFACE BOOST_ASIO_NO_DEPRECATED)
