#!/usr/bin/env python3
"""Issue 12, deliverable 3: how often a SIGKILL at a random moment makes the connector
deliver a message twice over SMTP (RFC 1047's window: the server has taken the message
with its 250 to the final dot, the connector has not yet recorded it).

The method of tests/e2e/test_connector.py's crash test (_crash_run), repeated: a round
puts MESSAGES messages on `maillab pop3d` (each RETR answered after DELAY ms, so a cycle
lasts long enough to be cut anywhere), starts `BINARY connector --once` with SMTP
delivery to `maillab smtpd` again and again, each run SIGKILLed after a random 5-80 ms
(a run that ends first is not a kill), then lets cycles finish until the POP3 mailbox
is empty and counts the Message-IDs in the store: extra copies = stored - distinct,
lost = sent - distinct. Several binaries are measured round by round in rotation, each
against the same servers (--servers) with the same random kill times, so that a busy
neighbour slows all of them alike.

Usage: bench/smtp_kill_window.py --binary build/maillab --binary /work/baseline/maillab
           [--kills 1000] [--round-kills 50] [--messages 200] [--delay 2] [--seed 12]
"""
import argparse
import email
import pathlib
import random
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))

from maillab_tools.server import Pop3d, Smtpd  # noqa: E402


def message(i):
    head = (f"From: sender{i}@fabrikam.com\r\nTo: bob@fabrikam.com\r\nSubject: test {i}\r\n"
            f"Message-ID: <{i}@bench.maillab>\r\n\r\n")
    return (head + f"line {i} of a short body\r\n" * 10).encode()


def one_round(binary, servers, args, kill_times):
    """Kills, then recovery; returns (kills landed, extra copies, lost)."""
    with tempfile.TemporaryDirectory(prefix="maillab-killbench-") as tmp:
        tmp = pathlib.Path(tmp)
        drop = tmp / "drop"
        drop.mkdir()
        for i in range(args.messages):
            (drop / f"{i:05}.eml").write_bytes(message(i))
        with Pop3d("--mailbox", f"bob:secret:{drop}", "--in-place", "--fault", f"delay,on=RETR,ms={args.delay}",
                   binary=servers) as pop3, \
                Smtpd("--store", tmp / "store", "--mailbox", "bob@contoso.local", binary=servers) as smtp:
            config = tmp / "connector.yaml"
            config.write_text(f"root: {tmp / 'root'}\nbatch: 8\ndelivery:\n  smtp: 127.0.0.1:{smtp.port}\n"
                              f"mailboxes:\n  - pop3: 127.0.0.1:{pop3.port}\n    user: bob\n    password: secret\n"
                              "    deliver_to: bob@contoso.local\n")
            command = [str(binary), "connector", "--config", str(config), "--once"]
            landed = 0
            for wait in kill_times:
                proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                try:
                    proc.wait(timeout=wait)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    landed += 1
                proc.wait()
            for _ in range(5):
                subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
                if not any(drop.iterdir()):
                    break
            files = list((tmp / "store" / "bob@contoso.local").rglob("*.eml"))
            ids = [email.message_from_bytes(p.read_bytes())["Message-ID"] for p in files]
    return landed, len(ids) - len(set(ids)), args.messages - len(set(ids))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--binary", action="append", required=True, help="a maillab binary whose connector is measured")
    p.add_argument("--servers", help="the maillab binary running pop3d and smtpd (default: the first --binary)")
    p.add_argument("--kills", type=int, default=1000, help="kill attempts per binary")
    p.add_argument("--round-kills", type=int, default=50, help="kill attempts per round (fresh mailbox)")
    p.add_argument("--messages", type=int, default=200, help="messages per round")
    p.add_argument("--delay", type=int, default=2, help="ms before each RETR reply")
    p.add_argument("--seed", type=int, default=12)
    args = p.parse_args()
    servers = pathlib.Path(args.servers or args.binary[0])
    rng = random.Random(args.seed)
    totals = {b: [0, 0, 0] for b in args.binary}
    rounds = max(1, args.kills // args.round_kills)
    for r in range(rounds):
        kill_times = [rng.uniform(0.005, 0.08) for _ in range(args.round_kills)]
        for binary in args.binary:
            landed, extra, lost = one_round(pathlib.Path(binary), servers, args, kill_times)
            t = totals[binary]
            t[0] += landed
            t[1] += extra
            t[2] += lost
            print(f"round {r + 1}/{rounds} {binary}: {landed} kills landed, {extra} extra copies, {lost} lost",
                  flush=True)
    print(f"\n{'binary':<40} {'kills':>6} {'extra copies':>13} {'per 1,000 kills':>16} {'lost':>5}")
    for binary, (landed, extra, lost) in totals.items():
        per = 1000.0 * extra / landed if landed else 0.0
        print(f"{binary:<40} {landed:>6} {extra:>13} {per:>16.1f} {lost:>5}")


if __name__ == "__main__":
    main()
