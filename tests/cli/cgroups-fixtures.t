#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# cgroups-fixtures.t: `isoscope --sysroot DIR cgroups` over the fake cgroup filesystems of
# tests/fixtures/cgroup/make-trees.sh, against golden output worked out by hand.
#
# The goldens (tests/cli/golden/cgroups-TREE.{txt,list.txt,json}) hold what the kernel files
# of each tree mean, not what isoscope happened to print.  The conversions in them:
#   v1 memory.limit_in_bytes 9223372036854771712 (LONG_MAX page-rounded) and
#     9223372036854710272 (64 KiB pages)                  -> memory_max null (unlimited)
#   v1 cpu.cfs_quota_us -1                                 -> cpu_max_quota_usec null
#   v1 cpu.shares S -> cpu_weight 1 + (S - 2) * 9999 / 262142 (integer division):
#     1024 -> 39, 2048 -> 79, 1126 -> 43, 512 -> 20, 2 -> 1
#   v1 cpuacct.usage{,_user,_sys} and cpu.stat throttled_time are ns -> usec, truncated:
#     123456789 -> 123456, 100000999 -> 100000, 23455790 -> 23455, 999 -> 0,
#     9876543210987 -> 9876543210, 3456789012 -> 3456789
#   v1 memory.stat total_rss/total_cache/total_inactive_file -> memory_stat_anon/file/
#     inactive_file; memory.failcnt -> memory_events_max; max_usage_in_bytes -> memory_peak;
#     oom_control oom_kill -> memory_events_oom_kill
#   v1 blkio.throttle.io_service{_bytes,d}_recursive: Read and Write lines summed over devices
#     (4096000 + 8192 = 4104192 bytes read; 1000 + 2 = 1002 reads); "Total 0" alone is 0
#   v2 io.stat summed over devices (1048576 + 4096 = 1052672 ...); PSI averages keep two
#     decimals; working set = memory.current - inactive_file (209715200 - 31457280 = 178257920)
#   rows of the v1 hierarchies are merged by path: the root has 3 processes in blkio,
#     cpu,cpuacct, cpuset, freezer and pids (the kubelet is still there) and 2 in memory and
#     systemd; the merged row counts 3.
# The JSON goldens are compared as JSON (same keys in the same order, numbers as written),
# with every "inode" checked against the directory's own inode and then set to 0.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/lib/tap.sh
. "$here/../lib/tap.sh"

export LC_ALL=C.UTF-8
unset COLUMNS LINES
golden=$here/golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trees=$tmp/trees

# todo_ok STATUS DESCRIPTION REASON: an assertion for a known isoscope bug (TAP TODO).
todo_ok() {
  TAP_N=$((TAP_N + 1))
  if [ "$1" -eq 0 ]; then
    echo "ok $TAP_N - $2 # TODO $3"
  else
    echo "not ok $TAP_N - $2 # TODO $3"
  fi
}

# run TREE ARGS...: `isoscope --sysroot TREE cgroups ARGS`; sets $out (trailing blanks
# removed), $err and $rc; the raw output stays in $tmp/out.
run() {
  local tree=$1
  shift
  "$ISOSCOPE" --sysroot "$trees/$tree" cgroups "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  out=$(sed 's/ *$//' "$tmp/out")
  err=$(cat "$tmp/err")
}

# golden_is FILE DESCRIPTION: $out against a golden text file, with a diff on failure.
golden_is() {
  if [ "$out" = "$(cat "$golden/$1")" ]; then
    ok 0 "$2"
  else
    ok 1 "$2"
    diff -u "$golden/$1" <(printf '%s\n' "$out") | sed 's/^/# /'
  fi
}

cat >"$tmp/cgjson.py" <<'EOF'
# cgjson.py: compare isoscope cgroups JSON with a golden file, and query values in it.
import json, os, sys, difflib

def load(path):
    # Keep key order and the number tokens as written ("0.50" stays "0.50").
    return json.load(open(path), object_pairs_hook=lambda kv: ('obj', kv),
                     parse_int=lambda s: ('int', s), parse_float=lambda s: ('float', s))

def rows(doc, out=None):
    out = [] if out is None else out
    for r in doc:
        d = dict(r[1])
        out.append(d)
        rows(d.get('children', []), out)
    return out

def hier_dir(root, mode, name):
    if name == 'cgroup2':
        return root if mode == 'v2' else os.path.join(root, 'unified')
    return os.path.join(root, 'systemd' if name == 'name=systemd' else name)

