#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# prom-check.py: a strict reader of the Prometheus text format and checks of isoscope metrics
# against the kernel files of a cgroup tree and a /proc tree, for the metrics tests.
#
#   prom-check.py lint FILE LIST      the exposition parses strictly (families grouped, HELP and
#                                     TYPE before samples, no duplicate series, label values
#                                     escaped), and every family is one of LIST (the output of
#                                     `isoscope metrics --list-metrics`) with its type and help;
#                                     names follow the conventions (counters end in _total, the
#                                     unit before it); prints "ok" or the problems
#   prom-check.py get FILE NAME [L=V...]   the value of the one series matching, or NONE
#   prom-check.py labels FILE NAME LABEL   the values of LABEL over NAME's series, one per line
#   prom-check.py tree FILE ROOT      every cgroup sample against the files under ROOT/sys/fs/cgroup
#                                     (v2 or v1 names), and the default cgroup selection; prints
#                                     "checked N" or the problems
#   prom-check.py containers FILE ROOT  isoscope_container_info against ROOT/proc: the weakest
#                                     isolation of each container's processes
import os
import re
import sys

NAME_RE = re.compile(r'[a-zA-Z_:][a-zA-Z0-9_:]*')
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"')


def unescape(s):
    return re.sub(r'\\(.)', lambda m: {'n': '\n', '\\': '\\', '"': '"'}[m.group(1)], s)


