"""Real clients over TLS against `maillab pop3d --tls` and `maillab smtpd --tls`, each
verifying the certificate made at start-up against the CA the server wrote (--ca-out):
curl (pop3s://, pop3:// --ssl-reqd, smtps://, smtp:// --ssl-reqd), Python's poplib and
smtplib (implicit TLS, stls(), starttls()), swaks (--tls, --tls-on-connect), fetchmail,
mpop and getmail6. Each retrieves or delivers every fixture byte for byte. A peer that is
not installed is skipped, saying which."""
import os
import pathlib
import poplib
import shutil
import smtplib
import ssl
import subprocess
import tempfile

import pytest
from conftest import FIXTURES
from maillab_tools import replies
from maillab_tools.server import Pop3d, Smtpd

TIMEOUT = 60


def need(tool):
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (apt-get install {tool})")


def fixture_bytes():
    return [f.read_bytes() for f in FIXTURES]


@pytest.fixture
def tls_pop3d(tls_daemon, maildir):
    """pop3d serving a copy of the fixtures to bob:secret, in place, with --tls MODE."""
    return lambda mode, *flags: tls_daemon(Pop3d, mode, "--mailbox", f"bob:secret:{maildir}", "--in-place", *flags)


@pytest.fixture
def tls_smtpd(tls_daemon, tmp_path):
    def start(mode, *flags):
        server = tls_daemon(Smtpd, mode, "--store", tmp_path / "store", "--mailbox", "bob@contoso.local", *flags)
        server.store = tmp_path / "store"
        return server

    return start


def stored(server):
    d = pathlib.Path(server.store) / "bob@contoso.local" / "Inbox"
    return sorted(p.read_bytes() for p in d.iterdir()) if d.exists() else []


# ---- POP3: Python's poplib ------------------------------------------------------------

def poplib_retrieves_all(c):
    assert c.user("bob").decode() == replies.UserOk
    assert c.pass_("secret").decode() == replies.LogonOk
    for n, expected in enumerate(fixture_bytes(), start=1):
        _, lines, _ = c.retr(n)
        assert b"\r\n".join(lines) + b"\r\n" == expected
        c.dele(n)
    assert c.quit().decode() == replies.Quit


def test_poplib_pop3s_implicit_tls(tls_pop3d, maildir):
    server = tls_pop3d("implicit")
    c = poplib.POP3_SSL("127.0.0.1", server.port, context=server.context, timeout=TIMEOUT)
    assert "STLS" not in c.capa()
    poplib_retrieves_all(c)
    assert list(maildir.iterdir()) == []


def test_poplib_stls_then_retrieves(tls_pop3d, maildir):
    server = tls_pop3d("stls")
    c = poplib.POP3("127.0.0.1", server.port, timeout=TIMEOUT)
    assert "STLS" in c.capa()
    assert c.stls(context=server.context).decode() == "+OK Begin TLS negotiation"
    assert "STLS" not in c.capa()
    poplib_retrieves_all(c)
    assert list(maildir.iterdir()) == []


def test_poplib_required_refuses_user_before_stls(tls_pop3d):
    server = tls_pop3d("required")
    c = poplib.POP3("127.0.0.1", server.port, timeout=TIMEOUT)
    with pytest.raises(poplib.error_proto, match=r"\[AUTH\] Command not permitted before TLS"):
        c.user("bob")
    c.stls(context=server.context)
    assert c.user("bob").decode() == replies.UserOk
    c.quit()


def test_poplib_refuses_a_server_it_does_not_trust(tls_pop3d):
    server = tls_pop3d("implicit")
    with pytest.raises(ssl.SSLCertVerificationError, match="unable to get local issuer certificate"):
        poplib.POP3_SSL("127.0.0.1", server.port, context=ssl.create_default_context(), timeout=TIMEOUT)


# ---- POP3: curl -------------------------------------------------------------------

def curl(*args):
    return subprocess.run(["curl", "-s", "-S", *args], capture_output=True, timeout=TIMEOUT)


@pytest.mark.parametrize("mode,scheme,extra", [("implicit", "pop3s", []), ("stls", "pop3", ["--ssl-reqd"]),
                                               ("required", "pop3", ["--ssl-reqd"])])
def test_curl_pop3_over_tls_retrieves_every_message(tls_pop3d, mode, scheme, extra):
    need("curl")
    server = tls_pop3d(mode)
    url = f"{scheme}://127.0.0.1:{server.port}"
    for n, expected in enumerate(fixture_bytes(), start=1):
        got = curl("--cacert", str(server.ca), *extra, "-u", "bob:secret", f"{url}/{n}")
        assert got.returncode == 0, got.stderr
        assert got.stdout == expected


def test_curl_ssl_reqd_fails_where_stls_is_not_offered(tls_pop3d):
    need("curl")
    server = tls_pop3d("off")
    got = curl("--ssl-reqd", "-u", "bob:secret", f"pop3://127.0.0.1:{server.port}/")
    assert got.returncode == 64, got.stderr  # CURLE_USE_SSL_FAILED


