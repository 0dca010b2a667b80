#!/usr/bin/env python3
"""test_watch.py - bounceclass --watch against a real Dovecot: new mail is
classified as it arrives (polling every second); when Dovecot is killed and
started again the run reconnects (with backoff) and goes on; SIGTERM ends it
with status 0. Once with --jobs 1 over IMAP, once with --jobs 2 over POP3.
"""
import collections
import signal
import subprocess
import time

from remote_util import main, corpus, check, read_records, uid_of, wait_for, count_lines


def watch(c, scheme, jobs):
    files = corpus()
    out = c.path("watch-%s.jsonl" % scheme)
    errf = c.path("watch-%s.err" % scheme)
    extra = ["--watch", "--poll-interval", "1", "--jobs", jobs]
    if scheme == "pop3s":
        extra.append("--delete")
    args = c.args(c.url(scheme), *extra, state="watch-%s.state" % scheme)
    c.load(files[:3], start=100 * int(jobs))
    with open(out, "wb") as fo, open(errf, "wb") as fe:
        p = subprocess.Popen(args, stdout=fo, stderr=fe, env=c.env)
    try:
        check(wait_for(lambda: count_lines(out) >= 3, 20),
              "%s: the messages there at the start are classified" % scheme, count_lines(out))
        c.load(files[3:5], start=100 * int(jobs) + 3)
        check(wait_for(lambda: count_lines(out) >= 5, 20),
              "%s: new mail is classified while watching" % scheme, count_lines(out))

        c.d.stop()
        time.sleep(2.5)
        check(p.poll() is None, "%s: still running while the server is down" % scheme,
              open(errf).read())
        c.d.start()
        c.load(files[5:7], start=100 * int(jobs) + 5)
        check(wait_for(lambda: count_lines(out) >= 7, 40),
              "%s: after the server came back, new mail is classified" % scheme,
              count_lines(out), open(errf).read())
        err = open(errf).read()
        check("reconnecting" in err, "%s: the lost connection is reported" % scheme, err)
        p.send_signal(signal.SIGTERM)
        rc = p.wait(timeout=20)
        check(rc == 0, "%s: SIGTERM ends the watch with status 0" % scheme, rc,
              open(errf).read())
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    per = collections.Counter(uid_of(r) for r in read_records(out))
    check(len(per) == 7 and max(per.values()) == 1, "%s: each message once" % scheme, per)


def body(c):
    watch(c, "imaps", "1")
    watch(c, "pop3s", "2")


main(body)
