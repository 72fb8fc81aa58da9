"""The pytest plugin of maillab: installed with the package (`pip install`), pytest loads
it by itself (entry point `pytest11`); from a build tree, `-p maillab.pytest_plugin` or the
repository's root conftest.py loads it. Fixtures that give a test a sandbox directory, the two simulators
on loopback port 0, and a connector wired to both. Every fixture cleans up after itself."""
import pytest

import maillab


@pytest.fixture
def sandbox(tmp_path):
    """A fresh directory: root/ for the connector, store/ for Exchange, PickUp/."""
    for sub in ("root", "store", "PickUp"):
        (tmp_path / sub).mkdir()
    return tmp_path


@pytest.fixture
def pop3_server():
    """The fake POP3 server with a mailbox bob/secret (empty: add mail in the test)."""
    with maillab.Pop3Server() as server:
        server.add_mailbox("bob", "secret")
        yield server


@pytest.fixture
def smtp_server(sandbox):
    """The fake SMTP server: contoso.local with bob and the administrator, PickUp served."""
    with maillab.SmtpServer(str(sandbox / "store"), pickup=str(sandbox / "PickUp")) as server:
        yield server


@pytest.fixture(params=["sbs2003", "robust"])
def profile(request):
    """Both connector profiles, one test run each."""
    return request.param


@pytest.fixture
def connector(sandbox, pop3_server, smtp_server, request):
    """The connector: bob's POP3 mailbox delivered over SMTP to bob@contoso.local.
    The profile is the `profile` fixture's when the test uses it, else robust."""
    profile = request.getfixturevalue("profile") if "profile" in request.fixturenames else "robust"
    return maillab.Connector(str(sandbox / "root"), pop3_server.port, "bob", "secret", "bob@contoso.local",
                             smtp_port=smtp_server.port, profile=profile)
