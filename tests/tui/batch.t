#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# batch.t: `isoscope top --batch`: text and NDJSON for every view, on the fixture /proc tree (exact
# rows) and on the live host (every line parses; the test's own process and namespace are there);
# option errors; `isoscope` without a command when its output is not a terminal.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source=../lib/ns-helpers.sh disable=SC1091
. "$TESTDIR/../lib/ns-helpers.sh"

[ -x "$ISOSCOPE" ] || {
  echo "Bail out! no isoscope binary at $ISOSCOPE (run make first)"
  exit 1
}
command -v python3 >/dev/null || skip_all "python3 is not installed"

tmp=$(new_tmpdir) || exit 1
track_tmpdir "$tmp"
trap ns_cleanup EXIT

VIEWS=(processes namespaces cgroups containers)

# ndjson_check FILE N: every line is a JSON object with the refresh fields and rows; N lines.
ndjson_check() {
  python3 - "$1" "$2" <<'EOF'
import json, sys
path, want = sys.argv[1], int(sys.argv[2])
lines = open(path).read().splitlines()
if len(lines) != want:
    sys.exit("%d lines, want %d" % (len(lines), want))
for n, line in enumerate(lines, 1):
    d = json.loads(line)
    for k in ("time", "tick", "interval", "view", "refresh_cpu_seconds", "host", "rows"):
        if k not in d:
            sys.exit("line %d: no %s" % (n, k))
    if d["tick"] != n:
        sys.exit("line %d: tick %s" % (n, d["tick"]))
    if not isinstance(d["rows"], list):
        sys.exit("line %d: rows is not a list" % n)
    for r in d["rows"]:
        if r.get("kind") not in ("process", "namespace", "cgroup", "container"):
            sys.exit("line %d: a row without a kind: %r" % (n, r))
EOF
}

# ---- the fixture tree: exact text ----

fix=$tmp/sysroot
if bash "$TESTDIR/../fixtures/make-sysroot.sh" "$fix" >/dev/null 2>"$tmp/err"; then
  out=$("$ISOSCOPE" --sysroot "$fix" top -b -n 1 2>"$tmp/err")
  ok $? "--sysroot FIXTURE top -b -n 1 exits 0"
  is "$(sed -n '1s/ - [0-9:]* / - TIME /; 1s/refresh #1, [0-9]* ms/refresh #1, N ms/; 1p' <<<"$out")" \
    "isoscope top - TIME  kernel 6.18.0-fixture  cgroups none  processes view  refresh #1, N ms CPU" \
    "fixture: the first header line"
  is "$(sed -n 2p <<<"$out")" "9 processes, 16 namespaces, 0 containers" "fixture: the counts"
  is "$(sed -n '4,$p' <<<"$out" | awk '{ print $1, $2, $3, $4, $5, $9, $10, $NF }')" \
    "PID INSIDE PPID USER S NS CAPS COMMAND
