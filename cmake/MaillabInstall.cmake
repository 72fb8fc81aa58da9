# The installed package: find_package(maillab CONFIG) gives maillab::base, faults, net,
# pop3, smtp, connector, runner, console and testing, the maillab program, and the scenario catalog
# with its fixtures under share/maillab.
include(CMakePackageConfigHelpers)
set(MAILLAB_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/maillab)
install(EXPORT maillabTargets NAMESPACE maillab:: DESTINATION ${MAILLAB_CMAKE_DIR})
configure_package_config_file(cmake/maillabConfig.cmake.in ${PROJECT_BINARY_DIR}/maillabConfig.cmake
  INSTALL_DESTINATION ${MAILLAB_CMAKE_DIR} PATH_VARS CMAKE_INSTALL_DATADIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/maillabConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/maillabConfig.cmake ${PROJECT_BINARY_DIR}/maillabConfigVersion.cmake
  DESTINATION ${MAILLAB_CMAKE_DIR})
install(TARGETS maillab RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY scenarios/ DESTINATION ${CMAKE_INSTALL_DATADIR}/maillab/scenarios)
install(DIRECTORY fixtures/ DESTINATION ${CMAKE_INSTALL_DATADIR}/maillab/fixtures)
