#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# metrics.t: `isoscope metrics` on a real cgroup of this hybrid host, over HTTP with curl, and as a
# textfile that a reader keeps reading while it is rewritten.
#
# The test makes /isoscope-metrics.PID in the v1 memory, pids and cpu hierarchies with a memory
# limit of 64 MiB, a pids limit of 16 and a CPU quota of 20 ms per 100 ms, and puts three sleeps
# there.  The limits, pids.current and the processes in isoscope's output must equal the kernel's
# files (a value that changes between the reads before and after isoscope is read again).  Then:
# `--listen` on a free loopback port chosen here: curl gets the same series as stdout, 404 and 405
# where due, 431 for an oversized header; the connection limit closes connections beyond it; a
# bare port binds 127.0.0.1 and 0.0.0.0 must be written out (checked in a network namespace of the
# test's own, where no address but loopback exists); SIGTERM stops the server with status 0.
# `--textfile --interval 0.05` is read 300 times while it is rewritten: every read must parse
# completely; no temporary file is left after SIGTERM.  Everything the test started is killed
# and its cgroups removed on exit, also on failure (tests/lib/ns-helpers.sh).

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/lib/tap.sh
. "$here/../lib/tap.sh"
# shellcheck source=tests/lib/ns-helpers.sh
. "$here/../lib/ns-helpers.sh"

require_root
CG=/sys/fs/cgroup
for h in memory pids cpu; do
  [ -f "$CG/$h/cgroup.procs" ] || skip_all "no v1 $h hierarchy at $CG/$h (this test is for hybrid and v1 hosts)"
done
command -v curl >/dev/null || skip_all "curl is needed"
command -v python3 >/dev/null || skip_all "python3 is needed"
export LC_ALL=C.UTF-8
ROOT=$(cd "$here/../.." && pwd)
CHECK="$NS_PYTHON $ROOT/tests/lib/prom-check.py"
tmp=$(new_tmpdir)
track_tmpdir "$tmp"
trap ns_cleanup EXIT
trap 'exit 1' INT TERM
"$ISOSCOPE" metrics --list-metrics >"$tmp/list"

REL=/isoscope-metrics.$$
MEM=$(readlink -f "$CG/memory")$REL
PIDS=$(readlink -f "$CG/pids")$REL
CPU=$(readlink -f "$CG/cpu")$REL
CPUACCT=$(readlink -f "$CG/cpuacct")$REL
DIRS=("$MEM" "$PIDS" "$CPU")
[ "$CPUACCT" != "$CPU" ] && [ -d "${CPUACCT%"$REL"}" ] && DIRS+=("$CPUACCT")
for d in "${DIRS[@]}"; do
  mkdir "$d" || {
    echo "Bail out! cannot create $d"
    exit 1
  }
  track_cgroup "$d"
done
echo $((64 << 20)) >"$MEM/memory.limit_in_bytes"
echo 16 >"$PIDS/pids.max"
echo 20000 >"$CPU/cpu.cfs_quota_us"
for _ in 1 2 3; do
  (
    for d in "${DIRS[@]}"; do echo "$BASHPID" >"$d/cgroup.procs" || exit 125; done
    exec sleep 1000
  ) &
  track_pid $!
done
lines_are() { [ "$(wc -l <"$1")" -eq "$2" ]; }
wait_until 3 lines_are "$MEM/cgroup.procs" 3
ok $? "three processes in $REL"

promtool_ok() { # promtool_ok FILE DESC
  local out
  if ! command -v promtool >/dev/null; then
    skip "$2" "promtool (Debian package prometheus) is not installed"
    return
  fi
  out=$(promtool check metrics <"$1" 2>&1)
  ok $? "$2"
  [ -z "$out" ] || diag "promtool: $out"
}
get() { $CHECK get "$@"; }

