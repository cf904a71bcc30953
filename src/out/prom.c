// SPDX-License-Identifier: GPL-2.0-or-later
/* prom.c: the metric families of the model as a descriptor table, and the Prometheus text exposition writer. */
#define _GNU_SOURCE
#include "isoscope/prom.h"
#include "isoscope/cgroup.h"
#include "isoscope/container.h"
#include "isoscope/ns.h"
#include "isoscope/security.h"

#include <stdlib.h>
#include <string.h>

/* ---- the table: every family, its type, unit, help, and where each series' value comes from ---- */

#define G PROM_GAUGE
#define C PROM_COUNTER
/* The first series of a family, and the further series of the same family (other labels). */
#define FAM(name, type, unit, scope, src, dec, labels, help)                                                           \
  {                                                                                                                    \
    name, type, unit, scope, src, dec, labels, help                                                                    \
  }
#define MORE(name, scope, src, dec, labels)                                                                            \
  {                                                                                                                    \
    name, 0, NULL, scope, src, dec, labels, NULL                                                                       \
  }
#define CGFAM(name, type, unit, src, dec, help) FAM (name, type, unit, PSC_CGROUP, src, dec, NULL, help)
#define PSI_TOTAL(R, r)                                                                                                \
  MORE ("isoscope_cgroup_pressure_seconds_total", PSC_CGROUP, CGF_PSI_##R##_SOME_TOTAL, 6,                             \
        "resource=\"" r "\",kind=\"some\""),                                                                           \
      MORE ("isoscope_cgroup_pressure_seconds_total", PSC_CGROUP, CGF_PSI_##R##_FULL_TOTAL, 6,                         \
            "resource=\"" r "\",kind=\"full\"")
#define PSI_AVG(R, r, K, k)                                                                                            \
  MORE ("isoscope_cgroup_pressure_ratio", PSC_CGROUP, CGF_PSI_##R##_##K##_AVG10, 4,                                    \
        "resource=\"" r "\",kind=\"" k "\",window=\"10s\""),                                                           \
      MORE ("isoscope_cgroup_pressure_ratio", PSC_CGROUP, CGF_PSI_##R##_##K##_AVG60, 4,                                \
            "resource=\"" r "\",kind=\"" k "\",window=\"60s\""),                                                       \
      MORE ("isoscope_cgroup_pressure_ratio", PSC_CGROUP, CGF_PSI_##R##_##K##_AVG300, 4,                               \
            "resource=\"" r "\",kind=\"" k "\",window=\"300s\"")

