#!/usr/bin/env python3
"""The connector beside fetchmail and mpop on the same servers, in one run.

1. 2,000 messages of 4 KB in Debian's dovecot, delivered to Postfix's smtp-sink: the
   connector (robust: download, durable store, SMTP delivery) and fetchmail; then mpop
   downloading the same mailbox into a maildir (download only). Messages per second of
   each and the ratios (goals of issue 11: at least 100x fetchmail, 2x mpop).
2. Seed 004's slowdown: 2,000 messages the SMTP side refuses (552, larger than its size
   limit) piled up on the POP3 server plus 20 new ones. The cycle time of each profile with
   the pile, against the cycle of the 20 new ones alone (goal: robust at most 1.5x).

Each side runs `--rounds` times in rotation on a fresh mailbox, with a sync before every
run; medians are printed with their spread.

Usage: bench/connector_vs_fetchmail.py [--messages N] [--pile N] [--rounds R] [--build DIR]
"""
import argparse
import os
import pathlib
import shutil
import statistics
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


def spread(values):
    return f"{statistics.median(values):9.2f} ({min(values):.2f}-{max(values):.2f})"


def run_connector(build, work, messages, sink):
    write_maildir(work / "m1" / "bob", messages)
    with Dovecot(work / "d1", work / "m1", ["bob"]) as dc:
        cfg = connector_config(work / "c.yaml", work / "root", dc.port, sink.port)
        os.sync()
        took, _ = timed([str(build / "maillab"), "connector", "--config", str(cfg), "--once"])
        return took, len(maildir_messages(work / "m1" / "bob"))


def run_fetchmail(work, messages, sink):
    write_maildir(work / "m2" / "bob", messages)
    with Dovecot(work / "d2", work / "m2", ["bob"]) as dc:
        rc = work / "fetchmailrc"
        rc.write_text(f"set no syslog\npoll 127.0.0.1 service {dc.port} protocol pop3 "
                      f"user bob password secret is bob here smtphost 127.0.0.1/{sink.port} "
                      "smtpaddress contoso.local sslproto '' no keep fetchall\n")
        rc.chmod(0o600)
        os.sync()
        took, _ = timed(["fetchmail", "--nodetach", "-f", str(rc), "-i", str(work / "fetchids")],
                        env={**os.environ, "HOME": str(work)})
        return took, len(maildir_messages(work / "m2" / "bob"))


def run_mpop(work, messages):
    write_maildir(work / "m3" / "bob", messages)
    with Dovecot(work / "d3", work / "m3", ["bob"]) as dc:
        out = work / "mpop-maildir"
        for sub in ("new", "cur", "tmp"):
            (out / sub).mkdir(parents=True, exist_ok=True)
        os.sync()
        took, _ = timed(["mpop", "--host=127.0.0.1", f"--port={dc.port}", "--tls=off", "--auth=user",
                         "--user=bob", "--passwordeval=echo secret", f"--delivery=maildir,{out}",
                         "--keep=off", f"--uidls-file={work / 'mpop-uidls'}", "-q"],
                        env={**os.environ, "HOME": str(work)})
        return took, len(maildir_messages(work / "m3" / "bob"))


def throughput(build, work, count, rounds):
    """Seconds per client, `rounds` rounds in rotation, each on a fresh mailbox."""
    messages = [synthetic(i, 4096) for i in range(count)]
    took = {"maillab connector (pipeline)": [], "fetchmail (pipeline)": [], "mpop (download only)": []}
    left = {name: 0 for name in took}
    with SmtpSink() as sink:
        for r in range(rounds):
            runs = (("maillab connector (pipeline)", lambda w: run_connector(build, w, messages, sink)),
                    ("fetchmail (pipeline)", lambda w: run_fetchmail(w, messages, sink)),
                    ("mpop (download only)", lambda w: run_mpop(w, messages)))
            for name, run in runs:
                w = work / f"r{r}-{name.split()[0]}"
                w.mkdir(parents=True)
                seconds, n = run(w)
                took[name].append(seconds)
                left[name] = max(left[name], n)
                print(f"  round {r + 1}: {name:<30} {count / seconds:9.1f} msg/s", file=sys.stderr, flush=True)
                shutil.rmtree(w, ignore_errors=True)
    return took, left


