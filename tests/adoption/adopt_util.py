"""adopt_util.py - helpers shared by the adoption tests (tests/adoption/test_*.py).

Each test is a plain script run by `meson test`: it prints what it checks and
exits non-zero on the first failure.
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

SRC = os.environ.get("BC_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("BC_BINARY", os.path.join(SRC, "build", "src", "bounceclass"))
DATA = os.path.join(SRC, "tests", "adoption", "data")

# what each sample in data/ says: address -> (reason, class, action, source)
EXPECTED = {
    "dsn-verp.eml": ("bob@example.net", "userunknown", "hard", "suppress", "dsn"),
    "freetext.eml": ("grace@example.com", "userunknown", "hard", "suppress", "text"),
    "header-only.eml": ("carol@example.org", "userunknown", "hard", "suppress", "header"),
    "hidden-verp.eml": ("alice@example.org", "userunknown", "hard", "suppress", "verp"),
    "original-to.eml": ("dave@example.net", "userunknown", "hard", "suppress", "original"),
    "original-verp.eml": ("erin@example.net", "userunknown", "hard", "suppress", "verp"),
    "srs.eml": ("frank@example.com", "mailboxfull", "mailbox-full", "retry", "dsn"),
}


def samples():
    return sorted(glob.glob(os.path.join(DATA, "*.eml")))


def run(args, stdin=None, env=None, check=None, **kw):
    """Runs bounceclass ARGS; returns the CompletedProcess (text mode)."""
    e = dict(os.environ)
    if env:
        e.update(env)
    p = subprocess.run([BIN] + list(args), input=stdin, capture_output=True, env=e, **kw)
    if check is not None and p.returncode != check:
        fail("bounceclass %s exited %d, expected %d\nstderr: %s" % (
            " ".join(args), p.returncode, check, p.stderr))
    return p


def fail(msg):
    print("FAIL:", msg, file=sys.stderr)
    sys.exit(1)


def expect(cond, msg):
    if not cond:
        fail(msg)
    print("ok:", msg)


def jsonl(text):
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        try:
            out.append(json.loads(line))
        except ValueError as e:
            fail("line %d is not JSON (%s): %r" % (n, e, line[:200]))
    return out


def tmpdir():
    return tempfile.TemporaryDirectory(prefix="bc-adopt-")
