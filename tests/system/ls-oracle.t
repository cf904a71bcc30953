#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ls-oracle.t: every namespace util-linux lsns reports, isoscope ls reports the same way.
#
# lsns and isoscope cannot read the host at the same instant, so each comparison runs
# lsns, isoscope, lsns between two snapshots of every process (pid, start time, namespaces) and
# judges isoscope against both lsns runs: a count that moved between them must lie within their
# range, anything stable must be equal. A remaining difference is excused only when the churn
# seen between the snapshots can explain it: a namespace may be missing from isoscope only when
# none of its processes stayed throughout; NPROCS must still count every process that stayed and
# at most those plus the ones that came, went or were never seen (the pid counter moved more than
# the snapshots show); PID, PPID, USER and COMMAND must agree when lsns and isoscope both name a
# process that stayed in the namespace; TYPE, PNS, ONS, NETNSID, NSFS must agree unless the inode
# may have been reused (or nsfs mounts changed). Any other difference fails at once. Excused
# differences make the whole comparison run again (up to 3 times, after waiting for the host to
# quieten); what is still excused on the last run is reported as a diagnostic. The namespaces
# the test made itself have no churn and are compared strictly on every run.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"
# shellcheck source=../lib/ns-helpers.sh disable=SC1091
. "$TESTDIR/../lib/ns-helpers.sh"

require_root
command -v lsns >/dev/null || skip_all "util-linux lsns is not installed"
command -v unshare >/dev/null || skip_all "util-linux unshare is not installed"

trap ns_cleanup EXIT
tmp=$(new_tmpdir) || exit 1
track_tmpdir "$tmp"
ATTEMPTS=3
LIFE=600 # lsns takes seconds on a host with thousands of processes; sleeps outlive the test

cat >"$tmp/oracle.py" <<'EOF'
import json, os, sys, time

TYPES = ("cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts")

def last_pid():
    with open("/proc/loadavg", encoding="ascii") as f:
        return int(f.read().split()[-1])

def snap(path):
    """Write {last_pid, pid_max, nsfs, procs: {pid: [starttime, ppid, comm, {type: ino}]}}."""
    procs = {}
    lp = last_pid()
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", encoding="utf-8", errors="replace") as f:
                s = f.read()
        except OSError:
            continue
        ns = {}
        for t in TYPES:
            try:
                link = os.readlink(f"/proc/{d}/ns/{t}")
                ns[t] = int(link[link.index("[") + 1:-1])
            except (OSError, ValueError):
                pass
        rest = s[s.rindex(")") + 2:].split()
        procs[d] = [rest[19], rest[1], s[s.index("(") + 1:s.rindex(")")], ns]
    with open("/proc/sys/kernel/pid_max", encoding="ascii") as f:
        pid_max = int(f.read())
    with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as f:
        nsfs = sorted(line for line in f if " - nsfs " in line)
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"last_pid": lp, "pid_max": pid_max, "nsfs": nsfs, "procs": procs}, f)

class Churn:
    """What happened between two snapshots.  stable[ns]: pids in ns, unchanged in both;
    touched[ns]: how many pids in ns started, exited or changed; unseen: pids allocated that
    neither snapshot shows (short-lived processes and threads); nsfs: nsfs mounts changed."""
    def __init__(self, path0, path1):
        with open(path0, encoding="utf-8") as f:
            s0 = json.load(f)
        with open(path1, encoding="utf-8") as f:
            s1 = json.load(f)
        p0, p1 = s0["procs"], s1["procs"]
        self.stable, self.touched, self.changed = {}, {}, set()
        started = 0
        for pid in set(p0) | set(p1):
            a, b = p0.get(pid), p1.get(pid)
            if a == b:
                for ino in set(a[3].values()):
                    self.stable.setdefault(ino, set()).add(int(pid))
                continue
            self.changed.add(int(pid))
            if b is not None and (a is None or a[0] != b[0]):
                started += 1
            inos = set()
            for r in (a, b):
                if r is not None:
                    inos.update(r[3].values())
            for ino in inos:
                self.touched[ino] = self.touched.get(ino, 0) + 1
        allocated = (s1["last_pid"] - s0["last_pid"]) % s0["pid_max"]
        self.unseen = max(0, allocated - started)
        self.nsfs = s0["nsfs"] != s1["nsfs"]

    def S(self, ns):
        return len(self.stable.get(ns, ()))

    def Y(self, ns):
        return self.touched.get(ns, 0)

    def any(self):
        return bool(self.changed) or self.unseen > 0

