#!/usr/bin/env python3
"""test_progress.py - the progress line: drawn on stderr when stderr is a
terminal (a pty here) and the batch runs long, never when stderr is a pipe
or a file, never with --no-progress, never on stdout, and cleared at the end.
BOUNCECLASS_PROGRESS_DELAY_MS=0 makes every batch "long"."""
import os
import pty
import select
import subprocess

from adopt_util import BIN, DATA, expect, tmpdir


def run_with_pty_stderr(args, env):
    master, slave = pty.openpty()
    p = subprocess.Popen([BIN] + args, stdout=subprocess.PIPE, stderr=slave,
                         env=dict(os.environ, **env))
    os.close(slave)
    err = b""
    out = p.stdout.read()
    while True:
        r, _, _ = select.select([master], [], [], 2)
        if not r:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        err += chunk
    p.wait()
    os.close(master)
    return p.returncode, out, err


with tmpdir() as d:
    mbox = os.path.join(d, "big.mbox")
    msg = open(os.path.join(DATA, "dsn-verp.eml")).read().rstrip("\n")
    with open(mbox, "w") as fh:
        for i in range(1500):
            fh.write("From MAILER-DAEMON Tue Nov 24 09:15:02 2026\n%s\n\n" % msg)
    fast = {"BOUNCECLASS_PROGRESS_DELAY_MS": "0"}

    rc, out, err = run_with_pty_stderr(["--json", mbox], fast)
    expect(rc == 0, "run with a terminal on stderr")
    expect(b"bounceclass: " in err and b" messages, " in err, "progress drawn on the terminal")
    expect(b"\r" in err, "progress line redrawn in place")
    expect(err.rstrip(b" ").endswith(b"\r"), "progress line cleared at the end")
    expect(out.count(b"\n") == 1500 and b"messages, " not in out, "stdout holds only the records")

    rc, out2, err = run_with_pty_stderr(["--json", "--no-progress", mbox], fast)
    expect(err == b"", "--no-progress: nothing on the terminal")
    expect(out2 == out, "--no-progress: same records")

    p = subprocess.run([BIN, "--json", mbox], capture_output=True, env=dict(os.environ, **fast))
    expect(p.returncode == 0 and p.stderr == b"", "stderr a pipe: no progress line")
    expect(p.stdout == out, "stderr a pipe: same records")

    with open(os.path.join(d, "err"), "wb") as ef:
        subprocess.run([BIN, "--json", mbox], stdout=subprocess.DEVNULL, stderr=ef,
                       env=dict(os.environ, **fast))
    expect(os.path.getsize(os.path.join(d, "err")) == 0, "stderr a file: no progress line")

    # a short batch on a terminal, with the default delay of a second: quiet
    rc, out, err = run_with_pty_stderr(["--json", os.path.join(DATA, "dsn-verp.eml")], {})
    expect(err == b"", "a short batch draws nothing")
print("all progress checks passed")
