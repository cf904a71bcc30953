// SPDX-License-Identifier: GPL-2.0-or-later
/* cgroups.c: `isoscope cgroups`, the cgroup tree or table with limits, usage, rates, pressure and containers. */
#define _GNU_SOURCE
#include "isoscope/cgroup.h"
#include "isoscope/cgrows.h"
#include "isoscope/cli.h"
#include "isoscope/container.h"
#include "isoscope/error.h"
#include "isoscope/util.h"

#include <cJSON.h>
#include <errno.h>
#include <libsmartcols.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- columns: the summary ones, then every kernel field by its JSON name ---- */

enum cg_col
{
  CC_PATH,
  CC_CONTAINER,
  CC_TASKS,
  CC_THREADS,
  CC_CPU,
  CC_CPUQ,
  CC_MEM,
  CC_WSET,
  CC_MEMMAX,
  CC_PIDS,
  CC_PIDSMAX,
  CC_THROTTLED,
  CC_PSICPU,
  CC_PSIMEM,
  CC_PSIIO,
  CC_OOMKILL,
  CC_IORD,
  CC_IOWR,
  CC_CPUSET,
  CC_FROZEN,
  CC_FIELD0 /* then one per cg_field */
};
#define CC_COUNT (CC_FIELD0 + CGF_COUNT)

struct cc_info
{
  const char *name;
  double whint;
  int flags;
  const char *help;
};

static const struct cc_info cc_summary[CC_FIELD0] = {
  [CC_PATH] = { "PATH", 0.3, SCOLS_FL_TREE | SCOLS_FL_NOEXTREMES, "cgroup path" },
  [CC_CONTAINER] = { "CONTAINER", 0.1, SCOLS_FL_TRUNC, "container engine:short id (or pod) from the path" },
  [CC_TASKS] = { "TASKS", 4, SCOLS_FL_RIGHT, "processes in the cgroup (cgroup.procs)" },
  [CC_THREADS] = { "THREADS", 4, SCOLS_FL_RIGHT, "threads in the cgroup" },
  [CC_CPU] = { "CPU%", 5, SCOLS_FL_RIGHT, "CPU use over --interval, 100 = one CPU" },
  [CC_CPUQ] = { "CPUQ%", 5, SCOLS_FL_RIGHT, "CPU use as a share of the cgroup's CPU quota" },
  [CC_MEM] = { "MEM", 6, SCOLS_FL_RIGHT, "memory in use, page cache included" },
  [CC_WSET] = { "WSET", 6, SCOLS_FL_RIGHT, "working set: memory in use minus inactive page cache" },
  [CC_MEMMAX] = { "MEMMAX", 6, SCOLS_FL_RIGHT, "memory limit" },
  [CC_PIDS] = { "PIDS", 4, SCOLS_FL_RIGHT, "tasks counted by the pids controller" },
  [CC_PIDSMAX] = { "PIDSMAX", 4, SCOLS_FL_RIGHT, "task limit" },
  [CC_THROTTLED] = { "THR%", 4, SCOLS_FL_RIGHT, "share of CPU periods throttled over --interval" },
  [CC_PSICPU] = { "PSI-CPU", 5, SCOLS_FL_RIGHT, "CPU pressure, some, avg10 (%)" },
  [CC_PSIMEM] = { "PSI-MEM", 5, SCOLS_FL_RIGHT, "memory pressure, some, avg10 (%)" },
  [CC_PSIIO] = { "PSI-IO", 5, SCOLS_FL_RIGHT, "IO pressure, some, avg10 (%)" },
  [CC_OOMKILL] = { "OOMKILL", 4, SCOLS_FL_RIGHT, "processes killed by the OOM killer" },
  [CC_IORD] = { "IO-RD/S", 6, SCOLS_FL_RIGHT, "bytes read per second over --interval" },
  [CC_IOWR] = { "IO-WR/S", 6, SCOLS_FL_RIGHT, "bytes written per second over --interval" },
  [CC_CPUSET] = { "CPUSET", 4, 0, "effective CPUs" },
  [CC_FROZEN] = { "FROZEN", 3, 0, "frozen (yes/no)" },
};

static const char *
cc_name (int col)
{
  return col < CC_FIELD0 ? cc_summary[col].name : cg_fields[col - CC_FIELD0].json;
}

