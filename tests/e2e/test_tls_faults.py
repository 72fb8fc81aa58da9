"""The TLS faults as a client sees them: each preset of docs/faults.md ("TLS presets")
against pop3d or smtpd, and the error Python's ssl (and curl, where it says it its own
way) reports. The client trusts the CA the server wrote, so only the fault can fail it."""
import hashlib
import poplib
import shutil
import smtplib
import socket
import ssl
import subprocess

import pytest
from maillab_tools.server import Pop3d, Smtpd

TIMEOUT = 10


def fault_flags(faults):
    return [flag for name in faults for flag in ("--fault", name)]


@pytest.fixture
def pop3d(tls_daemon):
    return lambda mode, *faults: tls_daemon(Pop3d, mode, "--generate", "bob:secret:2:1K", *fault_flags(faults))


def pop3s(server, timeout=TIMEOUT):
    return poplib.POP3_SSL("127.0.0.1", server.port, context=server.context, timeout=timeout)


@pytest.mark.parametrize("preset,symptom", [
    ("certificate-expired", "certificate has expired"),
    ("certificate-not-yet-valid", "certificate is not yet valid"),
    ("certificate-self-signed", "self-signed certificate"),
    ("certificate-name-mismatch", "IP address mismatch, certificate is not valid for '127.0.0.1'"),
])
def test_certificate_presets_fail_verification_with_their_reason(pop3d, preset, symptom):
    server = pop3d("implicit", preset)
    with pytest.raises(ssl.SSLCertVerificationError, match=symptom):
        pop3s(server)


def test_certificate_name_mismatch_as_curl_says_it(pop3d):
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed (apt-get install curl)")
    server = pop3d("implicit", "certificate-name-mismatch")
    run = subprocess.run(["curl", "-sS", "--cacert", str(server.ca), "-u", "bob:secret",
                          f"pop3s://127.0.0.1:{server.port}/"], capture_output=True, text=True, timeout=TIMEOUT)
    assert run.returncode == 60
    assert "no alternative certificate subject name matches target host name '127.0.0.1'" in run.stderr


def test_tls_too_old_is_refused_by_a_current_client(pop3d):
    server = pop3d("implicit", "tls-too-old")
    # Debian's OpenSSL refuses TLS 1.0's signature algorithms (or the version itself,
    # where MinProtocol says so).
    with pytest.raises(ssl.SSLError, match="legacy sigalg disallowed|unsupported protocol|protocol version"):
        pop3s(server)
    old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    old.load_verify_locations(server.ca)
    with pytest.raises(ssl.SSLError):
        with socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT) as raw:
            old.wrap_socket(raw, server_hostname="localhost")


def test_handshake_reset(pop3d):
    server = pop3d("implicit", "tls-handshake-reset")
    with pytest.raises(ConnectionResetError):
        pop3s(server)


def test_handshake_stall_times_out_and_the_connection_stays_open(pop3d):
    server = pop3d("implicit", "tls-handshake-stall")
    with pytest.raises(TimeoutError, match="handshake operation timed out|timed out"):
        pop3s(server, timeout=0.5)


def test_certificate_changed_shows_a_new_valid_certificate_each_session(pop3d):
    server = pop3d("implicit", "certificate-changed")
    prints = []
    for _ in range(2):
        c = pop3s(server)  # verifies: the certificate is valid, only not the same
        prints.append(hashlib.sha256(c.sock.getpeercert(binary_form=True)).hexdigest())
        c.quit()
    assert prints[0] != prints[1]


def test_certificate_is_the_same_each_session_without_the_fault(pop3d):
    server = pop3d("implicit")
    prints = []
    for _ in range(2):
        c = pop3s(server)
        prints.append(hashlib.sha256(c.sock.getpeercert(binary_form=True)).hexdigest())
        c.quit()
    assert prints[0] == prints[1]


def test_stls_not_offered_is_a_downgrade(pop3d):
    server = pop3d("stls", "stls-not-offered")
    c = poplib.POP3("127.0.0.1", server.port, timeout=TIMEOUT)
    assert "STLS" not in c.capa()
    with pytest.raises(poplib.error_proto, match="STLS not supported by server"):
        c.stls(context=server.context)  # poplib reads CAPA first
    with pytest.raises(poplib.error_proto, match=r"-ERR Unknown command\."):
        c._shortcmd("STLS")
    c.quit()
    if shutil.which("curl"):
        run = subprocess.run(["curl", "-sS", "--ssl-reqd", "-u", "bob:secret", f"pop3://127.0.0.1:{server.port}/"],
                             capture_output=True, text=True, timeout=TIMEOUT)
        assert run.returncode == 64  # CURLE_USE_SSL_FAILED: curl refuses to go on in the clear


def test_stls_handshake_faults_act_after_the_ok(pop3d):
    server = pop3d("stls", "certificate-expired")
    c = poplib.POP3("127.0.0.1", server.port, timeout=TIMEOUT)
    with pytest.raises(ssl.SSLCertVerificationError, match="certificate has expired"):
        c.stls(context=server.context)


# ---- SMTP -------------------------------------------------------------------------

@pytest.fixture
def smtpd(tls_daemon):
    return lambda mode, *faults: tls_daemon(Smtpd, mode, "--mailbox", "bob@contoso.local", *fault_flags(faults))


def test_starttls_unavailable_answers_454(smtpd):
    server = smtpd("starttls", "starttls-unavailable")
    with smtplib.SMTP("127.0.0.1", server.port, timeout=TIMEOUT) as c:
        c.ehlo("x")
        assert c.has_extn("starttls")
        with pytest.raises(smtplib.SMTPResponseException) as refused:
            c.starttls(context=server.context)
        assert (refused.value.smtp_code, refused.value.smtp_error) == (
            454, b"4.7.0 TLS not available due to temporary reason")


def test_starttls_not_offered_is_a_downgrade(smtpd):
    server = smtpd("starttls", "starttls-not-offered")
    with smtplib.SMTP("127.0.0.1", server.port, timeout=TIMEOUT) as c:
        c.ehlo("x")
        assert not c.has_extn("starttls")
        with pytest.raises(smtplib.SMTPNotSupportedError):
            c.starttls(context=server.context)
        assert c.docmd("STARTTLS") == (502, b"5.3.3 Command not implemented")


def test_smtps_certificate_expired(smtpd):
    server = smtpd("implicit", "certificate-expired")
    with pytest.raises(ssl.SSLCertVerificationError, match="certificate has expired"):
        smtplib.SMTP_SSL("127.0.0.1", server.port, context=server.context, timeout=TIMEOUT)
