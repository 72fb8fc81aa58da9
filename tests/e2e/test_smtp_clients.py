"""Real SMTP clients against `maillab smtpd`: swaks, curl, Python's smtplib and Postfix's
smtp-source deliver into the store, nothing lost or doubled; the presets give their
documented replies."""
import pathlib
import smtplib
import subprocess

import pytest
from conftest import FIXTURES
from maillab_tools import replies
from maillab_tools.server import Smtpd

TIMEOUT = 60
R = replies.SMTP


@pytest.fixture
def smtpd(tmp_path):
    servers = []

    def start(*flags):
        s = Smtpd("--store", tmp_path / "store", "--mailbox", "bob@contoso.local", "--mailbox",
                  "administrator@contoso.local", "--admin", "administrator@contoso.local", *flags).__enter__()
        s.store = tmp_path / "store"
        servers.append(s)
        return s

    yield start
    for s in servers:
        s.stop()


def stored(server, folder="bob@contoso.local/Inbox"):
    d = pathlib.Path(server.store) / folder
    return sorted(p.read_bytes() for p in d.iterdir()) if d.exists() else []


def test_smtplib_delivers_every_fixture_byte_identical(smtpd):
    server = smtpd()
    with smtplib.SMTP("127.0.0.1", server.port, timeout=TIMEOUT) as c:
        code, text = c.ehlo("sbs.contoso.local")
        assert code == 250 and b"X-LINK2STATE" in text
        for f in FIXTURES:
            c.sendmail("alice@fabrikam.com", ["bob@contoso.local"], f.read_bytes())
    assert stored(server) == sorted(f.read_bytes() for f in FIXTURES)


def test_smtplib_sees_sender_denied_after_the_dot(smtpd):
    server = smtpd("--fault", "sender-denied")
    with smtplib.SMTP("127.0.0.1", server.port, timeout=TIMEOUT) as c:
        c.ehlo("x")
        assert c.mail("") == (250, R["SenderOk"][4:].encode())
        assert c.rcpt("bob@contoso.local") == (250, R["RecipientOk"][4:].encode())
        assert c.data(b"Subject: x\r\n\r\nbody\r\n") == (554, b"5.1.0 Sender denied")
    assert stored(server) == []


def test_smtplib_anonymous_disabled_then_auth(smtpd):
    server = smtpd("--fault", "anonymous-disabled", "--auth", "connector:secret")
    with smtplib.SMTP("127.0.0.1", server.port, timeout=TIMEOUT) as c:
        c.ehlo("x")
        assert c.mail("") == (530, b"5.7.3 Client was not authenticated")
        c.rset()
        c.esmtp_features["auth"] = "LOGIN PLAIN"  # Exchange hides LOGIN behind X-EXPS=LOGIN
        assert c.login("connector", "secret")[0] == 235
        c.sendmail("", ["bob@contoso.local"], b"Subject: authed\r\n\r\nx\r\n")
    assert len(stored(server)) == 1


def test_swaks_delivers_and_sees_relay_refusal(smtpd):
    server = smtpd()
    ok = subprocess.run(["swaks", "--server", f"127.0.0.1:{server.port}", "--from", "alice@fabrikam.com", "--to",
                         "bob@contoso.local", "--header", "Subject: from swaks", "--body", "hello"],
                        capture_output=True, text=True, timeout=TIMEOUT)
    assert ok.returncode == 0, ok.stdout
    assert "<-  250 2.1.5 Recipient OK" in ok.stdout
    assert len(stored(server)) == 1 and b"Subject: from swaks" in stored(server)[0]
    relay = subprocess.run(["swaks", "--server", f"127.0.0.1:{server.port}", "--from", "a@b.c", "--to",
                            "x@fabrikam.com"], capture_output=True, text=True, timeout=TIMEOUT)
    assert relay.returncode != 0
    assert "<** 550 5.7.1 Unable to relay for x@fabrikam.com" in relay.stdout


def test_swaks_bdat_and_pipelining(smtpd):
    server = smtpd("--profile", "plain")
    run = subprocess.run(["swaks", "--server", f"127.0.0.1:{server.port}", "--from", "a@fabrikam.com", "--to",
                          "bob@contoso.local", "--pipeline", "--body", "pipelined"],
                         capture_output=True, text=True, timeout=TIMEOUT)
    assert run.returncode == 0, run.stdout
    assert len(stored(server)) == 1


def test_curl_sends_a_fixture(smtpd):
    server = smtpd()
    run = subprocess.run(["curl", "-s", "-S", f"smtp://127.0.0.1:{server.port}", "--mail-from", "alice@fabrikam.com",
                          "--mail-rcpt", "bob@contoso.local", "-T", str(FIXTURES[0])],
                         capture_output=True, timeout=TIMEOUT)
    assert run.returncode == 0, run.stderr
    assert stored(server) == [FIXTURES[0].read_bytes()]


def test_curl_too_large(smtpd):
    server = smtpd("--fault", "too-large:100")
    run = subprocess.run(["curl", "-s", "-S", "-v", f"smtp://127.0.0.1:{server.port}", "--mail-from",
                          "alice@fabrikam.com", "--mail-rcpt", "bob@contoso.local", "-T", str(FIXTURES[1])],
                         capture_output=True, timeout=TIMEOUT)
    assert run.returncode != 0
    assert b"< 552 5.3.4 Message size exceeds fixed maximum message size" in run.stderr
    assert stored(server) == []


def test_smtp_source_load_nothing_lost_or_doubled(smtpd):
    server = smtpd("--threads", "2")
    sessions, per_session = 5, 40
    run = subprocess.run(["smtp-source", "-s", str(sessions), "-m", str(sessions * per_session), "-l", "2048",
                          "-f", "alice@fabrikam.com", "-t", "bob@contoso.local", f"127.0.0.1:{server.port}"],
                         capture_output=True, text=True, timeout=TIMEOUT)
    assert run.returncode == 0, run.stderr
    assert server.stop() == 0
    assert len(stored(server)) == sessions * per_session
    placed = [line for line in server.stderr.splitlines() if line.startswith("placed ")]
    ids = [line.split()[1] for line in placed]
    assert len(ids) == len(set(ids)) == sessions * per_session
