"""maillab: fake POP3 and SMTP servers with scriptable faults, the POP3 connector modelled
on Small Business Server 2003's, and the catalog of documented troubleshooting scenarios,
all in process.

    import maillab
    with maillab.Pop3Server() as pop3, maillab.SmtpServer("") as smtp:
        ...
    for scenario in maillab.catalog():
        print(scenario.run("robust"))

The servers listen on 127.0.0.1, port 0; see the stub `_core.pyi` for every member."""
import os as _os
import pathlib as _pathlib

from . import _core
from ._core import (  # noqa: F401  (the public API)
    Check,
    ConfigError,
    Connector,
    CycleReport,
    Departure,
    Event,
    Fault,
    Placement,
    DepartureReason,
    Destination,
    FaultSpecError,
    Pop3Server,
    Scenario,
    ScenarioError,
    SmtpServer,
    __version__,
)
from . import replies  # noqa: F401

_DATA = _pathlib.Path(__file__).with_name("data")


def catalog_dir() -> str:
    """Where catalog() reads scenarios: $MAILLAB_SCENARIOS, else the catalog installed with
    the package (pip), else the source tree this module was built from."""
    env = _os.environ.get("MAILLAB_SCENARIOS")
    if env:
        return env
    if (_DATA / "scenarios").is_dir():
        return str(_DATA / "scenarios")
    return _core.scenarios_dir()


def catalog(directory: str = "") -> "list[Scenario]":
    """Every scenario of the catalog (see catalog_dir()), or of `directory`, in id order."""
    return _core.catalog(directory or catalog_dir())
