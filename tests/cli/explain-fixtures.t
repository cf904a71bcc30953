#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# explain-fixtures.t: `isoscope --sysroot DIR explain` and `diff` over the security fixture tree of
# tests/fixtures/security/make-tree.sh, against golden output worked out by hand, and the key
# facts asserted one by one on the JSON.
#
# The cases (pid: TARGET used, what the findings must be by the rules of isoscope-explain(1):
# the host-* ones, no-limits, writable-cgroupfs, cap-sys-admin/extra-caps, no-seccomp and no-nnp
# only for an isolated target; runtime-socket for any target):
#   3100  6cc773b2f055 (Docker, defaults; the lowest pid of the container, its nginx worker 3101
#         is the other): isolated (a container), own net/pid/ipc, host user -> host-user; limited
#         (memory.max 512M, cpu.max 150000) -> no no-limits; cgroup2 read-only; Docker's 14
#         capabilities, no CAP_SYS_ADMIN and nothing beyond Docker's; seccomp filter; root, so no
#         no-nnp.  Findings: host-user.
#   3200  baf31582f7f7 (privileged, Docker socket): host user -> host-user; memory, pids and cpu
#         all max -> no-limits; /var/run/docker.sock -> runtime-socket; cgroup2 read-write ->
#         writable-cgroupfs; every capability in the initial user namespace -> cap-sys-admin (and
#         so not extra-caps); no seccomp -> no-seccomp; root.  Findings: host-user, no-limits,
#         runtime-socket, writable-cgroupfs, cap-sys-admin, no-seccomp.
#   3300  61f67c31bf8d (rootless Podman): every namespace its own but time; pids.max 2048;
#         cgroup2 read-only; every capability, but in its own user namespace -> no cap finding;
#         seccomp filter.  NoNewPrivs is 0 and the host sees uid 1000, yet the process is uid 0
#         (root) in its own user namespace: no-nnp is meant "for a process not running as root",
#         and a rootful container's root is exempt, so the rootless one (less privileged) must be
#         too.  Findings: none (root inside its own user namespace: no no-nnp).
#   1500  1500 (sshd on the host): not isolated -> no finding at all, though it has every
#         capability and no seccomp.
#   diff 6cc773b2f055 baf31582f7f7: 28 facts differ (container; mnt net pid uts ipc cgroup
#   namespaces; cgroup path, memory_max, memory_current, memory_working_set, oom kills,
#   pids_current, cpu quota, throttled periods, three PSI averages; overlay lower and upper,
#   masked, read_only, cwd; effective, permitted and bounding capabilities; seccomp and LSM).
#
# Two things cannot come from a fixture: the file capabilities of the executable (read through
# the exe link, which points at the host's file) and the number of capabilities the kernel has
# (read from the live /proc/sys/kernel/cap_last_cap).  The goldens assume the exe paths carry no
# file capabilities on this host and that cap_last_cap is 40, as in the fixture; the user name of
# uid 1000 comes from this host's passwd (@USER1000@ in the goldens).  The JSON goldens end with
# the scan summary of the fixture: 7 process directories, 27 namespaces (the inodes of its ns
# links), 12 cgroup directories, nothing vanished or denied.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$here/../lib/tap.sh"
command -v python3 >/dev/null || skip_all "python3 is needed to compare the JSON output"

export LC_ALL=C.UTF-8
unset COLUMNS LINES NO_COLOR
golden=$here/golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root

# todo_ok STATUS DESCRIPTION REASON: an assertion for a known isoscope bug (TAP TODO).
todo_ok() {
  TAP_N=$((TAP_N + 1))
  if [ "$1" -eq 0 ]; then
    echo "ok $TAP_N - $2 # TODO $3"
  else
    echo "not ok $TAP_N - $2 # TODO $3"
  fi
}

# run ARGS...: isoscope --sysroot $root ARGS; stdout in $tmp/out (and $out, trailing blanks
# removed), stderr in $err, exit status in $rc.
run() {
  "$ISOSCOPE" --sysroot "$root" "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  out=$(sed 's/ *$//' "$tmp/out")
  err=$(cat "$tmp/err")
}

user1000=$(getent passwd 1000 2>/dev/null | cut -d: -f1)
: "${user1000:=1000}"
# expand FILE: a golden with this host's name for uid 1000 in place of @USER1000@.
expand() { sed "s/@USER1000@/$user1000/g" "$1"; }

