"""Builds maillab._core with CMake for `pip install --no-build-isolation .` (offline: only
Debian's setuptools, cmake, ninja and the C++ packages scripts/packages.txt lists), and
installs the scenario catalog and fixtures as package data (maillab/data/)."""
import os
import pathlib
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = pathlib.Path(__file__).resolve().parent


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    """Configures the whole tree with only the Python module on, builds that target into
    the package directory setuptools is assembling, and copies the catalog beside it."""

    def build_extension(self, ext):
        package = pathlib.Path(self.get_ext_fullpath(ext.name)).resolve().parent
        build = pathlib.Path(self.build_temp).resolve() / "cmake"
        subprocess.run(["cmake", "-S", str(ROOT), "-B", str(build), "-G", "Ninja",
                        "-DCMAKE_BUILD_TYPE=Release", f"-DPython_EXECUTABLE={sys.executable}",
                        "-DMAILLAB_PYTHON=ON", "-DMAILLAB_BUILD_TESTS=OFF", "-DMAILLAB_BENCH=OFF",
                        f"-DMAILLAB_PYTHON_PACKAGE_DIR={package}"], check=True)
        jobs = os.environ.get("MAILLAB_BUILD_JOBS", "2")
        subprocess.run(["cmake", "--build", str(build), "--target", "maillab_python", "-j", jobs], check=True)
        for data in ("scenarios", "fixtures"):
            target = package / "data" / data
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(ROOT / data, target)


setup(ext_modules=[CMakeExtension("maillab._core")], cmdclass={"build_ext": CMakeBuild})
