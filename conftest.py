"""pytest from the repository root (`python3 -m pytest`) runs every Python test: the
package built into build/python (scripts/setup.sh) and the helpers in python/ are
importable, and the maillab plugin is loaded (an installed package loads it by itself)."""
import pathlib
import sys

_ROOT = pathlib.Path(__file__).resolve().parent
for _path in (_ROOT / "python", _ROOT / "build" / "python"):  # build/python ends up first
    if _path.is_dir() and str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

pytest_plugins = ["maillab.pytest_plugin"]
