"""Real mail software as test peers and benchmark baselines (../shared/PEERS.md): Debian's
dovecot POP3 server, Python's aiosmtpd, Postfix's smtp-sink. Each picks its port up
front, waits until it answers (no fixed sleeps) and stops in every exit path."""
import os
import pathlib
import shutil
import socket
import subprocess
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_greeting(port, prefix=b"+OK", proc=None, timeout=30):
    """Polls until the server's greeting starts with `prefix`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                if s.recv(512).startswith(prefix):
                    return
        except OSError:
            pass
        time.sleep(0.05)  # a port that is not open yet
    raise RuntimeError(f"no greeting on port {port}")


def write_maildir(root, messages):
    """A maildir (new/ cur/ tmp/) holding `messages` (bytes), in order."""
    root = pathlib.Path(root)
    for sub in ("new", "cur", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for i, m in enumerate(messages):
        (root / "new" / f"{1000000000 + i}.M{i}P1.maillab").write_bytes(m)


def maildir_messages(root):
    root = pathlib.Path(root)
    out = []
    for sub in ("new", "cur"):
        if (root / sub).is_dir():
            out += [p.read_bytes() for p in sorted((root / sub).iterdir())]
    return out


def _traversable(path):
    """dovenull must reach the maildirs: open every directory on the way."""
    p = pathlib.Path(path).resolve()
    for parent in [p, *p.parents]:
        if str(parent) in ("/", "/tmp"):
            break
        try:
            os.chmod(parent, os.stat(parent).st_mode | 0o755)
        except PermissionError:
            break


class Dovecot:
    """dovecot serving `maildirs`/<user> for each user with `password`."""

    def __init__(self, work, maildirs, users, password="secret", port=None):
        self.work = pathlib.Path(work)
        self.work.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.conf = self.work / "dovecot.conf"
        (self.work / "run").mkdir(exist_ok=True)
        (self.work / "state").mkdir(exist_ok=True)
        (self.work / "passwd").write_text("".join(f"{u}:{{PLAIN}}{password}\n" for u in users))
        self.conf.write_text(f"""
base_dir = {self.work}/run
state_dir = {self.work}/state
log_path = {self.work}/dovecot.log
protocols = pop3
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:{maildirs}/%u
default_process_limit = 2000
default_client_limit = 4000
default_vsz_limit = 0
passdb {{
  driver = passwd-file
  args = {self.work}/passwd
}}
userdb {{
  driver = static
  args = uid=dovenull gid=dovenull home={maildirs}/%u
}}
service pop3-login {{
  inet_listener pop3 {{
    address = 127.0.0.1
    port = {self.port}
  }}
  service_count = 0
  process_min_avail = 2
  client_limit = 2000
}}
service pop3 {{
  process_limit = 2000
}}
service anvil {{
  client_limit = 5000
}}
service auth {{
  client_limit = 5000
}}
""")
        self.maildirs = pathlib.Path(maildirs)

    def __enter__(self):
        _traversable(self.maildirs)
        subprocess.run(["chown", "-R", "dovenull:dovenull", str(self.maildirs)], check=False)
        subprocess.run(["dovecot", "-c", str(self.conf)], check=True)
        wait_greeting(self.port)
        return self

    def master_pid(self):
        return int((self.work / "run" / "master.pid").read_text())

    def __exit__(self, *exc):
        subprocess.run(["dovecot", "-c", str(self.conf), "stop"], capture_output=True)


class _SmtpPeer:
    """A peer SMTP server run as a child process; subclasses give its command line."""

    def __init__(self, port=None):
        self.port = port or free_port()

    def command(self):
        raise NotImplementedError

    def __enter__(self):
        self.proc = subprocess.Popen(self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_greeting(self.port, b"220", self.proc)
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=10)


class Aiosmtpd(_SmtpPeer):
    """Python's aiosmtpd storing every message into a maildir."""

    def __init__(self, maildir, port=None):
        super().__init__(port)
        self.maildir = pathlib.Path(maildir)

    def command(self):
        return ["/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}", "-c",
                "aiosmtpd.handlers.Mailbox", str(self.maildir)]


class SmtpSink(_SmtpPeer):
    """Postfix's smtp-sink: accepts and discards; counts nothing itself."""

    def __init__(self, port=None, backlog=1000):
        super().__init__(port)
        self.backlog = backlog

    def command(self):
        exe = shutil.which("smtp-sink") or "/usr/sbin/smtp-sink"
        return [exe, "-u", "nobody", f"127.0.0.1:{self.port}", str(self.backlog)]
