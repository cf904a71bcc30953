// SPDX-License-Identifier: GPL-2.0-or-later
/* live.c: a host model kept up to date tick by tick: stat files held open and pread, slow facts staggered. */
#define _GNU_SOURCE
#include "isoscope/live.h"
#include "isoscope/snapshot.h"
#include "isoscope/hash.h"
#include "isoscope/container.h"
#include "isoscope/ns.h"
#include "isoscope/proc.h"
#include "isoscope/security.h"
#include "isoscope/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

/* Descriptors kept free for everything else (cgroup walks, the terminal, a shell). */
#define LIVE_FD_RESERVE 256
/* Above this many newly allocated pids, listing /proc is cheaper than probing each. */
#define LIVE_PROBE_MAX 1000

/* ---- /proc/PID/stat, the one file read for every process on every tick ---- */

static const char *
read_num (const char *s, const char *end, int64_t *out, bool *ok)
{
  bool neg = false;
  if (s < end && *s == '-')
    {
      neg = true;
      s++;
    }
  if (s >= end || *s < '0' || *s > '9')
    {
      *ok = false;
      return s;
    }
  uint64_t v = 0;
  while (s < end && *s >= '0' && *s <= '9')
    {
      unsigned d = (unsigned)(*s++ - '0');
      if (v > (UINT64_MAX - d) / 10)
        {
          *ok = false;
          return s;
        }
      v = v * 10 + d;
    }
  /* As proc_parse_stat reads them: up to 2^64 - 1, or down to -2^63. */
  if (neg && v > (uint64_t)INT64_MAX + 1)
    {
      *ok = false;
      return s;
    }
  *out = neg ? (int64_t)(0 - v) : (int64_t)v;
  return s < end && *s == ' ' ? s + 1 : s;
}

int
live_parse_stat (const char *buf, size_t len, struct live_stat *out)
{
  const char *end = buf + len;
  const char *open = memchr (buf, '(', len);
  const char *close = memrchr (buf, ')', len);
  if (!open || !close || close < open)
    return -EINVAL;
  size_t n = (size_t)(close - open - 1);
  if (n >= sizeof out->comm)
    n = sizeof out->comm - 1;
  memcpy (out->comm, open + 1, n);
  out->comm[n] = '\0';
  /* Fields are numbered as in proc_pid_stat(5): 3 is the state, one letter after ") "
     (spaces counted as proc_parse_stat counts them). */
  const char *s = close + 1;
  while (s < end && *s == ' ')
    s++;
  if (s + 1 >= end || !isalpha ((unsigned char)s[0]) || s[1] != ' ')
    return -EINVAL;
  out->state = *s;
  s += 2;
  int64_t v[49] = { 0 };
  bool ok = true;
  int field;
  for (field = 4; field <= 48 && s < end && *s != '\n'; field++)
    {
      s = read_num (s, end, &v[field], &ok);
      if (!ok)
        return -EINVAL;
    }
  if (field <= 24)
    return -EINVAL;
  out->ppid = (pid_t)v[4];
  out->minflt = (uint64_t)v[10];
  out->majflt = (uint64_t)v[12];
  out->utime = (uint64_t)v[14];
  out->stime = (uint64_t)v[15];
  out->nthreads = (int)v[20];
  out->start_time = (uint64_t)v[22];
  out->rss_pages = v[24] > 0 ? (uint64_t)v[24] : 0;
  out->startcode = field > 26 ? (uint64_t)v[26] : 0;
  /* exit_signal is -1 only for a thread that is not its group's leader. */
  out->exit_signal = field > 38 ? (int)v[38] : 17;
  out->arg_start = field > 48 ? (uint64_t)v[48] : 0;
  return 0;
}

