#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# explain.t: `isoscope explain` and `isoscope diff` on live targets the test makes with unshare,
# every fact checked against the kernel's files and every finding against the rules of
# isoscope-explain(1), which apply to isolated targets only (in a container, or in a mount or
# pid namespace of their own):
#
#   C    unshare --fork --kill-child --pid --mount --uts --ipc --net --mount-proc, root, whose init masks
#        /proc/kcore (/dev/null bound over it) and /sys/firmware (an empty read-only tmpfs), makes
#        /proc/sys read-only and remounts every cgroup filesystem read-only: host user, cgroup
#        and time namespaces -> host-user, cap-sys-admin, no-seccomp
#   N    the same without --net, and a file bound at .../docker.sock inside (no masking)
#        -> host-net, host-user, runtime-socket, writable-cgroupfs, cap-sys-admin, no-seccomp
#   N2   nsenter into C's pid, mount, uts and ipc namespaces (not its net): differs from C in
#        the network namespace only -> host-net, host-user, cap-sys-admin, no-seccomp
#   U    unshare --user --map-root-user --fork --kill-child --pid --mount-proc: root in its own user
#        namespace -> host-net, host-ipc, writable-cgroupfs, no-seccomp; not host-user, and
#        not cap-sys-admin although it holds every capability (in its own user namespace)
#   X    unshare --fork --kill-child --pid --mount-proc, then nobody without no_new_privs -> no-nnp
#   XN   the same with --no-new-privs -> no no-nnp
#   E    root with the bounding set {chown, net_admin} -> extra-caps (cap_net_admin)
#   D    root with exactly Docker's 14 default capabilities -> neither cap finding
#   S    root under a seccomp filter (with no_new_privs), in a pids cgroup with pids.max 64
#        -> no no-seccomp, no no-limits
#   H    a plain sleep in every host namespace: not isolated, so no finding at all
# Findings that depend on this machine (no-limits: the limits of the cgroups the targets share
# with the test; writable-cgroupfs and runtime-socket: the host's mount table) are also worked
# out from the kernel's files, independently of isoscope.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source=../lib/ns-helpers.sh disable=SC1091
. "$TESTDIR/../lib/ns-helpers.sh"

require_root
for tool in unshare nsenter setpriv mount python3; do
  command -v "$tool" >/dev/null || skip_all "$tool is needed"
done

export LC_ALL=C.UTF-8
unset COLUMNS LINES NO_COLOR

CGNAME=isoscope-test.$$
CGP=
[ "$(stat -f -c %T /sys/fs/cgroup/pids 2>/dev/null)" = cgroupfs ] && CGP=/sys/fs/cgroup/pids/$CGNAME
CGU=
[ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] && CGU=/sys/fs/cgroup/unified/$CGNAME

trap ns_cleanup EXIT
tmp=$(new_tmpdir) || exit 1
track_tmpdir "$tmp"

# ---------------------------------------------------------------------------------------------
# The oracle: what explain should say, from /proc and /sys/fs/cgroup.
cat >"$tmp/ex.py" <<'EOF'
# ex.py: the kernel's view of a process, as `isoscope explain` should word it, and checks of
# explain/diff output against it.  "check" and "text" print lines "TODO US GOT US WANT US DESC"
# (US is 0x1f; TODO is "-" or the reason of a known bug) for the shell to turn into TAP.
import json, os, pwd, re, sys

NS = ["mnt", "net", "pid", "uts", "ipc", "user", "cgroup", "time"]
FIXED = {"mnt": 0xEFFFFFF8, "net": 0xEFFFFFF9, "pid": 0xEFFFFFFC, "uts": 0xEFFFFFFE,
         "ipc": 0xEFFFFFFF, "user": 0xEFFFFFFD, "cgroup": 0xEFFFFFFB, "time": 0xEFFFFFFA}
LAYERS = ["process", "namespaces", "user", "cgroup", "rootfs", "capabilities", "confinement"]
HEADINGS = ["process", "namespaces", "user mapping", "cgroup", "root filesystem", "capabilities",
            "seccomp, no_new_privs, LSM"]
SOCKETS = {"docker.sock", "containerd.sock", "crio.sock", "podman.sock", "cri-dockerd.sock",
           "dockershim.sock"}
DOCKER = {"cap_chown", "cap_dac_override", "cap_fsetid", "cap_fowner", "cap_mknod", "cap_net_raw",
          "cap_setgid", "cap_setuid", "cap_setfcap", "cap_setpcap", "cap_net_bind_service",
          "cap_sys_chroot", "cap_kill", "cap_audit_write"}
V1_UNLIMITED = 0x7FFFFFFFFFFF0000
# Cgroup facts that move between two reads of the kernel's files (two isoscope runs).
VOLATILE = {"memory_current", "memory_working_set", "pids_current", "cpu_stat_nr_throttled",
            "psi_cpu_some_avg10", "psi_memory_some_avg10", "psi_io_some_avg10",
            "memory_events_oom_kill"}


def cap_numbers():
    table = {}
    with open("/usr/include/linux/capability.h", encoding="utf-8") as f:
        for line in f:
            m = re.match(r"#define\s+CAP_([A-Z0-9_]+)\s+([0-9]+)\s*$", line)
            if m:
                table[int(m.group(2))] = "cap_" + m.group(1).lower()
    return table


NAMES = cap_numbers()
with open("/proc/sys/kernel/cap_last_cap", encoding="ascii") as _f:
    LAST = int(_f.read())
ALL = (1 << (LAST + 1)) - 1


def names(mask):
    return [NAMES.get(n, "cap_%d" % n) for n in range(64) if mask >> n & 1]


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def status(pid):
    out = {}
    for line in read("/proc/%s/status" % pid).splitlines():
        k, _, v = line.partition(":")
        out[k] = v.strip()
    return out


def ino(pid, t):
    link = os.readlink("/proc/%s/ns/%s" % (pid, t))
    return int(link[link.index("[") + 1:-1])


