"""Issue 12, item 4, reproduced as the issue wrote it: PickUp on another file system
(/dev/shm, a tmpfs, while the connector's root is under the test's temporary folder),
the connector SIGKILLed by strace at its Nth unlink or rename, then run again. The
pickup service takes what is in PickUp between the runs. Every message reaches PickUp
exactly once. Before the fix, a kill at the unlink of copy-then-unlink delivered twice."""
import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest

from maillab_tools.server import DEFAULT_BINARY, Pop3d

SHM = pathlib.Path("/dev/shm")
pytestmark = pytest.mark.skipif(shutil.which("strace") is None or not SHM.is_dir(), reason="needs strace and /dev/shm")


def run_killed_then_again(tmp_path, syscalls, when):
    if os.stat(tmp_path).st_dev == os.stat(SHM).st_dev:
        pytest.skip("the temporary folder is on /dev/shm's file system")
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "m.eml").write_bytes(b"From: a@fabrikam.com\r\nTo: bob@fabrikam.com\r\nSubject: m\r\n"
                                 b"Message-ID: <1@cross.maillab>\r\n\r\nhello\r\n")
    with tempfile.TemporaryDirectory(dir=SHM) as shm, Pop3d("--mailbox", f"bob:secret:{drop}", "--in-place") as pop3:
        pickup = pathlib.Path(shm) / "PickUp"
        taken = pathlib.Path(shm) / "taken"
        pickup.mkdir()
        taken.mkdir()
        args = [str(DEFAULT_BINARY), "connector", "--pop3", f"127.0.0.1:{pop3.port}", "--user", "bob", "--password",
                "secret", "--deliver-to", "bob@contoso.local", "--root", str(tmp_path / "root"), "--pickup",
                str(pickup), "--once"]
        subprocess.run(["strace", "-f", "-o", "/dev/null", "-e", f"inject={syscalls}:signal=KILL:when={when}", *args],
                       capture_output=True, timeout=60)
        for f in pickup.glob("*.eml"):  # the pickup service takes what it finds
            f.rename(taken / f.name)
        subprocess.run(args, capture_output=True, timeout=60)
        delivered = list(taken.glob("*.eml")) + list(pickup.glob("*.eml"))
        incoming = [p for p in (tmp_path / "root" / "Incoming Mail").iterdir() if not p.name.startswith(".")]
        return len(delivered), incoming, list(drop.iterdir())


@pytest.mark.parametrize("syscalls,when", [("unlink,unlinkat", 1), ("unlink,unlinkat", 2)] +
                         [("rename,renameat,renameat2", n) for n in range(1, 7)])
def test_a_kill_during_the_hand_over_to_pickup_on_another_file_system_delivers_once(tmp_path, syscalls, when):
    delivered, incoming, on_server = run_killed_then_again(tmp_path, syscalls, when)
    assert (delivered, incoming, on_server) == (1, [], [])
