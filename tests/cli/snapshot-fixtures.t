#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# snapshot-fixtures.t: `isoscope --sysroot DIR snapshot`, then every read-only command run over the
# fixture tree and over the snapshot (--load) must print the same, byte for byte, with the same
# status.  The fixture trees hold still, so nothing here races: the namespace tree of
# tests/fixtures/make-sysroot.sh (holders of every kind, threads, a zombie, vanished processes) and
# the security tree of tests/fixtures/security/make-tree.sh (containers, cgroup v2 values, LSM
# labels, id maps, capabilities, mount views).

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/lib/tap.sh
. "$here/../lib/tap.sh"

export LC_ALL=C.UTF-8
unset COLUMNS LINES
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$here/../fixtures/make-sysroot.sh" "$tmp/ns" >/dev/null 2>&1
ok $? "make-sysroot.sh builds the namespace fixture"
"$here/../fixtures/security/make-tree.sh" "$tmp/sec" >/dev/null 2>&1
ok $? "make-tree.sh builds the security fixture"

# same TREE SKIP ARGS...: `--sysroot TREE ARGS` and `--load TREE.json ARGS` print the same
# (stdout without its first SKIP lines, stderr, status).
same() {
  local tree=$1 skip=$2
  shift 2
  "$ISOSCOPE" --sysroot "$tmp/$tree" "$@" >"$tmp/a" 2>"$tmp/a.err"
  echo "status $?" >>"$tmp/a.err"
  "$ISOSCOPE" --load "$tmp/$tree.json" "$@" >"$tmp/b" 2>"$tmp/b.err"
  echo "status $?" >>"$tmp/b.err"
  if { [ -s "$tmp/a" ] || ! grep -qx 'status 0' "$tmp/a.err"; } && cmp -s <(sed "1,${skip}d" "$tmp/a") <(sed "1,${skip}d" "$tmp/b") \
    && { [ "$skip" -gt 0 ] || cmp -s "$tmp/a.err" "$tmp/b.err"; }; then
    ok 0 "$tree: $*"
  else
    ok 1 "$tree: $*"
    diff <(sed "1,${skip}d" "$tmp/a") <(sed "1,${skip}d" "$tmp/b") | head -10 | sed 's/^/#   /'
    diff "$tmp/a.err" "$tmp/b.err" | head -4 | sed 's/^/#   /'
  fi
}

for tree in ns sec; do
  "$ISOSCOPE" --sysroot "$tmp/$tree" snapshot -o "$tmp/$tree.json"
  ok $? "$tree: snapshot of the fixture"
  same "$tree" 0 ls
  same "$tree" 0 ls -J --output-all
  same "$tree" 0 ls -l -o NS,TYPE,NPROCS,NTHREADS,HOLDERS,NSFS,PID,USER,COMMAND
  same "$tree" 0 ls --tree=owner
  same "$tree" 0 ls -t net
  same "$tree" 0 ps
  same "$tree" 0 ps -J --output-all
  same "$tree" 0 caps -a
  same "$tree" 0 caps -J --beyond docker
done
same ns 0 ls -p 200
same ns 0 ls 4026532100
same ns 0 ls -p 999
same sec 0 ls -p 3100
for target in 3100 3200 3300 1500; do
  same sec 0 explain "$target"
  same sec 0 explain -J "$target"
done
same sec 0 diff 3100 3200
same sec 0 diff -J -a 3100 1500
same sec 0 ps --container 3f
same sec 0 cgroups
same sec 0 cgroups -J -a
same sec 0 cgroups -r -o PATH,CONTAINER,TASKS,MEM,MEMMAX,PIDS,PIDSMAX,CPUSET
# top: the rows (the header differs: a replay says so and names the sample)
for view in processes namespaces cgroups containers; do
  same sec 2 top -b -n 1 --view "$view"
done
same sec 2 top -b -n 1 --view processes -s CAPS

done_testing