def host_ns():
    try:
        stat = read("/proc/2/stat")
        if stat[stat.rindex(")") + 2:].split()[1] == "0":
            return {t: ino(2, t) for t in NS}
    except (OSError, ValueError, IndexError):
        pass
    return dict(FIXED)


def mountinfo(pid):
    """(root, mount point, mount options, fstype, source, super options) per line."""
    out = []
    for line in read("/proc/%s/mountinfo" % pid).splitlines():
        f = line.split(" ")
        sep = f.index("-", 6)
        unesc = lambda s: re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), s)
        out.append((unesc(f[3]), unesc(f[4]), f[5].split(","), f[sep + 1], unesc(f[sep + 2]),
                    f[sep + 3] if len(f) > sep + 3 else ""))
    return out


def map_text(text):
    lines = [l.split() for l in text.splitlines() if l.strip()]
    if not lines:
        return "(empty)"
    if len(lines[0]) == 3 and lines[0] == ["0", "0", "4294967295"]:
        return "identity (0 0 4294967295)"
    return "; ".join(" ".join(l) for l in lines)


def caps_text(mask):
    if mask == 0:
        return "none"
    if mask & ALL == ALL:
        return "full"
    return "%d: %s" % (bin(mask).count("1"), ",".join(names(mask)))


def cgroup_mounts():
    """hierarchy key ('' for cgroup2, else the sorted controller list) -> mount point."""
    out = {}
    for root, mp, _opts, fstype, _src, sup in mountinfo("self"):
        if root != "/":
            continue
        if fstype == "cgroup2":
            out.setdefault("", mp)
        elif fstype == "cgroup":
            ctrls = [o for o in sup.split(",") if o not in ("rw", "ro") and "=" not in o
                     or o.startswith("name=")]
            out.setdefault(",".join(sorted(ctrls)), mp)
    return out


def limited(pid):
    """Whether one of the process's own cgroups has a memory, pids or CPU limit."""
    mounts = cgroup_mounts()
    why = []
    for line in read("/proc/%s/cgroup" % pid).splitlines():
        _, ctrls, path = line.split(":", 2)
        key = ",".join(sorted(ctrls.split(","))) if ctrls else ""
        mp = mounts.get(key)
        if mp is None:
            continue
        d = mp + path

        def val(name):
            try:
                return read(os.path.join(d, name)).split()
            except OSError:
                return None
        if key == "":
            for name in ("memory.max", "pids.max"):
                v = val(name)
                if v and v[0] != "max":
                    why.append("%s %s" % (name, v[0]))
            v = val("cpu.max")
            if v and v[0] != "max":
                why.append("cpu.max %s" % v[0])
            continue
        ctl = key.split(",")
        if "memory" in ctl:
            v = val("memory.limit_in_bytes")
            if v and int(v[0]) < V1_UNLIMITED:
                why.append("memory.limit_in_bytes %s" % v[0])
        if "pids" in ctl:
            v = val("pids.max")
            if v and v[0] != "max":
                why.append("pids.max %s" % v[0])
        if "cpu" in ctl:
            v = val("cpu.cfs_quota_us")
            if v and v[0] != "-1":
                why.append("cpu.cfs_quota_us %s" % v[0])
    return why


def primary_cgroup(pid):
    v2 = memory = named = other = None
    for line in read("/proc/%s/cgroup" % pid).splitlines():
        hid, ctrls, path = line.split(":", 2)
        if hid == "0" and ctrls == "":
            v2 = path
        elif ctrls == "memory":
            memory = path
        elif ctrls.startswith("name="):
            named = named or path
        elif other is None and path != "/":
            other = path
    pure_v2 = all(l.startswith("0::") for l in read("/proc/%s/cgroup" % pid).splitlines())
    if v2 and (pure_v2 or v2 != "/"):
        return v2
    for p in (memory, named):
        if p and p != "/":
            return p
    return other or v2 or memory