# ---- stdout against the kernel's files
# stable DESC FAMILY KERNEL_CMD: the kernel value read before and after isoscope agree and equal
# isoscope's value of FAMILY for the test's cgroup; retried while the kernel value moves.
stable() {
  agree_is "$1" "$3" "\"\$ISOSCOPE\" metrics >\"\$tmp/s.prom\"; get \"\$tmp/s.prom\" '$2' 'cgroup=$REL'"
}
"$ISOSCOPE" metrics >"$tmp/out.prom" 2>"$tmp/err"
ok $? "isoscope metrics: exit 0"
promtool_ok "$tmp/out.prom" "promtool check metrics accepts the live host's output"
is "$($CHECK lint "$tmp/out.prom" "$tmp/list")" ok "strict parse, families as --list-metrics says"
is "$(get "$tmp/out.prom" isoscope_host_info cgroup_mode=hybrid)" 1 "isoscope_host_info says hybrid"
stable "memory max equals memory.limit_in_bytes" isoscope_cgroup_memory_max_bytes "cat $MEM/memory.limit_in_bytes"
is "$(cat "$MEM/memory.limit_in_bytes")" $((64 << 20)) "(the kernel's file holds the 64 MiB written)"
stable "pids max equals pids.max" isoscope_cgroup_pids_max "cat $PIDS/pids.max"
stable "pids current equals pids.current" isoscope_cgroup_pids_current "cat $PIDS/pids.current"
stable "processes equal the lines of cgroup.procs" isoscope_cgroup_processes "wc -l <$MEM/cgroup.procs"
stable "CPU quota equals cpu.cfs_quota_us in seconds" isoscope_cgroup_cpu_quota_seconds \
  "awk '{ printf \"%g\", \$1 / 1e6 }' $CPU/cpu.cfs_quota_us"
stable "memory current equals memory.usage_in_bytes" isoscope_cgroup_memory_current_bytes \
  "cat $MEM/memory.usage_in_bytes"
stable "OOM kills equal memory.oom_control oom_kill" isoscope_cgroup_memory_oom_kills_total \
  "awk '\$1 == \"oom_kill\" { print \$2 }' $MEM/memory.oom_control"
usage=$(get "$tmp/out.prom" isoscope_cgroup_cpu_usage_seconds_total "cgroup=$REL")
after=$(cat "$CPUACCT/cpuacct.usage" 2>/dev/null)
python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) * 1e9 <= float(sys.argv[2]) + 1000 else 1)' "$usage" "$after"
ok $? "CPU usage ($usage s) is no more than cpuacct.usage read after it ($after ns)"

# ---- a container of the test's own: docker-ID.scope below the test's cgroup, two processes
# whose isolation differs; the info metric must say the weakest of them, as /proc says it.
ID=$(echo "isoscope metrics test $$" | sha256sum | cut -c1-64)
CT=$REL/docker-$ID.scope
if command -v cc >/dev/null && cc -O2 -o "$tmp/seccomp-helper" "$here/../lib/seccomp-helper.c" 2>/dev/null; then
  for d in "$MEM" "$PIDS"; do
    mkdir "$d/docker-$ID.scope" && track_cgroup "$d/docker-$ID.scope"
  done
  # In new uts, ipc, net and mount namespaces, 2 capabilities, a seccomp filter, no_new_privs.
  (
    for d in "$MEM" "$PIDS"; do echo "$BASHPID" >"$d/docker-$ID.scope/cgroup.procs" || exit 125; done
    exec unshare -u -i -n -m setpriv --bounding-set -all,+chown,+kill "$tmp/seccomp-helper" 1 sleep 1000
  ) &
  track_pid $!
  # In a new net namespace only, 3 capabilities, no seccomp, no no_new_privs.
  (
    for d in "$MEM" "$PIDS"; do echo "$BASHPID" >"$d/docker-$ID.scope/cgroup.procs" || exit 125; done
    exec unshare -n setpriv --bounding-set -all,+chown,+kill,+net_raw sleep 1000
  ) &
  track_pid $!
  two_sleeps() {
    local n=0 p
    while read -r p; do
      [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sleep ] && n=$((n + 1))
    done <"$MEM/docker-$ID.scope/cgroup.procs"
    [ "$n" -eq 2 ]
  }
  wait_until 5 two_sleeps
  ok $? "two processes in $CT"
  "$ISOSCOPE" metrics >"$tmp/ct.prom"
  is "$(get "$tmp/ct.prom" isoscope_container_info "container_id=$ID" engine=docker "cgroup=$CT")" 1 \
    "the container is recognised, its cgroup label is its cgroup"
  checked=$($CHECK containers "$tmp/ct.prom" /)
  [[ $checked =~ ^checked\ [1-9] ]]
  ok $? "its info labels and capabilities equal the weakest of its processes as /proc says ($checked)"
  [[ $checked =~ ^checked ]] || diag "$checked"
  is "$($CHECK labels "$tmp/ct.prom" isoscope_container_info host_namespaces)" "mnt,pid,uts,ipc,user,cgroup,time" \
    "host namespaces: every type but net (one process shares mnt, uts and ipc)"
  is "$(get "$tmp/ct.prom" isoscope_container_info "container_id=$ID" capabilities=3 seccomp=none no_new_privs=false)" 1 \
    "3 capabilities, seccomp none, no_new_privs false: the weaker process decides"
  is "$(get "$tmp/ct.prom" isoscope_container_processes "container_id=$ID")" 2 "two processes"
  is "$(get "$tmp/ct.prom" isoscope_cgroup_processes "cgroup=$CT")" 2 "its cgroup has series (it is exported by default)"