# compare_text GOLDEN DESC [TODO-REASON]: $out against the golden, in two parts: the layers (up
# to the findings heading) and the findings; the second is a TODO when a reason is given.
compare_text() {
  local g=$1 desc=$2 todo=${3:-} st
  expand "$golden/$g" >"$tmp/want.txt"
  printf '%s\n' "$out" >"$tmp/got.txt"
  sed '/^findings:/,$d' "$tmp/want.txt" >"$tmp/want.layers"
  sed '/^findings:/,$d' "$tmp/got.txt" >"$tmp/got.layers"
  if diff -u "$tmp/want.layers" "$tmp/got.layers" >"$tmp/diff"; then
    ok 0 "$desc: the layers match golden/$g"
  else
    ok 1 "$desc: the layers match golden/$g"
    sed 's/^/# /' "$tmp/diff"
  fi
  sed -n '/^findings:/,$p' "$tmp/want.txt" >"$tmp/want.find"
  sed -n '/^findings:/,$p' "$tmp/got.txt" >"$tmp/got.find"
  diff -u "$tmp/want.find" "$tmp/got.find" >"$tmp/diff"
  st=$?
  if [ -n "$todo" ]; then
    todo_ok "$st" "$desc: the findings match golden/$g" "$todo"
  else
    ok "$st" "$desc: the findings match golden/$g"
  fi
  [ "$st" -eq 0 ] || sed 's/^/# /' "$tmp/diff"
}

cat >"$tmp/cmp.py" <<'EOF'
# cmp.py GOLDEN GOT [PART]: compare two JSON documents with their key order; PART "findings"
# compares only the findings, "rest" everything else.  Prints the first difference.
import json, sys

def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f, object_pairs_hook=list)

def walk(a, b, where):
    if type(a) is not type(b):
        return "%s: %r against %r" % (where, a, b)
    if isinstance(a, list) and a and isinstance(a[0], tuple):
        ka, kb = [k for k, _ in a], [k for k, _ in b]
        if ka != kb:
            return "%s: keys %s against %s" % (where, ka, kb)
        for (k, va), (_, vb) in zip(a, b):
            d = walk(va, vb, where + "." + k)
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return "%s: %d items against %d" % (where, len(a), len(b))
        for i, (va, vb) in enumerate(zip(a, b)):
            d = walk(va, vb, "%s[%d]" % (where, i))
            if d:
                return d
        return None
    return None if a == b else "%s: %r against %r" % (where, a, b)

want, got = load(sys.argv[1]), load(sys.argv[2])
part = sys.argv[3] if len(sys.argv) > 3 else "all"
if part != "all":
    pick = (lambda kv: kv[0] == "findings") if part == "findings" else (lambda kv: kv[0] != "findings")
    want = [kv for kv in want if pick(kv)] if isinstance(want, list) else want
    got = [kv for kv in got if pick(kv)] if isinstance(got, list) else got
d = walk(want, got, "$")
print(d or "")
sys.exit(1 if d else 0)
EOF

# compare_json GOLDEN DESC [TODO-REASON]: $tmp/out against the golden as JSON, key order kept,
# the findings apart (a TODO when a reason is given).
compare_json() {
  local g=$1 desc=$2 todo=${3:-} why st
  expand "$golden/$g" >"$tmp/want.json"
  why=$(python3 "$tmp/cmp.py" "$tmp/want.json" "$tmp/out" rest 2>&1)
  ok $? "$desc: the JSON matches golden/$g (all but the findings)${why:+ ($why)}"
  why=$(python3 "$tmp/cmp.py" "$tmp/want.json" "$tmp/out" findings 2>&1)
  st=$?
  if [ -n "$todo" ]; then
    todo_ok "$st" "$desc: the JSON findings match golden/$g${why:+ ($why)}" "$todo"
  else
    ok "$st" "$desc: the JSON findings match golden/$g${why:+ ($why)}"
  fi
}

"$here/../fixtures/security/make-tree.sh" "$root"
ok $? "make-tree.sh builds the security fixture tree"
[ -d "$root/proc/3100" ] || {
  echo "Bail out! no fixture tree"
  exit 1
}

# What a fixture cannot hold (see the top): skip the goldens when this host would change them.
GOLDEN_OK=1
if [ "$(cat /proc/sys/kernel/cap_last_cap 2>/dev/null)" != 40 ]; then
  GOLDEN_OK=0
  diag "this kernel's cap_last_cap is not 40: 'full' would not mean bits 0..40 here"
