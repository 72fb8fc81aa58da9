"""Real POP3 clients against `maillab pop3d`: Python's poplib, curl and fetchmail each
retrieve and delete the mail byte for byte, and see `bad-password` and `empty-drop`
exactly as the seeds show them."""
import os
import poplib
import subprocess

import pytest
from conftest import FIXTURES
from maillab_tools import replies

TIMEOUT = 60  # a hung client fails the test instead of hanging CI


def fixture_bytes():
    return [f.read_bytes() for f in FIXTURES]


# ---- poplib -------------------------------------------------------------------------

def test_poplib_retrieves_every_message_byte_identical_and_deletes(pop3d, maildir):
    server = pop3d()
    c = poplib.POP3("127.0.0.1", server.port, timeout=TIMEOUT)
    assert c.getwelcome().decode() == replies.Banner
    assert c.user("bob").decode() == replies.UserOk
    assert c.pass_("secret").decode() == replies.LogonOk
    count, size = c.stat()
    assert (count, size) == (len(FIXTURES), sum(len(b) for b in fixture_bytes()))
    assert {c.capa()["UIDL"] == [], "PIPELINING" in c.capa()} == {True}
    for n, expected in enumerate(fixture_bytes(), start=1):
        _, lines, octets = c.retr(n)
        assert b"\r\n".join(lines) + b"\r\n" == expected  # poplib un-stuffs the dots
        c.dele(n)
    assert c.quit().decode() == replies.Quit
    assert list(maildir.iterdir()) == []


def test_poplib_bad_password_as_the_seeds_show_it(pop3d):
    server = pop3d("--fault", "bad-password")
    c = poplib.POP3("127.0.0.1", server.port, timeout=TIMEOUT)
    assert c.user("bob") == b"+OK"
    with pytest.raises(poplib.error_proto) as err:
        c.pass_("secret")
    assert err.value.args[0] == b"-ERR Logon failure: Unknown user name or bad password."
    assert c.quit() == b"+OK Connection to host lost."


def test_poplib_empty_drop_as_the_seeds_show_it(pop3d, maildir):
    server = pop3d("--fault", "empty-drop")
    c = poplib.POP3("127.0.0.1", server.port, timeout=TIMEOUT)
    c.user("bob")
    c.pass_("secret")
    assert c._shortcmd("STAT") == b"+OK 0 0"
    c.quit()
    assert len(list(maildir.iterdir())) == len(FIXTURES), "the mail is still there"


def test_poplib_apop_and_uidl(pop3d):
    server = pop3d("--apop")
    c = poplib.POP3("127.0.0.1", server.port, timeout=TIMEOUT)
    assert c.apop("bob", "secret").decode() == replies.LogonOk
    _, uids, _ = c.uidl()
    assert [u.split()[1].decode() for u in uids] == [f.stem for f in FIXTURES]
    c.quit()


def test_poplib_rset_keeps_the_mail(pop3d, maildir):
    server = pop3d()
    c = poplib.POP3("127.0.0.1", server.port, timeout=TIMEOUT)
    c.user("bob")
    c.pass_("secret")
    c.dele(1)
    c.rset()
    c.quit()
    assert len(list(maildir.iterdir())) == len(FIXTURES)


# ---- curl ---------------------------------------------------------------------------

def curl(*args):
    return subprocess.run(["curl", "-s", "-S", *args], capture_output=True, timeout=TIMEOUT)


def test_curl_lists_retrieves_and_deletes(pop3d, maildir):
    url = f"pop3://127.0.0.1:{pop3d().port}"
    listing = curl("-u", "bob:secret", url + "/")
    assert listing.returncode == 0
    sizes = [len(b) for b in fixture_bytes()]
    assert listing.stdout.decode().splitlines() == [f"{n} {s}" for n, s in enumerate(sizes, start=1)]
    for n, expected in enumerate(fixture_bytes(), start=1):
        got = curl("-u", "bob:secret", f"{url}/{n}")
        assert got.returncode == 0, got.stderr
        assert got.stdout == expected
    for _ in FIXTURES:  # each call is a session of its own: after its QUIT the next message is 1
        assert curl("-u", "bob:secret", f"{url}/1", "-X", "DELE", "-I").returncode == 0
    assert list(maildir.iterdir()) == []


