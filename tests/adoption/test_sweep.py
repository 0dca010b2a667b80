#!/usr/bin/env python3
"""test_sweep.py - the Maildir sweep records every message exactly once, however
it is killed and rerun.

1. Deterministic kills: BOUNCECLASS_SWEEP_CRASH=N:STAGE makes the sweep
   SIGKILL itself right after STAGE (state written, records written,
   messages moved) of the batch holding its N-th message; a plain rerun must
   then finish the job.
2. Random kills: the sweep is started and SIGKILLed after a random delay,
   again and again, until a run ends by itself.
After each scenario: new/ is empty, every message is in cur/ (name + ":2,"),
the output has exactly one record per message, naming where it now is.
Also: --move-to, a second concurrent sweep, tsv output with one header.
"""
import json
import os
import random
import shutil
import signal
import subprocess
import time

from adopt_util import BIN, DATA, expect, fail, run, samples, tmpdir

SAMPLES = [open(f, "rb").read() for f in samples()]


def make_maildir(root, n):
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    names = []
    for i in range(n):
        name = "1764000000.M%06dP%d.host.example" % (i, 4000 + i)
        body = SAMPLES[i % len(SAMPLES)] if i % 5 != 4 else b""   # a few unreadable ones
        with open(os.path.join(root, "new", name), "wb") as fh:
            fh.write(body)
        names.append(name)
    return names


def check_exactly_once(root, out, names, dest=None, what=""):
    dest = dest or root
    left = os.listdir(os.path.join(root, "new"))
    if left:
        fail("%s: %d messages left in new/" % (what, len(left)))
    cur = sorted(os.listdir(os.path.join(dest, "cur")))
    if cur != sorted(n + ":2," for n in names):
        fail("%s: cur/ holds %d files, expected %d" % (what, len(cur), len(names)))
    seen = {}
    with open(out, "rb") as fh:
        data = fh.read()
    if data and not data.endswith(b"\n"):
        fail("%s: output ends in half a record" % what)
    for line in data.decode("utf-8").splitlines():
        rec = json.loads(line)
        base = os.path.basename(rec["file"])
        if not os.path.exists(rec["file"]):
            fail("%s: record names %s, which does not exist" % (what, rec["file"]))
        seen[base] = seen.get(base, 0) + 1
    twice = [k for k, v in seen.items() if v != 1]
    if twice:
        fail("%s: recorded more than once: %s" % (what, twice[:5]))
    missing = [n for n in names if n + ":2," not in seen]
    if missing:
        fail("%s: never recorded: %s" % (what, missing[:5]))
    print("ok: %s: %d messages, each recorded exactly once and moved" % (what, len(names)))


def sweep(root, out, extra=(), env=None, check=None):
    return run(["--sweep", root, "--json", "--output", out] + list(extra), env=env, check=check,
               text=True)


# 1. deterministic crash points
for stage in ("state", "output", "move"):
    for n in (1, 5):
        with tmpdir() as d:
            root, out = os.path.join(d, "Maildir"), os.path.join(d, "out.jsonl")
            names = make_maildir(root, 12)
            p = sweep(root, out, env={"BOUNCECLASS_SWEEP_CRASH": "%d:%s" % (n, stage),
                                      "BOUNCECLASS_SWEEP_BATCH": "4"})
            if p.returncode != -signal.SIGKILL:
                fail("crash %d:%s: sweep exited %d, not killed" % (n, stage, p.returncode))
            moved = len(os.listdir(os.path.join(root, "cur")))
            first = (n - 1) // 4 * 4          # messages in the batches before
            want_moved = first + 4 if stage == "move" else first
            expect(moved == want_moved, "crash after %s of the batch of message %d: %d moved "
                   "before the kill" % (stage, n, moved))
            p = sweep(root, out, env={"BOUNCECLASS_SWEEP_BATCH": "4"})
            expect(p.returncode == 1, "rerun completes (status 1: some messages unreadable)")
            check_exactly_once(root, out, names, what="crash %d:%s" % (n, stage))
            # a third run has nothing to do and writes nothing
            size = os.path.getsize(out)
            sweep(root, out, check=0)
            expect(os.path.getsize(out) == size, "an idle rerun writes nothing")