def rows(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    res, dups = {}, []
    def walk(rs):
        for r in rs:
            if r.get("ns") in res:
                dups.append(r.get("ns"))
            res[r.get("ns")] = r
            walk(r.get("children") or [])
    walk(doc["namespaces"])
    return res, dups

def compare(a_path, b_path, c_path, s0_path, s1_path, fields, exact, own):
    cats = ("found", "nprocs", "columns", "own")
    bad = {k: [] for k in cats}      # unexplained: these fail
    excused = {k: [] for k in cats}  # explained by churn: these make the comparison run again
    def out(stats):
        print(json.dumps({"bad": bad, "excused": excused, "stats": stats}))
    try:
        b, dups = rows(b_path)
    except (OSError, ValueError, KeyError, TypeError) as e:
        bad["found"].append(f"isoscope printed no valid JSON: {e}")
        return out({})
    try:
        a, _ = rows(a_path)
        c, _ = rows(c_path)
    except (OSError, ValueError, KeyError, TypeError) as e:
        # lsns 2.38 gives up (exit 1, no output) when a process vanishes under it
        excused["found"].append(f"lsns printed no valid JSON: {e}")
        return out({})
    ch = Churn(s0_path, s1_path)
    stats = {"lsns": len(a), "isoscope": len(b), "moved": 0, "compared": 0,
             "churned_procs": len(ch.changed), "unseen_pids": ch.unseen}
    bad["found"] += [f"ns {n} listed twice by isoscope" for n in dups]

    def differ(cat, ns, msg, excuse):
        (excused if excuse else bad)[cat].append(f"ns {ns}: {msg}")

    def reused(ns):
        # namespaces die and the kernel hands their inode to new ones at once: with no process
        # that stayed in it, what lsns and isoscope saw under one inode may be different namespaces
        return ch.S(ns) == 0 and ch.any()

    def missing(ns, r):
        # a namespace with a process that stayed throughout cannot be missing; one without
        # such a process may have died, its inode reused by a new one
        differ("found", ns, f"({r.get('type')}, nprocs {r.get('nprocs')}) is missing from isoscope",
               ch.S(ns) == 0 and (ch.Y(ns) > 0 or ch.unseen > 0))

    for ns in sorted(set(a) | set(c)):
        ra, rc, rb = a.get(ns), c.get(ns), b.get(ns)
        if ra is None or rc is None:
            # appeared or vanished between the lsns runs: only a row isoscope has is checked
            r = ra or rc
            if rb is not None and rb.get("type") != r.get("type"):
                differ("found", ns, f"type {rb.get('type')!r}, lsns says {r.get('type')!r}", reused(ns))
            continue
        if rb is None:
            missing(ns, ra)
            continue
        if rb.get("type") != ra.get("type"):
            differ("found", ns, f"type {rb.get('type')!r}, lsns says {ra.get('type')!r}", reused(ns))
        stable = True
        if "nprocs" in fields:
            lo, hi = sorted((ra["nprocs"], rc["nprocs"]))
            stable = lo == hi
            stats["moved"] += not stable
            got = rb.get("nprocs", -1)
            if not lo <= got <= hi:
                # hard bounds: the processes that stayed are all in; at most every process that
                # came, went or was not seen at all may be in too
                S, Y = ch.S(ns), ch.Y(ns)
                want = str(lo) if stable else f"{lo}..{hi}"
                differ("nprocs", ns, f"({ra.get('type')}) nprocs {got}, lsns says {want} "
                       f"(stayed {S}, churned {Y}, unseen {ch.unseen})",
                       S <= got <= S + Y + ch.unseen)
        if not stable:
            continue
        stats["compared"] += 1
        members = ch.stable.get(ns, set())
        for f in fields:
            if f in ("ns", "type", "nprocs") or ra.get(f) != rc.get(f):
                continue
            if rb.get(f, "<absent>") == ra.get(f):
                continue
            if f in ("pid", "ppid", "user", "command", "uid"):
                # both name a process that stayed in this namespace throughout: no excuse
                same_proc = ra.get("pid") == rb.get("pid")
                excuse = not (ra.get("pid") in members and rb.get("pid") in members) or \
                    (f != "pid" and not same_proc)
            elif f == "nsfs":
                excuse = ch.nsfs or reused(ns)
            else:  # pns, ons, netnsid: facts of the namespace, unless its inode was reused
                excuse = reused(ns)
            differ("columns", ns, f"({ra.get('type')}) {f} {rb.get(f, '<absent>')!r}, "
                   f"lsns says {ra.get(f)!r}", excuse)
    # The test's own namespaces: nothing else joins them, so lsns twice and isoscope agree exactly.
    for ns in own:
        ra, rc, rb = a.get(ns), c.get(ns), b.get(ns)
        if ra is None or rc is None or ra != rc:
            bad["own"].append(f"ns {ns}: lsns runs disagree or miss it: {ra} / {rc}")
        elif rb is None:
            bad["own"].append(f"ns {ns}: missing from isoscope")
        else:
            for f in fields:
                if rb.get(f, "<absent>") != ra.get(f):
                    bad["own"].append(f"ns {ns}: {f} {rb.get(f, '<absent>')!r}, lsns says {ra.get(f)!r}")
    if exact and set(a) == set(c):
        for ns in sorted(set(b) - set(a)):
            differ("found", ns, "listed by isoscope, not by lsns", reused(ns))
    out(stats)

def report(path, what, key=None):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if what == "stats":
        print(" ".join(f"{k}={v}" for k, v in doc["stats"].items()))
        return 0
    if what in ("bad", "excused") and key is None:
        return 1 if any(doc[what].values()) else 0
    lines = list(doc[what][key]) if key else []
    if what == "bad" and key == "found" and not doc["stats"] and not lines:
        lines.append("nothing was compared: " + "; ".join(doc["excused"]["found"]))
    for line in lines:
        print(line)
    return 1 if lines else 0

def quiet(timeout):
    """Wait until the pid counter stands still for a second (at most TIMEOUT seconds)."""
    end = time.monotonic() + timeout
    prev, still = last_pid(), 0
    while time.monotonic() < end:
        time.sleep(0.25)
        cur = last_pid()
        still = still + 1 if cur == prev else 0
        prev = cur
        if still >= 4:
            return 0
    return 1

if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "snap":
        snap(args[0])
    elif cmd == "compare":
        compare(*args[:5], args[5].split(","), args[6] == "exact",
                [int(n) for n in args[7].split(",") if n])
    elif cmd == "report":
        sys.exit(report(*args))
    elif cmd == "quiet":
        sys.exit(quiet(float(args[0])))
EOF

diag_file() {
  local line
  while IFS= read -r line; do diag "  $line"; done <"$1"
}

# oracle LABEL FIELDS SET OWN -- LSNS-ARGS...: compare `lsns ARGS` with `isoscope ls ARGS` (both
# take the same options), running both inside the net namespace file $IN_NETNS when it is set.
# FIELDS: the JSON keys to compare; SET: "exact" when both must list the same namespaces,
# "superset" when isoscope may list more; OWN: comma-separated inodes compared strictly.
IN_NETNS=
oracle() {
  local label=$1 fields=$2 set=$3 own=$4 n key wrap=() r=$tmp/result.json
  shift 5
  [ -n "$IN_NETNS" ] && wrap=(nsenter --net="$IN_NETNS")
  for ((n = 1; n <= ATTEMPTS; n++)); do
    "$NS_PYTHON" "$tmp/oracle.py" snap "$tmp/snap0"
    "${wrap[@]}" lsns "$@" >"$tmp/lsns1.json" 2>"$tmp/lsns.err"
    local lsns1_rc=$?
    "${wrap[@]}" "$ISOSCOPE" ls "$@" >"$tmp/iso.json" 2>"$tmp/iso.err"
    local iso_rc=$?
    "${wrap[@]}" lsns "$@" >"$tmp/lsns2.json" 2>>"$tmp/lsns.err"
    local lsns2_rc=$?
    "$NS_PYTHON" "$tmp/oracle.py" snap "$tmp/snap1"
    if [ "$lsns1_rc" -ne 0 ] || [ "$lsns2_rc" -ne 0 ]; then
      diag "$label: lsns $* exited $lsns1_rc and $lsns2_rc"
      diag_file "$tmp/lsns.err"
    fi
    if [ "$iso_rc" -ne 0 ]; then
      diag "$label: isoscope ls $* exited $iso_rc:"
      diag_file "$tmp/iso.err"
      echo '{"bad": {"found": ["isoscope failed"], "nprocs": [], "columns": [], "own": []},
        "excused": {"found": [], "nprocs": [], "columns": [], "own": []}, "stats": {}}' >"$r"
    else
      "$NS_PYTHON" "$tmp/oracle.py" compare "$tmp/lsns1.json" "$tmp/iso.json" "$tmp/lsns2.json" \
        "$tmp/snap0" "$tmp/snap1" "$fields" "$set" "$own" >"$r"
    fi
    diag "$label: run $n: $("$NS_PYTHON" "$tmp/oracle.py" report "$r" stats)"
    for key in found nprocs columns own; do
      "$NS_PYTHON" "$tmp/oracle.py" report "$r" excused "$key" | head -n 10 >"$tmp/report"
      [ -s "$tmp/report" ] && diag "$label: run $n: $key differs, excused by churn:" &&
        diag_file "$tmp/report"
    done
    # done when nothing differs, or when something differs that churn does not explain
    "$NS_PYTHON" "$tmp/oracle.py" report "$r" excused && break
    "$NS_PYTHON" "$tmp/oracle.py" report "$r" bad || break
    if [ "$n" -lt "$ATTEMPTS" ]; then
      "$NS_PYTHON" "$tmp/oracle.py" quiet 20 || diag "$label: the host did not quieten in 20 s"
      diag "$label: retrying"
    else
      diag "$label: still churning after $ATTEMPTS runs: the differences above are excused"
    fi
  done
  cp "$r" "$tmp/last.json"
}

