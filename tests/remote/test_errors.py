#!/usr/bin/env python3
"""test_errors.py - credentials and TLS against a real Dovecot: a wrong
password, a certificate from another CA, a host name the certificate is not
for, no --cacert, --insecure; a password in the URL, a credentials file
others can read, no password at all; a missing folder. Each gets its exit
status and a clear message that never shows the password.
"""
import os

import dovecot
from remote_util import main, corpus, check, records


def body(c):
    # every run its own state file: a state belongs to one mailbox URL
    plain_run = c.run
    names = iter(range(1000))

    def run(url, *extra, **kw):
        kw.setdefault("state", "e%d.state" % next(names))
        return plain_run(url, *extra, **kw)
    c.run = run
    c.load(corpus()[:3])
    url = c.url()
    secret = dovecot.PASSWORD

    def no_secret(err, what):
        check(secret not in err and "wrong-Pa55" not in err, what + ": password not shown", err)

    env = dict(c.env, BOUNCECLASS_PASSWORD="wrong-Pa55")
    rc, err, out = c.run(url, env=env)
    check(rc == 4 and "login refused" in err, "wrong password: exit 4, 'login refused'", rc, err)
    no_secret(err, "wrong password")

    other, _ = dovecot.make_cert(c.tmp, "other")
    rc, err, out = c.run(url, "--cacert", other, cacert=False)
    check(rc == 5 and "TLS failed" in err and "certificate" in err,
          "certificate of another CA: exit 5, 'TLS failed'", rc, err)
    no_secret(err, "wrong CA")

    rc, err, out = c.run(c.url(host="127.0.0.1"))
    check(rc == 5 and "TLS failed" in err, "host name not in the certificate: exit 5", rc, err)

    rc, err, out = c.run(url, cacert=False)
    check(rc == 5, "self-signed certificate without --cacert: exit 5", rc, err)

    rc, err, out = c.run(c.url("imap"), "--cacert", other, cacert=False)
    check(rc == 5, "imap:// STARTTLS with an untrusted certificate: exit 5", rc, err)

    rc, err, out = c.run(url, "--insecure", "--imap-keyword", "Seen1", cacert=False,
                         state="insecure.state")
    check(rc == 0 and "warning" in err and "--insecure" in err and len(records(out)) == 3,
          "--insecure works and warns", rc, err)

    bad = "imaps://%s:%s@localhost:%d/INBOX" % (dovecot.USER, secret, c.d.ports["imaps"])
    rc, err, out = c.run(bad)
    check(rc == 2 and "password" in err and "--credentials" in err,
          "password in the URL refused: exit 2", rc, err)
    no_secret(err, "password in URL")

    env = dict(c.env)
    env.pop("BOUNCECLASS_PASSWORD")
    rc, err, out = c.run(url, env=env)
    check(rc == 2 and "no password" in err, "no password anywhere: exit 2", rc, err)

    cred = c.path("cred")
    with open(cred, "w") as f:
        f.write(secret + "\n")
    os.chmod(cred, 0o644)
    rc, err, out = c.run(url, "--credentials", cred, env=env)
    check(rc == 2 and "chmod 600" in err, "credentials file readable by others refused", rc, err)
    os.chmod(cred, 0o600)
    rc, err, out = c.run(url, "--credentials", cred, "--imap-keyword", "Seen2", env=env,
                         state="cred.state")
    check(rc == 0 and len(records(out)) == 3, "credentials file (mode 600) works", rc, err)

    rc, err, out = c.run(c.url(folder="NoSuchFolder"))
    check(rc == 6 and "NoSuchFolder" in err, "missing folder: exit 6", rc, err)

    rc, err, out = c.run(url, "--imap-move-to", "X", "--imap-keyword", "Y")
    check(rc == 2, "--imap-move-to with --imap-keyword: usage error", rc, err)

    c.d.stop()
    rc, err, out = c.run(url, state="down.state")
    check(rc == 75 and "unreachable" in err, "server down: exit 75", rc, err)


main(body)
