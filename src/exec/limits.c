// SPDX-License-Identifier: GPL-2.0-or-later
/* limits.c: the sandbox's cgroups (v2, v1 and hybrid) with their limits, and its rlimits. */
#define _GNU_SOURCE
#include "isoscope/cgroup.h"
#include "isoscope/sandbox.h"
#include "isoscope/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LIMITS_CPU_PERIOD_USEC 100000
#define LIMITS_CPU_MIN_QUOTA_USEC 1000

/* ---- parsing ---- */

int
limits_parse_size (const char *text, int64_t *out)
{
  if (!text || !*text || *text == '-' || isspace ((unsigned char)*text))
    return -EINVAL;
  char *end;
  errno = 0;
  long double v = strtold (text, &end);
  /* !(v >= 0) also refuses "nan", which llroundl would turn into INT64_MIN. */
  if (errno || end == text || !(v >= 0))
    return -EINVAL;
  static const char units[] = "KMGTPE";
  long double mult = 1;
  if (*end)
    {
      const char *u = strchr (units, toupper ((unsigned char)*end));
      if (!u)
        {
          if ((*end == 'b' || *end == 'B') && end[1] == '\0')
            end++;
          else
            return -EINVAL;
        }
      else
        {
          for (const char *k = units; k <= u; k++)
            mult *= 1024;
          end++;
          if ((*end == 'i' || *end == 'I') && (end[1] == 'b' || end[1] == 'B'))
            end += 2;
          else if (*end == 'b' || *end == 'B')
            end++;
        }
    }
  if (*end)
    return -EINVAL;
  v *= mult;
  if (v >= 9.2e18L)
    return -ERANGE;
  *out = (int64_t)llroundl (v);
  return 0;
}

int
limits_parse_cpus (const char *text, struct run_limits *l)
{
  char *end;
  errno = 0;
  double v = strtod (text, &end);
  if (errno || end == text || *end || !(v > 0) || v > 1e6)
    return -EINVAL;
  uint64_t quota = (uint64_t)llround (v * LIMITS_CPU_PERIOD_USEC);
  if (quota < LIMITS_CPU_MIN_QUOTA_USEC)
    quota = LIMITS_CPU_MIN_QUOTA_USEC;
  l->cpu_quota_usec = quota;
  l->cpu_period_usec = LIMITS_CPU_PERIOD_USEC;
  return 0;
}

/* The resources --rlimit knows; BYTES ones take size suffixes. */
static const struct
{
  const char *name;
  int resource;
  bool bytes;
} limits_rlimits[] = {
  { "as", RLIMIT_AS, true },
  { "core", RLIMIT_CORE, true },
  { "cpu", RLIMIT_CPU, false },
  { "data", RLIMIT_DATA, true },
  { "fsize", RLIMIT_FSIZE, true },
  { "locks", RLIMIT_LOCKS, false },
  { "memlock", RLIMIT_MEMLOCK, true },
  { "msgqueue", RLIMIT_MSGQUEUE, true },
  { "nice", RLIMIT_NICE, false },
  { "nofile", RLIMIT_NOFILE, false },
  { "nproc", RLIMIT_NPROC, false },
  { "rss", RLIMIT_RSS, true },
  { "rtprio", RLIMIT_RTPRIO, false },
  { "rttime", RLIMIT_RTTIME, false },
  { "sigpending", RLIMIT_SIGPENDING, false },
  { "stack", RLIMIT_STACK, true },
};

const char *
limits_rlimit_names (void)
{
  static char names[256];
  if (!names[0])
    {
      size_t len = 0;
      for (size_t i = 0; i < ARRAY_SIZE (limits_rlimits); i++)
        len += (size_t)snprintf (names + len, sizeof names - len, "%s%s", i ? ", " : "", limits_rlimits[i].name);
    }
  return names;
}

