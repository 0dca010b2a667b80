#!/usr/bin/env python3
"""test_pipe.py - the Postfix pipe(8) and Exim pipe-transport recipes of
docs/integrations/, run as the MTA would run them: the argv taken from the
document (program and output path pointed at this build and a temporary
directory), the message on stdin with the headers the MTA prepends, and
the exit status read with sysexits.h meaning (0 done, 75 defer)."""
import concurrent.futures
import json
import os
import re
import shlex
import subprocess

from adopt_util import BIN, DATA, SRC, expect, fail, jsonl, tmpdir

EX_TEMPFAIL = 75
DOCS = os.path.join(SRC, "docs", "integrations")


def block(doc, marker):
    """The fenced block after <!-- BEGIN marker ... -->."""
    text = open(os.path.join(DOCS, doc)).read()
    m = re.search(r"<!-- BEGIN %s.*?-->\s*```\n(.*?)```" % re.escape(marker), text, re.S)
    if not m:
        fail("%s has no block %r" % (doc, marker))
    return m.group(1)


def postfix_argv():
    entry = block("postfix.md", "master.cf")
    # master.cf: a line starting with white space continues the previous one
    joined = re.sub(r"\n[ \t]+", " ", entry.strip())
    fields = joined.split()
    expect(fields[0] == "bounceclass" and fields[7] == "pipe", "master.cf: a pipe(8) service")
    attrs = " ".join(fields[8:])
    flags = re.search(r"flags=(\S+)", attrs).group(1)
    argv = shlex.split(attrs[attrs.index("argv=") + 5:])
    return flags, argv


def exim_command():
    t = block("exim.md", "exim transport")
    opts = {}
    for line in t.splitlines()[1:]:
        line = line.strip()
        if "=" in line:
            k, v = line.split("=", 1)
            opts[k.strip()] = v.strip()
        elif line:
            opts[line] = True
    expect(opts.get("driver") == "pipe", "exim: a pipe transport")
    return opts


def localise(argv, out):
    """The documented program and output file, pointed at this build and @out."""
    a = list(argv)
    expect(a[0].endswith("/bounceclass"), "recipe runs bounceclass")
    a[0] = BIN
    i = a.index("--output")
    a[i + 1] = out
    return a


def deliver(argv, message, prepend=b""):
    p = subprocess.run(argv, input=prepend + message, capture_output=True)
    return p.returncode, p.stdout, p.stderr


hidden = open(os.path.join(DATA, "hidden-verp.eml"), "rb").read()
# the same bounce as the MTA sees it when the report's To is the bare list
# address: only the envelope (the header the MTA prepends) holds the VERP
bare = hidden.replace(b"To: list-bounces+alice=example.org@lists.example.com",
                      b"To: list-bounces@lists.example.com")
dsn = open(os.path.join(DATA, "dsn-verp.eml"), "rb").read()
VERP = b"list-bounces+alice=example.org@lists.example.com"

