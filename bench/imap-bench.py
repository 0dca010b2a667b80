#!/usr/bin/env python3
"""imap-bench.py - messages/s of bounceclass over IMAP on localhost against
the same messages read from a local mbox (issue 9).

Starts a throw-away Dovecot (tests/remote/dovecot.py; needs dovecot-imapd
and openssl), loads N corpus messages (default 1000) into a folder, and
times, fastest of --repeat runs:
  mbox        bounceclass --json MBOX > /dev/null
  imaps       bounceclass --json imaps://.../Bench > FILE, moving each message to
              Processed (the folder is reloaded between runs), state and
              output fsync()ed per batch, as in real use
  imaps-kw    the same with --imap-keyword (STORE instead of MOVE)
each with --jobs 1 and --jobs 2. Usage:
  bench/imap-bench.py [--build build] [--messages N] [--repeat R]
"""
import argparse
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "remote"))
import dovecot  # noqa: E402
import remote_util  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--messages", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    binary = os.path.join(a.build, "src", "bounceclass")
    files = remote_util.corpus(a.messages)
    msgs = [remote_util.tagged(p, i) for i, p in enumerate(files)]

    d = dovecot.Dovecot()
    try:
        d.start()
    except dovecot.Unavailable as e:
        print("Dovecot cannot start: %s" % e)
        return 77
    try:
        mbox = os.path.join(d.tmp, "bench.mbox")
        with open(mbox, "wb") as f:
            for m in msgs:
                f.write(b"From bench@example.org Thu Jan  1 00:00:00 2026\n")
                for line in m.splitlines(keepends=True):
                    f.write(b">" + line if line.startswith(b"From ") else line)
                if not m.endswith(b"\n"):
                    f.write(b"\n")
                f.write(b"\n")
        env = dict(os.environ, BOUNCECLASS_PASSWORD=dovecot.PASSWORD)
        results = {}
        for rep in range(a.repeat):
            for jobs in ("1", "2"):
                t0 = time.perf_counter()
                subprocess.run([binary, "--json", "--jobs", jobs, mbox], check=True,
                               stdout=subprocess.DEVNULL)
                key = "mbox --jobs %s" % jobs
                results[key] = min(results.get(key, 1e9), time.perf_counter() - t0)
                for mode, extra in (("imaps move", []), ("imaps keyword", ["--imap-keyword",
                                                                           "B%d%s" % (rep, jobs)])):
                    folder = "Bench%d%s%s" % (rep, jobs, "k" if extra else "m")
                    for i, m in enumerate(msgs):
                        d.deliver(m, folder)
                    url = "imaps://%s@localhost:%d/%s" % (dovecot.USER, d.ports["imaps"], folder)
                    out = os.path.join(d.tmp, folder + ".jsonl")
                    state = os.path.join(d.tmp, folder + ".state")
                    t0 = time.perf_counter()
                    with open(out, "wb") as fo:
                        subprocess.run([binary, "--json", "--jobs", jobs, "--cacert", d.cert,
                                        "--state", state] + extra + [url], check=True,
                                       stdout=fo, env=env)
                    dt = time.perf_counter() - t0
                    n = remote_util.count_lines(out)
                    if n != len(msgs):
                        print("%s: %d records for %d messages" % (folder, n, len(msgs)))
                        return 1
                    key = "%s --jobs %s" % (mode, jobs)
                    results[key] = min(results.get(key, 1e9), dt)
        print("%d messages, fastest of %d runs, wall clock:" % (len(msgs), a.repeat))
        base = {j: results["mbox --jobs %s" % j] for j in ("1", "2")}
        for key, dt in results.items():
            j = key[-1]
            print("  %-24s %7.2f s %8.0f msg/s  (%.1fx the mbox time)"
                  % (key, dt, len(msgs) / dt, dt / base[j]))
    finally:
        d.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
