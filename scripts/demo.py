#!/usr/bin/env python3
"""The main job until the scenario catalog exists: the seeds' telnet sessions against
`maillab pop3d` and `maillab smtpd`, and each documented fault of both, with a summary
table. Every run checks where the mail ended up."""
import pathlib
import socket
import tempfile
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "python"))
from maillab_tools import replies  # noqa: E402
from maillab_tools.server import Pop3d, Smtpd  # noqa: E402

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

    def smtp(self, text):
        """An SMTP command; returns every line of its (possibly multi-line) reply."""
        self.lines.append("> " + text)
        self.sock.sendall(text.encode() + b"\r\n")
        out = [self.read_line()]
        while out[-1] is not None and out[-1][3:4] == "-":
            out.append(self.read_line())
        return out


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


SEED_002_EXAMPLE_1 = ["TURN", "ATRN", "SIZE 5242880", "ETRN", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES",
                      "8bitmime", "BINARYMIME", "CHUNKING", "VRFY", "X-EXPS GSSAPI NTLM", "AUTH GSSAPI NTLM",
                      "X-EXPS=LOGIN", "X-LINK2STATE", "XEXCH50", "OK"]
SEED_002_EXAMPLE_2 = [v for v in SEED_002_EXAMPLE_1 if not v.startswith("X")]
SMTP = replies.SMTP


def ehlo_verbs(store, port):
    t = connect(port, "mail1.example.com")
    t.read_line()
    lines = t.smtp("ehlo mail1.example.com")
    t.smtp("quit")
    return t, [line[4:] for line in lines[1:]]


def ehlo_loaded(store, port):
    t, verbs = ehlo_verbs(store, port)
    expect(verbs, SEED_002_EXAMPLE_1, "EHLO verbs (seed 002 example 1)")
    return t.lines


def ehlo_missing(store, port):
    t, verbs = ehlo_verbs(store, port)
    expect(verbs, SEED_002_EXAMPLE_2, "EHLO verbs (seed 002 example 2)")
    return t.lines


def submit(port, sender="", rcpt="bob@contoso.local", body="Subject: demo\r\n\r\nhello\r\n", ehlo=True):
    """The transaction of seed 004's log; returns the telnet record and the final reply."""
    t = connect(port, "mail1.example.com")
    t.read_line()
    t.smtp("EHLO sbs.contoso.local") if ehlo else None
    mail = t.smtp(f"MAIL FROM: <{sender}> RET=FULL")[-1]
    if not mail.startswith("250"):
        t.smtp("QUIT")
        return t, mail
    rcpt_reply = t.smtp(f"RCPT TO: <{rcpt}> NOTIFY=FAILURE")[-1]
    if not rcpt_reply.startswith("250"):
        t.smtp("QUIT")
        return t, rcpt_reply
    expect(t.smtp("DATA")[-1], SMTP["StartMailInput"], "DATA")
    t.lines.append("> (message) .")
    t.sock.sendall(body.encode() + b".\r\n")
    final = t.read_line()
    t.smtp("QUIT")
    return t, final


def stored(store, folder):
    d = pathlib.Path(store) / folder
    return sorted(p.name for p in d.iterdir()) if d.exists() else []


def delivered(store, port):
    t, final = submit(port)
    expect(final.startswith("250 2.6.0"), True, "queued")
    expect(len(stored(store, "bob@contoso.local/Inbox")), 1, "files in bob's Inbox")
    return t.lines


def sender_denied(store, port):
    t, final = submit(port)
    expect(final, SMTP["SenderDenied"], "after the final dot")
    expect(stored(store, "bob@contoso.local/Inbox"), [], "nothing stored")
    return t.lines


def too_large(store, port):
    t, final = submit(port, body="Subject: big\r\n\r\n" + "x" * 120 + "\r\n")
    expect(final, SMTP["TooLarge"], "after the final dot")
    return t.lines