# ---- POP3: fetchmail, mpop, getmail6 ------------------------------------------------

def fetchmail(tmp_path, server, *ssl_flags):
    out = tmp_path / "delivered"
    out.mkdir(exist_ok=True)
    rc = tmp_path / "fetchmailrc"
    rc.write_text(
        f"poll 127.0.0.1 with proto POP3 port {server.port}\n"
        f'  user "bob" there with password "secret" is "root" here\n'
        f"  mda \"/bin/sh -c 'cat > {out}/msg.$$'\"\n")
    rc.chmod(0o600)
    # fetchmail checks the name it polls against DNS names only, not IP addresses.
    run = subprocess.run(["fetchmail", "--nodetach", "-v", "--sslcertck", "--sslcertfile", str(server.ca),
                          "--sslcommonname", "localhost", *ssl_flags,
                          "-f", str(rc), "-i", str(tmp_path / "ids")],
                         capture_output=True, timeout=TIMEOUT, env=dict(os.environ, HOME=str(tmp_path)))
    return run, sorted(p.read_bytes() for p in out.iterdir())


def assert_delivered_with_lf(delivered):
    # fetchmail adds a Received header and hands the MDA LF line ends; the rest is ours.
    assert len(delivered) == len(FIXTURES)
    for original in fixture_bytes():
        body = original.split(b"\r\n\r\n", 1)[1].replace(b"\r\n", b"\n")
        assert any(d.endswith(body) for d in delivered), original[:60]


@pytest.mark.parametrize("mode,flags", [("implicit", ["--ssl"]), ("stls", ["--sslproto", "tls1.2+"])])
def test_fetchmail_over_tls_retrieves_and_deletes(tls_pop3d, maildir, tmp_path, mode, flags):
    need("fetchmail")
    run, delivered = fetchmail(tmp_path, tls_pop3d(mode), *flags)
    assert run.returncode == 0, run.stdout + run.stderr
    assert_delivered_with_lf(delivered)
    assert list(maildir.iterdir()) == []


def mpop(tmp_path, server, *tls_flags):
    box = tmp_path / "maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True, exist_ok=True)
    run = subprocess.run(["mpop", "--host=127.0.0.1", f"--port={server.port}", "--tls=on",
                          f"--tls-trust-file={server.ca}", *tls_flags, "--auth=user", "--user=bob",
                          "--passwordeval=echo secret", f"--delivery=maildir,{box}", "--keep=off",
                          f"--uidls-file={tmp_path / 'uidls'}", "-q"],
                         capture_output=True, timeout=TIMEOUT, env=dict(os.environ, HOME=str(tmp_path)))
    return run, sorted(p.read_bytes() for p in (box / "new").iterdir())


@pytest.mark.parametrize("mode,flags", [("implicit", ["--tls-starttls=off"]), ("stls", ["--tls-starttls=on"])])
def test_mpop_over_tls_retrieves_and_deletes(tls_pop3d, maildir, tmp_path, mode, flags):
    need("mpop")
    run, delivered = mpop(tmp_path, tls_pop3d(mode), *flags)
    assert run.returncode == 0, run.stderr
    # mpop prepends a Received header and stores LF line ends; the rest is byte-identical.
    for original in fixture_bytes():
        assert any(d.endswith(b"\n" + original.replace(b"\r\n", b"\n")) for d in delivered), original[:60]
    assert len(delivered) == len(FIXTURES)
    assert list(maildir.iterdir()) == []


@pytest.fixture
def nobody_dir():
    """A directory `nobody` can use (pytest's own are root's, mode 0700)."""
    d = pathlib.Path(tempfile.mkdtemp(prefix="maillab-getmail-"))
    d.chmod(0o777)
    yield d
    shutil.rmtree(d)


def test_getmail6_pop3_ssl_retrieves_and_deletes(tls_pop3d, maildir, nobody_dir):
    need("getmail")
    need("runuser")
    server = tls_pop3d("implicit")
    # getmail refuses to deliver as root: it runs as nobody.
    box = nobody_dir / "maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    ca = nobody_dir / "ca.pem"
    shutil.copy(server.ca, ca)
    rc = nobody_dir / "getmailrc"
    rc.write_text(
        "[retriever]\ntype = SimplePOP3SSLRetriever\nserver = 127.0.0.1\n"
        f"port = {server.port}\nusername = bob\npassword = secret\nca_certs = {ca}\n"
        f"[destination]\ntype = Maildir\npath = {box}/\n[options]\ndelete = true\nread_all = true\n")
    for p in nobody_dir.rglob("*"):
        p.chmod(0o777 if p.is_dir() else 0o666)
    run = subprocess.run(["runuser", "-u", "nobody", "--", "getmail", f"--getmaildir={nobody_dir}", f"--rcfile={rc}"],
                         capture_output=True, timeout=TIMEOUT)
    assert run.returncode == 0, run.stdout + run.stderr
    delivered = sorted(p.read_bytes() for p in (box / "new").iterdir())
    assert len(delivered) == len(FIXTURES)
    # getmail prepends Delivered-To/Return-Path/Received and stores LF line ends.
    for original in fixture_bytes():
        assert any(d.endswith(b"\n" + original.replace(b"\r\n", b"\n")) for d in delivered), original[:60]
    assert list(maildir.iterdir()) == []


