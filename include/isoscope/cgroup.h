/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup.h: cgroup hierarchies (v1, v2, hybrid), their cgroups and the values of every controller. */
#ifndef ISOSCOPE_CGROUP_H
#define ISOSCOPE_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isoscope/error.h"

enum cg_mode
{
  CG_MODE_NONE,   /* no cgroup filesystem found */
  CG_MODE_V1,     /* legacy: only v1 hierarchies */
  CG_MODE_HYBRID, /* v1 controllers plus a cgroup2 hierarchy at unified/ */
  CG_MODE_V2,     /* pure cgroup v2 */
};
const char *cg_mode_name (enum cg_mode m);

/* Every value isoscope reads from a cgroup.  The JSON names follow the kernel's v2
   file and key names with dots as underscores; v1 files map into the same fields. */
enum cg_field
{
  CGF_MEMORY_CURRENT,
  CGF_MEMORY_MAX,
  CGF_MEMORY_HIGH,
  CGF_MEMORY_LOW,
  CGF_MEMORY_MIN,
  CGF_MEMORY_PEAK,
  CGF_MEMORY_SWAP_CURRENT,
  CGF_MEMORY_SWAP_MAX,
  CGF_MEMORY_STAT_ANON,
  CGF_MEMORY_STAT_FILE,
  CGF_MEMORY_STAT_INACTIVE_FILE,
  CGF_MEMORY_WORKING_SET, /* derived: current - inactive_file */
  CGF_MEMORY_EVENTS_LOW,
  CGF_MEMORY_EVENTS_HIGH,
  CGF_MEMORY_EVENTS_MAX,
  CGF_MEMORY_EVENTS_OOM,
  CGF_MEMORY_EVENTS_OOM_KILL,
  CGF_CPU_WEIGHT,
  CGF_CPU_MAX_QUOTA_USEC,
  CGF_CPU_MAX_PERIOD_USEC,
  CGF_CPU_STAT_USAGE_USEC,
  CGF_CPU_STAT_USER_USEC,
  CGF_CPU_STAT_SYSTEM_USEC,
  CGF_CPU_STAT_NR_PERIODS,
  CGF_CPU_STAT_NR_THROTTLED,
  CGF_CPU_STAT_THROTTLED_USEC,
  CGF_PIDS_CURRENT,
  CGF_PIDS_MAX,
  CGF_PIDS_EVENTS_MAX,
  CGF_IO_WEIGHT,
  CGF_IO_STAT_RBYTES,
  CGF_IO_STAT_WBYTES,
  CGF_IO_STAT_RIOS,
  CGF_IO_STAT_WIOS,
  CGF_PSI_CPU_SOME_AVG10,
  CGF_PSI_CPU_SOME_AVG60,
  CGF_PSI_CPU_SOME_AVG300,
  CGF_PSI_CPU_SOME_TOTAL,
  CGF_PSI_CPU_FULL_AVG10,
  CGF_PSI_CPU_FULL_AVG60,
  CGF_PSI_CPU_FULL_AVG300,
  CGF_PSI_CPU_FULL_TOTAL,
  CGF_PSI_MEMORY_SOME_AVG10,
  CGF_PSI_MEMORY_SOME_AVG60,
  CGF_PSI_MEMORY_SOME_AVG300,
  CGF_PSI_MEMORY_SOME_TOTAL,
  CGF_PSI_MEMORY_FULL_AVG10,
  CGF_PSI_MEMORY_FULL_AVG60,
  CGF_PSI_MEMORY_FULL_AVG300,
  CGF_PSI_MEMORY_FULL_TOTAL,
  CGF_PSI_IO_SOME_AVG10,
  CGF_PSI_IO_SOME_AVG60,
  CGF_PSI_IO_SOME_AVG300,
  CGF_PSI_IO_SOME_TOTAL,
  CGF_PSI_IO_FULL_AVG10,
  CGF_PSI_IO_FULL_AVG60,
  CGF_PSI_IO_FULL_AVG300,
  CGF_PSI_IO_FULL_TOTAL,
  CGF_COUNT
};

