#!/usr/bin/perl
# sisimai-loop.pl - the peer in bench/bench.py: decode every message of an
# mbox (or Maildir) with Sisimai and print one JSON line per recipient, the
# fields bounceclass also reports. usage: perl sisimai-loop.pl MBOX
use strict;
use warnings;
use Sisimai;
use JSON;

my $json = JSON->new->canonical(1);
my $how = Sisimai->can('rise') ? 'rise' : 'make';    # Sisimai 5 : Sisimai 4
my $facts = Sisimai->$how($ARGV[0], 'delivered' => 1, 'vacation' => 1) || [];
for my $f (@$facts) {
    print $json->encode({
        recipient => $f->recipient->address // '',
        status    => $f->deliverystatus // '',
        replycode => $f->replycode // '',
        reason    => $f->reason // '',
    }), "\n";
}