def expect(pid):
    """The layers and findings explain should print for PID, from the kernel."""
    pid = str(pid)
    st = status(pid)
    host = host_ns()
    mine = {t: ino(pid, t) for t in NS}
    own = {t: mine[t] != host[t] for t in NS}
    isolated = own["mnt"] or own["pid"]
    uid = int(st["Uid"].split()[0])
    try:
        uname = pwd.getpwuid(uid).pw_name
    except KeyError:
        uname = str(uid)
    nspid = st["NSpid"].split()
    cmd = read("/proc/%s/cmdline" % pid).rstrip("\0").replace("\0", " ")
    L = {k: {} for k in LAYERS}
    L["process"] = {"pid": pid, "command": cmd, "uid": "%d (%s)" % (uid, uname), "container": "none"}
    if len(nspid) > 1:
        L["process"]["pid_inside"] = nspid[-1]
    for t in NS:
        L["namespaces"][t] = {"value": "%s %d" % ("own" if own[t] else "host", mine[t]),
                              "host": str(host[t])}
    L["user"] = {"namespace": "own (ids are mapped)" if own["user"] else "host (ids are the host's)",
                 "uid_map": map_text(read("/proc/%s/uid_map" % pid)),
                 "gid_map": map_text(read("/proc/%s/gid_map" % pid)),
                 "setgroups": read("/proc/%s/setgroups" % pid).strip()}
    L["cgroup"] = {"path": primary_cgroup(pid)}
    mi = mountinfo(pid)
    rootfs = [m for m in mi if m[1] == "/"][-1]
    masked, readonly = [], []
    for root, mp, opts, fstype, _src, _sup in mi:
        ro = "ro" in opts
        if mp.startswith("/proc/") or mp.startswith("/sys/") or mp == "/sys":
            devnull = root == "/null" and fstype in ("devtmpfs", "tmpfs")
            empty = fstype == "tmpfs" and ro and not mp.startswith("/sys/fs/")
            if devnull or empty:
                masked.append(mp)
            elif ro and mp != "/sys":
                readonly.append(mp)
    L["rootfs"] = {"mount_namespace": "own" if own["mnt"] else "host",
                   "root": "%s %s" % (rootfs[3], rootfs[4]),
                   "masked": " ".join(masked) or "none", "read_only": " ".join(readonly) or "none",
                   "chroot": "no", "cwd": os.readlink("/proc/%s/cwd" % pid)}
    L["capabilities"] = {"held_in": "its own user namespace (not the host's)" if own["user"]
                         else "the initial user namespace"}
    for key, field in (("CapEff", "effective"), ("CapPrm", "permitted"), ("CapInh", "inheritable"),
                       ("CapBnd", "bounding"), ("CapAmb", "ambient")):
        # The host's sets are a kernel thread's: none inheritable or ambient.
        host = "none" if field in ("inheritable", "ambient") else "full"
        L["capabilities"][field] = {"value": caps_text(int(st[key], 16)), "host": host}
    sec = {"0": "none", "1": "strict"}.get(st["Seccomp"], "filter (%s)" % st.get("Seccomp_filters"))
    L["confinement"] = {"seccomp": {"value": sec, "host": "none"},
                        "no_new_privs": {"value": st["NoNewPrivs"], "host": "0"},
                        "lsm": "none"}
    for attr, lsm in (("apparmor/current", "apparmor"), ("selinux/current", "selinux"),
                      ("smack/current", "smack"), ("current", None)):
        try:
            label = read("/proc/%s/attr/%s" % (pid, attr)).split("\n")[0].rstrip("\0")
        except OSError:
            continue
        if label:
            if lsm is None:
                lsm = "selinux" if ":" in label and "_u:" in label else "apparmor"
            L["confinement"]["lsm"] = "%s (%s)" % (label, lsm)
            break
    eff = int(st["CapEff"], 16)
    findings = []
    if isolated:
        for t, fid in (("net", "host-net"), ("pid", "host-pid"), ("ipc", "host-ipc"), ("user", "host-user")):
            if not own[t]:
                findings.append(fid)
        if not limited(pid):
            findings.append("no-limits")
    for _root, mp, _opts, _fs, _src, _sup in mi:
        if os.path.basename(mp) in SOCKETS:
            findings.append("runtime-socket")
    if isolated and any(m[3] in ("cgroup", "cgroup2") and "ro" not in m[2] for m in mi):
        findings.append("writable-cgroupfs")
    if isolated and not own["user"]:
        if eff >> 21 & 1:
            findings.append("cap-sys-admin")
        elif set(names(eff & ALL)) - DOCKER:
            findings.append("extra-caps")
    if isolated and st["Seccomp"] == "0":
        findings.append("no-seccomp")
    if isolated and st["NoNewPrivs"] == "0" and uid != 0:
        findings.append("no-nnp")
    return {"pid": int(pid), "isolated": isolated, "layers": L, "findings": findings,
            "limits": limited(pid)}


def emit(got, want, desc, todo="-"):
    print("\x1f".join([todo, str(got), str(want), desc]))


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def check(args):
    """check EXPLAIN-JSON PID LABEL [WANT-FINDINGS [FIXED]]: every fact and finding against the
    kernel; WANT-FINDINGS (ids joined by ',', '-' for none) is what the test's setup implies.
    no-limits, writable-cgroupfs and runtime-socket depend on this machine and are left out of
    that comparison unless wanted or named in FIXED (ids the setup rules out)."""
    doc, pid, label = load(args[0]), args[1], args[2]
    exp = expect(pid)
    emit(doc.get("pid"), exp["pid"], "%s: pid" % label)
    emit(json.dumps(doc.get("isolated")), json.dumps(exp["isolated"]), "%s: isolated" % label)
    emit(",".join(doc.get("layers", {}).keys()), ",".join(LAYERS), "%s: the seven layers, in order" % label)
    for layer in LAYERS:
        got = doc["layers"].get(layer, {})
        for field, want in exp["layers"][layer].items():
            g = got.get(field)
            if isinstance(want, dict):
                emit(json.dumps(g, sort_keys=True), json.dumps(want, sort_keys=True),
                     "%s: %s.%s is the kernel's, with the host's value" % (label, layer, field))
            else:
                emit(g, want, "%s: %s.%s is the kernel's" % (label, layer, field))
    ids = [f.get("id") for f in doc.get("findings", [])]
    emit(",".join(sorted(ids)), ",".join(sorted(exp["findings"])),
         "%s: findings are the ones the rules give for the kernel's state%s" % (
             label, " (own cgroups unlimited)" if not exp["limits"] else " (limited: %s)" % ", ".join(exp["limits"])))
    if len(args) > 3:
        want = [] if args[3] == "-" else args[3].split(",")
        fixed = set(args[4].split(",")) if len(args) > 4 else set()
        machine = {"no-limits", "writable-cgroupfs", "runtime-socket"} - fixed
        got_fixed = sorted(i for i in ids if i not in machine or i in want)
        emit(",".join(got_fixed), ",".join(sorted(want)), "%s: findings include exactly %s from the setup"
             % (label, ",".join(want) or "none"))
    emit(len(ids), len(set(ids)), "%s: no finding twice" % label)
    reasons = [f.get("reason") for f in doc.get("findings", [])]
    emit(all(isinstance(r, str) and r for r in reasons), True, "%s: every finding has a reason" % label)
    return 0


