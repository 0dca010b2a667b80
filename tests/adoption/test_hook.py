#!/usr/bin/env python3
"""test_hook.py - examples/bounce-hook.py, the list-manager hook: it prints
the addresses to suppress from bounceclass JSON Lines, follows "action",
never counts spam-block against a recipient, and keeps soft points in a
state file."""
import json
import os
import subprocess
import sys

from adopt_util import SRC, expect, run, samples, tmpdir

HOOK = os.path.join(SRC, "examples", "bounce-hook.py")


def hook(args, stdin):
    p = subprocess.run([sys.executable, HOOK] + args, input=stdin, capture_output=True, text=True)
    expect(p.returncode == 0, "hook exits 0 (%s)" % p.stderr.strip()[:200])
    return p.stdout.splitlines(), p.stderr


def rec(*rcpts, **kw):
    r = {"file": "-", "recognizer": "postfix",
         "recipients": [{"address": a, "class": c, "action": x, "reason": "r"} for a, c, x in rcpts]}
    r.update(kw)
    return json.dumps(r)


# real bounceclass output over the samples: the hard bounces are suppressed,
# the mailbox-full one is not (one soft point only)
out = run(["--json", "--summary"] + samples(), check=0, text=True).stdout
got, _ = hook([], out)
expect(sorted(got) == sorted(["bob@example.net", "grace@example.com", "carol@example.org",
                              "alice@example.org", "dave@example.net", "erin@example.net"]),
       "hook on real output: the six hard bounces, not the mailbox-full one")

lines = [
    rec(("hard@example.org", "hard", "suppress")),
    rec(("complainer@example.org", "complaint", "suppress")),
    rec(("ooo@example.org", "auto-reply", "ignore")),
] + [rec(("blocked@example.org", "spam-block", "retry"))] * 10 + \
    [rec(("full@example.org", "mailbox-full", "retry"))] * 3 + \
    [rec(("soft@example.org", "soft", "retry"))] * 5 + \
    [rec(("HARD@example.org", "hard", "suppress"))] + \
    ["not json", json.dumps({"summary": {"messages": 3}}), rec(error="empty input"),
     json.dumps({"address": "flat@example.org", "class": "hard", "action": "suppress"})]
got, err = hook([], "\n".join(lines) + "\n")
expect("hard@example.org" in got and got.count("hard@example.org") == 1,
       "suppress: printed once (addresses compared case-insensitively)")
expect("complainer@example.org" in got, "a complaint suppresses")
expect("ooo@example.org" not in got, "an auto-reply (ignore) does not")
expect("blocked@example.org" not in got, "spam-block is never counted, even 10 times")
expect("full@example.org" not in got, "3 mailbox-full points stay under the limit of 5")
expect("soft@example.org" in got, "5 soft points reach the limit")
expect("flat@example.org" in got, "flat --fields rows are read too")
expect("not JSON" in err, "a broken line is reported on stderr")

got, _ = hook(["--soft-limit", "3"], "\n".join(lines) + "\n")
expect("full@example.org" in got and "blocked@example.org" not in got,
       "--soft-limit 3: mailbox-full reaches it, spam-block still not")
got, _ = hook(["--soft-limit", "0"], "\n".join(lines) + "\n")
expect("soft@example.org" not in got, "--soft-limit 0: soft failures never suppress")

with tmpdir() as d:
    state = os.path.join(d, "scores.json")
    two = "\n".join([rec(("full@example.org", "mailbox-full", "retry"))] * 2) + "\n"
    got, _ = hook(["--state", state], two)
    expect(got == [] and json.load(open(state)) == {"full@example.org": 2}, "state: 2 points kept")
    got, _ = hook(["--state", state], two)
    expect(got == [], "state: 4 points, still under 5")
    got, _ = hook(["--state", state], rec(("full@example.org", "delivered", "ignore")) + "\n")
    expect(json.load(open(state)) == {}, "state: a delivery clears the points")
    got, _ = hook(["--state", state], two + two + two)
    expect(got == ["full@example.org"] and json.load(open(state)) == {},
           "state: the 5th point suppresses and forgets the address")
    path = os.path.join(d, "b.jsonl")
    open(path, "w").write(rec(("x@example.org", "hard", "suppress")) + "\n")
    got, _ = hook([path, "-"], rec(("y@example.org", "hard", "suppress")) + "\n")
    expect(got == ["x@example.org", "y@example.org"], "files and stdin in order")
print("all hook checks passed")