/* A value: absent (the kernel has no such file or key here), a number, or "max". */
enum cg_state
{
  CGV_ABSENT = 0,
  CGV_SET,
  CGV_MAX,
};
struct cg_val
{
  uint8_t state;
  bool is_float; /* PSI averages are percentages with two decimals: v is hundredths */
  uint64_t v;
};

enum cg_unit
{
  CGU_BYTES,
  CGU_COUNT,
  CGU_USEC,
  CGU_WEIGHT,
  CGU_PERCENT, /* hundredths of a percent */
};

struct cg_field_info
{
  const char *json; /* memory_current */
  enum cg_unit unit;
  bool has_max;           /* "max" (unlimited) is a valid value: JSON null */
  const char *controller; /* which controller provides it: memory cpu pids io psi */
  const char *help;
};
extern const struct cg_field_info cg_fields[CGF_COUNT];

struct cg_hierarchy
{
  bool v2;
  char *name;        /* directory under /sys/fs/cgroup: "memory", "cpu,cpuacct", "unified", "" for pure v2 */
  char *controllers; /* as /proc/PID/cgroup names them: "memory", "cpu,cpuacct", "name=systemd", "" for v2 */
  char *dir;         /* path of its root (owned) */
  struct iso_cgroup *root;
};

enum
{
  CGERR_VANISHED = 1 << 0,
  CGERR_DENIED = 1 << 1,
  CGERR_THREADED = 1 << 2, /* cgroup.procs refused with EOPNOTSUPP */
};

/* One block device's IO in a cgroup: totals and the limits set on it (io.max, or v1's
   blkio.throttle.*_device).  Absent values stay CGV_ABSENT; "max" is CGV_MAX. */
enum cg_iodev_field
{
  CGIO_RBYTES,
  CGIO_WBYTES,
  CGIO_RIOS,
  CGIO_WIOS,
  CGIO_RBPS_MAX,
  CGIO_WBPS_MAX,
  CGIO_RIOPS_MAX,
  CGIO_WIOPS_MAX,
  CGIO_COUNT
};
extern const char *const cg_iodev_names[CGIO_COUNT]; /* JSON keys: rbytes ... wiops_max */
struct cg_iodev
{
  unsigned major, minor;
  struct cg_val v[CGIO_COUNT];
};

struct iso_cgroup
{
  struct cg_hierarchy *h;
  char *path; /* relative to the hierarchy root, "/" for the root (owned) */
  uint64_t ino;
  struct iso_cgroup *parent;
  struct iso_cgroup **children;
  size_t nchildren;
  int nprocs, nthreads;            /* -1 unknown */
  int populated;                   /* cgroup.events populated (v2), -1 unknown */
  int frozen;                      /* cgroup.events frozen (v2) or freezer.state FROZEN (v1), -1 unknown */
  char type[24];                   /* cgroup.type (v2): domain, domain threaded, threaded, domain invalid */
  char *cpuset_cpus, *cpuset_mems; /* effective (owned) */
  struct cg_iodev *iodev;          /* per block device (owned) */
  size_t niodev;
  struct cg_val f[CGF_COUNT];
  unsigned errors; /* CGERR_* */
};

struct cg_tree
{
  enum cg_mode mode;
  char *root; /* the cgroup filesystem root ("/sys/fs/cgroup" under the sysroot) (owned) */
  struct cg_hierarchy *h;
  size_t nh;
  struct iso_cgroup **all; /* every cgroup, in walk order (parents before children) */
  size_t nall;
  unsigned nvanished, ndenied;
  uint64_t fields;           /* what was asked for (0: everything) */
  struct iso_cgroup **index; /* by (hierarchy, path); private to cgroup.c */
  size_t index_cap;
};