static int
cc_by_name (const char *name, size_t len)
{
  for (int i = 0; i < CC_COUNT; i++)
    if (strlen (cc_name (i)) == len && strncasecmp (cc_name (i), name, len) == 0)
      return i;
  return -1;
}

enum
{
  OPT_DEPTH = OPT_GLOBAL_END,
  OPT_INTERVAL,
  OPT_CONTROLLER,
  OPT_BYTES,
};

const struct cli_opt cgroups_opts[] = {
  { "list", 'l', no_argument, NULL, "flat table instead of a tree" },
  { "json", 'J', no_argument, NULL, "JSON output (every field, rates with --interval)" },
  { "output", 'o', required_argument, "<list>", "choose the columns (+LIST adds to the default ones)" },
  { "list-columns", 'H', no_argument, NULL, "describe every column and its JSON type" },
  { "noheadings", 'n', no_argument, NULL, "leave out the header line" },
  { "raw", 'r', no_argument, NULL, "unaligned output, cells separated by one space" },
  { "all", 'a', no_argument, NULL, "include cgroups without processes in their subtree" },
  { "depth", OPT_DEPTH, required_argument, "<n>", "show cgroups at most N levels below the root" },
  { "controller", OPT_CONTROLLER, required_argument, "<name>",
    "only the hierarchy of this controller (memory, cpu, pids...)" },
  { "interval", OPT_INTERVAL, required_argument, "<seconds>", "take two samples this far apart and show rates" },
  { "bytes", 'b', no_argument, NULL, "print sizes in bytes" },
  { NULL, 0, 0, NULL, NULL },
};

static void
usage (FILE *out)
{
  fputs ("Usage:\n isoscope cgroups [options] [<path>]\n\n"
         "Show the cgroup tree with limits, usage, pressure and the containers found in it.\n"
         "On v1 and hybrid hosts every controller hierarchy is read and rows with the same\n"
         "path are merged.  <path> limits the output to that subtree.\n",
         out);
  cli_print_options (out, cgroups_opts);
  fputs ("\nAvailable output columns (the lower-case ones are the kernel's values):\n", out);
  for (int i = 0; i < CC_COUNT; i++)
    fprintf (out, " %26s  %s\n", cc_name (i), i < CC_FIELD0 ? cc_summary[i].help : cg_fields[i - CC_FIELD0].help);
  fputs ("\nExit status: 0 success, 1 bad usage or failure, 2 the path was not found.\n"
         "For more details see isoscope-cgroups(1).\n",
         out);
}

/* ---- output ---- */

struct cg_ctx
{
  int cols[CC_COUNT * 2];
  size_t ncols;
  bool list, json, raw, noheadings, all, bytes, interval_set;
  int depth; /* -1: no limit */
  const char *subtree;
  const char *controller;
  double interval;
};

static char *
human_bytes (uint64_t v, bool raw)
{
  if (raw)
    return xasprintf ("%llu", (unsigned long long)v);
  static const char units[] = "BKMGTPE";
  double d = (double)v;
  int u = 0;
  while (d >= 1024 && u < 6)
    {
      d /= 1024;
      u++;
    }
  if (u == 0)
    return xasprintf ("%lluB", (unsigned long long)v);
  return xasprintf (d < 10 ? "%.1f%c" : "%.0f%c", d, units[u]);
}

static char *
val_text (const struct cg_val *v, enum cg_unit unit, bool raw)
{
  if (v->state == CGV_ABSENT)
    return xstrdup ("-");
  if (v->state == CGV_MAX)
    return xstrdup ("max");
  if (v->is_float || unit == CGU_PERCENT)
    return xasprintf ("%llu.%02llu", (unsigned long long)(v->v / 100), (unsigned long long)(v->v % 100));
  if (unit == CGU_BYTES)
    return human_bytes (v->v, raw);
  return xasprintf ("%llu", (unsigned long long)v->v);
}