def text(args):
    """text TEXT-FILE EXPLAIN-JSON LABEL [host-values]: the text output says what the JSON says
    (and, with host-values, shows the host's value beside a namespace of the target's own)."""
    lines = read(args[0]).splitlines()
    doc, label = load(args[1]), args[2]
    emit(lines[0], "%s: pid %d (%s)" % (doc["target"], doc["pid"], read("/proc/%d/comm" % doc["pid"]).strip()),
         "%s: text: the first line names the target, pid and comm" % label)
    heads = [l for l in lines if re.match(r"^[0-9]\. ", l)]
    emit(" | ".join(heads), " | ".join("%d. %s" % (i, h) for i, h in enumerate(HEADINGS)),
         "%s: text: the seven layer headings" % label)
    facts, hosts, cur, findings, in_find = {}, {}, None, [], False
    for l in lines[1:]:
        m = re.match(r"^([0-9])\. ", l)
        if m:
            cur = LAYERS[int(m.group(1))]
            continue
        if l.startswith("findings:"):
            in_find = True
            emit(l, "findings:" + ("" if doc["findings"] else " none"),
                 "%s: text: the findings heading ('none' when there are none)" % label)
            continue
        if in_find:
            m = re.match(r"^   ! (\S+)\s+(.*)$", l)
            if m:
                findings.append({"id": m.group(1), "reason": m.group(2)})
            continue
        m = re.match(r"^   (\S+)\s+(.*?)(?:  \[host: ([^]]*)\])?$", l)
        if m and cur:
            facts.setdefault(cur, {})[m.group(1)] = m.group(2)
            if m.group(3) is not None:
                hosts.setdefault(cur, {})[m.group(1)] = m.group(3)
    want = {k: {f: (v["value"] if isinstance(v, dict) else v) for f, v in doc["layers"][k].items()}
            for k in LAYERS}
    # The host's value beside a fact where it says something the value does not (the man
    # page: "each beside the host's value where there is one").
    want_hosts = {k: {f: v["host"] for f, v in doc["layers"][k].items()
                      if isinstance(v, dict) and v["host"] != v["value"]
                      and v["value"] != "host " + v["host"]} for k in LAYERS}
    emit(json.dumps({k: hosts.get(k, {}) for k in LAYERS}, sort_keys=True),
         json.dumps(want_hosts, sort_keys=True), "%s: text: the host values beside the facts are the JSON's" % label)
    for k in LAYERS:
        # The text comes from a second run: a moving counter may differ, but not its presence.
        got_k = {f: ("(volatile)" if k == "cgroup" and f in VOLATILE else v) for f, v in facts.get(k, {}).items()}
        want_k = {f: ("(volatile)" if k == "cgroup" and f in VOLATILE else v) for f, v in want[k].items()}
        emit(json.dumps(got_k, sort_keys=True), json.dumps(want_k, sort_keys=True),
             "%s: text: the %s facts are the JSON's" % (label, k))
    emit(json.dumps(findings), json.dumps(doc["findings"]), "%s: text: the findings are the JSON's" % label)
    # The host's value beside a namespace of the target's own (the man page: "each beside the
    # host's value where there is one").
    nsl = doc["layers"]["namespaces"]
    own = [t for t in nsl if nsl[t]["value"].startswith("own ")]
    if own and len(args) > 3 and args[3] == "host-values":
        t, host = own[0], nsl[own[0]]["host"]
        line = [l for l in lines if re.match(r"^   %s\s" % t, l)]
        emit("yes" if line and line[0].endswith("  [host: %s]" % host) else "no", "yes",
             "%s: text: the %s line shows the host's inode %s beside the value (%s)" % (
                 label, t, host, line[0].strip() if line else "no such line"))
    return 0


def facts(doc):
    out = {}
    for layer in LAYERS:
        for field, v in doc["layers"][layer].items():
            out[(layer, field)] = v["value"] if isinstance(v, dict) else v
    return out


def diffcheck(args):
    """diffcheck DIFF-JSON EXPLAIN-A EXPLAIN-B LABEL ALL: differences against the two explains."""
    d, a, b, label, all_ = load(args[0]), load(args[1]), load(args[2]), args[3], args[4] == "1"
    fa, fb = facts(a), facts(b)
    # diff reads both targets in one scan, the explains were two: the moving cgroup counters are
    # left out of the comparison, except that one cgroup's counters cannot differ from themselves.
    same_cg = fa.get(("cgroup", "path")) == fb.get(("cgroup", "path"))
    volatile = lambda k: k[0] == "cgroup" and k[1] in VOLATILE
    keys = list(fa) + [k for k in fb if k not in fa]
    want = []
    for k in keys:
        va, vb = fa.get(k, "-"), fb.get(k, "-")
        if k in (("process", "pid"), ("process", "command")) and not all_:
            continue
        if volatile(k):
            continue
        if va != vb or all_:
            want.append({"layer": k[0], "field": k[1], "a": va, "b": vb})
    got = d.get("differences") or []
    key = lambda x: (x["layer"], x["field"])
    got_v = [x for x in got if volatile(key(x))]
    got = [x for x in got if not volatile(key(x))]
    emit(json.dumps(sorted(got, key=key)), json.dumps(sorted(want, key=key)),
         "%s: the differences are the facts of the two explains that differ%s" % (
             label, " (and the equal ones, -a)" if all_ else ""))
    if same_cg:
        emit(json.dumps([x for x in got_v if x["a"] != x["b"]]), "[]",
             "%s: no counter of their one cgroup differs from itself" % label)
    ndiff_v = sum(1 for x in got_v if x["a"] != x["b"])
    emit(d.get("count"), sum(1 for x in want if x["a"] != x["b"]) + ndiff_v,
         "%s: count is the number of differing facts" % label)
    emit(isinstance(d.get("count"), int), True, "%s: count is a number" % label)
    ns = sorted(x["field"] for x in (got or []) if x["layer"] == "namespaces" and x["a"] != x["b"])
    print("NS\x1f" + " ".join(ns))
    return 0


def main(argv):
    cmd, args = argv[0], argv[1:]
    if cmd == "check":
        return check(args)
    if cmd == "text":
        return text(args)
    if cmd == "diffcheck":
        return diffcheck(args)
    if cmd == "get":
        v = load(args[0])
        for k in args[1:]:
            v = v[int(k)] if isinstance(v, list) else v.get(k) if isinstance(v, dict) else None
        print(v if isinstance(v, str) else json.dumps(v))
        return 0
    if cmd == "ids":
        print(",".join(f["id"] for f in load(args[0])["findings"]))
        return 0
    if cmd == "reason":
        print(" ".join(f["reason"] for f in load(args[0])["findings"] if f["id"] == args[1]))
        return 0
    return 2


sys.exit(main(sys.argv[1:]))
EOF
ex() { "$NS_PYTHON" "$tmp/ex.py" "$@"; }

