#!/usr/bin/env python3
"""maillab pop3d with TLS beside Debian's dovecot with TLS, driven by the same POP3S
client (bench/pop3s_load) over loopback, with the same messages and the same certificate
and key (an ECDSA P-256 leaf from a CA made for the run; TLS 1.3 with what the client
prefers, the same for both), so the servers are what differ.

Cases: RETR of 4 KB and of 1 MB messages with 1 and with 50 sessions (each session a new
connection with a full handshake, then RETR 1..N, QUIT), and handshakes per second with
1 and with 50 clients (connect, handshake, greeting, QUIT). The machine is shared, so
each case is measured --rounds times (at least 5), the sides taking turns in a rotating
order, with `sync` before every measurement; it prints per case the median and spread
(min-max) of each side and the ratio of the medians (goal: maillab at least 1.0x).

Usage: bench/tls_vs_dovecot.py [--seconds S] [--rounds N] [--build DIR] [--threads T]
"""
import argparse
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "bench"))
from maillab_tools.peers import free_port, wait_greeting  # noqa: E402
from maillab_tools.tls_peers import TlsDovecot, make_certificates  # noqa: E402
from pop3_vs_dovecot import measure_rounds, synthetic  # noqa: E402

USERS = 50
PASSWORD = "secret"


def build_maildrops(work, cases):
    """Per size, one directory of messages hard-linked into each user's maildrop (maillab)
    and maildir (dovecot)."""
    maildrops, maildirs = work / "maildrops", work / "maildirs"
    for size, count in cases:
        src = work / f"src-{size}"
        src.mkdir()
        for i in range(1, count + 1):
            (src / f"{i:04d}.eml").write_bytes(synthetic(i, size))
        for u in range(1, USERS + 1):
            d = maildrops / str(size) / f"user{u}"
            cur = maildirs / str(size) / f"user{u}" / "cur"
            d.mkdir(parents=True)
            cur.mkdir(parents=True)
            (cur.parent / "new").mkdir()
            (cur.parent / "tmp").mkdir()
            for i in range(1, count + 1):
                f = src / f"{i:04d}.eml"
                os.link(f, d / f.name)
                os.link(f, cur / f"{1600000000 + i}.M{i}P1.bench,S={size}:2,S")
    subprocess.run(["chown", "-R", "dovenull:dovenull", str(maildirs)], check=True)
    return maildrops, maildirs


def load(build, port, sessions, messages, seconds, handshakes=False):
    cmd = [str(build / "bench" / "pop3s_load"), "--port", str(port), "--sessions", str(sessions),
           "--messages", str(messages), "--seconds", str(seconds)] + (["--handshakes"] if handshakes else [])
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds * 10 + 60)
    if out.returncode != 0:
        raise RuntimeError(f"{cmd}: {out.stderr}")
    return json.loads(out.stdout)


class MaillabPop3s:
    def __init__(self, build, maildrops, cert, key, threads):
        self.port = free_port()
        flags = []
        for u in range(1, USERS + 1):
            flags += ["--mailbox", f"user{u}:{PASSWORD}:{maildrops / f'user{u}'}"]
        self.cmd = [str(build / "maillab"), "pop3d", "--listen", f"127.0.0.1:{self.port}", "--threads", str(threads),
                    "--tls", "implicit", "--cert", str(cert), "--key", str(key), *flags]

    def __enter__(self):
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("maillab pop3d did not start: " + self.proc.stderr.read())
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=30)


def run_size(args, build, work, certs, maildrops, maildirs, size, count, label, rows):
    ca, cert, key = certs
    with MaillabPop3s(build, maildrops / str(size), cert, key, args.threads) as maillab, \
            TlsDovecot(work / f"dovecot-{size}", maildirs / str(size), [f"user{u}" for u in range(1, USERS + 1)],
                       cert, key, PASSWORD) as dovecot:
        ports = {"maillab": maillab.port, "dovecot": dovecot.pop3s_port}
        for sessions in (1, 50):
            for port in ports.values():
                load(build, port, sessions, count, 1)  # warm-up: dovecot's indexes, the caches
            sides = {name: (lambda p=port: load(build, p, sessions, count, args.seconds)["mb_per_second"])
                     for name, port in ports.items()}
            rows.append((f"RETR {label}, {sessions} session{'s' if sessions > 1 else ''}", "MB/s",
                         measure_rounds(sides, args.rounds)))
        if size == 4096:
            for clients in (1, 50):
                sides = {name: (lambda p=port: load(build, p, clients, 1, args.seconds, True)["handshakes_per_second"])
                         for name, port in ports.items()}
                rows.append((f"handshakes, {clients} client{'s' if clients > 1 else ''}", "hs/s",
                             measure_rounds(sides, args.rounds)))


def spread(values):
    return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"


def report(rows, rounds):
    print(f"{rounds} rounds per case, sides in rotation, sync before each; median (min-max)\n")
    print(f"{'case':<24} {'unit':<5} {'maillab pop3d':>28} {'dovecot':>28} {'ratio':>7}")
    for name, unit, got in rows:
        ratio = statistics.median(got["maillab"]) / statistics.median(got["dovecot"])
        print(f"{name:<24} {unit:<5} {spread(got['maillab']):>28} {spread(got['dovecot']):>28} {ratio:6.2f}x"
              f"  goal >= 1.0x: {'met' if ratio >= 1.0 else 'NOT met'}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--threads", type=int, default=2, help="maillab pop3d I/O threads")
    args = ap.parse_args()
    if args.rounds < 5:
        sys.exit("--rounds: at least 5 (the machine is shared; medians of fewer say little)")
    build = pathlib.Path(args.build)
    if not (build / "bench" / "pop3s_load").exists():
        sys.exit(f"{build}/bench/pop3s_load is missing: configure with -DMAILLAB_BENCH=ON (scripts/bench_tls.sh does)")
    if not shutil.which("dovecot"):
        sys.exit("dovecot is not installed (apt-get install dovecot-pop3d)")
    work = pathlib.Path(tempfile.mkdtemp(prefix="maillab-bench-tls-"))
    os.chmod(work, 0o755)  # dovenull must traverse it
    try:
        certs = make_certificates(work / "certs")
        cases = [(4096, 200, "4 KB"), (1 << 20, 4, "1 MB")]
        maildrops, maildirs = build_maildrops(work, [(s, c) for s, c, _ in cases])
        rows = []
        for size, count, label in cases:
            run_size(args, build, work, certs, maildrops, maildirs, size, count, label, rows)
        report(rows, args.rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