static char *
cell (const struct cg_ctx *c, const struct cg_row *r, int col)
{
  if (col >= CC_FIELD0)
    {
      const struct cg_field_info *fi = &cg_fields[col - CC_FIELD0];
      return val_text (&r->f[col - CC_FIELD0], fi->unit, c->bytes || c->raw);
    }
  switch ((enum cg_col)col)
    {
    case CC_PATH:
      {
        if (c->list || !r->parent || !r->parent->out)
          return xstrdup (r->path);
        const char *base = strrchr (r->path, '/');
        return xstrdup (base && base[1] ? base + 1 : r->path);
      }
    case CC_CONTAINER:
      if (r->has_container)
        return xasprintf ("%s:%s", r->container.engine, r->container.short_id);
      if (r->container.pod_uid[0])
        return xasprintf ("pod:%.8s", r->container.pod_uid);
      return NULL;
    case CC_TASKS:
      return r->nprocs >= 0 ? xasprintf ("%d", r->nprocs) : xstrdup ("-");
    case CC_THREADS:
      return r->nthreads >= 0 ? xasprintf ("%d", r->nthreads) : xstrdup ("-");
    case CC_CPU:
      return r->has_rates ? xasprintf ("%.1f", r->cpu_pct) : xstrdup ("-");
    case CC_CPUQ:
      return r->cpu_quota_known ? xasprintf ("%.1f", r->cpu_quota_pct) : xstrdup ("-");
    case CC_MEM:
      return val_text (&r->f[CGF_MEMORY_CURRENT], CGU_BYTES, c->bytes || c->raw);
    case CC_WSET:
      return val_text (&r->f[CGF_MEMORY_WORKING_SET], CGU_BYTES, c->bytes || c->raw);
    case CC_MEMMAX:
      return val_text (&r->f[CGF_MEMORY_MAX], CGU_BYTES, c->bytes || c->raw);
    case CC_PIDS:
      return val_text (&r->f[CGF_PIDS_CURRENT], CGU_COUNT, true);
    case CC_PIDSMAX:
      return val_text (&r->f[CGF_PIDS_MAX], CGU_COUNT, true);
    case CC_THROTTLED:
      return r->throttled_known ? xasprintf ("%.1f", r->throttled_pct) : xstrdup ("-");
    case CC_PSICPU:
      return val_text (&r->f[CGF_PSI_CPU_SOME_AVG10], CGU_PERCENT, true);
    case CC_PSIMEM:
      return val_text (&r->f[CGF_PSI_MEMORY_SOME_AVG10], CGU_PERCENT, true);
    case CC_PSIIO:
      return val_text (&r->f[CGF_PSI_IO_SOME_AVG10], CGU_PERCENT, true);
    case CC_OOMKILL:
      return val_text (&r->f[CGF_MEMORY_EVENTS_OOM_KILL], CGU_COUNT, true);
    case CC_IORD:
      return r->io_known ? human_bytes ((uint64_t)llround (r->io_rbps), c->bytes || c->raw) : xstrdup ("-");
    case CC_IOWR:
      return r->io_known ? human_bytes ((uint64_t)llround (r->io_wbps), c->bytes || c->raw) : xstrdup ("-");
    case CC_CPUSET:
      return xstrdup (r->cpuset_cpus ? r->cpuset_cpus : "-");
    case CC_FROZEN:
      return xstrdup (r->frozen < 0 ? "-" : r->frozen ? "yes" : "no");
    case CC_FIELD0:
      break;
    }
  return NULL;
}

static int
row_depth (const struct cg_row *r)
{
  if (strcmp (r->path, "/") == 0)
    return 0;
  int d = 0;
  for (const char *s = r->path; *s; s++)
    d += *s == '/';
  return d;
}

static bool
row_shown (const struct cg_ctx *c, const struct cg_row *r, const char *subtree)
{
  if (subtree && strcmp (subtree, "/") != 0)
    {
      size_t n = strlen (subtree);
      if (strncmp (r->path, subtree, n) != 0 || (r->path[n] != '/' && r->path[n] != '\0'))
        return false;
    }
  if (c->depth >= 0
      && row_depth (r)
                 - (subtree && strcmp (subtree, "/") ? row_depth (&(struct cg_row){ .path = (char *)subtree }) : 0)
             > c->depth)
    return false;
  if (!c->all && r->subtree_procs == 0 && strcmp (r->path, "/") != 0 && !(subtree && strcmp (r->path, subtree) == 0))
    return false;
  return true;
}

static void
json_u64 (cJSON *o, const char *key, uint64_t v)
{
  char buf[32];
  snprintf (buf, sizeof buf, "%llu", (unsigned long long)v);
  cJSON_AddItemToObject (o, key, cJSON_CreateRaw (buf));
}

