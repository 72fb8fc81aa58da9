"""maillab connector over TLS against real servers: Debian's dovecot with POP3S and STLS
(its certificate signed by a CA made for the test, checked by the connector), Postfix
and aiosmtpd with STARTTLS for delivery; and against maillab pop3d/smtpd with --tls. A TLS failure
is an event naming the reason, and nothing is fetched or sent in plain text (docs/tls.md)."""
import email
import pathlib
import shutil

import pytest

from maillab_tools.peers import Aiosmtpd, maildir_messages, write_maildir
from maillab_tools.server import Pop3d, Smtpd
from maillab_tools.tls_peers import TlsAiosmtpd, TlsDovecot, TlsPostfix, make_certificates
from test_connector import connector, events

needs_postfix = pytest.mark.skipif(not shutil.which("postfix"), reason="postfix is not installed")
needs_dovecot = pytest.mark.skipif(not shutil.which("dovecot"), reason="dovecot-pop3d is not installed")


def message(i, size=3000):
    # With a Date: Postfix adds one to a message without it.
    head = (f"From: sender{i}@fabrikam.com\r\nTo: bob@fabrikam.com\r\nSubject: tls {i}\r\n"
            f"Date: Mon, 30 Nov 2026 06:00:00 +0000\r\nMessage-ID: <{i}@tls.e2e.maillab>\r\n\r\n")
    line = f".{i} a line that starts with a dot, then text to fill the body\r\n"
    return (head + line * max(1, size // len(line))).encode()


def pickup_messages(pickup):
    """The messages in a pickup folder, without the x-sender/x-receiver envelope lines."""
    out = []
    for p in sorted(pathlib.Path(pickup).glob("*.eml")):
        data = p.read_bytes()
        while data.lower().startswith((b"x-sender:", b"x-receiver:")):
            data = data.split(b"\r\n", 1)[1]
        out.append(data)
    return out


def dovecot_mailbox(tmp_path, count):
    messages = [message(i) for i in range(count)]
    write_maildir(tmp_path / "maildirs" / "bob", messages)
    return messages


@pytest.fixture
def certs(tmp_path):
    return make_certificates(tmp_path / "certs")


@needs_dovecot
@pytest.mark.parametrize("mode", ["implicit", "stls"])
def test_dovecot_with_tls_every_byte_over_verified_tls(tmp_path, certs, mode):
    ca, cert, key = certs
    messages = dovecot_mailbox(tmp_path, 12)
    pickup = tmp_path / "pickup"
    pickup.mkdir()
    with TlsDovecot(tmp_path / "dovecot", tmp_path / "maildirs", ["bob"], cert, key) as dovecot:
        port = dovecot.pop3s_port if mode == "implicit" else dovecot.port
        root = tmp_path / "root"
        out = connector("--pop3", f"localhost:{port}", "--tls", mode, "--ca", ca, "--user", "bob",
                        "--password", "secret", "--deliver-to", "bob@contoso.local", "--pickup", pickup,
                        "--root", root, "--logging", "Maximum", "--once", check=0)
        assert "12 downloaded, 12 delivered" in out.stdout
        assert maildir_messages(tmp_path / "maildirs" / "bob") == []
        log = (tmp_path / "dovecot" / "dovecot.log").read_text()
        assert "Login: user=<bob>, method=PLAIN" in log and ", TLS," in log
    assert sorted(pickup_messages(pickup)) == sorted(messages)
    connector_log = (root / "pop3connector.log").read_text()
    assert ("(POP3) [TX] STLS" in connector_log) == (mode == "stls")


@needs_dovecot
def test_dovecot_certificate_from_another_ca_is_refused_and_nothing_is_fetched(tmp_path, certs):
    _, cert, key = certs
    stranger_ca, _, _ = make_certificates(tmp_path / "stranger")
    dovecot_mailbox(tmp_path, 3)
    with TlsDovecot(tmp_path / "dovecot", tmp_path / "maildirs", ["bob"], cert, key) as dovecot:
        root = tmp_path / "root"
        connector("--pop3", f"localhost:{dovecot.port}", "--tls", "stls", "--ca", stranger_ca, "--user", "bob",
                  "--password", "secret", "--deliver-to", "bob@contoso.local", "--pickup", tmp_path,
                  "--root", root, "--logging", "Maximum", "--once", check=1)
        assert len(maildir_messages(tmp_path / "maildirs" / "bob")) == 3
        assert "Login:" not in (tmp_path / "dovecot" / "dovecot.log").read_text()
    ev = [e for e in events(root) if e["id"] == 12058]
    assert len(ev) == 1, events(root)
    assert ("failed: the server's certificate is not trusted (self-signed or from an unknown CA) "
            "(unable to get local issuer certificate)") in ev[0]["description"]
    assert "(POP3) [TX] USER" not in (root / "pop3connector.log").read_text()


@needs_dovecot
def test_dovecot_by_address_when_the_certificate_names_only_localhost(tmp_path):
    ca, cert, key = make_certificates(tmp_path / "certs", names=("localhost",))
    dovecot_mailbox(tmp_path, 2)
    with TlsDovecot(tmp_path / "dovecot", tmp_path / "maildirs", ["bob"], cert, key) as dovecot:
        root = tmp_path / "root"
        connector("--pop3", f"127.0.0.1:{dovecot.pop3s_port}", "--tls", "implicit", "--ca", ca, "--user", "bob",
                  "--password", "secret", "--deliver-to", "bob@contoso.local", "--pickup", tmp_path,
                  "--root", root, "--once", check=1)
    ev = [e for e in events(root) if e["id"] == 12058]
    assert "the server's certificate is for another host name (IP address mismatch)" in ev[0]["description"]


def test_starttls_to_aiosmtpd_delivers_every_message(tmp_path, certs):
    ca, cert, key = certs
    drop = tmp_path / "drop"
    drop.mkdir()
    messages = [message(i) for i in range(6)]
    for i, m in enumerate(messages):
        (drop / f"{i:03}.eml").write_bytes(m)
    with Pop3d("--mailbox", f"bob:secret:{drop}", "--in-place") as pop3, \
            TlsAiosmtpd(tmp_path / "received", cert, key) as sink:
        root = tmp_path / "root"
        out = connector("--pop3", f"127.0.0.1:{pop3.port}", "--user", "bob", "--password", "secret",
                        "--deliver-to", "bob@contoso.local", "--smtp", f"localhost:{sink.port}",
                        "--smtp-tls", "starttls", "--ca", ca, "--root", root, "--logging", "Maximum",
                        "--once", check=0)
        assert "6 downloaded, 6 delivered" in out.stdout
    got = maildir_messages(tmp_path / "received")
    assert sorted(email.message_from_bytes(g)["Message-ID"] for g in got) == \
        sorted(f"<{i}@tls.e2e.maillab>" for i in range(6))
    log = (root / "pop3connector.log").read_text()
    assert "(SMTP) [TX] STARTTLS" in log and "(SMTP) TLS is on." in log


@needs_dovecot
@needs_postfix
def test_dovecot_stls_to_postfix_starttls_every_byte(tmp_path, certs):
    """Both real servers with TLS: dovecot (STLS) to Postfix, which requires STARTTLS."""
    ca, cert, key = certs
    messages = dovecot_mailbox(tmp_path, 8)
    with TlsDovecot(tmp_path / "dovecot", tmp_path / "maildirs", ["bob"], cert, key) as dovecot, \
            TlsPostfix(tmp_path / "postfix", cert, key) as postfix:
        root = tmp_path / "root"
        out = connector("--pop3", f"localhost:{dovecot.port}", "--tls", "stls", "--user", "bob",
                        "--password", "secret", "--deliver-to", "bob@contoso.local",
                        "--smtp", f"localhost:{postfix.port}", "--smtp-tls", "starttls", "--ca", ca,
                        "--root", root, "--once", check=0)
        assert "8 downloaded, 8 delivered" in out.stdout
        got = postfix.delivered(8)
        log = postfix.log.read_text()
    assert log.count("Anonymous TLS connection established from localhost") >= 1
    # Postfix puts Return-Path, Delivered-To and Received above the message and stores LF
    # line ends; below them every byte is the original's.
    originals = [m.replace(b"\r\n", b"\n") for m in messages]
    assert sorted(next(o for o in originals if g.endswith(o)) for g in got) == sorted(originals)


def test_smtp_server_without_starttls_is_a_downgrade_refused(tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "1.eml").write_bytes(message(1))
    with Pop3d("--mailbox", f"bob:secret:{drop}", "--in-place") as pop3, Aiosmtpd(tmp_path / "received") as sink:
        root = tmp_path / "root"
        connector("--pop3", f"127.0.0.1:{pop3.port}", "--user", "bob", "--password", "secret",
                  "--deliver-to", "bob@contoso.local", "--smtp", f"127.0.0.1:{sink.port}", "--smtp-tls", "starttls",
                  "--root", root, "--once", check=1)
    assert maildir_messages(tmp_path / "received") == []
    assert len(list((root / "Incoming Mail").glob("*.eml"))) == 1
    ev = [e for e in events(root) if e["id"] == 1059]
    assert "the server does not offer TLS; the downgrade to plain text was refused (EHLO does not list STARTTLS)" \
        in ev[0]["description"]


def test_maillab_servers_pop3s_and_smtps(tmp_path, tls_daemon):
    drop = tmp_path / "drop"
    drop.mkdir()
    for i in range(4):
        (drop / f"{i:03}.eml").write_bytes(message(i))
    pop3 = tls_daemon(Pop3d, "implicit", "--mailbox", f"bob:secret:{drop}", "--in-place")
    smtp = tls_daemon(Smtpd, "implicit", "--store", tmp_path / "store", "--mailbox", "bob@contoso.local")
    root = tmp_path / "root"
    pathlib.Path(tmp_path / "both-ca.pem").write_bytes(pop3.ca.read_bytes() + smtp.ca.read_bytes())
    out = connector("--pop3", f"127.0.0.1:{pop3.port}", "--tls", "implicit", "--user", "bob", "--password", "secret",
                    "--deliver-to", "bob@contoso.local", "--smtp", f"127.0.0.1:{smtp.port}", "--smtp-tls", "implicit",
                    "--ca", tmp_path / "both-ca.pem", "--root", root, "--once", check=0)
    assert "4 downloaded, 4 delivered" in out.stdout
    got = sorted(p.read_bytes() for p in (tmp_path / "store" / "bob@contoso.local").rglob("*.eml"))
    assert got == sorted(message(i) for i in range(4))


def test_sbs2003_refuses_tls_settings(tmp_path):
    out = connector("--profile", "sbs2003", "--pop3", "127.0.0.1:1", "--tls", "stls", "--user", "bob",
                    "--deliver-to", "bob@contoso.local", "--pickup", tmp_path, "--root", tmp_path / "root",
                    "--once", check=2)
    assert "the sbs2003 profile has no TLS (the SBS 2003 POP3 Connector offered none)" in out.stderr