else
  skip "a container of the test's own" "cc is needed to build tests/lib/seccomp-helper.c"
fi

# ---- --listen
free_port() {
  "$NS_PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# serve ARGS...: start `isoscope metrics ARGS` in the background, wait until it listens; $SERVER.
serve() {
  : >"$tmp/server.err"
  "$ISOSCOPE" metrics "$@" 2>>"$tmp/server.err" &
  SERVER=$!
  track_pid "$SERVER"
  wait_until 5 grep -qs "serving http" "$tmp/server.err"
}
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

port=$(free_port)
serve --listen "$port"
ok $? "--listen $port starts"
ss -Hltn "sport = :$port" >"$tmp/ss" 2>/dev/null
is "$(awk '{ print $4 }' "$tmp/ss")" "127.0.0.1:$port" "a bare port listens on 127.0.0.1 only"
URL=http://127.0.0.1:$port/metrics
"$ISOSCOPE" metrics >"$tmp/stdout.prom"
curl -sf -D "$tmp/headers" "$URL" >"$tmp/http.prom"
ok $? "curl scrapes $URL"
grep -qi '^content-type: text/plain; version=0.0.4' "$tmp/headers"
ok $? "Content-Type is text/plain; version=0.0.4"
promtool_ok "$tmp/http.prom" "promtool accepts the scrape"
series() { grep -v '^#' "$1" | sed -E 's/ [^ ]+$//' | grep -v -e '^isoscope_scan_' -e '^isoscope_processes' | sort; }
is "$(diff <(series "$tmp/stdout.prom") <(series "$tmp/http.prom") | head -5)" "" \
  "the scrape has the same series as stdout (scan counters and process counts aside)"
for fam in isoscope_cgroup_memory_max_bytes isoscope_cgroup_pids_max isoscope_cgroup_cpu_quota_seconds; do
  is "$(get "$tmp/http.prom" $fam "cgroup=$REL")" "$(get "$tmp/stdout.prom" $fam "cgroup=$REL")" "scrape: $fam as on stdout"
done
is "$(code "http://127.0.0.1:$port/")" 404 "GET / is 404"
is "$(code "http://127.0.0.1:$port/metricsx")" 404 "GET /metricsx is 404"
is "$(code "http://127.0.0.1:$port/metrics/")" 404 "GET /metrics/ is 404"
for m in POST PUT DELETE; do
  is "$(code -X $m "$URL")" 405 "$m /metrics is 405"
done
curl -s -o /dev/null -D "$tmp/h405" -X POST --data x=1 "$URL"
grep -qi '^allow: GET, HEAD' "$tmp/h405"
ok $? "405 names the allowed methods"
is "$(curl -s -I -o /dev/null -w '%{http_code} %{size_download}' "$URL")" "200 0" "HEAD /metrics: 200 without a body"
big=$(head -c 40000 /dev/zero | tr '\0' a)
is "$(code -H "X-Big: $big" "$URL")" 431 "a 40 KB header is refused with 431 (16 KiB per connection)"
is "$(code "$URL")" 200 "the server still answers after that"
timeout 5 "$ISOSCOPE" metrics --listen "$port" 2>"$tmp/busy.err"
is "$?" 1 "a second server on the same port: exit 1"
grep -q "cannot listen on $port: Address already in use" "$tmp/busy.err"
ok $? "... saying the address is in use"
kill -TERM "$SERVER"
wait_until 3 bash -c "! kill -0 $SERVER 2>/dev/null"
ok $? "SIGTERM stops the server"
wait "$SERVER"
is "$?" 0 "exit status 0 after SIGTERM"
is "$(ss -Hltn "sport = :$port" | wc -l)" 0 "the port is closed"

# The connection limit: two idle connections use it up.
port=$(free_port)
serve --listen "127.0.0.1:$port" --max-connections 2
ok $? "--max-connections 2 starts"
exec {c1}<>"/dev/tcp/127.0.0.1/$port" {c2}<>"/dev/tcp/127.0.0.1/$port"
sleep 0.3
got=$(curl -s -m 3 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/metrics")
[ "$got" != 200 ]
ok $? "a third connection is not served while two are open (got '$got')"
exec {c1}>&- {c2}>&-
serves() { [ "$(code "$1")" = 200 ]; }
wait_until 3 serves "http://127.0.0.1:$port/metrics"
ok $? "served again once they are closed"
kill -TERM "$SERVER"
wait "$SERVER"
is "$?" 0 "exit status 0 after SIGTERM"

# A scan that fails is a 500 with the reason on stderr; the server goes on.
port=$(free_port)
mkdir "$tmp/noproc"
serve --sysroot "$tmp/noproc" --listen "$port"
is "$(code "http://127.0.0.1:$port/metrics")" 500 "a failed scan (no /proc under --sysroot) is a 500"
grep -q "cannot open $tmp/noproc/proc" "$tmp/server.err"
ok $? "... and says why on stderr"
is "$(code "http://127.0.0.1:$port/")" 404 "... and the server still answers"
kill -TERM "$SERVER"
wait "$SERVER"
is "$?" 0 "exit status 0 after SIGTERM"

# Other addresses only when written out, in a network namespace of our own (loopback only).
port=$(free_port)
# shellcheck disable=SC2016 # expanded by the inner bash
unshare -n bash -c '
  ip link set lo up
  "$1" metrics --listen "0.0.0.0:$2" 2>/dev/null & s=$!
  for _ in $(seq 50); do ss -Hltn "sport = :$2" | grep -q . && break; sleep 0.1; done
  ss -Hltn "sport = :$2" | awk "{ print \$4 }"
  curl -s -o /dev/null -w " %{http_code}" "http://127.0.0.1:$2/metrics"
  kill -TERM $s; wait $s; echo " $?"
' bash "$ISOSCOPE" "$port" >"$tmp/netns" 2>&1
is "$(tr -d '\n' <"$tmp/netns")" "0.0.0.0:$port 200 0" "--listen 0.0.0.0:PORT binds every address (in a netns of the test)"
"$ISOSCOPE" metrics --listen "[::1]:$port" 2>"$tmp/v6.err" &
v6=$!
track_pid "$v6"
if wait_until 5 grep -qs "serving http" "$tmp/v6.err"; then
  is "$(code "http://[::1]:$port/metrics")" 200 "--listen [::1]:PORT serves on IPv6 loopback"
  kill -TERM "$v6"
  wait "$v6"
else
  skip "--listen [::1]:PORT" "no IPv6 loopback: $(cat "$tmp/v6.err")"
fi

# ---- --textfile: never seen half-written
TF=$tmp/textfile
mkdir "$TF"
"$ISOSCOPE" metrics --textfile "$TF" --interval 0.05 2>"$tmp/tf.err" &
writer=$!
track_pid "$writer"
wait_until 5 test -f "$TF/isoscope.prom"
ok $? "--textfile writes $TF/isoscope.prom"
promtool_ok "$TF/isoscope.prom" "promtool accepts the textfile"
"$NS_PYTHON" - "$TF/isoscope.prom" "$ROOT/tests/lib" >"$tmp/reads" <<'EOF'
import os, sys, time
sys.path.insert(0, sys.argv[2])
import importlib.util
spec = importlib.util.spec_from_file_location('pc', os.path.join(sys.argv[2], 'prom-check.py'))
pc = importlib.util.module_from_spec(spec); spec.loader.exec_module(pc)
bad, inodes, fams = 0, set(), None
for _ in range(300):
    with open(sys.argv[1], encoding='utf-8') as f:
        inodes.add(os.fstat(f.fileno()).st_ino)
        text = f.read()
    try:
        names = set(pc.parse(text))
        if not names or (fams is not None and names != fams) or not text.endswith('\n'):
            bad += 1
        fams = fams or names
    except ValueError:
        bad += 1
    time.sleep(0.01)
print(bad, len(inodes))
EOF
read -r nbad ninodes <"$tmp/reads"
is "$nbad" 0 "300 reads while it is rewritten: none partial"
[ "${ninodes:-0}" -ge 3 ]
ok $? "the reads saw $ninodes versions of the file"
kill -TERM "$writer"
wait "$writer"
is "$?" 0 "the textfile writer stops on SIGTERM with status 0"
is "$(find "$TF" -mindepth 1 -name '.*' | wc -l)" 0 "no temporary file is left"
is "$(stat -c %a "$TF/isoscope.prom")" 644 "the file is readable by node_exporter (0644)"
chmod 0500 "$TF"
if [ -w "$TF" ]; then
  skip "an unwritable directory" "root may write anyway (no DAC check)"
else
  "$ISOSCOPE" metrics --textfile "$TF" 2>"$tmp/ro.err"
  is "$?" 1 "an unwritable directory: exit 1"
fi
chmod 0700 "$TF"

done_testing