static void
json_double (cJSON *o, const char *key, double v)
{
  char buf[48];
  snprintf (buf, sizeof buf, "%.2f", v);
  cJSON_AddItemToObject (o, key, cJSON_CreateRaw (buf));
}

static cJSON *
row_json (const struct cg_rows *v, const struct cg_row *r)
{
  cJSON *o = cJSON_CreateObject ();
  cJSON_AddStringToObject (o, "path", r->path);
  cJSON *hier = cJSON_AddArrayToObject (o, "hierarchies");
  for (size_t i = 0; i < v->t->nh; i++)
    if (r->per_h[i])
      {
        cJSON *h = cJSON_CreateObject ();
        cJSON_AddStringToObject (h, "name", v->t->h[i].v2 ? "cgroup2" : v->t->h[i].controllers);
        json_u64 (h, "inode", r->per_h[i]->ino);
        cJSON_AddItemToArray (hier, h);
      }
  if (r->has_container || r->container.pod_uid[0])
    {
      cJSON *ct = cJSON_AddObjectToObject (o, "container");
      if (r->has_container)
        {
          cJSON_AddStringToObject (ct, "engine", r->container.engine);
          cJSON_AddStringToObject (ct, "id", r->container.id);
          cJSON_AddStringToObject (ct, "short_id", r->container.short_id);
        }
      if (r->container.pod_uid[0])
        {
          cJSON_AddStringToObject (ct, "pod_uid", r->container.pod_uid);
          cJSON_AddStringToObject (ct, "qos", r->container.qos);
        }
    }
  if (r->nprocs >= 0)
    cJSON_AddNumberToObject (o, "tasks", r->nprocs);
  if (r->nthreads >= 0)
    cJSON_AddNumberToObject (o, "threads", r->nthreads);
  if (r->populated >= 0)
    cJSON_AddBoolToObject (o, "populated", r->populated);
  if (r->frozen >= 0)
    cJSON_AddBoolToObject (o, "frozen", r->frozen);
  if (r->cpuset_cpus)
    cJSON_AddStringToObject (o, "cpuset_cpus_effective", r->cpuset_cpus);
  if (r->iodev_of)
    {
      /* Per block device: io.stat totals and io.max limits (null: no limit). */
      cJSON *devs = cJSON_AddArrayToObject (o, "io_devices");
      for (size_t i = 0; i < r->iodev_of->niodev; i++)
        {
          const struct cg_iodev *d = &r->iodev_of->iodev[i];
          cJSON *dj = cJSON_CreateObject ();
          char name[24];
          snprintf (name, sizeof name, "%u:%u", d->major, d->minor);
          cJSON_AddStringToObject (dj, "device", name);
          for (int k = 0; k < CGIO_COUNT; k++)
            if (d->v[k].state == CGV_MAX)
              cJSON_AddNullToObject (dj, cg_iodev_names[k]);
            else if (d->v[k].state == CGV_SET)
              json_u64 (dj, cg_iodev_names[k], d->v[k].v);
          cJSON_AddItemToArray (devs, dj);
        }
    }
  for (int f = 0; f < CGF_COUNT; f++)
    {
      const struct cg_val *val = &r->f[f];
      if (val->state == CGV_ABSENT)
        continue;
      if (val->state == CGV_MAX)
        cJSON_AddNullToObject (o, cg_fields[f].json);
      else if (val->is_float)
        json_double (o, cg_fields[f].json, (double)val->v / 100.0);
      else
        json_u64 (o, cg_fields[f].json, val->v);
    }
  if (r->recreated)
    cJSON_AddBoolToObject (o, "recreated", 1);
  if (r->has_rates)
    {
      json_double (o, "cpu_percent", r->cpu_pct);
      if (r->cpu_quota_known)
        json_double (o, "cpu_quota_percent", r->cpu_quota_pct);
    }
  if (r->throttled_known)
    json_double (o, "throttled_percent", r->throttled_pct);
  if (r->io_known)
    {
      json_double (o, "io_rbytes_per_sec", r->io_rbps);
      json_double (o, "io_wbytes_per_sec", r->io_wbps);
    }
  if (r->oom_delta_known)
    json_u64 (o, "memory_events_oom_kill_delta", r->oom_kill_delta);
  if (r->errors)
    {
      cJSON *e = cJSON_AddArrayToObject (o, "errors");
      if (r->errors & CGERR_DENIED)
        cJSON_AddItemToArray (e, cJSON_CreateString ("denied"));
      if (r->errors & CGERR_VANISHED)
        cJSON_AddItemToArray (e, cJSON_CreateString ("vanished"));
      if (r->errors & CGERR_THREADED)
        cJSON_AddItemToArray (e, cJSON_CreateString ("threaded"));
    }
  return o;
}