def slowdown_once(build, w, pile, profile, leave, new=20):
    drop = w / "drop"
    drop.mkdir(parents=True)
    if pile:
        big = synthetic(0, 12000)
        for i in range(pile):
            (drop / f"a{i:05}.eml").write_bytes(big.replace(b"<0.", f"<p{i}.".encode(), 1))
    # --in-place: the connector's DELEs take the files out of `drop`, and new mail written
    # there between cycles is seen.
    with Pop3d("--in-place", "--mailbox", f"bob:secret:{drop}") as pop3, \
            Smtpd("--store", w / "store", "--mailbox", "bob@contoso.local", "--fault", "too-large:8192") as smtp:
        cfg = connector_config(w / "c.yaml", w / "root", pop3.port, smtp.port, profile, leave)
        if pile:  # the pile is refused once before the measured cycle
            timed([str(build / "maillab"), "connector", "--config", str(cfg), "--once"])
        for i in range(new):
            (drop / f"z{i:05}.eml").write_bytes(synthetic(100000 + i, 4096))
        os.sync()
        took, _ = timed([str(build / "maillab"), "connector", "--config", str(cfg), "--once"])
    return took


PROFILES = (("sbs2003", "sbs2003", False), ("robust", "robust", False),
            ("robust (leave on server)", "robust", True))


def slowdown(build, work, pile, rounds):
    """Cycle seconds of 20 new messages alone and on top of `pile` refused ones, per profile,
    `rounds` rounds in rotation."""
    results = {}
    for r in range(rounds):
        for label, profile, leave in PROFILES:
            for with_pile in (False, True):
                w = work / f"r{r}-{profile}-{leave}-{with_pile}"
                took = slowdown_once(build, w, pile if with_pile else 0, profile, leave)
                results.setdefault((label, with_pile), []).append(took)
                shutil.rmtree(w, ignore_errors=True)
        print(f"  slowdown round {r + 1} done", file=sys.stderr, flush=True)
    return results


def report_throughput(count, rounds, took, left):
    rate = {name: [count / t for t in ts] for name, ts in took.items()}
    print(f"\n{count} messages of 4 KB, dovecot -> smtp-sink (mpop: -> maildir); median of {rounds} rounds "
          "in rotation (lowest-highest)")
    print(f"{'client':<32} {'msg/s':>24} {'left on server':>15}")
    for name, rs in rate.items():
        print(f"{name:<32} {spread(rs):>24} {left[name]:15}")
    med = {name: statistics.median(rs) for name, rs in rate.items()}
    conn = med["maillab connector (pipeline)"]
    for peer, goal in (("fetchmail (pipeline)", 100), ("mpop (download only)", 2)):
        ratio = conn / med[peer]
        print(f"connector / {peer}: {ratio:.2f}x   (goal: at least {goal}x: {'met' if ratio >= goal else 'NOT met'})")


def report_slowdown(pile, rounds, res):
    print(f"\nseed 004's slowdown: {pile} refused messages piled up + 20 new (maillab pop3d -> smtpd too-large); "
          f"cycle milliseconds, median of {rounds} rounds (lowest-highest)")
    print(f"{'profile':<28} {'20 new alone':>22} {'with the pile':>22} {'ratio':>7}")
    for label, _, _ in PROFILES:
        alone, piled = res[(label, False)], res[(label, True)]
        ratio = statistics.median(piled) / statistics.median(alone)
        goal = "" if label == "sbs2003" else f"   (goal: at most 1.5x: {'met' if ratio <= 1.5 else 'NOT met'})"
        ms = lambda values: spread([v * 1000 for v in values])
        print(f"{label:<28} {ms(alone):>22} {ms(piled):>22} {ratio:6.2f}x{goal}")
    print("sbs2003 grows with the pile: it fetches every refused message again (seed 004)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--pile", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--build", default=str(ROOT / "build"))
    args = ap.parse_args()
    build = pathlib.Path(args.build)
    for tool in ("dovecot", "fetchmail", "mpop"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed (scripts/setup.sh installs it)")
    with tempfile.TemporaryDirectory(prefix="maillab-bench-") as tmp:
        work = pathlib.Path(tmp)
        os.chmod(work, 0o755)
        took, left = throughput(build, work / "tp", args.messages, args.rounds)
        res = slowdown(build, work / "sd", args.pile, args.rounds)
    report_throughput(args.messages, args.rounds, took, left)
    report_slowdown(args.pile, args.rounds, res)


if __name__ == "__main__":
    main()