/* clang-format off */
const struct prom_series prom_series[] = {
  /* The host and the scan. */
  FAM ("isoscope_host_info", G, "", PSC_HOST, PV_HOST_INFO, 0, NULL,
       "the host: kernel release and cgroup layout (v1, hybrid, v2) as labels; the value is 1"),
  FAM ("isoscope_scan_timestamp_seconds", G, "seconds", PSC_HOST, PV_SCAN_TIME, 3, NULL,
       "when the scan behind these values started (Unix time)"),
  FAM ("isoscope_scan_cpu_seconds", G, "seconds", PSC_HOST, PV_SCAN_CPU, 6, NULL,
       "CPU time the scan itself took"),
  FAM ("isoscope_scan_vanished_objects", G, "", PSC_HOST, PV_SCAN_VANISHED, 0, NULL,
       "processes and cgroups that disappeared while they were read"),
  FAM ("isoscope_scan_denied_objects", G, "", PSC_HOST, PV_SCAN_DENIED, 0, NULL,
       "processes and cgroups with something isoscope was not allowed to read"),
  FAM ("isoscope_processes", G, "", PSC_HOST, PV_PROCS, 0, NULL, "processes on the host"),
  FAM ("isoscope_containers", G, "", PSC_HOST, PV_CONTAINERS, 0, NULL,
       "containers recognised from cgroup paths"),
  FAM ("isoscope_cgroups", G, "", PSC_HOST, PV_CGROUPS, 0, NULL,
       "cgroups on the host (one per path; v1 hierarchies merged)"),
  FAM ("isoscope_cgroups_exported", G, "", PSC_HOST, PV_CGROUPS_EXPORTED, 0, NULL,
       "cgroups that have series in this exposition (see --all and --depth)"),
  /* Namespaces. */
  FAM ("isoscope_namespaces", G, "", PSC_NS_TYPE, PV_NS_COUNT, 0, NULL,
       "namespaces of each type that processes are in"),
  FAM ("isoscope_processes_outside_host_namespace", G, "", PSC_NS_TYPE, PV_NS_OUTSIDE_HOST, 0, NULL,
       "processes whose namespace of this type is not the host's"),
  /* Cgroups. */
  CGFAM ("isoscope_cgroup_processes", G, "", PV_CG_PROCS, 0, "processes in the cgroup itself (cgroup.procs)"),
  CGFAM ("isoscope_cgroup_threads", G, "", PV_CG_THREADS, 0, "threads in the cgroup itself"),
  CGFAM ("isoscope_cgroup_memory_current_bytes", G, "bytes", CGF_MEMORY_CURRENT, 0,
         "memory in use, page cache included (memory.current; v1 memory.usage_in_bytes)"),
  CGFAM ("isoscope_cgroup_memory_working_set_bytes", G, "bytes", CGF_MEMORY_WORKING_SET, 0,
         "memory in use minus the inactive page cache, as the kubelet counts it"),
  CGFAM ("isoscope_cgroup_memory_max_bytes", G, "bytes", CGF_MEMORY_MAX, 0,
         "hard memory limit, +Inf when none (memory.max; v1 memory.limit_in_bytes)"),
  CGFAM ("isoscope_cgroup_memory_high_bytes", G, "bytes", CGF_MEMORY_HIGH, 0,
         "memory throttling limit, +Inf when none (memory.high)"),
  CGFAM ("isoscope_cgroup_memory_low_bytes", G, "bytes", CGF_MEMORY_LOW, 0, "best-effort memory protection (memory.low)"),
  CGFAM ("isoscope_cgroup_memory_min_bytes", G, "bytes", CGF_MEMORY_MIN, 0, "hard memory protection (memory.min)"),
  CGFAM ("isoscope_cgroup_memory_peak_bytes", G, "bytes", CGF_MEMORY_PEAK, 0,
         "highest memory use seen (memory.peak; v1 memory.max_usage_in_bytes)"),
  CGFAM ("isoscope_cgroup_memory_swap_current_bytes", G, "bytes", CGF_MEMORY_SWAP_CURRENT, 0, "swap in use"),
  CGFAM ("isoscope_cgroup_memory_swap_max_bytes", G, "bytes", CGF_MEMORY_SWAP_MAX, 0, "swap limit, +Inf when none"),
  CGFAM ("isoscope_cgroup_memory_anon_bytes", G, "bytes", CGF_MEMORY_STAT_ANON, 0,
         "anonymous memory (memory.stat anon; v1 total_rss)"),
  CGFAM ("isoscope_cgroup_memory_file_bytes", G, "bytes", CGF_MEMORY_STAT_FILE, 0,
         "page cache (memory.stat file; v1 total_cache)"),
  CGFAM ("isoscope_cgroup_memory_inactive_file_bytes", G, "bytes", CGF_MEMORY_STAT_INACTIVE_FILE, 0,
         "reclaimable page cache (memory.stat inactive_file)"),
  FAM ("isoscope_cgroup_memory_events_total", C, "", PSC_CGROUP, CGF_MEMORY_EVENTS_LOW, 0, "event=\"low\"",
       "memory.events: reclaims under memory.low, throttling over memory.high, hits of memory.max "
       "(v1 memory.failcnt), OOM states"),
  MORE ("isoscope_cgroup_memory_events_total", PSC_CGROUP, CGF_MEMORY_EVENTS_HIGH, 0, "event=\"high\""),
  MORE ("isoscope_cgroup_memory_events_total", PSC_CGROUP, CGF_MEMORY_EVENTS_MAX, 0, "event=\"max\""),
  MORE ("isoscope_cgroup_memory_events_total", PSC_CGROUP, CGF_MEMORY_EVENTS_OOM, 0, "event=\"oom\""),
  CGFAM ("isoscope_cgroup_memory_oom_kills_total", C, "", CGF_MEMORY_EVENTS_OOM_KILL, 0,
         "processes the OOM killer killed (memory.events oom_kill; v1 memory.oom_control)"),
  CGFAM ("isoscope_cgroup_cpu_usage_seconds_total", C, "seconds", CGF_CPU_STAT_USAGE_USEC, 6,
         "CPU time used (cpu.stat usage_usec; v1 cpuacct.usage)"),
  CGFAM ("isoscope_cgroup_cpu_user_seconds_total", C, "seconds", CGF_CPU_STAT_USER_USEC, 6, "CPU time in user mode"),
  CGFAM ("isoscope_cgroup_cpu_system_seconds_total", C, "seconds", CGF_CPU_STAT_SYSTEM_USEC, 6,
         "CPU time in the kernel"),
  CGFAM ("isoscope_cgroup_cpu_periods_total", C, "", CGF_CPU_STAT_NR_PERIODS, 0,
         "CPU quota enforcement periods that elapsed"),
  CGFAM ("isoscope_cgroup_cpu_throttled_periods_total", C, "", CGF_CPU_STAT_NR_THROTTLED, 0,
         "periods in which the cgroup was throttled"),
  CGFAM ("isoscope_cgroup_cpu_throttled_seconds_total", C, "seconds", CGF_CPU_STAT_THROTTLED_USEC, 6,
         "time the cgroup was throttled"),
  CGFAM ("isoscope_cgroup_cpu_quota_seconds", G, "seconds", CGF_CPU_MAX_QUOTA_USEC, 6,
         "CPU time allowed per period, +Inf when none (cpu.max; v1 cpu.cfs_quota_us)"),
  CGFAM ("isoscope_cgroup_cpu_period_seconds", G, "seconds", CGF_CPU_MAX_PERIOD_USEC, 6,
         "the quota's period (cpu.max; v1 cpu.cfs_period_us)"),
  CGFAM ("isoscope_cgroup_cpu_weight", G, "", CGF_CPU_WEIGHT, 0, "relative CPU weight 1-10000 (v1 cpu.shares converted)"),
  CGFAM ("isoscope_cgroup_pids_current", G, "", CGF_PIDS_CURRENT, 0, "tasks in the cgroup and below (pids.current)"),
  CGFAM ("isoscope_cgroup_pids_max", G, "", CGF_PIDS_MAX, 0, "task limit, +Inf when none (pids.max)"),
  CGFAM ("isoscope_cgroup_pids_refused_forks_total", C, "", CGF_PIDS_EVENTS_MAX, 0,
         "forks refused at the task limit (pids.events max)"),
  CGFAM ("isoscope_cgroup_io_read_bytes_total", C, "bytes", CGF_IO_STAT_RBYTES, 0,
         "bytes read, all devices (io.stat; v1 blkio.throttle.io_service_bytes_recursive)"),
  CGFAM ("isoscope_cgroup_io_written_bytes_total", C, "bytes", CGF_IO_STAT_WBYTES, 0, "bytes written, all devices"),
  CGFAM ("isoscope_cgroup_io_reads_total", C, "", CGF_IO_STAT_RIOS, 0, "read operations, all devices"),
  CGFAM ("isoscope_cgroup_io_writes_total", C, "", CGF_IO_STAT_WIOS, 0, "write operations, all devices"),
  CGFAM ("isoscope_cgroup_io_weight", G, "", CGF_IO_WEIGHT, 0, "default IO weight (io.weight; v1 blkio.bfq.weight)"),
  FAM ("isoscope_cgroup_pressure_seconds_total", C, "seconds", PSC_CGROUP, CGF_PSI_CPU_SOME_TOTAL, 6,
       "resource=\"cpu\",kind=\"some\"",
       "pressure stall time: some = at least one task waited on the resource, full = all did (PSI total)"),
  MORE ("isoscope_cgroup_pressure_seconds_total", PSC_CGROUP, CGF_PSI_CPU_FULL_TOTAL, 6,
        "resource=\"cpu\",kind=\"full\""),
  PSI_TOTAL (MEMORY, "memory"),
  PSI_TOTAL (IO, "io"),
  FAM ("isoscope_cgroup_pressure_ratio", G, "ratio", PSC_CGROUP, CGF_PSI_CPU_SOME_AVG10, 4,
       "resource=\"cpu\",kind=\"some\",window=\"10s\"",
       "share of time stalled, the kernel's running averages over 10, 60 and 300 s (PSI avg)"),
  MORE ("isoscope_cgroup_pressure_ratio", PSC_CGROUP, CGF_PSI_CPU_SOME_AVG60, 4,
        "resource=\"cpu\",kind=\"some\",window=\"60s\""),
  MORE ("isoscope_cgroup_pressure_ratio", PSC_CGROUP, CGF_PSI_CPU_SOME_AVG300, 4,
        "resource=\"cpu\",kind=\"some\",window=\"300s\""),
  PSI_AVG (CPU, "cpu", FULL, "full"),
  PSI_AVG (MEMORY, "memory", SOME, "some"),
  PSI_AVG (MEMORY, "memory", FULL, "full"),
  PSI_AVG (IO, "io", SOME, "some"),
  PSI_AVG (IO, "io", FULL, "full"),
  /* Containers. */
  FAM ("isoscope_container_info", G, "", PSC_CONTAINER, PV_CT_INFO, 0, NULL,
       "a container and its isolation as labels (the weakest of its processes); the value is 1"),
  FAM ("isoscope_container_processes", G, "", PSC_CONTAINER, PV_CT_PROCS, 0, NULL,
       "processes in the container's cgroup and below"),
  FAM ("isoscope_container_capabilities", G, "", PSC_CONTAINER, PV_CT_CAPS, 0, NULL,
       "effective capabilities of the container's most privileged process"),
};
/* clang-format on */
const size_t prom_nseries = ARRAY_SIZE (prom_series);