static int
print_json (const struct cg_ctx *c, struct cg_rows *v, const char *subtree)
{
  cJSON *doc = cJSON_CreateObject ();
  cJSON_AddStringToObject (doc, "mode", cg_mode_name (v->t->mode));
  if (c->interval_set)
    json_double (doc, "interval", c->interval);
  cJSON *arr = cJSON_AddArrayToObject (doc, "cgroups");
  for (size_t i = 0; i < v->nrows; i++)
    {
      struct cg_row *r = v->rows[i];
      if (!row_shown (c, r, subtree))
        continue;
      cJSON *json = row_json (v, r);
      r->out = json;
      cJSON *parent = !c->list && r->parent && r->parent->out ? (cJSON *)r->parent->out : NULL;
      if (parent)
        {
          cJSON *kids = cJSON_GetObjectItem (parent, "children");
          if (!kids)
            kids = cJSON_AddArrayToObject (parent, "children");
          cJSON_AddItemToArray (kids, json);
        }
      else
        cJSON_AddItemToArray (arr, json);
    }
  char *s = cJSON_Print (doc);
  puts (s);
  free (s);
  cJSON_Delete (doc);
  return 0;
}

static int
print_table (const struct cg_ctx *c, struct cg_rows *v, const char *subtree)
{
  struct libscols_table *tb = scols_new_table ();
  if (!tb)
    return -ENOMEM;
  scols_table_enable_raw (tb, c->raw);
  scols_table_enable_noheadings (tb, c->noheadings);
  for (size_t i = 0; i < c->ncols; i++)
    {
      int col = c->cols[i];
      double whint = col < CC_FIELD0 ? cc_summary[col].whint : 6;
      int flags = col < CC_FIELD0 ? cc_summary[col].flags : SCOLS_FL_RIGHT;
      if (c->list || col != CC_PATH)
        flags &= ~SCOLS_FL_TREE;
      if (!scols_table_new_column (tb, cc_name (col), whint, flags))
        {
          scols_unref_table (tb);
          return -ENOMEM;
        }
    }
  for (size_t i = 0; i < v->nrows; i++)
    {
      struct cg_row *r = v->rows[i];
      if (!row_shown (c, r, subtree))
        continue;
      struct libscols_line *parent = !c->list && r->parent ? (struct libscols_line *)r->parent->out : NULL;
      struct libscols_line *line = scols_table_new_line (tb, parent);
      r->out = line;
      if (!line)
        continue;
      for (size_t k = 0; k < c->ncols; k++)
        {
          char *s = cell (c, r, c->cols[k]);
          if (s)
            scols_line_refer_data (line, k, s);
        }
    }
  scols_print_table (tb);
  scols_unref_table (tb);
  return 0;
}

static int
parse_columns (struct cg_ctx *c, const char *arg, iso_error_t *err)
{
  if (*arg == '+')
    arg++;
  else
    c->ncols = 0;
  while (*arg)
    {
      size_t len = strcspn (arg, ",");
      int id = cc_by_name (arg, len);
      if (id < 0)
        return iso_make_error (err, 0, "unknown column: %.*s", (int)len, arg);
      if (c->ncols >= ARRAY_SIZE (c->cols))
        return iso_make_error (err, 0, "too many columns");
      c->cols[c->ncols++] = id;
      arg += len;
      if (*arg == ',')
        arg++;
    }
  return 0;
}