# oracle_ok KEY DESCRIPTION: one assertion from the last comparison's category KEY: it fails on
# differences that churn does not explain.
oracle_ok() {
  "$NS_PYTHON" "$tmp/oracle.py" report "$tmp/last.json" bad "$1" >"$tmp/report"
  ok $? "$2"
  head -n 20 "$tmp/report" >"$tmp/report.head"
  diag_file "$tmp/report.head"
}

# The test's own namespaces, so that the comparison covers more than the host's.
unshare --fork --kill-child --pid --mount-proc --mount --uts --ipc --net \
  sh -c "sleep $LIFE & sleep $LIFE & exec sleep $LIFE" 2>>"$tmp/bg.err" &
A=$!
track_pid "$A"
# B stays a shell, so that the COMMAND lsns and isoscope show for its namespaces has a newline,
# a tab, quotes, a backslash and UTF-8 in it.
# shellcheck disable=SC2016 # $0 is the inner sh's
unshare --user --map-root-user --cgroup --time sh -c 'sleep "$0"; true' "$LIFE" $'arg with\nnewline' \
  $'tab\tx' 'ü "q" \b' 2>>"$tmp/bg.err" &
B=$!
track_pid "$B"
# A netns that has a process and a bind mount (NSFS), in the test's mount namespace.
touch "$tmp/netns-b" "$tmp/netns-a"
track_mount "$tmp/netns-b"
unshare --net="$tmp/netns-b" sleep "$LIFE" 2>>"$tmp/bg.err" &
NB=$!
track_pid "$NB"
AC=
first_child() { AC=$(children_of "$A" | head -n1) && [ -n "$AC" ]; }
wait_until 10 first_child && wait_until 10 nchildren_is "$AC" 2
ok $? "setup: an unshare'd pid namespace with 3 processes"
track_pid "$AC"
for s in $(children_of "$AC"); do track_pid "$s"; done
BC=
b_child() { BC=$(children_of "$B" | head -n1) && [ -n "$BC" ]; }
wait_until 10 ns_differs "$B" user "$(ns_ino $$ user)" && wait_until 10 b_child
ok $? "setup: an unshare'd user namespace"
track_pid "$BC"
bound() { grep -qF " $tmp/netns-b " /proc/self/mountinfo && ns_differs "$NB" net "$(ns_ino $$ net)"; }
wait_until 10 bound
ok $? "setup: a bind-mounted netns with a process"
own=()
for t in pid net mnt uts ipc; do own+=("$(ns_ino "$AC" "$t")"); done
for t in user cgroup time; do own+=("$(ns_ino "$B" "$t")"); done
own+=("$(ns_ino "$NB" net)")
own_list=$(IFS=,; echo "${own[*]}")