fi
if command -v getcap >/dev/null; then
  for exe in /usr/sbin/sshd /usr/sbin/nginx /usr/local/bin/docker-agent /usr/local/bin/python3.12; do
    [ -e "$exe" ] && [ -n "$(getcap "$exe" 2>/dev/null)" ] && GOLDEN_OK=0 && diag "$exe has file capabilities here"
  done
fi

golden_case() { # golden_case NAME TARGET [TODO-REASON]
  local name=$1 target=$2 todo=${3:-}
  if [ "$GOLDEN_OK" != 1 ]; then
    skip "explain $target against golden/explain-$name.*" "this host would change the output (see the diagnostics)"
    return
  fi
  run explain "$target"
  is "$rc:$err" "0:" "explain $target: exit 0, nothing on stderr"
  compare_text "explain-$name.txt" "explain $target" "$todo"
  run explain --json "$target"
  is "$rc:$err" "0:" "explain --json $target: exit 0, nothing on stderr"
  compare_json "explain-$name.json" "explain --json $target" "$todo"
}
golden_case docker-default 6cc773b2f055
golden_case privileged baf31582f7f7
golden_case rootless 61f67c31bf8d
golden_case host 1500

if [ "$GOLDEN_OK" = 1 ]; then
  run diff 6cc773b2f055 baf31582f7f7
  is "$rc" 0 "diff docker-default privileged: exit 0"
  if diff -u "$golden/explain-diff-default-privileged.txt" <(printf '%s\n' "$out") >"$tmp/diff"; then
    ok 0 "diff docker-default privileged matches golden/explain-diff-default-privileged.txt"
  else
    ok 1 "diff docker-default privileged matches golden/explain-diff-default-privileged.txt"
    sed 's/^/# /' "$tmp/diff"
  fi
  run diff --json 6cc773b2f055 baf31582f7f7
  is "$rc" 0 "diff --json docker-default privileged: exit 0"
  why=$(python3 "$tmp/cmp.py" "$golden/explain-diff-default-privileged.json" "$tmp/out" 2>&1)
  ok $? "diff --json docker-default privileged matches golden/explain-diff-default-privileged.json${why:+ ($why)}"
else
  skip "diff docker-default privileged against its goldens" "this host would change the output"
fi

# --- the key facts, one by one, on the JSON ---------------------------------------------------
cat >"$tmp/facts.py" <<'EOF'
# facts.py JSON CASE: check one explain --json document against the expectations written here
# (from make-tree.sh); prints "ok|not ok<TAB>description" lines.
import json, sys

HOST = {"mnt": 4026531832, "net": 4026531833, "pid": 4026531836, "uts": 4026531838,
        "ipc": 4026531839, "user": 4026531837, "cgroup": 4026531835, "time": 4026531834}
DOCKER = ("14: cap_chown,cap_dac_override,cap_fowner,cap_fsetid,cap_kill,cap_setgid,cap_setuid,"
          "cap_setpcap,cap_net_bind_service,cap_net_raw,cap_sys_chroot,cap_mknod,cap_audit_write,"
          "cap_setfcap")
