#!/usr/bin/env python3
"""bench.py - bounceclass throughput benchmark (not a test; asserts nothing).

usage: bench/bench.py [--build DIR] [--corpus DIR]... [--messages N] [--repeat R]
                      [--jobs N] [--big-mb MB | --no-big] [--no-sisimai] [--workdir DIR]

Builds an mbox of N messages (default 10,000) drawn in turn from the .eml
files under --corpus (default: the project's corpus/), then, in one run and on
that same mbox:

  * times bench/gmime-parse, which only parses the mbox with GMime (the floor),
    and, when bounceclass is linked with mimalloc, the floor on mimalloc too;
  * times `bounceclass --json --jobs 1` and `bounceclass --json --jobs N`;
  * times Sisimai (perl, libsisimai-perl) through bench/sisimai-loop.pl, when
    the Sisimai module is installed;
  * checks that the mbox output equals, message for message, bounceclass run
    on the single files (records compared without "file" and "index"), and
    that --jobs N writes exactly what --jobs 1 writes;
  * times one bounce carrying a 20 MB returned attachment;
  * runs bounceclass over an mbox of about --big-mb MB (default 1024) and
    reports its peak RSS.

With --corpus given more than once, each corpus gets its own mbox and its
own timings, one after the other (the 20 MB bounce and the large mbox only
with the first), and a summary at the end sets the goals of all side by
side: our samples are small and many are edge cases, while real bounces
are larger and weigh parsing more, so the ratios depend on the mix.

Each timed command runs --repeat times (default 3), interleaved, and the best
wall-clock time counts: the machine may be shared, and the fastest run is
the one least disturbed. Prints msg/s, the ratios and peak RSS. Ratios are
given by wall-clock time and by CPU time (user + system); on a busy machine
the CPU-time ratio is the steadier measure of one-core throughput, while the
--jobs speed-up can only be judged by wall-clock time on otherwise idle cores.
A third column pairs the runs: the median, over the repeats, of the ratio of
two commands timed in the same repeat, one right after the other, which a
machine whose speed drifts from minute to minute disturbs less than the best
times of each (they may come from different moments). Beside
it, N copies of the floor run at once show what the machine gives N
independent processes: no --jobs N speed-up can beat that ceiling. The work
directory (default: a temporary one) is removed afterwards unless given.
"""
import argparse
import base64
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
SEPARATOR = b"From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n"


def find_eml(corpus):
    out = []
    for root, dirs, files in os.walk(corpus):
        dirs.sort()
        for f in sorted(files):
            if f.endswith(".eml"):
                path = os.path.join(root, f)
                with open(path, "rb") as fh:
                    if fh.read(5) == b"From ":
                        continue    # an mbox itself, not one message
                out.append(path)
    return out


def mboxrd_quote(data):
    """'>'-quote every line that starts with zero or more '>' then 'From '."""
    lines = data.split(b"\n")
    for i, line in enumerate(lines):
        j = 0
        while j < len(line) and line[j:j + 1] == b">":
            j += 1
        if line[j:j + 5] == b"From ":
            lines[i] = b">" + line
    return b"\n".join(lines)


def write_mbox(path, files, count=None, min_bytes=None):
    """Write messages drawn in turn from files; returns (messages, bytes)."""
    bodies = []
    for f in files:
        with open(f, "rb") as fh:
            data = mboxrd_quote(fh.read())
        if not data.endswith(b"\n"):
            data += b"\n"
        bodies.append(SEPARATOR + data + b"\n")
    n = size = 0
    with open(path, "wb", buffering=1 << 20) as out:
        while (count is not None and n < count) or (min_bytes is not None and size < min_bytes):
            b = bodies[n % len(bodies)]
            out.write(b)
            n += 1
            size += len(b)
    return n, size