1 1 0 root S ........ full splash
2 2 0 root S ........ full [kthreadd]
120 120 1 nobody S ...u.... none app]
130 - 120 - Z - - defunct
140 140 1 root S ........ full --threads=3
150 150 1 root S ........ full --time
170 - 1 - S - - [late]
200 1 1 root S mnpuiUC. full infinity
201 2 200 nobody S mnpuiUC. none infinity" \
    "fixture: one row per process, with the pid inside, user, state, namespaces and caps (pid order)"
  out=$("$ISOSCOPE" --sysroot "$fix" top -b -n 1 -t 2>&1)
  grep -q '└─sleep infinity$' <<<"$out" && grep -q '├─\[my (weird) app\]$' <<<"$out"
  ok $? "fixture --tree: children under their parent with tree glyphs"
  out=$(LC_ALL=C "$ISOSCOPE" --sysroot "$fix" top -b -n 1 -t 2>&1)
  grep -q '`-sleep infinity$' <<<"$out" && grep -q '|-\[my (weird) app\]$' <<<"$out"
  ok $? "fixture --tree in the C locale: ASCII tree glyphs"
  out=$("$ISOSCOPE" --sysroot "$fix" top -b -n 1 -s +PID --filter sleep 2>&1)
  is "$(sed -n '5,$p' <<<"$out" | awk '{ print $1 }' | paste -sd' ')" "200 201" \
    "fixture --filter sleep --sort +PID: only the rows that contain the text"
  out=$("$ISOSCOPE" --sysroot "$fix" top -b -n 1 -s -PID 2>&1)
  is "$(sed -n '5,$p' <<<"$out" | awk '{ print $1 }' | paste -sd' ')" "201 200 170 150 140 130 120 2 1" \
    "fixture --sort -PID: descending"
  out=$("$ISOSCOPE" --sysroot "$fix" top -b -n 1 --view namespaces 2>&1)
  grep -qE '^4026532100 +uts +1 .* 120 ' <<<"$out"
  ok $? "fixture namespaces view: the uts namespace of pid 120"
  grep -qE '^4026532300 +pid +0 .*for_children:1' <<<"$out"
  ok $? "fixture namespaces view: a pid namespace held only by pid_for_children"
  "$ISOSCOPE" --sysroot "$fix" top -b -J -n 1 >"$tmp/fix.json" 2>"$tmp/err"
  ndjson_check "$tmp/fix.json" 1
  ok $? "fixture -J: one NDJSON object"
  v=$(python3 -c '
import json, sys
d = json.loads(open(sys.argv[1]).readline())
r = {x["pid"]: x for x in d["rows"]}
print(r[200]["pid_inside"], r[200]["namespaces"], r[120]["user"], r[200]["ns"]["user"], "pid_inside" in r[130])
' "$tmp/fix.json" 2>&1)
  is "$v" "1 mnpuiUC. nobody 4026532202 False" "fixture -J: pid_inside, namespaces, user, ns inodes; unknown left out"
else
  skip "the fixture tree" "make-sysroot.sh failed: $(head -n1 "$tmp/err")"
fi

# ---- the live host: every view, text and NDJSON ----

for v in "${VIEWS[@]}"; do
  "$ISOSCOPE" top -b -n 2 -d 0.2 --view "$v" >"$tmp/$v.txt" 2>"$tmp/$v.err"
  ok $? "top -b -n 2 --view $v exits 0"
  n=$(grep -c '^isoscope top - ' "$tmp/$v.txt")
  is "$n" 2 "top -b -n 2 --view $v: two refreshes"
  grep -q "  $v view  refresh #2, " "$tmp/$v.txt"
  ok $? "top -b --view $v: the header names the view and the refresh"
  "$ISOSCOPE" top -b -J -n 2 -d 0.2 --view "$v" >"$tmp/$v.json" 2>"$tmp/$v.jerr"
  ok $? "top -b -J -n 2 --view $v exits 0"
  out=$(ndjson_check "$tmp/$v.json" 2 2>&1)
  ok $? "top -b -J --view $v: two lines, each a JSON object with time, tick, view, host and rows"
  [ -z "$out" ] || diag "$out"
done

# Our own process, in the processes view of both forms.
self=$$
grep -qE "^ *$self +" "$tmp/processes.txt"
ok $? "processes view (text): this test's shell (pid $self) is a row"
v=$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
rows = [r for r in d["rows"] if r.get("pid") == int(sys.argv[2])]
r = rows[0] if rows else {}
print(len(rows), r.get("kind"), type(r.get("cpu_percent")).__name__, type(r.get("rss_bytes")).__name__,
      sorted(r.get("ns", {})) == sorted(["mnt", "net", "pid", "uts", "ipc", "user", "cgroup", "time"])
      or sorted(r.get("ns", {})))
' "$tmp/processes.json" "$self" 2>&1)
is "$v" "1 process float int True" \
  "processes view (NDJSON): this shell, with CPU% (second refresh), RSS and eight namespace inodes"

# The namespaces view lists the user namespace we are in.
userns=$(ns_ino $$ user)
grep -qE "^(└─|├─|│ |  )*$userns +user " "$tmp/namespaces.txt"
ok $? "namespaces view: this test's user namespace $userns"
v=$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
print(sorted({r["type"] for r in d["rows"] if r["kind"] == "namespace"}))
' "$tmp/namespaces.json")
case $v in
*"'mnt'"*"'pid'"*"'user'"*) ok 0 "namespaces view (NDJSON): rows of several types ($v)" ;;
*) ok 1 "namespaces view (NDJSON): rows of several types ($v)" ;;
esac