static int
limits_parse_rlim_value (const char *s, size_t n, bool bytes, rlim_t *out)
{
  char buf[64];
  if (n == 0 || n >= sizeof buf)
    return -EINVAL;
  memcpy (buf, s, n);
  buf[n] = '\0';
  if (strcasecmp (buf, "unlimited") == 0 || strcasecmp (buf, "infinity") == 0)
    {
      *out = RLIM_INFINITY;
      return 0;
    }
  if (bytes)
    {
      int64_t v;
      if (limits_parse_size (buf, &v) < 0)
        return -EINVAL;
      *out = (rlim_t)v;
      return 0;
    }
  uint64_t v;
  if (util_parse_u64 (buf, &v) < 0)
    return -EINVAL;
  *out = (rlim_t)v;
  return 0;
}

int
limits_parse_rlimit (const char *text, struct run_rlimit *out)
{
  const char *eq = strchr (text, '=');
  if (!eq)
    return -EINVAL;
  const char *name = text;
  size_t nlen = (size_t)(eq - text);
  if (nlen > 7 && strncasecmp (name, "rlimit_", 7) == 0)
    {
      name += 7;
      nlen -= 7;
    }
  for (size_t i = 0; i < ARRAY_SIZE (limits_rlimits); i++)
    {
      if (strlen (limits_rlimits[i].name) != nlen || strncasecmp (limits_rlimits[i].name, name, nlen) != 0)
        continue;
      const char *val = eq + 1, *colon = strchr (val, ':');
      size_t slen = colon ? (size_t)(colon - val) : strlen (val);
      if (limits_parse_rlim_value (val, slen, limits_rlimits[i].bytes, &out->soft) < 0)
        return -EINVAL;
      if (colon)
        {
          if (limits_parse_rlim_value (colon + 1, strlen (colon + 1), limits_rlimits[i].bytes, &out->hard) < 0)
            return -EINVAL;
        }
      else
        out->hard = out->soft;
      if (out->hard != RLIM_INFINITY && (out->soft == RLIM_INFINITY || out->soft > out->hard))
        return -EINVAL;
      out->resource = limits_rlimits[i].resource;
      return 0;
    }
  return -EINVAL;
}

const char *
limits_rlimit_name (int resource)
{
  for (size_t i = 0; i < ARRAY_SIZE (limits_rlimits); i++)
    if (limits_rlimits[i].resource == resource)
      return limits_rlimits[i].name;
  return "?";
}

int
limits_apply_rlimits (const struct run_limits *l, iso_error_t *err)
{
  for (size_t i = 0; i < l->nrlimits; i++)
    {
      struct rlimit rl = { l->rlimits[i].soft, l->rlimits[i].hard };
      if (setrlimit (l->rlimits[i].resource, &rl) < 0)
        {
          int e = errno;
          struct rlimit cur;
          getrlimit (l->rlimits[i].resource, &cur);
          if (e == EPERM)
            {
              char now[32] = "unlimited";
              if (cur.rlim_max != RLIM_INFINITY)
                snprintf (now, sizeof now, "%llu", (unsigned long long)cur.rlim_max);
              return iso_make_error (err, 0,
                                     "cannot set the %s rlimit: raising the hard limit (now %s) needs "
                                     "CAP_SYS_RESOURCE in the initial user namespace; ask for at most that",
                                     limits_rlimit_name (l->rlimits[i].resource), now);
            }
          return iso_make_error (err, e, "cannot set the %s rlimit", limits_rlimit_name (l->rlimits[i].resource));
        }
    }
  return 0;
}

bool
limits_want_cgroup (const struct run_limits *l)
{
  return l->memory >= 0 || l->memory_swap >= 0 || l->pids >= 0 || l->cpu_quota_usec || l->cpuset || l->io_weight;
}

/* ---- where the hierarchies are ---- */

struct limits_mount
{
  char *dir;  /* mount point (owned) */
  char *root; /* the cgroup the mount shows as its root (owned) */
  char *opts; /* super options: the v1 controllers (owned) */
  bool v2;
};

