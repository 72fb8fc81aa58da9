"""The catalog over many CI machines: shards run as separate processes cover the
selection exactly once, `maillab report merge` joins them into what one unsharded run
gives, and the JUnit is what strict readers (ElementTree, xmllint with a schema) accept."""
import json
import os
import pathlib
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

BIN = os.environ.get("MAILLAB_BIN", str(pathlib.Path(__file__).resolve().parents[2] / "build" / "maillab"))
SCHEMA = pathlib.Path(__file__).with_name("schemas") / "junit.xsd"


def maillab(*args, env=None, check=True):
    return subprocess.run([BIN, *args], capture_output=True, text=True, check=check, timeout=300,
                          env={**os.environ, **(env or {})})


def listed(*args, env=None):
    return [line.split()[0] for line in maillab("scenario", "list", *args, env=env).stdout.splitlines()]


def verdicts(path):
    """Each run's id, profile, verdict and checks: what must not depend on sharding."""
    return [(r["id"], r["profile"], r["passed"], [(c["what"], c["passed"]) for c in r["checks"]])
            for r in json.loads(pathlib.Path(path).read_text())]


def test_shards_listed_by_separate_processes_cover_the_catalog_once():
    everything = listed()
    parts = [listed("--shard", f"{i}/4") for i in range(1, 5)]
    joined = [s for p in parts for s in p]
    assert sorted(joined) == sorted(everything)
    assert len(joined) == len(set(joined)), "a scenario in two shards"
    env_parts = [listed(env={"CI_NODE_INDEX": str(i), "CI_NODE_TOTAL": "4"}) for i in range(1, 5)]
    assert env_parts == parts, "CI_NODE_INDEX/CI_NODE_TOTAL split as --shard does"


def test_merged_shards_equal_the_unsharded_run_and_junit_is_valid(tmp_path):
    whole = tmp_path / "whole.json"
    maillab("scenario", "run", "--all", "--jobs", "2", "--json", str(whole), "--junit", str(tmp_path / "whole.xml"))
    shards = []
    for i in range(1, 5):
        out = tmp_path / f"shard{i}.json"
        maillab("scenario", "run", "--all", "--shard", f"{i}/4", "--json", str(out))
        shards.append(str(out))
    merged = maillab("report", "merge", *shards, "--json", str(tmp_path / "merged.json"),
                     "--junit", str(tmp_path / "merged.xml"))
    assert verdicts(tmp_path / "merged.json") == verdicts(whole)
    # Shards that kept only their JUnit merge too, to the same verdicts.
    xml_shards = []
    for i in range(1, 5):
        out = tmp_path / f"shard{i}.xml"
        maillab("scenario", "run", "--all", "--shard", f"{i}/4", "--junit", str(out))
        xml_shards.append(str(out))
    maillab("report", "merge", *xml_shards, "--json", str(tmp_path / "merged-xml.json"))
    assert [v[:3] for v in verdicts(tmp_path / "merged-xml.json")] == [v[:3] for v in verdicts(whole)]
    assert "failed" in merged.stdout.splitlines()[-1]
    for xml in (tmp_path / "whole.xml", tmp_path / "merged.xml"):
        root = ET.parse(xml).getroot()
        assert root.tag == "testsuites"
        suite = root.find("testsuite")
        assert int(suite.get("tests")) == len(verdicts(whole)) == len(suite.findall("testcase"))
        assert suite.get("timestamp")
        if shutil.which("xmllint"):
            subprocess.run(["xmllint", "--noout", "--schema", str(SCHEMA), str(xml)], check=True,
                           capture_output=True)


def test_overlapping_shards_are_refused(tmp_path):
    out = tmp_path / "one.json"
    maillab("scenario", "run", "DL-banner", "--profile", "robust", "--json", str(out))
    r = maillab("report", "merge", str(out), str(out), check=False)
    assert r.returncode == 2
    assert "shards overlap" in r.stderr


def test_a_failure_quoting_an_8bit_line_still_gives_valid_junit(tmp_path):
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    shutil.copytree(pathlib.Path(__file__).resolve().parents[2] / "fixtures", tmp_path / "fixtures")
    # TOP 1 1 sends the headers, the blank line and the first body line, which is 8-bit.
    (scenarios / "EIGHT-bit.yaml").write_text(
        "id: EIGHT-bit\ntitle: a telnet check that quotes an 8-bit line\nprofiles: [robust]\n"
        "pop3:\n  accounts:\n    - user: bob\n      messages: [{fixture: messages/003-8bit.eml}]\n"
        "steps:\n  - telnet:\n      to: pop3\n      session: |\n"
        "        +OK*\n        > user bob\n        +OK\n        > pass secret\n        +OK*\n"
        "        > top 1 1\n        +OK*\n" + "        *\n" * 9 + "        not the body line\n")
    xml = tmp_path / "out.xml"
    r = subprocess.run([BIN, "scenario", "--scenarios", str(scenarios), "run", "--all", "--junit", str(xml),
                        "--html", str(tmp_path / "html")], capture_output=True, timeout=120)
    assert r.returncode == 1, r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace")
    root = ET.parse(xml).getroot()
    assert root.find("testsuite/testcase/failure") is not None or root.find("testsuite/testcase/error") is not None
    # The failed run's page is linked (after the failure, where the schema puts system-out) and written.
    page = root.find("testsuite/testcase/properties/property[@name='html']").get("value")
    assert root.find("testsuite/testcase/system-out").text == f"[[ATTACHMENT|{page}]]"
    assert "FAILED" in pathlib.Path(page).read_text()
    if shutil.which("xmllint"):
        subprocess.run(["xmllint", "--noout", "--schema", str(SCHEMA), str(xml)], check=True, capture_output=True)
