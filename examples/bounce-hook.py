#!/usr/bin/env python3
"""bounce-hook.py - read bounceclass JSON Lines, print the addresses a mailing
list should stop sending to, one per line.

    bounceclass --json bounces/ | bounce-hook.py
    bounce-hook.py --state /var/lib/bounceclass/scores.json /var/lib/bounceclass/bounces.jsonl

It follows each recipient's "action", as docs/integrations/list-manager.md
explains:
  suppress  (hard bounces such as userunknown, and complaints) - the address
            is printed at once;
  retry     a soft or mailbox-full failure counts one point against the
            address; at --soft-limit points (default 5) it is printed. A
            spam-block class (blocked, spamdetected, policyviolation, ...) is
            never counted: it says the receiver refused the sender, not that
            the address is bad;
  ignore    auto-replies and delivery notices: nothing.
A later "delivered" record for an address clears its points. With --state,
points are kept in a JSON file across runs (written atomically).
Lines that are not records (summaries, errors) are skipped; unparsable lines
are reported on stderr. Limits: addresses longer than 320 characters are
ignored; the state file keeps at most --max-tracked addresses (oldest first
out).
"""
import argparse
import json
import os
import sys
import tempfile

NEVER_COUNTED = {"spam-block"}


def lines_of(path):
    if path == "-":
        yield from sys.stdin
    else:
        with open(path, encoding="utf-8", errors="replace") as fh:
            yield from fh


def records(paths):
    for path in paths or ["-"]:
        for n, line in enumerate(lines_of(path), 1):
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except ValueError:
                print("bounce-hook: %s:%d: not JSON, skipped" % (path, n), file=sys.stderr)
                continue
            if isinstance(rec, dict):
                yield rec


def recipients(rec):
    """(address, class, action) of each recipient; flat --fields rows too."""
    if "recipients" in rec and isinstance(rec["recipients"], list):
        for r in rec["recipients"]:
            if isinstance(r, dict):
                yield r.get("address") or "", r.get("class"), r.get("action")
    elif "address" in rec and "action" in rec:
        yield rec.get("address") or "", rec.get("class"), rec.get("action")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="*", help="JSON Lines files ('-' or none: stdin)")
    ap.add_argument("--soft-limit", type=int, default=5,
                    help="soft failures that suppress an address (default 5; 0 never)")
    ap.add_argument("--state", help="JSON file keeping soft-failure points between runs")
    ap.add_argument("--max-tracked", type=int, default=100000)
    args = ap.parse_args(argv)

    points = {}
    if args.state and os.path.exists(args.state):
        with open(args.state, encoding="utf-8") as fh:
            points = {k: int(v) for k, v in json.load(fh).items()}
    printed = set()

    def suppress(addr):
        if addr not in printed:
            printed.add(addr)
            print(addr)
        points.pop(addr, None)

    for rec in records(args.files):
        if "summary" in rec or rec.get("error"):
            continue
        for addr, klass, action in recipients(rec):
            addr = addr.strip().lower()
            if not addr or len(addr) > 320 or "@" not in addr or addr in printed:
                continue
            if action == "suppress":
                suppress(addr)
            elif action == "retry":
                if klass in NEVER_COUNTED:
                    continue
                points[addr] = points.get(addr, 0) + 1
                if args.soft_limit and points[addr] >= args.soft_limit:
                    suppress(addr)
            elif klass == "delivered":
                points.pop(addr, None)

    if args.state:
        while len(points) > args.max_tracked:
            points.pop(next(iter(points)))
        d = os.path.dirname(os.path.abspath(args.state))
        fd, tmp = tempfile.mkstemp(dir=d, prefix=".bounce-hook.")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(points, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, args.state)
    return 0


if __name__ == "__main__":
    sys.exit(main())