struct limits_host
{
  struct limits_mount *m;
  size_t nm;
  char *self; /* /proc/self/cgroup (owned) */
};

static void
limits_host_release (struct limits_host *h)
{
  for (size_t i = 0; i < h->nm; i++)
    {
      free (h->m[i].dir);
      free (h->m[i].root);
      free (h->m[i].opts);
    }
  free (h->m);
  free (h->self);
}

/* Undo mountinfo's octal escapes (\040 for a space...) in place. */
static void
limits_unescape (char *s)
{
  char *w = s;
  for (char *r = s; *r;)
    if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0' && r[3] <= '7')
      {
        *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
        r += 4;
      }
    else
      *w++ = *r++;
  *w = '\0';
}

static int
limits_host_read (struct limits_host *h, iso_error_t *err)
{
  cleanup_free char *mi = NULL;
  if (util_read_file_at (AT_FDCWD, "/proc/self/mountinfo", &mi) < 0)
    return iso_make_error (err, errno, "cannot read /proc/self/mountinfo");
  if (util_read_file_at (AT_FDCWD, "/proc/self/cgroup", &h->self) < 0)
    return iso_make_error (err, errno, "cannot read /proc/self/cgroup");
  for (char *line = mi, *next; line && *line; line = next)
    {
      next = strchr (line, '\n');
      if (next)
        *next++ = '\0';
      /* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS */
      char *f[6], *save = NULL, *tok = strtok_r (line, " ", &save);
      int n = 0;
      while (tok && n < 6)
        {
          f[n++] = tok;
          tok = strtok_r (NULL, " ", &save);
        }
      while (tok && strcmp (tok, "-") != 0)
        tok = strtok_r (NULL, " ", &save);
      char *fstype = tok ? strtok_r (NULL, " ", &save) : NULL;
      char *source = fstype ? strtok_r (NULL, " ", &save) : NULL;
      char *super = source ? strtok_r (NULL, " ", &save) : NULL;
      if (n < 5 || !super)
        continue;
      bool v2 = strcmp (fstype, "cgroup2") == 0;
      if (!v2 && strcmp (fstype, "cgroup") != 0)
        continue;
      limits_unescape (f[3]);
      limits_unescape (f[4]);
      h->m = xreallocarray (h->m, h->nm + 1, sizeof *h->m);
      h->m[h->nm++] = (struct limits_mount){ xstrdup (f[4]), xstrdup (f[3]), xstrdup (super), v2 };
    }
  return 0;
}

static bool
limits_has_token (const char *list, const char *tok)
{
  size_t n = strlen (tok);
  for (const char *p = list; p && *p;)
    {
      if (strncmp (p, tok, n) == 0 && (p[n] == ',' || p[n] == '\0'))
        return true;
      p = strchr (p, ',');
      if (p)
        p++;
    }
  return false;
}

/* True when the comma-separated lists A and B have a token in common. */
static bool
limits_lists_share (const char *a, const char *b)
{
  cleanup_free char *dup = xstrdup (a);
  char *save = NULL;
  for (char *tok = strtok_r (dup, ",", &save); tok; tok = strtok_r (NULL, ",", &save))
    if (limits_has_token (b, tok))
      return true;
  return false;
}

/* The v1 mount that carries CTRL, or the cgroup2 mount when CTRL is NULL. */
static const struct limits_mount *
limits_find_mount (const struct limits_host *h, const char *ctrl)
{
  for (size_t i = 0; i < h->nm; i++)
    if (ctrl ? !h->m[i].v2 && limits_has_token (h->m[i].opts, ctrl) : h->m[i].v2)
      return &h->m[i];
  return NULL;
}

/* Our cgroup in the hierarchy of mount M, as a path under its mount point; NULL
   when /proc/self/cgroup has no line for it or the mount does not show it. */