/* The kernel fields the selected table columns need (JSON wants every one: 0). */
static uint64_t
columns_fields (const struct cg_ctx *c)
{
  static const struct
  {
    int col;
    uint64_t fields;
  } need[] = {
    { CC_CPU, 1ULL << CGF_CPU_STAT_USAGE_USEC },
    { CC_CPUQ,
      (1ULL << CGF_CPU_STAT_USAGE_USEC) | (1ULL << CGF_CPU_MAX_QUOTA_USEC) | (1ULL << CGF_CPU_MAX_PERIOD_USEC) },
    { CC_MEM, 1ULL << CGF_MEMORY_CURRENT },
    { CC_WSET, 1ULL << CGF_MEMORY_WORKING_SET },
    { CC_MEMMAX, 1ULL << CGF_MEMORY_MAX },
    { CC_PIDS, 1ULL << CGF_PIDS_CURRENT },
    { CC_PIDSMAX, 1ULL << CGF_PIDS_MAX },
    { CC_THROTTLED, (1ULL << CGF_CPU_STAT_NR_PERIODS) | (1ULL << CGF_CPU_STAT_NR_THROTTLED) },
    { CC_PSICPU, 1ULL << CGF_PSI_CPU_SOME_AVG10 },
    { CC_PSIMEM, 1ULL << CGF_PSI_MEMORY_SOME_AVG10 },
    { CC_PSIIO, 1ULL << CGF_PSI_IO_SOME_AVG10 },
    { CC_OOMKILL, 1ULL << CGF_MEMORY_EVENTS_OOM_KILL },
    { CC_IORD, 1ULL << CGF_IO_STAT_RBYTES },
    { CC_IOWR, 1ULL << CGF_IO_STAT_WBYTES },
    { CC_CPUSET, CG_FIELDS_CPUSET },
  };
  if (c->json)
    return 0;
  uint64_t m = 0;
  for (size_t i = 0; i < c->ncols; i++)
    {
      int col = c->cols[i];
      if (col >= CC_FIELD0)
        m |= 1ULL << (col - CC_FIELD0);
      for (size_t k = 0; k < ARRAY_SIZE (need); k++)
        if (need[k].col == col)
          m |= need[k].fields;
    }
  /* Nothing from the controllers (PATH, TASKS...): ask for one cheap field, not for all. */
  return m ? m : 1ULL << CGF_PIDS_MAX;
}

