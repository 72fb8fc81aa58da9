"""`maillab pop3d` as a process: refusing bad flags at start-up, shutting down cleanly."""
import poplib
import signal
import subprocess

import pytest
from conftest import FIXTURES
from maillab_tools.pop3d import DEFAULT_BINARY, Pop3d


def start_error(*args, tmp_path=None):
    listen = [] if "--listen" in args else ["--listen", "127.0.0.1:0"]
    run = subprocess.run([str(DEFAULT_BINARY), "pop3d", *listen, *args],
                         capture_output=True, text=True, timeout=30)
    assert run.stdout == "", "nothing listened"
    return run.returncode, run.stderr.strip()


@pytest.mark.parametrize("args, message", [
    (["--fault", "delay,ms=soon"],
     "maillab pop3d: --fault 'delay,ms=soon': field 'ms': must be a non-negative integer, not 'soon'"),
    (["--fault", "teleport"], "maillab pop3d: --fault 'teleport': unknown fault 'teleport'"),
    (["--mailbox", "bob:pw:/nonexistent"],
     "maillab pop3d: --mailbox 'bob:pw:/nonexistent': '/nonexistent' is not a directory"),
    (["--mailbox", "bob"], "maillab pop3d: --mailbox 'bob': no user name; expected USER:PASSWORD:DIR"),
    (["--generate", "bob:pw:many:4K"], "maillab pop3d: --generate 'bob:pw:many:4K': COUNT must be a non-negative"),
    (["--listen", "nonsense"], "maillab pop3d: --listen: 'nonsense' is not HOST:PORT"),
    (["--generate", "bob:a:1:1K", "--generate", "bob:b:1:1K"], "maillab pop3d: mailbox 'bob' is given twice"),
])
def test_malformed_flags_are_refused_naming_them(args, message):
    code, err = start_error(*args)
    assert code != 0
    assert err.startswith(message), err


def test_malformed_fault_file_names_file_line_and_field(tmp_path):
    f = tmp_path / "faults.yaml"
    f.write_text("faults:\n  - fault: stall\n    when: now\n")
    code, err = start_error("--faults", str(f))
    assert code != 0
    assert err == f"maillab pop3d: {f}:3: field 'when': not a parameter of this fault"


def test_port_in_use_is_refused():
    first = subprocess.Popen([str(DEFAULT_BINARY), "pop3d", "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
                             text=True)
    try:
        port = first.stdout.readline().rsplit(":", 1)[1].strip()
        code, err = start_error("--listen", f"127.0.0.1:{port}")
        assert code != 0 and "address" in err.lower(), err
    finally:
        first.terminate()
        first.wait(timeout=30)


def logged_on(server):
    c = poplib.POP3("127.0.0.1", server.port, timeout=30)
    c.user("bob")
    c.pass_("secret")
    return c


def test_sigterm_mid_session_changes_nothing_and_exits_zero(pop3d, maildir):
    server = pop3d()
    c = logged_on(server)
    c.dele(1)
    c.dele(2)
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(timeout=30) == 0
    assert c.sock.recv(100) == b"", "the session was closed"
    assert sorted(p.name for p in maildir.iterdir()) == [f.name for f in FIXTURES], "no UPDATE without QUIT"


def test_sigint_after_quit_keeps_the_update(pop3d, maildir):
    server = pop3d()
    c = logged_on(server)
    c.dele(1)
    c.quit()
    server.proc.send_signal(signal.SIGINT)
    assert server.proc.wait(timeout=30) == 0
    assert len(list(maildir.iterdir())) == len(FIXTURES) - 1


def test_mailbox_directory_is_never_changed_without_in_place(maildir):
    before = {p.name: p.read_bytes() for p in maildir.iterdir()}
    with Pop3d("--mailbox", f"bob:secret:{maildir}") as server:
        assert "read-only" in server.proc.stdout.readline(), "start-up says the files are safe"
        c = logged_on(server)
        c.dele(1)
        c.quit()
        c = logged_on(server)
        assert c.stat()[0] == len(FIXTURES) - 1, "deleted mail stays gone for the server's run"
        c.quit()
    assert {p.name: p.read_bytes() for p in maildir.iterdir()} == before