static char *
limits_own_dir (const struct limits_host *h, const struct limits_mount *m, const char *parent)
{
  cleanup_free char *text = xstrdup (h->self);
  for (char *line = text, *next; line && *line; line = next)
    {
      next = strchr (line, '\n');
      if (next)
        *next++ = '\0';
      int id;
      const char *ctrls, *path;
      if (cg_parse_proc_line (line, &id, &ctrls, &path) < 0)
        continue;
      bool match = m->v2 ? id == 0 && *ctrls == '\0' : *ctrls && limits_lists_share (ctrls, m->opts);
      if (!match)
        continue;
      const char *want = parent ? parent : path;
      size_t rl = strcmp (m->root, "/") == 0 ? 0 : strlen (m->root);
      if (rl && (strncmp (want, m->root, rl) != 0 || (want[rl] != '/' && want[rl] != '\0')))
        return NULL;
      const char *rest = want + rl;
      while (*rest == '/')
        rest++;
      return *rest ? xasprintf ("%s/%s", m->dir, rest) : xstrdup (m->dir);
    }
  return NULL;
}

/* ---- making the cgroups ---- */

void
limits_cgroup_init (struct limits_cgroup *cg)
{
  memset (cg, 0, sizeof *cg);
  cg->v2fd = -1;
}

static int
limits_write (const char *dir, const char *file, const char *value, iso_error_t *err)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, file);
  cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return iso_make_error (err, errno, "cannot open %s", path);
  size_t len = strlen (value);
  if (write (fd, value, len) != (ssize_t)len)
    return iso_make_error (err, errno, "cannot write '%s' to %s", value, path);
  return 0;
}

static bool
limits_file_exists (const char *dir, const char *file)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, file);
  return access (path, F_OK) == 0;
}

static void
limits_add_dir (struct limits_cgroup *cg, char *path, const char *ctrl, bool v2)
{
  for (size_t i = 0; i < cg->ndirs; i++)
    if (strcmp (cg->dirs[i].path, path) == 0)
      {
        free (path);
        return;
      }
  cg->dirs = xreallocarray (cg->dirs, cg->ndirs + 1, sizeof *cg->dirs);
  cg->dirs[cg->ndirs++] = (struct limits_dir){ path, ctrl, v2, false };
}

static const char *
limits_hint_access (void)
{
  return "limits need a cgroup isoscope may write: run as root, or delegate a cgroup v2 subtree to your user "
         "(for example with 'systemd-run --user -p Delegate=yes') and name it with --cgroup-parent";
}

/* cgroup v2: the parent of DIR must offer CTRL to its children. */
static int
limits_v2_enable (const char *dir, const char *ctrl, iso_error_t *err)
{
  cleanup_free char *parent = xstrdup (dir);
  char *slash = strrchr (parent, '/');
  if (slash)
    *slash = '\0';
  char buf[512];
  cleanup_free char *cpath = xasprintf ("%s/cgroup.controllers", parent);
  if (util_read_buf_at (AT_FDCWD, cpath, buf, sizeof buf) < 0)
    return iso_make_error (err, errno, "cannot read %s", cpath);
  char *nl = strchr (buf, '\n');
  if (nl)
    *nl = '\0';
  for (char *p = buf; *p; p++)
    if (*p == ' ')
      *p = ',';
  if (!limits_has_token (buf, ctrl))
    return iso_make_error (err, 0,
                           "the %s controller is not delegated to %s (its cgroup.controllers has '%s'): enable it "
                           "in the parent's cgroup.subtree_control, or choose another cgroup with --cgroup-parent",
                           ctrl, parent, buf);
  cleanup_free char *spath = xasprintf ("%s/cgroup.subtree_control", parent);
  if (util_read_buf_at (AT_FDCWD, spath, buf, sizeof buf) >= 0)
    {
      nl = strchr (buf, '\n');
      if (nl)
        *nl = '\0';
      for (char *p = buf; *p; p++)
        if (*p == ' ')
          *p = ',';
      if (limits_has_token (buf, ctrl))
        return 0;
    }
  char plus[64];
  snprintf (plus, sizeof plus, "+%s", ctrl);
  int fd = open (spath, O_WRONLY | O_CLOEXEC);
  int e = fd < 0 ? errno : 0;
  if (fd >= 0)
    {
      if (write (fd, plus, strlen (plus)) < 0)
        e = errno;
      close (fd);
    }
  if (e == EBUSY)
    return iso_make_error (err, 0,
                           "cannot enable the %s controller in %s: the cgroup has processes of its own, and "
                           "cgroup v2 gives controllers only to the children of cgroups without processes: name "
                           "a cgroup without processes (delegated to you) with --cgroup-parent",
                           ctrl, spath);
  if (e)
    return iso_make_error (err, 0, "cannot enable the %s controller in %s: %s: %s", ctrl, spath, strerror (e),
                           e == EACCES || e == EPERM ? limits_hint_access () : "see cgroups(7)");
  return 0;
}

