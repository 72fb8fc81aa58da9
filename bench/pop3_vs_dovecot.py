#!/usr/bin/env python3
"""maillab pop3d beside Debian's dovecot POP3 server, driven by the same client
(bench/pop3_load) over loopback, with the same messages in each. Prints one row per
case: both figures and their ratio, then the resident memory of 1,000 idle sessions.

Usage: bench/pop3_vs_dovecot.py [--seconds S] [--build DIR]
"""
import argparse
import json
import os
import pathlib
import shutil
import socket
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--threads", type=int, default=2, help="maillab pop3d I/O threads")
    args = ap.parse_args()
    build = pathlib.Path(args.build)
    if not shutil.which("dovecot"):
        sys.exit("dovecot is not installed (apt-get install dovecot-pop3d)")

    work = pathlib.Path(tempfile.mkdtemp(prefix="maillab-bench-"))
    os.chmod(work, 0o755)  # dovenull must traverse it
    try:
        cases = [("4 KB", 4096, 200), ("1 MB", 1 << 20, 4)]
        # One directory of messages per size; each user's maildrop hard-links them.
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
        rows = []
        for label, size, count in cases:
            dport, mport = free_port(), free_port()
            flags = []
            for u in range(1, USERS + 1):
                flags += ["--mailbox", f"user{u}:{PASSWORD}:{maildrops / str(size) / f'user{u}'}"]
            maillab = subprocess.Popen([str(build / "maillab"), "pop3d", "--listen", f"127.0.0.1:{mport}",
                                        "--threads", str(args.threads), *flags], stdout=subprocess.PIPE, text=True)
            maillab.stdout.readline()
            try:
                with Dovecot(work / f"dovecot-{size}", dport, maildirs / str(size)) as dovecot:
                    for sessions in (1, 50):
                        # warm-up: dovecot builds its indexes, both fill caches
                        load(build, mport, sessions, count, 1)
                        load(build, dport, sessions, count, 1)
                        m = load(build, mport, sessions, count, args.seconds)
                        d = load(build, dport, sessions, count, args.seconds)
                        rows.append((f"RETR {label}, {sessions} session{'s' if sessions > 1 else ''}", m, d))
                    if size == 4096:
                        idle_m = idle_memory(build, mport, 1000, lambda: [maillab.pid])
                        idle_d = idle_memory(build, dport, 1000, dovecot.pids)
            finally:
                maillab.terminate()
                maillab.wait(timeout=30)
        print(f"{'case':<28} {'maillab msg/s':>14} {'dovecot msg/s':>14} {'maillab MB/s':>13} "
              f"{'dovecot MB/s':>13} {'ratio':>7}")
        for name, m, d in rows:
            ratio = m["messages_per_second"] / d["messages_per_second"] if d["messages_per_second"] else float("inf")
            print(f"{name:<28} {m['messages_per_second']:>14.0f} {d['messages_per_second']:>14.0f} "
                  f"{m['mb_per_second']:>13.1f} {d['mb_per_second']:>13.1f} {ratio:>6.2f}x")
        print(f"\n1,000 idle sessions, resident memory of the whole server (before -> with the sessions):")
        print(f"  maillab pop3d  {idle_m[0] / 1024:6.1f} MB -> {idle_m[1] / 1024:6.1f} MB   ({USERS} maildrops loaded; "
              f"goal <= 64 MB)")
        print(f"  dovecot        {idle_d[0] / 1024:6.1f} MB -> {idle_d[1] / 1024:6.1f} MB   (all its processes)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
