#!/usr/bin/env python3
"""The round trip of `maillab reproduce` over the whole scenario catalog: runs every
scenario under sbs2003 keeping the sandboxes, then reproduces each run's diagnostic log and
events.jsonl (the connector's own artefacts) into a scenario, replays it, and counts the
runs whose first retrieval cycle comes back line for line (times, hosts and message text
masked). A long sweep, not a CTest (tests/unit/reproduce_replay_test.cpp runs a handful).

  scripts/reproduce_catalog.py [--maillab build/maillab] [--keep DIR] [-v]"""
import argparse
import pathlib
import re
import subprocess
import tempfile


def reproduce(maillab, sandbox, out_dir, verbose):
    root = sandbox / "POP3"
    log, events = root / "pop3connector.log", root / "events.jsonl"
    if not log.exists():
        return "no log (logging None)", None
    args = [maillab, "reproduce", "--log", str(log), "--out", str(out_dir / "REPRO-x.yaml")]
    if events.exists():
        args += ["--events", str(events)]
    run = subprocess.run(args, capture_output=True, text=True)
    if run.returncode == 2:
        return "unreadable: " + run.stderr.strip().splitlines()[-1], None
    found = re.search(r"^(\d+) of (\d+) lines match$", run.stdout, re.M)
    if verbose and run.returncode != 0:
        print(run.stdout)
    if not found:
        return "no comparison: " + (run.stderr.strip() or run.stdout.strip()[-200:]), None
    first = next((l for l in run.stdout.splitlines() if re.match(r"^\s+\d+ ! ", l)), "")
    return f"{found[1]} of {found[2]} lines", first.strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--maillab", default=str(pathlib.Path(__file__).resolve().parents[1] / "build" / "maillab"))
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as work, tempfile.TemporaryDirectory() as out:
        subprocess.run([a.maillab, "scenario", "run", "--all", "--profile", "sbs2003", "--keep", "--work", work, "-j2"],
                       capture_output=True, check=False)
        sandboxes = sorted(pathlib.Path(work).iterdir())
        same = 0
        for sandbox in sandboxes:
            sid = re.sub(r"^maillab-(.*)-sbs2003-.{6}$", r"\1", sandbox.name)
            verdict, first_miss = reproduce(a.maillab, sandbox, pathlib.Path(out), a.verbose)
            m = re.match(r"(\d+) of (\d+) lines", verdict)
            ok = bool(m) and m[1] == m[2]
            same += ok
            print(f"{sid:28} {'round trip' if ok else 'MISS':10} {verdict}" + ("" if ok or not first_miss else f"  first difference: {first_miss}"))
        print(f"round trip: {same} of {len(sandboxes)} catalog scenarios (sbs2003, first retrieval cycle)")


if __name__ == "__main__":
    main()
