"""Runs `maillab pop3d` or `maillab smtpd` as a child process on a free loopback port."""
import os
import pathlib
import re
import signal
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_BINARY = pathlib.Path(os.environ.get("MAILLAB_BIN", ROOT / "build" / "maillab"))


class Daemon:
    """Context manager: starts `maillab COMMAND`, reads the port from its first stdout line."""

    command = None

    def __init__(self, *args, binary=DEFAULT_BINARY):
        self.args = [str(binary), self.command, "--listen", "127.0.0.1:0", *map(str, args)]
        self.proc = None
        self.port = None
        self.stderr = ""

    def __enter__(self):
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = self.proc.stdout.readline()
        match = re.fullmatch(rf"maillab {self.command} listening on 127\.0\.0\.1:(\d+)\n", first)
        if not match:
            self.proc.kill()
            _, err = self.proc.communicate()
            raise RuntimeError(f"{self.command} did not start: {first!r} {err}")
        self.port = int(match.group(1))
        return self

    def stop(self):
        """SIGTERM, wait, and return the exit code (stderr kept in .stderr)."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        _, self.stderr = self.proc.communicate(timeout=30)
        return self.proc.returncode

    def __exit__(self, *exc):
        self.stop()


class Pop3d(Daemon):
    command = "pop3d"


class Smtpd(Daemon):
    command = "smtpd"
