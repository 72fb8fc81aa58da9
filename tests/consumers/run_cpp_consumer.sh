#!/usr/bin/env bash
# Builds and runs tests/consumers/cpp against maillab the way an outside project would.
#   run_cpp_consumer.sh installed BUILD_DIR WORK   cmake --install BUILD_DIR, then find_package
#   run_cpp_consumer.sh subdirectory SOURCE WORK   add_subdirectory(SOURCE)
set -euo pipefail
mode=$1 from=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
case $mode in
  installed)
    cmake --install "$from" --prefix "$work/prefix" >/dev/null
    # The installed catalog, not the source tree's: nothing of the repository is needed.
    unset MAILLAB_SCENARIOS
    cmake -S "$here/cpp" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null ;;
  subdirectory)
    # Release with warnings as errors: the one Release build of maillab's libraries in the
    # test suite (GCC's -O3 warnings differ from RelWithDebInfo's -O2).
    cmake -S "$here/cpp" -B "$work/build" -G Ninja -DMAILLAB_SOURCE="$from" -DCMAKE_BUILD_TYPE=Release \
      -DMAILLAB_WERROR=ON >/dev/null ;;
  *) echo "usage: $0 installed|subdirectory FROM WORK" >&2; exit 2 ;;
esac
cmake --build "$work/build" -j2
ctest --test-dir "$work/build" --output-on-failure -j2
# The Python package cmake --install put beside the libraries (when the build has it).
site="$work/prefix/lib/python3/dist-packages"
if [ "$mode" = installed ] && [ -d "$site/maillab" ]; then
  (cd "$work" && env -u MAILLAB_SCENARIOS PYTHONPATH="$site" /usr/bin/python3 -c \
    'import maillab; assert "prefix" in maillab.catalog_dir() and maillab.catalog(), maillab.catalog_dir(); print("python package from cmake --install:", maillab.__version__)')
fi