static double
mono_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
cpu_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void set_error (struct iso_live *l, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
static void
set_error (struct iso_live *l, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (l->error, sizeof l->error, fmt, ap);
  va_end (ap);
}

/* ---- lifetime ---- */

static void
raise_nofile (struct iso_live *l)
{
  struct rlimit rl;
  if (getrlimit (RLIMIT_NOFILE, &rl) < 0)
    {
      l->fd_limit = 0;
      return;
    }
  l->nofile_soft = (uint64_t)rl.rlim_cur;
  if (rl.rlim_cur < rl.rlim_max)
    {
      struct rlimit want = { rl.rlim_max, rl.rlim_max };
      if (setrlimit (RLIMIT_NOFILE, &want) == 0)
        {
          rl.rlim_cur = rl.rlim_max;
          l->nofile_raised = true;
        }
    }
  uint64_t cur = rl.rlim_cur == RLIM_INFINITY ? 1u << 20 : (uint64_t)rl.rlim_cur;
  l->fd_limit = cur > LIVE_FD_RESERVE * 2 ? (unsigned)(cur - LIVE_FD_RESERVE) : 0;
}

void
live_restore_nofile (const struct iso_live *l)
{
  struct rlimit rl;
  if (!l->nofile_raised || getrlimit (RLIMIT_NOFILE, &rl) < 0)
    return;
  rl.rlim_cur = (rlim_t)l->nofile_soft;
  setrlimit (RLIMIT_NOFILE, &rl);
}

static void
scan_self (struct iso_live *l)
{
  struct iso_scan *s = &l->m->scan;
  struct utsname u;
  const char *sysroot = l->opts.sysroot;
  if (!sysroot && uname (&u) == 0)
    snprintf (s->kernel, sizeof s->kernel, "%s", u.release);
  else if (sysroot)
    {
      char buf[256];
      if (util_read_buf_at (l->procfd, "sys/kernel/osrelease", buf, sizeof buf) > 0)
        snprintf (s->kernel, sizeof s->kernel, "%.*s", (int)strcspn (buf, "\n"), buf);
      snprintf (s->sysroot, sizeof s->sysroot, "%.250s", sysroot);
    }
  s->viewer_uid = (long)geteuid ();
  char buf[8192];
  if (util_read_buf_at (AT_FDCWD, "/proc/self/status", buf, sizeof buf) > 0)
    {
      const char *c = strstr (buf, "\nCapEff:");
      if (c)
        s->viewer_cap_eff = strtoull (c + 8, NULL, 16);
    }
  if (sysroot)
    return;
  char link[64];
  enum ns_type t;
  ssize_t n = readlink ("/proc/self/ns/pid", link, sizeof link - 1);
  if (n > 0)
    {
      link[n] = '\0';
      if (ns_parse_link (link, &t, &s->viewer_pidns) < 0)
        s->viewer_pidns = 0;
    }
  struct stat st;
  if (stat ("/proc/self/ns/pid", &st) == 0)
    l->m->nsfs_dev = st.st_dev;
  /* The cgroup layout, as cgroup.c tells it: cgroup2 at the top, or a tmpfs of v1
     hierarchies with or without a cgroup2 one beside them. */
  struct statfs sfs;
  l->cg_mode = CG_MODE_NONE;
  if (statfs ("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == 0x63677270)
    l->cg_mode = CG_MODE_V2;
  else if (statfs ("/sys/fs/cgroup/unified", &sfs) == 0 && sfs.f_type == 0x63677270)
    l->cg_mode = CG_MODE_HYBRID;
  else if (access ("/sys/fs/cgroup/memory/cgroup.procs", F_OK) == 0
           || access ("/sys/fs/cgroup/pids/cgroup.procs", F_OK) == 0)
    l->cg_mode = CG_MODE_V1;
  /* schedstat's third number counts the timeslices a task ran (CONFIG_SCHED_INFO). */
  char sb[96];
  unsigned long long a, b, c;
  l->schedstat_ok = util_read_buf_at (AT_FDCWD, "/proc/self/schedstat", sb, sizeof sb) > 0
                    && sscanf (sb, "%llu %llu %llu", &a, &b, &c) == 3 && c > 0;
  /* /proc/loadavg names the last pid our pid namespace allocated; it tells whether
     anything was created since the last tick only when our /proc shows that namespace. */
  n = readlink ("/proc/self", link, sizeof link - 1);
  if (n > 0)
    {
      link[n] = '\0';
      l->cursor_ok = atoi (link) == (int)getpid ();
    }
}

int
live_new (struct iso_live **out, const struct live_opts *opts, iso_error_t *err)
{
  const char *sysroot = opts && opts->sysroot && *opts->sysroot ? opts->sysroot : NULL;
  if (snapshot_source_check_sysroot (opts ? opts->sysroot : NULL, err) < 0)
    return -1;
  bool replay = snapshot_source_active ();
  cleanup_free char *procpath = xasprintf ("%s/proc", sysroot ? sysroot : "");
  int procfd = replay ? -1 : open (procpath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (procfd < 0 && !replay)
    return iso_make_error (err, errno, "cannot open %s", procpath);
  struct iso_live *l = xzalloc (sizeof *l);
  l->procfd = procfd;
  l->opts.sysroot = sysroot;
  l->opts.ns_period = opts && opts->ns_period > 0 ? opts->ns_period : 5;
  l->opts.slow_period = opts && opts->slow_period > 0 ? opts->slow_period : 10;
  l->hz = sysconf (_SC_CLK_TCK);
  l->pagesize = sysconf (_SC_PAGESIZE);
  if (l->hz <= 0)
    l->hz = 100;
  l->m = iso_model_new ();
  l->by_pid = iso_hash_new ();
  l->last_pid = -1;
  if (replay)
    {
      if (live_replay_init (l, err) < 0)
        {
          live_free (l);
          return -1;
        }
      *out = l;
      return 0;
    }
  scan_self (l);
  raise_nofile (l);
  *out = l;
  return 0;
}

static void
lproc_free (struct live_proc *lp)
{
  if (lp->fd >= 0)
    close (lp->fd);
  free (lp->cgroup_raw);
  free (lp);
}

void
live_free (struct iso_live *l)
{
  if (!l)
    return;
  for (size_t i = 0; i < l->nprocs; i++)
    lproc_free (l->procs[i]);
  free (l->procs);
  free (l->containers);
  free (l->retry);
  iso_hash_free (l->by_pid);
  cg_rows_free (&l->cg);
  iso_model_free (l->m);
  if (l->procfd >= 0)
    close (l->procfd);
  free (l);
}

struct live_proc *
live_find (const struct iso_live *l, pid_t pid)
{
  return iso_hash_get (l->by_pid, (uint64_t)(pid));
}

/* ---- processes: the per-tick sample, new ones, gone ones ---- */

/* Take a stat sample into LP.  TICKS_CPU: CPU% from its clock ticks (else schedstat gave
   it).  Returns whether the process ran since the previous stat read. */
static bool
apply_stat (struct iso_live *l, struct live_proc *lp, const struct live_stat *st, double now, bool ticks_cpu)
{
  struct iso_proc *p = lp->p;
  uint64_t ticks = st->utime + st->stime;
  if (ticks_cpu && lp->ticks_time > 0 && now > lp->ticks_time && ticks >= lp->cpu_ticks)
    lp->cpu_pct = 100.0 * (double)(ticks - lp->cpu_ticks) / (double)l->hz / (now - lp->ticks_time);
  lp->cpu_ticks = ticks;
  lp->ticks_time = now;
  lp->sample_time = now;
  lp->stat_time = now;
  lp->rss = st->rss_pages * (uint64_t)l->pagesize;
  /* It ran since the last sample if it used CPU time, faulted or changed state. */
  uint64_t activity = ticks + st->minflt + st->majflt;
  bool ran = activity != lp->activity || st->state != p->state;
  if (ran)
    lp->active_time = now;
  lp->activity = activity;
  /* An exec maps a new program: its code and its arguments move (and comm changes,
     unless the program has the same name). */
  uint64_t sig = st->startcode ^ (st->arg_start * 0x9e3779b97f4a7c15ULL);
  lp->exec_seen = p->comm[0] && (strcmp (p->comm, st->comm) != 0 || (sig && lp->exec_sig && sig != lp->exec_sig));
  lp->exec_sig = sig;
  if (lp->exec_seen)
    p->cmdline_read = false;
  snprintf (p->comm, sizeof p->comm, "%s", st->comm);
  p->state = st->state;
  p->ppid = st->ppid;
  p->nthreads = st->nthreads > 0 ? st->nthreads : 1;
  return ran;
}

/* ---- the descriptors kept open: stat, or schedstat for single-threaded sleepers ---- */

static int
open_kept (struct iso_live *l, pid_t pid, const char *file)
{
  if (l->st.fds_exhausted || l->st.fds_kept >= l->fd_limit)
    return -1;
  char path[48];
  snprintf (path, sizeof path, "%d/%s", (int)pid, file);
  int fd = openat (l->procfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0 && (errno == EMFILE || errno == ENFILE))
    {
      l->st.fds_exhausted = true;
      set_error (l, "out of file descriptors (%u /proc files open): reading by open and close from now on",
                 l->st.fds_kept);
    }
  if (fd >= 0)
    l->st.fds_kept++;
  return fd;
}

static void
close_kept (struct iso_live *l, struct live_proc *lp)
{
  if (lp->fd >= 0)
    {
      close (lp->fd);
      l->st.fds_kept--;
    }
  lp->fd = -1;
}

/* schedstat: "CPU-ns wait-ns timeslices".  0, -1 when the process is gone, -2 when
   the text is not that. */
static int
read_sched (int fd, uint64_t *ns, uint64_t *count)
{
  char buf[96];
  ssize_t n = pread (fd, buf, sizeof buf - 1, 0);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  char *s = buf, *e;
  unsigned long long v[3];
  for (int i = 0; i < 3; i++)
    {
      errno = 0;
      v[i] = strtoull (s, &e, 10);
      if (e == s || errno)
        return -2;
      s = e;
    }
  *ns = v[0];
  *count = v[2];
  return 0;
}

/* Keep schedstat (SCHED) or stat open for LP from now on. */
static void
set_mode (struct iso_live *l, struct live_proc *lp, bool sched, double now)
{
  sched = sched && l->schedstat_ok;
  if (lp->fd >= 0 && lp->sched_fd == sched)
    return;
  close_kept (l, lp);
  lp->sched_fd = sched;
  lp->busy = 0;
  lp->fd = open_kept (l, lp->p->pid, sched ? "schedstat" : "stat");
  if (lp->fd < 0 || !sched)
    {
      lp->sched_fd = false;
      return;
    }
  uint64_t ns, count;
  if (read_sched (lp->fd, &ns, &count) < 0)
    {
      close_kept (l, lp);
      lp->sched_fd = false;
      lp->fd = open_kept (l, lp->p->pid, "stat");
      return;
    }
  lp->run_ns = ns;
  lp->run_count = count;
  lp->sample_time = now;
}

/* Read LP's stat (through its stat fd, or by path) into it.  0, or -1 when the
   process is gone or its pid is now another's. */
static int
stat_now (struct iso_live *l, struct live_proc *lp, double now, bool ticks_cpu, struct live_stat *st, bool *ran)
{
  char buf[1024];
  ssize_t n;
  if (lp->fd >= 0 && !lp->sched_fd)
    n = pread (lp->fd, buf, sizeof buf - 1, 0);
  else
    {
      char path[32];
      snprintf (path, sizeof path, "%d/stat", (int)lp->p->pid);
      n = util_read_buf_at (l->procfd, path, buf, sizeof buf);
    }
  if (n <= 0 || live_parse_stat (buf, (size_t)n, st) < 0 || st->start_time != lp->p->start_time)
    return -1;
  *ran = apply_stat (l, lp, st, now, ticks_cpu);
  lp->recheck = false;
  return 0;
}

/* One sample of LP: 0, or -1 when the process is gone (or its pid is another's).
   FORCE: read its stat even when schedstat says it did not run. */
static int
sample (struct iso_live *l, struct live_proc *lp, double now, bool force)
{
  bool ticks_cpu = true;
  if (lp->fd >= 0 && lp->sched_fd)
    {
      uint64_t ns, count;
      int r = read_sched (lp->fd, &ns, &count);
      if (r == -1)
        return -1;
      if (r == 0)
        {
          bool ran = count != lp->run_count || ns != lp->run_ns;
          if (lp->sample_time > 0 && now > lp->sample_time && ns >= lp->run_ns)
            lp->cpu_pct = 100.0 * (double)(ns - lp->run_ns) / 1e9 / (now - lp->sample_time);
          lp->run_ns = ns;
          lp->run_count = count;
          lp->sample_time = now;
          l->st.nstat++;
          lp->busy = ran ? lp->busy + 1 : 0;
          if (ran)
            lp->active_time = now;
          /* Asleep since the last sample: nothing it does itself has changed.  Its RSS
             (reclaim) and parent (reparenting) can: stat every slow period for those. */
          unsigned long slot = l->st.tick + lp->phase + 2;
          if (!ran && !force && !lp->recheck && slot % (unsigned)l->opts.slow_period != 0)
            {
              lp->exec_seen = false;
              return 0;
            }
          ticks_cpu = false;
        }
      else
        set_mode (l, lp, false, now);
    }
  struct live_stat st;
  bool ran;
  if (stat_now (l, lp, now, ticks_cpu, &st, &ran) < 0)
    return -1;
  if (ticks_cpu)
    l->st.nstat++;
  if (lp->sched_fd)
    {
      /* Threads (schedstat counts only the main one) or busy every tick: stat it is. */
      if (st.nthreads > 1 || lp->busy >= 3)
        set_mode (l, lp, false, now);
    }
  else if (lp->fd >= 0 && st.nthreads == 1 && l->schedstat_ok)
    {
      lp->busy = ran ? 0 : lp->busy + 1;
      if (lp->busy >= (unsigned)l->opts.slow_period * 2)
        set_mode (l, lp, true, now);
    }
  return 0;
}

static int
cmp_lproc (const void *a, const void *b)
{
  const struct live_proc *x = *(struct live_proc *const *)a, *y = *(struct live_proc *const *)b;
  return (x->p->pid > y->p->pid) - (x->p->pid < y->p->pid);
}

/* Add PID, first seen now.  PROBED: the pid came from the allocation cursor, not
   from listing /proc, so it may be a thread.  Returns NULL when it is not a process. */
/* Add PID, first seen now.  PROBED: the pid came from the allocation cursor, not
   from listing /proc, so it may be a thread.  Returns NULL when it is not a process. */
static struct live_proc *
add_proc (struct iso_live *l, pid_t pid, bool probed, double now)
{
  char path[32], buf[1024];
  snprintf (path, sizeof path, "%d/stat", (int)pid);
  int fd = open_kept (l, pid, "stat");
  ssize_t n = fd >= 0 ? pread (fd, buf, sizeof buf - 1, 0) : util_read_buf_at (l->procfd, path, buf, sizeof buf);
  struct live_stat st;
  if (n <= 0 || live_parse_stat (buf, (size_t)n, &st) < 0 || (probed && st.exit_signal == -1))
    {
      if (fd >= 0)
        {
          close (fd);
          l->st.fds_kept--;
        }
      return NULL;
    }
  struct iso_proc *p = iso_model_add_proc (l->m, pid);
  p->start_time = st.start_time;
  struct live_proc *lp = xzalloc (sizeof *lp);
  lp->p = p;
  lp->fd = fd;
  lp->cpu_pct = -1;
  lp->phase = (unsigned)pid * 7919u;
  apply_stat (l, lp, &st, now, true);
  lp->exec_seen = false;
  lp->active_time = 0; /* a first look says nothing about whether it runs */
  iso_hash_put (l->by_pid, (uint64_t)(pid), lp);
  if ((l->nprocs & (l->nprocs - 1)) == 0)
    l->procs = xreallocarray (l->procs, l->nprocs ? l->nprocs * 2 : 256, sizeof *l->procs);
  l->procs[l->nprocs++] = lp;
  l->st.nnew++;
  return lp;
}

static bool
proc_marked_gone (const struct iso_proc *p, void *arg)
{
  (void)arg;
  return p->state == 0;
}

/* The last pid the kernel allocated in our pid namespace, or -1. */
static int
read_last_pid (void)
{
  char buf[128];
  if (util_read_buf_at (AT_FDCWD, "/proc/loadavg", buf, sizeof buf) <= 0)
    return -1;
  const char *s = strrchr (buf, ' ');
  return s ? atoi (s + 1) : -1;
}

/* Probe PID (a pid allocated since the last tick); remember it when it is not there
   yet: between allocating a pid and showing the task in /proc, fork takes a moment. */
static void
probe (struct iso_live *l, pid_t pid, double now, pid_t *missed, size_t *nmissed)
{
  if (iso_hash_get (l->by_pid, (uint64_t)(pid)) || add_proc (l, pid, true, now))
    return;
  char path[32];
  snprintf (path, sizeof path, "%d", (int)pid);
  if (*nmissed < LIVE_PROBE_MAX && faccessat (l->procfd, path, F_OK, 0) < 0)
    missed[(*nmissed)++] = pid;
}

static void
list_proc (struct iso_live *l, double now)
{
  cleanup_close int dfd = openat (l->procfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return;
  l->st.scanned = true;
  struct dirscan d;
  dirscan_init (&d, dfd);
  const char *name;
  while ((name = dirscan_next (&d)))
    {
      int pid;
      if (name[0] < '1' || name[0] > '9' || util_parse_int (name, &pid) < 0)
        continue;
      if (!iso_hash_get (l->by_pid, (uint64_t)(pid)))
        add_proc (l, pid, false, now);
    }
}

/* New processes.  The kernel allocates pids in turn, and /proc/loadavg names the last
   one: when it has not moved nothing was created; when it moved a little, only the
   pids in between can be new.  Otherwise (and now and then, to be safe) list /proc. */
static void
discover (struct iso_live *l, double now)
{
  int last = l->cursor_ok ? read_last_pid () : -1;
  bool periodic = l->st.tick % (unsigned long)(l->opts.slow_period * 3) == 0;
  pid_t *missed = NULL;
  size_t nmissed = 0;
  if (!periodic && last >= 0 && l->last_pid >= 0 && last >= l->last_pid && last - l->last_pid <= LIVE_PROBE_MAX)
    {
      missed = xcalloc (LIVE_PROBE_MAX, sizeof *missed);
      for (size_t i = 0; i < l->nretry; i++)
        probe (l, l->retry[i], now, missed, &nmissed);
      /* The retried ones had their second chance: only this tick's misses are kept. */
      nmissed = 0;
      for (int pid = l->last_pid + 1; pid <= last; pid++)
        probe (l, pid, now, missed, &nmissed);
    }
  else
    list_proc (l, now);
  free (l->retry);
  l->retry = missed;
  l->nretry = nmissed;
  l->last_pid = last;
}

static int
cmp_pid (const void *a, const void *b)
{
  pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
  return (x > y) - (x < y);
}

static void
refresh_procs (struct iso_live *l, unsigned want, const pid_t *hot, size_t nhot)
{
  double now = l->now;
  for (size_t i = 0; i < nhot; i++)
    {
      struct live_proc *lp = iso_hash_get (l->by_pid, (uint64_t)(hot[i]));
      if (lp)
        lp->recheck = true; /* on screen: every fact of this tick */
    }
  /* 1. Every known process: one pread; the gone ones leave. */
  size_t k = 0, ngone = 0;
  pid_t *gone = NULL;
  for (size_t i = 0; i < l->nprocs; i++)
    {
      struct live_proc *lp = l->procs[i];
      if (sample (l, lp, now, false) == 0)
        {
          l->procs[k++] = lp;
          continue;
        }
      iso_hash_del (l->by_pid, (uint64_t)(lp->p->pid));
      close_kept (l, lp);
      gone = xreallocarray (gone, ngone + 1, sizeof *gone);
      gone[ngone++] = lp->p->pid;
      lp->p->state = 0; /* marks it for iso_model_drop_procs */
      l->st.nvanished++;
      lproc_free (lp);
    }
  l->nprocs = k;
  if (ngone > 0)
    {
      iso_model_drop_procs (l->m, proc_marked_gone, NULL);
      live_prune_ns (l);
      /* Children of the processes that left have a new parent: look at them again. */
      qsort (gone, ngone, sizeof *gone, cmp_pid);
      for (size_t i = 0; i < l->nprocs; i++)
        {
          struct live_proc *lp = l->procs[i];
          if (bsearch (&lp->p->ppid, gone, ngone, sizeof *gone, cmp_pid) && sample (l, lp, now, true) < 0)
            lp->recheck = true; /* gone too: the next tick removes it */
        }
    }
  free (gone);
  /* 2. New ones. */
  size_t known = l->nprocs;
  discover (l, now);
  if (l->nprocs != known)
    qsort (l->procs, l->nprocs, sizeof *l->procs, cmp_lproc);
  /* 3. Slow facts: those on screen every tick, the rest when due. */
  for (size_t i = 0; i < nhot; i++)
    {
      struct live_proc *lp = iso_hash_get (l->by_pid, (uint64_t)(hot[i]));
      if (lp)
        live_read_due (l, lp, want | LIVE_NS | LIVE_STATUS | LIVE_CGROUP | LIVE_CMDLINE, true);
    }
  unsigned ndenied = 0;
  for (size_t i = 0; i < l->nprocs; i++)
    {
      struct live_proc *lp = l->procs[i];
      live_read_due (l, lp, want, false);
      /* A new single-threaded process that sleeps is sampled through schedstat. */
      if (lp->fd >= 0 && !lp->sched_fd && lp->stat_time == now && lp->p->nthreads == 1 && lp->cpu_pct < 0)
        set_mode (l, lp, true, now);
      ndenied += (lp->p->errors & PROC_ERR_DENIED) != 0;
    }
  l->st.ndenied = ndenied;
  l->m->scan.ndenied = ndenied;
  l->procs_time = now;
}

int
live_refresh (struct iso_live *l, unsigned want, const pid_t *hot, size_t nhot, iso_error_t *err)
{
  if (l->replay)
    return live_replay_refresh (l, want, err);
  double cpu0 = cpu_now ();
  unsigned long tick = l->st.tick + 1;
  l->st = (struct live_stats){ .tick = tick, .fds_kept = l->st.fds_kept, .fds_exhausted = l->st.fds_exhausted };
  double now = mono_now ();
  l->tick_interval = l->now > 0 ? now - l->now : 0;
  l->now = now;
  l->want = want;
  clock_gettime (CLOCK_REALTIME, &l->m->scan.time);
  if (want & (LIVE_NS | LIVE_STATUS | LIVE_CGROUP | LIVE_CMDLINE | LIVE_RELATIONS | LIVE_HOLDERS))
    want |= LIVE_PROCS;
  if (want & LIVE_PROCS)
    {
      refresh_procs (l, want, hot, nhot);
      iso_model_finish (l->m);
      live_refresh_ns (l, want);
    }
  if (want & LIVE_CGTREE)
    live_refresh_cgroups (l);
  if (want & LIVE_PROCS)
    live_refresh_containers (l);
  l->m->scan.sources
      = SRC_PROC | ((want & LIVE_CGTREE) ? SRC_CGROUPS : 0) | ((want & LIVE_RELATIONS) ? SRC_RELATIONS : 0);
  l->m->scan.nvanished = l->st.nvanished;
  l->st.cpu_seconds = cpu_now () - cpu0;
  l->m->scan.cpu_seconds = l->st.cpu_seconds;
  return 0;
}

/* ---- what a detail pane or an action needs of one object ---- */

struct live_proc *
live_ensure (struct iso_live *l, pid_t pid)
{
  struct live_proc *lp = iso_hash_get (l->by_pid, (uint64_t)(pid));
  if (l->replay)
    return lp; /* a sample holds what it holds */
  double now = mono_now ();
  /* Sampled by the last tick: fresh enough (sampling again would make its CPU% an
     average over a few milliseconds). */
  if (lp && lp->sample_time < l->procs_time && sample (l, lp, now, true) < 0)
    return NULL; /* gone: the next tick removes it */
  if (lp && lp->stat_time < lp->sample_time)
    {
      /* The tick saw it asleep through schedstat: its stat now, CPU% left alone. */
      struct live_stat st;
      bool ran;
      if (stat_now (l, lp, now, false, &st, &ran) < 0)
        return NULL;
    }
  if (!lp)
    {
      lp = add_proc (l, pid, true, now);
      if (!lp)
        return NULL;
      qsort (l->procs, l->nprocs, sizeof *l->procs, cmp_lproc);
      iso_model_finish (l->m);
    }
  double saved = l->now;
  l->now = now;
  live_read_due (l, lp, LIVE_NS | LIVE_STATUS | LIVE_CGROUP | LIVE_CMDLINE,
                 lp->status_time == 0 || lp->ns_time == 0 || lp->cgroup_time == 0);
  l->now = saved;
  return lp;
}
