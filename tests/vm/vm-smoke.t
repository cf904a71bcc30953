#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vm-smoke.t: boot a pure cgroup v2 VM and check that its limits, events and PSI behave as the
# cgroup tests expect (memory OOM kill, pids.max, cpu.max throttling) and that isoscope runs there.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source-path=SCRIPTDIR source=vm-lib.sh disable=SC1091
. "$TESTDIR/vm-lib.sh"

trap vm_cleanup EXIT
vm_require

start=$(date +%s)
vm_tap "$TESTDIR/smoke.sh"
diag "VM boot and smoke.sh took $(($(date +%s) - start)) s"
done_testing
