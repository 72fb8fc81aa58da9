"""The reply constants of the simulators' replies.hpp headers, read from the headers
themselves so that the C++ and the Python tests expect the same bytes.
POP3 constants are module attributes (replies.LogonOk); SMTP ones are in replies.SMTP."""
import pathlib
import re

_ROOT = pathlib.Path(__file__).resolve().parents[2]
_HEADER = _ROOT / "simulators/pop3/include/maillab/pop3/replies.hpp"
_SMTP_HEADER = _ROOT / "simulators/smtp/include/maillab/smtp/replies.hpp"
_LINE = re.compile(r'inline constexpr std::string_view (k\w+) = "((?:[^"\\]|\\.)*)";')


def _load(path):
    values = {}
    for name, text in _LINE.findall(path.read_text()):
        values[name[1:]] = text.encode().decode("unicode_escape")
    if not values:
        raise RuntimeError(f"no reply constants found in {path}")
    return values


POP3 = _load(_HEADER)
SMTP = _load(_SMTP_HEADER)
globals().update({name: value for name, value in POP3.items()})
