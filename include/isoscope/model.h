/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model.h: the host model that collectors fill and renderers read. */
#ifndef ISOSCOPE_MODEL_H
#define ISOSCOPE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/* Namespace types, in the order lsns lists its type names. */
enum ns_type
{
  NS_MNT,
  NS_NET,
  NS_PID,
  NS_UTS,
  NS_IPC,
  NS_USER,
  NS_CGROUP,
  NS_TIME,
  NS_TYPE_COUNT
};

/* How a namespace is kept alive: one record per holder that is not a plain
   process membership (processes are counted in iso_ns.nprocs). */
enum ns_holder_kind
{
  HOLDER_TASK,         /* a thread whose namespace differs from its thread-group leader */
  HOLDER_FOR_CHILDREN, /* pid_for_children / time_for_children of a process */
  HOLDER_FD,           /* an open nsfs file descriptor */
  HOLDER_BIND,         /* an nsfs bind mount in some mount namespace */
  HOLDER_CHILD,        /* the parent or owner of another namespace */
};

struct ns_holder
{
  enum ns_holder_kind kind;
  pid_t pid;      /* the process (TASK, FOR_CHILDREN, FD; BIND: a process in the mount namespace) */
  int num;        /* TASK: tid; FD: fd number */
  uint64_t mntns; /* BIND: inode of the mount namespace whose table has the mount */
  char *path;     /* BIND: mount point as seen in that mount namespace (owned) */
  uint64_t child; /* CHILD: inode of the child namespace */
};

struct iso_proc;
struct iso_fdpath
{
  pid_t pid;
  int fd;
  char *path;
};
struct iso_cgroup;
struct iso_container;
struct iso_sec;
struct iso_mntview;

/* A namespace, keyed by (dev, ino). */
struct iso_ns
{
  enum ns_type type;
  dev_t dev;
  uint64_t ino;
  uint64_t nsid;         /* NS_GET_ID, 0 when the kernel lacks it */
  uint64_t parent_ino;   /* NS_GET_PARENT (pid and user), 0: none */
  uint64_t owner_ino;    /* NS_GET_USERNS, 0: none or unknown */
  bool parent_unknown;   /* EPERM from NS_GET_PARENT: no access, or no parent */
  bool relations_read;   /* the ioctls above were attempted */
  long owner_uid;        /* NS_GET_OWNER_UID for user namespaces, -1 unknown */
  int netnsid;           /* RTM_GETNSID; NETNSID_UNKNOWN when not read */
  int nprocs;            /* processes (thread-group leaders) in it */
  int nthreads;          /* threads in it */
  struct iso_proc *proc; /* the process with the lowest pid in it, or NULL */
  char *open_path;       /* a path through which it was opened or can be (owned) */
  struct ns_holder *holders;
  size_t nholders;
  int open_errno;              /* why it could not be opened, 0 when it could */
  struct iso_mntview *mntview; /* mount namespaces: the filesystem view (COLLECT_SECURITY), or NULL (owned) */
};
#define NETNSID_UNKNOWN (-1000)
#define NETNSID_UNASSIGNED (-1)

/* Per-object outcome of reading something. */
enum
{
  PROC_ERR_VANISHED = 1 << 0, /* exited while we read it */
  PROC_ERR_DENIED = 1 << 1,   /* some file could not be read: EACCES/EPERM */
};

/* A process, keyed by (pid, start time). */
struct iso_proc
{
  pid_t pid;
  pid_t ppid;
  uint64_t start_time; /* clock ticks after boot, field 22 of stat */
  uint64_t cpu_ticks;  /* utime + stime of every thread, clock ticks, when the scan read stat */
  uint64_t rss_pages;  /* resident set in pages, when the scan read stat */
  char state;
  char comm[64]; /* the kernel's comm (up to 16 bytes), as read */
  char *cmdline; /* arguments joined by spaces; NULL when not read or empty (owned) */
  bool cmdline_read;
  bool status_read;          /* /proc/PID/status was read (the fields below it came from there) */
  long uid, euid, gid, egid; /* -1 when unknown */
  int nthreads;
  pid_t *nspid; /* NSpid: pid in each pid namespace, outermost first (owned) */
  int nnspid;
  uint64_t cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
  bool caps_known;
  int no_new_privs;    /* -1 unknown */
  int seccomp;         /* 0 disabled, 1 strict, 2 filter, -1 unknown */
  int seccomp_filters; /* -1 unknown */
  struct iso_ns *ns[NS_TYPE_COUNT];
  struct iso_ns *pid_for_children, *time_for_children;
  char *cgroup_text;       /* /proc/PID/cgroup as read (owned), NULL when not read; split in place */
  size_t cgroup_len;       /* its length as read (proc_cgroup_text puts the text back together) */
  const char *cgroup_path; /* the path in the primary hierarchy (points into cgroup_text) */
  struct iso_cgroup *
      *cgroups; /* by hierarchy index of the model's cg tree; NULL entries when not found (owned array) */
  struct iso_container *container; /* owned by the model, or NULL */
  struct iso_sec *sec;             /* security context (COLLECT_SECURITY), or NULL (owned) */
  unsigned errors;                 /* PROC_ERR_* */
  int ns_errno;                    /* why ns links could not be read, 0 if they could */
  struct iso_proc *parent;
};

/* Discovery sources that ran. */
enum
{
  SRC_PROC = 1 << 0,
  SRC_TASKS = 1 << 1,
  SRC_FDS = 1 << 2,
  SRC_MOUNTS = 1 << 3,
  SRC_RELATIONS = 1 << 4,
  SRC_NSID = 1 << 5,
  SRC_NETNSID = 1 << 6,
  SRC_CGROUPS = 1 << 7,
};

