#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# hostile.t: hostile sizes and names, each read in bounded time and memory, with correct output.
#
# The test makes them itself (tests/lib/hostile-helper.c and python3): a process with a 1 MiB
# command line, one with 10,000 threads, processes whose comm and argv[0] hold a newline,
# spaces, parentheses and bytes that are not UTF-8, 1,000 net namespaces held by fds of one
# process, 2,000 tmpfs mounts in a private mount namespace (with a net namespace bind-mounted
# on top), and 5,000 cgroups, 10 levels deep, under a cgroup2 directory of its own.  Every
# isoscope run is under `timeout` and `prlimit --as` (no cap under ASan, which reserves
# terabytes); then everything again with RLIMIT_NOFILE at 64.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source=../lib/ns-helpers.sh disable=SC1091
. "$TESTDIR/../lib/ns-helpers.sh"

require_root
command -v cc >/dev/null || skip_all "no C compiler for tests/lib/hostile-helper.c"
command -v python3 >/dev/null || skip_all "python3 is needed to read the JSON"
command -v prlimit >/dev/null || skip_all "util-linux prlimit is not installed"

TIME_CAP=60          # seconds, per run
MEM_CAP=$((1 << 30)) # bytes of address space, per run
NCGROUPS=5000        # in chains of CGDEPTH
CGDEPTH=10

tmp=$(new_tmpdir) || exit 1
track_tmpdir "$tmp"
CG2=/sys/fs/cgroup/unified
[ -f "$CG2/cgroup.controllers" ] || CG2=/sys/fs/cgroup
CGROOT=$CG2/isoscope-hostile-$$
hostile_cleanup() {
  ns_cleanup
  [ -d "$CGROOT" ] && find "$CGROOT" -depth -type d -exec rmdir {} + 2>/dev/null
  [ -d "$CGROOT" ] && echo "# cannot remove $CGROOT" >&2
  return 0
}
trap hostile_cleanup EXIT

LIMIT=(prlimit "--as=$MEM_CAP")
if grep -q -a -e __asan_init -e AddressSanitizer "$ISOSCOPE"; then
  LIMIT=(prlimit)
  diag "ASan build: the address-space cap is left out (time is still capped)"
fi

# run NAME [PRLIMIT-OPTION...] -- ARGS...: isoscope ARGS, capped; $tmp/NAME.out/.err; asserts exit 0.
run() {
  local name=$1 extra=()
  shift
  while [ "$1" != -- ]; do
    extra+=("$1")
    shift
  done
  shift
  local t0=$SECONDS
  timeout "$TIME_CAP" "${LIMIT[@]}" "${extra[@]}" "$ISOSCOPE" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
  local rc=$?
  is "$rc" 0 "$name: isoscope $* exits 0 within ${TIME_CAP}s and $((MEM_CAP >> 20)) MiB${extra[*]:+ (${extra[*]})} ($((SECONDS - t0)) s)"
  [ "$rc" = 0 ] || diag "stderr: $(head -3 "$tmp/$name.err")"
}

# check NAME EXPR DESCRIPTION: EXPR (Python) over the document d of $tmp/NAME.out is True;
# docs is every line for NDJSON.  The document must be strict UTF-8 JSON.
check() {
  local got
  got=$("$NS_PYTHON" - "$tmp/$1.out" "$2" 2>&1 <<'EOF'
import json, sys
raw = open(sys.argv[1], "rb").read()
text = raw.decode("utf-8")  # strict: JSON is UTF-8
docs = [json.loads(l) for l in text.splitlines()] if text.startswith('{"') else [json.loads(text)]
d = docs[-1]
rows = lambda key: d.get(key) or []
print(eval(sys.argv[2]))
EOF
  )
  is "$got" True "$3"
}

cc -O2 -Wall -pthread -o "$tmp/hh" "$TESTDIR/../lib/hostile-helper.c" 2>"$tmp/cc.err"
ok $? "setup: tests/lib/hostile-helper.c builds" || diag "$(cat "$tmp/cc.err")"