# assert_lines CMD...: turn the "TODO US GOT US WANT US DESC" lines of ex.py into assertions;
# other lines (KEY US VALUE) are left in $tmp/extra.
assert_lines() {
  local todo got want desc
  : >"$tmp/extra"
  while IFS=$'\x1f' read -r todo got want desc; do
    if [ -z "$desc" ]; then
      printf '%s %s\n' "$todo" "$got" >>"$tmp/extra"
    elif [ "$todo" = - ]; then
      is "$got" "$want" "$desc"
    else
      [ "$got" = "$want" ]
      todo_ok $? "$desc" "$todo"
    fi
  done < <("$@")
}

# explain NAME TARGET: `isoscope explain --json TARGET` into $tmp/NAME.json and the text
# output into $tmp/NAME.txt; sets $rc (of the JSON run) and $rct (of the text run).
explain() {
  "$ISOSCOPE" explain --json "$2" >"$tmp/$1.json" 2>"$tmp/$1.err"
  rc=$?
  "$ISOSCOPE" explain "$2" >"$tmp/$1.txt" 2>>"$tmp/$1.err"
  rct=$?
}

comm_is() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]; }
# child_sleep PID: the child of PID that runs sleep, if there is one yet.
child_sleep() {
  local c
  for c in $(children_of "$1" 2>/dev/null); do
    comm_is "$c" sleep && echo "$c" && return 0
  done
  return 1
}

# ---------------------------------------------------------------------------------------------
# The targets.
HELPER=
if command -v cc >/dev/null && cc -O2 -Wall -o "$tmp/seccomp-helper" "$TESTDIR/../lib/seccomp-helper.c" 2>"$tmp/cc.err"; then
  HELPER=$tmp/seccomp-helper
else
  diag "no seccomp helper (no cc, or it failed): $(head -c 200 "$tmp/cc.err" 2>/dev/null)"
fi
mkdir -p "$tmp/run" && : >"$tmp/run/docker.sock" && : >"$tmp/sock-src"
# C's init (sh c-init.sh DIR): mask a file of /proc with /dev/null (the first of Docker's that
# this kernel has) and /sys/firmware with an empty read-only tmpfs, make /proc/sys read-only and
# remount every cgroup filesystem read-only; the masked paths go to DIR/masked in mount order.
cat >"$tmp/c-init.sh" <<'EOF'
dir=$1
for f in /proc/kcore /proc/keys /proc/timer_list; do
  [ -f "$f" ] || continue
  mount --bind /dev/null "$f" || exit 1
  echo "$f" >"$dir/masked"
  break
done
if [ -d /sys/firmware ]; then
  mount -t tmpfs -o ro,size=4k tmpfs /sys/firmware || exit 1
  echo /sys/firmware >>"$dir/masked"
fi
mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys || exit 1
awk '{for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) ~ /^cgroup2?$/) print $5; break }}' \
  /proc/self/mountinfo >"$dir/cg-mounts" || exit 1
while read -r m; do mount -o remount,bind,ro "$m" || exit 1; done <"$dir/cg-mounts"
exec sleep 60
EOF
DOCKER_BND=-all,+chown,+dac_override,+fsetid,+fowner,+mknod,+net_raw,+setgid,+setuid,+setfcap,+setpcap,+net_bind_service,+sys_chroot,+kill,+audit_write

unshare --fork --kill-child --pid --mount --uts --ipc --net --mount-proc sh "$tmp/c-init.sh" "$tmp" >/dev/null 2>>"$tmp/bg.err" &
C_P=$!
track_pid "$C_P"
# shellcheck disable=SC2016 # $1 and $2 are the inner shell's
unshare --fork --kill-child --pid --mount --uts --ipc --mount-proc \
  sh -c 'mount --bind "$1" "$2" && exec sleep 60' sh "$tmp/sock-src" "$tmp/run/docker.sock" >/dev/null 2>>"$tmp/bg.err" &
N_P=$!
track_pid "$N_P"
unshare --user --map-root-user --fork --kill-child --pid --mount-proc sleep 60 >/dev/null 2>>"$tmp/bg.err" &
U_P=$!
track_pid "$U_P"
unshare --fork --kill-child --pid --mount-proc setpriv --reuid=65534 --regid=65534 --clear-groups sleep 60 >/dev/null 2>>"$tmp/bg.err" &
X_P=$!
track_pid "$X_P"
unshare --fork --kill-child --pid --mount-proc setpriv --reuid=65534 --regid=65534 --clear-groups --no-new-privs sleep 60 \
  >/dev/null 2>>"$tmp/bg.err" &
XN_P=$!
track_pid "$XN_P"
unshare --fork --kill-child --pid --mount-proc setpriv --inh-caps=-all --bounding-set=-all,+chown,+net_admin sleep 60 \
  >/dev/null 2>>"$tmp/bg.err" &
E_P=$!
track_pid "$E_P"
unshare --fork --kill-child --pid --mount-proc setpriv --inh-caps=-all --bounding-set="$DOCKER_BND" sleep 60 >/dev/null 2>>"$tmp/bg.err" &
D_P=$!
track_pid "$D_P"
S_P=
if [ -n "$HELPER" ]; then
  unshare --fork --kill-child --pid --mount-proc "$HELPER" 1 sleep 60 >/dev/null 2>>"$tmp/bg.err" &
  S_P=$!
  track_pid "$S_P"
fi
sleep 60 &
H=$!
track_pid "$H"

C="" N="" U="" X="" XN="" E="" D="" S=""
found() {
  C=$(child_sleep "$C_P") && N=$(child_sleep "$N_P") && U=$(child_sleep "$U_P") && X=$(child_sleep "$X_P") &&
    XN=$(child_sleep "$XN_P") && E=$(child_sleep "$E_P") && D=$(child_sleep "$D_P") &&
    { [ -z "$S_P" ] || S=$(child_sleep "$S_P"); } && comm_is "$H" sleep
}
# track_children PID...: track every child of these processes (the sleeps of pid namespaces
# whose unshare is tracked already), so that a failed setup leaves nothing behind either.
track_children() {
  local p c
  for p in "$@"; do
    for c in $(children_of "$p" 2>/dev/null); do track_pid "$c"; done
  done
}
if ! wait_until 15 found; then
  track_children "$C_P" "$N_P" "$U_P" "$X_P" "$XN_P" "$E_P" "$D_P" ${S_P:+"$S_P"}
  ok 1 "setup: every target is running"
  diag "stderr of the targets: $(cat "$tmp/bg.err")"
  done_testing
  exit