# The cgroups view: a root row with rates at the second refresh.
v=$(python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
d = json.loads(lines[-1])
root = [r for r in d["rows"] if r["path"] == "/"]
print(len(root), d["host"]["cgroup_mode"] in ("v1", "v2", "hybrid"), "cpu_percent" in root[0] if root else None)
' "$tmp/cgroups.json" 2>&1)
if [ -d /sys/fs/cgroup ] && [ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" != "" ]; then
  is "$v" "1 True True" "cgroups view (NDJSON): one root row, the cgroup mode, and CPU% at the second refresh"
else
  skip "cgroups view (NDJSON): a root row" "no cgroup filesystem"
fi

# --tree in batch: depth in NDJSON.
"$ISOSCOPE" top -b -J -n 1 -t >"$tmp/tree.json" 2>&1
v=$(python3 -c '
import json, sys
d = json.loads(open(sys.argv[1]).readline())
print(max(r.get("depth", -1) for r in d["rows"]) >= 1)
' "$tmp/tree.json" 2>&1)
is "$v" "True" "processes --tree (NDJSON): rows carry their depth"

# ---- few descriptors: reading by open and close, nothing missing ----

n_all=$("$ISOSCOPE" top -b -n 1 2>/dev/null | sed -n '2s/ process.*//p')
out=$(ulimit -n 300 && "$ISOSCOPE" top -b -n 2 -d 0.2 2>"$tmp/err")
ok $? "with a limit of 300 descriptors (fewer than processes: $n_all) top -b still works"
n_few=$(sed -n '/^isoscope top - /{n;p}' <<<"$out" | tail -n1 | sed 's/ process.*//')
diff=$((n_few - n_all))
[ "${diff#-}" -le 20 ]
ok $? "and still sees every process ($n_few, against $n_all without the limit)"

# ---- option errors and the key list ----

"$ISOSCOPE" top --json >/dev/null 2>"$tmp/err"
is "$?:$(head -n1 "$tmp/err")" "1:isoscope top: --json needs --batch" "--json without --batch is refused"
"$ISOSCOPE" top -b --view bogus >/dev/null 2>"$tmp/err"
is "$?" 1 "--view bogus: exit 1"
grep -q "unknown view: 'bogus'" "$tmp/err"
ok $? "--view bogus: says so"
"$ISOSCOPE" top -b --sort NOPE >/dev/null 2>"$tmp/err"
is "$?:$(head -n1 "$tmp/err")" "1:isoscope top: the processes view has no column 'NOPE'" "--sort with an unknown column"
"$ISOSCOPE" top -b -n 0 >/dev/null 2>&1
is "$?" 1 "-n 0 is refused"
"$ISOSCOPE" top -b -d 0.01 >/dev/null 2>&1
is "$?" 1 "-d 0.01 is refused"
"$ISOSCOPE" top extra >/dev/null 2>&1
is "$?" 1 "an argument is refused"
keys=$("$ISOSCOPE" top --list-keys)
ok $? "--list-keys exits 0"
grep -qx 'q F10	quit' <<<"$keys" && grep -q '^e	' <<<"$keys" && grep -q '^k F9	' <<<"$keys"
ok $? "--list-keys: one KEYS<TAB>help line per key (q, e, k...)"
"$ISOSCOPE" top </dev/null >"$tmp/out" 2>"$tmp/err"
is "$?:$(head -n1 "$tmp/err")" "1:isoscope top: the TUI needs a terminal on standard input and output (use --batch)" \
  "the TUI without a terminal says so"

# ---- no command: ls when the output is not a terminal ----

"$ISOSCOPE" >"$tmp/nocmd" 2>/dev/null
ok $? "isoscope without a command exits 0 when piped"
is "$(head -n1 "$tmp/nocmd")" "$("$ISOSCOPE" ls 2>/dev/null | head -n1)" \
  "isoscope without a command, not on a terminal: the output of ls"

done_testing
