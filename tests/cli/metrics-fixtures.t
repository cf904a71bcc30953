#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# metrics-fixtures.t: `isoscope --sysroot DIR metrics` over the fixture trees, every value against
# the fixture's own files.
#
# The trees: tests/fixtures/cgroup/make-trees.sh (pure v2 with Docker and Podman, Kubernetes with
# the systemd driver on v2, Kubernetes with cgroupfs on v1; each given an empty proc/) and
# tests/fixtures/security/make-tree.sh (processes in Docker default, privileged and rootless
# Podman containers on pure v2).  tests/lib/prom-check.py reads the exposition strictly and works
# out every expected value from the kernel files of the tree (v2 names, or the v1 files with
# their conversions: ns to s, LONG_MAX-sized limits and quota -1 to +Inf), the default cgroup
# selection from the rule the man page states, and each container's isolation from its
# processes' status and namespace links.  promtool (Debian's prometheus package) is the oracle
# for the format.  The metric families in the man page are checked against --list-metrics.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/lib/tap.sh
. "$here/../lib/tap.sh"

command -v python3 >/dev/null || skip_all "python3 is needed to read the exposition"
export LC_ALL=C.UTF-8
ROOT=$(cd "$here/../.." && pwd)
CHECK="python3 $ROOT/tests/lib/prom-check.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trees=$tmp/trees

bash "$ROOT/tests/fixtures/cgroup/make-trees.sh" "$trees" >/dev/null || {
  echo "Bail out! make-trees.sh failed"
  exit 1
}
bash "$ROOT/tests/fixtures/security/make-tree.sh" "$trees/security" >/dev/null || {
  echo "Bail out! security/make-tree.sh failed"
  exit 1
}
"$ISOSCOPE" metrics --list-metrics >"$tmp/list"
ok $? "isoscope metrics --list-metrics"

# promtool_ok FILE DESC: promtool accepts the exposition (skipped without promtool).
promtool_ok() {
  if ! command -v promtool >/dev/null; then
    skip "$2" "promtool (Debian package prometheus) is not installed"
    return
  fi
  local out
  out=$(promtool check metrics <"$1" 2>&1)
  ok $? "$2"
  [ -z "$out" ] || diag "promtool: $out"
}

# checked WHAT FILE TREE DESC: prom-check.py WHAT says "checked N" with N > 0.
checked() {
  local out
  out=$($CHECK "$1" "$2" "$3")
  [[ $out =~ ^checked\ [1-9][0-9]*$ ]]
  ok $? "$4 ($out)"
  [[ $out =~ ^checked ]] || diag "$out"
}

for tree in v2-docker v2-k8s-systemd v1-k8s-cgroupfs security; do
  [ -d "$trees/$tree/proc" ] || mkdir "$trees/$tree/proc"
  "$ISOSCOPE" --sysroot "$trees/$tree" metrics >"$tmp/$tree.prom" 2>"$tmp/err"
  ok $? "$tree: exit 0"
  is "$(cat "$tmp/err")" "" "$tree: nothing on stderr"
  promtool_ok "$tmp/$tree.prom" "$tree: promtool check metrics accepts the output"
  is "$($CHECK lint "$tmp/$tree.prom" "$tmp/list")" ok \
    "$tree: strict parse; families, types and help as --list-metrics says; naming conventions"
  checked tree "$tmp/$tree.prom" "$trees/$tree" "$tree: every cgroup value equals the fixture's files, default selection"
done
checked containers "$tmp/security.prom" "$trees/security" \
  "security: container info (host namespaces, capabilities, seccomp, nnp) equals the weakest of its processes"
is "$($CHECK get "$tmp/security.prom" isoscope_containers)" 3 "security: three containers"
is "$($CHECK get "$tmp/v2-k8s-systemd.prom" isoscope_container_info engine=cri-o container_id=c64064614423cb790e88b3e5492ff5ccf673b25ae823089f7a60c65cda24d809 qos=besteffort pod_uid=0badf00d-cafe-4bee-8f00-123456789abc)" 1 \
  "v2-k8s-systemd: the CRI-O container with its pod and QoS class"
is "$($CHECK get "$tmp/v2-docker.prom" isoscope_container_processes engine=docker)" 3 \
  "v2-docker: the Docker container has the 3 processes of its cgroup.procs"

