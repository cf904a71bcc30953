/* SPDX-License-Identifier: GPL-2.0-or-later */
/* live.h: a host model that refreshes itself tick by tick, re-reading only what can have changed (TUI and top
 * --batch). */
#ifndef ISOSCOPE_LIVE_H
#define ISOSCOPE_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "isoscope/cgrows.h"
#include "isoscope/error.h"
#include "isoscope/model.h"
#include "isoscope/report.h"

/* What a tick reads (a view asks only for what it shows). */
enum
{
  LIVE_PROCS = 1 << 0,     /* the process list, CPU time and RSS (every tick) */
  LIVE_NS = 1 << 1,        /* every process's namespaces (see live_ns_stale for when) */
  LIVE_STATUS = 1 << 2,    /* uids, capabilities, seccomp, no_new_privs (live_status_stale) */
  LIVE_CGROUP = 1 << 3,    /* every process's cgroup path and container (every slow_period ticks) */
  LIVE_CMDLINE = 1 << 4,   /* command lines (when new, after an exec, and as status) */
  LIVE_RELATIONS = 1 << 5, /* owner and parent of every namespace (once per namespace) */
  LIVE_HOLDERS = 1 << 6,   /* pid_for_children and time_for_children (with the namespaces) */
  LIVE_CGTREE = 1 << 7,    /* the cgroup tree with values and rates (every tick) */
};

/* The cache of one process, keyed by (pid, start time). */
struct live_proc
{
  struct iso_proc *p; /* the model's process (owned by live->m) */
  int fd;             /* /proc/PID/stat or (sched_fd) /proc/PID/schedstat kept open, -1 when not */
  bool sched_fd;      /* a single-threaded process that mostly sleeps: schedstat is cheaper and says whether it ran */
  bool recheck;       /* read its stat at the next sample (its parent exited: it was reparented) */
  unsigned busy;      /* samples in a row in which it ran (sched_fd), or did not run (idle, stat fd) */
  uint64_t cpu_ticks; /* utime + stime at the last stat read (clock ticks, all threads) */
  double ticks_time;  /* when cpu_ticks was read */
  uint64_t run_ns, run_count; /* schedstat: CPU time and timeslices at the last sample */
  double cpu_pct;             /* over the last interval, 100 = one CPU; < 0 before a second sample */
  uint64_t rss;               /* resident set, bytes (of the last stat read) */
  double sample_time;         /* CLOCK_MONOTONIC seconds of the last sample (stat or schedstat) */
  double stat_time;           /* of the last stat read: RSS, state, parent, threads */
  double ns_time;             /* when the namespaces were read; 0 never */
  double status_time;         /* when status (uids, capabilities, seccomp) was read; 0 never */
  double cgroup_time;         /* when the cgroup file was read; 0 never */
  double cmd_time;            /* when the command line was read; 0 never */
  double sec_time;            /* when the security context (p->sec) was read; 0 never */
  double active_time;         /* the last sample that showed it ran (CPU time, faults or state moved) */
  uint64_t activity;          /* utime + stime + faults at the last sample */
  uint64_t exec_sig;          /* start of code and of the arguments: they move at every exec */
  unsigned phase;             /* staggers the slow reads over the ticks */
  bool exec_seen;             /* an exec since the sample before: everything is read again */
  char *cgroup_raw;           /* /proc/PID/cgroup as read (owned) */
};

/* A container found from cgroup paths, with what the views show of it. */
struct live_container
{
  struct iso_container *c; /* owned by live->m */
  int nprocs;
  struct live_proc *main; /* its lowest pid (LIVE_PROCS), or NULL */
  struct cg_row *row;     /* its cgroup (LIVE_CGTREE), or NULL */
};

struct live_opts
{
  const char *sysroot; /* NULL for the live host */
  int ns_period;       /* ticks between reads of a process's namespaces (default 5) */
  int slow_period;     /* ticks between reads of status, cgroup and command line (default 10) */
};

/* Counters of the last tick, for the header and for measuring cost. */
struct live_stats
{
  unsigned long tick;
  double cpu_seconds; /* CPU the last refresh took */
  bool scanned;       /* /proc was listed (a new pid had been allocated) */
  unsigned nnew, nvanished, nstat, nns, nslow, ncmd;
  unsigned fds_kept;   /* /proc files held open (stat or schedstat) */
  bool fds_exhausted;  /* ran out of descriptors: reading by open/read/close from now on */
  unsigned ndenied;    /* processes with something the viewer may not read */
  unsigned cg_ndenied; /* cgroups with something the viewer may not read */
};

struct live_hash;