def anonymous_disabled(store, port):
    t, final = submit(port)
    expect(final, SMTP["NotAuthenticated"], "MAIL without AUTH")
    return t.lines


def recipient_policy(store, port):
    t, final = submit(port)
    expect(final, SMTP["UnableToRelay"] + " for bob@contoso.local", "RCPT")
    return t.lines


def forwarding(store, port):
    t, final = submit(port)
    expect(final.startswith("250"), True, "queued")
    expect(len(stored(store, ".forwarded/bob@fabrikam.com")), 1, "forwarded copies")
    expect(stored(store, "bob@contoso.local/Inbox"), [], "kept in the mailbox")
    t.lines.append("  (stored: .forwarded/bob@fabrikam.com, nothing in bob's Inbox)")
    return t.lines


def client_rule(store, port):
    t, final = submit(port)
    expect(len(stored(store, "bob@contoso.local/Junk E-mail")), 1, "files in Junk E-mail")
    expect(stored(store, "bob@contoso.local/Inbox"), [], "files in Inbox")
    t.lines.append("  (stored: bob@contoso.local/Junk E-mail)")
    return t.lines


def quota(store, port):
    t, final = submit(port, sender="alice@fabrikam.com")
    expect(final.startswith("250"), True, "accepted, then refused by the store")
    expect(stored(store, "bob@contoso.local/Inbox"), [], "bob's Inbox")
    expect(len(stored(store, "administrator@contoso.local/Inbox")), 1, "NDR to the administrator")
    t.lines.append("  (stored: an NDR, status 5.2.2, in administrator@contoso.local/Inbox)")
    return t.lines


SMTP_DEMOS = [
    ("EX-verbs-loaded", [], ehlo_loaded),
    ("EX-verbs-missing", ["--fault", "exchange-verbs-missing"], ehlo_missing),
    ("seed 004 transaction, delivered", [], delivered),
    ("SD-sender-denied", ["--fault", "sender-denied"], sender_denied),
    ("SD-too-large", ["--fault", "too-large:100"], too_large),
    ("SMTP-anonymous-disabled", ["--fault", "anonymous-disabled"], anonymous_disabled),
    ("SMTP-recipient-policy", ["--fault", "unknown-domain"], recipient_policy),
    ("SMTP-forwarding", ["--fault", "forwarding:bob@contoso.local:bob@fabrikam.com"], forwarding),
    ("SMTP-client-rules", ["--fault", "client-rule:bob@contoso.local:Junk E-mail"], client_rule),
    ("SMTP-quota", ["--fault", "mailbox-full:bob@contoso.local"], quota),
]

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


def connector_demo(profile, smtp_faults, check):
    """pop3d (5 messages) -> maillab connector --once -> smtpd, twice; `check` reads the root."""
    def demo():
        with tempfile.TemporaryDirectory() as work:
            work = pathlib.Path(work)
            with Pop3d("--generate", "bob:secret:5:4K", binary=BINARY) as pop3, \
                    Smtpd("--store", work / "store", "--mailbox", "bob@contoso.local", "--mailbox",
                          "administrator@contoso.local", *smtp_faults, binary=BINARY) as smtp:
                lines = []
                for n in (1, 2):
                    out = subprocess.run([str(BINARY), "connector", "--pop3", f"127.0.0.1:{pop3.port}", "--user", "bob",
                                          "--password", "secret", "--deliver-to", "bob@contoso.local", "--smtp",
                                          f"127.0.0.1:{smtp.port}", "--root", str(work / "root"), "--profile", profile,
                                          "--admin", "administrator@contoso.local", "--logging", "Maximum", "--once"],
                                         capture_output=True, text=True, timeout=60)
                    lines.append(f"> maillab connector --profile {profile} --once   (cycle {n}, exit {out.returncode})")
                    lines += ["  " + ln for ln in out.stdout.splitlines() if ln.startswith("cycle")]
                lines += check(work)
                return lines
    return demo