def render(v, ind=0):
    pad = '  ' * ind
    if isinstance(v, tuple) and v[0] == 'obj':
        out = []
        for k, x in v[1]:
            sub = render(x, ind + 1)
            if len(sub) == 1:
                out.append(pad + k + ': ' + sub[0].strip())
            else:
                out.append(pad + k + ':')
                out.extend(sub)
        return out
    if isinstance(v, list):
        out = []
        for x in v:
            out.append(pad + '-')
            out.extend(render(x, ind + 1))
        return out
    if isinstance(v, tuple):
        return [pad + v[1]]
    return [pad + json.dumps(v)]

def compare(golden, output, sysroot, drops):
    g, o = load(golden), load(output)
    mode = dict(o[1]).get('mode')
    root = os.path.join(sysroot, 'sys/fs/cgroup')
    bad_inodes = []
    def norm(v, path=None, check=False):
        if isinstance(v, tuple) and v[0] == 'obj':
            d = dict(v[1])
            path = d.get('path', path)
            if check and 'inode' in d and 'name' in d:
                want = os.stat(hier_dir(root, mode, d['name']) + ('' if path == '/' else path)).st_ino
                if d['inode'] != ('int', str(want)):
                    bad_inodes.append('%s in %s: %s, directory %d' % (path, d['name'], d['inode'], want))
            kv = []
            for k, x in v[1]:
                if (path, k) in drops:
                    continue
                if k == 'inode':
                    x = ('int', '0')
                else:
                    x = norm(x, path, check)
                kv.append((k, x))
            return ('obj', kv)
        if isinstance(v, list):
            return [norm(x, path, check) for x in v]
        return v
    a, b = norm(g), norm(o, check=True)
    status = 0
    for line in bad_inodes:
        print('# inode mismatch: ' + line)
        status = 1
    if a != b:
        for line in difflib.unified_diff(render(a), render(b), 'golden', 'output', lineterm='', n=3):
            print('# ' + line)
        status = 1
    return status

def get(output, path, key):
    doc = load(output)
    for r in rows(dict(doc[1])['cgroups']):
        if r['path'] != path:
            continue
        if key in ('hierarchies', 'hierarchies_in_order'):
            names = [dict(h[1])['name'] for h in r['hierarchies']]
            return ';'.join(names if key == 'hierarchies_in_order' else sorted(names))
        v = r
        for part in key.split('.'):
            if not isinstance(v, dict) or part not in v:
                return 'ABSENT'
            v = v[part]
            if isinstance(v, tuple) and v[0] == 'obj':
                v = dict(v[1])
        if isinstance(v, tuple):
            return v[1]
        return 'null' if v is None else str(v).lower() if isinstance(v, bool) else str(v)
    return 'NOROW'

cmd = sys.argv[1]
if cmd == 'compare':
    # Arguments after the sysroot: PATH:KEY pairs left out on both sides.
    drops = {tuple(a.rsplit(':', 1)) for a in sys.argv[5:]}
    sys.exit(compare(sys.argv[2], sys.argv[3], sys.argv[4], drops))
elif cmd == 'get':
    print(get(sys.argv[2], sys.argv[3], sys.argv[4]))
elif cmd == 'paths':
    print('\n'.join(r['path'] for r in rows(dict(load(sys.argv[2])[1])['cgroups'])))
elif cmd == 'top':
    v = dict(load(sys.argv[2])[1]).get(sys.argv[3], 'ABSENT')
    print(v[1] if isinstance(v, tuple) else v)
EOF

# j FILE PATH KEY: one value of one row of a saved JSON output (ABSENT, NOROW, null...);
# KEY may be container.engine...; "hierarchies" gives the names sorted, ';'-separated.
j() { python3 "$tmp/cgjson.py" get "$@"; }

if ! command -v python3 >/dev/null; then
  skip_all "python3 is needed to compare the JSON output"
fi

"$here/../fixtures/cgroup/make-trees.sh" "$trees"
ok $? "make-trees.sh builds v2-docker, v2-k8s-systemd and v1-k8s-cgroupfs"
for t in v2-docker v2-k8s-systemd v1-k8s-cgroupfs; do
  [ -d "$trees/$t/sys/fs/cgroup" ] || {
    echo "Bail out! no fixture tree $t"
    exit 1
  }
done

