#!/bin/sh
# install.sh - install the build into a temporary DESTDIR, then compile
# examples/classify-file.c the way a user would, with
# `pkg-config --cflags --libs bounceclass` against the installed .pc file,
# and run it on a bounce. Checks the headers, the .pc, the soname link and
# the installed binary. Environment: BC_BUILD_ROOT, BC_SOURCE_ROOT, BC_MESON,
# BC_CC, BC_SANITIZE (set by tests/adoption/meson.build).
set -eu
: "${BC_BUILD_ROOT:?}" "${BC_SOURCE_ROOT:?}"
MESON=${BC_MESON:-meson}
CC=${BC_CC:-cc}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bc-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fail () { echo "FAIL: $*" >&2; exit 1; }

$MESON install -C "$BC_BUILD_ROOT" --destdir "$tmp/root" --no-rebuild --quiet >"$tmp/install.log" 2>&1 \
  || { cat "$tmp/install.log" >&2; fail "meson install --destdir"; }

pc=$(find "$tmp/root" -name bounceclass.pc | head -n 1)
[ -n "$pc" ] || fail "bounceclass.pc was not installed"
prefix=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --variable=prefix bounceclass)
[ -d "$tmp/root$prefix" ] || fail "prefix $prefix not under DESTDIR"
# the .pc names the real prefix; a copy points it into DESTDIR, as a
# packager's staging area would (every other line is the installed one)
mkdir "$tmp/pc"
sed "s|^prefix=.*|prefix=$tmp/root$prefix|" "$pc" >"$tmp/pc/bounceclass.pc"
grep -q "^prefix=$prefix\$" "$pc" || fail "bounceclass.pc has no prefix= line"
export PKG_CONFIG_PATH="$tmp/pc"
PC=pkg-config
$PC --exists --print-errors bounceclass || fail "pkg-config cannot use bounceclass.pc"
cflags=$($PC --cflags bounceclass)
libs=$($PC --libs bounceclass)
libdir=$($PC --variable=libdir bounceclass)
includedir=$($PC --variable=includedir bounceclass)
case "$cflags" in *"$tmp/root"*) ;; *) fail "cflags do not point into DESTDIR: $cflags" ;; esac
for h in bounceclass classifier error limits output report; do
  [ -f "$includedir/bounceclass/$h.h" ] || fail "header $h.h not installed"
done
ls "$libdir"/libbounceclass.so.0* >/dev/null 2>&1 || fail "no soname file libbounceclass.so.0 in $libdir"
[ -L "$libdir/libbounceclass.so" ] || fail "no development link libbounceclass.so"
soname=$(objdump -p "$libdir/libbounceclass.so" 2>/dev/null | awk '/SONAME/ {print $2}')
[ -z "$soname" ] || [ "$soname" = libbounceclass.so.0 ] || fail "soname is $soname"

san=""
if [ -n "${BC_SANITIZE:-}" ] && [ "$BC_SANITIZE" != none ]; then
  san="-fsanitize=$BC_SANITIZE"
fi
# shellcheck disable=SC2086
$CC $san -Wall -Wextra -Werror -o "$tmp/classify-file" "$BC_SOURCE_ROOT/examples/classify-file.c" \
  $cflags $libs || fail "examples/classify-file.c does not build against the installed library"

# run it against the installed library only (not the build tree's)
LD_LIBRARY_PATH="$libdir" "$tmp/classify-file" "$BC_SOURCE_ROOT/tests/adoption/data/dsn-verp.eml" \
  >"$tmp/out" || fail "classify-file failed"
cat "$tmp/out"
grep -q "^bob@example.net	userunknown	hard	suppress	dsn$" "$tmp/out" || fail "unexpected output"
grep -q "^verp	bob@example.net$" "$tmp/out" || fail "no verp line"
LD_LIBRARY_PATH="$libdir" ldd "$tmp/classify-file" 2>/dev/null | grep libbounceclass \
  | grep -q "$tmp/root" || fail "the example did not load the installed library"

# usage and error paths of the example
if LD_LIBRARY_PATH="$libdir" "$tmp/classify-file" >/dev/null 2>&1; then fail "no usage error"; fi
if LD_LIBRARY_PATH="$libdir" "$tmp/classify-file" "$tmp/missing.eml" >/dev/null 2>&1; then
  fail "a missing file did not fail"
fi

# the installed command runs too
bin=$(find "$tmp/root" -type f -name bounceclass -perm -u+x | head -n 1)
[ -n "$bin" ] || fail "bounceclass not installed"
LD_LIBRARY_PATH="$libdir" "$bin" --version | grep -q "^bounceclass " || fail "installed bounceclass --version"
# the ledger and remote mailboxes are modules: a plain run loads none of
# their libraries, and --ledger finds the installed module
if LD_LIBRARY_PATH="$libdir" ldd "$bin" | grep -Eq 'libcurl|libpq|libsqlite3'; then
  fail "bounceclass is linked with the ledger's or the fetch module's libraries"
fi
find "$tmp/root" -name bounceclass-ledger.so | grep -q . || fail "bounceclass-ledger.so not installed"
find "$tmp/root" -name bounceclass-fetch.so | grep -q . || fail "bounceclass-fetch.so not installed"
LD_LIBRARY_PATH="$libdir" "$bin" --ledger "$tmp/ledger.db" "$BC_SOURCE_ROOT/tests/adoption/data/dsn-verp.eml" \
  >/dev/null || fail "installed bounceclass --ledger did not run"
[ -s "$tmp/ledger.db" ] || fail "installed bounceclass --ledger wrote no ledger"
echo "ok: installed to $prefix, built and ran the example with pkg-config"
