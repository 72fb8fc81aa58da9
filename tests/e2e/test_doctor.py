"""maillab doctor end to end: against maillab pop3d/smtpd with each fault preset the seeds
document (the doctor must name the documented cause), against real healthy servers
(dovecot, Postfix's smtp-sink, aiosmtpd: healthy must read healthy), and over the folders,
events and log the connector itself writes. Loopback only: no name is ever resolved."""
import json
import pathlib
import subprocess

import pytest

from maillab_tools.peers import Aiosmtpd, Dovecot, SmtpSink, free_port, write_maildir
from maillab_tools.server import DEFAULT_BINARY, Pop3d, Smtpd

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "fixtures" / "messages").glob("*.eml"))


def doctor(*args):
    """Runs maillab doctor --json; returns (exit code, report)."""
    proc = subprocess.run([str(DEFAULT_BINARY), "doctor", "--json", "--timeout", "3", *map(str, args)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode in (0, 1, 2), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def pop3_args(server, user="bob", password="secret"):
    return ["--pop3", f"127.0.0.1:{server.port}", "--user", user, "--password", password, "--expect-mail"]


def maildrop(tmp_path):
    d = tmp_path / "maildrop"
    d.mkdir()
    for f in FIXTURES:
        (d / f.name).write_bytes(f.read_bytes())
    return d


def test_pop3d_healthy(tmp_path):
    with Pop3d("--mailbox", f"bob:secret:{maildrop(tmp_path)}") as server:
        code, report = doctor(*pop3_args(server))
    assert (code, report["causes"]) == (0, [])


@pytest.mark.parametrize("preset, cause", [
    ("bad-password", "DL-bad-password"),
    ("empty-drop", "DL-empty-drop"),
    ("competing-client", "DL-empty-drop"),  # step 5: +OK 0 0, the other client named among the reasons
    ("banner-not-ok", "DL-banner"),
    ("connect-refused", "DL-connect-failed"),
    ("stall,on=connect", "DL-banner"),  # no banner within --timeout: telnet step 2 sees none
])
def test_pop3d_presets(tmp_path, preset, cause):
    with Pop3d("--mailbox", f"bob:secret:{maildrop(tmp_path)}", "--fault", preset) as server:
        code, report = doctor(*pop3_args(server))
    assert (code, report["causes"]) == (1, [cause])


def test_nothing_listening_is_connect_failed():
    code, report = doctor("--pop3", f"127.0.0.1:{free_port()}", "--user", "bob", "--password", "x")
    assert (code, report["causes"]) == (1, ["DL-connect-failed"])
    assert "Could not open connection to the host on port" in report["findings"][0]["evidence"][0]


def smtp_args(server, *rcpts):
    out = ["--smtp", f"127.0.0.1:{server.port}"]
    for r in rcpts or ("bob@contoso.local",):
        out += ["--rcpt", r]
    return out


def test_smtpd_healthy_and_nothing_sent(tmp_path):
    store = tmp_path / "store"
    with Smtpd("--store", store, "--mailbox", "bob@contoso.local") as server:
        code, report = doctor(*smtp_args(server))
    assert (code, report["causes"]) == (0, [])
    assert not list(store.rglob("*.eml"))  # probes only: no message without --send-test


@pytest.mark.parametrize("preset, extra, cause", [
    ("exchange-verbs-missing", [], "EX-verbs-missing"),
    ("anonymous-disabled", [], "SMTP-anonymous-disabled"),
    ("unknown-domain", [], "SMTP-recipient-policy"),
    ("sender-denied", ["--send-test"], "SD-sender-denied"),
    ("service-stopped", [], "SMTP-service-stopped"),
])
def test_smtpd_presets(tmp_path, preset, extra, cause):
    with Smtpd("--store", tmp_path / "store", "--mailbox", "bob@contoso.local", "--fault", preset) as server:
        code, report = doctor(*smtp_args(server), *extra)
    assert (code, report["causes"]) == (1, [cause])


def test_sender_filtering_shows_only_with_send_test(tmp_path):
    with Smtpd("--store", tmp_path / "store", "--mailbox", "bob@contoso.local", "--fault", "sender-denied") as server:
        assert doctor(*smtp_args(server))[0] == 0
        code, report = doctor(*smtp_args(server), "--send-test")
    assert report["causes"] == ["SD-sender-denied"]
    assert any("554 5.1.0 Sender denied" in e for f in report["findings"] for e in f["evidence"])


def test_dovecot_healthy(tmp_path):
    maildirs = tmp_path / "maildirs"
    write_maildir(maildirs / "bob", [f.read_bytes() for f in FIXTURES])
    with Dovecot(tmp_path / "dovecot", maildirs, ["bob"]) as server:
        code, report = doctor(*pop3_args(server))
    assert (code, report["causes"]) == (0, [])


def test_smtp_sink_healthy():
    with SmtpSink() as server:
        code, report = doctor(*smtp_args(server))
    assert (code, report["causes"]) == (0, [])


def test_aiosmtpd_healthy(tmp_path):
    with Aiosmtpd(tmp_path / "received") as server:
        code, report = doctor(*smtp_args(server), "--send-test")
    assert (code, report["causes"]) == (0, [])


def run_connector(root, pop3, smtp, *flags):
    return subprocess.run([str(DEFAULT_BINARY), "connector", "--pop3", f"127.0.0.1:{pop3.port}", "--user", "bob",
                           "--password", "secret", "--deliver-to", "bob@contoso.local", "--smtp",
                           f"127.0.0.1:{smtp.port}", "--root", root, "--logging", "Maximum", "--once", *flags],
                          capture_output=True, text=True, timeout=60)


def test_connector_artefacts_sender_denied_run_after_run(tmp_path):
    """Seed 004: the sbs2003 connector fetches the refused messages again every run; its
    own log and events, read by the doctor, name the slowdown."""
    root = tmp_path / "root"
    with Pop3d("--mailbox", f"bob:secret:{maildrop(tmp_path)}") as pop3, \
            Smtpd("--mailbox", "bob@contoso.local", "--fault", "sender-denied") as smtp:
        run_connector(root, pop3, smtp, "--profile", "sbs2003")
        code, once = doctor("--log", root / "pop3connector.log")
        run_connector(root, pop3, smtp, "--profile", "sbs2003")
        code2, twice = doctor("--log", root / "pop3connector.log", "--events", root / "events.jsonl", "--root", root)
    assert (code, once["causes"]) == (1, ["SD-sender-denied"])
    assert code2 == 1 and "SD-slowdown" in twice["causes"]


def test_connector_folders_corrupt_file(tmp_path):
    """CDO step 4: a corrupt message blocks Incoming Mail under sbs2003; the doctor reads
    the files and names the bad one; the events (1046, 1048) that point at the CDO stage
    stay in the report as a note, since step 4 names the cause."""
    root = tmp_path / "root"
    with Pop3d("--mailbox", f"bob:secret:{maildrop(tmp_path)}", "--fault", "corrupt-eml") as pop3, \
            Smtpd("--mailbox", "bob@contoso.local") as smtp:
        run_connector(root, pop3, smtp, "--profile", "sbs2003")
    code, report = doctor("--root", root, "--events", root / "events.jsonl")
    assert code == 1
    assert report["causes"] == ["CDO-corrupt-eml"], report["causes"]
    events = next(f for f in report["findings"] if f["cause_id"] == "CDO-events")
    assert events["severity"] == "note" and "1046" in events["evidence"][0]
    corrupt = next(f for f in report["findings"] if f["cause_id"] == "CDO-corrupt-eml")
    assert len(corrupt["evidence"]) == 1 and "NUL" in corrupt["evidence"][0]


def test_missing_folder_and_fix(tmp_path):
    root = tmp_path / "root"
    (root / "Incoming Mail").mkdir(parents=True)
    code, report = doctor("--root", root)
    assert (code, report["causes"]) == (1, ["CDO-missing-folders"])
    assert not (root / "Failed Mail").exists()  # examined, not changed
    assert doctor("--root", root, "--fix")[0] == 0
    assert (root / "Failed Mail").is_dir()


def test_seed_events_in_german_and_japanese(tmp_path):
    text = tmp_path / "events.txt"
    text.write_text(
        "Quelle: POP3-Connector\nKategorie: Download\nEreignis-ID: 12052\nTyp: Fehler\n"
        "Beschreibung: POP3: Während einer POP3-Transaktion auf pop für den Benutzer bob ist ein Fehler aufgetreten."
        " Der Fehler ist 86.\n\n"
        "ソース : POP3 Connector\n分類 : 配信\nイベント ID : 1046\n"
        "説明 : 配信のために受信メール キューからメールを取得しているときにエラーが発生しました。エラー コードは -2147467259 です。\n",
        encoding="utf-8")
    code, report = doctor("--events", text)
    assert (code, report["causes"]) == (1, ["CDO-events", "SMTP-anonymous-disabled"])
    proc = subprocess.run([str(DEFAULT_BINARY), "doctor", "--events", text, "--lang", "ja"], capture_output=True,
                          text=True)
    assert "CDO 転送処理のトラブルシューティング" in proc.stdout


def test_unreadable_log_is_could_not_check(tmp_path):
    bad = tmp_path / "x.log"
    bad.write_text("not a log\n")
    code, report = doctor("--log", bad)
    assert code == 2 and "x.log:1" in report["unchecked"][0]


PICKUP_FILE = (b"x-sender: alice@fabrikam.com\r\nx-receiver: bob@contoso.local\r\n"
               b"From: alice@fabrikam.com\r\nTo: bob@contoso.local\r\nSubject: hi\r\n\r\nhello\r\n")


@pytest.mark.parametrize("mode", ["rename", "lock"])
def test_pickup_scanner(tmp_path, mode):
    """SMTP step 8: a scanner renames or locks files in PickUp."""
    pickup = tmp_path / "PickUp"
    pickup.mkdir()
    (pickup / "a.eml").write_bytes(PICKUP_FILE)
    with Smtpd("--mailbox", "bob@contoso.local", "--pickup", pickup, "--pickup-interval", "0.05",
               "--fault", f"pickup-antivirus:{mode}"):
        # smtpd's first pickup pass (the scanner's too) is done before it says it listens.
        report = doctor("--pickup", pickup)[1]
    assert report["causes"] == ["SMTP-antivirus-pickup"]


def test_pickup_piling_up_with_the_service_stopped(tmp_path):
    """SMTP step 2: nothing listens and the files stay in PickUp."""
    pickup = tmp_path / "PickUp"
    pickup.mkdir()
    (pickup / "a.eml").write_bytes(PICKUP_FILE)
    with Smtpd("--mailbox", "bob@contoso.local", "--pickup", pickup, "--fault", "service-stopped") as server:
        code, report = doctor("--pickup", pickup, "--smtp", f"127.0.0.1:{server.port}")
    assert (code, report["causes"]) == (1, ["SMTP-service-stopped"])
    assert len(report["findings"][0]["evidence"]) == 2  # the refused connection and the waiting file


def test_size_limit_against_incoming_mail(tmp_path):
    """Seed 004: a message larger than EHLO's SIZE; the doctor names the file."""
    root = tmp_path / "root"
    (root / "Incoming Mail").mkdir(parents=True)
    (root / "Failed Mail").mkdir()
    (root / "Incoming Mail" / "big.eml").write_bytes(PICKUP_FILE + b"x" * 2000 + b"\r\n")
    with Smtpd("--mailbox", "bob@contoso.local", "--fault", "too-large:1000") as server:
        code, report = doctor("--root", root, *smtp_args(server))
    assert (code, report["causes"]) == (1, ["SD-too-large"])
    big = next(f for f in report["findings"] if f["severity"] == "problem")
    assert "big.eml: it is larger" in big["evidence"][0]


def test_failed_mail_explained_by_the_connectors_events(tmp_path):
    """CDO step 6: the robust connector sets refused mail aside in Failed Mail; each file
    there is explained by the event that names it (1052 and the 554 it quotes)."""
    root = tmp_path / "root"
    with Pop3d("--mailbox", f"bob:secret:{maildrop(tmp_path)}") as pop3, \
            Smtpd("--mailbox", "bob@contoso.local", "--mailbox", "admin@contoso.local",
                  "--fault", "sender-denied,rcpt=bob@contoso.local") as smtp:
        run_connector(root, pop3, smtp, "--admin", "admin@contoso.local")
    failed = list((root / "Failed Mail").iterdir())
    assert failed
    code, report = doctor("--root", root, "--events", root / "events.jsonl")
    assert code == 1 and report["causes"][0] == "CDO-failed-mail" and "SD-sender-denied" in report["causes"]
    explained = next(f for f in report["findings"] if f["cause_id"] == "CDO-failed-mail")["evidence"]
    assert len(explained) == len(failed)
    assert all(": event 1052 (" in e and "554 5.1.0 Sender denied" in e for e in explained)


def test_help_and_bad_input():
    run = lambda *a: subprocess.run([str(DEFAULT_BINARY), "doctor", *a], capture_output=True, text=True, timeout=30)
    r = run("--help")
    assert r.returncode == 0 and "Exit codes: 0 healthy, 1 a documented problem found, 2 " in r.stdout
    r = run()
    assert r.returncode == 2 and "nothing to examine" in r.stderr
    r = run("--pop3", "127.0.0.1:110")
    assert r.returncode == 2 and "--pop3 needs --user" in r.stderr
    r = run("--smtp", "127.0.0.1:25", "--send-test")
    assert r.returncode == 2 and "--send-test needs a --rcpt" in r.stderr
    r = run("--events", "x", "--lang", "fr")
    assert r.returncode == 2 and "--lang must be en, de or ja, not 'fr'" in r.stderr