/* cpuset.cpus, with the CPUs the parent allows named when the kernel refuses. */
static int
limits_write_cpuset (const char *dir, const char *parent_file, const char *cpus, iso_error_t *err)
{
  int r = limits_write (dir, "cpuset.cpus", cpus, err);
  if (r == 0)
    return 0;
  char have[256];
  cleanup_free char *pf = xasprintf ("%s/../%s", dir, parent_file);
  if (util_read_buf_at (AT_FDCWD, pf, have, sizeof have) < 0)
    return r;
  have[strcspn (have, "\n")] = '\0';
  return iso_error_wrap (err, "--cpuset %s: the CPUs must be among those of the parent cgroup (%s)", cpus, have);
}

/* Limits of one directory, by the controller it was made for. */
static int
limits_write_dir (const struct limits_dir *d, const struct run_limits *l, iso_error_t *err)
{
  char v[64];
  int r = 0;
  if (d->v2)
    {
      if (l->memory >= 0)
        {
          snprintf (v, sizeof v, "%lld", (long long)l->memory);
          r = limits_write (d->path, "memory.max", v, err);
        }
      /* --memory without --memory-swap is a hard limit: no swap either. */
      if ((l->memory_swap >= 0 || l->memory >= 0) && r == 0 && limits_file_exists (d->path, "memory.swap.max"))
        {
          snprintf (v, sizeof v, "%lld", (long long)(l->memory_swap >= 0 ? l->memory_swap : 0));
          r = limits_write (d->path, "memory.swap.max", v, err);
        }
      else if (l->memory_swap >= 0 && r == 0)
        r = iso_make_error (err, 0, "--memory-swap: %s has no memory.swap.max (swap accounting is off)", d->path);
      if (l->cpu_quota_usec && r == 0)
        {
          snprintf (v, sizeof v, "%llu %llu", (unsigned long long)l->cpu_quota_usec,
                    (unsigned long long)l->cpu_period_usec);
          r = limits_write (d->path, "cpu.max", v, err);
        }
      if (l->pids >= 0 && r == 0)
        {
          snprintf (v, sizeof v, "%lld", (long long)l->pids);
          r = limits_write (d->path, "pids.max", v, err);
        }
      if (l->cpuset && r == 0)
        r = limits_write_cpuset (d->path, "cpuset.cpus.effective", l->cpuset, err);
      if (l->io_weight && r == 0)
        {
          snprintf (v, sizeof v, "%u", l->io_weight);
          const char *f = limits_file_exists (d->path, "io.weight") ? "io.weight" : "io.bfq.weight";
          r = limits_write (d->path, f, v, err);
        }
      return r;
    }
  if (strcmp (d->ctrl, "memory") == 0)
    {
      if (l->memory < 0)
        return iso_make_error (err, 0, "--memory-swap needs --memory on cgroup v1 (memsw is memory plus swap)");
      snprintf (v, sizeof v, "%lld", (long long)l->memory);
      r = limits_write (d->path, "memory.limit_in_bytes", v, err);
      if (r == 0 && limits_file_exists (d->path, "memory.memsw.limit_in_bytes"))
        {
          snprintf (v, sizeof v, "%lld", (long long)(l->memory + (l->memory_swap > 0 ? l->memory_swap : 0)));
          r = limits_write (d->path, "memory.memsw.limit_in_bytes", v, err);
        }
      else if (r == 0 && l->memory_swap >= 0)
        r = iso_make_error (err, 0,
                            "--memory-swap: %s has no memory.memsw.limit_in_bytes (swap accounting is off; boot "
                            "with swapaccount=1)",
                            d->path);
    }
  else if (strcmp (d->ctrl, "cpu") == 0)
    {
      snprintf (v, sizeof v, "%llu", (unsigned long long)l->cpu_period_usec);
      r = limits_write (d->path, "cpu.cfs_period_us", v, err);
      snprintf (v, sizeof v, "%llu", (unsigned long long)l->cpu_quota_usec);
      if (r == 0)
        r = limits_write (d->path, "cpu.cfs_quota_us", v, err);
    }
  else if (strcmp (d->ctrl, "pids") == 0)
    {
      snprintf (v, sizeof v, "%lld", (long long)l->pids);
      r = limits_write (d->path, "pids.max", v, err);
    }
  else if (strcmp (d->ctrl, "cpuset") == 0)
    {
      /* A v1 cpuset starts empty: copy the parent's memory nodes first. */
      char mems[256];
      cleanup_free char *pm = xasprintf ("%s/../cpuset.mems", d->path);
      if (util_read_buf_at (AT_FDCWD, pm, mems, sizeof mems) < 0)
        return iso_make_error (err, errno, "cannot read %s", pm);
      mems[strcspn (mems, "\n")] = '\0';
      r = limits_write (d->path, "cpuset.mems", mems, err);
      if (r == 0)
        r = limits_write_cpuset (d->path, "cpuset.effective_cpus", l->cpuset, err);
    }
  else if (strcmp (d->ctrl, "blkio") == 0)
    {
      /* v2's 1..10000 (default 100) onto v1's 10..1000 (default 500), as systemd converts. */
      unsigned long w = (unsigned long)l->io_weight * 500 / 100;
      w = w < 10 ? 10 : w > 1000 ? 1000 : w;
      snprintf (v, sizeof v, "%lu", w);
      const char *f = limits_file_exists (d->path, "blkio.weight")       ? "blkio.weight"
                      : limits_file_exists (d->path, "blkio.bfq.weight") ? "blkio.bfq.weight"
                                                                         : NULL;
      if (!f)
        return iso_make_error (err, 0,
                               "--io-weight: the blkio controller here has neither blkio.weight nor "
                               "blkio.bfq.weight (the block devices do not use the BFQ scheduler)");
      r = limits_write (d->path, f, v, err);
    }
  return r;
}