struct iso_live
{
  struct iso_model *m;      /* processes, namespaces, containers (m->cg stays NULL) */
  struct live_proc **procs; /* sorted by pid */
  size_t nprocs;
  struct cg_rows cg; /* cgroup rows of the last cgroup tick (LIVE_CGTREE), rates against the one before */
  struct live_container *containers;
  size_t ncontainers;
  uint64_t host_ns[NS_TYPE_COUNT];
  enum cg_mode cg_mode;  /* from statfs, or the cgroup tree once read */
  unsigned want;         /* LIVE_* of the last refresh */
  double now;            /* CLOCK_MONOTONIC seconds of the last refresh */
  double tick_interval;  /* seconds between the last two refreshes */
  double procs_time;     /* of the last process refresh; 0 never */
  double cg_time;        /* of the last cgroup tree; 0 never */
  double cg_interval;    /* seconds between the last two cgroup ticks */
  struct live_stats st;  /* of the last refresh */
  char error[256];       /* the last thing that could not be read, for a status line; "" none */
  struct live_opts opts; /* private from here on */
  int procfd;
  long hz, pagesize;
  int last_pid; /* from /proc/loadavg: a change means new tasks */
  pid_t *retry; /* probed pids that did not exist yet (a fork in progress): probed once more */
  size_t nretry;
  bool cursor_ok;    /* that value follows our /proc's pid namespace */
  bool schedstat_ok; /* /proc/PID/schedstat counts timeslices (CONFIG_SCHED_INFO) */
  unsigned fd_limit; /* /proc files we may hold open */
  struct iso_hash *by_pid;
  uint64_t nofile_soft; /* the soft RLIMIT_NOFILE we found (restored in children) */
  bool nofile_raised;
  bool replay;                /* reading the samples of a --load file instead of /proc */
  size_t replay_at, replay_n; /* the sample shown, and how many there are */
};

/* A live model over SYSROOT/proc (NULL for the live host).  Raises the soft
   RLIMIT_NOFILE to the hard one.  Nothing is read until live_refresh. */
int live_new (struct iso_live **out, const struct live_opts *opts, iso_error_t *err);
void live_free (struct iso_live *l);

/* One tick: read what WANT names.  HOT (NHOT pids, may be NULL) are processes on
   screen: their slow facts are re-read every tick.  Per-object failures never fail a
   tick; a missing /proc does. */
int live_refresh (struct iso_live *l, unsigned want, const pid_t *hot, size_t nhot, iso_error_t *err);

struct live_proc *live_find (const struct iso_live *l, pid_t pid);

/* Replay (live_replay.c): with a --load source, live_new reads its samples instead of
   /proc, and live_refresh shows sample replay_at, with rates against the sample before. */
int live_replay_init (struct iso_live *l, iso_error_t *err);
/* WANT (LIVE_*) keeps out what a live tick with the same WANT would not have read: the
   processes, their cgroups and containers, the cgroup tree. */
int live_replay_refresh (struct iso_live *l, unsigned want, iso_error_t *err);
/* Move to sample replay_at + STEPS, or to the last sample at or before (after) its time +
   SECONDS; clamped to the record.  Returns true when the sample changed. */
bool live_replay_seek (struct iso_live *l, long steps, double seconds);
/* When sample I was taken (seconds since the epoch). */
double live_replay_time (const struct iso_live *l, size_t i);

/* Make sure PID is in the model and every fact of it is current (a detail pane
   that shows a process the last tick did not read).  NULL when it is gone. */
struct live_proc *live_ensure (struct iso_live *l, pid_t pid);

/* Read the security context of LP (LSM label, id maps, root, mount view) when it is
   older than the slow period. */
void live_load_security (struct iso_live *l, struct live_proc *lp);

/* The explain report of LP, with its cgroup values when the tree was read this tick. */
void live_report (struct iso_live *l, struct live_proc *lp, const char *target, struct report *r);

/* Facts of a process that are older than their schedule allows (shown as stale).
   Namespaces, status and the command line change only when the process itself runs:
   they are read every period for a process that ran, every IDLE_FACTOR periods for one
   that did not, and at once after an exec.  The cgroup file changes from outside: it is
   read every slow period. */
#define LIVE_IDLE_FACTOR 4
bool live_ns_stale (const struct iso_live *l, const struct live_proc *lp);
bool live_status_stale (const struct iso_live *l, const struct live_proc *lp);
bool live_cgroup_stale (const struct iso_live *l, const struct live_proc *lp);

/* Is process LP's namespace of TYPE the host's?  1 yes, 0 no (its own), -1 unknown. */
int live_shares_host (const struct iso_live *l, const struct live_proc *lp, enum ns_type type);

/* The lowest pid listed in the cgroup.procs of R's hierarchies, 0 when none. */
pid_t live_cgroup_first_pid (const struct iso_live *l, const struct cg_row *r);

/* Restore the RLIMIT_NOFILE the process started with (in a child, before exec). */
void live_restore_nofile (const struct iso_live *l);

/* Steps of live_refresh kept in live_read.c and live_ext.c (private to the live*.c files). */
/* Read every fact WANT names that is due for LP (FORCE: all of them). */
void live_read_due (struct iso_live *l, struct live_proc *lp, unsigned want, bool force);
void live_refresh_ns (struct iso_live *l, unsigned want);
/* Count the processes of every namespace and forget the namespaces nothing holds (so
   that a reused inode never finds a dead namespace). */
void live_prune_ns (struct iso_live *l);
void live_refresh_containers (struct iso_live *l);
void live_refresh_cgroups (struct iso_live *l);

/* The fast /proc/PID/stat parser of a tick (exposed for the tests).  0 or -EINVAL. */
struct live_stat
{
  char comm[64];
  char state;
  pid_t ppid;
  int nthreads;
  uint64_t utime, stime, start_time, rss_pages;
  uint64_t minflt, majflt;
  uint64_t startcode, arg_start; /* 0 when the kernel hides them (or a kernel thread) */
  int exit_signal;               /* -1 for a thread that is not a thread-group leader */
};
int live_parse_stat (const char *buf, size_t len, struct live_stat *out);

#endif