def log_block(work):
    log = (work / "root" / "pop3connector.log").read_text().splitlines()
    start = next(i for i, ln in enumerate(log) if "Failure hrResult" in ln)
    return ["  " + ln for ln in log[start - 1:start + 10]]


def events_of(work):
    import json
    return [json.loads(ln) for ln in (work / "root" / "events.jsonl").read_text().splitlines()]


def sbs_sender_denied(work):
    lines = log_block(work)
    expect(any("(0x800ccc6f)" in ln for ln in lines), True, "seed 004's hrResult")
    ids = sorted({e["id"] for e in events_of(work)})
    lines.append(f"  (events: {ids}; the 5 messages stay on the POP3 server and are fetched again next run)")
    return lines


def robust_sender_denied(work):
    failed = list((work / "root" / "Failed Mail").iterdir())
    expect(len(failed), 5, "messages in Failed Mail")
    e = [e for e in events_of(work) if e["id"] == 1052]
    return [f"  Failed Mail: {len(failed)} files; event 1052: {e[0]['description'][:90]}...",
            "  (the second cycle downloads nothing: the POP3 mailbox was emptied)"]


def robust_delivered(work):
    inbox = list((work / "store" / "bob@contoso.local").rglob("*.eml"))
    expect(len(inbox), 5, "messages in bob's mailbox")
    return [f"  bob@contoso.local: {len(inbox)} messages, each once"]


def anonymous_event(work):
    e = [e for e in events_of(work) if e["id"] == 12052]
    expect(bool(e), True, "event 12052")
    return [f"  event {e[0]['id']} ({e[0]['category']}, {e[0]['type']}): {e[0]['description']}",
            "  (robust: the 5 messages wait in Incoming Mail until anonymous access is back)"]


CONNECTOR_DEMOS = [
    ("connector: POP3 -> Incoming Mail -> SMTP", "robust", [], robust_delivered),
    ("SD-sender-denied (connector, sbs2003)", "sbs2003", ["--fault", "sender-denied"], sbs_sender_denied),
    ("SD-sender-denied (connector, robust)", "robust", ["--fault", "sender-denied"], robust_sender_denied),
    ("SMTP-anonymous-disabled (connector)", "robust", ["--fault", "anonymous-disabled"], anonymous_event),
]


class _NoServer:
    port = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def run(name, command, args, server, demo, results):
    started = time.monotonic()
    with server:
        try:
            lines = demo(server.port)
            ok, why = True, ""
        except Exception as e:  # noqa: BLE001 - every failure goes into the table
            lines, ok, why = [], False, str(e)
    elapsed = time.monotonic() - started
    print(f"=== {name}  (maillab {command} {' '.join(args) or '(no faults)'})")
    print("\n".join(lines))
    print()
    results.append((name, ok, elapsed, why))


def main():
    results = []
    for name, args, demo in DEMOS:
        run(name, "pop3d", args, Pop3d("--generate", "bob:secret:5:4K", *args, binary=BINARY), demo, results)
    for name, args, demo in SMTP_DEMOS:
        with tempfile.TemporaryDirectory() as store:
            server = Smtpd("--store", store, "--mailbox", "bob@contoso.local", "--mailbox",
                           "administrator@contoso.local", "--admin", "administrator@contoso.local", *args,
                           binary=BINARY)
            run(name, "smtpd", args, server, lambda port, d=demo, s=store: d(s, port), results)
    for name, profile, faults, check in CONNECTOR_DEMOS:
        d = connector_demo(profile, faults, check)
        run(name, "connector", ["--profile", profile, *faults], _NoServer(), lambda port, d=d: d(), results)
    width = max(len(r[0]) for r in results)
    print(f"{'scenario':<{width}}  result  time")
    for name, ok, elapsed, why in results:
        print(f"{name:<{width}}  {'PASS' if ok else 'FAIL'}    {elapsed * 1000:5.0f} ms  {why}")
    failed = sum(1 for r in results if not r[1])
    print(f"\n{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