#undef G
#undef C

/* ---- escaping ---- */

/* Length of the valid UTF-8 sequence at S, or 0. */
static size_t
utf8_len (const unsigned char *s)
{
  if (s[0] < 0x80)
    return 1;
  size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;
  for (size_t i = 1; i < n; i++)
    if ((s[i] & 0xc0) != 0x80)
      return 0;
  /* No overlong three- or four-byte forms, no surrogates, nothing past U+10FFFF. */
  if ((n == 3 && s[0] == 0xe0 && s[1] < 0xa0) || (n == 3 && s[0] == 0xed && s[1] >= 0xa0)
      || (n == 4 && s[0] == 0xf0 && s[1] < 0x90) || (n == 4 && s[0] == 0xf4 && s[1] >= 0x90))
    return 0;
  return n;
}

void
prom_escape_label (struct strbuf *out, const char *value)
{
  const unsigned char *s = (const unsigned char *)value;
  while (*s)
    {
      size_t n = utf8_len (s);
      if (n == 0)
        {
          strbuf_puts (out, "\xef\xbf\xbd");
          s++;
          continue;
        }
      if (*s == '\\')
        strbuf_puts (out, "\\\\");
      else if (*s == '"')
        strbuf_puts (out, "\\\"");
      else if (*s == '\n')
        strbuf_puts (out, "\\n");
      else
        strbuf_add (out, (const char *)s, n);
      s += n;
    }
}