# ---------------------------------------------------------------- Postfix
flags, argv = postfix_argv()
expect("O" in flags and "D" in flags, "master.cf: flags D and O prepend the envelope recipient")
expect("--pipe" in argv, "master.cf: argv uses --pipe")
with tmpdir() as d:
    out = os.path.join(d, "bounces.jsonl")
    a = localise(argv, out)
    # pipe(8) flag D and O: Delivered-To and X-Original-To, the recipient
    pre = b"Delivered-To: " + VERP + b"\nX-Original-To: " + VERP + b"\n"
    rc, so, se = deliver(a, bare, pre)
    expect(rc == 0, "postfix: delivery exits 0")
    rc, so, se = deliver(a, dsn, b"Delivered-To: list-bounces+bob=example.net@lists.example.com\n")
    expect(rc == 0, "postfix: second delivery exits 0")
    recs = jsonl(open(out).read())
    expect(len(recs) == 2, "postfix: one record per delivery")
    r = recs[0]["recipients"]
    expect([x["address"] for x in r] == ["alice@example.org"] and r[0]["source"] == "verp",
           "postfix: the hidden recipient comes from X-Original-To (VERP)")
    expect(recs[0]["file"] == "-", "postfix: record names stdin")
    expect(recs[1]["recipients"][0]["address"] == "bob@example.net", "postfix: DSN bounce")
    # not a bounce, or empty: still recorded, still 0 (never bounce a bounce)
    rc, _, _ = deliver(a, b"From: someone@example.com\nSubject: hi\n\nhello\n")
    expect(rc == 0, "postfix: a non-bounce exits 0")
    rc, _, _ = deliver(a, b"")
    expect(rc == 0, "postfix: an empty message exits 0 with an error record")
    recs = jsonl(open(out).read())
    expect(len(recs) == 4 and "error" in recs[3], "postfix: the empty message has an error record")

    # cannot write the record: EX_TEMPFAIL so Postfix defers (a path under a
    # regular file fails even for root)
    blocker = os.path.join(d, "file")
    open(blocker, "w").close()
    rc, _, se = deliver(localise(argv, os.path.join(blocker, "x.jsonl")), dsn)
    expect(rc == EX_TEMPFAIL, "postfix: unwritable output exits 75 (got %d)" % rc)
    # /dev/full: the write itself fails
    if os.path.exists("/dev/full"):
        rc, _, _ = deliver(localise(argv, "/dev/full"), dsn)
        expect(rc == EX_TEMPFAIL, "postfix: a failing write exits 75 (got %d)" % rc)
    # usage and set-up errors defer too, under --pipe
    rc, _, _ = deliver(a + ["--no-such-option"], dsn)
    expect(rc == EX_TEMPFAIL, "postfix: an unknown option exits 75, not 2")
    rc, _, _ = deliver(a + ["--rules", os.path.join(d, "missing.rules")], dsn)
    expect(rc == EX_TEMPFAIL, "postfix: a missing rules file exits 75")

    # maxproc > 1: concurrent deliveries append whole records
    out2 = os.path.join(d, "concurrent.jsonl")
    a2 = localise(argv, out2)
    big = dsn.replace(b"Weekly digest", b"Weekly digest " + b"x" * 60000)
    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        codes = list(ex.map(lambda i: deliver(a2, big if i % 2 else dsn)[0], range(32)))
    expect(codes == [0] * 32, "postfix: 32 concurrent deliveries exit 0")
    recs = jsonl(open(out2).read())
    expect(len(recs) == 32, "postfix: 32 whole records, none interleaved")

# ---------------------------------------------------------------- Exim
opts = exim_command()
expect(str(EX_TEMPFAIL) in str(opts.get("temp_errors", "")).split(":"),
       "exim: temp_errors holds 75")
expect(opts.get("envelope_to_add") is True, "exim: envelope_to_add is set")
expect(opts.get("message_prefix", None) == "", "exim: message_prefix is empty")
router = block("exim.md", "exim router")
expect("transport = bounceclass_pipe" in router and "local_part_suffix = +*" in router,
       "exim: the router sends list-bounces+* to the transport")
# Exim splits the command into arguments itself (no shell), like shlex
argv = shlex.split(opts["command"])
with tmpdir() as d:
    out = os.path.join(d, "bounces.jsonl")
    a = localise(argv, out)
    pre = b"Envelope-To: " + VERP + b"\nReturn-path: <>\n"
    rc, _, _ = deliver(a, bare, pre)
    expect(rc == 0, "exim: delivery exits 0")
    # Exim's default message_prefix (an mbox From line) is tolerated too
    rc, _, _ = deliver(a, bare, b"From MAILER-DAEMON Tue Nov 24 11:00:00 2026\n" + pre)
    expect(rc == 0, "exim: delivery with a From_ line exits 0")
    recs = jsonl(open(out).read())
    for i in range(2):
        r = recs[i]["recipients"]
        expect([x["address"] for x in r] == ["alice@example.org"] and r[0]["source"] == "verp"
               and recs[i]["verp"] == "alice@example.org",
               "exim: record %d: the hidden recipient comes from Envelope-To" % (i + 1))
    blocker = os.path.join(d, "file")
    open(blocker, "w").close()
    rc, _, _ = deliver(localise(argv, os.path.join(blocker, "x")), dsn, pre)
    expect(rc == EX_TEMPFAIL, "exim: unwritable output exits 75, a temp_error: Exim defers")
print("all pipe checks passed")
