#!/usr/bin/env python3
"""test_formats.py - the four output formats (text, json, tsv, csv), --fields,
--summary, --output and the VERP options of the command line, all on the
samples in tests/adoption/data/ and checked against one another."""
import csv
import io
import os

from adopt_util import (BIN, EXPECTED, expect, fail, jsonl, run, samples, tmpdir)

DEFAULT_FIELDS = ["file", "index", "address", "reason", "class", "action", "status",
                  "reply_code", "source", "recognizer", "diagnostic", "error"]
files = samples()
names = [os.path.basename(f) for f in files]
for n in EXPECTED:
    expect(n in names, "sample %s present" % n)

# --- json (JSON Lines, one record per message; --json and --format json agree)
j1 = run(["--json"] + files, check=0, text=True).stdout
j2 = run(["--format", "json"] + files, check=0, text=True).stdout
expect(j1 == j2, "--json and --format json give the same records")
recs = jsonl(j1)
expect(len(recs) == len(files), "json: one record per message")
by_file = {os.path.basename(r["file"]): r for r in recs}
for name, (addr, reason, klass, action, source) in EXPECTED.items():
    r = by_file[name]
    got = [(x["address"], x["reason"], x["class"], x["action"], x["source"]) for x in r["recipients"]]
    expect(got == [(addr, reason, klass, action, source)],
           "json: %s -> %s %s %s %s %s" % (name, addr, reason, klass, action, source))
expect(by_file["hidden-verp.eml"].get("verp") == "alice@example.org", "json: verp field")
expect("verp" not in by_file["srs.eml"], "json: SRS envelope gives no verp field")

# --- tsv
tsv = run(["--format", "tsv"] + files, check=0, text=True).stdout
lines = tsv.split("\n")
expect(lines[-1] == "", "tsv: ends with a newline")
lines = lines[:-1]
expect(lines[0].split("\t") == DEFAULT_FIELDS, "tsv: header names the default fields")
rows = [dict(zip(DEFAULT_FIELDS, l.split("\t"))) for l in lines[1:]]
expect(all(len(l.split("\t")) == len(DEFAULT_FIELDS) for l in lines), "tsv: every row has every column")
expect(len(rows) == sum(max(1, len(r["recipients"])) for r in recs), "tsv: one row per recipient")
for row in rows:
    name = os.path.basename(row["file"])
    if name in EXPECTED:
        addr, reason, klass, action, source = EXPECTED[name]
        if (row["address"], row["reason"], row["class"], row["action"], row["source"]) != \
                (addr, reason, klass, action, source):
            fail("tsv row for %s: %r" % (name, row))
print("ok: tsv rows match the json records")

# --- csv
out = run(["--format", "csv"] + files, check=0).stdout
expect(b"\r\n" in out, "csv: CRLF line ends (RFC 4180)")
table = list(csv.reader(io.StringIO(out.decode("utf-8"), newline="")))
expect(table[0] == DEFAULT_FIELDS, "csv: header")
expect(len(table) - 1 == len(rows), "csv: same number of rows as tsv")
for c, t in zip(table[1:], rows):
    if c[2:6] != [t["address"], t["reason"], t["class"], t["action"]]:
        fail("csv row %r differs from tsv row %r" % (c, t))
print("ok: csv rows match the tsv rows")

# --- text
text = run(["--format", "text"] + files, check=0, text=True).stdout
expect(run(files, check=0, text=True).stdout == text, "text is the default format")
for name, (addr, reason, klass, action, source) in EXPECTED.items():
    line = [l for l in text.splitlines() if os.path.basename(l.split(":")[0]) == name]
    expect(len(line) == 1 and addr in line[0] and klass in line[0] and reason in line[0],
           "text: %s names %s %s" % (name, addr, klass))

