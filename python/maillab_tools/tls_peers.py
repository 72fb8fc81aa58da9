"""Real peers with TLS on: a CA and a server certificate made with the openssl command,
dovecot with POP3S and STLS, and aiosmtpd with STARTTLS or SMTPS (docs/tls.md). Built on
peers.py; each picks its ports and stops in every exit path like the plain ones."""
import pathlib
import subprocess
import time

from maillab_tools.peers import Aiosmtpd, Dovecot, free_port, wait_greeting


def make_certificates(directory, names=("localhost", "127.0.0.1")):
    """A CA and a leaf it signs for `names` (DNS or IP SANs). Returns (ca, cert, key) paths."""
    d = pathlib.Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    ca_key, ca, key, csr, cert = (d / n for n in ("ca.key", "ca.pem", "server.key", "server.csr", "server.pem"))
    run = lambda *a: subprocess.run(["openssl", *map(str, a)], check=True, capture_output=True)  # noqa: E731
    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", ca_key,
        "-out", ca, "-days", "30", "-subj", "/CN=maillab test CA")
    run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", csr,
        "-subj", f"/CN={names[0]}")
    sans = ",".join(("IP:" if n.replace(".", "").isdigit() else "DNS:") + n for n in names)
    ext = d / "san.ext"
    ext.write_text(f"subjectAltName={sans}\nbasicConstraints=CA:FALSE\n")
    run("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", cert, "-days", "30",
        "-extfile", ext)
    for p in (key, cert, ca):
        p.chmod(0o644)
    return ca, cert, key


class TlsDovecot(Dovecot):
    """dovecot with `ssl = yes`: STLS on .port, POP3S (implicit TLS) on .pop3s_port."""

    def __init__(self, work, maildirs, users, cert, key, password="secret"):
        super().__init__(work, maildirs, users, password)
        self.pop3s_port = free_port()
        conf = self.conf.read_text()
        conf = conf.replace("ssl = no", f"ssl = yes\nssl_cert = <{cert}\nssl_key = <{key}\nssl_min_protocol = TLSv1.2")
        conf = conf.replace("    port = %d\n  }\n" % self.port,
                            "    port = %d\n  }\n  inet_listener pop3s {\n    address = 127.0.0.1\n"
                            "    port = %d\n    ssl = yes\n  }\n" % (self.port, self.pop3s_port))
        self.conf.write_text(conf)


class TlsAiosmtpd(Aiosmtpd):
    """aiosmtpd storing into a maildir, with STARTTLS required (`implicit=False`) or SMTPS."""

    def __init__(self, maildir, cert, key, implicit=False):
        super().__init__(maildir)
        self.tls = ["--smtpscert", str(cert), "--smtpskey", str(key)] if implicit else \
            ["--tlscert", str(cert), "--tlskey", str(key)]
        self.implicit = implicit

    def command(self):
        cmd = super().command()
        return cmd[:-3] + self.tls + cmd[-3:]

    def __enter__(self):
        if not self.implicit:
            return super().__enter__()
        self.proc = subprocess.Popen(self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import socket, time  # noqa: E401
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("aiosmtpd (SMTPS) did not start")


class TlsPostfix:
    """A private Postfix instance (`postfix -c DIR start-fg`, so no system mail is touched)
    whose smtpd on 127.0.0.1:.port requires STARTTLS (smtpd_tls_security_level = encrypt)
    and delivers every recipient in contoso.local into the maildir .maildir (virtual(8), as
    nobody). Its log is .log. Postfix needs root."""

    def __init__(self, work, cert, key):
        self.work = pathlib.Path(work)
        self.port = free_port()
        self.conf = self.work / "conf"
        self.maildir = self.work / "mail" / "bob"
        self.log = self.work / "maillog"
        for d in (self.conf, self.work / "queue", self.work / "data", self.work / "mail"):
            d.mkdir(parents=True, exist_ok=True)
        self.work.chmod(0o755)
        subprocess.run(["chown", "nobody:nogroup", str(self.work / "mail")], check=True)
        subprocess.run(["chown", "postfix", str(self.work / "data")], check=True)
        master = pathlib.Path("/etc/postfix/master.cf").read_text()
        master = master.replace("smtp      inet  n       -       y       -       -       smtpd",
                                f"127.0.0.1:{self.port} inet  n       -       n       -       -       smtpd", 1)
        (self.conf / "master.cf").write_text(master)
        settings = {
            "compatibility_level": "3.6", "queue_directory": self.work / "queue",
            "data_directory": self.work / "data", "maillog_file": "/dev/stdout", "inet_interfaces": "127.0.0.1",
            "inet_protocols": "ipv4", "myhostname": "localhost", "mydestination": "", "mynetworks": "127.0.0.0/8",
            "virtual_mailbox_domains": "contoso.local", "virtual_mailbox_base": self.work / "mail",
            "virtual_mailbox_maps": "static:bob/", "virtual_uid_maps": "static:65534",
            "virtual_gid_maps": "static:65534", "smtpd_tls_cert_file": cert, "smtpd_tls_key_file": key,
            "smtpd_tls_security_level": "encrypt", "smtpd_tls_loglevel": "1", "alias_maps": "", "alias_database": "",
        }
        (self.conf / "main.cf").write_text("".join(f"{k} = {v}\n" for k, v in settings.items()))
        subprocess.run(["postconf", "-c", str(self.conf), "-F", "*/*/chroot = n"], check=True)

    def __enter__(self):
        self._log = open(self.log, "w")
        self.proc = subprocess.Popen(["postfix", "-c", str(self.conf), "start-fg"], stdout=self._log,
                                     stderr=subprocess.STDOUT)
        try:
            wait_greeting(self.port, b"220", self.proc)
        except Exception:
            self.__exit__()
            raise
        return self

    def delivered(self, count, timeout=20):
        """The messages in .maildir once `count` are there (Postfix delivers after its 250)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            files = sorted((self.maildir / "new").glob("*")) if (self.maildir / "new").is_dir() else []
            if len(files) >= count:
                return [f.read_bytes() for f in files]
            time.sleep(0.05)
        raise TimeoutError(f"Postfix delivered fewer than {count} messages; its log: {self.log}")

    def __exit__(self, *exc):
        subprocess.run(["postfix", "-c", str(self.conf), "stop"], capture_output=True)
        self.proc.wait(timeout=30)
        self._log.close()


__all__ = ["make_certificates", "TlsDovecot", "TlsAiosmtpd", "TlsPostfix", "wait_greeting"]