# Read from a private cgroup namespace (a DaemonSet's), /proc/PID/cgroup says "/../..": the
# container's cgroup label still names its cgroup in the tree, so it joins the cgroup series.
cp -a "$trees/security" "$trees/cgns"
for f in "$trees/cgns/proc"/[0-9]*/cgroup; do sed -i 's|^0::/|0::/../../|' "$f"; done
"$ISOSCOPE" --sysroot "$trees/cgns" metrics >"$tmp/cgns.prom"
cgs=$($CHECK labels "$tmp/cgns.prom" isoscope_container_info cgroup | sort)
is "$cgs" "$($CHECK labels "$tmp/security.prom" isoscope_container_info cgroup | sort)" \
  "cgroup-namespace-relative /proc paths: the same container cgroup labels"
joined=0
while IFS= read -r cg; do
  [ "$($CHECK get "$tmp/cgns.prom" isoscope_cgroup_threads "cgroup=$cg")" != NONE ] && joined=$((joined + 1))
done <<<"$cgs"
is "$joined" 3 "each container's cgroup label has cgroup series to join"
checked containers "$tmp/cgns.prom" "$trees/cgns" "cgroup-namespace-relative paths: the same isolation facts"

# Namespace counts: distinct link targets per type over the fixture's processes.
for t in mnt net pid uts ipc user cgroup time; do
  want=$(for p in "$trees/security/proc"/[0-9]*; do readlink "$p/ns/$t" 2>/dev/null; done | sort -u | wc -l)
  is "$($CHECK get "$tmp/security.prom" isoscope_namespaces type=$t)" "$want" "security: $want $t namespaces"
done

# --all: every cgroup of the tree; --depth: nothing deeper.
"$ISOSCOPE" --sysroot "$trees/v2-docker" metrics --all >"$tmp/all.prom"
ndirs=$(find "$trees/v2-docker/sys/fs/cgroup" -type d | wc -l)
is "$($CHECK get "$tmp/all.prom" isoscope_cgroups_exported)" "$ndirs" "--all exports all $ndirs cgroups of the tree"
is "$($CHECK labels "$tmp/all.prom" isoscope_cgroup_threads cgroup | sort -u | wc -l)" "$ndirs" \
  "--all: every cgroup has a series"
"$ISOSCOPE" --sysroot "$trees/v2-docker" metrics --all --depth 1 >"$tmp/d1.prom"
want=$(find "$trees/v2-docker/sys/fs/cgroup" -maxdepth 1 -type d | wc -l)
is "$($CHECK labels "$tmp/d1.prom" isoscope_cgroup_threads cgroup | sort -u | wc -l)" "$want" \
  "--all --depth 1: the root and the $((want - 1)) top-level cgroups"
is "$($CHECK labels "$tmp/d1.prom" isoscope_cgroup_threads cgroup | grep -c '/.*/')" 0 "--depth 1: nothing deeper"

# Label values with quotes, backslashes, newlines and a byte that is not UTF-8.
weird=$trees/weird
cp -a "$trees/v2-docker" "$weird"
names=('we"ird' 'back\slash' $'new\nline' $'bad\xffbyte' 'ok é')
for n in "${names[@]}"; do
  mkdir "$weird/sys/fs/cgroup/$n"
  echo 4242 >"$weird/sys/fs/cgroup/$n/memory.current"
  : >"$weird/sys/fs/cgroup/$n/cgroup.procs"
done
# An LXC container whose name has a quote, a backslash and a newline.
mkdir "$weird/sys/fs/cgroup/lxc.payload.we\"ird\\"$'\n'"name"
mkdir "$weird/sys/fs/cgroup/huge"
echo 18446744073709551615 >"$weird/sys/fs/cgroup/huge/memory.current"
echo "usage_usec 18446744073709551615" >"$weird/sys/fs/cgroup/huge/cpu.stat"
"$ISOSCOPE" --sysroot "$weird" metrics --all >"$tmp/weird.prom"
ok $? "cgroup names with quotes, backslashes and newlines: exit 0"
promtool_ok "$tmp/weird.prom" "promtool accepts the escaped label values"
is "$($CHECK lint "$tmp/weird.prom" "$tmp/list")" ok "the strict parser accepts them"
grep -qF 'cgroup="/we\"ird"' "$tmp/weird.prom" && grep -qF 'cgroup="/back\\slash"' "$tmp/weird.prom" &&
  grep -qF 'cgroup="/new\nline"' "$tmp/weird.prom"
