"""How to write a scenario in Python: the fixtures give a test both simulators and a
connector; the test puts mail on the POP3 server, injects a fault, runs cycles and checks
where the mail went. These are the seeds' faults, written by hand."""
import pathlib
import sys

import maillab

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "python"))
from maillab_tools import replies  # noqa: E402  (the C++ headers' reply constants)

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "fixtures"


def test_mail_flows_from_pop3_to_the_mailbox(pop3_server, smtp_server, connector, profile):
    pop3_server.add_message("bob", (FIXTURES / "messages/001-plain.eml").read_text(), "001-plain.eml")
    pop3_server.generate("bob", 2)
    report = connector.run_once()
    assert report.delivered == 3 and report.ok
    inbox = smtp_server.mailbox("bob@contoso.local")
    assert len(inbox) == 3
    assert any(b"Message-ID: <001@fabrikam.com>" in m for m in inbox)
    assert pop3_server.messages("bob") == []
    assert [d.reason for d in pop3_server.departures("bob")] == [maillab.DepartureReason.RETRIEVED] * 3
    assert [p.where for p in smtp_server.placements()] == [maillab.Destination.MAILBOX] * 3
    assert "(POP3) [TX] RETR 1" in connector.log()


def test_sender_denied_stays_on_the_server_under_sbs2003_only(pop3_server, smtp_server, connector, profile):
    pop3_server.generate("bob", 2)
    smtp_server.add_fault("sender-denied")
    connector.run_once()
    assert any(replies.SMTP["SenderDenied"] in t for t in smtp_server.transcripts())
    if profile == "sbs2003":
        assert len(pop3_server.messages("bob")) == 2  # fetched again next run (seed 004)
        assert "Failure hrResult (0x800ccc6f) trying to deliver message id 1:" in connector.log()
    else:
        assert pop3_server.messages("bob") == []
        assert len(connector.folder("Failed Mail")) == 2
        assert [e.id for e in connector.events()].count(1052) == 2


def test_bad_password_is_event_12053_and_the_mail_waits(pop3_server, smtp_server, sandbox):
    pop3_server.generate("bob", 1)
    c = maillab.Connector(str(sandbox / "root"), pop3_server.port, "bob", "wrong", "bob@contoso.local",
                          smtp_port=smtp_server.port)
    report = c.run_once()
    assert not report.ok
    [event] = [e for e in c.events() if e.id == 12053]
    assert replies.LogonFailure in event.description
    assert event.source == "POP3 Connector"
    assert len(pop3_server.messages("bob")) == 1
    assert "wrong" not in c.log()  # passwords never reach the log


def test_faults_change_while_the_server_runs(pop3_server, smtp_server, connector):
    pop3_server.generate("bob", 1)
    [fid] = pop3_server.add_fault("connect-refused")
    assert not connector.run_once().ok
    assert pop3_server.remove_fault(fid)
    assert connector.run_once().delivered == 1


def test_the_world_changes_while_the_server_runs(pop3_server, smtp_server, connector):
    smtp_server.set_world("accepted_domains: [contoso.local]\n"
                          "mailboxes:\n  - address: bob@contoso.local\n    forward_to: bob@fabrikam.com\n")
    pop3_server.generate("bob", 1)
    connector.run_once()
    assert [p.where for p in smtp_server.placements()] == [maillab.Destination.FORWARD]
    assert smtp_server.mailbox("bob@contoso.local") == []


def test_a_scenario_written_inline():
    text = """
id: X-inline
pop3:
  faults: [empty-drop]
  accounts: [{user: bob, messages: [{generate: {count: 2, size: 4K}}]}]
steps:
  - cycle
  - expect: {pop3_left: 2, cycle: {downloaded: 0}}
remedy:
  steps:
    - clear_faults: pop3
    - cycle
    - expect: {mailboxes: {bob@contoso.local/Inbox: 2}}
"""
    scenario = maillab.Scenario.parse(text, "X-inline.yaml")
    for profile in scenario.profiles:
        result = scenario.run(profile)
        assert result, result.failures()


def test_a_malformed_scenario_names_file_line_and_field():
    try:
        maillab.Scenario.parse("id: X-bad\npop3: {accounts: [{user: bob}]}\nsteps:\n  - cycle: twice\n", "X-bad.yaml")
    except maillab.ScenarioError as e:
        assert str(e) == "X-bad.yaml:4: field 'steps[0].cycle': must be an integer of at least 1, not 'twice'"
    else:
        raise AssertionError("accepted")


def test_the_gil_is_released_while_the_connector_runs(smtp_server, sandbox):
    """The connector fetches from a POP3 server written in Python, in a Python thread: if
    run_once() held the GIL, that thread could never answer and the cycle would fail."""
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    message = (FIXTURES / "messages/001-plain.eml").read_bytes()

    def serve():
        conn, _ = listener.accept()
        with conn, conn.makefile("rb") as lines:
            conn.sendall(b"+OK python pop3 ready\r\n")
            for line in lines:
                cmd = line.split()[0].upper() if line.split() else b""
                if cmd == b"STAT":
                    conn.sendall(b"+OK 1 %d\r\n" % len(message))
                elif cmd in (b"LIST", b"UIDL"):
                    arg = b"%d" % len(message) if cmd == b"LIST" else b"py-1"
                    conn.sendall(b"+OK\r\n1 " + arg + b"\r\n.\r\n")
                elif cmd == b"RETR":
                    stuffed = b"\r\n".join(b"." + ln if ln.startswith(b".") else ln for ln in message.split(b"\r\n"))
                    conn.sendall(b"+OK\r\n" + stuffed.rstrip(b"\r\n") + b"\r\n.\r\n")
                elif cmd == b"CAPA":
                    conn.sendall(b"-ERR no capabilities\r\n")
                elif cmd == b"QUIT":
                    conn.sendall(b"+OK bye\r\n")
                    return
                else:
                    conn.sendall(b"+OK\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    c = maillab.Connector(str(sandbox / "root"), port, "bob", "secret", "bob@contoso.local", smtp_port=smtp_server.port)
    report = c.run_once()
    thread.join(timeout=10)
    listener.close()
    assert report.ok, report.problems
    assert report.delivered == 1
    [stored] = smtp_server.mailbox("bob@contoso.local")
    assert stored.endswith(message)


def test_an_smtp_server_without_a_store_keeps_mail_in_memory(tmp_path, monkeypatch):
    import smtplib
    monkeypatch.chdir(tmp_path)  # nothing may be written, not even relative to here
    with maillab.SmtpServer("") as server:
        with smtplib.SMTP("127.0.0.1", server.port) as client:
            client.sendmail("alice@fabrikam.com", ["bob@contoso.local"], b"Subject: kept\r\n\r\nin memory\r\n")
        assert server.mailbox("bob@contoso.local") == [b"Subject: kept\r\n\r\nin memory\r\n"]
        assert [p.where for p in server.placements()] == [maillab.Destination.MAILBOX]
    assert list(tmp_path.iterdir()) == []