struct iso_scan
{
  struct timespec time; /* CLOCK_REALTIME when the scan started */
  char kernel[128];
  long viewer_uid;
  uint64_t viewer_pidns; /* inode of the pid namespace the scan's /proc shows, 0 if unknown */
  uint64_t viewer_mntns; /* inode of the viewer's mount namespace, 0 if unknown (always under --sysroot) */
  uint64_t viewer_cap_eff;
  uint64_t all_caps;         /* every capability the scanned kernel knows (0 unknown) */
  char sysroot[256];         /* "" for the live host */
  unsigned sources;          /* SRC_* */
  unsigned nvanished;        /* objects that disappeared mid-scan */
  unsigned ndenied;          /* objects with something the viewer may not read */
  unsigned nmntns_unreached; /* mount namespaces whose mountinfo could not be read */
  double cpu_seconds;        /* CPU the scan itself took */
};

struct cg_tree;
struct iso_container;
struct iso_cgroup;

struct iso_model
{
  struct iso_scan scan;
  struct cg_tree *cg; /* cgroup hierarchies, when collected */
  struct iso_container **containers;
  size_t ncontainers;
  struct iso_proc **procs; /* sorted by pid */
  size_t nprocs;
  struct iso_ns **ns; /* sorted by inode */
  size_t nns;
  dev_t nsfs_dev;
  /* fds whose link is a path: an nsfs file opened through a bind mount reads so; the
     collector resolves them once the bind mounts are known (private to the collector) */
  struct iso_fdpath *fdpaths;
  size_t nfdpaths;
  /* lookup tables (private to model.c) */
  struct iso_hash *proc_by_pid;
  struct iso_hash *ns_by_ino;
};

/* Which optional parts a collection reads. */
enum
{
  COLLECT_TASKS = 1 << 0,     /* per-thread namespaces */
  COLLECT_FDS = 1 << 1,       /* nsfs file descriptors */
  COLLECT_MOUNTS = 1 << 2,    /* nsfs bind mounts in every reachable mount namespace */
  COLLECT_RELATIONS = 1 << 3, /* parent, owner, ns id, owner uid; adds ancestors */
  COLLECT_NETNSID = 1 << 4,   /* rtnetlink NETNSID for every net namespace */
  COLLECT_CMDLINE = 1 << 5,   /* every process's command line */
  COLLECT_STATUS = 1 << 6,    /* every process's status (uids, NSpid, caps, seccomp...); without
                                 it the uid comes from the owner of /proc/PID */
  COLLECT_CGROUPS = 1 << 7,   /* the cgroup tree, every process's cgroups and containers */
  COLLECT_SECURITY = 1 << 8,  /* LSM label, id maps, root, file caps; mount views (implies STATUS) */
  COLLECT_ALL = COLLECT_TASKS | COLLECT_FDS | COLLECT_MOUNTS | COLLECT_RELATIONS | COLLECT_CMDLINE | COLLECT_STATUS
                | COLLECT_CGROUPS | COLLECT_SECURITY,
};

struct iso_collect_opts
{
  const char *sysroot; /* NULL or "" for the live host */
  unsigned flags;      /* COLLECT_* */
};

#include "isoscope/error.h"

/* Build a model of the host.  On success *OUT is owned by the caller (iso_model_free).
   Per-object failures never fail the collection; only a missing /proc does. */
int iso_model_collect (struct iso_model **out, const struct iso_collect_opts *opts, iso_error_t *err);
void iso_model_free (struct iso_model *m);

struct iso_proc *iso_model_find_proc (const struct iso_model *m, pid_t pid);
struct iso_ns *iso_model_find_ns (const struct iso_model *m, uint64_t ino);

/* The container with this engine and id, added to the model if new. */
struct iso_container *iso_model_intern_container (struct iso_model *m, const struct iso_container *c);

/* The host's namespace of TYPE: kthreadd's (pid 2, which never leaves the initial
   namespaces) when it is visible, else the kernel's fixed initial inode.  Never pid 1's. */
uint64_t iso_model_host_ns (const struct iso_model *m, enum ns_type type);
/* Is P in the host's namespace of TYPE?  -1 when unknown. */
int iso_proc_shares_host (const struct iso_model *m, const struct iso_proc *p, enum ns_type type);

/* Resolve a TARGET (PID, PID:INODE, container id or name prefix, cgroup path) to
   processes of the model.  *OUT (owned by the caller, sorted by pid) gets them and
   *N their count; when TARGET names a container or cgroup every process in it
   counts.  No match: status ESRCH; an ambiguous prefix: status EINVAL with the
   candidates named. */
int iso_model_select (const struct iso_model *m, const char *target, struct iso_proc ***out, size_t *n,
                      iso_error_t *err);

/* Model construction (used by collectors). */
struct iso_model *iso_model_new (void);
struct iso_proc *iso_model_add_proc (struct iso_model *m, pid_t pid);
void iso_model_remove_last_proc (struct iso_model *m);
struct iso_ns *iso_model_get_ns (struct iso_model *m, enum ns_type type, uint64_t ino, bool *created);
struct ns_holder *iso_ns_add_holder (struct iso_ns *ns, enum ns_holder_kind kind);
void iso_model_finish (struct iso_model *m); /* sort and link; call once after collecting */
void iso_model_drop_fdpaths (struct iso_model *m);
/* Remove (and free) the processes or namespaces for which GONE returns true, for a model
   that is kept up to date (live.c); nothing else may still point at them.  The order of
   the rest is kept; call iso_model_finish again to re-link parents. */
void iso_model_drop_procs (struct iso_model *m, bool (*gone) (const struct iso_proc *, void *), void *arg);
void iso_model_drop_ns (struct iso_model *m, bool (*gone) (const struct iso_ns *, void *), void *arg);

#endif