# a half-written record (as after a crash or a full disk) is cut off and redone
with tmpdir() as d:
    root, out = os.path.join(d, "Maildir"), os.path.join(d, "out.jsonl")
    names = make_maildir(root, 6)
    p = sweep(root, out, env={"BOUNCECLASS_SWEEP_CRASH": "3:output", "BOUNCECLASS_SWEEP_BATCH": "1"})
    expect(p.returncode == -signal.SIGKILL, "killed after the 3rd record")
    with open(out, "rb") as fh:
        data = fh.read()
    last = data[:-1].rfind(b"\n") + 1
    with open(out, "wb") as fh:
        fh.write(data[:last + 10])          # keep 10 bytes of the last record
    p = sweep(root, out)
    expect("half-written record" in p.stderr, "the half-written record is dropped")
    check_exactly_once(root, out, names, what="half-written record")

# 2. random kills
random.seed(int(os.environ.get("BC_SWEEP_SEED", "7")))
with tmpdir() as d:
    root, out = os.path.join(d, "Maildir"), os.path.join(d, "out.jsonl")
    # enough messages, and kills early enough, that a run is still going
    # when the first kill comes even on a fast machine (200 messages and a
    # first wait of up to 0.3 s let a whole sweep finish before any kill);
    # the wait grows with each attempt, so the sweep ends in the end
    names = make_maildir(root, 600)
    kills = mid = 0
    for attempt in range(500):
        before = len(os.listdir(os.path.join(root, "new")))
        proc = subprocess.Popen([BIN, "--sweep", root, "--json", "--output", out],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=dict(os.environ, BOUNCECLASS_SWEEP_BATCH="3"))
        time.sleep(random.uniform(0.005, 0.08) * (1 + attempt / 10.0))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
            after = len(os.listdir(os.path.join(root, "new")))
            if 0 < after < before:
                mid += 1
        elif proc.returncode in (0, 1):
            break
        else:
            fail("sweep exited %d" % proc.returncode)
    else:
        fail("the sweep never finished")
    expect(kills > 0, "random kills: %d runs killed, %d of them mid-way" % (kills, mid))
    check_exactly_once(root, out, names, what="random kills")

# --move-to a folder; a second sweep on the same Maildir is refused
with tmpdir() as d:
    root, out = os.path.join(d, "Maildir"), os.path.join(d, "out.jsonl")
    names = make_maildir(root, 5)
    sweep(root, out, ["--move-to", ".Bounces.Done"], check=1)
    dest = os.path.join(root, ".Bounces.Done")
    expect(os.path.isdir(os.path.join(dest, "new")), "--move-to creates the Maildir folder")
    check_exactly_once(root, out, names, dest=dest, what="--move-to")

    import fcntl
    make_maildir(root, 2)
    with open(os.path.join(root, "bounceclass-sweep.lock"), "a") as lk:
        fcntl.flock(lk, fcntl.LOCK_EX)
        p = sweep(root, out)
        expect(p.returncode == 75 and "another sweep" in p.stderr,
               "a concurrent sweep is refused with 75")
    expect(len(os.listdir(os.path.join(root, "new"))) == 2, "the refused sweep moved nothing")

# tsv: one header, rows for each message
with tmpdir() as d:
    root, out = os.path.join(d, "Maildir"), os.path.join(d, "out.tsv")
    names = make_maildir(root, 8)
    p = run(["--sweep", root, "-f", "tsv", "--output", out],
            env={"BOUNCECLASS_SWEEP_CRASH": "4:output", "BOUNCECLASS_SWEEP_BATCH": "2"})
    run(["--sweep", root, "-f", "tsv", "--output", out])
    lines = open(out).read().splitlines()
    expect(lines[0].startswith("file\t") and sum(l.startswith("file\t") for l in lines) == 1,
           "tsv sweep: one header line")
    files = [os.path.basename(l.split("\t")[0]) for l in lines[1:]]
    expect(sorted(set(files)) == sorted(n + ":2," for n in names),
           "tsv sweep: every message has rows")

# usage
with tmpdir() as d:
    p = run(["--sweep", d, "--output", os.path.join(d, "o")], text=True)
    expect(p.returncode == 2, "--sweep on a directory without new/ is an error")
    os.makedirs(os.path.join(d, "new"))
    p = run(["--sweep", d], text=True)
    expect(p.returncode == 2 and "--output" in p.stderr, "--sweep needs --output")
print("all sweep checks passed")
