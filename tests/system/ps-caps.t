#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ps-caps.t: `isoscope ps` and `isoscope caps` on processes the test starts with capability sets,
# seccomp filters, no_new_privs and user namespaces it chose, each field checked three ways:
# against what the test set up, against /proc/PID/status (decoded here, with the kernel's own
# numbering from <linux/capability.h>, cross-checked with `capsh --decode`) and against
# `getpcaps --iab` when libcap's tools are installed.  Then the filters (--ns, --cgroup, --user,
# --beyond, TARGETs) and, last, an unprivileged viewer.
#
# The processes (B0 is the bounding set of this test's shell, ALL every capability the kernel
# knows, 0..cap_last_cap):
#   AMB   setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=+net_raw
#         --ambient-caps=+net_raw: nobody with cap_net_raw in eff, prm, inh and amb; bnd B0
#   CAPSH capsh --inh=cap_kill --drop=cap_kill,cap_sys_admin (root): bnd B0-{kill,sys_admin};
#         inh {kill}; prm = eff = bnd + {kill} (root's exec takes inh & file-inh, and kill
#         came back through the inheritable set although the bounding set lacks it)
#   CAPSHU capsh --caps=... --keep=1 --user=nobody --addamb=cap_net_bind_service:
#         nobody with cap_net_bind_service in eff, prm, inh and amb
#   NNP   setpriv --no-new-privs (root): NNP 1, root's sets
#   SEC2  seccomp-helper 2 (root): NNP 1, SECCOMP filter(2)
#   SEC1  seccomp-helper --no-nnp 1 (root, which may do so with CAP_SYS_ADMIN): filter(1), NNP 0
#   BND   setpriv --inh-caps=-all --bounding-set=-all,+chown (root): {chown} in eff, prm, bnd
#   ADM   setpriv --inh-caps=-all --bounding-set=-all,+sys_admin (root): {sys_admin} likewise
#   UMAP  unshare --user --map-user=1000 --map-group=1000: its own user namespace, uid 1000
#         inside = 0 outside; no capability at all after exec as non-root; bnd ALL (a new user
#         namespace gets a full bounding set)
#   UROOT unshare -r: its own user namespace as root: eff = prm = bnd = ALL
#   PIDNS unshare --fork --kill-child --pid --mount-proc: the sleep is pid 1 in its own pid namespace
#   NET2  unshare --net sh -c 'sleep & exec sleep': two processes in one net namespace

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source=../lib/ns-helpers.sh disable=SC1091
. "$TESTDIR/../lib/ns-helpers.sh"

require_root
command -v setpriv >/dev/null || skip_all "util-linux setpriv is not installed"
command -v unshare >/dev/null || skip_all "util-linux unshare is not installed"
command -v python3 >/dev/null || skip_all "python3 is needed to read the JSON output"
[ -r /usr/include/linux/capability.h ] || skip_all "no <linux/capability.h> to number the capabilities"

export LC_ALL=C.UTF-8
unset COLUMNS LINES NO_COLOR