def write_big_bounce(path, mb):
    """A DSN whose returned message carries an mb-megabyte attachment."""
    rnd = random.Random(5)
    raw = bytes(rnd.getrandbits(8) for _ in range(3 * 1024)) * (mb * 1024 * 1024 // (3 * 1024) * 3 // 4)
    att = base64.encodebytes(raw)
    msg = (b"From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\n"
           b"To: sender@example.com\n"
           b"Subject: Undelivered Mail Returned to Sender\n"
           b"Date: Thu, 1 Jan 2026 00:00:00 +0000\n"
           b"MIME-Version: 1.0\n"
           b"Content-Type: multipart/report; report-type=delivery-status; boundary=\"outer\"\n\n"
           b"--outer\nContent-Type: text/plain\n\n"
           b"This is the mail system at host mx.example.net.\n\n"
           b"I'm sorry to have to inform you that your message could not\n"
           b"be delivered to one or more recipients.\n\n"
           b"<nobody@example.org>: host mx.example.org[192.0.2.1] said: 550 5.1.1\n"
           b"    <nobody@example.org>: Recipient address rejected: User unknown\n\n"
           b"--outer\nContent-Type: message/delivery-status\n\n"
           b"Reporting-MTA: dns; mx.example.net\n\n"
           b"Final-Recipient: rfc822; nobody@example.org\nAction: failed\nStatus: 5.1.1\n"
           b"Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown\n\n"
           b"--outer\nContent-Type: message/rfc822\n\n"
           b"From: sender@example.com\nTo: nobody@example.org\nSubject: the report\n"
           b"Message-ID: <big@example.com>\nMIME-Version: 1.0\n"
           b"Content-Type: multipart/mixed; boundary=\"inner\"\n\n"
           b"--inner\nContent-Type: text/plain\n\nHere it is.\n\n"
           b"--inner\nContent-Type: application/octet-stream; name=\"data.bin\"\n"
           b"Content-Disposition: attachment; filename=\"data.bin\"\n"
           b"Content-Transfer-Encoding: base64\n\n" + att +
           b"\n--inner--\n\n--outer--\n")
    with open(path, "wb") as out:
        out.write(msg)
    return len(msg)


def vm_hwm(pid):
    """The process's peak RSS in KiB so far (VmHWM), or 0."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run(cmd, stdout=subprocess.DEVNULL, env=None):
    """Run cmd; returns (wall seconds, cpu seconds, peak RSS KiB, status).

    A thread waits for the child and notes the time it ended, so the wall
    time is exact; meanwhile peak RSS is polled from /proc (VmHWM only
    grows, so the last reading is the peak up to a few ms before exit): the
    ru_maxrss that wait4() gives would count the pages of this Python
    process the child was forked from. (Timing by the polling loop itself,
    as before, rounded a one-second run to the next 50 ms.)"""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.DEVNULL, env=env)
    done = {}

    def wait():
        _, done["status"], done["ru"] = os.wait4(p.pid, 0)
        done["t"] = time.perf_counter()

    waiter = threading.Thread(target=wait)
    waiter.start()
    rss = 0
    delay = 0.002
    while waiter.is_alive():
        rss = max(rss, vm_hwm(p.pid))
        waiter.join(delay)
        delay = min(delay * 2, 0.05)
    p.returncode = os.waitstatus_to_exitcode(done["status"])
    ru = done["ru"]
    return done["t"] - t0, ru.ru_utime + ru.ru_stime, rss, p.returncode


def run_together(cmd, k):
    """Run k copies of cmd at once; returns the wall seconds until all end."""
    t0 = time.perf_counter()
    ps = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
          for _ in range(k)]
    for p in ps:
        p.wait()
    return time.perf_counter() - t0


def strip(rec):
    rec = json.loads(rec)
    rec.pop("file", None)
    rec.pop("index", None)
    return rec


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=None, help="meson build directory (default: build)")
    ap.add_argument("--corpus", action="append", default=None,
                    help="directory of .eml samples (default: the project's corpus/); give it"
                         " more than once to bench each corpus in turn, with a summary of all")
    ap.add_argument("--messages", type=int, default=10000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2, help="threads for the parallel run (default 2)")
    ap.add_argument("--big-mb", type=int, default=1024, help="size of the RSS mbox in MB")
    ap.add_argument("--no-big", action="store_true", help="skip the large-mbox RSS run")
    ap.add_argument("--no-sisimai", action="store_true")
    ap.add_argument("--workdir", default=None, help="keep the generated files here")
    a = ap.parse_args()

    build = a.build or os.path.join(SRC, "build")
    bc = os.path.join(build, "src", "bounceclass")
    floor = os.path.join(build, "bench", "gmime-parse")
    for exe in (bc, floor):
        if not os.access(exe, os.X_OK):
            sys.exit("bench: %s not found; build first (ninja -C %s)" % (exe, build))
    corpora = a.corpus or [os.path.join(SRC, "corpus")]
    sets = []
    for corpus in corpora:
        files = find_eml(corpus)
        if not files:
            sys.exit("bench: no .eml files under %s" % corpus)
        sets.append((corpus, files))
    work = a.workdir or tempfile.mkdtemp(prefix="bc-bench-")
    os.makedirs(work, exist_ok=True)
    results = []
    try:
        for i, (corpus, files) in enumerate(sets):
            if len(sets) > 1:
                print("%s== corpus %d of %d: %s" % ("\n" if i else "", i + 1, len(sets), corpus))
            # the 20 MB bounce and the large mbox do not depend on the
            # corpus much: they run with the first one only
            results.append(bench(a, bc, floor, corpus, files, work, extras=(i == 0)))
    finally:
        if not a.workdir:
            shutil.rmtree(work, ignore_errors=True)
    if len(results) > 1:
        summary(a, results)


GOALS = [("one core / floor", "floor", 0.8, "%.2f"),
         ("one core / Sisimai", "sisimai", 10.0, "%.1f"),
         ("--jobs N / one core", "jobs", 1.7, "%.2f")]


def summary(a, results):
    """The goals of every corpus side by side, by wall clock (best times)
    and paired (median of the repeats' ratios)."""
    print()
    print("== summary (goal: met '+', not met '-'; wall clock, paired in brackets)")
    print("%-24s %6s  %s" % ("", "goal", "  ".join("%-22s" % os.path.basename(os.path.normpath(r["corpus"])) for r in results)))
    for label, key, goal, fmt in GOALS:
        cells = []
        for r in results:
            if key not in r:
                cells.append("%-22s" % "not run")
                continue
            w, p = r[key]
            cells.append("%-22s" % ("%s %s (%s %s)" % (fmt % w, "+" if w >= goal else "-",
                                                     fmt % p, "+" if p >= goal else "-")))
        print("%-24s %6s  %s" % (label.replace("N", str(a.jobs)), fmt % goal, "  ".join(cells)))
    print("%-24s %6s  %s" % ("output identical", "", "  ".join(
        "%-22s" % ("yes" if r["identical"] else "NO") for r in results)))


def bench(a, bc, floor, corpus, files, work, extras=True):
    """Times the tools on an mbox of corpus's files; returns the goals'
    ratios, each as (by wall clock, paired), and whether outputs agreed."""
    res = {"corpus": corpus}
    mbox = os.path.join(work, "bench.mbox")
    n, size = write_mbox(mbox, files, count=a.messages)
    print("mbox: %d messages, %.1f MB, from %d samples in %s" % (n, size / 1e6, len(files), corpus))
    print("cores: %d online; %s" % (os.cpu_count(), os.uname().release))

    sisimai = None
    if not a.no_sisimai:
        if subprocess.run(["perl", "-MSisimai", "-MJSON", "-e", "1"], stderr=subprocess.DEVNULL).returncode == 0:
            sisimai = ["perl", os.path.join(HERE, "sisimai-loop.pl"), mbox]
        else:
            print("sisimai: not installed (apt-get install libsisimai-perl libjson-perl); skipped")

    # bounceclass links mimalloc when it is there (src/meson.build); the
    # floor is the bare GMime parse on glibc's malloc. The floor is also
    # timed on bounceclass's allocator, so that both ratios can be read.
    alloc = None
    ldd = subprocess.run(["ldd", bc], capture_output=True, text=True).stdout
    for line in ldd.splitlines():
        if "libmimalloc" in line and "=>" in line:
            alloc = line.split("=>")[1].split("(")[0].strip()
    envs = {}
    tools = [("gmime-parse (floor)", [floor, mbox]),
             ("gmime-parse, charsets kept", [floor, "--keep-charsets", mbox]),
             ("bounceclass --jobs 1", [bc, "--json", "--jobs", "1", mbox]),
             ("bounceclass --jobs %d" % a.jobs, [bc, "--json", "--jobs", str(a.jobs), mbox])]
    if alloc:
        tools.insert(1, ("gmime-parse on mimalloc", [floor, mbox]))
        envs["gmime-parse on mimalloc"] = dict(os.environ, LD_PRELOAD=alloc)
    if sisimai:
        tools.append(("sisimai %s" % subprocess.run(
            ["perl", "-MSisimai", "-e", "print $Sisimai::VERSION"], capture_output=True,
            text=True).stdout.strip(), sisimai))
    best = {}
    walls = {}              # name -> wall seconds of each repeat, in order
    together = None
    for r in range(a.repeat):
        if a.jobs > 1:
            # what this machine gives a.jobs independent processes: the
            # ceiling of any --jobs speed-up (shared caches, memory bandwidth,
            # virtual CPUs that are not whole cores)
            w = run_together([floor, mbox], a.jobs)
            together = w if together is None else min(together, w)
        for name, cmd in tools:
            wall, cpu, rss, rc = run(cmd, env=envs.get(name))
            if rc != 0 and "bounceclass" in name and rc != 1:
                print("warning: %s exited %d" % (name, rc))
            if name not in best or wall < best[name][0]:
                best[name] = (wall, cpu, rss)
            walls.setdefault(name, []).append(wall)
    print()
    print("%-28s %9s %9s %10s %9s" % ("", "wall s", "cpu s", "msg/s", "RSS MB"))
    for name, _ in tools:
        wall, cpu, rss = best[name]
        print("%-28s %9.3f %9.3f %10.0f %9.1f" % (name, wall, cpu, n / wall, rss / 1024))
    wall = {name: best[name][0] for name, _ in tools}
    cpu = {name: best[name][1] for name, _ in tools}
    j1, jn = "bounceclass --jobs 1", "bounceclass --jobs %d" % a.jobs
    fl = "gmime-parse (floor)"
    def paired(num, den):
        """The median over the repeats of num's wall time over den's, timed
        in the same repeat (a msg/s ratio of den to num): commands of one repeat run one after the other, so their
        ratio sees the same machine, where the best times of each may
        come from different moments of a machine whose speed drifts."""
        rs = sorted(x / y for x, y in zip(walls[num], walls[den]))
        return rs[len(rs) // 2]

    print()
    print("%-42s %8s %8s %8s" % ("ratio of msg/s", "by wall", "by cpu", "paired"))
    print("%-42s %7.2fx %7.2fx %7.2fx  (goal >= 0.8)" % ("bounceclass --jobs 1 / gmime-parse floor", wall[fl] / wall[j1], cpu[fl] / cpu[j1], paired(fl, j1)))
    res["floor"] = (wall[fl] / wall[j1], paired(fl, j1))
    fk = "gmime-parse, charsets kept"
    print("%-42s %7.2fx %7.2fx %7.2fx  (the floor without reloading gconv modules)"
          % ("bounceclass --jobs 1 / floor, charsets kept", wall[fk] / wall[j1], cpu[fk] / cpu[j1], paired(fk, j1)))
    if alloc:
        fm = "gmime-parse on mimalloc"
        print("%-42s %7.2fx %7.2fx %7.2fx  (both on mimalloc)" % ("bounceclass --jobs 1 / floor on mimalloc", wall[fm] / wall[j1], cpu[fm] / cpu[j1], paired(fm, j1)))
    if sisimai:
        sn = [t for t, _ in tools if t.startswith("sisimai")][0]
        print("%-42s %7.1fx %7.1fx %7.1fx  (goal >= 10)" % ("bounceclass --jobs 1 / sisimai", wall[sn] / wall[j1], cpu[sn] / cpu[j1], paired(sn, j1)))
        res["sisimai"] = (wall[sn] / wall[j1], paired(sn, j1))
    print("%-42s %7.2fx %8s %7.2fx  (goal >= 1.7 on 2 cores)" % ("bounceclass --jobs %d / --jobs 1" % a.jobs, wall[j1] / wall[jn], "", paired(j1, jn)))
    res["jobs"] = (wall[j1] / wall[jn], paired(j1, jn))
    if together:
        print("%-42s %7.2fx %8s  (the machine's ceiling for the line above)"
              % ("%d floor processes at once / one" % a.jobs, a.jobs * wall[fl] / together, ""))

    # identical output: mbox vs single files, and --jobs N vs --jobs 1
    out1 = os.path.join(work, "j1.jsonl")
    outn = os.path.join(work, "jn.jsonl")
    single = os.path.join(work, "single.jsonl")
    with open(out1, "wb") as f:
        run([bc, "--json", "--jobs", "1", mbox], stdout=f)
    with open(outn, "wb") as f:
        run([bc, "--json", "--jobs", str(a.jobs), mbox], stdout=f)
    with open(single, "wb") as f:
        run([bc, "--json"] + files, stdout=f)
    with open(out1) as f:
        recs = f.read().splitlines()
    with open(single) as f:
        singles = [strip(line) for line in f.read().splitlines()]
    same_jobs = open(out1, "rb").read() == open(outn, "rb").read()
    bad = [i for i, line in enumerate(recs) if strip(line) != singles[i % len(singles)]]
    print()
    print("output, --jobs %d vs --jobs 1 : %s" % (a.jobs, "identical" if same_jobs else "DIFFERENT"))
    print("output, mbox vs single files : %s (%d of %d records differ)"
          % ("identical" if not bad and len(recs) == n else "DIFFERENT", len(bad) + abs(len(recs) - n), n))
    for i in bad[:5]:
        print("   message %d = %s" % (i + 1, os.path.relpath(files[i % len(files)], corpus)))
    res["identical"] = same_jobs and not bad and len(recs) == n
    if not extras:
        os.unlink(out1)
        os.unlink(outn)
        return res

    # one bounce with a 20 MB returned attachment
    big1 = os.path.join(work, "big-attachment.eml")
    bsize = write_big_bounce(big1, 20)
    runs = [run([bc, "--json", big1]) for _ in range(a.repeat)]
    print()
    print("one %.1f MB bounce (returned attachment): %.3f s wall, %.3f s cpu, RSS %.1f MB  (goal < 1 s)"
          % (bsize / 1e6, min(r[0] for r in runs), min(r[1] for r in runs), min(r[2] for r in runs) / 1024))

    if not a.no_big:
        os.unlink(out1)
        os.unlink(outn)
        huge = os.path.join(work, "huge.mbox")
        hn, hsize = write_mbox(huge, files, min_bytes=a.big_mb * 1024 * 1024)
        print()
        print("large mbox: %d messages, %.0f MB" % (hn, hsize / 1e6))
        for jobs in (1, a.jobs):
            wall, cpu, rss, rc = run([bc, "--json", "--jobs", str(jobs), huge])
            print("  bounceclass --jobs %d: %.1f s wall, %.1f s cpu, %.0f msg/s, peak RSS %.1f MB  (goal < 64 MB)"
                  % (jobs, wall, cpu, hn / wall, rss / 1024))
        os.unlink(huge)
    return res


if __name__ == "__main__":
    main()
