#!/usr/bin/env python3
"""maillab pop3d beside Debian's dovecot POP3 server, driven by the same client
(bench/pop3_load) over loopback, with the same messages in each, and beside raw loopback
TCP (pop3_load --raw: one thread writing 1 MB buffers to another), the ceiling of a RETR,
and, for RETR of 4 KB in one session, beside the floor (pop3_load --floor: a process of its
own that only answers with canned replies, polling its socket or sleeping in recv), the
ceiling of a lockstep session.

The machine is shared, so one run proves little: each case is measured --rounds times,
the sides taking turns in a rotating order, with `sync` before every measurement. Prints
per case the median and spread (min-max) of each side and the goals' ratios (medians):
maillab at least 2x dovecot in every case, and RETR 1 MB in one session at least 50% of
raw loopback. Then the resident memory of 1,000 idle sessions.

Usage: bench/pop3_vs_dovecot.py [--seconds S] [--rounds N] [--build DIR]
"""
import argparse
import json
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
sys.path.insert(0, str(ROOT / "python"))
from maillab_tools.peers import Dovecot as _Dovecot, free_port, wait_greeting  # noqa: E402

USERS = 1000  # enough accounts for the idle test; the throughput rows use the first 50
PASSWORD = "secret"


def synthetic(index, size):
    head = (f"From: sender{index}@fabrikam.com\r\nTo: bench@contoso.local\r\nSubject: bench {index}\r\n"
            f"Message-ID: <{index}.{size}@bench.maillab>\r\n\r\n")
    line = "The quick brown fox jumps over the lazy dog 0123456789 abcdefghijklmnop\r\n"
    body = (line * (size // len(line) + 1))[: size - len(head) - 2] + "\r\n"
    return (head + body).encode()


def rss_kb(pids):
    total = 0
    for pid in pids:
        try:
            for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total


def process_tree(root):
    """root and every descendant, from /proc."""
    children = {}
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def wait_banner(port, proc=None, timeout=30):
    wait_greeting(port, b"+OK", proc, timeout)


class Dovecot(_Dovecot):
    def __init__(self, work, port, maildirs):
        super().__init__(work, maildirs, [f"user{i}" for i in range(1, USERS + 1)], PASSWORD, port)

    def pids(self):
        return process_tree(self.master_pid())


def load(build, port, sessions, messages, seconds):
    out = subprocess.run([str(build / "bench" / "pop3_load"), "--port", str(port), "--sessions", str(sessions),
                          "--messages", str(messages), "--seconds", str(seconds)],
                         capture_output=True, text=True, timeout=seconds * 10 + 60)
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    return json.loads(out.stdout)


def idle_memory(build, port, count, pids_of):
    """(resident KB before, resident KB with `count` idle sessions open)."""
    before = rss_kb(pids_of())
    driver = subprocess.Popen([str(build / "bench" / "pop3_load"), "--port", str(port), "--idle", str(count)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = driver.stdout.readline()
    if not line.startswith("{"):
        driver.kill()
        raise RuntimeError("idle driver failed")
    kb = rss_kb(pids_of())
    driver.stdin.close()
    driver.wait(timeout=60)
    return before, kb


def measure_rounds(sides, rounds):
    """{side: [figures]}, the sides taking turns, the first one rotating each round."""
    got = {name: [] for name in sides}
    names = list(sides)
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            subprocess.run(["sync"], check=True)
            got[name].append(sides[name]())
    return got


def spread(values):
    return f"{statistics.median(values):>9.1f} ({min(values):.1f}-{max(values):.1f})"


def build_maildrops(work, cases):
    """One directory of messages per size; each user's maildrop (and dovecot maildir)
    hard-links them. Returns (maildrops, maildirs)."""
    maildrops = work / "maildrops"
    maildirs = work / "maildirs"
    for label, size, count in cases:
        src = work / f"src-{size}"
        src.mkdir()
        for i in range(1, count + 1):
            (src / f"{i:04d}.eml").write_bytes(synthetic(i, size))
    for u in range(1, USERS + 1):
        for label, size, count in cases:
            d = maildrops / f"{size}" / f"user{u}"
            cur = maildirs / f"{size}" / f"user{u}" / "cur"
            d.mkdir(parents=True)
            cur.mkdir(parents=True)
            (cur.parent / "new").mkdir()
            (cur.parent / "tmp").mkdir()
            if u > 50:
                continue  # idle-only accounts stay empty
            for i in range(1, count + 1):
                f = work / f"src-{size}" / f"{i:04d}.eml"
                os.link(f, d / f.name)
                os.link(f, cur / f"{1600000000 + i}.M{i}P1.bench,S={size}:2,S")
    subprocess.run(["chown", "-R", "dovenull:dovenull", str(maildirs)], check=True)
    return maildrops, maildirs


class Floor:
    """pop3_load --floor: a process that only answers, with canned replies (--spin: polling
    its socket instead of sleeping in recv). The same sessions against it give the ceiling
    of one lockstep session on this machine, whatever the server does."""
    def __init__(self, build, size, spin):
        self.proc = subprocess.Popen([str(build / "bench" / "pop3_load"), "--floor", str(size)] + (["--spin"] if spin else []),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.port = json.loads(self.proc.stdout.readline())["port"]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def raw_loopback(build, size, seconds):
    out = subprocess.run([str(build / "bench" / "pop3_load"), "--raw", str(size), "--seconds", str(seconds)],
                         capture_output=True, text=True, timeout=seconds * 10 + 60, check=True)
    return json.loads(out.stdout)


def run_size(args, build, work, maildrops, maildirs, case, rows):
    """Measures one message size; returns the idle memory figures for the 4 KB one."""
    label, size, count = case
    dport, mport = free_port(), free_port()
    flags = []
    for u in range(1, USERS + 1):
        flags += ["--mailbox", f"user{u}:{PASSWORD}:{maildrops / str(size) / f'user{u}'}"]
    maillab = subprocess.Popen([str(build / "maillab"), "pop3d", "--listen", f"127.0.0.1:{mport}",
                                "--threads", str(args.threads), *flags], stdout=subprocess.PIPE, text=True)
    maillab.stdout.readline()
    idle = None
    try:
        with Dovecot(work / f"dovecot-{size}", dport, maildirs / str(size)) as dovecot, \
                Floor(build, size, spin=True) as spinning, Floor(build, size, spin=False) as sleeping:
            for sessions in (1, 50):
                # warm-up: dovecot builds its indexes, both fill caches
                load(build, mport, sessions, count, 1)
                load(build, dport, sessions, count, 1)
                sides = {"maillab": lambda: load(build, mport, sessions, count, args.seconds)["mb_per_second"],
                         "dovecot": lambda: load(build, dport, sessions, count, args.seconds)["mb_per_second"]}
                if size == 1 << 20 and sessions == 1:
                    sides["raw loopback"] = lambda: raw_loopback(build, size, args.seconds)["mb_per_second"]
                if size == 4096 and sessions == 1:
                    sides["floor, polling"] = lambda: load(build, spinning.port, 1, count, args.seconds)["mb_per_second"]
                    sides["floor, sleeping"] = lambda: load(build, sleeping.port, 1, count, args.seconds)["mb_per_second"]
                name = f"RETR {label}, {sessions} session{'s' if sessions > 1 else ''}"
                rows.append((name, size, measure_rounds(sides, args.rounds)))
            if size == 4096:
                idle = (idle_memory(build, mport, 1000, lambda: [maillab.pid]),
                        idle_memory(build, dport, 1000, dovecot.pids))
    finally:
        maillab.terminate()
        maillab.wait(timeout=30)
    return idle


def report(rows, rounds):
    print(f"{rounds} rounds per case, sides in rotation, sync before each; median (min-max)\n")
    print(f"{'case':<26} {'side':<15} {'msg/s':>26} {'MB/s':>26}")
    for name, size, got in rows:
        for side, mbs in got.items():
            msgs = [v * 1e6 / size for v in mbs]
            print(f"{name:<26} {side:<15} {spread(msgs):>26} {spread(mbs):>26}")
    print("\ngoals (ratios of medians):")
    for name, size, got in rows:
        ratio = statistics.median(got["maillab"]) / statistics.median(got["dovecot"])
        print(f"  {name:<26} maillab / dovecot      {ratio:5.2f}x  (goal >= 2x: {'met' if ratio >= 2 else 'NOT met'})")
        if "raw loopback" in got:
            share = statistics.median(got["maillab"]) / statistics.median(got["raw loopback"])
            print(f"  {name:<26} maillab / raw loopback {share:5.0%}   (goal >= 50%: "
                  f"{'met' if share >= 0.5 else 'NOT met'})")
        if "floor, polling" in got:
            top = statistics.median(got["floor, polling"])
            print(f"  {name:<26} maillab / floor        {statistics.median(got['maillab']) / top:5.0%}   "
                  f"(polling floor / dovecot {top / statistics.median(got['dovecot']):.2f}x: the most any server "
                  f"gets here; sleeping floor / dovecot "
                  f"{statistics.median(got['floor, sleeping']) / statistics.median(got['dovecot']):.2f}x)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--threads", type=int, default=1, help="maillab pop3d I/O threads (its default: 1)")
    args = ap.parse_args()
    if args.rounds < 5:
        sys.exit("--rounds: at least 5 (the machine is shared; medians of fewer say little)")
    build = pathlib.Path(args.build)
    if not shutil.which("dovecot"):
        sys.exit("dovecot is not installed (apt-get install dovecot-pop3d)")

    work = pathlib.Path(tempfile.mkdtemp(prefix="maillab-bench-"))
    os.chmod(work, 0o755)  # dovenull must traverse it
    try:
        cases = [("4 KB", 4096, 200), ("1 MB", 1 << 20, 4)]
        maildrops, maildirs = build_maildrops(work, cases)
        rows = []
        idle = None
        for case in cases:
            idle = run_size(args, build, work, maildrops, maildirs, case, rows) or idle
        report(rows, args.rounds)
        idle_m, idle_d = idle
        print(f"\n1,000 idle sessions, resident memory of the whole server (before -> with the sessions):")
        print(f"  maillab pop3d  {idle_m[0] / 1024:6.1f} MB -> {idle_m[1] / 1024:6.1f} MB   ({USERS} maildrops loaded; "
              f"goal <= 64 MB)")
        print(f"  dovecot        {idle_d[0] / 1024:6.1f} MB -> {idle_d[1] / 1024:6.1f} MB   (all its processes)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