fi
for p in "$C" "$N" "$U" "$X" "$XN" "$E" "$D" ${S:+"$S"}; do track_pid "$p"; done
# N2: C's pid, mount, uts and ipc namespaces, its working directory, and the host's network.
nsenter -t "$C" --pid --mount --uts --ipc --wd sleep 60 >/dev/null 2>>"$tmp/bg.err" &
N2_P=$!
track_pid "$N2_P"
N2=
found2() { N2=$(child_sleep "$N2_P"); }
if ! wait_until 10 found2; then
  track_children "$N2_P"
  ok 1 "setup: N2 (nsenter into C) is running"
  diag "stderr of the targets: $(cat "$tmp/bg.err")"
  done_testing
  exit
fi
track_pid "$N2"
ok 0 "setup: targets C $C N $N N2 $N2 U $U X $X XN $XN E $E D $D S ${S:--} H $H"
is "$(ns_ino "$N2" pid):$(ns_ino "$N2" mnt)" "$(ns_ino "$C" pid):$(ns_ino "$C" mnt)" "setup: N2 is in C's pid and mount namespaces"
is "$(ns_ino "$N2" net)" "$(ns_ino $$ net)" "setup: N2 is in the test's (host) network namespace"
[ -s "$tmp/masked" ] && grep -q " $(head -n1 "$tmp/masked") " "/proc/$C/mountinfo"
ok $? "setup: $(head -n1 "$tmp/masked" 2>/dev/null) is masked in C"
grep -q "$tmp/run/docker.sock" "/proc/$N/mountinfo"
ok $? "setup: a file is bound at $tmp/run/docker.sock in N"
grep -q "$tmp/run/docker.sock" /proc/self/mountinfo
is $? 1 "setup: and not in the test's own mount namespace"

# The pids cgroup with a limit (S and XN), also the cgroup path TARGET.
if [ -n "$CGP" ]; then
  mkdir "$CGP" && track_cgroup "$CGP" && echo 64 >"$CGP/pids.max"
  ok $? "setup: created $CGP with pids.max 64"
  st=0
  for p in "$XN" ${S:+"$S"}; do echo "$p" >"$CGP/cgroup.procs" || st=1; done
  ok $st "setup: XN${S:+ and S} moved into $CGP"
  low=$(min_of "$XN" ${S:+"$S"})
  explain cgp "/$CGNAME"
  [ "$rc" = 0 ] && [ "$(ex get "$tmp/cgp.json" pid)" = "$low" ]
  ok $? "explain /$CGNAME (a v1 pids cgroup, as /proc/PID/cgroup shows it): its lowest pid $low (exit $rc: $(head -n1 "$tmp/cgp.err"))"
  explain cgp2 "$CGP"
  [ "$rc" = 0 ] && [ "$(ex get "$tmp/cgp2.json" pid)" = "$low" ]
  ok $? "explain $CGP (the directory): its lowest pid $low (exit $rc)"
  "$ISOSCOPE" enter -t "$CGP" -u true 2>/dev/null
  is $? 0 "enter -t $CGP resolves the same directory (the TARGET explain should agree with)"
else
  skip "a v1 pids cgroup as explain TARGET" "no v1 pids hierarchy at /sys/fs/cgroup/pids"
fi
if [ -n "$CGU" ]; then
  mkdir "$CGU" && track_cgroup "$CGU"
  ok $? "setup: created $CGU"
  st=0
  for p in "$XN" ${S:+"$S"}; do echo "$p" >"$CGU/cgroup.procs" || st=1; done
  ok $st "setup: XN${S:+ and S} moved into $CGU"
  low=$(min_of "$XN" ${S:+"$S"})
  explain cgu "/$CGNAME"
  is "$rc:$(ex get "$tmp/cgu.json" pid)" "0:$low" "explain /$CGNAME (now also a cgroup2 path): its lowest pid $low"
  is "$(ex get "$tmp/cgu.json" target)" "/$CGNAME" "explain /$CGNAME: the JSON target is the argument"
  explain cgu2 "$CGU"
  is "$rc:$(ex get "$tmp/cgu2.json" pid)" "0:$low" "explain $CGU (the directory): pid $low"
  explain cgu3 "/$CGNAME/none"
  is "$rc" 2 "explain of a cgroup path with no process: exit 2"
else
  skip "a cgroup2 path as explain TARGET" "no cgroup2 hierarchy at /sys/fs/cgroup/unified"
fi

# ---------------------------------------------------------------------------------------------
# Every target, JSON and text.
# target LABEL PID FINDINGS [FIXED [host-values]]: explain it, check both outputs (FIXED: the
# machine-dependent finding ids that the setup rules out for this target, or "-").
target() {
  local label=$1 pid=$2 want=$3 fixed=${4:--} extra=${5:-}
  explain "$label" "$pid"
  is "$rc:$rct" "0:0" "explain $label ($pid): exit 0, JSON and text"
  is "$(cat "$tmp/$label.err")" "" "explain $label: nothing on stderr"
  assert_lines ex check "$tmp/$label.json" "$pid" "$label" "$want" "$fixed"
  assert_lines ex text "$tmp/$label.txt" "$tmp/$label.json" "$label" ${extra:+"$extra"}
}
target C "$C" host-user,cap-sys-admin,no-seccomp writable-cgroupfs host-values
masked=$(tr '\n' ' ' <"$tmp/masked" | sed 's/ $//')
is "$(ex get "$tmp/C.json" layers rootfs masked)" "$masked" "C: masked is $masked (as set up)"
# Read-only: the cgroup filesystems C remounted so (they lie under /sys) and then /proc/sys, in
# the order of its mount table, where the bind mount of /proc/sys came last.
readonly_want="$(tr '\n' ' ' <"$tmp/cg-mounts")/proc/sys"
is "$(ex get "$tmp/C.json" layers rootfs read_only)" "$readonly_want" "C: read_only is its cgroup mounts and /proc/sys (as set up)"
is "$(ex get "$tmp/C.json" layers process pid_inside)" 1 "C: pid_inside 1 (the init of its pid namespace)"
target N "$N" host-net,host-user,runtime-socket,writable-cgroupfs,cap-sys-admin,no-seccomp
is "$(ex reason "$tmp/N.json" runtime-socket)" \
  "a container runtime socket is mounted inside ($tmp/run/docker.sock): whoever reaches it controls the host" \
  "N: the runtime-socket finding names the mount point"