static double
monotonic_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
cmd_cgroups (int argc, char **argv)
{
  struct cg_ctx c = { .depth = -1 };
  static const int defaults[] = { CC_PATH,   CC_CONTAINER, CC_TASKS,   CC_CPU,       CC_MEM,    CC_WSET,
                                  CC_MEMMAX, CC_PIDS,      CC_PIDSMAX, CC_THROTTLED, CC_PSIMEM, CC_OOMKILL };
  for (size_t i = 0; i < ARRAY_SIZE (defaults); i++)
    c.cols[c.ncols++] = defaults[i];
  const char *outarg = NULL;
  cleanup_error iso_error_t err = NULL;
  cleanup_parser struct cli_parser parser;
  cli_parser_init (&parser, cgroups_opts);
  int opt;
  while ((opt = cli_getopt (&parser, argc, argv)) != -1)
    {
      if (cli_global_option (opt, optarg))
        continue;
      switch (opt)
        {
        case 'l':
          c.list = true;
          break;
        case 'J':
          c.json = true;
          break;
        case 'o':
          outarg = optarg;
          break;
        case 'H':
          /* No JSON type: the JSON output names the kernel's fields, not these columns. */
          for (int i = 0; i < CC_COUNT; i++)
            printf ("%-26s %s\n", cc_name (i), i < CC_FIELD0 ? cc_summary[i].help : cg_fields[i - CC_FIELD0].help);
          return ISO_EXIT_OK;
        case 'n':
          c.noheadings = true;
          break;
        case 'r':
          /* Raw output is for scripts: one row per cgroup with its full path, no tree. */
          c.raw = c.list = true;
          break;
        case 'a':
          c.all = true;
          break;
        case 'b':
          c.bytes = true;
          break;
        case OPT_DEPTH:
          if (util_parse_int (optarg, &c.depth) < 0)
            {
              fprintf (stderr, "isoscope cgroups: invalid depth: '%s'\n", optarg);
              return cli_try_help ("cgroups");
            }
          break;
        case OPT_CONTROLLER:
          c.controller = optarg;
          break;
        case OPT_INTERVAL:
          {
            char *end;
            errno = 0;
            c.interval = strtod (optarg, &end);
            if (errno || *end || !(c.interval > 0) || c.interval > 3600)
              {
                fprintf (stderr, "isoscope cgroups: invalid interval: '%s' (seconds, 0 < N <= 3600)\n", optarg);
                return cli_try_help ("cgroups");
              }
            c.interval_set = true;
          }
          break;
        case 'h':
          usage (stdout);
          return ISO_EXIT_OK;
        default:
          return cli_try_help ("cgroups");
        }
    }
  if (optind < argc)
    c.subtree = argv[optind++];
  if (optind < argc)
    {
      fprintf (stderr, "isoscope cgroups: unexpected argument: '%s'\n", argv[optind]);
      return cli_try_help ("cgroups");
    }
  if (c.json && c.raw)
    {
      fprintf (stderr, "isoscope cgroups: -J and -r are mutually exclusive\n");
      return cli_try_help ("cgroups");
    }
  if (c.interval_set && iso_global.load)
    {
      fprintf (stderr, "isoscope cgroups: --interval measures the live host; --load reads one sample "
                       "(isoscope top --load shows the rates of a record)\n");
      return cli_try_help ("cgroups");
    }
  if (outarg && parse_columns (&c, outarg, &err) < 0)
    {
      fprintf (stderr, "isoscope cgroups: %s\n", err->msg);
      return cli_try_help ("cgroups");
    }
  /* A subtree may be given as a full path under the cgroup mount; keep the cgroup path. */
  cleanup_free char *subtree = NULL;
  if (c.subtree)
    {
      subtree = xstrdup (c.subtree);
      if (strncmp (subtree, "/sys/fs/cgroup/", 15) == 0 || strcmp (subtree, "/sys/fs/cgroup") == 0)
        {
          /* On v1 and hybrid hosts the next directory names the hierarchy: drop it too. */
          struct cg_tree *probe = NULL;
          bool pure_v2 = cg_tree_collect (&probe, iso_global.sysroot, NULL) == 0 && probe->mode == CG_MODE_V2;
          cg_tree_free (probe);
          const char *rest = subtree + 14;
          if (!pure_v2 && *rest == '/')
            rest = strchr (rest + 1, '/') ? strchr (rest + 1, '/') : "/";
          char *copy = xstrdup (*rest ? rest : "/");
          free (subtree);
          subtree = copy;
        }
      size_t n = strlen (subtree);
      while (n > 1 && subtree[n - 1] == '/')
        subtree[--n] = '\0';
      if (subtree[0] != '/')
        {
          fprintf (stderr, "isoscope cgroups: the path must start with '/': '%s'\n", c.subtree);
          return cli_try_help ("cgroups");
        }
    }

  struct cg_rows before = { 0 }, now = { 0 };
  double t0 = 0;
  if (c.interval_set)
    {
      if (cg_rows_collect_fields (&before, iso_global.sysroot, c.controller, columns_fields (&c), &err) < 0)
        goto fail;
      t0 = monotonic_now ();
      struct timespec ts = { (time_t)c.interval, (long)((c.interval - (double)(time_t)c.interval) * 1e9) };
      while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
        ;
    }
  if (cg_rows_collect_fields (&now, iso_global.sysroot, c.controller, columns_fields (&c), &err) < 0)
    goto fail;
  if (c.interval_set)
    cg_rows_rates (&now, &before, monotonic_now () - t0);
  int rc = ISO_EXIT_OK;
  if (subtree && !cg_rows_find (&now, subtree))
    {
      fprintf (stderr, "isoscope cgroups: no cgroup '%s' in any hierarchy\n", subtree);
      rc = ISO_EXIT_NOT_FOUND;
    }
  else if ((c.json ? print_json (&c, &now, subtree) : print_table (&c, &now, subtree)) < 0)
    rc = ISO_EXIT_FAILURE;
  fflush (stdout);
  if (rc == ISO_EXIT_OK && now.t->ndenied)
    fprintf (stderr, "isoscope: %u cgroups could not be fully read (permission denied)\n", now.t->ndenied);
  cg_rows_free (&before);
  cg_rows_free (&now);
  return rc;

fail:
  fprintf (stderr, "isoscope cgroups: %s\n", err->msg);
  cg_rows_free (&before);
  cg_rows_free (&now);
  return ISO_EXIT_FAILURE;
}
