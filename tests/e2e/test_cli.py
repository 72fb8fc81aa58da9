"""The command line as a person meets it: --version, a mistyped command, a port in use,
and exit codes documented in every command's --help."""
import os
import pathlib
import socket
import subprocess

import pytest

BIN = os.environ.get("MAILLAB_BIN", str(pathlib.Path(__file__).resolve().parents[2] / "build" / "maillab"))


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=30)


def test_version():
    r = run("--version")
    assert r.returncode == 0
    assert r.stdout.startswith("maillab ") and r.stdout.strip().split()[1][0].isdigit()


@pytest.mark.parametrize("typed,meant", [("scenari", "scenario"), ("smptd", "smtpd"), ("pop3", "pop3d"),
                                         ("conector", "connector")])
def test_a_mistyped_command_suggests_the_nearest(typed, meant):
    r = run(typed, "list")
    assert r.returncode == 2
    assert r.stderr == f"maillab: no command '{typed}'; did you mean '{meant}'?\n"


def test_a_word_far_from_every_command_gets_no_guess():
    r = run("frobnicate")
    assert r.returncode == 2
    assert "maillab --help lists them" in r.stderr


@pytest.mark.parametrize("command", ["pop3d", "smtpd"])
def test_a_port_in_use_is_named(command):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = run(command, "--listen", f"127.0.0.1:{port}")
    assert r.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in r.stderr


@pytest.mark.parametrize("command", [["pop3d"], ["smtpd"], ["connector"], ["scenario"], ["report"], ["crash-sweep"]])
def test_every_command_documents_its_exit_codes(command):
    r = run(*command, "--help")
    assert r.returncode == 0
    assert "Exit codes: 0 " in r.stdout and " 2 " in r.stdout.split("Exit codes:")[1]


def test_a_mailbox_flag_that_would_leave_the_store_is_refused(tmp_path):
    r = run("smtpd", "--listen", "127.0.0.1:0", "--store", str(tmp_path / "store"),
            "--mailbox", "../x@contoso.local")
    assert r.returncode == 2
    assert r.stderr == ("maillab smtpd: --mailbox '../x@contoso.local': cannot name a folder of the store: "
                        "it would leave its folder (it holds a '/' or '\\')\n")
    assert not (tmp_path / "x@contoso.local").exists()