COLS=NS,TYPE,NPROCS,PID,PPID,USER,COMMAND
oracle "all namespaces" ns,type,nprocs,pid,ppid,user,command superset "$own_list" -- -J -l -o "$COLS"
missing=()
for n in "${own[@]}"; do
  [ "$(nsjson rows "$tmp/lsns1.json" "$n")" = 1 ] || missing+=("$n")
done
is "${missing[*]}" "" "setup: lsns lists the test's own namespaces (${own[*]})"
case $(nsjson field "$tmp/lsns1.json" "$(ns_ino "$B" user)" command) in
  *$'with\nnewline tab\tx ü "q" \\b'*) ok 0 "setup: lsns gives the odd COMMAND of $B for its user namespace" ;;
  *) ok 1 "setup: lsns gives the odd COMMAND of $B for its user namespace" ;;
esac
oracle_ok own "the test's own namespaces: NPROCS, PID, PPID, USER, COMMAND exactly as lsns"
oracle_ok found "every lsns namespace is in isoscope ls -J -l with the same TYPE"
oracle_ok nprocs "NPROCS agrees with lsns"
oracle_ok columns "PID, PPID, USER and COMMAND agree with lsns where NPROCS was stable"

oracle "pns/ons" ns,type,pns,ons superset "$own_list" -- -J -l -o NS,TYPE,PNS,ONS
oracle_ok own "-o NS,TYPE,PNS,ONS: the test's own namespaces exactly as lsns"
oracle_ok found "-o NS,TYPE,PNS,ONS: every lsns namespace is in isoscope with the same TYPE"
oracle_ok columns "-o NS,TYPE,PNS,ONS: PNS and ONS agree with lsns"

