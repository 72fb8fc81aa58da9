import pathlib
import sys

_ROOT = pathlib.Path(__file__).resolve().parents[2]
# The plugin and the reply constants live in python/; the module in build/python.
sys.path.insert(0, str(_ROOT / "python"))

pytest_plugins = ["maillab_pytest"]