# --- --fields in every format
f = "address,class,action,source,verp"
t = run(["-f", "tsv", "--fields", f, "--no-header"] + files, check=0, text=True).stdout
expect(all(len(l.split("\t")) == 5 for l in t.splitlines()), "--fields: tsv has 5 columns, no header")
c = list(csv.reader(io.StringIO(run(["-f", "csv", "--fields", f] + files, check=0, text=True).stdout)))
expect(c[0] == f.split(","), "--fields: csv header")
jf = jsonl(run(["--json", "--fields", f] + files, check=0, text=True).stdout)
expect(all(list(o.keys()) == f.split(",") for o in jf), "--fields: json flat objects with those keys")
expect({"address": "alice@example.org", "class": "hard", "action": "suppress", "source": "verp",
        "verp": "alice@example.org"} in jf, "--fields: json row of the hidden VERP bounce")
tt = run(["--fields", "address,class"] + files, check=0, text=True).stdout
expect("alice@example.org  hard" in tt, "--fields: text columns")
bad = run(["--fields", "address,nosuch"] + files, text=True)
expect(bad.returncode == 2 and "nosuch" in bad.stderr, "--fields: unknown field is a usage error")
bad = run(["--format", "xml"] + files, text=True)
expect(bad.returncode == 2, "--format: unknown format is a usage error")

# --- --summary
s = run(["--json", "--summary"] + files, check=0, text=True).stdout
objs = jsonl(s)
summ = objs[-1]["summary"]
expect(len(objs) == len(files) + 1, "summary: one extra json line at the end")
expect(summ["messages"] == len(files), "summary: message count")
n_rcpt = sum(len(r["recipients"]) for r in recs)
expect(summ["recipients"] == n_rcpt, "summary: recipient count")
want = {}
for r in recs:
    for x in r["recipients"]:
        want[x["class"]] = want.get(x["class"], 0) + 1
expect(summ["class"] == want, "summary: counts per class %r" % want)
expect(sum(summ["reason"].values()) == n_rcpt, "summary: counts per reason add up")
p = run(["-f", "tsv", "--summary"] + files, check=0, text=True)
expect(p.stdout == tsv, "summary: with tsv, stdout is the same table")
expect("summary: %d messages" % len(files) in p.stderr, "summary: with tsv, it goes to stderr")
st = run(["--summary"] + files, check=0, text=True).stdout
expect("summary: %d messages" % len(files) in st and "class   hard" in st, "summary: text")

# --- --output appends; the tsv header is written once
with tmpdir() as d:
    o = os.path.join(d, "out.tsv")
    run(["-f", "tsv", "--output", o] + files[:2], check=0)
    run(["-f", "tsv", "--output", o] + files[2:], check=0)
    got = open(o).read()
    expect(got == tsv, "--output: two appending runs give one table with one header")
    bad = run(["--output", os.path.join(d, "no", "such", "dir", "f")] + files[:1], text=True)
    expect(bad.returncode == 2, "--output: unwritable file is an error")

# --- VERP options
hv = os.path.join(os.path.dirname(files[0]), "hidden-verp.eml")
r = jsonl(run(["--json", "--no-verp", hv], check=0, text=True).stdout)[0]
expect(r["recipients"] == [] and "verp" not in r, "--no-verp: nothing decoded")
r = jsonl(run(["--json", "--verp-prefix", "other", hv], check=0, text=True).stdout)[0]
expect("verp" not in r, "--verp-prefix: another prefix does not match")
r = jsonl(run(["--json", "--verp-prefix", "list-bounces", "--verp-delimiters", "+=", hv],
              check=0, text=True).stdout)[0]
expect(r.get("verp") == "alice@example.org", "--verp-prefix: the right prefix decodes")
bad = run(["--verp-delimiters", "+", hv], text=True)
expect(bad.returncode == 2, "--verp-delimiters: one character is a usage error")

# --- mbox input: index column
with tmpdir() as d:
    mbox = os.path.join(d, "box")
    with open(mbox, "w") as fh:
        for name in ("dsn-verp.eml", "hidden-verp.eml"):
            fh.write("From MAILER-DAEMON Tue Nov 24 09:15:02 2026\n")
            fh.write(open(os.path.join(os.path.dirname(files[0]), name)).read().rstrip("\n") + "\n\n")
    c = list(csv.reader(io.StringIO(run(["-f", "csv", "--fields", "index,address", mbox],
                                        check=0, text=True).stdout)))
    expect(c[1:] == [["1", "bob@example.net"], ["2", "alice@example.org"]], "mbox: index column")
print("all format checks passed")