own_net="$(ns_ino "$AC" net),$(ns_ino "$NB" net)"
oracle "net" ns,type,nprocs,netnsid,nsfs superset "$own_net" -- -J -l -t net -o NS,TYPE,NPROCS,NETNSID,NSFS
oracle_ok own "-t net: the test's own net namespaces exactly as lsns"
oracle_ok found "-t net: every lsns net namespace is in isoscope"
oracle_ok nprocs "-t net: NPROCS agrees with lsns"
oracle_ok columns "-t net: NETNSID and NSFS agree with lsns"

# NETNSID is relative to the viewer's netns and "unassigned" everywhere on the host: view from
# a netns of the test's (netns-a) that has a veth pair into netns-b, which gives netns-b an id.
track_mount "$tmp/netns-a"
unshare --net="$tmp/netns-a" true &&
  nsenter --net="$tmp/netns-a" ip link add isoscope0 type veth peer name isoscope1 netns "$NB"
ok $? "setup: a veth pair from netns-a into netns-b"
IN_NETNS=$tmp/netns-a
oracle "net from netns-a" ns,type,nprocs,netnsid,nsfs superset "$(ns_ino "$NB" net)" -- \
  -J -l -t net -o NS,TYPE,NPROCS,NETNSID,NSFS
IN_NETNS=
is "$(nsjson field "$tmp/lsns1.json" "$(ns_ino "$NB" net)" netnsid)" 0 \
  "setup: seen from netns-a, lsns gives netns-b NETNSID 0"
oracle_ok own "-t net from netns-a: netns-b (NETNSID 0, NSFS) exactly as lsns"
oracle_ok found "-t net from netns-a: every lsns net namespace is in isoscope"
oracle_ok columns "-t net from netns-a: NETNSID and NSFS agree with lsns"

oracle "-p $AC" ns,type,nprocs,pid,ppid,user,command exact "$(ns_ino "$AC" pid),$(ns_ino "$AC" net)" -- \
  -J -l -p "$AC" -o "$COLS"
oracle_ok own "-p $AC: its own pid and net namespaces exactly as lsns"
oracle_ok found "-p $AC: isoscope and lsns list the same namespaces"
oracle_ok nprocs "-p $AC: NPROCS agrees with lsns"
oracle_ok columns "-p $AC: PID, PPID, USER and COMMAND agree with lsns"

oracle "-p $$" ns,type,nprocs,pid,ppid,user,command exact "" -- -J -l -p $$ -o "$COLS"
oracle_ok found "-p \$\$: isoscope and lsns list the same namespaces"
oracle_ok nprocs "-p \$\$: NPROCS agrees with lsns"

if [ -s "$tmp/bg.err" ]; then
  diag "stderr of the test's processes:"
  diag_file "$tmp/bg.err"
fi
done_testing