/* A label pair name="value" after a separator when LABELS holds one already. */
static void
add_label (struct strbuf *labels, const char *name, const char *value)
{
  strbuf_printf (labels, "%s%s=\"", labels->len ? "," : "", name);
  prom_escape_label (labels, value);
  strbuf_puts (labels, "\"");
}

/* ---- values ---- */

/* V / 10^DECIMALS in decimal, exactly, without trailing zeros (no floating point, no locale). */
static void
put_number (struct strbuf *b, uint64_t v, int decimals)
{
  uint64_t p = 1;
  for (int i = 0; i < decimals; i++)
    p *= 10;
  strbuf_printf (b, "%llu", (unsigned long long)(v / p));
  uint64_t frac = v % p;
  if (!frac)
    return;
  char digits[24] = { 0 };
  size_t n = (size_t)decimals < sizeof digits ? (size_t)decimals : sizeof digits - 1;
  for (size_t i = n; i-- > 0; frac /= 10)
    digits[i] = (char)('0' + frac % 10);
  while (n > 0 && digits[n - 1] == '0')
    n--;
  strbuf_printf (b, ".%.*s", (int)n, digits);
}

/* ---- rendering ---- */

/* A container with what its processes say about its isolation. */
struct prom_ct
{
  const struct iso_container *c;
  const char *cgroup;
  unsigned host_ns, ns_known; /* bit per namespace type */
  int caps;                   /* most effective capabilities of a process, -1 unknown */
  int seccomp;                /* weakest: 0 none, 1 filter, 2 strict, -1 unknown */
  int nnp;                    /* 1 when every process has it, 0 when one has not, -1 unknown */
  int nprocs;
};

