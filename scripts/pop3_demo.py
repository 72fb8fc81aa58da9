#!/usr/bin/env python3
"""The main job until the scenario catalog exists: the seeds' telnet session against
`maillab pop3d`, then each documented POP3 fault, with a summary table."""
import pathlib
import socket
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "python"))
from maillab_tools import replies  # noqa: E402
from maillab_tools.pop3d import Pop3d  # noqa: E402

BINARY = sys.argv[1] if len(sys.argv) > 1 else "build/maillab"


class Telnet:
    """What the seeds do by hand: type a command, read the reply line."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""
        self.lines = []

    def read_line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                line, self.buf = self.buf, b""
                self.lines.append(f"  (connection closed after {len(line)} octets)")
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        text = line.decode("latin-1")
        self.lines.append("  " + text)
        return text

    def read_multiline(self):
        first = self.read_line()
        body = []
        while first is not None:
            line = self.read_line()
            if line is None or line == ".":
                break
            body.append(line)
        return first, body

    def cmd(self, text, multiline=False):
        self.lines.append("> " + text)
        self.sock.sendall(text.encode() + b"\r\n")
        return self.read_multiline() if multiline else self.read_line()


def connect(port, host="mail-host.fabrikam.com"):
    try:
        return Telnet(port)
    except ConnectionRefusedError:
        raise RuntimeError(f"Connecting to {host}... Could not open connection to the host on port {port}: Connect failed.")


def expect(got, want, what):
    if got != want:
        raise AssertionError(f"{what}: expected {want!r}, got {got!r}")


def seed_session(port):
    t = connect(port)
    expect(t.read_line(), replies.Banner, "banner")
    expect(t.cmd("user bob"), replies.UserOk, "user")
    expect(t.cmd("pass secret"), replies.LogonOk, "pass")
    stat = t.cmd("stat")
    expect(stat.split()[:2], ["+OK", "5"], "stat")
    expect(t.cmd("quit"), replies.Quit, "quit")
    return t.lines


def bad_password(port):
    t = connect(port)
    t.read_line()
    expect(t.cmd("user bob"), "+OK", "user")
    expect(t.cmd("pass secret"), replies.LogonFailure, "pass")
    expect(t.cmd("quit"), replies.Quit, "quit")
    return t.lines


def empty_drop(port):
    t = connect(port)
    t.read_line()
    t.cmd("user bob")
    t.cmd("pass secret")
    expect(t.cmd("stat"), replies.EmptyDrop, "stat")
    t.cmd("quit")
    return t.lines


def connect_failed(port):
    try:
        connect(port)
    except RuntimeError as e:
        expect(str(e).endswith(": Connect failed."), True, "refused")
        return ["  " + str(e)]
    raise AssertionError("the connection was accepted")


def banner_not_ok(port):
    t = connect(port)
    banner = t.read_line()
    expect(banner.startswith("+OK"), False, "banner starts with +OK")
    expect(t.read_line(), None, "closed after the banner")
    return t.lines


def drop_mid_retr(port):
    t = connect(port)
    t.read_line()
    t.cmd("user bob")
    t.cmd("pass secret")
    t.cmd("dele 1")
    t.lines.append("> retr 2")
    t.sock.sendall(b"retr 2\r\n")
    expect(t.read_line(), "+OK", "retr")
    while t.read_line() is not None:
        pass
    t2 = connect(port)
    t2.read_line()
    t2.cmd("user bob")
    t2.cmd("pass secret")
    stat = t2.cmd("stat")
    expect(stat.split()[1], "5", "messages after the drop (no QUIT, no UPDATE)")
    t2.cmd("quit")
    return t.lines + ["  -- reconnect --"] + t2.lines


def corrupt_eml(port):
    t = connect(port)
    t.read_line()
    t.cmd("user bob")
    t.cmd("pass secret")
    first, body = t.cmd("retr 1", multiline=True)
    expect(any("\0" in line for line in body), True, "NUL bytes in message 1")
    t.lines[-len(body) - 1:] = [f"  +OK, then {len(body)} lines with NUL bytes in the body"]
    t.cmd("quit")
    return t.lines


DEMOS = [
    ("DL-banner / telnet steps 2-6", [], seed_session),
    ("DL-bad-password", ["--fault", "bad-password"], bad_password),
    ("DL-empty-drop", ["--fault", "empty-drop"], empty_drop),
    ("DL-competing-client", ["--fault", "competing-client"], empty_drop),
    ("DL-connect-failed", ["--fault", "connect-refused"], connect_failed),
    ("DL-banner (not +OK)", ["--fault", "banner-not-ok"], banner_not_ok),
    ("drop-mid-retr", ["--fault", "drop-mid-retr:2000"], drop_mid_retr),
    ("CDO-corrupt-eml (served corrupt)", ["--fault", "corrupt-eml"], corrupt_eml),
]


def main():
    results = []
    for name, args, demo in DEMOS:
        started = time.monotonic()
        with Pop3d("--generate", "bob:secret:5:4K", *args, binary=BINARY) as server:
            try:
                lines = demo(server.port)
                ok, why = True, ""
            except Exception as e:  # noqa: BLE001 - every failure goes into the table
                lines, ok, why = [], False, str(e)
        elapsed = time.monotonic() - started
        print(f"=== {name}  (maillab pop3d {' '.join(args) or '(no faults)'})")
        print("\n".join(lines))
        print()
        results.append((name, ok, elapsed, why))
    width = max(len(r[0]) for r in results)
    print(f"{'scenario':<{width}}  result  time")
    for name, ok, elapsed, why in results:
        print(f"{name:<{width}}  {'PASS' if ok else 'FAIL'}    {elapsed * 1000:5.0f} ms  {why}")
    failed = sum(1 for r in results if not r[1])
    print(f"\n{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
