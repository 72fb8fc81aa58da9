#!/usr/bin/env python3
"""Runs the scenario catalog (keeping the sandboxes) and reads each run's events.jsonl and
diagnostic log with `maillab doctor --events --log`, the way a customer's artefacts are
read: does the doctor name the scenario's documented cause from them alone? A long sweep,
not a CTest. Until the runner runs the doctor at the symptom (docs/doctor.md, "Planned"),
this reads the artefacts of the whole run (symptom, remedy and healthy cycle).

  scripts/doctor_catalog.py [--maillab build/maillab] [--profile sbs2003|robust]"""
import argparse
import json
import pathlib
import re
import subprocess
import tempfile

HEALTHY = {"CHECK-client", "CHECK-logging", "CHECK-stage", "CHECK-leave-on-server", "EX-verbs-loaded"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--maillab", default=str(pathlib.Path(__file__).resolve().parents[1] / "build" / "maillab"))
    ap.add_argument("--profile", default="sbs2003", choices=["sbs2003", "robust"])
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as work:
        subprocess.run([a.maillab, "scenario", "run", "--all", "--profile", a.profile, "--keep", "--work", work, "-j2"],
                       capture_output=True, check=False)
        named = healthy = other = 0
        for sandbox in sorted(pathlib.Path(work).iterdir()):
            sid = re.sub(rf"^maillab-(.*)-{a.profile}-.{{6}}$", r"\1", sandbox.name)
            root = sandbox / "POP3"
            out = subprocess.run([a.maillab, "doctor", "--json", "--events", root / "events.jsonl", "--log",
                                  root / "pop3connector.log"], capture_output=True, text=True)
            causes = json.loads(out.stdout)["causes"] if out.stdout else ["(no report)"]
            expected = re.sub(r"-(de|ja)$", "", sid)
            if sid in HEALTHY:
                verdict = "healthy, as expected" if not causes else "FALSE FINDING"
                healthy += not causes
            elif expected in causes:
                verdict = "named"
                named += 1
            else:
                verdict = "not named from the artefacts"
                other += 1
            print(f"{sid:28} {','.join(causes) or '-':50} {verdict}")
        print(f"doctor over the artefacts ({a.profile}): {named} named, {healthy} healthy as expected, {other} not named")


if __name__ == "__main__":
    main()