# ---- SMTP: smtplib, curl, swaks -----------------------------------------------------

def test_smtplib_starttls_delivers_every_fixture(tls_smtpd):
    server = tls_smtpd("starttls")
    with smtplib.SMTP("127.0.0.1", server.port, timeout=TIMEOUT) as c:
        c.ehlo("sbs.contoso.local")
        assert c.has_extn("starttls")
        assert c.starttls(context=server.context)[0] == 220
        c.ehlo("sbs.contoso.local")
        assert not c.has_extn("starttls")
        for f in FIXTURES:
            c.sendmail("alice@fabrikam.com", ["bob@contoso.local"], f.read_bytes())
    assert stored(server) == sorted(fixture_bytes())


def test_smtplib_smtps_implicit_tls_delivers_every_fixture(tls_smtpd):
    server = tls_smtpd("implicit")
    with smtplib.SMTP_SSL("127.0.0.1", server.port, context=server.context, timeout=TIMEOUT) as c:
        c.ehlo("sbs.contoso.local")
        assert not c.has_extn("starttls")
        for f in FIXTURES:
            c.sendmail("alice@fabrikam.com", ["bob@contoso.local"], f.read_bytes())
    assert stored(server) == sorted(fixture_bytes())


def test_smtplib_required_refuses_mail_before_starttls(tls_smtpd):
    server = tls_smtpd("required")
    with smtplib.SMTP("127.0.0.1", server.port, timeout=TIMEOUT) as c:
        c.ehlo("x")
        assert c.mail("a@fabrikam.com") == (530, b"5.7.0 Must issue a STARTTLS command first")
    assert stored(server) == []


@pytest.mark.parametrize("mode,scheme,extra", [("implicit", "smtps", []), ("starttls", "smtp", ["--ssl-reqd"]),
                                               ("required", "smtp", ["--ssl-reqd"])])
def test_curl_smtp_over_tls_delivers_every_fixture(tls_smtpd, mode, scheme, extra):
    need("curl")
    server = tls_smtpd(mode)
    for f in FIXTURES:
        run = curl("--cacert", str(server.ca), *extra, f"{scheme}://127.0.0.1:{server.port}", "--mail-from",
                   "alice@fabrikam.com", "--mail-rcpt", "bob@contoso.local", "-T", str(f))
        assert run.returncode == 0, run.stderr
    assert stored(server) == sorted(fixture_bytes())


@pytest.mark.parametrize("mode,flag", [("starttls", "--tls"), ("implicit", "--tls-on-connect")])
def test_swaks_over_tls_delivers_every_fixture(tls_smtpd, mode, flag):
    need("swaks")
    support = subprocess.run(["swaks", "--support"], capture_output=True, text=True, timeout=TIMEOUT)
    if "=== TLS supported" not in support.stdout + support.stderr:
        pytest.skip("swaks has no TLS here (apt-get install libnet-ssleay-perl)")
    server = tls_smtpd(mode)
    for f in FIXTURES:
        run = subprocess.run(["swaks", "--server", f"127.0.0.1:{server.port}", flag, "--tls-verify", "--tls-ca-path",
                              str(server.ca), "--from", "alice@fabrikam.com", "--to", "bob@contoso.local",
                              "--data", f"@{f}"], capture_output=True, text=True, errors="replace",
                             timeout=TIMEOUT)
        assert run.returncode == 0, run.stdout + run.stderr
    assert "TLS started" in run.stdout
    # swaks ends every DATA with an empty line of its own before the dot, TLS or not.
    assert stored(server) == sorted(b + b"\r\n" for b in fixture_bytes())


# ---- --cert/--key -----------------------------------------------------------------

def openssl_certificate(tmp_path, name):
    need("openssl")
    cert, key = tmp_path / f"{name}.crt", tmp_path / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


def test_pop3d_shows_the_certificate_it_is_given(maildir, tmp_path):
    need("curl")
    cert, key = openssl_certificate(tmp_path, "given")
    with Pop3d("--mailbox", f"bob:secret:{maildir}", "--tls", "implicit", "--cert", cert, "--key", key) as server:
        got = curl("--cacert", str(cert), "-u", "bob:secret", f"pop3s://127.0.0.1:{server.port}/1")
        assert got.returncode == 0, got.stderr
        assert got.stdout == fixture_bytes()[0]


def test_a_key_that_does_not_match_the_certificate_is_refused(tmp_path):
    cert, _ = openssl_certificate(tmp_path, "one")
    _, other_key = openssl_certificate(tmp_path, "two")
    with pytest.raises(RuntimeError, match=f"--key '{other_key}': does not match the certificate in '{cert}'"):
        Smtpd("--tls", "starttls", "--cert", cert, "--key", other_key).__enter__()
