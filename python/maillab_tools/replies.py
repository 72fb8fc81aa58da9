"""The reply constants of simulators/pop3/include/maillab/pop3/replies.hpp, read from the
header itself so that the C++ and the Python tests expect the same bytes."""
import pathlib
import re

_ROOT = pathlib.Path(__file__).resolve().parents[2]
_HEADER = _ROOT / "simulators/pop3/include/maillab/pop3/replies.hpp"
_LINE = re.compile(r'inline constexpr std::string_view (k\w+) = "((?:[^"\\]|\\.)*)";')


def _load(path):
    values = {}
    for name, text in _LINE.findall(path.read_text()):
        values[name[1:]] = text.encode().decode("unicode_escape")
    if not values:
        raise RuntimeError(f"no reply constants found in {path}")
    return values


POP3 = _load(_HEADER)
globals().update({name: value for name, value in POP3.items()})
