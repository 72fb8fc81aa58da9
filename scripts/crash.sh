#!/usr/bin/env bash
# Issue 12's crash-point sweep (not part of the tests; tests/unit/crash_sweep_test.cpp runs
# a bounded one): every operation of a connector cycle through its file-system and socket
# seams, in turn, ends the process (kill) or fails (EIO, ENOSPC, ECONNRESET); the parent
# recovers with more cycles and runs the conservation check. Both delivery modes (PickUp on
# another file system, SMTP) and both profiles. Prints per mode: operations, points tried,
# points that lost mail, points that doubled it, the most extra copies after one point,
# and the operations after which SMTP delivery doubled a message (RFC 1047's window).
# Then smtpd's own store and pickup service, swept the same way.
# Usage: scripts/crash.sh [BUILD_DIR] [extra maillab crash-sweep flags]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=build
if [ $# -gt 0 ] && [[ "$1" != -* ]]; then BUILD=$1; shift; fi
B="$BUILD/maillab"
[ -x "$B" ] || { echo "crash.sh: no $B (build first)" >&2; exit 2; }
status=0

echo "== connector: a kill at every point"
"$B" crash-sweep --action kill "$@" || status=1
echo
echo "== connector: a failing operation at every point (EIO, ENOSPC on the file system; ECONNRESET on sockets)"
"$B" crash-sweep --action eio --action enospc --action econnreset "$@" || status=1

echo
echo "== smtpd: its store and pickup service, every operation in turn killed (crash) or failed (EIO, ENOSPC)"
# The sweep is a GoogleTest (tests/unit/smtp_crash_sweep_test.cpp) over every point; it
# prints one line per mode and fails if a point lost mail or doubled outside RFC 1047's window.
"$BUILD/tests/maillab_unit_tests" --gtest_filter='*SmtpCrashSweep*' --gtest_brief=1 > "$BUILD/smtpd-sweep.log" 2>&1 || status=1
grep '^smtpd sweep' "$BUILD/smtpd-sweep.log" || { cat "$BUILD/smtpd-sweep.log"; status=1; }

exit $status
