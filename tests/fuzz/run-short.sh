#!/usr/bin/env bash
# run-short.sh - a short fuzz of every harness, as CI runs it.
#
#   tests/fuzz/run-short.sh BUILD_DIR [SECONDS_PER_HARNESS]
#
# BUILD_DIR is configured with CC=clang -Dfuzzing=true
# -Db_sanitize=address,undefined -Db_lundef=false. Each harness runs in turn
# (one process at a time) for SECONDS_PER_HARNESS (default 25, so four
# harnesses take under two minutes), seeded from corpus/ (rules/ for the
# rules harness) and tests/fuzz/regress/NAME/. A crash, leak, sanitizer
# report or timeout fails the run; the input that caused it is left in
# $FUZZ_ARTIFACTS (default: a temporary directory, printed), to be added to
# tests/fuzz/regress/NAME/ once fixed.
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:?usage: run-short.sh BUILD_DIR [SECONDS]}"
secs="${2:-25}"
art="${FUZZ_ARTIFACTS:-$(mktemp -d -t bc-fuzz-XXXXXX)}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}:quarantine_size_mb=16:max_malloc_fill_size=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
status=0
for name in message dsn text rules; do
  seeds="$src/corpus"
  [ "$name" = rules ] && seeds="$src/rules"
  work="$art/corpus-$name"
  mkdir -p "$work"
  echo "== fuzz-$name for ${secs}s"
  if ! "$build/tests/fuzz/fuzz-$name" -max_total_time="$secs" -timeout=20 -max_len=65536 \
       -print_final_stats=1 -artifact_prefix="$art/$name-" \
       "$work" "$seeds" "$src/tests/fuzz/regress/$name" > "$art/$name.log" 2>&1; then
    echo "fuzz-$name FAILED; log and input in $art"
    tail -40 "$art/$name.log"
    status=1
  else
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec)' "$art/$name.log" || true
  fi
done
[ -z "${FUZZ_ARTIFACTS:-}" ] && [ "$status" = 0 ] && rm -rf "$art"
exit $status
