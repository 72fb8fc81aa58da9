#!/usr/bin/env python3
"""maillab smtpd beside Postfix's smtp-sink, driven by the same smtp-source runs over
loopback: 20 sessions x 20,000 messages of 4 KB, and one session. Prints messages per
second of each and the ratio, then the resident memory of 1,000 open sessions.

maillab stores every message (tmp file + rename into STORE/<address>/Inbox); smtp-sink
throws them away. Use --store-on-tmpfs to keep the disk out of the comparison.

Usage: bench/smtp_vs_smtp_sink.py [--messages N] [--build DIR]
"""
import argparse
import pathlib
import shutil
import socket
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
        s = socket.create_connection(("127.0.0.1", port))
        s.recv(512)
        s.sendall(b"EHLO bench\r\n")
        socks.append(s)
    for s in socks:
        buf = b""
        while not buf.endswith(b"250 OK\r\n") and b"\r\n250 " not in buf:
            buf += s.recv(4096)
    return socks


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=20000)
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--threads", type=int, default=1, help="maillab smtpd I/O threads (1 is fastest on 2 cores)")
    ap.add_argument("--store-on-tmpfs", action="store_true", help="put maillab's store in /dev/shm")
    args = ap.parse_args()
    if not shutil.which("smtp-sink"):
        sys.exit("smtp-sink is not installed (apt-get install postfix)")
    base = "/dev/shm" if args.store_on_tmpfs else None
    work = pathlib.Path(tempfile.mkdtemp(prefix="maillab-smtp-bench-", dir=base))
    rows = []
    try:
        mport, sport = free_port(), free_port()
        maillab = subprocess.Popen([str(pathlib.Path(args.build) / "maillab"), "smtpd", "--listen",
                                    f"127.0.0.1:{mport}", "--store", str(work / "store"), "--mailbox",
                                    "bob@contoso.local", "--threads", str(args.threads), "--max-sessions", "5000"],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        maillab.stdout.readline()
        sink = subprocess.Popen(["smtp-sink", "-u", "nobody", "-c", f"127.0.0.1:{sport}", "5000"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_greeting(sport)
            for sessions, messages in ((20, args.messages), (1, args.messages // 4)):
                source(mport, sessions, 200)  # warm-up
                source(sport, sessions, 200)
                m = source(mport, sessions, messages)
                s = source(sport, sessions, messages)
                rows.append((f"{sessions} session{'s' if sessions > 1 else ''} x {messages} x 4 KB", m, s))
            before_m, before_s = rss_kb(maillab.pid), rss_kb(sink.pid)
            held = hold_sessions(mport, 1000)
            held += hold_sessions(sport, 1000)
            after_m, after_s = rss_kb(maillab.pid), rss_kb(sink.pid)
            for s in held:
                s.close()
        finally:
            maillab.terminate()
            sink.terminate()
            maillab.wait(timeout=60)
            sink.wait(timeout=60)
        print(f"{'case':<34} {'maillab msg/s':>14} {'smtp-sink msg/s':>16} {'ratio':>7}")
        for name, m, s in rows:
            print(f"{name:<34} {m:>14.0f} {s:>16.0f} {m / s:>6.2f}x")
        print("\n1,000 open sessions (after EHLO), resident memory (before -> with the sessions):")
        print(f"  maillab smtpd {before_m / 1024:6.1f} MB -> {after_m / 1024:6.1f} MB   (goal <= 64 MB)")
        print(f"  smtp-sink     {before_s / 1024:6.1f} MB -> {after_s / 1024:6.1f} MB")
        print(f"\nmaillab stored every message ({'tmpfs' if base else 'disk'}); smtp-sink discards them.")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
