"""remote_util.py - what the remote tests share: a Dovecot per test (see
dovecot.py), corpus messages to load it with, running bounceclass against
it, and reading its JSON Lines output.

Each test calls main(body): body(ctx) runs with a started server and is
cleaned up afterwards, whatever happens; when Dovecot cannot start the test
exits 77 (skipped) with the reason.
"""
import glob
import imaplib
import json
import os
import signal
import ssl
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dovecot  # noqa: E402

SRC = os.environ.get("BC_SOURCE_ROOT",
                     os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BIN = os.environ.get("BC_BINARY", os.path.join(SRC, "build", "src", "bounceclass"))
SKIP = 77


def corpus(n=None):
    """corpus message files, sorted; cycled up to n when n is given"""
    files = sorted(glob.glob(os.path.join(SRC, "corpus", "**", "*.eml"), recursive=True))
    if not files:
        raise SystemExit("no corpus messages under " + SRC)
    if n is None:
        return files
    return [files[i % len(files)] for i in range(n)]


def tagged(path, i):
    """the message in @path with an X-Bc-Test header, so that every copy is
    a distinct message"""
    with open(path, "rb") as f:
        data = f.read()
    return b"X-Bc-Test: %d\n" % i + data


class Ctx:
    def __init__(self, server):
        self.d = server
        self.tmp = server.tmp
        self.env = dict(os.environ, BOUNCECLASS_PASSWORD=dovecot.PASSWORD)
        self.env.pop("BOUNCECLASS_PROGRESS_DELAY_MS", None)
        self.cacert = server.cert
        self.n = 0

    def url(self, scheme="imaps", folder="INBOX", host="localhost", user=dovecot.USER):
        port = self.d.ports[scheme]
        path = "/" + folder if scheme.startswith("imap") else "/"
        return "%s://%s@%s:%d%s" % (scheme, user, host, port, path)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def args(self, url, *extra, state="s.state", cacert=True):
        a = [BIN, "--json"]
        if cacert:
            a += ["--cacert", self.cacert]
        if state:
            a += ["--state", self.path(state)]
        return a + list(extra) + [url]

    def run(self, url, *extra, out=None, env=None, timeout=60, **kw):
        """runs bounceclass; returns (exit status, stderr, stdout text)"""
        a = self.args(url, *extra, **kw)
        if out:
            with open(self.path(out), "ab") as f:
                r = subprocess.run(a, stdout=f, stderr=subprocess.PIPE, env=env or self.env,
                                   timeout=timeout)
            return r.returncode, r.stderr.decode(errors="replace"), None
        r = subprocess.run(a, capture_output=True, env=env or self.env, timeout=timeout)
        return r.returncode, r.stderr.decode(errors="replace"), r.stdout.decode(errors="replace")

    def load(self, files, folder="INBOX", start=0):
        """delivers each file (tagged with a running number) into @folder"""
        for i, p in enumerate(files):
            self.d.deliver(tagged(p, start + i), folder)

    def imap(self):
        ctx = ssl.create_default_context(cafile=self.cacert)
        m = imaplib.IMAP4_SSL("localhost", self.d.ports["imaps"], ssl_context=ctx, timeout=30)
        m.login(dovecot.USER, dovecot.PASSWORD)
        return m

    def imap_count(self, folder, criteria="ALL"):
        m = self.imap()
        try:
            typ, _ = m.select('"%s"' % folder, readonly=True)
            if typ != "OK":
                return None
            typ, data = m.uid("SEARCH", None, criteria)
            return len(data[0].split()) if data and data[0] else 0
        finally:
            m.logout()

    def uidvalidity(self, folder="INBOX"):
        m = self.imap()
        try:
            typ, data = m.status('"%s"' % folder, "(UIDVALIDITY)")
            return int(data[0].decode().split("UIDVALIDITY")[1].strip(" )"))
        finally:
            m.logout()


def records(text):
    """the JSON records of an output; every line must parse"""
    out = []
    for line in text.splitlines():
        if line.strip():
            out.append(json.loads(line))
    return out


def read_records(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return records(f.read())


def uid_of(rec):
    f = rec["file"]
    return f.rsplit(";UID=", 1)[1] if ";UID=" in f else f.rsplit(";UIDL=", 1)[1]


def without_file(rec):
    r = dict(rec)
    r.pop("file", None)
    return json.dumps(r, sort_keys=True)


def local_records(files, tmp):
    """the records bounceclass writes for @files read from a Maildir (the same
    bytes as delivered), for comparing with the remote ones"""
    md = os.path.join(tmp, "local-md")
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(md, sub), exist_ok=True)
    for i, p in enumerate(files):
        with open(os.path.join(md, "new", "%06d.local" % i), "wb") as f:
            f.write(tagged(p, i))
    r = subprocess.run([BIN, "--json", md], capture_output=True, timeout=120)
    return records(r.stdout.decode(errors="replace"))


def check(cond, what, *info):
    if not cond:
        msg = "FAIL: " + what
        for x in info:
            msg += "\n  " + str(x)[:3000]
        raise AssertionError(msg)
    print("ok - " + what, flush=True)


def wait_for(pred, timeout, step=0.05):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(step)
    return pred()


def count_lines(path):
    try:
        with open(path, "rb") as f:
            return f.read().count(b"\n")
    except OSError:
        return 0


def main(body):
    if not os.access(BIN, os.X_OK):
        print("bounceclass binary not found: " + BIN)
        sys.exit(1)
    server = dovecot.Dovecot()
    try:
        try:
            server.start()
        except dovecot.Unavailable as e:
            print("SKIP: Dovecot cannot start here: %s" % e)
            sys.exit(SKIP)
        body(Ctx(server))
    except AssertionError as e:
        print(e)
        print("--- dovecot log (tail)\n" + server.log_tail())
        sys.exit(1)
    except Exception:
        traceback.print_exc()
        print("--- dovecot log (tail)\n" + server.log_tail())
        sys.exit(1)
    finally:
        server.cleanup()
    print("all ok")
    sys.exit(0)


def kill_after(args, out_path, n_lines, env, timeout=60):
    """starts bounceclass writing to @out_path and SIGKILLs it once the
    output has @n_lines lines; returns True when it was killed (False when
    it finished first)"""
    with open(out_path, "ab") as f:
        p = subprocess.Popen(args, stdout=f, stderr=subprocess.PIPE, env=env)
    try:
        end = time.time() + timeout
        while time.time() < end and p.poll() is None:
            if count_lines(out_path) >= n_lines:
                p.send_signal(signal.SIGKILL)
                p.wait(timeout=10)
                return True
            time.sleep(0.005)
        p.wait(timeout=timeout)
        return False
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        p.stderr.close()