CASES = {
    "docker-default": dict(pid=3100, isolated=True, own={"mnt": 4026532401, "net": 4026532406,
        "pid": 4026532404, "uts": 4026532402, "ipc": 4026532403, "cgroup": 4026532407},
        userns="host (ids are the host's)", uid_map="identity (0 0 4294967295)",
        held="the initial user namespace", eff=DOCKER, bnd=DOCKER, seccomp="filter (1)", nnp="0",
        lsm="docker-default (enforce) (apparmor)", pid_inside="1", memory_max="536870912",
        masked="/proc/asound /proc/acpi /proc/kcore /proc/keys /proc/timer_list /proc/scsi /sys/firmware",
        read_only="/sys/fs/cgroup /proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger",
        overlay_lower="/var/lib/docker/overlay2/l/NGINXBASE:/var/lib/docker/overlay2/l/DEBIANBASE",
        findings=["host-user"]),
    "worker": dict(pid=3101, isolated=True, own={"mnt": 4026532401, "net": 4026532406,
        "pid": 4026532404, "uts": 4026532402, "ipc": 4026532403, "cgroup": 4026532407},
        userns="host (ids are the host's)", uid_map="identity (0 0 4294967295)",
        held="the initial user namespace", eff="none", bnd=DOCKER, seccomp="filter (1)", nnp="0",
        lsm="docker-default (enforce) (apparmor)", pid_inside="7", memory_max="536870912",
        findings=["host-user", "no-nnp"]),
    "privileged": dict(pid=3200, isolated=True, own={"mnt": 4026532501, "net": 4026532506,
        "pid": 4026532504, "uts": 4026532502, "ipc": 4026532503, "cgroup": 4026532507},
        userns="host (ids are the host's)", uid_map="identity (0 0 4294967295)",
        held="the initial user namespace", eff="full", bnd="full", seccomp="none", nnp="0",
        lsm="unconfined (apparmor)", pid_inside="1", memory_max="max", masked="none",
        read_only="none", findings=["host-user", "no-limits", "runtime-socket",
        "writable-cgroupfs", "cap-sys-admin", "no-seccomp"]),
    "rootless": dict(pid=3300, isolated=True, own={"mnt": 4026532601, "net": 4026532606,
        "pid": 4026532604, "uts": 4026532602, "ipc": 4026532603, "user": 4026532600,
        "cgroup": 4026532607}, userns="own (ids are mapped)", uid_map="0 1000 1; 1 100000 65536",
        held="its own user namespace (not the host's)", eff="full", bnd="full",
        seccomp="filter (1)", nnp="0", lsm="none", pid_inside="1", memory_max="max",
        masked="/proc/acpi /proc/kcore /sys/firmware", read_only="/sys/fs/cgroup /proc/sys",
        pids_max="2048", findings=[]),
    "host": dict(pid=1500, isolated=False, own={}, userns="host (ids are the host's)",
        uid_map="identity (0 0 4294967295)", held="the initial user namespace", eff="full",
        bnd="full", seccomp="none", nnp="0", lsm="unconfined (apparmor)", memory_max="max",
        masked="none", read_only="none", findings=[]),
}
TODO = {}

doc = json.load(open(sys.argv[1]))
name = sys.argv[2]
c = CASES[name]
L = doc["layers"]

def check(key, got, want, desc):
    st = "ok" if got == want else "not ok"
    todo = TODO.get((name, key))
    line = "%s\t%s: %s" % (st, name, desc)
    if st != "ok":
        line += " (got %r, want %r)" % (got, want)
    if todo:
        line += " # TODO " + todo
    print(line)

check("pid", doc["pid"], c["pid"], "pid %d" % c["pid"])
check("isolated", doc["isolated"], c["isolated"], "isolated is %s" % str(c["isolated"]).lower())
for t, host in HOST.items():
    want = "own %d" % c["own"][t] if t in c["own"] else "host %d" % host
    check("ns", L["namespaces"][t], {"value": want, "host": str(host)}, "namespace %s is %s (host %d)" % (t, want, host))
check("userns", L["user"]["namespace"], c["userns"], "user namespace: %s" % c["userns"])
check("uid_map", L["user"]["uid_map"], c["uid_map"], "uid_map %s" % c["uid_map"])
check("held", L["capabilities"]["held_in"], c["held"], "capabilities held in %s" % c["held"])
check("eff", L["capabilities"]["effective"]["value"], c["eff"], "effective %s" % c["eff"].split(":")[0])
check("bnd", L["capabilities"]["bounding"]["value"], c["bnd"], "bounding %s" % c["bnd"].split(":")[0])
check("seccomp", L["confinement"]["seccomp"], {"value": c["seccomp"], "host": "none"}, "seccomp %s" % c["seccomp"])
check("nnp", L["confinement"]["no_new_privs"], {"value": c["nnp"], "host": "0"}, "no_new_privs %s" % c["nnp"])
check("lsm", L["confinement"]["lsm"], c["lsm"], "lsm %s" % c["lsm"])
check("pid_inside", L["process"].get("pid_inside"), c.get("pid_inside"),
      "pid_inside %s" % c["pid_inside"] if "pid_inside" in c else "no pid_inside (the host's pid namespace)")
check("memory_max", L["cgroup"].get("memory_max"), c["memory_max"], "memory_max %s" % c["memory_max"])
for key in ("masked", "read_only", "overlay_lower"):
    if key in c:
        check(key, L["rootfs"].get(key), c[key], "rootfs %s" % key)
if "pids_max" in c:
    check("pids_max", L["cgroup"].get("pids_max"), c["pids_max"], "pids_max %s" % c["pids_max"])