target N2 "$N2" host-net,host-user,cap-sys-admin,no-seccomp writable-cgroupfs
target U "$U" host-net,host-ipc,writable-cgroupfs,no-seccomp
is "$(ex get "$tmp/U.json" layers user uid_map)" "0 0 1" "U: uid_map 0 0 1 (root inside is root outside, one id)"
is "$(ex get "$tmp/U.json" layers capabilities effective value)" full "U: every capability (in its own user namespace)"
target X "$X" host-net,host-ipc,host-user,writable-cgroupfs,no-seccomp,no-nnp
target XN "$XN" host-net,host-ipc,host-user,writable-cgroupfs,no-seccomp
target E "$E" host-net,host-ipc,host-user,writable-cgroupfs,extra-caps,no-seccomp
is "$(ex reason "$tmp/E.json" extra-caps)" \
  "capabilities beyond Docker's defaults in the initial user namespace: cap_net_admin" \
  "E: extra-caps names cap_net_admin only"
target D "$D" host-net,host-ipc,host-user,writable-cgroupfs,no-seccomp
is "$(ex get "$tmp/D.json" layers capabilities effective value | cut -d: -f1)" 14 "D: 14 effective capabilities"
if [ -n "$S" ]; then
  if [ -n "$CGP" ]; then
    target S "$S" host-net,host-ipc,host-user,writable-cgroupfs,cap-sys-admin no-limits
  else
    target S "$S" host-net,host-ipc,host-user,writable-cgroupfs,cap-sys-admin
  fi
  is "$(ex get "$tmp/S.json" layers confinement seccomp value)" "filter (1)" "S: seccomp filter (1)"
  is "$(ex get "$tmp/S.json" layers confinement no_new_privs value)" 1 "S: no_new_privs 1"
  if [ -n "$CGP" ]; then
    is "$(ex get "$tmp/S.json" layers cgroup pids_max)" 64 "S: pids_max 64, from its v1 pids cgroup"
  fi
else
  skip "explain of a target under a seccomp filter" "no seccomp helper"
fi
target H "$H" -
is "$(ex get "$tmp/H.json" isolated):$(ex ids "$tmp/H.json")" "false:" "H: not isolated, and no finding"
grep -q '^findings: none$' "$tmp/H.txt"
ok $? "H: the text says 'findings: none'"

# PID:INODE, and the errors.
pidfd_ino=$("$NS_PYTHON" -c 'import os, sys; print(os.fstat(os.pidfd_open(int(sys.argv[1]))).st_ino)' "$C" 2>/dev/null)
if [ -n "$pidfd_ino" ] && [ "$pidfd_ino" -gt 1 ]; then
  explain pi "$C:$pidfd_ino"
  is "$rc:$(ex get "$tmp/pi.json" pid)" "0:$C" "explain PID:INODE with C's pidfd inode: C"
  explain pi2 "$C:$((pidfd_ino + 1))"
  is "$rc" 2 "explain PID:INODE with a wrong inode: exit 2"
else
  skip "explain PID:INODE" "pidfds are not on pidfs here (Linux 6.9+)"
fi
explain missing 99999999
is "$rc:$rct" "2:2" "explain 99999999: exit 2"
grep -q 99999999 "$tmp/missing.err"
ok $? "explain 99999999: the message names the pid"
is "$(cat "$tmp/missing.json")" "" "explain 99999999: nothing on stdout"
"$ISOSCOPE" explain "$C" "$N" >"$tmp/two.out" 2>"$tmp/two.err"
is $? 1 "explain with two targets: exit 1"
grep -q "Try 'isoscope --help'\|Try 'isoscope explain --help'" "$tmp/two.err"
ok $? "explain with two targets: points at --help"
"$ISOSCOPE" explain >/dev/null 2>&1
is $? 1 "explain without a target: exit 1"

