"""maillab reproduce end to end: seed 004's log (fixtures/customer/seed004.log, quoted from
the seed) to a scenario whose sbs2003 log matches the seed line for line and whose robust
run shows the fix; hand-written logs and the seeds' event blocks; a log it cannot read."""
import pathlib
import subprocess

from maillab_tools.server import DEFAULT_BINARY

ROOT = pathlib.Path(__file__).resolve().parents[2]
CUSTOMER = ROOT / "fixtures" / "customer"


def reproduce(*args):
    return subprocess.run([str(DEFAULT_BINARY), "reproduce", *map(str, args)], capture_output=True, text=True,
                          timeout=120)


def stamped(*lines):
    return "".join(f"[t 0] 07/29/20, 15:49:30: {line}\n" for line in lines)


def test_seed_004_matches_and_robust_fixes_it(tmp_path):
    out = tmp_path / "seed004.yaml"
    run = reproduce("--log", CUSTOMER / "seed004.log", "--out", out, "--work", tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    scenario = out.read_text()
    assert "id: seed004\n" in scenario
    assert '"reply,on=.,text=554 5.1.0 Sender denied"' in scenario
    assert "- generate: {count: 6, size: 4096}" in scenario
    assert "41 of 41 lines match" in run.stdout
    assert "    16 = (SMTP) [RX] 554 5.1.0 Sender denied\n" in run.stdout
    # sbs2003 refuses and keeps fetching; robust sets the six aside with event 1052 each.
    assert "sbs2003: Retrieval cycle completed: 6 downloaded, 0 delivered, 0 failed, 0 left." in run.stdout
    assert "robust: Retrieval cycle completed: 6 downloaded, 0 delivered, 6 failed, 0 left." in run.stdout
    assert "1052 x6" in run.stdout
    assert "problem: SD-sender-denied" in run.stdout
    # The written scenario runs as any other.
    again = subprocess.run([str(DEFAULT_BINARY), "scenario", "--scenarios", tmp_path, "run", "seed004"],
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stdout + again.stderr


def test_without_out_the_scenario_goes_to_stdout(tmp_path):
    log = tmp_path / "customer.log"
    log.write_text(stamped("Retrieval cycle started.", "Connecting to mail-host.fabrikam.com:110 for user alice.",
                           "logon: -ERR Logon failure: Unknown user name or bad password.",
                           "Retrieval cycle completed: 0 downloaded, 0 delivered, 0 failed, 0 left."))
    run = reproduce("--log", log, "--work", tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("# Written by `maillab reproduce` from customer.log")
    assert "id: REPRO-customer\n" in run.stdout and "logging: Medium\n" in run.stdout
    assert '"reply,on=PASS,text=-ERR Logon failure: Unknown user name or bad password."' in run.stdout
    assert "4 of 4 lines match" in run.stderr
    assert "problem: DL-bad-password" in run.stderr


def test_seed_000_event_block_in_german(tmp_path):
    log = tmp_path / "customer.log"
    log.write_text(stamped("Retrieval cycle started."))
    run = reproduce("--log", log, "--events", CUSTOMER / "seed000-event-12052.txt", "--out", tmp_path / "x.yaml",
                    "--work", tmp_path)
    scenario = (tmp_path / "x.yaml").read_text()
    assert "language: de\n" in scenario
    assert '"reply,on=MAIL,text=530 5.7.3 Client was not authenticated"' in scenario
    assert run.returncode in (0, 1), run.stderr


def test_a_line_it_cannot_read_is_named(tmp_path):
    log = tmp_path / "customer.log"
    log.write_text(stamped("(POP3) [TX] USER bob", "(POP3) [RX] +OK", "(POP3) [TX] PASS ****") +
                   "[t 0] 07/29/20, 15:49:31: (POP3) [??] what\n")
    run = reproduce("--log", log)
    assert run.returncode == 2
    assert f"{log}:4: expected '(POP3) [TX] ...'" in run.stderr
    prose = tmp_path / "prose.log"
    prose.write_text("Dort wird man vermutlich sehr häufig solche Einträge finden:\n" + stamped("(POP3) [TX] RETR 1"))
    run = reproduce("--log", prose)
    assert run.returncode == 2 and f"{prose}:1: not a line of the connector's log" in run.stderr