struct prom_ctx
{
  struct strbuf *out;
  const struct iso_model *m;
  const struct cg_rows *rows;
  const struct cg_row **sel; /* the exported cgroups */
  size_t nsel;
  struct prom_ct *cts;
  size_t ncts;
  const struct prom_series *fam; /* the family being written */
  bool header_done;
  struct strbuf labels; /* scratch */
};

static void
sample (struct prom_ctx *c, const char *ident, const char *extra, const struct cg_val *v, int decimals)
{
  if (v->state == CGV_ABSENT)
    return;
  if (!c->header_done)
    {
      strbuf_printf (c->out, "# HELP %s %s\n# TYPE %s %s\n", c->fam->name, c->fam->help, c->fam->name,
                     c->fam->type == PROM_COUNTER ? "counter" : "gauge");
      c->header_done = true;
    }
  strbuf_puts (c->out, c->fam->name);
  bool a = ident && *ident, b = extra && *extra;
  if (a || b)
    strbuf_printf (c->out, "{%s%s%s}", a ? ident : "", a && b ? "," : "", b ? extra : "");
  strbuf_puts (c->out, " ");
  if (v->state == CGV_MAX)
    strbuf_puts (c->out, "+Inf");
  else
    put_number (c->out, v->v, decimals);
  strbuf_puts (c->out, "\n");
}

static struct cg_val
set_val (uint64_t v)
{
  return (struct cg_val){ .state = CGV_SET, .v = v };
}

static bool
row_has_limit (const struct cg_row *r)
{
  static const int limits[] = { CGF_MEMORY_MAX, CGF_MEMORY_HIGH, CGF_PIDS_MAX, CGF_CPU_MAX_QUOTA_USEC };
  for (size_t i = 0; i < ARRAY_SIZE (limits); i++)
    if (r->f[limits[i]].state == CGV_SET)
      return true;
  return false;
}

static bool
row_selected (const struct cg_row *r, const struct prom_opts *o)
{
  if (o->depth >= 0 && r->depth > o->depth)
    return false;
  if (o->all || r->depth == 0 || r->has_container || r->container.pod_uid[0])
    return true;
  if (r->subtree_procs == 0)
    return false;
  return r->depth <= 1 || row_has_limit (r);
}

static void
put_host (struct prom_ctx *c, const struct prom_series *s)
{
  const struct iso_scan *sc = &c->m->scan;
  struct cg_val v = { 0 };
  switch (s->src)
    {
    case PV_HOST_INFO:
      c->labels.len = 0;
      add_label (&c->labels, "kernel", sc->kernel);
      add_label (&c->labels, "cgroup_mode", c->rows && c->rows->t ? cg_mode_name (c->rows->t->mode) : "none");
      sample (c, c->labels.s, NULL, &(struct cg_val){ .state = CGV_SET, .v = 1 }, 0);
      return;
    case PV_SCAN_TIME:
      v = set_val ((uint64_t)sc->time.tv_sec * 1000 + (uint64_t)sc->time.tv_nsec / 1000000);
      break;
    case PV_SCAN_CPU:
      v = set_val ((uint64_t)(sc->cpu_seconds * 1e6 + 0.5));
      break;
    case PV_SCAN_VANISHED:
      v = set_val (sc->nvanished + (c->rows && c->rows->t ? c->rows->t->nvanished : 0));
      break;
    case PV_SCAN_DENIED:
      v = set_val (sc->ndenied + (c->rows && c->rows->t ? c->rows->t->ndenied : 0));
      break;
    case PV_PROCS:
      v = set_val (c->m->nprocs);
      break;
    case PV_CONTAINERS:
      v = set_val (c->ncts);
      break;
    case PV_CGROUPS:
      if (c->rows && c->rows->t)
        v = set_val (c->rows->nrows);
      break;
    case PV_CGROUPS_EXPORTED:
      if (c->rows && c->rows->t)
        v = set_val (c->nsel);
      break;
    default:
      break;
    }
  sample (c, NULL, s->labels, &v, s->decimals);
}

static void
put_ns_types (struct prom_ctx *c, const struct prom_series *s)
{
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    {
      uint64_t n = 0;
      if (s->src == PV_NS_COUNT)
        {
          for (size_t i = 0; i < c->m->nns; i++)
            n += c->m->ns[i]->type == (enum ns_type)t;
        }
      else
        {
          uint64_t host = iso_model_host_ns (c->m, (enum ns_type)t);
          for (size_t i = 0; i < c->m->nprocs; i++)
            {
              const struct iso_ns *ns = c->m->procs[i]->ns[t];
              n += ns && ns->ino != host;
            }
        }
      c->labels.len = 0;
      add_label (&c->labels, "type", ns_types[t].name);
      sample (c, c->labels.s, s->labels, &(struct cg_val){ .state = CGV_SET, .v = n }, 0);
    }
}