ok $? 'written as \" \\ and \n'
for n in 'we"ird' 'back\slash' $'new\nline' 'ok é'; do
  is "$($CHECK get "$tmp/weird.prom" isoscope_cgroup_memory_current_bytes "cgroup=/$n")" 4242 \
    "label value reads back as the name: $(printf '%q' "$n")"
done
is "$($CHECK get "$tmp/weird.prom" isoscope_container_info engine=lxc "container_id=we\"ird\\"$'\n'"name")" 1 \
  "an LXC container name with a quote, a backslash and a newline reads back from container_id"
is "$($CHECK get "$tmp/weird.prom" isoscope_cgroup_memory_current_bytes $'cgroup=/bad\xef\xbf\xbdbyte')" 4242 \
  "a byte that is not UTF-8 becomes U+FFFD"

is "$($CHECK get "$tmp/weird.prom" isoscope_cgroup_memory_current_bytes cgroup=/huge)" 18446744073709551615 \
  "2^64-1 bytes are written out exactly"
is "$($CHECK get "$tmp/weird.prom" isoscope_cgroup_cpu_usage_seconds_total cgroup=/huge)" 18446744073709.551615 \
  "2^64-1 microseconds are written out exactly in seconds"

# The man page lists exactly the families of --list-metrics.
page=$ROOT/man/isoscope-metrics.1
# Each item is "NAME (TYPE[, UNIT])" and its text starts with the help, as --list-metrics has them.
man_metrics=$(awk '/^\.SH/ { on = ($0 ~ /^\.SH "?METRICS"?$/); next } on && tp == 1 { tag = $0; tp = 2; next }
  on && tp == 2 { print tag "|" $0; tp = 0; next } on && /^\.TP/ { tp = 1 }' "$page" |
  sed -E 's/\\f[BIRP]//g; s/\\-/-/g')
want=$(awk '{ name = $1; type = $2; unit = $3; $1 = $2 = $3 = ""; sub(/^ +/, "")
  printf "%s (%s%s)|%s%s.\n", name, type, unit == "-" ? "" : ", " unit, toupper(substr($0, 1, 1)), substr($0, 2) }' "$tmp/list")
is "$(cut -d'|' -f1 <<<"$man_metrics" | sort)" "$(cut -d'|' -f1 <<<"$want" | sort)" \
  "man/isoscope-metrics.1 METRICS has an item NAME (TYPE, UNIT) for every family of --list-metrics"
is "$(sort <<<"$man_metrics")" "$(sort <<<"$want")" "... and each starts with the family's help"

# Bad input: a clear message, exit 1, nothing left behind.
bad() { # bad DESC PATTERN ARGS...
  local desc=$1 pat=$2
  shift 2
  "$ISOSCOPE" metrics "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  is "$rc" 1 "$desc: exit 1"
  grep -q -- "$pat" "$tmp/err"
  ok $? "$desc: the message names it"
  [ -s "$tmp/out" ] && diag "stdout: $(head -c 200 "$tmp/out")"
}
bad "--depth -1" "invalid depth: '-1'" --depth -1
bad "--interval without --textfile" "--interval goes with --textfile" --interval 5
bad "--interval 0" "invalid interval: '0'" --textfile "$tmp" --interval 0
bad "--textfile and --listen" "mutually exclusive" --textfile "$tmp" --listen 9
bad "--textfile on a missing directory" "$tmp/nope" --textfile "$tmp/nope"
[ ! -e "$tmp/nope" ]
ok $? "--textfile on a missing directory creates nothing"
bad "--textfile on a file" "needs a directory" --textfile "$tmp/list"
bad "--listen with a bad port" "bad port" --listen 127.0.0.1:99999
bad "--listen with a host name" "no host names" --listen example.org:9100
bad "--max-connections 0" "invalid connection limit" --listen 9 --max-connections 0
bad "an argument" "unexpected argument: 'foo'" foo
bad "no /proc under --sysroot" "$tmp/empty/proc" --sysroot "$tmp/empty"

done_testing