D=d548c5b83fa61d8e3bd86ad42a7ffea9b7c86e3f9d8095c1577d3e1270bb9420
P=2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9
DSCOPE=/system.slice/docker-$D.scope
UPOD=/user.slice/user-1000.slice/user@1000.service/user.slice
KB=54f84de8dcf43e3fb883e88074ed82990facd2f2df0ee048cffc601afe4786a9
KG=aa21536d9fd228d6134e57c7df3a779d4da73897c1dc61e83d02f4dccc8205cc
CR=c64064614423cb790e88b3e5492ff5ccf673b25ae823089f7a60c65cda24d809
BUP=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234abcd_5678_90ef_1234_567890abcdef.slice
BEP=/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0badf00d_cafe_4bee_8f00_123456789abc.slice
GUP=/kubepods.slice/kubepods-pod9f8e7d6c_5b4a_3928_1716_0a0b0c0d0e0f.slice
V1BP=/kubepods/burstable/pod5e6f7a8b-1c2d-4e3f-9a0b-c1d2e3f4a5b6
V1B1=$V1BP/b8225c1845d6306705e3e075acc01bd7ca9cadaac02f07f627edbf7c7cbe939f
V1GP=/kubepods/pod77aa88bb-99cc-4dd0-8ee1-ff0011223344
V1G1=$V1GP/97f384cfd7eebccb61a01a375a6b1668080a288ef9ae668f997a319738e41e1e


# --- each tree: tree, flat list in bytes, and JSON against the goldens ---
for t in v2-docker v2-k8s-systemd v1-k8s-cgroupfs; do
  run "$t" -a
  is "$rc" 0 "$t: cgroups -a exits 0"
  golden_is "cgroups-$t.txt" "$t: cgroups -a tree matches golden/cgroups-$t.txt"
  is "$err" "" "$t: cgroups -a prints nothing on stderr"

  run "$t" -a --list -b
  is "$rc" 0 "$t: cgroups -a --list -b exits 0"
  golden_is "cgroups-$t.list.txt" "$t: cgroups -a --list -b matches golden/cgroups-$t.list.txt"

  run "$t" -a --json
  is "$rc" 0 "$t: cgroups -a --json exits 0"
  cp "$tmp/out" "$tmp/$t.json"
  extra=()
  if [ "$t" = v1-k8s-cgroupfs ]; then
    # A known bug, asserted on its own below; the rest of the document must still match.
    extra=("$V1B1:io_weight")
  fi
  python3 "$tmp/cgjson.py" compare "$golden/cgroups-$t.json" "$tmp/$t.json" "$trees/$t" "${extra[@]}"
  ok $? "$t: cgroups -a --json matches golden/cgroups-$t.json (inodes are the directories')"
done

V2=$tmp/v2-docker.json
K8=$tmp/v2-k8s-systemd.json
V1=$tmp/v1-k8s-cgroupfs.json

# --- the known bugs of the v1 JSON, on their own ---
is "$(j "$V1" / hierarchies)" "blkio;cpu,cpuacct;cpuset;freezer;memory;name=systemd;pids" \
  "v1: / is in all seven hierarchies"
is "$(j "$V1" / hierarchies_in_order)" "blkio;cpu,cpuacct;cpuset;freezer;memory;pids;name=systemd" \
  "v1: hierarchies listed in the order of their directory names"
v=$(j "$V1" "$V1B1" io_weight)
[ "$v" = 100 ]
ok $? "v1: blkio.bfq.weight 100 -> io_weight 100 (got $v)"