static void
put_cgroups (struct prom_ctx *c, const struct prom_series *s)
{
  for (size_t i = 0; i < c->nsel; i++)
    {
      const struct cg_row *r = c->sel[i];
      struct cg_val v = { 0 };
      if (s->src == PV_CG_PROCS)
        v = r->nprocs >= 0 ? set_val ((uint64_t)r->nprocs) : v;
      else if (s->src == PV_CG_THREADS)
        v = r->nthreads >= 0 ? set_val ((uint64_t)r->nthreads) : v;
      else if (s->src >= 0 && s->src < CGF_COUNT)
        v = r->f[s->src];
      if (v.state == CGV_ABSENT)
        continue;
      c->labels.len = 0;
      add_label (&c->labels, "cgroup", r->path);
      sample (c, c->labels.s, s->labels, &v, s->decimals);
    }
}

static void
ct_info_labels (struct strbuf *l, const struct prom_ct *ct)
{
  static const char *const seccomp[] = { "none", "filter", "strict" };
  add_label (l, "cgroup", ct->cgroup);
  add_label (l, "pod_uid", ct->c->pod_uid);
  add_label (l, "qos", ct->c->qos);
  struct strbuf ns = { 0 };
  strbuf_puts (&ns, ct->ns_known ? "" : "unknown");
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    if (ct->host_ns & (1u << t))
      strbuf_printf (&ns, "%s%s", ns.len ? "," : "", ns_types[t].name);
  add_label (l, "host_namespaces", ns.len ? ns.s : "none");
  free (ns.s);
  char caps[16];
  snprintf (caps, sizeof caps, "%d", ct->caps);
  add_label (l, "capabilities", ct->caps >= 0 ? caps : "unknown");
  add_label (l, "seccomp", ct->seccomp >= 0 ? seccomp[ct->seccomp] : "unknown");
  add_label (l, "no_new_privs", ct->nnp < 0 ? "unknown" : ct->nnp ? "true" : "false");
}

static void
put_containers (struct prom_ctx *c, const struct prom_series *s)
{
  for (size_t i = 0; i < c->ncts; i++)
    {
      const struct prom_ct *ct = &c->cts[i];
      struct cg_val v = { 0 };
      c->labels.len = 0;
      add_label (&c->labels, "container_id", ct->c->id);
      add_label (&c->labels, "engine", ct->c->engine);
      if (s->src == PV_CT_INFO)
        {
          ct_info_labels (&c->labels, ct);
          v = set_val (1);
        }
      else if (s->src == PV_CT_PROCS)
        {
          /* The kernel's count in the container's cgroup subtree; without one, the
             processes /proc showed in it. */
          const struct cg_row *r = c->rows ? cg_rows_find (c->rows, ct->cgroup) : NULL;
          v = set_val ((uint64_t)(r && r->subtree_procs >= ct->nprocs ? r->subtree_procs : ct->nprocs));
        }
      else if (s->src == PV_CT_CAPS && ct->caps >= 0)
        v = set_val ((uint64_t)ct->caps);
      sample (c, c->labels.s, s->labels, &v, s->decimals);
    }
}

static int
cmp_ct (const void *a, const void *b)
{
  const struct prom_ct *x = a, *y = b;
  int r = strcmp (x->c->engine, y->c->engine);
  return r ? r : strcmp (x->c->id, y->c->id);
}

static struct prom_ct *
ct_find (struct prom_ctx *c, const struct iso_container *k)
{
  for (size_t i = 0; i < c->ncts; i++)
    if (strcmp (c->cts[i].c->id, k->id) == 0 && strcmp (c->cts[i].c->engine, k->engine) == 0)
      return &c->cts[i];
  return NULL;
}

static struct prom_ct *
ct_add (struct prom_ctx *c, const struct iso_container *k)
{
  struct prom_ct *ct = ct_find (c, k);
  if (ct)
    return ct;
  c->cts = xreallocarray (c->cts, c->ncts + 1, sizeof *c->cts);
  ct = &c->cts[c->ncts++];
  *ct = (struct prom_ct){ .c = k, .cgroup = k->cgroup, .caps = -1, .seccomp = -1, .nnp = -1 };
  return ct;
}

