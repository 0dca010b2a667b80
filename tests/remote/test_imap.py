#!/usr/bin/env python3
"""test_imap.py - bounceclass reading an IMAP folder of a real Dovecot:
records equal to those of the same messages read from files; moved to
Processed (created) or given a keyword; nothing twice when run again;
killed with SIGKILL midway (--jobs 1 and --jobs 3) and run again, every
message classified exactly once; imap:// with STARTTLS; UIDVALIDITY change.
"""
import os
import collections

from remote_util import (main, corpus, check, records, read_records, uid_of, without_file,
                         local_records, kill_after)


def body(c):
    files = corpus()[:40]

    # -- imaps, move (default), records as for files ---------------------
    c.load(files)
    rc, err, out = c.run(c.url(), state="move.state")
    recs = records(out)
    check(rc == 0, "imaps run exits 0", rc, err)
    check(len(recs) == len(files), "one record per message", len(recs))
    check(sorted(map(without_file, recs)) == sorted(map(without_file,
                                                        local_records(files, c.tmp))),
          "records equal those of the same messages read from a Maildir")
    check(all(r["file"].startswith(c.url() + ";UIDVALIDITY=") for r in recs),
          "record names the message by URL, UIDVALIDITY and UID", recs[0]["file"])
    check(c.imap_count("INBOX") == 0 and c.imap_count("Processed") == len(files),
          "every message moved to Processed (created)", c.imap_count("INBOX"),
          c.imap_count("Processed"))
    rc, err, out = c.run(c.url(), state="move.state")
    check(rc == 0 and records(out) == [], "a second run finds nothing to do", rc, err)

    # -- imap:// with STARTTLS, --imap-move-to ----------------------------
    c.load(files[:5], start=1000)
    rc, err, out = c.run(c.url("imap"), "--imap-move-to", "Done/Bounces", state="tls.state")
    check(rc == 0 and len(records(out)) == 5, "imap:// (STARTTLS) run", rc, err)
    check(c.imap_count("Done/Bounces") == 5, "moved to --imap-move-to folder")

    # -- a folder below another, a target with a space ---------------------
    c.load(files[:4], folder="Lists/Bounces", start=1500)
    rc, err, out = c.run(c.url(folder="Lists/Bounces"), "--imap-move-to", "Old Bounces",
                         state="nested.state")
    check(rc == 0 and len(records(out)) == 4, "reads a folder below another", rc, err)
    check(c.imap_count("Lists/Bounces") == 0 and c.imap_count("Old Bounces") == 4,
          "moved to a folder whose name has a space")

    # -- keyword mode: messages stay, get the keyword, are not done twice --
    c.load(files[:6], folder="Kw", start=2000)
    rc, err, out = c.run(c.url(folder="Kw"), "--imap-keyword", "BcDone", state="kw.state")
    check(rc == 0 and len(records(out)) == 6, "keyword run", rc, err)
    check(c.imap_count("Kw") == 6 and c.imap_count("Kw", "KEYWORD BcDone") == 6,
          "messages kept, each with the keyword")
    c.load(files[6:8], folder="Kw", start=2100)
    rc, err, out = c.run(c.url(folder="Kw"), "--imap-keyword", "BcDone", state="kw.state")
    check(rc == 0 and len(records(out)) == 2, "next keyword run takes only the new ones",
          rc, err, out)
    check(c.imap_count("Kw", "UNKEYWORD BcDone") == 0, "all carry the keyword now")

    # -- killed midway, run again: exactly once ---------------------------
    for jobs, folder in (("1", "Kill1"), ("3", "Kill3")):
        many = corpus(120)
        c.load(many, folder=folder, start=3000)
        out_path = c.path("kill-%s.jsonl" % folder)
        args = c.args(c.url(folder=folder), "--jobs", jobs, state="kill-%s.state" % folder)
        kills = 0
        for at in (17, 50, 90):
            kills += kill_after(args, out_path, at, c.env)
        rc, err, _ = c.run(c.url(folder=folder), "--jobs", jobs, out=out_path,
                           state="kill-%s.state" % folder)
        check(rc == 0, "run after kills finishes (--jobs %s)" % jobs, rc, err)
        recs = read_records(out_path)
        per_uid = collections.Counter(uid_of(r) for r in recs)
        dup = [u for u, k in per_uid.items() if k > 1]
        check(kills >= 2, "the run was killed midway (--jobs %s, %d times)" % (jobs, kills))
        check(not dup and len(per_uid) == len(many),
              "killed %d times, every message recorded exactly once (--jobs %s)" % (kills, jobs),
              "records %d, distinct %d, expected %d, duplicated %s" % (len(recs), len(per_uid),
                                                                       len(many), dup[:10]))
        check(c.imap_count(folder) == 0 and c.imap_count("Processed") >= len(many),
              "and every message moved (--jobs %s)" % jobs)

    # -- resuming a batch that was being written --------------------------
    # A state as a run killed while writing UIDs 1-3 leaves it: pending at
    # offset 0, 900 bytes. (a) The output holds only part of it: the part is
    # cut off and the three are classified again. (b) The output holds all of
    # it: they count as written and are only moved.
    for case, content in (("half", b'{"file":"half-writ'), ("whole", b"x" * 899 + b"\n")):
        folder = "Resume" + case
        c.load(files[30:33], folder=folder, start=5000)
        v = c.uidvalidity(folder)
        st = c.path(folder + ".state")
        with open(st, "w") as f:
            f.write("[bounceclass]\nsource=%s\nuidvalidity=%d\ndone=\npending=1;2;3;\n"
                    "pending-offset=0\npending-length=900\n" % (c.url(folder=folder), v))
        out_path = c.path(folder + ".jsonl")
        with open(out_path, "wb") as f:
            f.write(content)
        rc, err, _ = c.run(c.url(folder=folder), out=out_path, state=folder + ".state")
        data = open(out_path, "rb").read()
        if case == "half":
            recs = read_records(out_path)
            check(rc == 0 and len(recs) == 3 and "cutting it back" in err,
                  "a half-written batch is cut off and written again", rc, err, data[:200])
        else:
            check(rc == 0 and data == content, "a completely written batch is not written again",
                  rc, err, data[:200])
        check(c.imap_count(folder) == 0, "and its messages are moved (%s)" % case)

    # -- UIDVALIDITY change ------------------------------------------------
    # Run 1 moves 3 messages with UIDs 1..3; the state is then made to list
    # them as written but not marked (as a run stopped before its MOVE leaves
    # it). The folder is rebuilt (new UIDVALIDITY, UIDs start again at 1) and
    # 3 other messages delivered: they get UIDs 1..3 again. Had the old state
    # been applied, they would count as written: moved, never classified.
    c.load(files[10:13], folder="Uv", start=4000)
    rc, err, out = c.run(c.url(folder="Uv"), state="uv.state")
    check(rc == 0 and len(records(out)) == 3, "UIDVALIDITY test: first run", rc, err)
    v1 = c.uidvalidity("Uv")
    state = open(c.path("uv.state")).read()
    check("uidvalidity=%d" % v1 in state, "state records the UIDVALIDITY", state)
    with open(c.path("uv.state"), "w") as f:
        f.write(state.replace("done=\n", "done=1;2;3;\n"))
    check("done=1;2;3;" in open(c.path("uv.state")).read(), "old state lists UIDs 1-3 as done")
    c.d.stop()
    c.d.reset_uidvalidity("Uv")
    c.load(files[20:23], folder="Uv", start=4100)
    c.d.start()
    v2 = c.uidvalidity("Uv")
    check(v2 != v1, "the folder has a new UIDVALIDITY", v1, v2)
    rc, err, out = c.run(c.url(folder="Uv"), state="uv.state")
    recs = records(out)
    check(rc == 0 and "UIDVALIDITY changed" in err, "the change is reported", rc, err)
    check(len(recs) == 3 and sorted(uid_of(r) for r in recs) == ["1", "2", "3"],
          "after the change, messages whose UIDs were in the old state are processed",
          [r["file"] for r in recs])
    check("uidvalidity=%d" % v2 in open(c.path("uv.state")).read(),
          "the state now holds the new UIDVALIDITY")


main(body)
