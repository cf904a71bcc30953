#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# metrics-deploy.t: the Kubernetes manifests in deploy/kubernetes parse, give isoscope the view it
# needs (host pid namespace, the host's /proc and /sys/fs/cgroup read-only, --sysroot on them),
# and add only capabilities that isoscope metrics needs: with exactly the manifests' set it reads
# what root reads, and without any one of them it reads less.  The README's Prometheus scrape
# configuration parses, and its relabelling yields the port the DaemonSet listens on.
#
# The capability runs happen in a pid namespace of the test's own (unshare --pid --mount-proc), so
# that the processes are only the test's: a process of uid 65534 in a UTS namespace of its own
# (whose namespace links only CAP_SYS_PTRACE lets root read) in a cgroup with a memory and a pids
# limit, and isoscope itself under setpriv --bounding-set.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/lib/tap.sh
. "$here/../lib/tap.sh"
# shellcheck source=tests/lib/ns-helpers.sh
. "$here/../lib/ns-helpers.sh"

ROOT=$(cd "$here/../.." && pwd)
DEPLOY=$ROOT/deploy/kubernetes
"$NS_PYTHON" -c 'import yaml' 2>/dev/null || skip_all "python3 with the yaml module (Debian python3-yaml) is needed"
tmp=$(new_tmpdir)
track_tmpdir "$tmp"
trap ns_cleanup EXIT
trap 'exit 1' INT TERM

# ---- the manifests
"$NS_PYTHON" - "$DEPLOY" >"$tmp/manifests" <<'EOF'
# One "ok|not ok<TAB>description" line per check; the union of the added capabilities last.
import glob, os, re, sys, yaml
caps = set()
def check(cond, desc):
    print('%s\t%s' % ('ok' if cond else 'not ok', desc))
files = sorted(glob.glob(os.path.join(sys.argv[1], '*.yaml')))
check(len(files) >= 1, 'deploy/kubernetes has manifests')
for f in files:
    name = os.path.basename(f)
    try:
        docs = [d for d in yaml.safe_load_all(open(f)) if d is not None]
    except yaml.YAMLError as e:
        check(False, '%s parses (%s)' % (name, e))
        continue
    check(bool(docs) and all({'apiVersion', 'kind', 'metadata'} <= set(d) and d['metadata'].get('name')
                             for d in docs), '%s parses; every object has apiVersion, kind and a name' % name)
    for d in docs:
        if d['kind'] != 'DaemonSet':
            continue
        what = '%s: DaemonSet %s' % (name, d['metadata']['name'])
        spec = d['spec']['template']['spec']
        check(d['spec']['selector']['matchLabels'].items() <= d['spec']['template']['metadata']['labels'].items(),
              what + ': the selector matches the pod labels')
        check(spec.get('hostPID') is True, what + ': hostPID')
        check(not spec.get('hostNetwork') and not spec.get('hostIPC'), what + ': no host network or IPC')
        vols = {v['name']: v.get('hostPath', {}).get('path') for v in spec['volumes']}
        for c in spec['containers']:
            sc = c.get('securityContext', {})
            mounts = {m['mountPath']: m for m in c.get('volumeMounts', [])}
            for host, inside in (('/proc', '/host/proc'), ('/sys/fs/cgroup', '/host/sys/fs/cgroup')):
                m = mounts.get(inside)
                check(m is not None and vols.get(m['name']) == host and m.get('readOnly') is True,
                      '%s: the host\'s %s read-only at %s' % (what, host, inside))
            args = c.get('args', [])
            check(args[:3] == ['--sysroot', '/host', 'metrics'], what + ': runs isoscope --sysroot /host metrics')
            check(sc.get('privileged') is not True and sc.get('allowPrivilegeEscalation') is False
                  and sc.get('readOnlyRootFilesystem') is True, what + ': not privileged, no escalation, read-only root')
            check(sc.get('capabilities', {}).get('drop') == ['ALL'], what + ': drops ALL capabilities')
            caps |= set(sc.get('capabilities', {}).get('add', []))
            if '--listen' in args:
                listen = args[args.index('--listen') + 1]
                port = listen.rsplit(':', 1)[1]
                ann = d['spec']['template']['metadata'].get('annotations', {})
                ports = [str(p['containerPort']) for p in c.get('ports', [])]
                check(ann.get('prometheus.io/scrape') == 'true' and ann.get('prometheus.io/port') == port
                      and ann.get('prometheus.io/path') == '/metrics' and port in ports,
                      what + ': scrape annotations name the port it listens on (%s) and /metrics' % listen)
print('CAPS\t' + ' '.join(sorted(caps)))
EOF
while IFS=$'\t' read -r st desc; do
  case $st in
    ok) ok 0 "$desc" ;;
    "not ok") ok 1 "$desc" ;;
    CAPS) CAPS=$desc ;;
  esac
done <"$tmp/manifests"
diag "capabilities the manifests add: ${CAPS:-none}"

# ---- the README's scrape configuration: YAML, and its relabelling gives the pod address with the
# port of the prometheus.io/port annotation (Prometheus anchors the regex, as fullmatch does).
awk '/^    scrape_configs:/ { on = 1 } on && /^$/ { exit } on { sub(/^    /, ""); print }' "$ROOT/README.md" \
  >"$tmp/prometheus.yml"