/* Every container of the model with the weakest isolation among its processes, then those
   only the cgroup tree knows of (no process of theirs is visible). */
static void
collect_containers (struct prom_ctx *c)
{
  static const int strength[] = { [0] = 0, [1] = 2, [2] = 1 }; /* seccomp mode: none, strict, filter */
  uint64_t host[NS_TYPE_COUNT];
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    host[t] = iso_model_host_ns (c->m, (enum ns_type)t);
  for (size_t i = 0; i < c->m->ncontainers; i++)
    ct_add (c, c->m->containers[i]);
  for (size_t i = 0; i < c->m->nprocs; i++)
    {
      const struct iso_proc *p = c->m->procs[i];
      if (!p->container)
        continue;
      struct prom_ct *ct = ct_add (c, p->container);
      ct->nprocs++;
      for (int t = 0; t < NS_TYPE_COUNT; t++)
        if (p->ns[t])
          {
            ct->ns_known |= 1u << t;
            if (p->ns[t]->ino == host[t])
              ct->host_ns |= 1u << t;
          }
      if (p->caps_known && sec_cap_count (p->cap_eff) > ct->caps)
        ct->caps = sec_cap_count (p->cap_eff);
      if (p->seccomp >= 0 && p->seccomp <= 2 && (ct->seccomp < 0 || strength[p->seccomp] < ct->seccomp))
        ct->seccomp = strength[p->seccomp];
      if (p->no_new_privs >= 0)
        ct->nnp = ct->nnp < 0 ? p->no_new_privs != 0 : ct->nnp && p->no_new_privs;
    }
  /* The cgroup label is the shortest path of the tree that names the container (its own
     cgroup, not a child of it), so that it joins with the cgroup series: /proc/PID/cgroup
     may show paths relative to the reader's cgroup namespace ("/../.."), the tree does not. */
  bool *from_tree = xcalloc (c->ncts + (c->rows ? c->rows->nrows : 0) + 1, sizeof *from_tree);
  for (size_t i = 0; c->rows && i < c->rows->nrows; i++)
    if (c->rows->rows[i]->has_container)
      {
        struct prom_ct *ct = ct_add (c, &c->rows->rows[i]->container);
        if (!from_tree[ct - c->cts])
          ct->cgroup = c->rows->rows[i]->path;
        from_tree[ct - c->cts] = true;
      }
  free (from_tree);
  if (c->ncts)
    qsort (c->cts, c->ncts, sizeof *c->cts, cmp_ct);
}

void
prom_render (struct strbuf *out, const struct iso_model *m, const struct cg_rows *rows, const struct prom_opts *o)
{
  struct prom_ctx c = { .out = out, .m = m, .rows = rows && rows->t ? rows : NULL };
  strbuf_puts (out, "");
  if (c.rows)
    {
      c.sel = xcalloc (rows->nrows ? rows->nrows : 1, sizeof *c.sel);
      for (size_t i = 0; i < rows->nrows; i++)
        if (row_selected (rows->rows[i], o))
          c.sel[c.nsel++] = rows->rows[i];
    }
  collect_containers (&c);
  strbuf_puts (&c.labels, "");
  for (size_t i = 0; i < prom_nseries; i++)
    {
      const struct prom_series *s = &prom_series[i];
      if (s->help)
        {
          c.fam = s;
          c.header_done = false;
        }
      switch (s->scope)
        {
        case PSC_HOST:
          put_host (&c, s);
          break;
        case PSC_NS_TYPE:
          put_ns_types (&c, s);
          break;
        case PSC_CGROUP:
          put_cgroups (&c, s);
          break;
        case PSC_CONTAINER:
          put_containers (&c, s);
          break;
        }
    }
  free (c.labels.s);
  free (c.sel);
  free (c.cts);
}

void
prom_list_families (FILE *out)
{
  for (size_t i = 0; i < prom_nseries; i++)
    if (prom_series[i].help)
      fprintf (out, "%s %s %s %s\n", prom_series[i].name, prom_series[i].type == PROM_COUNTER ? "counter" : "gauge",
               *prom_series[i].unit ? prom_series[i].unit : "-", prom_series[i].help);
}
