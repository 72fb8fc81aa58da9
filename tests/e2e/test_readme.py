"""The README's walkthrough ("A first run by hand"), run as printed: every command of its
shell blocks, from the repository's root, and what each prints compared with the `#`
lines under it. A command ending in `&` is a daemon: it is started, its lines are read as
it prints them (that is how the next command knows it listens), and `kill %1 %2` stops
the daemons. The repository's own files must be as they were afterwards."""
import hashlib
import os
import pathlib
import re
import signal
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SECTION = "## A first run by hand"


def blocks():
    text = (ROOT / "README.md").read_text()
    section = text[text.index(SECTION):]
    section = section[: section.index("\n## ", len(SECTION))]
    return re.findall(r"```sh\n(.*?)```", section, re.S)


def steps(block):
    """(command, expected stdout lines) pairs; continuation lines joined."""
    out, command = [], ""
    for line in block.splitlines():
        if line.startswith("# "):
            out[-1][1].append(line[2:])
        elif line.endswith("\\"):
            command += line[:-1]
        else:
            out.append((command + line, []))
            command = ""
    return out


def binary(command):
    # The README says build/maillab; the test runs whichever build CTest gives it.
    return command.replace("build/maillab", os.environ.get("MAILLAB_BIN", str(ROOT / "build" / "maillab")), 1)


def fixtures_digest():
    h = hashlib.sha256()
    for f in sorted((ROOT / "fixtures").rglob("*")):
        if f.is_file():
            h.update(f.relative_to(ROOT).as_posix().encode() + f.read_bytes())
    return h.hexdigest()


@pytest.mark.parametrize("index", range(len(blocks())))
def test_the_readme_walkthrough_prints_what_it_says(index):
    before = fixtures_digest()
    daemons = []
    try:
        for command, expected in steps(blocks()[index]):
            if command.startswith("kill %"):
                for d in daemons:
                    d.send_signal(signal.SIGTERM)
                    assert d.wait(timeout=30) == 0, command
                daemons.clear()
            elif command.endswith("&"):
                d = subprocess.Popen(["bash", "-c", "exec " + binary(command[:-1])], cwd=ROOT, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
                daemons.append(d)
                printed = [d.stdout.readline().rstrip("\n") for _ in expected]
                assert printed == expected, command
            else:
                run = subprocess.run(["bash", "-c", binary(command)], cwd=ROOT, text=True, capture_output=True,
                                     timeout=120)
                assert run.stdout.splitlines() == expected, (command, run.stderr)
    finally:
        for d in daemons:
            d.kill()
            d.wait()
    assert fixtures_digest() == before, "the walkthrough changed the repository's fixtures"
