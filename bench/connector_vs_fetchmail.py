#!/usr/bin/env python3
"""The connector beside fetchmail and mpop on the same servers, in one run.

1. 2,000 messages of 4 KB in Debian's dovecot, delivered to Postfix's smtp-sink: the
   connector (robust: download, durable store, SMTP delivery) and fetchmail; then mpop
   downloading the same mailbox into a maildir (download only). Messages per second of
   each and the ratios.
2. Seed 004's slowdown: 2,000 messages the SMTP side refuses (552, larger than its size
   limit) piled up on the POP3 server plus 20 new ones. The cycle time of each profile with
   the pile, against the cycle of the 20 new ones alone.

Usage: bench/connector_vs_fetchmail.py [--messages N] [--pile N] [--build DIR]
"""
import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
from maillab_tools.peers import Dovecot, SmtpSink, maildir_messages, write_maildir  # noqa: E402
from maillab_tools.server import Pop3d, Smtpd  # noqa: E402


def synthetic(i, size):
    head = (f"From: sender{i}@fabrikam.com\r\nTo: bob@fabrikam.com\r\nSubject: bench {i}\r\n"
            f"Message-ID: <{i}.{size}@bench.maillab>\r\n\r\n")
    line = "The quick brown fox jumps over the lazy dog 0123456789 abcdefghijklmnop\r\n"
    return (head + (line * (size // len(line) + 1))[: size - len(head) - 2] + "\r\n").encode()


def timed(cmd, **kw):
    start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    took = time.monotonic() - start
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{cmd[0]} failed ({proc.returncode}): {proc.stdout} {proc.stderr}")
    return took, proc


def connector_config(path, root, pop3_port, smtp_port, profile="robust", leave=False):
    path.write_text(f"profile: {profile}\nroot: {root}\nlogging: Minimum\nleave_on_server: {str(leave).lower()}\n"
                    f"delivery:\n  smtp: 127.0.0.1:{smtp_port}\nmailboxes:\n"
                    f"  - pop3: 127.0.0.1:{pop3_port}\n    user: bob\n    password: secret\n"
                    "    deliver_to: bob@contoso.local\n")
    return path


def throughput(build, work, count):
    messages = [synthetic(i, 4096) for i in range(count)]
    rows = []
    with SmtpSink() as sink:
        # the connector
        write_maildir(work / "m1" / "bob", messages)
        with Dovecot(work / "d1", work / "m1", ["bob"]) as dc:
            cfg = connector_config(work / "c.yaml", work / "root", dc.port, sink.port)
            took, proc = timed([str(build / "maillab"), "connector", "--config", str(cfg), "--once"])
            left = len(maildir_messages(work / "m1" / "bob"))
            rows.append(("maillab connector (pipeline)", count / took, took, proc.stdout.strip(), left))
        # fetchmail
        write_maildir(work / "m2" / "bob", messages)
        with Dovecot(work / "d2", work / "m2", ["bob"]) as dc:
            rc = work / "fetchmailrc"
            rc.write_text(f"set no syslog\npoll 127.0.0.1 service {dc.port} protocol pop3 "
                          f"user bob password secret is bob here smtphost 127.0.0.1/{sink.port} "
                          "smtpaddress contoso.local sslproto '' no keep fetchall\n")
            rc.chmod(0o600)
            took, proc = timed(["fetchmail", "--nodetach", "-f", str(rc), "-i", str(work / "fetchids")],
                               env={**os.environ, "HOME": str(work)})
            left = len(maildir_messages(work / "m2" / "bob"))
            rows.append(("fetchmail (pipeline)", count / took, took, "", left))
    # mpop: download only
    write_maildir(work / "m3" / "bob", messages)
    with Dovecot(work / "d3", work / "m3", ["bob"]) as dc:
        out = work / "mpop-maildir"
        for sub in ("new", "cur", "tmp"):
            (out / sub).mkdir(parents=True, exist_ok=True)
        took, proc = timed(["mpop", "--host=127.0.0.1", f"--port={dc.port}", "--tls=off", "--auth=user",
                            "--user=bob", "--passwordeval=echo secret", f"--delivery=maildir,{out}",
                            "--keep=off", f"--uidls-file={work / 'mpop-uidls'}", "-q"],
                           env={**os.environ, "HOME": str(work)})
        left = len(maildir_messages(work / "m3" / "bob"))
        rows.append(("mpop (download only)", count / took, took, "", left))
    return rows


def slowdown(build, work, pile, new=20):
    """Cycle seconds: 20 new alone, and 20 new on top of `pile` refused ones, per profile."""
    results = {}
    for profile, leave in (("sbs2003", False), ("robust", False), ("robust", True)):
        label = profile + (" (leave on server)" if leave else "")
        for with_pile in (False, True):
            w = work / f"{label.replace(' ', '_')}-{with_pile}"
            drop = w / "drop"
            drop.mkdir(parents=True)
            if with_pile:
                big = synthetic(0, 12000)
                for i in range(pile):
                    (drop / f"a{i:05}.eml").write_bytes(big.replace(b"<0.", f"<p{i}.".encode(), 1))
            with Pop3d("--mailbox", f"bob:secret:{drop}") as pop3, \
                    Smtpd("--store", w / "store", "--mailbox", "bob@contoso.local", "--fault", "too-large:8192") as smtp:
                cfg = connector_config(w / "c.yaml", w / "root", pop3.port, smtp.port, profile, leave)
                first = None
                if with_pile:  # the pile is refused once before the measured cycle
                    first, _ = timed([str(build / "maillab"), "connector", "--config", str(cfg), "--once"])
                for i in range(new):
                    (drop / f"z{i:05}.eml").write_bytes(synthetic(100000 + i, 4096))
                took, proc = timed([str(build / "maillab"), "connector", "--config", str(cfg), "--once"])
            results[(label, with_pile)] = (took, first, proc.stdout.strip().splitlines()[0])
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--pile", type=int, default=2000)
    ap.add_argument("--build", default=str(ROOT / "build"))
    args = ap.parse_args()
    build = pathlib.Path(args.build)
    for tool in ("dovecot", "fetchmail", "mpop"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed (scripts/setup.sh installs it)")
    with tempfile.TemporaryDirectory(prefix="maillab-bench-") as tmp:
        work = pathlib.Path(tmp)
        os.chmod(work, 0o755)
        rows = throughput(build, work / "tp", args.messages)
        print(f"\n{args.messages} messages of 4 KB, dovecot -> smtp-sink (mpop: -> maildir)")
        print(f"{'client':<32} {'msg/s':>9} {'seconds':>8} {'left on server':>15}")
        for name, rate, took, _, left in rows:
            print(f"{name:<32} {rate:9.1f} {took:8.2f} {left:15}")
        conn, fetch, mpop = rows[0][1], rows[1][1], rows[2][1]
        print(f"connector / fetchmail: {conn / fetch:.1f}x   (goal: at least 50x)")
        print(f"connector pipeline / mpop download: {conn / mpop:.2f}x   (goal: at least 1.0x)")
        res = slowdown(build, work / "sd", args.pile)
        print(f"\nseed 004's slowdown: {args.pile} refused messages piled up + 20 new (maillab pop3d -> smtpd too-large)")
        print(f"{'profile':<28} {'20 new alone s':>15} {'with pile s':>12} {'ratio':>7}   first cycle with pile")
        for label in ("sbs2003", "robust", "robust (leave on server)"):
            alone, pile_cycle = res[(label, False)][0], res[(label, True)]
            first = f"{pile_cycle[1]:.2f} s" if pile_cycle[1] is not None else ""
            print(f"{label:<28} {alone:15.3f} {pile_cycle[0]:12.3f} {pile_cycle[0] / alone:6.1f}x   {first}")
        print("goal: robust at most 2x; sbs2003 grows with the pile")


if __name__ == "__main__":
    main()
