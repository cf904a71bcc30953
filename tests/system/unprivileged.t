#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# unprivileged.t: every read-only command run as nobody exits 0, shows what it can read and
# counts what it cannot in its JSON scan summary; enter and run either work or name the privilege.
#
# The test makes what nobody may and may not read: a root process R (its /proc/R/ns links
# are closed to other users), nobody's own process U in a user and net namespace of its own,
# and a cgroup D (mode 0700, with a child) in the cgroup2 hierarchy.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source=../lib/ns-helpers.sh disable=SC1091
. "$TESTDIR/../lib/ns-helpers.sh"

require_root
command -v setpriv >/dev/null || skip_all "util-linux setpriv is not installed"
command -v unshare >/dev/null || skip_all "util-linux unshare is not installed"
command -v python3 >/dev/null || skip_all "python3 is needed to read the JSON"

NOBODY=65534
AS_NOBODY=(setpriv "--reuid=$NOBODY" "--regid=$NOBODY" --clear-groups)

trap ns_cleanup EXIT
tmp=$(new_tmpdir) || exit 1
track_tmpdir "$tmp"
chmod 0755 "$tmp"

# The binary must be reachable by nobody: a copy in our (world-readable) tmpdir.
mkdir "$tmp/bin" && cp "$ISOSCOPE" "$tmp/bin/isoscope" && chmod 0755 "$tmp/bin" "$tmp/bin/isoscope"
ISO=$tmp/bin/isoscope
"${AS_NOBODY[@]}" test -x "$ISO"
ok $? "setup: nobody can execute $ISO"

sleep 120 &
R=$!
track_pid "$R"
"${AS_NOBODY[@]}" unshare --user --map-root-user --net sleep 120 2>"$tmp/bg.err" &
U=$!
track_pid "$U"
wait_until 10 ns_differs "$U" net "$(ns_ino $$ net)"
ok $? "setup: root's sleep is $R, nobody's sleep in its own user and net namespaces is $U"

# The cgroup2 hierarchy: /sys/fs/cgroup/unified on a hybrid host, else /sys/fs/cgroup.
CG2=/sys/fs/cgroup/unified
[ -f "$CG2/cgroup.controllers" ] || CG2=/sys/fs/cgroup
D=$CG2/isoscope-unpriv-$$
mkdir "$D" && track_cgroup "$D" && mkdir "$D/inner" && track_cgroup "$D/inner" && chmod 0700 "$D"
ok $? "setup: cgroup ${D#"$CG2"} (mode 0700, one child) in the cgroup2 hierarchy"

# j FILE EXPR: EXPR in Python over the JSON document d of FILE (for NDJSON: docs, one a line).
j() {
  "$NS_PYTHON" - "$1" "$2" <<'EOF'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
docs = [json.loads(l) for l in text.splitlines() if l.strip()] if text.startswith('{"') else [json.loads(text)]
d = docs[0]
rows = lambda key: [r for r in d.get(key) or []]
print(eval(sys.argv[2]))
EOF
}

# NAME|ARGS|SUMMARY-CHECK|CONTENT-CHECK|CONTENT-DESCRIPTION: the read-only commands; the checks
# are Python expressions over the document d (docs for top's NDJSON) that must be True.
READ_ONLY=(
  "ls|ls -J -o NS,TYPE,PID|d['scan']['denied_processes'] > 0|any(r['ns'] == $(ns_ino "$U" net) and r['pid'] == $U for r in rows('namespaces'))|nobody's net namespace with PID $U"
  "ps|ps --json -o PID,USER|d['scan']['denied_processes'] > 0|{(r['pid'], r['user']) for r in rows('processes')} >= {($U, 'nobody'), ($R, 'root')}|$U of nobody and $R of root"
  "caps|caps --json|d['scan']['denied_processes'] > 0|any(r['pid'] == $U for r in rows('processes'))|nobody's process $U"
  "cgroups|cgroups --json -a -l|d['scan']['denied_cgroups'] > 0|[r.get('errors') for r in rows('cgroups') if r['path'] == '/${D##*/}'] == [['denied']]|cgroup /${D##*/} marked denied"
  "explain|explain --json $R|d['scan']['denied_processes'] > 0|d['pid'] == $R and d['layers']['process']['pid'] == '$R'|the process layer of $R"
  "diff|diff --json $R $U|d['scan']['denied_processes'] > 0|d['count'] > 0 and d['a'] == '$R'|the differences between $R and $U"
  "top|top --batch --json -n 2 -d 0.1|all(x['host']['denied_processes'] > 0 for x in docs) and len(docs) == 2|any(r.get('pid') == $U for r in docs[-1]['rows'])|nobody's process $U"
)
for c in "${READ_ONLY[@]}"; do
  IFS='|' read -r name cmd summary content what <<<"$c"
  read -ra args <<<"$cmd"
  timeout 60 "${AS_NOBODY[@]}" "$ISO" "${args[@]}" >"$tmp/$name.json" 2>"$tmp/$name.err"
  rc=$?
  is "$rc" 0 "as nobody: isoscope $cmd exits 0"
  [ "$rc" = 0 ] || diag "stderr: $(head -5 "$tmp/$name.err")"
  is "$(j "$tmp/$name.json" "$summary" 2>&1)" True "as nobody: $name's JSON scan summary counts what it could not read ($summary)"
  is "$(j "$tmp/$name.json" "$content" 2>&1)" True "as nobody: $name shows what it could read: $what"
