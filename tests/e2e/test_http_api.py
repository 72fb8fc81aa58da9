"""The control API (docs/api.md) of a running `maillab smtpd --http` and `maillab lab`:
curl and Python's http.client against the real process, and bad input (malformed JSON,
unknown resources, wrong methods, huge bodies, slow clients, many connections) answered
with JSON errors while the mail server goes on serving."""
import http.client
import json
import os
import pathlib
import poplib
import re
import signal
import smtplib
import socket
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("MAILLAB_BIN", str(ROOT / "build" / "maillab"))
MESSAGE = "From: alice@example.com\r\nTo: bob@contoso.local\r\nSubject: hi\r\n\r\nhello\r\n"


class Process:
    """`maillab COMMAND ... --http 127.0.0.1:0`: the ports from its listening lines."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([BIN, *args, "--http", "127.0.0.1:0"], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.ports = {}
        for line in self.proc.stdout:
            match = re.fullmatch(r"maillab (?:lab: )?(\w+) listening on 127\.0\.0\.1:(\d+)\n", line)
            if match:
                self.ports[match.group(1)] = int(match.group(2))
            if "http" in self.ports:
                return
        raise RuntimeError(f"did not start: {self.proc.stderr.read()}")

    def call(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.ports["http"], timeout=10)
        payload = body if isinstance(body, (str, bytes)) or body is None else json.dumps(body)
        conn.request(method, path, body=payload, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        conn.close()
        assert response.getheader("Content-Type") == "application/json"
        return response.status, json.loads(data), response

    def curl(self, *args):
        out = subprocess.run(["curl", "-sS", *args], capture_output=True, text=True, timeout=20, check=True)
        return json.loads(out.stdout)

    def url(self, path):
        return f"http://127.0.0.1:{self.ports['http']}{path}"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        self.proc.communicate(timeout=20)
        return self.proc.returncode


@pytest.fixture
def smtpd():
    p = Process("smtpd", "--listen", "127.0.0.1:0", "--mailbox", "bob@contoso.local", "--http-read-timeout", "1",
                "--http-max-connections", "8")
    yield p
    assert p.stop() == 0


def send_mail(port, reply=None):
    """One SMTP session; the reply code to the final dot (its text into `reply`)."""
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as s:
        s.ehlo("test")
        s.mail("alice@example.com")
        s.rcpt("bob@contoso.local")
        code, text = s.data(MESSAGE)
        if reply is not None:
            reply.append(text)
        return code


def test_http_line_comes_after_the_mail_servers_line():
    p = subprocess.Popen([BIN, "smtpd", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0"], stdout=subprocess.PIPE,
                         text=True)
    try:
        first, second = p.stdout.readline(), p.stdout.readline()
        assert first.startswith("maillab smtpd listening on 127.0.0.1:")
        assert re.fullmatch(r"maillab http listening on 127\.0\.0\.1:\d+\n", second)
    finally:
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=20)


def test_curl_sender_denied_reaches_the_next_session_and_delete_removes_it(smtpd):
    assert send_mail(smtpd.ports["smtpd"]) == 250
    added = smtpd.curl("-X", "POST", "-H", "Content-Type: application/json", "-d", '{"spec": "sender-denied"}',
                       smtpd.url("/api/faults"))
    assert added["added"][0]["description"]
    reply = []
    assert send_mail(smtpd.ports["smtpd"], reply) == 554
    assert reply == [b"5.1.0 Sender denied"]
    smtpd.curl("-X", "DELETE", smtpd.url("/api/faults/" + added["added"][0]["id"]))
    assert smtpd.curl(smtpd.url("/api/faults")) == {"faults": []}
    assert send_mail(smtpd.ports["smtpd"]) == 250
    placements = smtpd.curl(smtpd.url("/api/placements"))["placements"]
    assert [p["target"] for p in placements] == ["bob@contoso.local", "bob@contoso.local"]
    transcripts = smtpd.curl(smtpd.url("/api/transcripts"))["transcripts"]
    assert any(line["text"].startswith("554") for t in transcripts for line in t["lines"])


def test_bad_fault_spec_names_the_field_like_the_cli(smtpd):
    status, body, _ = smtpd.call("POST", "/api/faults", {"spec": "sender-denied,nth=many"})
    assert status == 400 and body["field"] == "spec"
    cli = subprocess.run([BIN, "smtpd", "--listen", "127.0.0.1:0", "--fault", "sender-denied,nth=many"],
                         capture_output=True, text=True, timeout=20)
    assert cli.returncode == 2
    assert cli.stderr.strip() == "maillab smtpd: " + body["error"]
    assert smtpd.call("GET", "/api/faults")[1] == {"faults": []}


def test_malformed_json_unknown_resource_and_wrong_method(smtpd):
    status, body, _ = smtpd.call("POST", "/api/faults", '{"spec": ')
    assert status == 400 and body["field"] == "body" and body["error"].startswith("body: malformed JSON")
    status, body, _ = smtpd.call("GET", "/api/nowhere")
    assert status == 404 and body["error"] == "no resource /api/nowhere (GET /api lists them)"
    status, body, response = smtpd.call("PATCH", "/api/faults")
    assert status == 405 and response.getheader("Allow") == "GET, POST, DELETE"


def test_huge_body_is_413_without_reading_it(smtpd):
    with socket.create_connection(("127.0.0.1", smtpd.ports["http"]), timeout=10) as s:
        s.sendall(b"POST /api/faults HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 1073741824\r\n\r\n" + b"{" * 65536)
        reply = s.makefile("rb").read()
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert json.loads(body)["error"] == "the body is larger than 1048576 bytes"
    assert send_mail(smtpd.ports["smtpd"]) == 250


def test_huge_header_is_431(smtpd):
    with socket.create_connection(("127.0.0.1", smtpd.ports["http"]), timeout=10) as s:
        s.sendall(b"GET /api/faults HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 65536 + b"\r\n\r\n")
        reply = s.makefile("rb").read()
    assert reply.startswith(b"HTTP/1.1 431")


def test_slow_client_gets_408_at_the_read_deadline(smtpd):
    with socket.create_connection(("127.0.0.1", smtpd.ports["http"]), timeout=10) as s:
        s.sendall(b"GET /api/faults HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        assert send_mail(smtpd.ports["smtpd"]) == 250  # the mail server is not held up
        reply = s.makefile("rb").read()  # the server answers at its 1 s deadline and closes
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408")
    assert json.loads(body)["status"] == 408


def test_connections_over_the_cap_get_503_and_the_mail_server_goes_on(smtpd):
    held = [socket.create_connection(("127.0.0.1", smtpd.ports["http"]), timeout=10) for _ in range(8)]
    try:
        # The server counts a connection once it accepted it: a request on each proves it did.
        for s in held:
            s.sendall(b"GET /api/faults HTTP/1.1\r\nHost: x\r\n\r\n")
            assert s.recv(12) == b"HTTP/1.1 200"
        with socket.create_connection(("127.0.0.1", smtpd.ports["http"]), timeout=10) as extra:
            reply = extra.makefile("rb").read()
        head, _, body = reply.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 503")
        assert "too many connections" in json.loads(body)["error"]
        assert send_mail(smtpd.ports["smtpd"]) == 250
    finally:
        for s in held:
            s.close()


def test_stream_sends_status_and_changes(smtpd):
    with socket.create_connection(("127.0.0.1", smtpd.ports["http"]), timeout=10) as s:
        s.sendall(b"GET /api/stream HTTP/1.1\r\nHost: x\r\n\r\n")
        reader = s.makefile("rb")
        assert reader.readline().startswith(b"HTTP/1.1 200")
        while reader.readline() != b"\r\n":
            pass
        assert reader.readline() == b"event: status\n"
        smtpd.call("POST", "/api/faults", {"spec": "sender-denied"})
        seen = []
        while b"event: faults\n" not in seen:
            seen.append(reader.readline())
        data = reader.readline()
        assert json.loads(data.removeprefix(b"data: "))["added"][0]["server"] == "smtp"


def test_non_loopback_needs_a_token():
    refused = subprocess.run([BIN, "smtpd", "--listen", "127.0.0.1:0", "--http", "0.0.0.0:0"], capture_output=True,
                             text=True, timeout=20)
    assert refused.returncode == 2
    assert "--http '0.0.0.0:0': not a loopback address; give --http-token" in refused.stderr
    p = subprocess.Popen([BIN, "smtpd", "--listen", "127.0.0.1:0", "--http", "0.0.0.0:0", "--http-token", "s3cret"],
                         stdout=subprocess.PIPE, text=True)
    try:
        p.stdout.readline()
        port = int(p.stdout.readline().rsplit(":", 1)[1])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/api/faults")
        assert conn.getresponse().status == 401
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/api/faults", headers={"Authorization": "Bearer s3cret"})
        assert conn.getresponse().status == 200
    finally:
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=20)


@pytest.fixture
def lab(tmp_path):
    p = Process("lab", "--generate", "2", "--root", str(tmp_path / "connector"))
    yield p
    assert p.stop() == 0


def test_lab_sender_denied_then_cleared(lab):
    status, body, _ = lab.call("POST", "/api/faults", {"spec": "sender-denied"})
    assert status == 201 and body["added"][0]["server"] == "smtp"
    status, report, _ = lab.call("POST", "/api/connector/run")
    assert status == 200 and report["delivered"] == 0 and report["downloaded"] == 2
    smtp_lines = [line["text"] for t in lab.call("GET", "/api/transcripts?server=smtp")[1]["transcripts"]
                  for line in t["lines"]]
    assert any(text.startswith("554 5.1.0 Sender denied") for text in smtp_lines)
    assert lab.call("GET", "/api/events")[1]["events"]
    assert lab.call("GET", "/api/log")[1]["lines"]
    assert lab.call("DELETE", "/api/faults")[0] == 200
    assert lab.call("POST", "/api/mailboxes/bob/messages", {"text": MESSAGE})[0] == 201
    status, report, _ = lab.call("POST", "/api/connector/run")
    assert report["delivered"] >= 1, report
    inbox = [p for p in lab.call("GET", "/api/placements?where=mailbox")[1]["placements"]
             if p["target"] == "bob@contoso.local"]
    assert len(inbox) == 1


def test_lab_lists_and_runs_a_scenario(lab):
    scenarios = lab.call("GET", "/api/scenarios")[1]["scenarios"]
    assert "SD-sender-denied" in [s["id"] for s in scenarios]
    status, report, _ = lab.call("POST", "/api/scenarios/SD-sender-denied/run", {"profile": "robust"})
    assert status == 200 and report[0]["id"] == "SD-sender-denied" and report[0]["passed"], report
    status, body, _ = lab.call("POST", "/api/scenarios/NO-such/run")
    assert status == 404 and body["error"] == "no scenario 'NO-such' (GET /api/scenarios lists them)"


def test_pop3d_faults_and_messages_change_the_next_session():
    pop3d = Process("pop3d", "--listen", "127.0.0.1:0", "--generate", "bob:secret:2:1K")
    try:
        def stat():
            client = poplib.POP3("127.0.0.1", pop3d.ports["pop3d"], timeout=10)
            try:
                client.user("bob")
                client.pass_("secret")
                return client.stat()[0]
            finally:
                client.quit()
        assert stat() == 2
        status, body, _ = pop3d.call("POST", "/api/faults", {"spec": "bad-password"})
        assert status == 201 and body["added"][0]["id"] == "pop3-1"
        with pytest.raises(poplib.error_proto):
            stat()
        assert pop3d.call("DELETE", "/api/faults/1")[0] == 200
        assert pop3d.call("POST", "/api/mailboxes/bob/messages", {"text": MESSAGE})[0] == 201
        assert stat() == 3
        assert pop3d.call("GET", "/api/mailboxes")[1]["mailboxes"][0]["messages"] == 3
        assert pop3d.call("GET", "/api/placements")[0] == 404  # smtpd's, not pop3d's
    finally:
        assert pop3d.stop() == 0
