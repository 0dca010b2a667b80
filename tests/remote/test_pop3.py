#!/usr/bin/env python3
"""test_pop3.py - bounceclass reading a real Dovecot over POP3: pop3s
without --delete (messages kept, a rerun takes only new ones), pop3:// with
STARTTLS and --delete (deleted once written), killed midway and run again
with --delete (each message once, all deleted).
"""
import collections

from remote_util import main, corpus, check, records, read_records, uid_of, kill_after


def body(c):
    files = corpus()[:12]
    c.load(files)
    rc, err, out = c.run(c.url("pop3s"), state="keep.state")
    check(rc == 0 and len(records(out)) == len(files), "pop3s run, one record per message",
          rc, err)
    check(c.d.count() == len(files), "without --delete every message stays")
    rc, err, out = c.run(c.url("pop3s"), state="keep.state")
    check(rc == 0 and records(out) == [], "a rerun finds nothing new", rc, err, out)
    c.load(corpus()[20:22], start=100)
    rc, err, out = c.run(c.url("pop3s"), state="keep.state")
    check(rc == 0 and len(records(out)) == 2, "a rerun takes only the 2 new ones", rc, err)
    check(all(";UIDL=" in r["file"] for r in records(out)), "records name the UIDL")

    rc, err, out = c.run(c.url("pop3"), "--delete", state="del.state")
    check(rc == 0 and len(records(out)) == len(files) + 2,
          "pop3:// STARTTLS with --delete reads all (own state)", rc, err)
    check(c.d.count() == 0, "with --delete every message is gone", c.d.count())

    many = corpus(80)
    c.load(many, start=1000)
    out_path = c.path("kill.jsonl")
    args = c.args(c.url("pop3s"), "--delete", state="kill.state")
    kills = sum(kill_after(args, out_path, at, c.env) for at in (10, 40))
    rc, err, _ = c.run(c.url("pop3s"), "--delete", out=out_path, state="kill.state")
    recs = read_records(out_path)
    per = collections.Counter(uid_of(r) for r in recs)
    check(rc == 0 and kills >= 1, "killed %d times, then finished" % kills, rc, err)
    check(len(per) == len(many) and max(per.values()) == 1,
          "every message recorded exactly once", len(recs), len(per))
    check(c.d.count() == 0, "and all deleted", c.d.count())


main(body)