port=$(awk '/prometheus.io\/port:/ { gsub(/"/, "", $2); print $2; exit }' "$DEPLOY/isoscope-daemonset.yaml")
"$NS_PYTHON" - "$tmp/prometheus.yml" "$port" >"$tmp/relabel" <<'EOF2'
import re, sys, yaml
cfg = yaml.safe_load(open(sys.argv[1]))
job = cfg['scrape_configs'][0]
meta = {'__address__': '10.1.2.3:8080', '__meta_kubernetes_pod_annotation_prometheus_io_scrape': 'true',
        '__meta_kubernetes_pod_annotation_prometheus_io_port': sys.argv[2],
        '__meta_kubernetes_pod_node_name': 'node-a'}
for r in job['relabel_configs']:
    value = ';'.join(meta.get(l, '') for l in r['source_labels'])
    m = re.fullmatch(r.get('regex', '(.*)'), value)
    if r.get('action') == 'keep':
        if not m:
            print('dropped'); sys.exit()
        continue
    if m:
        meta[r['target_label']] = m.expand(r.get('replacement', '$1').replace('$', '\\'))
print(meta['__address__'], meta.get('node'))
EOF2
is "$(cat "$tmp/relabel")" "10.1.2.3:$port node-a" \
  "README's scrape config: the pod's address with the annotated port ($port), and the node name"
if promtool check config "$tmp/prometheus.yml" >"$tmp/promtool.out" 2>&1; then
  ok 0 "promtool check config accepts README's scrape config"
elif grep -q "kubernetes_sd_configs not found" "$tmp/promtool.out"; then
  skip "promtool check config accepts README's scrape config" "this promtool is built without Kubernetes discovery"
else
  ok 1 "promtool check config accepts README's scrape config"
  diag "$(cat "$tmp/promtool.out")"
fi

# ---- the capabilities, against the code
if [ "$(id -u)" -ne 0 ]; then
  skip "the capability runs" "needs root"
  done_testing
  exit
fi
command -v setpriv >/dev/null || {
  skip "the capability runs" "setpriv (util-linux) is needed"
  done_testing
  exit
}
CG=/sys/fs/cgroup
MEMH=$(readlink -f "$CG/memory")
PIDSH=$(readlink -f "$CG/pids")
REL=/isoscope-deploy.$$
if [ -f "$MEMH/cgroup.procs" ] && [ -f "$PIDSH/cgroup.procs" ]; then
  mkdir "$MEMH$REL" "$PIDSH$REL" && track_cgroup "$MEMH$REL" && track_cgroup "$PIDSH$REL"
  echo $((32 << 20)) >"$MEMH$REL/memory.limit_in_bytes"
  echo 8 >"$PIDSH$REL/pids.max"
  CGDIRS="$MEMH$REL $PIDSH$REL"
else
  REL=/ CGDIRS=
fi

# In a pid namespace of our own: a uid-65534 process in its own UTS namespace and cgroup, then
# isoscope with all of root's capabilities, with the manifests' set, without each one of it.
# shellcheck disable=SC2016 # expanded by the inner bash
unshare --pid --fork --mount-proc bash -c '
  iso=$1 out=$2 dirs=$3 caps=$4
  (
    for d in $dirs; do echo "$BASHPID" >"$d/cgroup.procs" || exit 125; done
    exec unshare --uts setpriv --reuid 65534 --regid 65534 --clear-groups sleep 100
  ) &
  for _ in $(seq 50); do [ "$(ls /proc | grep -c "^[0-9]")" -ge 4 ] && break; sleep 0.1; done
  sleep 0.2
  "$iso" --sysroot / metrics >"$out/root.prom"
  set=$(for c in $caps; do printf ",+%s" "$(tr "[:upper:]" "[:lower:]" <<<"$c")"; done)
  setpriv --bounding-set "-all$set" "$iso" --sysroot / metrics >"$out/set.prom"
  for c in $caps; do
    less=$(for o in $caps; do [ "$o" != "$c" ] && printf ",+%s" "$(tr "[:upper:]" "[:lower:]" <<<"$o")"; done)
    setpriv --bounding-set "-all$less" "$iso" --sysroot / metrics >"$out/without-$c.prom"
  done
  kill %1
  wait
' bash "$ISOSCOPE" "$tmp" "$CGDIRS" "$CAPS"

CHECK="$NS_PYTHON $ROOT/tests/lib/prom-check.py"
# The facts that depend on privileges: namespaces, processes, denials, the test's cgroup.
facts() {
  local f=$1
  grep -E '^isoscope_(namespaces|processes|scan_denied_objects|container_)' "$f" | sort
  for fam in isoscope_cgroup_memory_max_bytes isoscope_cgroup_pids_max isoscope_cgroup_processes; do
    echo "$fam $($CHECK get "$f" $fam "cgroup=$REL")"
  done
}
is "$($CHECK get "$tmp/root.prom" isoscope_namespaces type=uts)" 2 "as root: the UTS namespace of the uid-65534 process is counted"
is "$($CHECK get "$tmp/root.prom" isoscope_scan_denied_objects)" 0 "as root: nothing denied"
is "$(diff <(facts "$tmp/root.prom") <(facts "$tmp/set.prom"))" "" \
  "with only the manifests' capabilities (${CAPS:-none}) isoscope reads what root reads"
[ -n "$CGDIRS" ] && is "$($CHECK get "$tmp/set.prom" isoscope_cgroup_memory_max_bytes "cgroup=$REL")" $((32 << 20)) \
  "... including the cgroup limits"
for c in $CAPS; do
  [ "$(facts "$tmp/root.prom")" != "$(facts "$tmp/without-$c.prom")" ]
  ok $? "without $c isoscope reads less: the manifests need it"
  diag "without $c: $(diff <(facts "$tmp/root.prom") <(facts "$tmp/without-$c.prom") | grep '^>' | head -3 | paste -sd' ')"
done

done_testing
