#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vm-run.t: isoscope run on a pure cgroup v2 host (a throw-away VM): limits in the sandbox's own
# cgroup entered at clone time, --timeout, --cgroup-parent, and the error for an undelegated cgroup.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source-path=SCRIPTDIR source=vm-lib.sh disable=SC1091
. "$TESTDIR/vm-lib.sh"

trap vm_cleanup EXIT
vm_require

start=$(date +%s)
vm_tap "$TESTDIR/run-v2.sh"
diag "VM boot and run-v2.sh took $(($(date +%s) - start)) s"
done_testing