/* Walk every hierarchy under SYSROOT/sys/fs/cgroup (SYSROOT may be NULL). */
int cg_tree_collect (struct cg_tree **out, const char *sysroot, iso_error_t *err);
/* The same, reading only the files that feed FIELDS (a mask of 1 << CGF_*; 0 for all;
   CG_FIELDS_CPUSET asks for the effective cpuset too). */
int cg_tree_collect_fields (struct cg_tree **out, const char *sysroot, uint64_t fields, iso_error_t *err);
#define CG_FIELDS_CPUSET (1ULL << 63)
_Static_assert(CGF_COUNT < 63, "cgroup fields must fit a 64-bit mask beside CG_FIELDS_CPUSET");
/* Building a tree by hand (the snapshot loader): a hierarchy, a cgroup under PARENT
   (NULL for the root), then the index that cg_tree_find uses, once every cgroup is in. */
struct cg_hierarchy *cg_tree_add_hierarchy (struct cg_tree *t, bool v2, const char *name);
struct iso_cgroup *cg_tree_add (struct cg_tree *t, struct cg_hierarchy *h, struct iso_cgroup *parent, const char *path);
void cg_tree_index (struct cg_tree *t);
/* FIELDS plus every field read from the same files (what a collection of FIELDS fills). */
uint64_t cg_fields_expand (uint64_t fields);
/* Processes and threads of CG, read now (the walk counts each path in one hierarchy only).
   Returns 1 when this found CG removed (and marked it CGERR_VANISHED), else 0. */
int cg_count_members (struct iso_cgroup *cg);
/* The cgroup layout of the host without walking it. */
enum cg_mode cg_detect_mode (const char *sysroot);
void cg_tree_free (struct cg_tree *t);

/* The hierarchy a /proc/PID/cgroup line names ("4:memory:/x" → memory), or NULL. */
struct cg_hierarchy *cg_tree_find_hierarchy (const struct cg_tree *t, const char *controllers, bool v2);
struct iso_cgroup *cg_tree_find (const struct cg_tree *t, const struct cg_hierarchy *h, const char *path);

/* Parsers of the kernel's cgroup files (exposed for the tests). */
int cg_parse_value (const char *text, struct cg_val *out);                  /* "123\n" or "max\n" */
int cg_parse_keyed (const char *text, const char *key, struct cg_val *out); /* "key value" lines */
int cg_parse_cpu_max (const char *text, struct cg_val *quota, struct cg_val *period);
int cg_parse_psi (const char *text, struct cg_val vals[8]); /* some avg10 avg60 avg300 total, then full */
int cg_parse_io_stat (const char *text, struct cg_val *rbytes, struct cg_val *wbytes, struct cg_val *rios,
                      struct cg_val *wios);
int cg_parse_blkio (const char *text, struct cg_val *read, struct cg_val *write); /* "MAJ:MIN Read N" lines */

/* TEXT as the cgroup file FILE of a v2 (V2) or v1 hierarchy into CG->f, through every row of
   the table of files the walk reads (cg_sources in cgroup.c).  Returns how many rows read
   FILE: 0 when isoscope does not read it.  Exposed for the fuzz target. */
int cg_parse_file (struct iso_cgroup *cg, bool v2, const char *file, const char *text);

/* Per-device IO files into CG's device list: v2 io.stat ("MAJ:MIN rbytes=N ...") and io.max
   ("MAJ:MIN rbps=max ..."); v1 "MAJ:MIN Read N" lines (BYTES or IOS) and "MAJ:MIN N" limit
   lines (LIMIT names the field).  0 or -EINVAL. */
int cg_parse_iodev_keyed (const char *text, struct iso_cgroup *cg);
int cg_parse_iodev_blkio (const char *text, struct iso_cgroup *cg, bool ios);
int cg_parse_iodev_limit (const char *text, struct iso_cgroup *cg, enum cg_iodev_field limit);

/* One line of /proc/PID/cgroup: ID, controllers and path.  The strings point into LINE. */
int cg_parse_proc_line (char *line, int *id, const char **controllers, const char **path);

#endif