static bool
want_memory (const struct run_limits *l)
{
  return l->memory >= 0 || l->memory_swap >= 0;
}
static bool
want_cpu (const struct run_limits *l)
{
  return l->cpu_quota_usec != 0;
}
static bool
want_pids (const struct run_limits *l)
{
  return l->pids >= 0;
}
static bool
want_cpuset (const struct run_limits *l)
{
  return l->cpuset != NULL;
}
static bool
want_io (const struct run_limits *l)
{
  return l->io_weight != 0;
}

/* The controller that carries each kind of limit, and whether the plan sets it. */
static const struct
{
  const char *ctrl;    /* v1 name */
  const char *v2_ctrl; /* v2 name */
  bool (*wanted) (const struct run_limits *l);
} limits_ctrls[] = {
  { "memory", "memory", want_memory }, { "cpu", "cpu", want_cpu }, { "pids", "pids", want_pids },
  { "cpuset", "cpuset", want_cpuset }, { "blkio", "io", want_io },
};

int
limits_cgroup_create (struct limits_cgroup *cg, const struct run_limits *l, iso_error_t *err)
{
  struct limits_host h = { 0 };
  int r = limits_host_read (&h, err);
  if (r < 0)
    {
      limits_host_release (&h);
      return r;
    }
  cg->name = xasprintf ("isoscope-run.%d", (int)getpid ());
  const struct limits_mount *v2m = limits_find_mount (&h, NULL);
  cleanup_free char *v2base = v2m ? limits_own_dir (&h, v2m, l->cgroup_parent) : NULL;
  bool v2_limits = false;
  const char *v2_needed[ARRAY_SIZE (limits_ctrls)];
  size_t nv2 = 0;

  for (size_t i = 0; i < ARRAY_SIZE (limits_ctrls) && r == 0; i++)
    {
      if (!limits_ctrls[i].wanted (l))
        continue;
      const struct limits_mount *m = limits_find_mount (&h, limits_ctrls[i].ctrl);
      if (m)
        {
          char *base = limits_own_dir (&h, m, l->cgroup_parent);
          if (!base)
            {
              r = iso_make_error (err, 0, "cannot find isoscope's cgroup in the %s hierarchy at %s",
                                  limits_ctrls[i].ctrl, m->dir);
              break;
            }
          limits_add_dir (cg, xasprintf ("%s/%s", base, cg->name), limits_ctrls[i].ctrl, false);
          free (base);
          /* With cpu limited, account its usage too where cpuacct is a hierarchy of its own. */
          const struct limits_mount *acct
              = strcmp (limits_ctrls[i].ctrl, "cpu") == 0 ? limits_find_mount (&h, "cpuacct") : NULL;
          char *abase = acct && acct != m ? limits_own_dir (&h, acct, l->cgroup_parent) : NULL;
          if (abase)
            {
              limits_add_dir (cg, xasprintf ("%s/%s", abase, cg->name), "cpuacct", false);
              free (abase);
            }
          continue;
        }
      if (!v2base)
        {
          r = iso_make_error (err, 0,
                              "the %s controller is not available: it is neither mounted as a cgroup v1 "
                              "hierarchy nor is cgroup2 mounted here",
                              limits_ctrls[i].ctrl);
          break;
        }
      v2_limits = true;
      v2_needed[nv2++] = limits_ctrls[i].v2_ctrl;
    }
  /* The v2 directory: where the v2 limits go, and on a hybrid host a handle to
     track and kill the sandbox (made only when isoscope may). */
  if (r == 0 && v2base)
    {
      char *dir = xasprintf ("%s/%s", v2base, cg->name);
      for (size_t i = 0; i < nv2 && r == 0; i++)
        r = limits_v2_enable (dir, v2_needed[i], err);
      if (r < 0 || (!v2_limits && access (v2base, W_OK) != 0))
        free (dir);
      else
        {
          cg->dirs = xreallocarray (cg->dirs, cg->ndirs + 1, sizeof *cg->dirs);
          memmove (cg->dirs + 1, cg->dirs, cg->ndirs * sizeof *cg->dirs);
          cg->dirs[0] = (struct limits_dir){ dir, "", true, false };
          cg->ndirs++;
        }
    }
  else if (r == 0 && v2_limits)
    r = iso_make_error (err, 0, "cannot find isoscope's cgroup in the cgroup2 hierarchy");
  limits_host_release (&h);

  for (size_t i = 0; i < cg->ndirs && r == 0; i++)
    {
      struct limits_dir *d = &cg->dirs[i];
      if (mkdir (d->path, 0755) < 0)
        {
          int e = errno;
          bool denied = e == EACCES || e == EPERM || e == EROFS;
          if (d->v2 && !v2_limits)
            continue; /* only a tracking handle: go on without it */
          if (e == EEXIST)
            r = iso_make_error (err, 0,
                                "the cgroup %s already exists (left behind by an isoscope run with the same "
                                "pid that was killed?): remove it with rmdir",
                                d->path);
          else
            r = denied ? iso_make_error (err, 0, "cannot create the cgroup %s: %s: %s", d->path, strerror (e),
                                         limits_hint_access ())
                       : iso_make_error (err, e, "cannot create the cgroup %s", d->path);
          break;
        }
      d->created = true;
      if (d->v2 ? v2_limits : strcmp (d->ctrl, "cpuacct") != 0)
        r = limits_write_dir (d, l, err);
    }
  if (r == 0 && cg->ndirs && cg->dirs[0].v2 && cg->dirs[0].created)
    {
      cg->v2fd = open (cg->dirs[0].path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (cg->v2fd < 0)
        r = iso_make_error (err, errno, "cannot open %s", cg->dirs[0].path);
    }
  if (r < 0)
    {
      cleanup_error iso_error_t ignore = NULL;
      limits_cgroup_remove (cg, &ignore);
    }
  return r;
}

int
limits_cgroup_attach (struct limits_cgroup *cg, pid_t pid, bool into_done, iso_error_t *err)
{
  char v[24];
  snprintf (v, sizeof v, "%d", (int)pid);
  for (size_t i = 0; i < cg->ndirs; i++)
    {
      if (!cg->dirs[i].created || (cg->dirs[i].v2 && into_done))
        continue;
      int r = limits_write (cg->dirs[i].path, "cgroup.procs", v, err);
      if (r < 0)
        return iso_error_wrap (err, "cannot move the sandbox into its cgroup");
    }
  return 0;
}

/* SIGKILL every process listed in DIR/cgroup.procs; the number found. */
static int
limits_kill_listed (const char *dir)
{
  cleanup_free char *path = xasprintf ("%s/cgroup.procs", dir);
  cleanup_free char *text = NULL;
  if (util_read_file_at (AT_FDCWD, path, &text) < 0)
    return 0;
  int n = 0;
  for (char *p = text; *p;)
    {
      char *end;
      long pid = strtol (p, &end, 10);
      if (end == p)
        break;
      if (pid > 0 && kill ((pid_t)pid, SIGKILL) == 0)
        n++;
      p = end;
      while (*p == '\n')
        p++;
    }
  return n;
}

void
limits_cgroup_kill (struct limits_cgroup *cg)
{
  for (size_t i = 0; i < cg->ndirs; i++)
    {
      if (!cg->dirs[i].created)
        continue;
      if (cg->dirs[i].v2 && limits_file_exists (cg->dirs[i].path, "cgroup.kill"))
        {
          cleanup_error iso_error_t ignore = NULL;
          if (limits_write (cg->dirs[i].path, "cgroup.kill", "1", &ignore) == 0)
            continue;
        }
      /* No cgroup.kill: kill what is listed until nothing is (a fork may race one round). */
      for (int round = 0; round < 50 && limits_kill_listed (cg->dirs[i].path) > 0; round++)
        ;
    }
}

int
limits_cgroup_remove (struct limits_cgroup *cg, iso_error_t *err)
{
  int r = 0;
  if (cg->v2fd >= 0)
    close (take_fd (&cg->v2fd));
  for (size_t i = cg->ndirs; i-- > 0;)
    {
      struct limits_dir *d = &cg->dirs[i];
      /* Processes that were just killed leave the cgroup a moment later. */
      int tries = 0;
      while (d->created && rmdir (d->path) < 0)
        {
          if (errno == ENOENT)
            break;
          if (errno != EBUSY || ++tries > 200)
            {
              if (r == 0)
                r = iso_make_error (err, errno, "cannot remove the cgroup %s", d->path);
              break;
            }
          if (tries % 20 == 0)
            limits_kill_listed (d->path);
          struct timespec ts = { 0, 10 * 1000 * 1000 };
          nanosleep (&ts, NULL);
        }
      free (d->path);
    }
  free (cg->dirs);
  free (cg->name);
  limits_cgroup_init (cg);
  return r;
}
