"""The reply constants, for the end-to-end tests and benchmarks that drive build/maillab:
from the compiled package when it is built (build/python), the same names either way.
POP3 constants are module attributes (replies.LogonOk); SMTP ones are in replies.SMTP."""
import pathlib
import sys

_BUILD = pathlib.Path(__file__).resolve().parents[2] / "build" / "python"
if _BUILD.is_dir() and str(_BUILD) not in sys.path:
    sys.path.insert(0, str(_BUILD))

from maillab.replies import POP3, SMTP  # noqa: E402,F401

globals().update(POP3)
