"""The control API's request latency while SMTP sessions run (issue 17's closing note):
`maillab smtpd --http`, N threads sending mail in a loop, and timed GET /api/faults and
POST/DELETE /api/faults meanwhile. Prints median and 99th percentile in milliseconds.
    /usr/bin/python3 bench/api_latency.py [--sessions 20] [--requests 2000]"""
import argparse
import http.client
import json
import os
import re
import signal
import smtplib
import statistics
import subprocess
import threading
import time

BIN = os.environ.get("MAILLAB_BIN", os.path.join(os.path.dirname(__file__), "..", "build", "maillab"))
MESSAGE = "From: a@example.com\r\nTo: bob@contoso.local\r\nSubject: load\r\n\r\n" + "x" * 2000 + "\r\n"


def start():
    p = subprocess.Popen([BIN, "smtpd", "--listen", "127.0.0.1:0", "--mailbox", "bob@contoso.local", "--http",
                          "127.0.0.1:0", "--memory-limit", "16M"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    smtp = int(re.search(r":(\d+)$", p.stdout.readline().strip()).group(1))
    api = int(re.search(r":(\d+)$", p.stdout.readline().strip()).group(1))
    return p, smtp, api


def load(port, stop, sent):
    while not stop.is_set():
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as s:
            for _ in range(10):
                s.sendmail("a@example.com", ["bob@contoso.local"], MESSAGE)
                sent.append(1)


def timed(conn, method, path, body=None):
    t = time.perf_counter()
    conn.request(method, path, body=body)
    r = conn.getresponse()
    r.read()
    return (time.perf_counter() - t) * 1000, r.status


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--requests", type=int, default=2000)
    a = ap.parse_args()
    p, smtp, api = start()
    stop, sent = threading.Event(), []
    threads = [threading.Thread(target=load, args=(smtp, stop, sent)) for _ in range(a.sessions)]
    for t in threads:
        t.start()
    conn = http.client.HTTPConnection("127.0.0.1", api)
    gets, changes = [], []
    for i in range(a.requests):
        gets.append(timed(conn, "GET", "/api/faults")[0])
        if i % 10 == 0:
            ms, _ = timed(conn, "POST", "/api/faults", json.dumps({"spec": "delay,ms=1,on=QUIT"}))
            changes.append(ms)
            changes.append(timed(conn, "DELETE", "/api/faults")[0])
    stop.set()
    for t in threads:
        t.join()
    p.send_signal(signal.SIGTERM)
    p.communicate(timeout=60)
    q = lambda xs, f: sorted(xs)[min(len(xs) - 1, int(len(xs) * f))]  # noqa: E731
    print(f"{a.sessions} SMTP sessions in a loop, {len(sent)} messages sent meanwhile")
    print(f"GET /api/faults: n={len(gets)} median {statistics.median(gets):.2f} ms, p99 {q(gets, 0.99):.2f} ms")
    print(f"POST+DELETE /api/faults: n={len(changes)} median {statistics.median(changes):.2f} ms, p99 {q(changes, 0.99):.2f} ms")


if __name__ == "__main__":
    main()
