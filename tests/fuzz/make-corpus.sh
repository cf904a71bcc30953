#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make-corpus.sh: seed corpora for the fuzz targets, taken from the fixture trees.
#
# Usage: tests/fuzz/make-corpus.sh DIR
#
# Builds the three fixture generators' trees (make-sysroot.sh, cgroup/make-trees.sh,
# security/make-tree.sh) in a temporary directory and files every /proc and cgroup file
# they hold under DIR/NAME/ for the target NAME that parses it, in the target's input
# form (a selector line first where the target has one); with ./isoscope built, snapshots
# and a record of those trees for the snapshot target.  Files are named by the sha1 of
# their content, as libFuzzer names its own.  The small committed seeds of each target
# (hand-written inputs, and every crash found so far) are in tests/fuzz/corpus/NAME/.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
out=$1
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$top/tests/fixtures/make-sysroot.sh" "$tmp/basic" >/dev/null
"$top/tests/fixtures/cgroup/make-trees.sh" "$tmp/cg" >/dev/null
"$top/tests/fixtures/security/make-tree.sh" "$tmp/sec" >/dev/null

# seed NAME [HEADER]: stdin is one input of target NAME, HEADER (a first line) before it.
seed() {
  local f="$tmp/seed"
  { [ $# -lt 2 ] || printf '%s\n' "$2"; cat; } >"$f"
  mkdir -p "$out/$1"
  cp "$f" "$out/$1/$(sha1sum <"$f" | cut -c1-40)"
}

# The cgroup files the walk reads, from its table (cg_sources in src/core/cgroup.c): "v2 memory.stat".
tablefiles=$(sed -n 's/^ *{ \(true\|false\), [^,]*, "\([^"]*\)".*/\1 \2/p' "$top/src/core/cgroup.c" |
  sed 's/^true/v2/; s/^false/v1/' | sort -u)

while IFS= read -r -d '' f; do
  name=${f##*/}
  case $f in
  */proc/*/stat) seed proc-stat <"$f" ;;
  */proc/*/cmdline) seed cmdline <"$f" ;;
  */proc/*/status)
    seed proc-status <"$f"
    sed -n 's/^NSpid:[[:space:]]*//p' "$f" | seed nspid
    ;;
  */proc/*/cgroup)
    seed proc-cgroup <"$f"
    cut -d: -f3- "$f" | while IFS= read -r path; do printf '%s' "$path" | seed container; done
    ;;
  */proc/*/uid_map | */proc/*/gid_map)
    # The outside id to map: one past the first line's outer start.
    outside=$(awk 'NR == 1 { print $2 + 1 }' "$f")
    seed uid-map "$outside" <"$f"
    ;;
  */proc/*/mountinfo)
    seed mntview <"$f"
    seed ns-mountinfo <"$f"
    ;;
  */sys/fs/cgroup/*)
    case $f in
    "$tmp"/cg/v1-*) v=v1 ;;
    *) v=v2 ;;
    esac
    if grep -qx "$v $name" <<<"$tablefiles"; then
      seed cgroup-file "$v $name" <"$f"
    fi
    case $name in
    *.pressure) seed cgroup-psi <"$f" ;;
    io.stat | io.max) seed cgroup-iodev keyed <"$f" ;;
    blkio.throttle.io_service_bytes_recursive) seed cgroup-iodev bytes <"$f" ;;
    blkio.throttle.io_serviced_recursive) seed cgroup-iodev ios <"$f" ;;
    blkio.throttle.*_device) seed cgroup-iodev limit <"$f" ;;
    esac
    ;;
  esac
done < <(find "$tmp" -type f -print0)

# Cgroup directories as paths, the way /proc/PID/cgroup names them.
find "$tmp"/*/sys/fs/cgroup "$tmp"/*/*/sys/fs/cgroup -mindepth 1 -type d 2>/dev/null |
  sed -E 's|.*/sys/fs/cgroup/[^/]*||' | sort -u | while IFS= read -r path; do
  [ -n "$path" ] && printf '%s' "$path" | seed container
done

# The unit tests' fixture files.
unit=$top/tests/fixtures/unit
for f in "$unit"/stat-*.txt; do seed proc-stat <"$f"; done
for f in "$unit"/status-*.txt; do seed proc-status <"$f"; done
seed cmdline <"$unit/cmdline-sh.bin"
cgunit=$top/tests/fixtures/cgroup/unit
seed proc-cgroup <"$cgunit/proc-cgroup-hybrid"
for f in "$cgunit"/v[12]-root-*; do
  base=${f##*/}
  v=${base%%-*}
  name=${base#v?-root-}
  grep -qx "$v $name" <<<"$tablefiles" && seed cgroup-file "$v $name" <"$f"
  case $name in *.pressure) seed cgroup-psi <"$f" ;; esac
done

# Snapshots and a record of the fixture trees, when isoscope is built (make fuzz builds it).
if [ -x "$top/isoscope" ]; then
  for tree in "$tmp/basic" "$tmp/sec"; do
    "$top/isoscope" --sysroot "$tree" snapshot | seed snapshot
  done
  "$top/isoscope" --sysroot "$tmp/sec" record -o "$tmp/rec" --count 2 --interval 0.1 && seed snapshot <"$tmp/rec"
fi

for d in "$out"/*/; do
  echo "$(basename "$d"): $(find "$d" -type f | wc -l) seeds"
done
