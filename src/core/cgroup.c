// SPDX-License-Identifier: GPL-2.0-or-later
/* cgroup.c: discover cgroup hierarchies (v1, v2, hybrid), walk them and read every controller's values. */
#define _GNU_SOURCE
#include "isoscope/cgroup.h"
#include "isoscope/snapshot.h"
#include "isoscope/util.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#define ISO_CGROUP2_SUPER_MAGIC 0x63677270
#define ISO_CGROUP_SUPER_MAGIC 0x27e0eb

/* clang-format off */
const struct cg_field_info cg_fields[CGF_COUNT] = {
  [CGF_MEMORY_CURRENT] = { "memory_current", CGU_BYTES, false, "memory", "memory in use, page cache included (v1: memory.usage_in_bytes)" },
  [CGF_MEMORY_MAX] = { "memory_max", CGU_BYTES, true, "memory", "hard limit; over it the OOM killer runs (v1: memory.limit_in_bytes)" },
  [CGF_MEMORY_HIGH] = { "memory_high", CGU_BYTES, true, "memory", "throttling limit (v2 only)" },
  [CGF_MEMORY_LOW] = { "memory_low", CGU_BYTES, false, "memory", "best-effort protection (v2 only)" },
  [CGF_MEMORY_MIN] = { "memory_min", CGU_BYTES, false, "memory", "hard protection (v2 only)" },
  [CGF_MEMORY_PEAK] = { "memory_peak", CGU_BYTES, false, "memory", "highest usage seen (v1: memory.max_usage_in_bytes)" },
  [CGF_MEMORY_SWAP_CURRENT] = { "memory_swap_current", CGU_BYTES, false, "memory", "swap in use (v2 only)" },
  [CGF_MEMORY_SWAP_MAX] = { "memory_swap_max", CGU_BYTES, true, "memory", "swap limit (v2 only)" },
  [CGF_MEMORY_STAT_ANON] = { "memory_stat_anon", CGU_BYTES, false, "memory", "anonymous memory (v1: total_rss)" },
  [CGF_MEMORY_STAT_FILE] = { "memory_stat_file", CGU_BYTES, false, "memory", "page cache (v1: total_cache)" },
  [CGF_MEMORY_STAT_INACTIVE_FILE] = { "memory_stat_inactive_file", CGU_BYTES, false, "memory", "reclaimable page cache (v1: total_inactive_file)" },
  [CGF_MEMORY_WORKING_SET] = { "memory_working_set", CGU_BYTES, false, "memory", "current minus inactive_file, as the kubelet counts it" },
  [CGF_MEMORY_EVENTS_LOW] = { "memory_events_low", CGU_COUNT, false, "memory", "times reclaimed below memory.low (v2 only)" },
  [CGF_MEMORY_EVENTS_HIGH] = { "memory_events_high", CGU_COUNT, false, "memory", "times throttled over memory.high (v2 only)" },
  [CGF_MEMORY_EVENTS_MAX] = { "memory_events_max", CGU_COUNT, false, "memory", "times usage hit memory.max (v1: memory.failcnt)" },
  [CGF_MEMORY_EVENTS_OOM] = { "memory_events_oom", CGU_COUNT, false, "memory", "times the OOM state was entered (v2 only)" },
  [CGF_MEMORY_EVENTS_OOM_KILL] = { "memory_events_oom_kill", CGU_COUNT, false, "memory", "processes killed by the OOM killer (v1: memory.oom_control oom_kill)" },
  [CGF_CPU_WEIGHT] = { "cpu_weight", CGU_WEIGHT, false, "cpu", "relative CPU weight 1-10000 (v1: cpu.shares converted as runc and crun do)" },
  [CGF_CPU_MAX_QUOTA_USEC] = { "cpu_max_quota_usec", CGU_USEC, true, "cpu", "CPU time allowed per period (v1: cpu.cfs_quota_us, -1 is max)" },
  [CGF_CPU_MAX_PERIOD_USEC] = { "cpu_max_period_usec", CGU_USEC, false, "cpu", "the quota's period (v1: cpu.cfs_period_us)" },
  [CGF_CPU_STAT_USAGE_USEC] = { "cpu_stat_usage_usec", CGU_USEC, false, "cpu", "CPU time used (v1: cpuacct.usage)" },
  [CGF_CPU_STAT_USER_USEC] = { "cpu_stat_user_usec", CGU_USEC, false, "cpu", "user CPU time (v1: cpuacct.usage_user)" },
  [CGF_CPU_STAT_SYSTEM_USEC] = { "cpu_stat_system_usec", CGU_USEC, false, "cpu", "system CPU time (v1: cpuacct.usage_sys)" },
  [CGF_CPU_STAT_NR_PERIODS] = { "cpu_stat_nr_periods", CGU_COUNT, false, "cpu", "enforcement periods elapsed" },
  [CGF_CPU_STAT_NR_THROTTLED] = { "cpu_stat_nr_throttled", CGU_COUNT, false, "cpu", "periods in which it was throttled" },
  [CGF_CPU_STAT_THROTTLED_USEC] = { "cpu_stat_throttled_usec", CGU_USEC, false, "cpu", "time throttled (v1: throttled_time)" },
  [CGF_PIDS_CURRENT] = { "pids_current", CGU_COUNT, false, "pids", "tasks in the cgroup and below" },
  [CGF_PIDS_MAX] = { "pids_max", CGU_COUNT, true, "pids", "task limit" },
  [CGF_PIDS_EVENTS_MAX] = { "pids_events_max", CGU_COUNT, false, "pids", "forks refused at pids.max" },
  [CGF_IO_WEIGHT] = { "io_weight", CGU_WEIGHT, false, "io", "default IO weight (v1: blkio.bfq.weight)" },
  [CGF_IO_STAT_RBYTES] = { "io_stat_rbytes", CGU_BYTES, false, "io", "bytes read, all devices (v1: blkio.throttle.io_service_bytes_recursive)" },
  [CGF_IO_STAT_WBYTES] = { "io_stat_wbytes", CGU_BYTES, false, "io", "bytes written, all devices" },
  [CGF_IO_STAT_RIOS] = { "io_stat_rios", CGU_COUNT, false, "io", "read operations, all devices (v1: blkio.throttle.io_serviced_recursive)" },
  [CGF_IO_STAT_WIOS] = { "io_stat_wios", CGU_COUNT, false, "io", "write operations, all devices" },
#define PSI_FIELDS(R, r)                                                                                             \
  [CGF_PSI_##R##_SOME_AVG10] = { "psi_" r "_some_avg10", CGU_PERCENT, false, "psi", "share of time some tasks stalled on " r ", last 10 s" },  \
  [CGF_PSI_##R##_SOME_AVG60] = { "psi_" r "_some_avg60", CGU_PERCENT, false, "psi", "the same over 60 s" },                 \
  [CGF_PSI_##R##_SOME_AVG300] = { "psi_" r "_some_avg300", CGU_PERCENT, false, "psi", "the same over 300 s" },              \
  [CGF_PSI_##R##_SOME_TOTAL] = { "psi_" r "_some_total", CGU_USEC, false, "psi", "total stall time, some tasks" },          \
  [CGF_PSI_##R##_FULL_AVG10] = { "psi_" r "_full_avg10", CGU_PERCENT, false, "psi", "share of time all tasks stalled on " r ", last 10 s" },  \
  [CGF_PSI_##R##_FULL_AVG60] = { "psi_" r "_full_avg60", CGU_PERCENT, false, "psi", "the same over 60 s" },                 \
  [CGF_PSI_##R##_FULL_AVG300] = { "psi_" r "_full_avg300", CGU_PERCENT, false, "psi", "the same over 300 s" },              \
  [CGF_PSI_##R##_FULL_TOTAL] = { "psi_" r "_full_total", CGU_USEC, false, "psi", "total stall time, all tasks" }
  PSI_FIELDS (CPU, "cpu"),
  PSI_FIELDS (MEMORY, "memory"),
  PSI_FIELDS (IO, "io"),
#undef PSI_FIELDS
};
/* clang-format on */

const char *
cg_mode_name (enum cg_mode m)
{
  static const char *const names[] = { "none", "v1", "hybrid", "v2" };
  return (unsigned)m < ARRAY_SIZE (names) ? names[m] : "?";
}

/* ---- parsers ---- */

static int
parse_number (const char *s, const char **end, struct cg_val *out)
{
  while (*s == ' ' || *s == '\t')
    s++;
  if (strncmp (s, "max", 3) == 0 && (s[3] == '\0' || s[3] == '\n' || s[3] == ' '))
    {
      out->state = CGV_MAX;
      out->v = 0;
      *end = s + 3;
      return 0;
    }
  if (*s < '0' || *s > '9')
    return -EINVAL;
  uint64_t v = 0;
  for (; *s >= '0' && *s <= '9'; s++)
    {
      unsigned d = (unsigned)(*s - '0');
      if (v > (UINT64_MAX - d) / 10)
        return -ERANGE;
      v = v * 10 + d;
    }
  out->state = CGV_SET;
  out->v = v;
  *end = s;
  return 0;
}

int
cg_parse_value (const char *text, struct cg_val *out)
{
  const char *end;
  struct cg_val v = { 0 };
  if (parse_number (text, &end, &v) < 0 || (*end && *end != '\n'))
    return -EINVAL;
  *out = v;
  return 0;
}

int
cg_parse_keyed (const char *text, const char *key, struct cg_val *out)
{
  size_t klen = strlen (key);
  for (const char *line = text; line && *line;)
    {
      if (strncmp (line, key, klen) == 0 && line[klen] == ' ')
        {
          const char *end;
          struct cg_val v = { 0 };
          if (parse_number (line + klen + 1, &end, &v) < 0)
            return -EINVAL;
          *out = v;
          return 0;
        }
      line = strchr (line, '\n');
      if (line)
        line++;
    }
  return -ENOENT;
}

int
cg_parse_cpu_max (const char *text, struct cg_val *quota, struct cg_val *period)
{
  const char *end;
  struct cg_val q = { 0 }, p = { 0 };
  if (parse_number (text, &end, &q) < 0 || *end != ' ' || parse_number (end + 1, &end, &p) < 0 || p.state != CGV_SET)
    return -EINVAL;
  *quota = q;
  *period = p;
  return 0;
}

/* "avg10=1.23": hundredths of a percent. */
static int
parse_percent (const char *s, const char **end, uint64_t *out)
{
  char *e;
  errno = 0;
  unsigned long long ip = strtoull (s, &e, 10);
  if (e == s || errno || ip > 100)
    return -EINVAL;
  uint64_t frac = 0;
  if (*e == '.')
    {
      e++;
      int digits = 0;
      while (*e >= '0' && *e <= '9')
        {
          if (digits < 2)
            frac = frac * 10 + (uint64_t)(*e - '0');
          digits++;
          e++;
        }
      if (digits == 1)
        frac *= 10;
    }
  /* A share of time: 100.00 at most. */
  if (ip == 100 && frac > 0)
    return -EINVAL;
  *out = ip * 100 + frac;
  *end = e;
  return 0;
}

int
cg_parse_psi (const char *text, struct cg_val vals[8])
{
  int found = 0;
  for (const char *line = text; line && *line;)
    {
      int base = strncmp (line, "some ", 5) == 0 ? 0 : strncmp (line, "full ", 5) == 0 ? 4 : -1;
      if (base >= 0)
        {
          static const char *const keys[] = { "avg10=", "avg60=", "avg300=", "total=" };
          const char *s = line + 5;
          /* A line is taken whole or not at all. */
          struct cg_val got[4] = { 0 };
          for (int k = 0; k < 4; k++)
            {
              size_t kl = strlen (keys[k]);
              if (strncmp (s, keys[k], kl) != 0)
                return -EINVAL;
              s += kl;
              const char *end;
              if (k < 3)
                {
                  if (parse_percent (s, &end, &got[k].v) < 0)
                    return -EINVAL;
                  got[k].is_float = true;
                }
              else if (parse_number (s, &end, &got[k]) < 0 || got[k].state != CGV_SET)
                return -EINVAL;
              got[k].state = CGV_SET;
              s = end;
              while (*s == ' ')
                s++;
            }
          memcpy (&vals[base], got, sizeof got);
          found++;
        }
      line = strchr (line, '\n');
      if (line)
        line++;
    }
  return found ? 0 : -EINVAL;
}

int
cg_parse_io_stat (const char *text, struct cg_val *rbytes, struct cg_val *wbytes, struct cg_val *rios,
                  struct cg_val *wios)
{
  struct cg_val *outs[] = { rbytes, wbytes, rios, wios };
  static const char *const keys[] = { "rbytes=", "wbytes=", "rios=", "wios=" };
  for (int k = 0; k < 4; k++)
    *outs[k] = (struct cg_val){ .state = CGV_SET, .v = 0 };
  for (const char *line = text; line && *line;)
    {
      const char *nl = strchr (line, '\n');
      size_t len = nl ? (size_t)(nl - line) : strlen (line);
      for (int k = 0; k < 4; k++)
        {
          const char *p = memmem (line, len, keys[k], strlen (keys[k]));
          if (!p || (p != line && p[-1] != ' '))
            continue;
          const char *end;
          struct cg_val v = { 0 };
          if (parse_number (p + strlen (keys[k]), &end, &v) < 0 || v.state != CGV_SET)
            return -EINVAL;
          outs[k]->v += v.v;
        }
      line = nl ? nl + 1 : NULL;
    }
  return 0;
}

int
cg_parse_blkio (const char *text, struct cg_val *read, struct cg_val *write)
{
  *read = (struct cg_val){ .state = CGV_SET };
  *write = (struct cg_val){ .state = CGV_SET };
  for (const char *line = text; line && *line;)
    {
      /* "8:0 Read 1234"; the "Total N" line is skipped. */
      const char *sp = strchr (line, ' ');
      const char *nl = strchr (line, '\n');
      if (sp && (!nl || sp < nl) && strchr (line, ':') && strchr (line, ':') < sp)
        {
          const char *op = sp + 1;
          struct cg_val *dst = strncmp (op, "Read ", 5) == 0 ? read : strncmp (op, "Write ", 6) == 0 ? write : NULL;
          if (dst)
            {
              const char *end;
              struct cg_val v = { 0 };
              if (parse_number (strchr (op, ' ') + 1, &end, &v) < 0 || v.state != CGV_SET)
                return -EINVAL;
              dst->v += v.v;
            }
        }
      line = nl ? nl + 1 : NULL;
    }
  return 0;
}

const char *const cg_iodev_names[CGIO_COUNT] = {
  [CGIO_RBYTES] = "rbytes",       [CGIO_WBYTES] = "wbytes",       [CGIO_RIOS] = "rios",
  [CGIO_WIOS] = "wios",           [CGIO_RBPS_MAX] = "rbps_max",   [CGIO_WBPS_MAX] = "wbps_max",
  [CGIO_RIOPS_MAX] = "riops_max", [CGIO_WIOPS_MAX] = "wiops_max",
};

/* The entry of device MAJ:MIN, added when new. */
static struct cg_iodev *
iodev_get (struct iso_cgroup *cg, unsigned maj, unsigned min)
{
  for (size_t i = 0; i < cg->niodev; i++)
    if (cg->iodev[i].major == maj && cg->iodev[i].minor == min)
      return &cg->iodev[i];
  cg->iodev = xreallocarray (cg->iodev, cg->niodev + 1, sizeof *cg->iodev);
  struct cg_iodev *d = &cg->iodev[cg->niodev++];
  memset (d, 0, sizeof *d);
  d->major = maj;
  d->minor = min;
  return d;
}

/* "MAJ:MIN" at the start of LINE; *REST points after it.  0 or -EINVAL. */
static int
parse_devno (const char *line, unsigned *maj, unsigned *min, const char **rest)
{
  char *e;
  /* Digits right away: strtoul would skip blanks and newlines, and take a sign. */
  if (*line < '0' || *line > '9')
    return -EINVAL;
  errno = 0;
  unsigned long a = strtoul (line, &e, 10);
  if (e == line || *e != ':' || errno || a > 0xfff)
    return -EINVAL;
  const char *m = e + 1;
  if (*m < '0' || *m > '9')
    return -EINVAL;
  unsigned long b = strtoul (m, &e, 10);
  if (e == m || (*e != ' ' && *e != '\t') || errno || b > 0xfffff)
    return -EINVAL;
  *maj = (unsigned)a;
  *min = (unsigned)b;
  *rest = e + 1;
  return 0;
}

int
cg_parse_iodev_keyed (const char *text, struct iso_cgroup *cg)
{
  static const struct
  {
    const char *key;
    enum cg_iodev_field f;
  } keys[] = {
    { "rbytes=", CGIO_RBYTES }, { "wbytes=", CGIO_WBYTES }, { "rios=", CGIO_RIOS },       { "wios=", CGIO_WIOS },
    { "rbps=", CGIO_RBPS_MAX }, { "wbps=", CGIO_WBPS_MAX }, { "riops=", CGIO_RIOPS_MAX }, { "wiops=", CGIO_WIOPS_MAX },
  };
  for (const char *line = text; line && *line;)
    {
      const char *nl = strchr (line, '\n');
      size_t len = nl ? (size_t)(nl - line) : strlen (line);
      unsigned maj, min;
      const char *rest;
      if (parse_devno (line, &maj, &min, &rest) < 0)
        return -EINVAL;
      struct cg_iodev *d = iodev_get (cg, maj, min);
      for (size_t k = 0; k < ARRAY_SIZE (keys); k++)
        {
          const char *p = memmem (rest, len - (size_t)(rest - line), keys[k].key, strlen (keys[k].key));
          if (!p || (p != rest && p[-1] != ' '))
            continue;
          const char *end;
          struct cg_val v = { 0 };
          /* Only limits can be "max"; rbytes=max is no count. */
          if (parse_number (p + strlen (keys[k].key), &end, &v) == 0
              && (v.state == CGV_SET || keys[k].f >= CGIO_RBPS_MAX))
            d->v[keys[k].f] = v;
        }
      line = nl ? nl + 1 : NULL;
    }
  return 0;
}

int
cg_parse_iodev_blkio (const char *text, struct iso_cgroup *cg, bool ios)
{
  for (const char *line = text; line && *line;)
    {
      const char *nl = strchr (line, '\n');
      unsigned maj, min;
      const char *rest;
      /* "Total N" has no device: the sum is in io_stat_*. */
      if (parse_devno (line, &maj, &min, &rest) == 0)
        {
          enum cg_iodev_field f = strncmp (rest, "Read ", 5) == 0    ? (ios ? CGIO_RIOS : CGIO_RBYTES)
                                  : strncmp (rest, "Write ", 6) == 0 ? (ios ? CGIO_WIOS : CGIO_WBYTES)
                                                                     : CGIO_COUNT;
          const char *end;
          struct cg_val v = { 0 };
          if (f != CGIO_COUNT && parse_number (strchr (rest, ' ') + 1, &end, &v) == 0 && v.state == CGV_SET)
            iodev_get (cg, maj, min)->v[f] = v;
        }
      line = nl ? nl + 1 : NULL;
    }
  return 0;
}

int
cg_parse_iodev_limit (const char *text, struct iso_cgroup *cg, enum cg_iodev_field limit)
{
  for (const char *line = text; line && *line;)
    {
      const char *nl = strchr (line, '\n');
      unsigned maj, min;
      const char *rest, *end;
      struct cg_val v = { 0 };
      if (parse_devno (line, &maj, &min, &rest) < 0 || parse_number (rest, &end, &v) < 0)
        return -EINVAL;
      iodev_get (cg, maj, min)->v[limit] = v;
      line = nl ? nl + 1 : NULL;
    }
  return 0;
}

/* The per-device files of CG's hierarchy, when IO is asked for. */
static void
read_iodevs (struct iso_cgroup *cg, int dirfd, char *buf, size_t size)
{
  if (cg->h->v2)
    {
      if (util_read_buf_at (dirfd, "io.stat", buf, size) > 0)
        cg_parse_iodev_keyed (buf, cg);
      if (util_read_buf_at (dirfd, "io.max", buf, size) > 0)
        cg_parse_iodev_keyed (buf, cg);
      return;
    }
  static const struct
  {
    const char *file;
    int kind; /* 0 bytes, 1 ios, 2 a limit */
    enum cg_iodev_field limit;
  } v1[] = {
    { "blkio.throttle.io_service_bytes_recursive", 0, CGIO_COUNT },
    { "blkio.throttle.io_serviced_recursive", 1, CGIO_COUNT },
    { "blkio.throttle.read_bps_device", 2, CGIO_RBPS_MAX },
    { "blkio.throttle.write_bps_device", 2, CGIO_WBPS_MAX },
    { "blkio.throttle.read_iops_device", 2, CGIO_RIOPS_MAX },
    { "blkio.throttle.write_iops_device", 2, CGIO_WIOPS_MAX },
  };
  for (size_t i = 0; i < ARRAY_SIZE (v1); i++)
    {
      if (util_read_buf_at (dirfd, v1[i].file, buf, size) <= 0)
        continue;
      if (v1[i].kind == 2)
        cg_parse_iodev_limit (buf, cg, v1[i].limit);
      else
        cg_parse_iodev_blkio (buf, cg, v1[i].kind == 1);
    }
}

int
cg_parse_proc_line (char *line, int *id, const char **controllers, const char **path)
{
  /* Both colons on this line: a line without them must not take the next line's. */
  size_t len = strcspn (line, "\n");
  char *c1 = memchr (line, ':', len);
  char *c2 = c1 ? memchr (c1 + 1, ':', len - (size_t)(c1 + 1 - line)) : NULL;
  if (!c2)
    return -EINVAL;
  *c1 = *c2 = '\0';
  if (util_parse_int (line, id) < 0)
    return -EINVAL;
  *controllers = c1 + 1;
  *path = c2 + 1;
  char *nl = strchr (c2 + 1, '\n');
  if (nl)
    *nl = '\0';
  return 0;
}

/* ---- what to read: one row per (file, how to parse it, which fields) ---- */

enum cg_parse
{
  P_VALUE,     /* one number or "max" */
  P_KEYED,     /* "key value" lines */
  P_CPU_MAX,   /* "$MAX $PERIOD" into two fields */
  P_PSI,       /* eight fields */
  P_IO_STAT,   /* four fields, summed over devices */
  P_BLKIO,     /* two fields, Read and Write summed */
  P_V1_LIMIT,  /* a v1 byte limit: a page-rounded LONG_MAX means unlimited */
  P_V1_QUOTA,  /* cpu.cfs_quota_us: -1 means unlimited */
  P_V1_SHARES, /* cpu.shares converted to a v2 weight */
};

struct cg_source
{
  bool v2;
  const char *controller; /* v1: the hierarchy must have it; v2: NULL for core files */
  const char *file;
  enum cg_parse how;
  const char *key;
  enum cg_field field;
  unsigned div; /* divide by (ns to usec: 1000) */
};

/* clang-format off */
static const struct cg_source cg_sources[] = {
  { true, "memory", "memory.current", P_VALUE, NULL, CGF_MEMORY_CURRENT, 1 },
  { true, "memory", "memory.max", P_VALUE, NULL, CGF_MEMORY_MAX, 1 },
  { true, "memory", "memory.high", P_VALUE, NULL, CGF_MEMORY_HIGH, 1 },
  { true, "memory", "memory.low", P_VALUE, NULL, CGF_MEMORY_LOW, 1 },
  { true, "memory", "memory.min", P_VALUE, NULL, CGF_MEMORY_MIN, 1 },
  { true, "memory", "memory.peak", P_VALUE, NULL, CGF_MEMORY_PEAK, 1 },
  { true, "memory", "memory.swap.current", P_VALUE, NULL, CGF_MEMORY_SWAP_CURRENT, 1 },
  { true, "memory", "memory.swap.max", P_VALUE, NULL, CGF_MEMORY_SWAP_MAX, 1 },
  { true, "memory", "memory.stat", P_KEYED, "anon", CGF_MEMORY_STAT_ANON, 1 },
  { true, "memory", "memory.stat", P_KEYED, "file", CGF_MEMORY_STAT_FILE, 1 },
  { true, "memory", "memory.stat", P_KEYED, "inactive_file", CGF_MEMORY_STAT_INACTIVE_FILE, 1 },
  { true, "memory", "memory.events", P_KEYED, "low", CGF_MEMORY_EVENTS_LOW, 1 },
  { true, "memory", "memory.events", P_KEYED, "high", CGF_MEMORY_EVENTS_HIGH, 1 },
  { true, "memory", "memory.events", P_KEYED, "max", CGF_MEMORY_EVENTS_MAX, 1 },
  { true, "memory", "memory.events", P_KEYED, "oom", CGF_MEMORY_EVENTS_OOM, 1 },
  { true, "memory", "memory.events", P_KEYED, "oom_kill", CGF_MEMORY_EVENTS_OOM_KILL, 1 },
  { true, "cpu", "cpu.weight", P_VALUE, NULL, CGF_CPU_WEIGHT, 1 },
  { true, "cpu", "cpu.max", P_CPU_MAX, NULL, CGF_CPU_MAX_QUOTA_USEC, 1 },
  { true, NULL, "cpu.stat", P_KEYED, "usage_usec", CGF_CPU_STAT_USAGE_USEC, 1 },
  { true, NULL, "cpu.stat", P_KEYED, "user_usec", CGF_CPU_STAT_USER_USEC, 1 },
  { true, NULL, "cpu.stat", P_KEYED, "system_usec", CGF_CPU_STAT_SYSTEM_USEC, 1 },
  { true, NULL, "cpu.stat", P_KEYED, "nr_periods", CGF_CPU_STAT_NR_PERIODS, 1 },
  { true, NULL, "cpu.stat", P_KEYED, "nr_throttled", CGF_CPU_STAT_NR_THROTTLED, 1 },
  { true, NULL, "cpu.stat", P_KEYED, "throttled_usec", CGF_CPU_STAT_THROTTLED_USEC, 1 },
  { true, "pids", "pids.current", P_VALUE, NULL, CGF_PIDS_CURRENT, 1 },
  { true, "pids", "pids.max", P_VALUE, NULL, CGF_PIDS_MAX, 1 },
  { true, "pids", "pids.events", P_KEYED, "max", CGF_PIDS_EVENTS_MAX, 1 },
  { true, "io", "io.weight", P_KEYED, "default", CGF_IO_WEIGHT, 1 },
  { true, "io", "io.stat", P_IO_STAT, NULL, CGF_IO_STAT_RBYTES, 1 },
  { true, NULL, "cpu.pressure", P_PSI, NULL, CGF_PSI_CPU_SOME_AVG10, 1 },
  { true, NULL, "memory.pressure", P_PSI, NULL, CGF_PSI_MEMORY_SOME_AVG10, 1 },
  { true, NULL, "io.pressure", P_PSI, NULL, CGF_PSI_IO_SOME_AVG10, 1 },

  { false, "memory", "memory.usage_in_bytes", P_VALUE, NULL, CGF_MEMORY_CURRENT, 1 },
  { false, "memory", "memory.limit_in_bytes", P_V1_LIMIT, NULL, CGF_MEMORY_MAX, 1 },
  { false, "memory", "memory.max_usage_in_bytes", P_VALUE, NULL, CGF_MEMORY_PEAK, 1 },
  { false, "memory", "memory.stat", P_KEYED, "total_rss", CGF_MEMORY_STAT_ANON, 1 },
  { false, "memory", "memory.stat", P_KEYED, "total_cache", CGF_MEMORY_STAT_FILE, 1 },
  { false, "memory", "memory.stat", P_KEYED, "total_inactive_file", CGF_MEMORY_STAT_INACTIVE_FILE, 1 },
  { false, "memory", "memory.failcnt", P_VALUE, NULL, CGF_MEMORY_EVENTS_MAX, 1 },
  { false, "memory", "memory.oom_control", P_KEYED, "oom_kill", CGF_MEMORY_EVENTS_OOM_KILL, 1 },
  { false, "cpu", "cpu.shares", P_V1_SHARES, NULL, CGF_CPU_WEIGHT, 1 },
  { false, "cpu", "cpu.cfs_quota_us", P_V1_QUOTA, NULL, CGF_CPU_MAX_QUOTA_USEC, 1 },
  { false, "cpu", "cpu.cfs_period_us", P_VALUE, NULL, CGF_CPU_MAX_PERIOD_USEC, 1 },
  { false, "cpu", "cpu.stat", P_KEYED, "nr_periods", CGF_CPU_STAT_NR_PERIODS, 1 },
  { false, "cpu", "cpu.stat", P_KEYED, "nr_throttled", CGF_CPU_STAT_NR_THROTTLED, 1 },
  { false, "cpu", "cpu.stat", P_KEYED, "throttled_time", CGF_CPU_STAT_THROTTLED_USEC, 1000 },
  { false, "cpuacct", "cpuacct.usage", P_VALUE, NULL, CGF_CPU_STAT_USAGE_USEC, 1000 },
  { false, "cpuacct", "cpuacct.usage_user", P_VALUE, NULL, CGF_CPU_STAT_USER_USEC, 1000 },
  { false, "cpuacct", "cpuacct.usage_sys", P_VALUE, NULL, CGF_CPU_STAT_SYSTEM_USEC, 1000 },
  { false, "pids", "pids.current", P_VALUE, NULL, CGF_PIDS_CURRENT, 1 },
  { false, "pids", "pids.max", P_VALUE, NULL, CGF_PIDS_MAX, 1 },
  { false, "pids", "pids.events", P_KEYED, "max", CGF_PIDS_EVENTS_MAX, 1 },
  { false, "blkio", "blkio.bfq.weight", P_VALUE, NULL, CGF_IO_WEIGHT, 1 },
  { false, "blkio", "blkio.throttle.io_service_bytes_recursive", P_BLKIO, NULL, CGF_IO_STAT_RBYTES, 1 },
  { false, "blkio", "blkio.throttle.io_serviced_recursive", P_BLKIO, NULL, CGF_IO_STAT_RIOS, 1 },
};
/* clang-format on */

/* v1 memory limits are LONG_MAX rounded down to a page: anything that large is "no limit". */
#define V1_UNLIMITED_BYTES 0x7FFFFFFFFFFF0000ULL

static bool
hier_has (const struct cg_hierarchy *h, const char *controller)
{
  if (h->v2)
    return true;
  size_t n = strlen (controller);
  for (const char *s = h->controllers; s && *s;)
    {
      size_t l = strcspn (s, ",");
      if (l == n && strncmp (s, controller, n) == 0)
        return true;
      s += l;
      if (*s == ',')
        s++;
    }
  return false;
}

/* The fields one source row fills (several for cpu.max, PSI, io.stat, blkio). */
static uint64_t
source_fields (const struct cg_source *src)
{
  int n = src->how == P_CPU_MAX ? 2 : src->how == P_PSI ? 8 : src->how == P_IO_STAT ? 4 : src->how == P_BLKIO ? 2 : 1;
  uint64_t m = 0;
  for (int k = 0; k < n; k++)
    m |= 1ULL << (src->field + k);
  return m;
}

uint64_t
cg_fields_expand (uint64_t fields)
{
  if (!fields)
    return 0;
  uint64_t all = fields;
  for (size_t i = 0; i < ARRAY_SIZE (cg_sources); i++)
    if (fields & source_fields (&cg_sources[i]))
      all |= source_fields (&cg_sources[i]);
  uint64_t ws = (1ULL << CGF_MEMORY_CURRENT) | (1ULL << CGF_MEMORY_STAT_INACTIVE_FILE);
  if ((all & ws) == ws)
    all |= 1ULL << CGF_MEMORY_WORKING_SET;
  return all;
}

/* Is WORD one of the space-separated words of LIST? */
static bool
word_in (const char *list, const char *word)
{
  size_t n = strlen (word);
  for (const char *s = list; *s;)
    {
      s += strspn (s, " \n");
      size_t l = strcspn (s, " \n");
      if (l == n && strncmp (s, word, n) == 0)
        return true;
      s += l;
    }
  return false;
}

static void
apply_source (struct iso_cgroup *cg, const struct cg_source *src, const char *text)
{
  struct cg_val *f = cg->f;
  struct cg_val v = { 0 };
  switch (src->how)
    {
    case P_VALUE:
      if (cg_parse_value (text, &v) == 0)
        f[src->field] = v;
      break;
    case P_KEYED:
      if (cg_parse_keyed (text, src->key, &v) == 0)
        f[src->field] = v;
      break;
    case P_CPU_MAX:
      cg_parse_cpu_max (text, &f[src->field], &f[src->field + 1]);
      break;
    case P_PSI:
      cg_parse_psi (text, &f[src->field]);
      break;
    case P_IO_STAT:
      cg_parse_io_stat (text, &f[src->field], &f[src->field + 1], &f[src->field + 2], &f[src->field + 3]);
      break;
    case P_BLKIO:
      cg_parse_blkio (text, &f[src->field], &f[src->field + 1]);
      break;
    case P_V1_LIMIT:
      if (cg_parse_value (text, &v) == 0)
        {
          if (v.state == CGV_SET && v.v >= V1_UNLIMITED_BYTES)
            v.state = CGV_MAX;
          f[src->field] = v;
        }
      break;
    case P_V1_QUOTA:
      if (strncmp (text, "-1", 2) == 0)
        f[src->field] = (struct cg_val){ .state = CGV_MAX };
      else if (cg_parse_value (text, &v) == 0)
        f[src->field] = v;
      break;
    case P_V1_SHARES:
      if (cg_parse_value (text, &v) == 0 && v.state == CGV_SET)
        {
          /* The mapping runc and crun use between cpu.shares (2..262144) and cpu.weight (1..10000). */
          uint64_t s = v.v < 2 ? 2 : v.v > 262144 ? 262144 : v.v;
          f[src->field] = (struct cg_val){ .state = CGV_SET, .v = 1 + ((s - 2) * 9999) / 262142 };
        }
      break;
    }
  if (src->div > 1)
    for (int k = 0; k < (src->how == P_BLKIO ? 2 : 1); k++)
      if (f[src->field + k].state == CGV_SET)
        f[src->field + k].v /= src->div;
  /* "max" where the kernel writes a count (memory.current, cpu.stat's nr_throttled...) is no value. */
  uint64_t mask = source_fields (src);
  for (int k = 0; k < CGF_COUNT; k++)
    if ((mask >> k & 1) && f[k].state == CGV_MAX && !cg_fields[k].has_max)
      f[k] = (struct cg_val){ 0 };
}

int
cg_parse_file (struct iso_cgroup *cg, bool v2, const char *file, const char *text)
{
  int rows = 0;
  for (size_t i = 0; i < ARRAY_SIZE (cg_sources); i++)
    if (cg_sources[i].v2 == v2 && strcmp (cg_sources[i].file, file) == 0)
      {
        apply_source (cg, &cg_sources[i], text);
        rows++;
      }
  return rows;
}

static int
count_lines (int dirfd, const char *file, int *out)
{
  cleanup_free char *text = NULL;
  long n = util_read_file_at (dirfd, file, &text);
  if (n < 0)
    return (int)n;
  int c = 0;
  for (long i = 0; i < n; i++)
    c += text[i] == '\n';
  *out = c;
  return 0;
}

static void
read_cgroup (struct cg_tree *t, struct iso_cgroup *cg, int dirfd)
{
  const struct cg_hierarchy *h = cg->h;
  char buf[16384];
  /* In cgroup2 a controller's files exist only where the parent enabled it. */
  char controllers[256] = "";
  bool v2_filter
      = h->v2 && cg->parent && util_read_buf_at (dirfd, "cgroup.controllers", controllers, sizeof controllers) >= 0;
  if (h->v2)
    {
      if (util_read_buf_at (dirfd, "cgroup.events", buf, sizeof buf) >= 0)
        {
          struct cg_val v;
          if (cg_parse_keyed (buf, "populated", &v) == 0)
            cg->populated = (int)v.v;
          if (cg_parse_keyed (buf, "frozen", &v) == 0)
            cg->frozen = (int)v.v;
        }
      if (util_read_buf_at (dirfd, "cgroup.type", buf, sizeof buf) > 0)
        {
          buf[strcspn (buf, "\n")] = '\0';
          snprintf (cg->type, sizeof cg->type, "%.23s", buf);
        }
      if ((!v2_filter || word_in (controllers, "cpuset")) && !(t->fields && !(t->fields & CG_FIELDS_CPUSET)))
        {
          if (util_read_buf_at (dirfd, "cpuset.cpus.effective", buf, sizeof buf) >= 0)
            cg->cpuset_cpus = xstrndup (buf, strcspn (buf, "\n"));
          if (util_read_buf_at (dirfd, "cpuset.mems.effective", buf, sizeof buf) >= 0)
            cg->cpuset_mems = xstrndup (buf, strcspn (buf, "\n"));
        }
    }
  else
    {
      if (hier_has (h, "freezer") && util_read_buf_at (dirfd, "freezer.state", buf, sizeof buf) > 0)
        cg->frozen = strncmp (buf, "FROZEN", 6) == 0;
      if (hier_has (h, "cpuset"))
        {
          if (util_read_buf_at (dirfd, "cpuset.effective_cpus", buf, sizeof buf) >= 0)
            cg->cpuset_cpus = xstrndup (buf, strcspn (buf, "\n"));
          if (util_read_buf_at (dirfd, "cpuset.effective_mems", buf, sizeof buf) >= 0)
            cg->cpuset_mems = xstrndup (buf, strcspn (buf, "\n"));
        }
    }

  /* Each file once, even when several rows take values from it. */
  const char *last = NULL;
  long len = -1;
  for (size_t i = 0; i < ARRAY_SIZE (cg_sources); i++)
    {
      const struct cg_source *src = &cg_sources[i];
      if (src->v2 != h->v2 || (!h->v2 && !hier_has (h, src->controller)))
        continue;
      if (v2_filter && src->controller && !word_in (controllers, src->controller))
        continue;
      if (t->fields && !(t->fields & source_fields (src)))
        continue;
      if (!last || strcmp (last, src->file) != 0)
        {
          last = src->file;
          len = util_read_buf_at (dirfd, src->file, buf, sizeof buf);
          if (len == -EACCES || len == -EPERM)
            cg->errors |= CGERR_DENIED;
        }
      if (len >= 0)
        apply_source (cg, src, buf);
    }
  struct cg_val *cur = &cg->f[CGF_MEMORY_CURRENT], *inact = &cg->f[CGF_MEMORY_STAT_INACTIVE_FILE];
  if (cur->state == CGV_SET && inact->state == CGV_SET)
    cg->f[CGF_MEMORY_WORKING_SET] = (struct cg_val){ .state = CGV_SET, .v = cur->v > inact->v ? cur->v - inact->v : 0 };
  /* Per device only where the io (blkio) controller is, and when everything is asked for. */
  bool io_here = h->v2 ? (!v2_filter || word_in (controllers, "io")) : hier_has (h, "blkio");
  if (io_here && !t->fields)
    read_iodevs (cg, dirfd, buf, sizeof buf);
  if (cg->errors & CGERR_DENIED)
    t->ndenied++;
  /* Every cgroup has cgroup.procs: without it the directory was removed while we read it. */
  if (faccessat (dirfd, "cgroup.procs", F_OK, 0) < 0 && errno == ENOENT)
    cg->errors |= CGERR_VANISHED;
}

struct iso_cgroup *
cg_tree_add (struct cg_tree *t, struct cg_hierarchy *h, struct iso_cgroup *parent, const char *path)
{
  struct iso_cgroup *cg = xzalloc (sizeof *cg);
  cg->h = h;
  cg->parent = parent;
  cg->path = xstrdup (path);
  cg->nprocs = cg->nthreads = cg->populated = cg->frozen = -1;
  if (parent)
    {
      parent->children = xreallocarray (parent->children, parent->nchildren + 1, sizeof *parent->children);
      parent->children[parent->nchildren++] = cg;
    }
  if ((t->nall & (t->nall - 1)) == 0)
    t->all = xreallocarray (t->all, t->nall ? t->nall * 2 : 64, sizeof *t->all);
  t->all[t->nall++] = cg;
  return cg;
}

/* Depth-first walk below DIRFD (which this function closes). */
static void
walk (struct cg_tree *t, struct cg_hierarchy *h, struct iso_cgroup *cg, int dirfd, int depth)
{
  struct stat st;
  if (fstat (dirfd, &st) == 0)
    cg->ino = (uint64_t)st.st_ino;
  read_cgroup (t, cg, dirfd);
  if (depth >= 64)
    {
      close (dirfd);
      return;
    }
  /* List first, then descend: the fds held stay bounded by the depth. */
  struct dirscan ds;
  dirscan_init (&ds, dirfd);
  char **names = NULL;
  size_t nnames = 0;
  const char *name;
  while ((name = dirscan_next (&ds)))
    {
      if (ds.type != DT_DIR)
        {
          struct stat cst;
          if (ds.type != DT_UNKNOWN || fstatat (dirfd, name, &cst, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR (cst.st_mode))
            continue;
        }
      names = xreallocarray (names, nnames + 1, sizeof *names);
      names[nnames++] = xstrdup (name);
    }
  for (size_t i = 0; i < nnames; i++)
    {
      int cfd = openat (dirfd, names[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      int e = errno;
      if (cfd < 0 && e != EACCES && e != EPERM)
        {
          if (e == ENOENT)
            t->nvanished++;
          free (names[i]);
          continue;
        }
      cleanup_free char *path
          = strcmp (cg->path, "/") == 0 ? xasprintf ("/%s", names[i]) : xasprintf ("%s/%s", cg->path, names[i]);
      struct iso_cgroup *child = cg_tree_add (t, h, cg, path);
      if (cfd < 0)
        {
          /* A directory the viewer may not open: listed, with what its inode says, and counted. */
          struct stat cst;
          if (fstatat (dirfd, names[i], &cst, AT_SYMLINK_NOFOLLOW) == 0)
            child->ino = (uint64_t)cst.st_ino;
          child->errors |= CGERR_DENIED;
          t->ndenied++;
          free (names[i]);
          continue;
        }
      free (names[i]);
      walk (t, h, child, cfd, depth + 1);
    }
  free (names);
  close (dirfd);
}

static void count_members (struct cg_tree *t);

static int
cmp_names (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

static bool
is_fs (const char *path, long magic, bool sysroot)
{
  if (sysroot)
    {
      /* Fixture trees are plain directories: a cgroup2 root has cgroup.controllers. */
      cleanup_free char *p = xasprintf ("%s/cgroup.controllers", path);
      bool v2 = access (p, F_OK) == 0;
      if (magic == ISO_CGROUP2_SUPER_MAGIC)
        return v2;
      cleanup_free char *q = xasprintf ("%s/cgroup.procs", path);
      return !v2 && access (q, F_OK) == 0;
    }
  struct statfs sfs;
  return statfs (path, &sfs) == 0 && (long)sfs.f_type == magic;
}

struct cg_hierarchy *
cg_tree_add_hierarchy (struct cg_tree *t, bool v2, const char *name)
{
  t->h = xreallocarray (t->h, t->nh + 1, sizeof *t->h);
  struct cg_hierarchy *h = &t->h[t->nh++];
  memset (h, 0, sizeof *h);
  h->v2 = v2;
  h->name = xstrdup (name);
  h->dir = *name ? xasprintf ("%s/%s", t->root, name) : xstrdup (t->root);
  if (v2)
    h->controllers = xstrdup ("");
  else if (strcmp (name, "systemd") == 0 || strncmp (name, "name=", 5) == 0)
    h->controllers = strncmp (name, "name=", 5) == 0 ? xstrdup (name) : xstrdup ("name=systemd");
  else
    h->controllers = xstrdup (name);
  return h;
}

int
cg_tree_collect (struct cg_tree **out, const char *sysroot, iso_error_t *err)
{
  return cg_tree_collect_fields (out, sysroot, 0, err);
}

int
cg_tree_collect_fields (struct cg_tree **out, const char *sysroot, uint64_t fields, iso_error_t *err)
{
  if (snapshot_source_check_sysroot (sysroot, err) < 0)
    return -1;
  if (snapshot_source_active ())
    return snapshot_source_cgroups (out, fields, err);
  bool fixture = sysroot && *sysroot;
  struct cg_tree *t = xzalloc (sizeof *t);
  /* The working set is derived: it needs memory.current and inactive_file. */
  if (fields & (1ULL << CGF_MEMORY_WORKING_SET))
    fields |= (1ULL << CGF_MEMORY_CURRENT) | (1ULL << CGF_MEMORY_STAT_INACTIVE_FILE);
  t->fields = fields;
  t->root = xasprintf ("%s/sys/fs/cgroup", fixture ? sysroot : "");
  if (is_fs (t->root, ISO_CGROUP2_SUPER_MAGIC, fixture))
    {
      t->mode = CG_MODE_V2;
      cg_tree_add_hierarchy (t, true, "");
    }
  else
    {
      /* A tmpfs of hierarchies, one directory each (symlinks like cpu -> cpu,cpuacct skipped). */
      cleanup_close int rfd = open (t->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (rfd < 0)
        {
          t->mode = CG_MODE_NONE;
          *out = t;
          return 0;
        }
      struct dirscan ds;
      dirscan_init (&ds, rfd);
      const char *name;
      char **names = NULL;
      size_t n = 0;
      while ((name = dirscan_next (&ds)))
        {
          struct stat st;
          if (fstatat (rfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR (st.st_mode))
            continue;
          names = xreallocarray (names, n + 1, sizeof *names);
          names[n++] = xstrdup (name);
        }
      /* A stable order: sort the names. */
      if (n)
        qsort (names, n, sizeof *names, cmp_names);
      bool any_v1 = false, any_v2 = false;
      for (size_t i = 0; i < n; i++)
        {
          cleanup_free char *dir = xasprintf ("%s/%s", t->root, names[i]);
          if (is_fs (dir, ISO_CGROUP2_SUPER_MAGIC, fixture))
            {
              cg_tree_add_hierarchy (t, true, names[i]);
              any_v2 = true;
            }
          else if (is_fs (dir, ISO_CGROUP_SUPER_MAGIC, fixture))
            {
              cg_tree_add_hierarchy (t, false, names[i]);
              any_v1 = true;
            }
          free (names[i]);
        }
      free (names);
      t->mode = any_v1 ? (any_v2 ? CG_MODE_HYBRID : CG_MODE_V1) : any_v2 ? CG_MODE_V2 : CG_MODE_NONE;
    }
  for (size_t i = 0; i < t->nh; i++)
    {
      struct cg_hierarchy *h = &t->h[i];
      int fd = open (h->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0)
        continue;
      h->root = cg_tree_add (t, h, NULL, "/");
      walk (t, h, h->root, fd, 0);
    }
  (void)err;
  cg_tree_index (t);
  count_members (t);
  *out = t;
  return 0;
}

void
cg_tree_free (struct cg_tree *t)
{
  if (!t)
    return;
  for (size_t i = 0; i < t->nall; i++)
    {
      struct iso_cgroup *cg = t->all[i];
      free (cg->path);
      free (cg->children);
      free (cg->cpuset_cpus);
      free (cg->iodev);
      free (cg->cpuset_mems);
      free (cg);
    }
  for (size_t i = 0; i < t->nh; i++)
    {
      free (t->h[i].name);
      free (t->h[i].controllers);
      free (t->h[i].dir);
    }
  free (t->all);
  free (t->index);
  free (t->h);
  free (t->root);
  free (t);
}

struct cg_hierarchy *
cg_tree_find_hierarchy (const struct cg_tree *t, const char *controllers, bool v2)
{
  for (size_t i = 0; i < t->nh; i++)
    {
      struct cg_hierarchy *h = &t->h[i];
      if (h->v2 != v2)
        continue;
      if (v2 || strcmp (h->controllers, controllers) == 0)
        return h;
    }
  return NULL;
}

static uint64_t
cg_key_hash (const struct cg_hierarchy *h, const char *path)
{
  uint64_t x = 1469598103934665603ULL ^ (uint64_t)(uintptr_t)h;
  for (const unsigned char *s = (const unsigned char *)path; *s; s++)
    x = (x ^ *s) * 1099511628211ULL;
  return x;
}

void
cg_tree_index (struct cg_tree *t)
{
  t->index_cap = 16;
  while (t->index_cap < t->nall * 2)
    t->index_cap *= 2;
  t->index = xcalloc (t->index_cap, sizeof *t->index);
  for (size_t i = 0; i < t->nall; i++)
    {
      size_t k = cg_key_hash (t->all[i]->h, t->all[i]->path) & (t->index_cap - 1);
      while (t->index[k])
        k = (k + 1) & (t->index_cap - 1);
      t->index[k] = t->all[i];
    }
}

struct iso_cgroup *
cg_tree_find (const struct cg_tree *t, const struct cg_hierarchy *h, const char *path)
{
  if (!t->index_cap)
    return NULL;
  for (size_t k = cg_key_hash (h, path) & (t->index_cap - 1); t->index[k]; k = (k + 1) & (t->index_cap - 1))
    if (t->index[k]->h == h && strcmp (t->index[k]->path, path) == 0)
      return t->index[k];
  return NULL;
}

/* Processes and threads, read once per path: listing a cgroup's members makes the
   kernel build (and on v1 sort) the whole list, and every v1 root holds nearly every
   process.  The cgroup2 copy of a path is preferred, else the first v1 hierarchy
   that has it; the other hierarchies' copies stay unknown (-1). */
static void
count_members (struct cg_tree *t)
{
  struct cg_hierarchy *v2 = NULL;
  for (size_t i = 0; i < t->nh; i++)
    if (t->h[i].v2)
      v2 = &t->h[i];
  for (size_t i = 0; i < t->nall; i++)
    {
      struct iso_cgroup *cg = t->all[i];
      const char *path = cg->path;
      struct iso_cgroup *chosen = v2 ? cg_tree_find (t, v2, path) : NULL;
      for (size_t k = 0; !chosen && k < t->nh; k++)
        chosen = cg_tree_find (t, &t->h[k], path);
      if (chosen != cg)
        continue;
      cg_count_members (cg);
    }
  /* The vanished: those gone before they could be opened (counted by walk) and those
     removed while they were read. */
  for (size_t i = 0; i < t->nall; i++)
    t->nvanished += (t->all[i]->errors & CGERR_VANISHED) != 0;
}

int
cg_count_members (struct iso_cgroup *cg)
{
  unsigned before = cg->errors & CGERR_VANISHED;
  cleanup_free char *dir
      = strcmp (cg->path, "/") == 0 ? xstrdup (cg->h->dir) : xasprintf ("%s%s", cg->h->dir, cg->path);
  cleanup_close int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    {
      cg->errors |= errno == EACCES || errno == EPERM ? CGERR_DENIED : CGERR_VANISHED;
      return !before && (cg->errors & CGERR_VANISHED);
    }
  int r = count_lines (fd, "cgroup.procs", &cg->nprocs);
  if (r == -EOPNOTSUPP)
    cg->errors |= CGERR_THREADED;
  else if (r == -EACCES || r == -EPERM)
    cg->errors |= CGERR_DENIED;
  else if (r == -ENOENT || r == -ENODEV)
    cg->errors |= CGERR_VANISHED;
  if (count_lines (fd, cg->h->v2 ? "cgroup.threads" : "tasks", &cg->nthreads) < 0)
    cg->nthreads = -1;
  return !before && (cg->errors & CGERR_VANISHED);
}

enum cg_mode
cg_detect_mode (const char *sysroot)
{
  bool fixture = sysroot && *sysroot;
  cleanup_free char *root = xasprintf ("%s/sys/fs/cgroup", fixture ? sysroot : "");
  if (is_fs (root, ISO_CGROUP2_SUPER_MAGIC, fixture))
    return CG_MODE_V2;
  cleanup_free char *unified = xasprintf ("%s/unified", root);
  bool v2 = is_fs (unified, ISO_CGROUP2_SUPER_MAGIC, fixture);
  /* Any v1 hierarchy: memory or cpu are the ones every legacy layout has; else look at all. */
  cleanup_close int rfd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rfd < 0)
    return CG_MODE_NONE;
  struct dirscan ds;
  dirscan_init (&ds, rfd);
  const char *name;
  bool v1 = false;
  while (!v1 && (name = dirscan_next (&ds)))
    {
      cleanup_free char *dir = xasprintf ("%s/%s", root, name);
      v1 = is_fs (dir, ISO_CGROUP_SUPER_MAGIC, fixture);
    }
  return v1 ? (v2 ? CG_MODE_HYBRID : CG_MODE_V1) : v2 ? CG_MODE_V2 : CG_MODE_NONE;
}