# ---------------------------------------------------------------------------------------------
# diff
# diff_json NAME A B [-a]: isoscope diff --json into $tmp/NAME.json.
diff_json() {
  local name=$1 a=$2 b=$3
  shift 3
  "$ISOSCOPE" diff --json "$@" "$a" "$b" >"$tmp/$name.json" 2>"$tmp/$name.err"
  rc=$?
}
diff_json dCN "$C" "$N"
is "$rc" 0 "diff --json C N: exit 0"
assert_lines ex diffcheck "$tmp/dCN.json" "$tmp/C.json" "$tmp/N.json" "diff C N" 0
# Worked out from the setup: C and N each made their own mnt, pid, uts and ipc namespaces; C
# its own net and N the host's; both share the host's user, cgroup and time namespaces.
is "$(sed -n 's/^NS //p' "$tmp/extra")" "ipc mnt net pid uts" "diff C N: the namespaces that differ are ipc mnt net pid uts"
diff_json dCN2 "$C" "$N2"
assert_lines ex diffcheck "$tmp/dCN2.json" "$tmp/C.json" "$tmp/N2.json" "diff C N2" 0
is "$(sed -n 's/^NS //p' "$tmp/extra")" net "diff C N2: only the net namespace differs"
is "$(ex get "$tmp/dCN2.json" count)" 2 "diff C N2: two differences (net, and the pid inside: 1 against 2)"
diff_json dCN2a "$C" "$N2" -a
assert_lines ex diffcheck "$tmp/dCN2a.json" "$tmp/C.json" "$tmp/N2.json" "diff -a C N2" 1
"$NS_PYTHON" - "$tmp/dCN2a.json" "$C" "$N2" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
rows = {(x["layer"], x["field"]): x for x in d["differences"]}
assert rows[("namespaces", "pid")]["a"] == rows[("namespaces", "pid")]["b"], "pid ns row"
assert rows[("namespaces", "user")]["a"] == rows[("namespaces", "user")]["b"], "user ns row"
assert rows[("process", "pid")]["a"] == sys.argv[2] and rows[("process", "pid")]["b"] == sys.argv[3], "pid row"
assert ("process", "command") in rows, "command row"
EOF
ok $? "diff -a C N2: the equal pid and user namespaces are listed, and the pids and commands"
diff_json dUH "$U" "$H"
assert_lines ex diffcheck "$tmp/dUH.json" "$tmp/U.json" "$tmp/H.json" "diff U H" 0
is "$(sed -n 's/^NS //p' "$tmp/extra")" "mnt pid user" "diff U H: mnt, pid and user differ (U made those three)"
diff_json dHH "$H" "$H"
is "$rc:$(ex get "$tmp/dHH.json" count):$(ex get "$tmp/dHH.json" differences)" "0:0:[]" "diff H H: no differences"
"$ISOSCOPE" diff "$H" "$H" >"$tmp/dHH.txt" 2>&1
is "$(tail -n1 "$tmp/dHH.txt")" "(no differences)" "diff H H (text): (no differences)"
"$ISOSCOPE" diff "$C" "$N2" >"$tmp/dCN2.txt" 2>"$tmp/dCN2.err"
is $? 0 "diff C N2 (text): exit 0"
is "$(head -n1 "$tmp/dCN2.txt" | tr -s ' ')" "LAYER FIELD $C $N2" "diff C N2 (text): the heading names both targets"
is "$(awk 'NR > 1 {print $1 "/" $2}' "$tmp/dCN2.txt" | sort | tr '\n' ' ')" "namespaces/net process/pid_inside " \
  "diff C N2 (text): the rows are namespaces/net and process/pid_inside"
grep -qE "^namespaces +net +own $(ns_ino "$C" net) +host $(ns_ino "$N2" net)\$" "$tmp/dCN2.txt"
ok $? "diff C N2 (text): the net row shows 'own INODE' against 'host INODE'"
"$ISOSCOPE" diff "$C" 99999999 >/dev/null 2>&1
is $? 2 "diff C 99999999: exit 2"
"$ISOSCOPE" diff "$C" >/dev/null 2>&1
is $? 1 "diff with one target: exit 1"

# ---------------------------------------------------------------------------------------------
# An unprivileged viewer.
AS_VIEWER=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all)
ISO=$ISOSCOPE
if ! "${AS_VIEWER[@]}" test -x "$ISO"; then
  mkdir "$tmp/bin" && cp "$ISOSCOPE" "$tmp/bin/isoscope" && chmod 0755 "$tmp" "$tmp/bin" "$tmp/bin/isoscope"
  ISO=$tmp/bin/isoscope
fi
# shellcheck disable=SC2016 # $$ is the inner shell's: its pid, which the exec hands to isoscope
"${AS_VIEWER[@]}" sh -c 'echo $$ >&2; exec "$1" explain --json $$' sh "$ISO" >"$tmp/v.json" 2>"$tmp/v.err"
is $? 0 "as nobody: explain --json <its own pid> exits 0"
vpid=$(head -n1 "$tmp/v.err")
is "$(sed 1d "$tmp/v.err")" "" "as nobody: explain of itself prints nothing on stderr"
is "$(ex get "$tmp/v.json" pid)" "$vpid" "as nobody: it explains itself (pid $vpid)"
is "$(ex get "$tmp/v.json" layers namespaces net value)" "host $(ns_ino $$ net)" "as nobody: its own net namespace is read (host)"
is "$(ex get "$tmp/v.json" layers process uid)" "65534 (nobody)" "as nobody: uid 65534 (nobody)"
is "$(ex get "$tmp/v.json" layers capabilities effective value)" none "as nobody: no effective capability"
is "$(ex get "$tmp/v.json" isolated):$(ex ids "$tmp/v.json")" "false:" "as nobody: not isolated, no finding"
"${AS_VIEWER[@]}" "$ISO" explain --json "$U" >"$tmp/vu.json" 2>"$tmp/vu.err"
is $? 0 "as nobody: explain --json U (root's) exits 0"
unread=$("$NS_PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1]))["layers"]["namespaces"]; print(" ".join(t for t in d if d[t]["value"] != "-"))' "$tmp/vu.json")
is "$unread" "" "as nobody: U's namespaces are all '-' (unreadable), none guessed"
is "$(ex get "$tmp/vu.json" layers capabilities effective value)" full "as nobody: U's capabilities come from its world-readable status"
v=$(ex get "$tmp/vu.json" layers user namespace)
[ "$v" != "host (ids are the host's)" ]
ok $? "as nobody: U's user.namespace is not claimed to be the host's (got '$v')"
v=$(ex get "$tmp/vu.json" layers rootfs mount_namespace)
[ "$v" != host ]
ok $? "as nobody: U's rootfs.mount_namespace is not claimed to be the host's (got '$v')"
v=$(ex get "$tmp/vu.json" layers capabilities held_in)
[ "$v" != "the initial user namespace" ]
ok $? "as nobody: U's capabilities are not said to be held in the initial user namespace (got '$v')"
v=$(ex get "$tmp/vu.json" isolated)
[ "$v" = null ]
ok $? "as nobody: U (own mnt, pid and user namespaces, unreadable) is neither isolated nor unisolated: null (isolated: $v, findings: $(ex ids "$tmp/vu.json"))"
[ -s "$tmp/vu.err" ]
ok $? "as nobody: explain U says on stderr that it could not read everything"

if [ -s "$tmp/bg.err" ]; then
  diag "stderr of the targets:"
  while IFS= read -r line; do diag "  $line"; done <"$tmp/bg.err"
fi
done_testing