def test_curl_bad_password(pop3d):
    got = curl("-v", "-u", "bob:secret", f"pop3://127.0.0.1:{pop3d('--fault', 'bad-password').port}/")
    assert got.returncode == 67  # CURLE_LOGIN_DENIED
    assert "< -ERR Logon failure: Unknown user name or bad password.\r\n" in got.stderr.decode()


def test_curl_empty_drop(pop3d):
    got = curl("-v", "-u", "bob:secret", f"pop3://127.0.0.1:{pop3d('--fault', 'empty-drop').port}/", "-X", "STAT",
               "-I")
    assert got.returncode == 0
    assert "< +OK 0 0\r\n" in got.stderr.decode()


# ---- fetchmail ----------------------------------------------------------------------

def fetchmail(tmp_path, port, *extra):
    out = tmp_path / "delivered"
    out.mkdir(exist_ok=True)
    rc = tmp_path / "fetchmailrc"
    rc.write_text(
        f"poll 127.0.0.1 with proto POP3 port {port}\n"
        f'  user "bob" there with password "secret" is "root" here\n'
        f"  mda \"/bin/sh -c 'cat > {out}/msg.$$'\"\n")
    rc.chmod(0o600)
    env = dict(os.environ, HOME=str(tmp_path))
    run = subprocess.run(["fetchmail", "--nodetach", "--sslproto", "", "-v", "-f", str(rc), "-i",
                          str(tmp_path / "ids"), *extra], capture_output=True, timeout=TIMEOUT, env=env)
    return run, sorted(p.read_bytes() for p in out.iterdir())


def test_fetchmail_retrieves_and_deletes_every_message(pop3d, maildir, tmp_path):
    run, delivered = fetchmail(tmp_path, pop3d().port)
    assert run.returncode == 0, run.stdout + run.stderr
    assert len(delivered) == len(FIXTURES)
    # fetchmail adds a Received header and hands the MDA LF line ends; the rest is ours.
    for original in fixture_bytes():
        body = original.split(b"\r\n\r\n", 1)[1].replace(b"\r\n", b"\n")
        assert any(d.endswith(body) for d in delivered), original[:60]
    assert list(maildir.iterdir()) == []


def test_fetchmail_bad_password(pop3d, maildir, tmp_path):
    run, delivered = fetchmail(tmp_path, pop3d("--fault", "bad-password").port)
    assert run.returncode == 3  # PS_AUTHFAIL
    assert b"-ERR Logon failure: Unknown user name or bad password." in run.stdout + run.stderr
    assert delivered == []
    assert len(list(maildir.iterdir())) == len(FIXTURES)


def test_fetchmail_empty_drop(pop3d, tmp_path):
    run, delivered = fetchmail(tmp_path, pop3d("--fault", "empty-drop").port)
    assert run.returncode == 1  # PS_NOMAIL
    assert b"+OK 0 0" in run.stdout + run.stderr
    assert delivered == []


# ---- mpop ---------------------------------------------------------------------------

def mpop(tmp_path, port, password):
    box = tmp_path / "maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True, exist_ok=True)
    run = subprocess.run(["mpop", "--host=127.0.0.1", f"--port={port}", "--tls=off", "--auth=user", "--user=bob",
                          f"--passwordeval=echo {password}", f"--delivery=maildir,{box}", "--keep=off",
                          f"--uidls-file={tmp_path / 'uidls'}", "-q"],
                         capture_output=True, timeout=TIMEOUT, env=dict(os.environ, HOME=str(tmp_path)))
    return run, sorted(p.read_bytes() for p in (box / "new").iterdir())


def test_mpop_retrieves_and_deletes_every_message(pop3d, maildir, tmp_path):
    run, delivered = mpop(tmp_path, pop3d().port, "secret")
    assert run.returncode == 0, run.stderr
    # mpop prepends a Received header and stores LF line ends (maildir's convention);
    # the rest is byte-identical.
    for original in fixture_bytes():
        assert any(d.endswith(b"\n" + original.replace(b"\r\n", b"\n")) for d in delivered), original[:60]
    assert len(delivered) == len(FIXTURES)
    assert list(maildir.iterdir()) == []


def test_mpop_bad_password(pop3d, maildir, tmp_path):
    run, delivered = mpop(tmp_path, pop3d("--fault", "bad-password").port, "secret")
    assert run.returncode == 77  # EX_NOPERM
    assert b"POP3 server message: -ERR Logon failure: Unknown user name or bad password." in run.stderr
    assert delivered == []
    assert len(list(maildir.iterdir())) == len(FIXTURES)
