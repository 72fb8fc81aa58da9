#!/usr/bin/env python3
"""maillab smtpd beside Postfix's smtp-sink, driven by the same smtp-source runs over
loopback: 20 sessions x 20,000 messages of 4 KB, and one session. smtp-source opens a
connection per message (greeting, HELO, MAIL, RCPT, DATA, QUIT), so this is a
connection-rate benchmark as much as a message-rate one.

Four servers, each measured `--rounds` times in rotation (the median is printed, and the
spread), so that a disk or a neighbour that slows down for a while hits all of them; the
page cache is flushed (sync) before every run, so no run pays for the writes of another:

  maillab memory     no --store: keeps the messages in memory (the smtp-sink use)
  maillab            stores every message as a file in STORE/bob@contoso.local/Inbox (disk)
  maillab tmpfs      the same with the store in /dev/shm: the disk out of the picture
  smtp-sink          throws every message away (the issue's reference)
  smtp-sink -d       writes every message to a file of its own on the same disk

Issue 11's goals, printed with the ratios: maillab memory at least 1.1x smtp-sink in
both cases, maillab (disk) at least 1.2x smtp-sink -d.

Then the resident memory of 1,000 open sessions of maillab and smtp-sink (-m 2000: its
default limit of 256 sessions would queue the rest in the kernel).

Usage: bench/smtp_vs_smtp_sink.py [--messages N] [--rounds R] [--threads T] [--build DIR]
"""
import argparse
import os
import pathlib
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_greeting(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                if s.recv(512).startswith(b"220"):
                    return
        except OSError:
            pass
        time.sleep(0.05)  # polling a port that is not open yet, outside any test
    raise RuntimeError(f"no SMTP greeting on port {port}")


def rss_kb(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def source(port, sessions, messages):
    start = time.monotonic()
    run = subprocess.run(["smtp-source", "-s", str(sessions), "-m", str(messages), "-l", "4096", "-f",
                          "alice@fabrikam.com", "-t", "bob@contoso.local", f"127.0.0.1:{port}"],
                         capture_output=True, text=True, timeout=3600)
    elapsed = time.monotonic() - start
    if run.returncode != 0:
        raise RuntimeError(run.stderr)
    return messages / elapsed


def hold_sessions(port, count):
    socks = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        s.recv(512)
        s.sendall(b"EHLO bench\r\n")
        socks.append(s)
    for s in socks:
        buf = b""
        while not buf.startswith(b"250 ") and b"\r\n250 " not in buf:
            buf += s.recv(4096)
    return socks


class Server:
    def __init__(self, name, argv, port):
        self.name, self.port, self.rates = name, port, {}
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_greeting(port)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=60)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--threads", type=int, default=1, help="maillab smtpd I/O threads (1 is fastest on 2 cores)")
    args = ap.parse_args()
    if not shutil.which("smtp-sink"):
        sys.exit("smtp-sink is not installed (apt-get install postfix)")
    disk = pathlib.Path(tempfile.mkdtemp(prefix="maillab-smtp-bench-"))
    shm = pathlib.Path(tempfile.mkdtemp(prefix="maillab-smtp-bench-", dir="/dev/shm"))
    disk.chmod(0o755)  # smtp-sink runs as nobody
    (disk / "dump").mkdir()
    (disk / "dump").chmod(0o777)
    maillab = str(pathlib.Path(args.build) / "maillab")
    servers = []
    try:
        for name, store in (("maillab memory", None), ("maillab", disk), ("maillab tmpfs", shm)):
            port = free_port()
            where = [] if store is None else ["--store", str(store / "store")]
            servers.append(Server(name, [maillab, "smtpd", "--listen", f"127.0.0.1:{port}", *where,
                                         "--mailbox", "bob@contoso.local", "--threads",
                                         str(args.threads), "--max-sessions", "5000"], port))
        for name, extra in (("smtp-sink", []), ("smtp-sink -d", ["-d", str(disk / "dump" / "%H/%M.")])):
            port = free_port()
            servers.append(Server(name, ["smtp-sink", "-u", "nobody", "-m", "2000", *extra,
                                         f"127.0.0.1:{port}", "5000"], port))
        cases = ((20, args.messages), (1, args.messages // 4))
        for sessions, messages in cases:
            for s in servers:
                source(s.port, sessions, 200)  # warm-up
            for r in range(args.rounds):
                for s in servers:
                    # What the runs before wrote is flushed first, or its writeback would
                    # be charged to whichever server runs next.
                    os.sync()
                    rate = source(s.port, sessions, messages)
                    s.rates.setdefault(sessions, []).append(rate)
                    print(f"  {sessions:>2} session(s) round {r + 1}: {s.name:<14} {rate:8.0f} msg/s",
                          file=sys.stderr, flush=True)
        mail, sink = servers[1], servers[3]
        before_m, before_s = rss_kb(mail.proc.pid), rss_kb(sink.proc.pid)
        held = hold_sessions(mail.port, 1000)
        held += hold_sessions(sink.port, 1000)
        after_m, after_s = rss_kb(mail.proc.pid), rss_kb(sink.proc.pid)
        for s in held:
            s.close()
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(disk, ignore_errors=True)
        shutil.rmtree(shm, ignore_errors=True)

    def median(s, sessions):
        return statistics.median(s.rates[sessions])

    print(f"\nmessages/s, median of {args.rounds} rounds in rotation (lowest-highest):")
    print(f"{'case':<30}" + "".join(f"{s.name:>22}" for s in servers))
    for sessions, messages in cases:
        name = f"{sessions} session{'s' if sessions > 1 else ''} x {messages} x 4 KB"
        cells = [f"{median(s, sessions):7.0f} ({min(s.rates[sessions]):5.0f}-{max(s.rates[sessions]):5.0f})"
                 for s in servers]
        print(f"{name:<30}" + "".join(f"{c:>22}" for c in cells))
    print("\nratios of the medians:")
    by = {s.name: s for s in servers}
    def verdict(ratio, goal):
        return f"{ratio:5.2f}x (goal {goal}x: {'met' if ratio >= goal else 'NOT met'})"

    for sessions, _ in cases:
        mem, m, t, k, d = (median(by[n], sessions)
                           for n in ("maillab memory", "maillab", "maillab tmpfs", "smtp-sink", "smtp-sink -d"))
        print(f"  {sessions:>2} session(s): maillab memory / smtp-sink {verdict(mem / k, 1.1)}   "
              f"maillab / smtp-sink -d (both storing on disk) {verdict(m / d, 1.2)}   "
              f"maillab / smtp-sink {m / k:5.2f}x   maillab tmpfs / smtp-sink {t / k:5.2f}x")
    print("\n1,000 open sessions (after EHLO), resident memory (before -> with the sessions):")
    print(f"  maillab smtpd {before_m / 1024:6.1f} MB -> {after_m / 1024:6.1f} MB   (goal <= 64 MB)")
    print(f"  smtp-sink     {before_s / 1024:6.1f} MB -> {after_s / 1024:6.1f} MB")


if __name__ == "__main__":
    main()