done
grep -q 'could not be fully inspected' "$tmp/explain.err"
ok $? "as nobody: explain says on stderr that the report of $R is incomplete"
j "$tmp/cgroups.json" "[r['path'] for r in rows('cgroups') if r['path'].startswith('/${D##*/}/')]" >"$tmp/inner"
is "$(cat "$tmp/inner")" "[]" "as nobody: nothing below the unreadable cgroup is made up"

# --- enter and run: they work, or the error names the privilege that is missing ---
"${AS_NOBODY[@]}" "$ISO" enter "$R" -- true 2>"$tmp/enter1.err"
rc=$?
[ "$rc" -ne 0 ] && grep -q 'needs CAP_SYS_PTRACE' "$tmp/enter1.err"
ok $? "as nobody: enter $R (root's) fails ($rc) naming CAP_SYS_PTRACE: $(head -1 "$tmp/enter1.err")"
"${AS_NOBODY[@]}" "$ISO" enter "$U" -- true 2>"$tmp/enter2.err"
rc=$?
[ "$rc" -ne 0 ] && grep -q 'needs CAP_SYS_ADMIN' "$tmp/enter2.err"
ok $? "as nobody: enter $U (every namespace, the host's mnt too) fails ($rc) naming CAP_SYS_ADMIN: $(head -1 "$tmp/enter2.err")"
out=$("${AS_NOBODY[@]}" "$ISO" enter -U -n -t "$U" -- sh -c 'id -u; readlink /proc/self/ns/net' 2>"$tmp/enter3.err")
is "$out" "0
net:[$(ns_ino "$U" net)]" "as nobody: enter -U -n -t $U works: root in nobody's user namespace, in its net namespace"

out=$("${AS_NOBODY[@]}" "$ISO" run -n -- sh -c 'readlink /proc/self/ns/user' 2>"$tmp/run1.err")
rc=$?
if [ "$rc" -eq 0 ]; then
  isnt_host=$([ -n "$out" ] && [ "$out" != "$(readlink /proc/self/ns/user)" ] && echo yes)
  is "$isnt_host" yes "as nobody: run -n works, with a user namespace added for it ($out)"
else
  grep -qE 'CAP_SYS_ADMIN|user namespace' "$tmp/run1.err"
  ok $? "as nobody: run -n fails ($rc) naming the privilege: $(head -1 "$tmp/run1.err")"
fi
before=$(find /sys/fs/cgroup -maxdepth 3 -name 'isoscope-run.*' | sort)
"${AS_NOBODY[@]}" "$ISO" run --pids 10 -- true 2>"$tmp/run2.err"
rc=$?
[ "$rc" -ne 0 ] && grep -q 'limits need a cgroup isoscope may write: run as root' "$tmp/run2.err"
ok $? "as nobody: run --pids 10 fails ($rc) saying a writable cgroup (root or delegation) is missing"
is "$(find /sys/fs/cgroup -maxdepth 3 -name 'isoscope-run.*' | sort)" "$before" "as nobody: the failed run left no cgroup behind"

done_testing
