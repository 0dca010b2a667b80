#!/usr/bin/env python3
"""test_bulk.py - 1,000 messages in an IMAP folder of a real Dovecot: a run
killed (SIGKILL) about halfway and run again classifies every one exactly
once, moves every one to Processed and leaves the state with nothing
pending. Prints the messages per second of the second run.
"""
import collections
import time

from remote_util import main, corpus, check, read_records, uid_of, kill_after

N = 1000


def body(c):
    c.load(corpus(N))
    out = c.path("bulk.jsonl")
    args = c.args(c.url(), "--jobs", "2", state="bulk.state")
    killed = kill_after(args, out, N // 2, c.env, timeout=120)
    check(killed, "the run was killed about halfway")
    t0 = time.time()
    rc, err, _ = c.run(c.url(), "--jobs", "2", out=out, state="bulk.state", timeout=120)
    dt = time.time() - t0
    check(rc == 0, "the second run finishes", rc, err)
    recs = read_records(out)
    per = collections.Counter(uid_of(r) for r in recs)
    dup = [u for u, k in per.items() if k > 1]
    check(len(per) == N and not dup, "all %d messages recorded exactly once" % N,
          len(recs), len(per), dup[:10])
    check(c.imap_count("INBOX") == 0 and c.imap_count("Processed") == N,
          "all %d moved to Processed" % N, c.imap_count("INBOX"), c.imap_count("Processed"))
    state = open(c.path("bulk.state")).read()
    check("pending" not in state, "nothing pending in the state", state[:500])
    print("second run: %d messages in %.2f s" % (N - N // 2, dt))


main(body)