def parse(text):
    """Families {name: {'type', 'help', 'samples': [(labels, value)]}}; raises ValueError."""
    fams, order, current = {}, [], None
    seen = set()
    if text and not text.endswith('\n'):
        raise ValueError('the text does not end with a newline')
    for n, line in enumerate(text.split('\n')[:-1], 1):
        if line.startswith('# HELP ') or line.startswith('# TYPE '):
            kind, rest = line[2:6], line[7:]
            name, _, arg = rest.partition(' ')
            if not NAME_RE.fullmatch(name):
                raise ValueError('line %d: bad metric name %r' % (n, name))
            f = fams.get(name)
            if f is None:
                f = fams[name] = {'type': None, 'help': None, 'samples': []}
                order.append(name)
            elif current != name:
                raise ValueError('line %d: family %s is not in one piece' % (n, name))
            if f['samples']:
                raise ValueError('line %d: %s of %s after its samples' % (n, kind, name))
            f['help' if kind == 'HELP' else 'type'] = arg
            current = name
            continue
        if line.startswith('#') or not line:
            raise ValueError('line %d: unexpected %r' % (n, line))
        m = re.match(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$', line)
        if not m:
            raise ValueError('line %d: not a sample: %r' % (n, line))
        name, body, value = m.group(1), m.group(3), m.group(4)
        labels = {}
        if body:
            pos = 0
            while pos < len(body):
                lm = LABEL_RE.match(body, pos)
                if not lm:
                    raise ValueError('line %d: bad labels at %r' % (n, body[pos:]))
                if lm.group(1) in labels:
                    raise ValueError('line %d: label %s twice' % (n, lm.group(1)))
                labels[lm.group(1)] = unescape(lm.group(2))
                pos = lm.end()
                if pos < len(body):
                    if body[pos] != ',':
                        raise ValueError('line %d: bad labels at %r' % (n, body[pos:]))
                    pos += 1
        if name != current or name not in fams or fams[name]['type'] is None:
            raise ValueError('line %d: sample of %s outside its family' % (n, name))
        float(value)
        key = (name, tuple(sorted(labels.items())))
        if key in seen:
            raise ValueError('line %d: duplicate series %s' % (n, line))
        seen.add(key)
        fams[name]['samples'].append((labels, value))
    return fams


def load(path):
    with open(path, encoding='utf-8') as f:
        return parse(f.read())


def lint(path, listing):
    problems = []
    fams = load(path)
    known = {}
    with open(listing) as f:
        for line in f:
            name, typ, unit, help_ = line.rstrip('\n').split(' ', 3)
            known[name] = (typ, unit, help_)
    for name, f in fams.items():
        if name not in known:
            problems.append('%s is not in --list-metrics' % name)
            continue
        typ, unit, help_ = known[name]
        if f['type'] != typ or f['help'] != help_:
            problems.append('%s: TYPE/HELP differ from --list-metrics' % name)
        base = name[:-len('_total')] if name.endswith('_total') else name
        if (typ == 'counter') != name.endswith('_total'):
            problems.append('%s: a %s %s in _total' % (name, typ, 'must end' if typ == 'counter' else 'must not end'))
        if unit != '-' and not base.endswith('_' + unit):
            problems.append('%s: unit %s is not its suffix' % (name, unit))
        if not name.startswith('isoscope_'):
            problems.append('%s: no isoscope_ prefix' % name)
        if not f['samples']:
            problems.append('%s: HELP and TYPE without a sample' % name)
    print('\n'.join(problems) if problems else 'ok')


def get(path, name, conds):
    fams = load(path)
    want = dict(c.split('=', 1) for c in conds)
    hits = [v for labels, v in fams.get(name, {'samples': []})['samples']
            if all(labels.get(k) == v for k, v in want.items())]
    print(hits[0] if len(hits) == 1 else 'NONE' if not hits else 'MANY')


def labels_of(path, name, label):
    fams = load(path)
    for labels, _ in fams.get(name, {'samples': []})['samples']:
        print(labels.get(label, ''))


# ---- cgroup files ----

def read(path):
    try:
        with open(path, 'rb') as f:
            return f.read().decode('utf-8', 'replace')
    except OSError:
        return None


def keyed(text, key):
    for line in (text or '').splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == key:
            return parts[1]
    return None


def num(text, scale=1):
    """A kernel number as the exposition writes it: 'max' is +Inf; scaled by 1/SCALE."""
    if text is None:
        return None
    text = text.strip()
    if text == 'max':
        return '+Inf'
    return fmt(int(text), scale)


def fmt(value, scale):
    whole, frac = divmod(value, scale)
    if not frac:
        return str(whole)
    digits = len(str(scale)) - 1
    return ('%d.%0*d' % (whole, digits, frac)).rstrip('0')


def psi(text, kind, field):
    for line in (text or '').splitlines():
        parts = line.split()
        if parts and parts[0] == kind:
            kv = dict(p.split('=') for p in parts[1:])
            if field == 'total':
                return fmt(int(kv['total']), 10**6)
            whole, _, frac = kv[field].partition('.')
            return fmt(int(whole) * 100 + int((frac + '00')[:2]), 10**4)
    return None


def io_sum(text, key):
    vals = [int(kv.split('=')[1]) for line in (text or '').splitlines() for kv in line.split()[1:]
            if kv.startswith(key + '=')]
    return str(sum(vals)) if text is not None and vals else None


V1_UNLIMITED = 1 << 62


class Tree:
    """The kernel files of one cgroup path: pure v2 at ROOT, or v1 hierarchies under ROOT/<ctrl>."""

    def __init__(self, root):
        self.root = root
        self.v2 = os.path.exists(os.path.join(root, 'cgroup.controllers'))

    def f(self, hier, path, name):
        base = self.root if self.v2 else os.path.join(self.root, hier)
        return read(os.path.join(base, path.lstrip('/'), name))

    def expected(self, fam, labels, path):
        """The value the kernel files give for a series, or None when there is no file."""
        if self.v2:
            return self.v2_value(fam, labels, path)
        return self.v1_value(fam, labels, path)

    def v2_value(self, fam, labels, p):
        f = lambda n: self.f('', p, n)
        simple = {
            'memory_current_bytes': 'memory.current', 'memory_max_bytes': 'memory.max',
            'memory_high_bytes': 'memory.high', 'memory_low_bytes': 'memory.low',
            'memory_min_bytes': 'memory.min', 'memory_peak_bytes': 'memory.peak',
            'memory_swap_current_bytes': 'memory.swap.current', 'memory_swap_max_bytes': 'memory.swap.max',
            'pids_current': 'pids.current', 'pids_max': 'pids.max', 'cpu_weight': 'cpu.weight',
        }
        stat = {'memory_anon_bytes': 'anon', 'memory_file_bytes': 'file',
                'memory_inactive_file_bytes': 'inactive_file'}
        cpu = {'cpu_usage_seconds_total': ('usage_usec', 10**6), 'cpu_user_seconds_total': ('user_usec', 10**6),
               'cpu_system_seconds_total': ('system_usec', 10**6), 'cpu_periods_total': ('nr_periods', 1),
               'cpu_throttled_periods_total': ('nr_throttled', 1),
               'cpu_throttled_seconds_total': ('throttled_usec', 10**6)}
        ios = {'io_read_bytes_total': 'rbytes', 'io_written_bytes_total': 'wbytes', 'io_reads_total': 'rios',
               'io_writes_total': 'wios'}
        if fam in simple:
            return num(f(simple[fam]))
        if fam in stat:
            return num(keyed(f('memory.stat'), stat[fam]))
        if fam == 'memory_working_set_bytes':
            cur, ina = f('memory.current'), keyed(f('memory.stat'), 'inactive_file')
            return None if cur is None or ina is None else str(max(int(cur) - int(ina), 0))
        if fam in cpu:
            return num(keyed(f('cpu.stat'), cpu[fam][0]), cpu[fam][1])
        if fam in ('cpu_quota_seconds', 'cpu_period_seconds'):
            t = f('cpu.max')
            return None if t is None else num(t.split()[0 if fam == 'cpu_quota_seconds' else 1], 10**6)
        if fam == 'memory_oom_kills_total':
            return num(keyed(f('memory.events'), 'oom_kill'))
        if fam == 'memory_events_total':
            return num(keyed(f('memory.events'), labels['event']))
        if fam == 'pids_refused_forks_total':
            return num(keyed(f('pids.events'), 'max'))
        if fam in ios:
            return io_sum(f('io.stat'), ios[fam])
        if fam == 'io_weight':
            return num(keyed(f('io.weight'), 'default'))
        if fam == 'pressure_seconds_total':
            return psi(f(labels['resource'] + '.pressure'), labels['kind'], 'total')
        if fam == 'pressure_ratio':
            return psi(f(labels['resource'] + '.pressure'), labels['kind'], 'avg' + labels['window'][:-1])
        if fam in ('processes', 'threads'):
            t = f('cgroup.procs' if fam == 'processes' else 'cgroup.threads')
            return None if t is None else str(len(t.split()))
        return None

    def v1_value(self, fam, labels, p):
        m = lambda n: self.f('memory', p, n)
        stat = {'memory_anon_bytes': 'total_rss', 'memory_file_bytes': 'total_cache',
                'memory_inactive_file_bytes': 'total_inactive_file'}
        if fam == 'memory_current_bytes':
            return num(m('memory.usage_in_bytes'))
        if fam == 'memory_max_bytes':
            t = m('memory.limit_in_bytes')
            return None if t is None else '+Inf' if int(t) >= V1_UNLIMITED else str(int(t))
        if fam == 'memory_peak_bytes':
            return num(m('memory.max_usage_in_bytes'))
        if fam in stat:
            return num(keyed(m('memory.stat'), stat[fam]))
        if fam == 'memory_working_set_bytes':
            cur, ina = m('memory.usage_in_bytes'), keyed(m('memory.stat'), 'total_inactive_file')
            return None if cur is None or ina is None else str(max(int(cur) - int(ina), 0))
        if fam == 'memory_oom_kills_total':
            return num(keyed(m('memory.oom_control'), 'oom_kill'))
        if fam == 'memory_events_total' and labels['event'] == 'max':
            return num(m('memory.failcnt'))
        if fam in ('pids_current', 'pids_max'):
            return num(self.f('pids', p, fam.replace('_', '.')))
        if fam in ('cpu_usage_seconds_total', 'cpu_user_seconds_total', 'cpu_system_seconds_total'):
            name = {'cpu_usage_seconds_total': 'cpuacct.usage', 'cpu_user_seconds_total': 'cpuacct.usage_user',
                    'cpu_system_seconds_total': 'cpuacct.usage_sys'}[fam]
            t = self.f('cpuacct', p, name)
            return None if t is None else fmt(int(t) // 1000, 10**6)
        if fam in ('cpu_quota_seconds', 'cpu_period_seconds'):
            t = self.f('cpu', p, 'cpu.cfs_quota_us' if fam == 'cpu_quota_seconds' else 'cpu.cfs_period_us')
            return None if t is None else '+Inf' if int(t) < 0 else fmt(int(t), 10**6)
        if fam in ('cpu_periods_total', 'cpu_throttled_periods_total'):
            return num(keyed(self.f('cpu', p, 'cpu.stat'),
                             'nr_periods' if fam == 'cpu_periods_total' else 'nr_throttled'))
        if fam == 'cpu_throttled_seconds_total':
            t = keyed(self.f('cpu', p, 'cpu.stat'), 'throttled_time')
            return None if t is None else fmt(int(t) // 1000, 10**6)
        return None


def tree(path, root):
    fams = load(path)
    t = Tree(os.path.join(root, 'sys/fs/cgroup'))
    problems, checked = [], 0
    exported = set()
    for name, f in fams.items():
        if not name.startswith('isoscope_cgroup_'):
            continue
        fam = name[len('isoscope_cgroup_'):]
        for labels, value in f['samples']:
            exported.add(labels['cgroup'])
            want = t.expected(fam, labels, labels['cgroup'])
            if want is None:
                continue
            checked += 1
            if value != want:
                problems.append('%s%s: %s, the files say %s' % (name, labels, value, want))
    # Every value the files have for an exported cgroup is there (for the families mapped above).
    for cg in exported:
        for name in fams:
            if not name.startswith('isoscope_cgroup_') or 'pressure' in name or 'events' in name:
                continue
            fam = name[len('isoscope_cgroup_'):]
            if t.expected(fam, {}, cg) is not None and not any(
                    l['cgroup'] == cg for l, _ in fams[name]['samples']):
                problems.append('%s missing for %s' % (name, cg))
    want = default_selection(t)
    if exported != want:
        problems.append('exported cgroups differ from the default selection: extra %s, missing %s'
                        % (sorted(exported - want), sorted(want - exported)))
    print('\n'.join(problems) if problems else 'checked %d' % checked)


ID_RE = re.compile(r'[0-9a-f]{64}')
POD_RE = re.compile(r'pod[0-9a-f]{8}[-_][0-9a-f]{4}[-_]')


def default_selection(t):
    """The cgroups the man page says are exported by default: the root, the top level, every
    container's cgroup and every cgroup in a Kubernetes pod; below the top level also every cgroup with a memory, pids or
    CPU limit, when its subtree has processes."""
    bases = [t.root] if t.v2 else [os.path.join(t.root, h) for h in os.listdir(t.root)
                                   if not os.path.islink(os.path.join(t.root, h))]
    paths, procs = set(), {}
    for base in bases:
        for d, _, _ in os.walk(base):
            p = '/' + os.path.relpath(d, base) if d != base else '/'
            p = p.replace('/./', '/')
            paths.add(p)
            n = len((read(os.path.join(d, 'cgroup.procs')) or '').split())
            procs[p] = max(procs.get(p, 0), n)
    def subtree(p):
        return sum(n for q, n in procs.items() if q == p or q.startswith(p.rstrip('/') + '/'))
    def limited(p):
        if t.v2:
            vals = [t.f('', p, 'memory.max'), t.f('', p, 'memory.high'), t.f('', p, 'pids.max'),
                    (t.f('', p, 'cpu.max') or 'max').split()[0]]
            return any(v is not None and v.strip() != 'max' for v in vals)
        mem, pids, quota = t.f('memory', p, 'memory.limit_in_bytes'), t.f('pids', p, 'pids.max'), \
            t.f('cpu', p, 'cpu.cfs_quota_us')
        return (mem is not None and int(mem) < V1_UNLIMITED) or (pids is not None and pids.strip() != 'max') \
            or (quota is not None and int(quota) >= 0)
    want = set()
    for p in paths:
        depth = 0 if p == '/' else p.count('/')
        leaf = p.rsplit('/', 1)[-1]
        # Mount units and conmon monitors carry ids but are not containers (make-trees.sh).
        # Everything in a pod counts as the pod's.
        if depth == 0 or POD_RE.search(p) or (ID_RE.search(p) and not leaf.endswith('.mount')
                                              and 'conmon' not in leaf):
            want.add(p)
        elif subtree(p) and (depth <= 1 or limited(p)):
            want.add(p)
    return want


# ---- containers against /proc ----

def proc_facts(root, pid):
    status = read(os.path.join(root, 'proc', pid, 'status')) or ''
    st = dict(line.split(':', 1) for line in status.splitlines() if ':' in line)
    ns = {}
    for t in ('mnt', 'net', 'pid', 'uts', 'ipc', 'user', 'cgroup', 'time'):
        try:
            ns[t] = os.readlink(os.path.join(root, 'proc', pid, 'ns', t))
        except OSError:
            pass
    return {'caps': bin(int(st['CapEff'].strip(), 16)).count('1') if 'CapEff' in st else None,
            'seccomp': int(st['Seccomp'].strip()) if 'Seccomp' in st else None,
            'nnp': int(st['NoNewPrivs'].strip()) if 'NoNewPrivs' in st else None, 'ns': ns}


def containers(path, root):
    fams = load(path)
    info = fams.get('isoscope_container_info', {'samples': []})['samples']
    host = proc_facts(root, '2')['ns']
    problems, checked = [], 0
    for labels, value in info:
        cid = labels['container_id']
        pids = [p for p in os.listdir(os.path.join(root, 'proc')) if p.isdigit()
                and cid in (read(os.path.join(root, 'proc', p, 'cgroup')) or '')]
        facts = [proc_facts(root, p) for p in pids]
        if not facts:
            problems.append('%s: no process of it in %s/proc' % (cid, root))
            continue
        order = {0: 0, 2: 1, 1: 2}  # none, filter, strict: the weakest wins
        want = {
            'capabilities': str(max(f['caps'] for f in facts)),
            'seccomp': ['none', 'filter', 'strict'][min(order[f['seccomp']] for f in facts)],
            'no_new_privs': 'true' if all(f['nnp'] for f in facts) else 'false',
            'host_namespaces': ','.join(t for t in ('mnt', 'net', 'pid', 'uts', 'ipc', 'user', 'cgroup', 'time')
                                        if any(f['ns'].get(t) == host.get(t) for f in facts)) or 'none',
        }
        for k, v in want.items():
            checked += 1
            if labels.get(k) != v:
                problems.append('%s: %s is %r, /proc says %r' % (cid, k, labels.get(k), v))
        caps = [v for l, v in fams['isoscope_container_capabilities']['samples'] if l['container_id'] == cid]
        checked += 1
        if caps != [want['capabilities']]:
            problems.append('%s: isoscope_container_capabilities %s, /proc says %s' % (cid, caps, want['capabilities']))
    print('\n'.join(problems) if problems else 'checked %d' % checked)


def main(argv):
    cmd = argv[1]
    try:
        if cmd == 'lint':
            lint(argv[2], argv[3])
        elif cmd == 'get':
            get(argv[2], argv[3], argv[4:])
        elif cmd == 'labels':
            labels_of(argv[2], argv[3], argv[4])
        elif cmd == 'tree':
            tree(argv[2], argv[3])
        elif cmd == 'containers':
            containers(argv[2], argv[3])
        else:
            sys.exit('unknown command ' + cmd)
    except (ValueError, UnicodeDecodeError) as e:
        print('BAD: %s' % e)


if __name__ == '__main__':
    main(sys.argv)
