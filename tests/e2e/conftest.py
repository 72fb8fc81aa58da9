import pathlib
import shutil
import ssl
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))

from maillab_tools.pop3d import Pop3d  # noqa: E402

FIXTURES = sorted((ROOT / "fixtures" / "messages").glob("*.eml"))


@pytest.fixture
def maildir(tmp_path):
    """A copy of the fixture messages, served as bob's maildrop."""
    d = tmp_path / "maildrop"
    d.mkdir()
    for f in FIXTURES:
        shutil.copy(f, d / f.name)
    return d


@pytest.fixture
def pop3d(maildir):
    """Starts maillab pop3d serving `maildir` (a copy: in place, so DELE + QUIT deletes
    its files) for bob:secret, with extra flags."""
    servers = []

    def start(*flags):
        server = Pop3d("--mailbox", f"bob:secret:{maildir}", "--in-place", *flags).__enter__()
        servers.append(server)
        return server

    yield start
    for s in servers:
        s.stop()


@pytest.fixture
def tls_daemon(tmp_path):
    """Starts `cls` (Pop3d or Smtpd) with `--tls MODE` and flags; with TLS its CA goes to
    tmp_path, and the server gets .ca (that file) and .context (an ssl context trusting
    only it)."""
    servers = []

    def start(cls, mode, *flags):
        ca = tmp_path / f"{cls.command}-{len(servers)}-ca.pem"
        tls = ["--tls", mode] + (["--ca-out", ca] if mode != "off" else [])
        server = cls(*tls, *flags).__enter__()
        server.ca = ca
        server.context = ssl.create_default_context(cafile=str(ca)) if mode != "off" else None
        servers.append(server)
        return server

    yield start
    for s in servers:
        s.stop()