check("file_caps", "file_caps" in L["capabilities"], False, "no file_caps fact (a fixture has no files)")
check("findings", [f["id"] for f in doc["findings"]], c["findings"], "findings %s" % (",".join(c["findings"]) or "none"))
EOF
# facts CASE TARGET: explain --json TARGET, then the checks of facts.py.
facts() {
  local name=$1 target=$2 st line
  run explain --json "$target"
  is "$rc" 0 "explain --json $target ($name): exit 0"
  while IFS=$'\t' read -r st line; do
    TAP_N=$((TAP_N + 1))
    echo "$st $TAP_N - $line"
    case $st:$line in
      "not ok:"*"# TODO "*) ;;
      "not ok:"*) TAP_FAILED=$((TAP_FAILED + 1)) ;;
    esac
  done < <(python3 "$tmp/facts.py" "$tmp/out" "$name")
}
facts docker-default 3100
facts worker 3101
facts privileged 3200
facts rootless 3300
facts host 1500

# --- TARGET forms --------------------------------------------------------------------------------
D_ID=6cc773b2f0554f01f827d0d9bcae2f9f99a9c57134b799791bd820d58b71ef5f
run explain --json 6cc7
is "$rc:$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$tmp/out")" "0:3100" \
  "explain 6cc7 (a short id prefix): the container's lowest pid, 3100 (not its worker 3101)"
run explain --json "$D_ID"
is "$rc:$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$tmp/out")" "0:3100" \
  "explain with the full container id: 3100"
run explain --json "/system.slice/docker-$D_ID.scope"
is "$rc:$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$tmp/out")" "0:3100" \
  "explain /system.slice/docker-ID.scope (a cgroup path): 3100"
run explain --json "/sys/fs/cgroup/system.slice/docker-$D_ID.scope"
is "$rc:$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$tmp/out")" "0:3100" \
  "explain /sys/fs/cgroup/system.slice/docker-ID.scope (pure v2: no hierarchy name): 3100"
run explain --json /system.slice
is "$rc:$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$tmp/out")" "0:1500" \
  "explain /system.slice: the lowest pid below it, sshd's 1500"
run explain deadbeef
is "$rc" 2 "explain deadbeef (no such container): exit 2"
run explain 9999
is "$rc" 2 "explain 9999 (no such pid in the fixture): exit 2"
run explain 3100 3200
is "$rc" 1 "explain with two targets: exit 1"
run diff 3100
is "$rc" 1 "diff with one target: exit 1"
run diff 3100 deadbeef
is "$rc" 2 "diff with a missing target: exit 2"
run diff --json 3100 3101
is "$rc:$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join(x["layer"] + "/" + x["field"] for x in d["differences"]), d["count"])' "$tmp/out")" \
  "0:process/uid process/pid_inside capabilities/effective capabilities/permitted 4" \
  "diff 3100 3101 (master and worker): uid, pid inside, effective and permitted capabilities"

# caps --beyond docker over the fixture: eff, prm or amb beyond Docker's 14.
run caps -n -r -o PID --beyond docker
is "$rc:$(tr '\n' ' ' <<<"$out")" "0:1 2 1500 3200 3300 " \
  "caps --beyond docker: 1, 2, 1500, 3200 and 3300 (every capability), not 3100 (Docker's) nor 3101 (none)"

# --- what the fixture says about the kernel: its own cap_last_cap ---------------------------------
# A copy whose kernel knows 38 capabilities (cap_last_cap 37, before CAP_PERFMON) and whose sshd
# holds all 38 (0000003fffffffff): "full" must be judged by the fixture's kernel.
cp -a "$root" "$tmp/old"
echo 37 >"$tmp/old/proc/sys/kernel/cap_last_cap"
sed -i 's/^\(Cap\(Prm\|Eff\|Bnd\):\t\).*/\10000003fffffffff/' "$tmp/old/proc/1500/status"
"$ISOSCOPE" --sysroot "$tmp/old" explain --json 1500 >"$tmp/old.json" 2>"$tmp/old.err"
is $? 0 "old-kernel copy: explain --json 1500 exits 0"
eff=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["layers"]["capabilities"]["effective"]["value"])' "$tmp/old.json")
[ "$eff" = full ]
ok $? "old-kernel copy (cap_last_cap 37): 38 capabilities are 'full' (got '${eff%%:*}...')"

done_testing