# --- explicit values, read from the JSON (a wrong conversion must fail here too) ---
is "$(python3 "$tmp/cgjson.py" top "$V2" mode)" v2 "v2-docker: mode v2"
# Per device, as the docker scope's io.stat says (254:0 rbytes=1048576 wbytes=524288 rios=64 wios=32,
# 253:0 rbytes=4096 wbytes=8192 rios=1 wios=2), in the file's order.
devs=$("$ISOSCOPE" --sysroot "$trees/v2-docker" cgroups --json -a 2>/dev/null | python3 -c '
import json, sys
def walk(l):
    for x in l:
        yield x
        yield from walk(x.get("children", []))
for r in walk(json.load(sys.stdin)["cgroups"]):
    if r["path"].startswith("/system.slice/docker-"):
        print(" ".join("%s:%s:%s:%s:%s" % (d["device"], d.get("rbytes"), d.get("wbytes"), d.get("rios"), d.get("wios")) for d in r.get("io_devices", [])))')
is "$devs" "254:0:1048576:524288:64:32 253:0:4096:8192:1:2" "v2-docker: the docker scope's io_devices are its io.stat lines"
is "$(python3 "$tmp/cgjson.py" top "$K8" mode)" v2 "v2-k8s-systemd: mode v2"
is "$(python3 "$tmp/cgjson.py" top "$V1" mode)" v1 "v1-k8s-cgroupfs: mode v1 (no cgroup2 hierarchy)"

is "$(j "$V2" "$DSCOPE" memory_max)" 536870912 "v2: docker memory_max 536870912"
is "$(j "$V2" "$DSCOPE" memory_high)" null "v2: memory.high max is null"
is "$(j "$V2" "$DSCOPE" memory_swap_max)" null "v2: memory.swap.max max is null"
is "$(j "$V2" /init.scope memory_max)" null "v2: memory.max max is null"
is "$(j "$V2" / memory_max)" ABSENT "v2: the root has no memory.max: the field is left out"
is "$(j "$V2" "$DSCOPE" memory_events_oom_kill)" 3 "v2: docker memory_events_oom_kill 3"
is "$(j "$V2" "$DSCOPE" memory_events_oom)" 4 "v2: docker memory_events_oom 4 (not oom_kill)"
is "$(j "$V2" "$DSCOPE" memory_working_set)" 178257920 "v2: docker working set 209715200 - 31457280"
is "$(j "$V2" "$DSCOPE" memory_stat_file)" 52428800 "v2: memory.stat file, not file_mapped"
is "$(j "$V2" "$DSCOPE" cpu_max_quota_usec):$(j "$V2" "$DSCOPE" cpu_max_period_usec)" 50000:100000 \
  "v2: cpu.max \"50000 100000\""
is "$(j "$V2" /init.scope cpu_max_quota_usec):$(j "$V2" /init.scope cpu_max_period_usec)" null:100000 \
  "v2: cpu.max \"max 100000\" -> null quota, period 100000"
is "$(j "$V2" "$DSCOPE" io_stat_rbytes):$(j "$V2" "$DSCOPE" io_stat_wios)" 1052672:34 "v2: io.stat summed over two devices"
is "$(j "$V2" "$DSCOPE" psi_cpu_some_avg10):$(j "$V2" "$DSCOPE" psi_cpu_some_avg60)" 12.34:8.10 \
  "v2: PSI averages with two decimals"
is "$(j "$V2" "$DSCOPE" tasks):$(j "$V2" "$DSCOPE" threads)" 3:4 "v2: docker 3 processes, 4 threads"
is "$(j "$V2" "$DSCOPE" populated):$(j "$V2" "$DSCOPE" frozen)" true:false "v2: cgroup.events populated and frozen"
is "$(j "$V2" "$DSCOPE" container.engine):$(j "$V2" "$DSCOPE" container.short_id)" docker:d548c5b83fa6 \
  "v2: docker-<id>.scope is a docker container"
is "$(j "$V2" "$DSCOPE" container.id)" "$D" "v2: the full docker id"
is "$(j "$V2" "$UPOD/libpod-$P.scope/container" container.engine)" podman "v2: rootless podman container leaf"
is "$(j "$V2" "$UPOD/libpod-conmon-$P.scope" container)" ABSENT "v2: libpod-conmon is not a container"
is "$(j "$V2" "/system.slice/var-lib-docker-overlay2-d4536f2555836b0b1bdc536c56e6f7245a2e89dd20ff8df68ade3cf0e7f39a65-merged.mount" container)" \
  ABSENT "v2: a docker overlay .mount unit is not a container"

is "$(j "$K8" "$BUP/cri-containerd-$KB.scope" container.engine)" containerd "k8s: cri-containerd scope is containerd"
is "$(j "$K8" "$BUP/cri-containerd-$KB.scope" container.pod_uid)" 1234abcd-5678-90ef-1234-567890abcdef \
  "k8s: the pod UID has its dashes back"
is "$(j "$K8" "$BUP/cri-containerd-$KB.scope" container.qos)" burstable "k8s: burstable QoS"
is "$(j "$K8" "$GUP/cri-containerd-$KG.scope" container.qos)" guaranteed "k8s: a pod directly under kubepods.slice is guaranteed"
is "$(j "$K8" "$BUP" container.engine):$(j "$K8" "$BUP" container.pod_uid)" ABSENT:1234abcd-5678-90ef-1234-567890abcdef \
  "k8s: the pod slice has a pod but no container"
is "$(j "$K8" "$BEP/crio-$CR.scope" container.engine):$(j "$K8" "$BEP/crio-$CR.scope" container.qos)" cri-o:besteffort \
  "k8s: crio-<id>.scope is a CRI-O container in a besteffort pod"
is "$(j "$K8" "$BEP/crio-conmon-$CR.scope" container.engine)" ABSENT "k8s: crio-conmon is not a container"
is "$(j "$K8" "$BEP/crio-conmon-$CR.scope" container.pod_uid)" 0badf00d-cafe-4bee-8f00-123456789abc \
  "k8s: crio-conmon still belongs to its pod"
is "$(j "$K8" "$BUP/cri-containerd-$KB.scope" memory_events_oom_kill)" 1 "k8s: memory_events_oom_kill 1"
is "$(j "$K8" / psi_cpu_some_avg10):$(j "$K8" / psi_cpu_full_avg10)" 5.00:ABSENT \
  "k8s: cpu.pressure without a full line (old kernel): full values left out"
is "$(j "$K8" / psi_memory_some_avg10)" ABSENT "k8s: no memory.pressure file: no memory PSI"

is "$(j "$V1" / memory_max)" null "v1: limit 9223372036854771712 is null (unlimited)"
is "$(j "$V1" /system.slice/kubelet.service memory_max)" null "v1: limit 9223372036854710272 (64 KiB pages) is null"
is "$(j "$V1" "$V1B1" memory_max)" 268435456 "v1: limit 268435456"
is "$(j "$V1" /kubepods memory_max)" 4294967296 "v1: limit 4294967296 is not mistaken for unlimited"
is "$(j "$V1" "$V1B1" memory_events_oom_kill)" 2 "v1: memory.oom_control oom_kill 2"
is "$(j "$V1" "$V1B1" memory_events_max)" 7 "v1: memory.failcnt -> memory_events_max"
is "$(j "$V1" "$V1B1" memory_working_set)" 83886080 "v1: working set 104857600 - total_inactive_file 20971520"
is "$(j "$V1" "$V1B1" cpu_weight)" 39 "v1: cpu.shares 1024 -> cpu_weight 39"
is "$(j "$V1" /kubepods cpu_weight)" 79 "v1: cpu.shares 2048 -> cpu_weight 79"
is "$(j "$V1" "$V1BP" cpu_max_quota_usec)" null "v1: cpu.cfs_quota_us -1 -> null"
is "$(j "$V1" "$V1B1" cpu_max_quota_usec)" 25000 "v1: cpu.cfs_quota_us 25000"
is "$(j "$V1" "$V1B1" cpu_stat_usage_usec)" 123456 "v1: cpuacct.usage 123456789 ns -> 123456 usec"
is "$(j "$V1" "$V1B1" cpu_stat_throttled_usec)" 3456789 "v1: throttled_time 3456789012 ns -> 3456789 usec"
is "$(j "$V1" "$V1B1" pids_events_max)" 5 "v1: pids.events max 5"
is "$(j "$V1" "$V1B1" io_stat_rbytes):$(j "$V1" "$V1B1" io_stat_rios)" 4104192:1002 "v1: blkio Read lines of two devices"
is "$(j "$V1" "$V1B1" container.engine):$(j "$V1" "$V1B1" container.qos)" cri:burstable \
  "v1: /kubepods/burstable/pod<uid>/<64 hex> is a cri container in a burstable pod"
is "$(j "$V1" "$V1G1" container.qos):$(j "$V1" "$V1G1" frozen)" guaranteed:true \
  "v1: /kubepods/pod<uid>/<id> is guaranteed; freezer.state FROZEN"
is "$(j "$V1" "$V1G1" cpuset_cpus_effective)" 1 "v1: cpuset.effective_cpus"
is "$(j "$V1" / tasks)" 3 "v1: merged root: the largest process count of the hierarchies"
is "$(j "$V1" / frozen)" ABSENT "v1: the freezer root has no state"
is "$(j "$V1" /system.slice/kubelet.service hierarchies)" "memory;name=systemd" \
  "v1: kubelet.service exists in the memory and systemd hierarchies only"

# --- the default view: only cgroups with processes in their subtree ---
run v2-docker -l -r -n -o PATH
is "$out" "/
/init.scope
/system.slice
/system.slice/cron.service
/system.slice/docker-$D.scope
/system.slice/docker.service
/user.slice
/user.slice/user-1000.slice
/user.slice/user-1000.slice/session-2.scope
/user.slice/user-1000.slice/user@1000.service
/user.slice/user-1000.slice/user@1000.service/init.scope
/user.slice/user-1000.slice/user@1000.service/user.slice
$UPOD/libpod-$P.scope
$UPOD/libpod-$P.scope/container
$UPOD/libpod-conmon-$P.scope" "without -a: the empty .mount unit is hidden, parents of processes are kept"
run v1-k8s-cgroupfs -l -r -n -o PATH,TASKS
is "$out" "/ 3
/kubepods 0
/kubepods/burstable 0
$V1BP 0
$V1BP/019f462856d77639eb5e3724f22a3e88a100644fb4e5dbc088e9b0fba5cb4757 1
$V1B1 2
$V1GP 0
$V1G1 1
/system.slice 0
/system.slice/kubelet.service 1" "v1 without -a: /kubepods/besteffort (no process) is hidden"

# --- --depth ---
run v2-docker -a --depth 1 -o PATH
is "$out" "PATH
/
├─init.scope
├─system.slice
└─user.slice" "--depth 1: the root and its children"
run v2-docker -a --depth 0 -l -r -n -o PATH
is "$out" "/" "--depth 0: the root alone"
run v2-docker -a --depth 1 -l -r -n -o PATH /user.slice
is "$out" "/user.slice
/user.slice/user-1000.slice" "--depth 1 below a path counts from the path"
run v2-docker --depth x
is "$rc" 1 "--depth x: exit 1"

# --- a subtree path ---
run v2-docker -a -l -r -n -o PATH,TASKS /system.slice
is "$out" "/system.slice 0
/system.slice/cron.service 1
/system.slice/docker-$D.scope 3
/system.slice/docker.service 2
/system.slice/var-lib-docker-overlay2-d4536f2555836b0b1bdc536c56e6f7245a2e89dd20ff8df68ade3cf0e7f39a65-merged.mount 0" \
  "a path argument: that cgroup and those below it"
run v2-docker -a -l -r -n -o PATH,TASKS /system.slice/
is "$rc:$(wc -l <<<"$out")" "0:5" "a path with a trailing slash is the same cgroup"
run v2-docker -a -o PATH /system.slice
is "$(head -n2 <<<"$out")" "PATH
/system.slice" "the tree below a path starts with the full path"
run v2-docker -a -l -r -n -o PATH,TASKS /user.slice/user-1000.slice/session-2.scope
is "$rc:$out" "0:/user.slice/user-1000.slice/session-2.scope 2" "a leaf path: one row"
run v2-docker /nope
is "$rc" 2 "a missing path exits 2"
is "$out" "" "a missing path prints no table"
is "$err" "isoscope cgroups: no cgroup '/nope' in any hierarchy" "a missing path says so"
run v2-docker /system
is "$rc" 2 "a prefix of a cgroup name is not a cgroup (exit 2)"
run v2-docker system.slice
is "$rc" 1 "a path without a leading / exits 1"
run v1-k8s-cgroupfs -a -l -r -n -o PATH,MEM /system.slice
is "$out" "/system.slice 52428800
/system.slice/kubelet.service 52428800" "v1: a path found in two of the seven hierarchies"
run v2-docker -a -l -r -n -o PATH,TASKS /sys/fs/cgroup/system.slice/docker.service
is "$rc:$out" "0:/system.slice/docker.service 2" "v2: a path under /sys/fs/cgroup is a cgroup path"
run v1-k8s-cgroupfs -a -l -r -n -o PATH,MEM /sys/fs/cgroup/memory/system.slice/kubelet.service
is "$rc:$out" "0:/system.slice/kubelet.service 52428800" \
  "v1: /sys/fs/cgroup/HIERARCHY/PATH is PATH"
run v1-k8s-cgroupfs -a -l -r -n -o PATH --depth 0 /sys/fs/cgroup/memory
is "$rc:$out" "0:/" "v1: /sys/fs/cgroup/HIERARCHY is the root"
run v2-docker /sys/fs/cgroup/nope
is "$rc" 2 "a missing path under /sys/fs/cgroup exits 2"

# --- --controller ---
run v1-k8s-cgroupfs -a -l -r -n --controller memory -o PATH,TASKS,MEM,PIDS,cpu_weight
[ "$out" = "/ 2 2147483648 - -
/kubepods 0 1073741824 - -
/kubepods/besteffort 0 0 - -
/kubepods/burstable 0 209715200 - -
$V1BP 0 106954752 - -
$V1BP/019f462856d77639eb5e3724f22a3e88a100644fb4e5dbc088e9b0fba5cb4757 1 2097152 - -
$V1B1 2 104857600 - -
$V1GP 0 314572800 - -
$V1G1 1 312475648 - -
/system.slice 0 52428800 - -
/system.slice/kubelet.service 1 52428800 - -" ]
ok $? "v1 --controller memory: memory values only; TASKS from the memory hierarchy (the root's 2)"
run v1-k8s-cgroupfs -a -l -r -n --controller memory -o PATH,MEM,PIDS,cpu_weight
is "$rc:$out" "0:/ 2147483648 - -
/kubepods 1073741824 - -
/kubepods/besteffort 0 - -
/kubepods/burstable 209715200 - -
$V1BP 106954752 - -
$V1BP/019f462856d77639eb5e3724f22a3e88a100644fb4e5dbc088e9b0fba5cb4757 2097152 - -
$V1B1 104857600 - -
$V1GP 314572800 - -
$V1G1 312475648 - -
/system.slice 52428800 - -
/system.slice/kubelet.service 52428800 - -" "v1 --controller memory: every memory cgroup, memory values only"
run v1-k8s-cgroupfs -l -r -n --controller pids -o PATH,TASKS
[ "$out" = "/ 3
/kubepods 0
/kubepods/burstable 0
$V1BP 0
$V1BP/019f462856d77639eb5e3724f22a3e88a100644fb4e5dbc088e9b0fba5cb4757 1
$V1B1 2
$V1GP 0
$V1G1 1" ]
ok $? "v1 --controller pids without -a: the pods with processes are shown"
run v1-k8s-cgroupfs -a --controller memory --json
cp "$tmp/out" "$tmp/mem.json"
hs=$(python3 - "$tmp/mem.json" <<'EOF'
import json, sys
def walk(rs):
    for r in rs:
        yield r
        yield from walk(r.get('children', []))
print(sorted({';'.join(h['name'] for h in r['hierarchies']) for r in walk(json.load(open(sys.argv[1]))['cgroups'])}))
EOF
)
is "$hs" "['memory']" "v1 --controller memory --json: every row comes from the memory hierarchy alone"
is "$(j "$tmp/mem.json" "$V1B1" memory_max):$(j "$tmp/mem.json" "$V1B1" cpu_weight)" 268435456:ABSENT \
  "v1 --controller memory --json: memory values, no cpu values"
run v1-k8s-cgroupfs -a --controller cpu --json --depth 0
cp "$tmp/out" "$tmp/cpu.json"
is "$(j "$tmp/cpu.json" / hierarchies)" "cpu,cpuacct" "v1 --controller cpu: cpu,cpuacct only, not cpuset"
is "$(j "$tmp/cpu.json" / cpuset_cpus_effective):$(j "$tmp/cpu.json" / cpu_weight)" ABSENT:39 \
  "v1 --controller cpu: cpu values, nothing from cpuset"
run v1-k8s-cgroupfs -a --controller cpuacct -l -r -n -o PATH,cpu_stat_usage_usec --depth 0
is "$out" "/ 9876543210" "v1 --controller cpuacct: a controller co-mounted in cpu,cpuacct"
run v1-k8s-cgroupfs --controller bogus
is "$rc" 1 "--controller bogus: exit 1"
is "$err" "isoscope cgroups: no hierarchy with the controller 'bogus': No such file or directory" \
  "--controller bogus: says so"
run v2-docker -a --controller unified -l -r -n -o PATH
is "$(wc -l <<<"$out")" 16 "v2 --controller unified: the cgroup2 tree, all 16 cgroups"
run v2-docker -a --controller memory -l -r -n -o PATH,MEM --depth 1
is "$rc:$out" "0:/ -
/init.scope 12582912
/system.slice 335544320
/user.slice 41943040" "v2 --controller memory: the v2 tree, which has every controller"

# --- -o with kernel field names, +LIST, unknown columns ---
run v2-docker -l -r -n -o PATH,memory_events_oom_kill,cpu_stat_usage_usec,cpu_max_quota_usec,pids_events_max \
  --depth 0 "$DSCOPE"
is "$out" "$DSCOPE 3 4200000 50000 2" "-o with kernel field names"
run v2-docker -l -r -n -o PATH,MEMORY_EVENTS_OOM_KILL,Memory_Max --depth 0 "$DSCOPE"
is "$out" "$DSCOPE 3 536870912" "-o: column names are matched without regard to case"
run v2-docker -l -r -n -o PATH,memory_swap_max,memory_high,memory_low --depth 0 "$DSCOPE"
is "$out" "$DSCOPE max max 0" "-o: unlimited is shown as max, 0 as 0"
run v2-docker -l -r -n -o PATH,memory_max,cpu_max_quota_usec,memory_swap_max --depth 0 /init.scope
is "$out" "/init.scope max max -" "-o: max, and - for a file the cgroup does not have"
run v2-docker -l -r -o +THREADS,CPUQ% --depth 0
is "$(head -n1 <<<"$out")" "PATH CONTAINER TASKS CPU% MEM WSET MEMMAX PIDS PIDSMAX THR% PSI-MEM OOMKILL THREADS CPUQ%" \
  "-o +LIST appends to the default columns"
run v2-docker -o PATH,bogus
is "$rc" 1 "-o with an unknown column exits 1"
is "$err" "isoscope cgroups: unknown column: bogus
Try 'isoscope cgroups --help' for more information." "-o with an unknown column says which"
run v2-docker -n -l -o PATH --depth 0
is "$out" "/" "-n: no heading"
run v2-docker -H
is "$rc:$(grep -c -E '^(memory_events_oom_kill|cpu_stat_throttled_usec|psi_io_full_total) ' <<<"$out")" "0:3" \
  "-H lists the kernel fields as columns"
run v2-docker -J -r
is "$rc" 1 "-J with -r exits 1"
run v2-docker -a -r -n -o PATH --depth 1
case $out in
  *'\x'* | *├* | *└*) ok 1 "-r without -l prints no tree lines" ;;
  *) ok 0 "-r without -l prints no tree lines" ;;
esac

# --- --interval ---
for bad in 0 -1 abc 3601 1e9 ''; do
  run v2-docker --interval "$bad"
  is "$rc" 1 "--interval '$bad' exits 1"
done
is "$err" "isoscope cgroups: invalid interval: '' (seconds, 0 < N <= 3600)
Try 'isoscope cgroups --help' for more information." "--interval: the message names the range"
run v2-docker --interval 0.1 --json --depth 0 "$DSCOPE"
is "$rc" 0 "--interval 0.1 exits 0"
cp "$tmp/out" "$tmp/rate.json"
is "$(python3 "$tmp/cgjson.py" top "$tmp/rate.json" interval)" 0.10 "--interval 0.1: the interval is in the JSON"
is "$(j "$tmp/rate.json" "$DSCOPE" cpu_percent):$(j "$tmp/rate.json" "$DSCOPE" cpu_quota_percent)" 0.00:0.00 \
  "--interval on files that do not change: 0% CPU, 0% of the quota"
is "$(j "$tmp/rate.json" "$DSCOPE" throttled_percent)" ABSENT \
  "--interval: no throttling share when no period elapsed"
is "$(j "$tmp/rate.json" "$DSCOPE" memory_events_oom_kill_delta)" 0 "--interval: no new OOM kill"
is "$(j "$tmp/rate.json" "$DSCOPE" io_rbytes_per_sec)" 0.00 "--interval: no IO"
# On a tree of several hierarchies the rows of the two samples must match too.
recreated=0 norates=0
for _ in 1 2 3; do
  run v1-k8s-cgroupfs --interval 0.05 --json --depth 0 "$V1B1"
  cp "$tmp/out" "$tmp/rate1.json"
  [ "$(j "$tmp/rate1.json" "$V1B1" recreated)" = ABSENT ] || recreated=$((recreated + 1))
  [ "$(j "$tmp/rate1.json" "$V1B1" cpu_percent)" = 0.00 ] || norates=$((norates + 1))
done
is "$recreated" 0 "v1 --interval: no row marked recreated in 3 runs (the hierarchies keep their order)"
is "$norates" 0 "v1 --interval: cpu_percent 0.00 in 3 runs"

done_testing