# The test's cgroups (cgroup2 only: the CGROUP column and --cgroup use the v2 path when the
# process has one other than the root), removed deepest first.
V2=
if [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
  V2=/sys/fs/cgroup/unified
elif [ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
  V2=/sys/fs/cgroup
fi
CGNAME=isoscope-test.$$

trap ns_cleanup EXIT
tmp=$(new_tmpdir) || exit 1
track_tmpdir "$tmp"

# ---------------------------------------------------------------------------------------------
# The Python side: capability names, /proc/PID/status, getpcaps, and the JSON output.
cat >"$tmp/pc.py" <<'EOF'
# pc.py: oracles for ps-caps.t.  "check" prints lines "TODO GOT WANT DESCRIPTION", the fields
# separated by US (0x1f, which no field holds; TODO is "-" or the reason of a known bug), that the
# shell turns into TAP assertions; the other commands print one answer.
import json, os, re, subprocess, sys

NS = ["mnt", "net", "pid", "uts", "ipc", "user", "cgroup", "time"]
FIXED = {"mnt": 0xEFFFFFF8, "net": 0xEFFFFFF9, "pid": 0xEFFFFFFC, "uts": 0xEFFFFFFE,
         "ipc": 0xEFFFFFFF, "user": 0xEFFFFFFD, "cgroup": 0xEFFFFFFB, "time": 0xEFFFFFFA}
SETS = ["eff", "prm", "inh", "bnd", "amb"]
STATUS_KEY = {"eff": "CapEff", "prm": "CapPrm", "inh": "CapInh", "bnd": "CapBnd", "amb": "CapAmb"}


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


def name(n):
    return NAMES.get(n, "cap_%d" % n)


ALL = [name(n) for n in range(LAST + 1)]


def decode(mask):
    return [name(n) for n in range(64) if mask >> n & 1]


def status(pid):
    out = {}
    with open("/proc/%s/status" % pid, encoding="utf-8") as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return out


def ino(pid, t):
    link = os.readlink("/proc/%s/ns/%s" % (pid, t))
    return int(link[link.index("[") + 1:-1])


def host_ns():
    """The initial namespaces: kthreadd's (pid 2, ppid 0), else the fixed inodes."""
    try:
        with open("/proc/2/stat", encoding="utf-8") as f:
            stat = f.read()
        if stat[stat.rindex(")") + 2:].split()[1] == "0":
            return {t: ino(2, t) for t in NS}
    except (OSError, ValueError, IndexError):
        pass
    return dict(FIXED)


def spec_set(text, env):
    """A set written by the shell: names joined by ',', '-' for none, '@ALL', or
    '@VAR' / '@VAR-a,b' / '@VAR+a,b' for a set the shell passed as VAR=hex."""
    if text == "-":
        return []
    if text.startswith("@"):
        m = re.match(r"@([A-Z0-9]+)(?:([+-])(.*))?$", text)
        base = set(ALL) if m.group(1) == "ALL" else set(decode(int(env[m.group(1)], 16)))
        if m.group(2) == "+":
            base |= set(m.group(3).split(","))
        elif m.group(2) == "-":
            base -= set(m.group(3).split(","))
        return sorted(base, key=ALL.index if base <= set(ALL) else str)
    return text.split(",")


def order(caps):
    by_name = {v: k for k, v in NAMES.items()}
    return sorted(caps, key=lambda c: by_name.get(c, 999))


def getpcaps(pid):
    """eff, prm, inh from the cap_to_text part, amb and bnd from the IAB part."""
    out = subprocess.run(["getpcaps", "--iab", str(pid)], capture_output=True, text=True,
                         check=False).stdout
    m = re.match(r'\s*\d+: "(.*)" \[(.*)\]\s*$', out)
    if not m:
        return None
    sets = {"e": set(), "i": set(), "p": set()}
    for clause in m.group(1).split():
        c = re.match(r"([a-z0-9_,]*)((?:[=+-][eip]*)+)$", clause)
        if not c:
            return None
        caps = set(ALL) if c.group(1) in ("", "all") else set(c.group(1).split(","))
        for op, flags in re.findall(r"([=+-])([eip]*)", c.group(2)):
            if op == "=":
                for s in sets.values():
                    s -= caps
            for fl in flags:
                if op == "-":
                    sets[fl] -= caps
                else:
                    sets[fl] |= caps
    amb, dropped = set(), set()
    for item in filter(None, m.group(2).split(",")):
        cap = item.lstrip("!^%")
        prefix = item[:len(item) - len(cap)]
        if "!" in prefix:
            dropped.add(cap)
        if "^" in prefix:
            amb.add(cap)
    return {"eff": sets["e"], "prm": sets["p"], "inh": sets["i"], "amb": amb,
            "bnd": set(ALL) - dropped}


def rows(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    return doc["processes"]


def find(path, pid):
    return [r for r in rows(path) if r.get("pid") == int(pid)]


def table(path, pid):
    """The raw (-r -n) row of PID: a dict from the heading given in the first line."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    head = lines[0].split(" ")
    for line in lines[1:]:
        cells = line.split(" ")
        if cells[0] == str(pid):
            return dict(zip(head, cells))
    return None


def show(v):
    if isinstance(v, list) and not all(isinstance(x, str) for x in v):
        return json.dumps(v)
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return ",".join(show(x) for x in v)
    return str(v)


def brief(caps):
    """A set for a test description: its names when few, else how many."""
    if not caps:
        return "none"
    return ",".join(caps) if len(caps) <= 3 else "%d capabilities" % len(caps)


def cell(caps):
    """How a table shows a capability set: '-' for none, 'full' for every one, else names."""
    if not caps:
        return "-"
    if set(ALL) <= set(caps):
        return "full"
    return ",".join(order(caps))


def check(args):
    """check JSON TABLE PID LABEL KEY=VALUE...: every field of one process."""
    jpath, tpath, pid, label = args[:4]
    want = dict(a.split("=", 1) for a in args[4:])
    env = {k: v for k, v in os.environ.items() if k.startswith("PC")}
    env = {k[2:]: v for k, v in env.items()}
    out = []

    def emit(got, exp, desc, todo=""):
        out.append("\x1f".join([todo or "-", str(got), str(exp), "%s: %s" % (label, desc)]))

    found = find(jpath, pid)
    emit(len(found), 1, "one JSON row for pid %s" % pid)
    row = found[0] if found else {}
    trow = table(tpath, pid) or {}
    emit("yes" if trow else "no", "yes", "a table row for pid %s" % pid)
    st = status(pid)
    gp = getpcaps(pid) if os.environ.get("PC_GETPCAPS") == "1" else None
    for s in SETS:
        exp = order(spec_set(want[s], env))
        got = row.get("cap" + s)
        if got == [None]:
            # A known bug: an empty array-string cell comes out as [null].  Assert that once
            # (as TODO) and compare the rest as if it were [].
            emit("[null]", "[]", "JSON cap%s of an empty set is []" % s)
            got = []
        emit(show(got), show(exp), "JSON cap%s is the set up: %s" % (s, brief(exp)))
        from_status = decode(int(st[STATUS_KEY[s]], 16))
        emit(show(got), show(from_status), "JSON cap%s is %s of /proc/PID/status (%s) decoded"
             % (s, STATUS_KEY[s], st[STATUS_KEY[s]]))
        emit(trow.get("CAP" + s.upper()), cell(exp), "table CAP%s" % s.upper())
        if gp is not None:
            emit(show(got), show(order(gp[s])), "JSON cap%s is what getpcaps --iab says" % s)
    eff = spec_set(want["eff"], env)
    caps = "none" if not eff else "full" if set(ALL) <= set(eff) else str(len(eff))
    emit(row.get("caps"), caps, "JSON caps summary")
    emit(trow.get("CAPS"), caps, "table CAPS summary")
    sec = want["seccomp"]
    emit(row.get("seccomp"), sec, "JSON seccomp")
    emit(trow.get("SECCOMP"), sec, "table SECCOMP")
    mode, nfilt = st["Seccomp"], st.get("Seccomp_filters", "?")
    from_status = {"0": "none", "1": "strict"}.get(mode, "filter(%s)" % nfilt)
    emit(row.get("seccomp"), from_status, "JSON seccomp is Seccomp %s / Seccomp_filters %s of status"
         % (mode, nfilt))
    emit(show(row.get("nnp")), want["nnp"], "JSON nnp")
    emit(trow.get("NNP"), "1" if want["nnp"] == "true" else "0", "table NNP")
    emit(show(row.get("nnp")), "true" if st["NoNewPrivs"] == "1" else "false",
         "JSON nnp is NoNewPrivs %s of status" % st["NoNewPrivs"])
    host = host_ns()
    shared = [t for t in NS if ino(pid, t) == host[t]]
    emit(show(row.get("hostns")), want["hostns"], "JSON hostns is what the test set up")
    emit(show(row.get("hostns")), show(shared), "JSON hostns is what /proc/PID/ns says")
    emit(trow.get("HOSTNS"), want["hostns"], "table HOSTNS")
    for t in NS:
        emit(show(row.get(t + "ns")), str(ino(pid, t)), "JSON %sns is the inode of /proc/PID/ns/%s" % (t, t))
    uns = ino(pid, "user")
    emit(trow.get("USERNS"), "host" if uns == host["user"] else str(uns),
         "table USERNS ('host' only for the initial user namespace)")
    emit("own" if uns != host["user"] else "host", want["userns"], "the user namespace is the one set up")
    nspid = st["NSpid"].split()[-1]
    emit(show(row.get("pidns_pid")), want["pidns_pid"], "JSON pidns_pid")
    emit(show(row.get("pidns_pid")), nspid, "JSON pidns_pid is the last NSpid of status")
    emit(trow.get("PIDNS_PID"), want["pidns_pid"], "table PIDNS_PID")
    uid = st["Uid"].split()[0]
    emit(show(row.get("uid")), want["uid"], "JSON uid")
    emit(show(row.get("uid")), uid, "JSON uid is the real uid of status")
    emit(row.get("user"), want["user"], "JSON user")
    if "filecaps" in want:
        emit(show(row.get("filecaps")), want["filecaps"], "JSON filecaps")
    for line in out:
        print(line)
    return 0


def types(args):
    """types JSON COLUMNS-H: every key's JSON type against `ps -H`; prints problems."""
    jpath, hpath = args
    kinds = {}
    with open(hpath, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            kinds[parts[0].lower()] = parts[1]
    bad_arrays, bad = [], []
    for r in rows(jpath):
        for k, v in r.items():
            kind = kinds.get(k)
            if kind is None:
                bad.append("%s: unknown key %s" % (r.get("pid"), k))
            elif v is None:
                continue
            elif kind == "number":
                if not isinstance(v, int) or isinstance(v, bool):
                    bad.append("%s: %s=%r is not a number" % (r.get("pid"), k, v))
            elif kind == "string":
                if not isinstance(v, str):
                    bad.append("%s: %s=%r is not a string" % (r.get("pid"), k, v))
            elif kind == "boolean":
                if not isinstance(v, bool):
                    bad.append("%s: %s=%r is not a boolean" % (r.get("pid"), k, v))
            elif kind == "array-string":
                if not isinstance(v, list):
                    bad.append("%s: %s=%r is not an array" % (r.get("pid"), k, v))
                elif not all(isinstance(x, str) for x in v):
                    bad_arrays.append("%s: %s=%s" % (r.get("pid"), k, json.dumps(v)))
        missing = set(kinds) - set(r)
        if missing:
            bad.append("%s: keys missing: %s" % (r.get("pid"), ",".join(sorted(missing))))
    print("%d\t%s" % (len(bad), "; ".join(bad[:5])))
    print("%d\t%s" % (len(bad_arrays), "; ".join(bad_arrays[:5])))
    return 0


def main(argv):
    cmd, args = argv[0], argv[1:]
    if cmd == "decode":
        print(",".join(decode(int(args[0], 16))))
    elif cmd == "all":
        print(",".join(ALL))
    elif cmd == "check":
        return check(args)
    elif cmd == "types":
        return types(args)
    elif cmd == "pids":
        print(" ".join(str(p) for p in sorted(r["pid"] for r in rows(args[0]))))
    elif cmd == "field":
        found = find(args[0], args[1])
        if not found:
            return 1
        print(show(found[0].get(args[2])))
    elif cmd == "getpcaps":
        gp = getpcaps(args[0])
        if gp is None:
            return 1
        print(" ".join("%s=%s" % (s, ",".join(order(gp[s]))) for s in SETS))
    else:
        return 2
    return 0


sys.exit(main(sys.argv[1:]))
EOF
pc() { "$NS_PYTHON" "$tmp/pc.py" "$@"; }

# has_pid PIDS PID: PID is a word of PIDS.
has_pid() { case " $1 " in *" $2 "*) return 0 ;; esac; return 1; }

# run_iso NAME ARGS...: isoscope ARGS, stdout to $tmp/NAME.out, stderr to $tmp/NAME.err; sets $rc.
run_iso() {
  local name=$1
  shift
  "$ISOSCOPE" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
  rc=$?
}

# ---------------------------------------------------------------------------------------------
# The oracles themselves.
B0=$(awk '$1 == "CapBnd:" {print $2}' /proc/$$/status)
ALLCAPS=$(pc all)
is "$(tr ',' '\n' <<<"$ALLCAPS" | wc -l)" "$(($(cat /proc/sys/kernel/cap_last_cap) + 1))" \
  "setup: <linux/capability.h> names every capability up to cap_last_cap"
HAVE_CAPSH=0
command -v capsh >/dev/null && HAVE_CAPSH=1
if [ "$HAVE_CAPSH" = 1 ]; then
  # capsh --decode=HEX prints 0xHEX=name,name...
  want=$(capsh --decode="$B0")
  is "${want#*=}" "$(pc decode "$B0")" "setup: the decoding here agrees with capsh --decode=$B0"
  want=$(capsh --decode=0000000000200401)
  is "${want#*=}" "$(pc decode 0000000000200401)" "setup: and with capsh --decode=0000000000200401"
else
  skip "setup: the decoding here agrees with capsh --decode" "capsh is not installed (libcap2-bin)"
fi
export PC_GETPCAPS=0
command -v getpcaps >/dev/null && getpcaps --iab $$ >/dev/null 2>&1 && PC_GETPCAPS=1
[ "$PC_GETPCAPS" = 1 ] || diag "getpcaps (with --iab) is not installed: that oracle is left out"
export PCB0=$B0
PCI0=$(awk '$1 == "CapInh:" {print $2}' /proc/$$/status)
export PCI0

HELPER=
if command -v cc >/dev/null &&
  cc -O2 -Wall -o "$tmp/seccomp-helper" "$TESTDIR/../lib/seccomp-helper.c" 2>"$tmp/cc.err"; then
  HELPER=$tmp/seccomp-helper
  ok 0 "setup: tests/lib/seccomp-helper.c compiles"
else
  skip "setup: tests/lib/seccomp-helper.c compiles" "no C compiler, or it failed: $(head -c 200 "$tmp/cc.err" 2>/dev/null)"
fi

# ---------------------------------------------------------------------------------------------
# Start the processes.  Each runs directly in the background (not through a function) so that $!
# is the process that becomes the sleep.
NOBODY=(--reuid=65534 --regid=65534 --clear-groups)
self_user=$(ns_ino $$ user)
self_net=$(ns_ino $$ net)
self_pid=$(ns_ino $$ pid)

comm_is() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]; }

setpriv "${NOBODY[@]}" --inh-caps=+net_raw --ambient-caps=+net_raw sleep 60 >/dev/null 2>>"$tmp/bg.err" &
AMB=$!
track_pid "$AMB"
setpriv --no-new-privs sleep 60 >/dev/null 2>>"$tmp/bg.err" &
NNP=$!
track_pid "$NNP"
setpriv --inh-caps=-all --bounding-set=-all,+chown sleep 60 >/dev/null 2>>"$tmp/bg.err" &
BND=$!
track_pid "$BND"
setpriv --inh-caps=-all --bounding-set=-all,+sys_admin sleep 60 >/dev/null 2>>"$tmp/bg.err" &
ADM=$!
track_pid "$ADM"
unshare --user --map-user=1000 --map-group=1000 sleep 60 >/dev/null 2>>"$tmp/bg.err" &
UMAP=$!
track_pid "$UMAP"
unshare -r sleep 60 >/dev/null 2>>"$tmp/bg.err" &
UROOT=$!
track_pid "$UROOT"
unshare --fork --kill-child --pid --mount-proc sleep 60 >/dev/null 2>>"$tmp/bg.err" &
PIDNS_PARENT=$!
track_pid "$PIDNS_PARENT"
# shellcheck disable=SC2016 # the inner shell expands nothing
unshare --net sh -c 'sleep 60 & exec sleep 60' >/dev/null 2>>"$tmp/bg.err" &
NET2=$!
track_pid "$NET2"
CAPSH=
CAPSHU=
if [ "$HAVE_CAPSH" = 1 ]; then
  capsh --inh=cap_kill --drop=cap_kill,cap_sys_admin -- -c 'exec sleep 60' >/dev/null 2>>"$tmp/bg.err" &
  CAPSH=$!
  track_pid "$CAPSH"
  capsh --caps="cap_net_bind_service,cap_setuid,cap_setgid,cap_setpcap+ep cap_net_bind_service+i" \
    --keep=1 --user=nobody --addamb=cap_net_bind_service -- -c 'exec sleep 60' >/dev/null 2>>"$tmp/bg.err" &
  CAPSHU=$!
  track_pid "$CAPSHU"
fi
SEC2=
SEC1=
if [ -n "$HELPER" ]; then
  "$HELPER" 2 sleep 60 >/dev/null 2>>"$tmp/bg.err" &
  SEC2=$!
  track_pid "$SEC2"
  "$HELPER" --no-nnp 1 sleep 60 >/dev/null 2>>"$tmp/bg.err" &
  SEC1=$!
  track_pid "$SEC1"
fi

# The sleep of the pid namespace and the second sleep of the net namespace are children.
PIDNS=
NET2B=
find_children() {
  local c
  PIDNS=
  NET2B=
  for c in $(children_of "$PIDNS_PARENT" 2>/dev/null); do comm_is "$c" sleep && PIDNS=$c; done
  for c in $(children_of "$NET2" 2>/dev/null); do comm_is "$c" sleep && NET2B=$c; done
  [ -n "$PIDNS" ] && [ -n "$NET2B" ]
}
all_ready() {
  local p
  for p in "$AMB" "$NNP" "$BND" "$ADM" "$UMAP" "$UROOT" "$NET2" ${CAPSH:+"$CAPSH"} ${CAPSHU:+"$CAPSHU"} ${SEC2:+"$SEC2"} ${SEC1:+"$SEC1"}; do
    comm_is "$p" sleep || return 1
  done
  find_children && ns_differs "$PIDNS" pid "$self_pid" && ns_differs "$NET2B" net "$self_net" &&
    ns_differs "$UMAP" user "$self_user" && ns_differs "$UROOT" user "$self_user"
}
if ! wait_until 15 all_ready; then
  # Whatever children there are yet go too (the tracked parents' kill does not reach them all).
  for c in $(children_of "$PIDNS_PARENT" 2>/dev/null) $(children_of "$NET2" 2>/dev/null); do track_pid "$c"; done
  ok 1 "setup: every test process is running"
  diag "stderr of the processes: $(cat "$tmp/bg.err")"
  done_testing
  exit
fi
track_pid "$PIDNS"
track_pid "$NET2B"
ok 0 "setup: every test process is running (AMB $AMB NNP $NNP BND $BND ADM $ADM UMAP $UMAP UROOT $UROOT PIDNS $PIDNS NET2 $NET2/$NET2B CAPSH ${CAPSH:--} CAPSHU ${CAPSHU:--} SEC2 ${SEC2:--} SEC1 ${SEC1:--})"

# The expected uid_map of UMAP as the kernel shows it to us (the map is written from outside).
is "$(tr -s ' ' <"/proc/$UMAP/uid_map" | sed 's/^ //')" "1000 0 1" "setup: UMAP's uid_map is 1000 0 1"
is "$(tr -s ' ' <"/proc/$UROOT/uid_map" | sed 's/^ //')" "0 0 1" "setup: UROOT's uid_map is 0 0 1"

# One scan for all the per-process checks: JSON with every column, and the raw table.
COLS=PID,PIDNS_PID,UID,USER,HOSTNS,USERNS,CAPS,CAPEFF,CAPPRM,CAPINH,CAPBND,CAPAMB,SECCOMP,NNP
run_iso psall ps -J --output-all
is "$rc" 0 "ps -J --output-all: exit 0"
"$NS_PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert isinstance(d["processes"], list)' \
  "$tmp/psall.out" 2>/dev/null
ok $? "ps -J --output-all: valid JSON with a top-level \"processes\" array"
run_iso pstab ps -r -o "$COLS"
is "$rc" 0 "ps -r -o $COLS: exit 0"
is "$(head -n1 "$tmp/pstab.out")" "${COLS//,/ }" "ps -r: the heading names the chosen columns in order"

# check_proc LABEL PID KEY=VALUE...: run the Python checks on one process.
check_proc() {
  local label=$1 pid=$2 todo got want desc
  shift 2
  while IFS=$'\x1f' read -r todo got want desc; do
    if [ "$todo" = - ]; then
      is "$got" "$want" "$desc"
    else
      [ "$got" = "$want" ]
      todo_ok $? "$desc (got '$got')" "$todo"
    fi
  done < <(pc check "$tmp/psall.out" "$tmp/pstab.out" "$pid" "$label" "$@")
}
ALLNS=mnt,net,pid,uts,ipc,user,cgroup,time

check_proc AMB "$AMB" eff=cap_net_raw prm=cap_net_raw inh=cap_net_raw amb=cap_net_raw bnd=@B0 \
  seccomp=none nnp=false hostns=$ALLNS userns=host pidns_pid="$AMB" uid=65534 user=nobody
check_proc NNP "$NNP" eff=@B0 prm=@B0 inh=@I0 amb=- bnd=@B0 \
  seccomp=none nnp=true hostns=$ALLNS userns=host pidns_pid="$NNP" uid=0 user=root
check_proc BND "$BND" eff=cap_chown prm=cap_chown inh=- amb=- bnd=cap_chown \
  seccomp=none nnp=false hostns=$ALLNS userns=host pidns_pid="$BND" uid=0 user=root
check_proc ADM "$ADM" eff=cap_sys_admin prm=cap_sys_admin inh=- amb=- bnd=cap_sys_admin \
  seccomp=none nnp=false hostns=$ALLNS userns=host pidns_pid="$ADM" uid=0 user=root
check_proc UMAP "$UMAP" eff=- prm=- inh=- amb=- bnd=@ALL \
  seccomp=none nnp=false hostns=mnt,net,pid,uts,ipc,cgroup,time userns=own pidns_pid="$UMAP" uid=0 user=root
check_proc UROOT "$UROOT" eff=@ALL prm=@ALL inh=- amb=- bnd=@ALL \
  seccomp=none nnp=false hostns=mnt,net,pid,uts,ipc,cgroup,time userns=own pidns_pid="$UROOT" uid=0 user=root
check_proc PIDNS "$PIDNS" eff=@B0 prm=@B0 inh=@I0 amb=- bnd=@B0 \
  seccomp=none nnp=false hostns=net,uts,ipc,user,cgroup,time userns=host pidns_pid=1 uid=0 user=root
if [ -n "$CAPSH" ]; then
  check_proc CAPSH "$CAPSH" eff=@B0-cap_sys_admin prm=@B0-cap_sys_admin inh=cap_kill amb=- \
    bnd=@B0-cap_kill,cap_sys_admin seccomp=none nnp=false hostns=$ALLNS userns=host pidns_pid="$CAPSH" uid=0 user=root
  check_proc CAPSHU "$CAPSHU" eff=cap_net_bind_service prm=cap_net_bind_service inh=cap_net_bind_service \
    amb=cap_net_bind_service bnd=@B0 seccomp=none nnp=false hostns=$ALLNS userns=host pidns_pid="$CAPSHU" \
    uid=65534 user=nobody
else
  skip "capsh --inh/--drop and --user/--addamb processes" "capsh is not installed (libcap2-bin)"
fi
if [ -n "$HELPER" ]; then
  check_proc SEC2 "$SEC2" eff=@B0 prm=@B0 inh=@I0 amb=- bnd=@B0 \
    seccomp="filter(2)" nnp=true hostns=$ALLNS userns=host pidns_pid="$SEC2" uid=0 user=root
  check_proc SEC1 "$SEC1" eff=@B0 prm=@B0 inh=@I0 amb=- bnd=@B0 \
    seccomp="filter(1)" nnp=false hostns=$ALLNS userns=host pidns_pid="$SEC1" uid=0 user=root
else
  skip "seccomp filter processes" "the seccomp helper could not be compiled"
fi

# File capabilities: a copy of sleep with cap_net_raw=ep, run by nobody, who gains it at exec.
if command -v setcap >/dev/null && command -v getcap >/dev/null; then
  mkdir "$tmp/fcap" && chmod 0755 "$tmp" "$tmp/fcap" && cp "$(command -v sleep)" "$tmp/fcap/sleep" &&
    setcap cap_net_raw=ep "$tmp/fcap/sleep"
  ok $? "setup: a copy of sleep with the file capability cap_net_raw=ep"
  fcap_text=$(getcap "$tmp/fcap/sleep")
  fcap_text=${fcap_text#"$tmp/fcap/sleep "}
  setpriv "${NOBODY[@]}" "$tmp/fcap/sleep" 60 >/dev/null 2>>"$tmp/bg.err" &
  FCAP=$!
  track_pid "$FCAP"
  if wait_until 10 comm_is "$FCAP" sleep; then
    run_iso psall ps -J --output-all
    run_iso pstab ps -r -o "$COLS"
    check_proc FCAP "$FCAP" eff=cap_net_raw prm=cap_net_raw inh=- amb=- bnd=@B0 seccomp=none nnp=false \
      hostns=$ALLNS userns=host pidns_pid="$FCAP" uid=65534 user=nobody filecaps="$fcap_text"
    is "$(pc field "$tmp/psall.out" "$AMB" filecaps)" null "AMB: JSON filecaps null (the plain sleep has none)"
  else
    ok 1 "setup: the file-capability sleep is running"
  fi
else
  skip "file capabilities (FILECAPS)" "setcap/getcap are not installed (libcap2-bin)"
fi

# The JSON types of every column, for every row, against `ps -H`.
run_iso cols ps -H
is "$rc" 0 "ps -H: exit 0"
{
  read -r nbad bad
  read -r nbadarr badarr
} < <(pc types "$tmp/psall.out" "$tmp/cols.out")
is "$nbad" 0 "ps -J --output-all: every key is a column of ps -H and has its JSON type (or null)${bad:+ ($bad)}"
[ "$nbadarr" = 0 ]
ok $? "ps -J: an array-string cell holds strings only (an empty set is [], not [null])${badarr:+ ($badarr)}"

# ---------------------------------------------------------------------------------------------
# --ns INODE: exactly the processes in that namespace, of whatever type.
run_iso ns1 ps -J -o PID --ns "$(ns_ino "$UMAP" user)"
is "$rc:$(pc pids "$tmp/ns1.out")" "0:$UMAP" "ps --ns <UMAP's user ns>: UMAP alone"
run_iso ns2 ps -J -o PID --ns "$(ns_ino "$NET2" net)"
is "$rc:$(pc pids "$tmp/ns2.out")" "0:$(printf '%s\n' "$NET2" "$NET2B" | sort -n | tr '\n' ' ' | sed 's/ $//')" \
  "ps --ns <NET2's net ns>: the two sleeps in it"
run_iso ns3 ps -J -o PID --ns "$(ns_ino "$PIDNS" pid)"
is "$rc:$(pc pids "$tmp/ns3.out")" "0:$PIDNS" \
  "ps --ns <the new pid ns>: its sleep, not the unshare whose pid_for_children it is"
run_iso ns4 ps -o PID,PIDNS_PID,PIDNS -n -r --ns "$(ns_ino "$PIDNS" pid)"
is "$(cat "$tmp/ns4.out")" "$PIDNS 1 $(ns_ino "$PIDNS" pid)" "ps -r --ns: PIDNS_PID 1 and the pid ns inode (not 'host')"
run_iso ns5 ps --ns 12x
is "$rc" 1 "ps --ns 12x: exit 1 (not an inode)"
run_iso ns6 ps -J --ns 1
is "$rc:$(pc pids "$tmp/ns6.out")" "0:" "ps --ns 1 (no such namespace): exit 0, no rows"

# --user: by name and by uid; every row is that user's.
run_iso u1 ps -J -o PID,UID -U nobody
pids_nobody=$(pc pids "$tmp/u1.out")
is "$rc" 0 "ps -U nobody: exit 0"
has_pid "$pids_nobody" "$AMB"
ok $? "ps -U nobody: lists AMB (uid 65534)"
! has_pid "$pids_nobody" "$BND"
ok $? "ps -U nobody: does not list BND (root)"
uids=$("$NS_PYTHON" -c 'import json,sys; print(" ".join(sorted({str(r["uid"]) for r in json.load(open(sys.argv[1]))["processes"]})))' "$tmp/u1.out")
is "$uids" 65534 "ps -U nobody: every row has uid 65534"
run_iso u2 ps -J -o PID -U 65534
has_pid "$(pc pids "$tmp/u2.out")" "$AMB"
ok $? "ps -U 65534: lists AMB too"
if [ -n "$CAPSHU" ]; then
  has_pid "$(pc pids "$tmp/u2.out")" "$CAPSHU"
  ok $? "ps -U 65534: lists CAPSHU"
fi
run_iso u3 ps -U no-such-user-here
is "$rc" 1 "ps -U no-such-user-here: exit 1"
grep -q "unknown user" "$tmp/u3.err"
ok $? "ps -U no-such-user-here: says the user is unknown"

# --cgroup: the test's own cgroup2 directories.
if [ -n "$V2" ]; then
  CGT=$V2/$CGNAME
  mkdir "$CGT" && track_cgroup "$CGT" && mkdir "$CGT/sub" && track_cgroup "$CGT/sub" &&
    mkdir "$CGT/subx" && track_cgroup "$CGT/subx"
  ok $? "setup: created $CGT with sub/ and subx/"
  st=0
  echo "$AMB" >"$CGT/cgroup.procs" || st=1
  echo "$BND" >"$CGT/cgroup.procs" || st=1
  echo "$NNP" >"$CGT/sub/cgroup.procs" || st=1
  echo "$ADM" >"$CGT/subx/cgroup.procs" || st=1
  ok $st "setup: AMB and BND in /$CGNAME, NNP in /$CGNAME/sub, ADM in /$CGNAME/subx"
  sorted() { printf '%s\n' "$@" | sort -n | tr '\n' ' ' | sed 's/ $//'; }
  run_iso cg1 ps -J -o PID,CGROUP --cgroup "/$CGNAME"
  is "$rc:$(pc pids "$tmp/cg1.out")" "0:$(sorted "$AMB" "$BND" "$NNP" "$ADM")" \
    "ps --cgroup /$CGNAME: the four processes in it and below"
  run_iso cg2 ps -J -o PID,CGROUP --cgroup "/$CGNAME/sub"
  is "$rc:$(pc pids "$tmp/cg2.out")" "0:$NNP" "ps --cgroup /$CGNAME/sub: NNP only, not subx's ADM"
  is "$(pc field "$tmp/cg2.out" "$NNP" cgroup)" "/$CGNAME/sub" "ps -o CGROUP: NNP's is /$CGNAME/sub"
  run_iso cg3 ps -J -o PID --cgroup "/$CGNAME/sub/"
  is "$(pc pids "$tmp/cg3.out")" "$NNP" "ps --cgroup /$CGNAME/sub/ (trailing slash): NNP only"
  run_iso cg4 ps -J -o PID --cgroup "/$CGNAME/nothing"
  is "$rc:$(pc pids "$tmp/cg4.out")" "0:" "ps --cgroup of a path with no process: exit 0, no rows"
  run_iso cg5 ps -r -n -o PID,CGROUP --cgroup "/$CGNAME" -U nobody
  is "$(cat "$tmp/cg5.out")" "$AMB /$CGNAME" "ps --cgroup with -U: both filters apply"
else
  skip "ps --cgroup" "no cgroup2 hierarchy (neither /sys/fs/cgroup/unified nor /sys/fs/cgroup)"
fi

# ---------------------------------------------------------------------------------------------
# caps
run_iso b1 caps -J -o PID,CAPEFF --beyond docker
is "$rc" 0 "caps --beyond docker: exit 0"
beyond=$(pc pids "$tmp/b1.out")
has_pid "$beyond" "$ADM"
ok $? "caps --beyond docker: lists ADM (cap_sys_admin)"
! has_pid "$beyond" "$BND"
ok $? "caps --beyond docker: does not list BND (cap_chown only)"
! has_pid "$beyond" "$AMB"
ok $? "caps --beyond docker: does not list AMB (cap_net_raw, a Docker default)"
! has_pid "$beyond" "$UMAP"
ok $? "caps --beyond docker: does not list UMAP (no effective, permitted or ambient capability)"
has_pid "$beyond" "$NNP"
ok $? "caps --beyond docker: lists NNP (root's full sets)"
run_iso b2 caps -J -o PID --beyond none
beyond=$(pc pids "$tmp/b2.out")
has_pid "$beyond" "$AMB" && has_pid "$beyond" "$BND" && ! has_pid "$beyond" "$UMAP"
ok $? "caps --beyond none: AMB and BND, not UMAP"
run_iso b3 caps -J -o PID --beyond net_raw
beyond=$(pc pids "$tmp/b3.out")
! has_pid "$beyond" "$AMB" && has_pid "$beyond" "$BND"
ok $? "caps --beyond net_raw: BND (chown) but not AMB (net_raw only)"
run_iso b4 caps -J -o PID --beyond cap_net_raw,CHOWN
beyond=$(pc pids "$tmp/b4.out")
! has_pid "$beyond" "$AMB" && ! has_pid "$beyond" "$BND" && has_pid "$beyond" "$ADM"
ok $? "caps --beyond cap_net_raw,CHOWN: neither AMB nor BND, still ADM"
run_iso b5 caps --beyond cap_frobnicate
is "$rc" 1 "caps --beyond cap_frobnicate: exit 1"

run_iso c1 caps -J -o PID
is "$rc" 0 "caps: exit 0"
capped=$(pc pids "$tmp/c1.out")
has_pid "$capped" "$AMB" && ! has_pid "$capped" "$UMAP"
ok $? "caps (no -a): AMB is listed, UMAP (no capability at all) is left out"
run_iso c2 caps -a -J -o PID
has_pid "$(pc pids "$tmp/c2.out")" "$UMAP"
ok $? "caps -a: UMAP is listed"
run_iso c3 caps -J "$UMAP"
is "$rc:$(pc pids "$tmp/c3.out")" "0:$UMAP" "caps UMAP: a TARGET is shown even without capabilities"
is "$(pc field "$tmp/c3.out" "$UMAP" userns)" "$(ns_ino "$UMAP" user)" "caps UMAP: its USERNS is its own user namespace"
run_iso c4 caps -J -o PID,CAPEFF "$AMB" "$BND"
is "$rc:$(pc pids "$tmp/c4.out")" "0:$(printf '%s\n' "$AMB" "$BND" | sort -n | tr '\n' ' ' | sed 's/ $//')" \
  "caps AMB BND: exactly those two"
is "$(pc field "$tmp/c4.out" "$BND" capeff)" cap_chown "caps BND: CAPEFF cap_chown"
run_iso c5 caps -r -n -o PID,USERNS,CAPEFF,CAPBND "$UROOT"
is "$(cat "$tmp/c5.out")" "$UROOT $(ns_ino "$UROOT" user) full full" \
  "caps -r UROOT: full sets, counted in its own user namespace"
run_iso c6 caps 99999999
is "$rc" 2 "caps 99999999: exit 2"
grep -q 99999999 "$tmp/c6.err"
ok $? "caps 99999999: the message names the pid"
run_iso c7 caps -J -o PID "$AMB" 99999999
is "$rc:$(pc pids "$tmp/c7.out")" "2:$AMB" "caps AMB 99999999: exit 2, AMB still shown"
pidfd_ino=$("$NS_PYTHON" -c 'import os, sys; print(os.fstat(os.pidfd_open(int(sys.argv[1]))).st_ino)' "$AMB" 2>/dev/null)
if [ -n "$pidfd_ino" ] && [ "$pidfd_ino" -gt 1 ]; then
  run_iso c8 caps -J -o PID "$AMB:$pidfd_ino"
  is "$rc:$(pc pids "$tmp/c8.out")" "0:$AMB" "caps PID:INODE with AMB's pidfd inode: AMB"
  run_iso c9 caps -J -o PID "$AMB:$((pidfd_ino + 1))"
  is "$rc" 2 "caps PID:INODE with a wrong inode: exit 2"
else
  skip "caps PID:INODE" "pidfds are not on pidfs here (Linux 6.9+)"
fi

# ---------------------------------------------------------------------------------------------
# An unprivileged viewer: nobody without any capability.
AS_VIEWER=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all)
ISO=$ISOSCOPE
if ! "${AS_VIEWER[@]}" test -x "$ISO"; then
  mkdir "$tmp/bin" && cp "$ISOSCOPE" "$tmp/bin/isoscope" && chmod 0755 "$tmp" "$tmp/bin" "$tmp/bin/isoscope"
  ISO=$tmp/bin/isoscope
  diag "nobody cannot run $ISOSCOPE: using a copy in $tmp/bin"
fi
# A process of the viewer's own: nobody, no capability (so that it may read its ns links).
"${AS_VIEWER[@]}" unshare --user sleep 60 >/dev/null 2>>"$tmp/bg.err" &
VOWN=$!
track_pid "$VOWN"
if wait_until 10 comm_is "$VOWN" sleep; then
  ok 0 "setup: nobody's own sleep (in a user namespace of its own) is $VOWN"
  "${AS_VIEWER[@]}" "$ISO" ps -J --output-all >"$tmp/v1.out" 2>"$tmp/v1.err"
  is $? 0 "as nobody: ps -J --output-all exits 0"
  denied=$(sed -nE 's/^isoscope: ([0-9]+) process(es)? could not be fully inspected \(permission denied\)$/\1/p' "$tmp/v1.err")
  [ -n "$denied" ] && [ "$denied" -ge 1 ]
  ok $? "as nobody: stderr counts the processes it could not fully inspect (${denied:-none})"
  is "$(grep -vc 'could not be fully inspected' "$tmp/v1.err")" 0 "as nobody: nothing else on stderr"
  is "$(pc field "$tmp/v1.out" "$VOWN" userns)" "$(ns_ino "$VOWN" user)" "as nobody: its own process's userns is read"
  is "$(pc field "$tmp/v1.out" "$VOWN" netns)" "$(ns_ino "$VOWN" net)" "as nobody: its own process's netns is read"
  is "$(pc field "$tmp/v1.out" "$BND" netns)" null "as nobody: root's BND has netns null (not readable), not a guess"
  is "$(pc field "$tmp/v1.out" "$BND" userns)" null "as nobody: root's BND has userns null"
  is "$(pc field "$tmp/v1.out" "$BND" capeff)" cap_chown "as nobody: BND's capeff still comes from the world-readable status"
  # No namespace inode it prints may be wrong: each non-null one is the process's real one.
  wrong=$("$NS_PYTHON" - "$tmp/v1.out" <<'EOF'
import json, os, sys
bad = []
for r in json.load(open(sys.argv[1]))["processes"]:
    for t in ["mnt", "net", "pid", "uts", "ipc", "user", "cgroup", "time"]:
        v = r.get(t + "ns")
        if v is None:
            continue
        try:
            link = os.readlink("/proc/%d/ns/%s" % (r["pid"], t))
        except OSError:
            continue  # gone since, or unreadable even for root (pid 1 here)
        if int(link[link.index("[") + 1:-1]) != v:
            bad.append("%d %s %s" % (r["pid"], t, v))
print("; ".join(bad[:5]))
EOF
  )
  is "$wrong" "" "as nobody: every namespace inode it shows is the process's real one"
  hostns_bnd=$(pc field "$tmp/v1.out" "$BND" hostns)
  [ "$hostns_bnd" = null ] || [ "$hostns_bnd" = "" ]
  ok $? "as nobody: root's BND has hostns null or [] (unknown), got '$hostns_bnd'"
  "${AS_VIEWER[@]}" "$ISO" caps -J -o PID,USERNS,CAPEFF "$AMB" "$VOWN" >"$tmp/v2.out" 2>"$tmp/v2.err"
  is $? 0 "as nobody: caps AMB VOWN exits 0"
  is "$(pc field "$tmp/v2.out" "$AMB" capeff)" cap_net_raw "as nobody: caps shows AMB's cap_net_raw"
  is "$(pc field "$tmp/v2.out" "$AMB" userns)" null "as nobody: caps shows AMB's userns as null (AMB holds a capability the viewer lacks)"
  "${AS_VIEWER[@]}" "$ISO" caps >/dev/null 2>"$tmp/v3.err"
  is $? 0 "as nobody: caps exits 0"
else
  ok 1 "setup: nobody's own sleep is running"
fi

if [ -s "$tmp/bg.err" ]; then
  diag "stderr of the test processes:"
  while IFS= read -r line; do diag "  $line"; done <"$tmp/bg.err"
fi
done_testing