# start_helper NAME ARGS...: hostile-helper ARGS in the background, tracked; waits for "ready".
start_helper() {
  local name=$1
  shift
  "$tmp/hh" "$@" >"$tmp/$name.ready" 2>"$tmp/$name.hherr" &
  local pid=$!
  track_pid "$pid"
  eval "${name}_PID=$pid"
  wait_until 60 grep -q ready "$tmp/$name.ready"
}

# --- the hostile objects ---
args=()
for ((i = 0; i < 1024; i++)); do
  printf -v a '%01023d' "$i"
  args+=("$a")
done
"$NS_PYTHON" -c 'import time; time.sleep(600)' "${args[@]}" &
BIG_PID=$!
track_pid "$BIG_PID"
wait_until 10 test -s "/proc/$BIG_PID/cmdline"
big_len=$(wc -c <"/proc/$BIG_PID/cmdline")
[ "$big_len" -ge $((1 << 20)) ]
ok $? "setup: pid $BIG_PID has a command line of $big_len bytes"

start_helper THREADS threads 10000
threads=$(awk '/^Threads:/ { print $2 }' "/proc/$THREADS_PID/status")
is "$threads" 10001 "setup: pid $THREADS_PID has 10,001 threads"

NAMES=("a
b" "x y z" "(p)" ")(" $'\xff\xfe' $'a) b (c\x80' $'\xe2\x82(' "é(ok)")
COMM_PIDS=()
for n in "${NAMES[@]}"; do
  hex=$(printf '%s' "$n" | od -An -tx1 | tr -d ' \n')
  "$tmp/hh" comm "$hex" >"$tmp/comm.$hex" 2>&1 &
  COMM_PIDS+=("$!:$hex")
  track_pid "$!"
done
for e in "${COMM_PIDS[@]}"; do
  wait_until 10 grep -q ready "$tmp/comm.${e#*:}" || break
done
ok $? "setup: ${#NAMES[@]} processes with hostile comm names and argv[0]"

start_helper NETNS netns 1000
grep -v ready "$tmp/NETNS.ready" >"$tmp/netns.inodes"
is "$(sort -u "$tmp/netns.inodes" | wc -l)" 1000 "setup: pid $NETNS_PID holds 1,000 net namespaces by fds only"

mkdir "$tmp/mnt"
start_helper MOUNTS mounts 2000 "$tmp/mnt"
BIND_NS=$(awk '/^ready/ { print $2 }' "$tmp/MOUNTS.ready")
nmounts=$(wc -l <"/proc/$MOUNTS_PID/mountinfo")
[ "$nmounts" -ge 2000 ] && [ -n "$BIND_NS" ] && ! grep -q " $tmp/mnt " /proc/self/mountinfo
ok $? "setup: pid $MOUNTS_PID has $nmounts mounts in its own mount namespace (none here); net namespace $BIND_NS is bound on top"

t0=$SECONDS
mkdir "$CGROOT" && (
  cd "$CGROOT" || exit 1
  chain=$(printf '/l%d' $(seq 2 "$CGDEPTH"))
  for ((i = 0; i < NCGROUPS / CGDEPTH; i++)); do
    mkdir -p "c$i$chain" || exit 1
  done
)
ncg=$(find "$CGROOT" -mindepth 1 -type d | wc -l)
is "$ncg" "$NCGROUPS" "setup: $NCGROUPS cgroups, $CGDEPTH deep, under ${CGROOT#"$CG2"} ($((SECONDS - t0)) s)"

# --- each command once, capped; then again with 64 descriptors ---
# The expectations, derived from what the test made (Python over d):
BIG_OK="any(r['pid'] == $BIG_PID and r['command'] == open('/proc/$BIG_PID/cmdline', 'rb').read().rstrip(b'\\0').replace(b'\\0', b' ').decode() for r in rows('processes'))"
NETNS_OK="{int(l) for l in open('$tmp/netns.inodes')} <= {r['ns'] for r in rows('namespaces')}"
BIND_OK="[r['nsfs'] for r in rows('namespaces') if r['ns'] == $BIND_NS] == ['$tmp/mnt/netns']"
THREADS_OK="any(r['type'] == 'pid' and r['nthreads'] >= 10001 for r in rows('namespaces'))"
CG_OK="sorted(r['path'] for r in rows('cgroups') if r['path'].startswith('/${CGROOT##*/}/')) == sorted(l.strip()[len('$CG2'):] for l in open('$tmp/cgroups.find'))"
find "$CGROOT" -mindepth 1 -type d >"$tmp/cgroups.find"

for lim in "" --nofile=64:64; do
  sfx=${lim:+.fd64}
  run "ls$sfx" $lim -- ls -J -o NS,TYPE,NPROCS,NTHREADS,PID,NSFS,COMMAND
  check "ls$sfx" "$NETNS_OK" "ls$sfx: all 1,000 fd-held net namespaces are listed"
  check "ls$sfx" "$BIND_OK" "ls$sfx: the net namespace bound after 2,000 mounts is listed with its NSFS path"
  check "ls$sfx" "$THREADS_OK" "ls$sfx: a pid namespace counts the 10,001 threads"
  run "ps$sfx" $lim -- ps --json -o PID,USER,COMMAND
  check "ps$sfx" "$BIG_OK" "ps$sfx: the 1 MiB command line is whole, as /proc has it"
  run "cgroups$sfx" $lim -- cgroups --json -a -l
  check "cgroups$sfx" "$CG_OK" "cgroups$sfx: all $NCGROUPS cgroups are listed, $CGDEPTH deep"
  run "top$sfx" $lim -- top --batch --json -n 2 -d 0.1
  check "top$sfx" "len(docs) == 2 and len(d['rows']) == d['host']['processes'] and any(r.get('pid') == $THREADS_PID for r in d['rows'])" \
    "top$sfx: every process has its row, the 10,001-thread one too"
  run "topcg$sfx" $lim -- top --batch --json -n 2 -d 0.1 --view cgroups
  check "topcg$sfx" "d['host']['cgroups'] >= $NCGROUPS" "top$sfx --view cgroups: the cgroup tick counts the $NCGROUPS cgroups"
  run "explain$sfx" $lim -- explain --json "$MOUNTS_PID"
  check "explain$sfx" "d['pid'] == $MOUNTS_PID" "explain$sfx: the process with 2,000 mounts is explained"
done

# --- hostile names: JSON round-trips them as far as UTF-8 allows; tables keep one row a line ---
run names -- top --batch --json -n 1
run names-ps -- ps -o PID,COMMAND
run names-top -- top --batch -n 1
for e in "${COMM_PIDS[@]}"; do
  pid=${e%%:*}
  hex=${e#*:}
  want="bytes.fromhex('$hex').decode('utf-8', 'replace')"
  check names "[r.get('comm') for r in d['rows'] if r.get('pid') == $pid] == [$want] and [r.get('command') for r in d['rows'] if r.get('pid') == $pid] == [$want + ' comm-child $hex']" \
    "name $hex: top's JSON comm and command are the bytes, ill-formed UTF-8 as U+FFFD"
  for t in names-ps names-top; do
    lines=$(grep -ac "comm-child $hex" "$tmp/$t.out")
    row=$(grep -a "comm-child $hex" "$tmp/$t.out" | awk '{ print $1 }')
    [ "$lines" = 1 ] && [ "$row" = "$pid" ]
    ok $? "name $hex: the ${t#names-} table has its row on one line, starting with pid $pid"
  done
done
for t in names-ps names-top; do
  "$NS_PYTHON" -c '
import sys
text = open(sys.argv[1], "rb").read().decode("utf-8")
sys.exit(any(c < " " and c != "\n" for c in text))' "$tmp/$t.out"
  ok $? "the ${t#names-} table is UTF-8 without control characters"
done

done_testing
