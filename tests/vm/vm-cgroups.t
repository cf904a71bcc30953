#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vm-cgroups.t: in a pure cgroup v2 VM, every value isoscope cgroups reports for a cgroup with limits
# against the kernel files (limits, OOM kills, pids events, throttling, PSI, rates).

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source-path=SCRIPTDIR source=vm-lib.sh disable=SC1091
. "$TESTDIR/vm-lib.sh"

trap vm_cleanup EXIT
vm_require

start=$(date +%s)
vm_tap "$TESTDIR/cgroups-v2.sh"
diag "VM boot and cgroups-v2.sh took $(($(date +%s) - start)) s"
done_testing
