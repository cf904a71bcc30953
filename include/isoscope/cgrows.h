/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgrows.h: cgroups as rows, one per path merged across hierarchies, and rates between two samples. */
#ifndef ISOSCOPE_CGROWS_H
#define ISOSCOPE_CGROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isoscope/cgroup.h"
#include "isoscope/container.h"
#include "isoscope/error.h"

/* One cgroup path.  On v1 and hybrid hosts every controller is a tree of its own
   with the same paths; a row takes each value from the hierarchy that has it, v1
   controllers first (the unified tree of a hybrid host holds only core files). */
struct cg_row
{
  char *path;                /* owned */
  struct iso_cgroup **per_h; /* by hierarchy index, NULL where the path does not exist (owned array) */
  struct cg_val f[CGF_COUNT];
  int nprocs, nthreads, frozen, populated; /* -1 unknown */
  int subtree_procs;                       /* processes here and below */
  struct cg_row *parent;
  struct cg_row **children; /* in path order (owned array) */
  size_t nchildren;
  int depth;      /* 0 for "/" */
  bool recreated; /* a hierarchy's inode changed between the two samples */
  bool has_rates;
  double cpu_pct, cpu_quota_pct, throttled_pct, io_rbps, io_wbps;
  bool cpu_quota_known, throttled_known, io_known;
  uint64_t oom_kill_delta;
  bool oom_delta_known;
  struct iso_container container; /* the container its path names, when has_container */
  bool has_container;
  const char *cpuset_cpus;           /* borrowed from a hierarchy's cgroup */
  const struct iso_cgroup *iodev_of; /* the hierarchy's cgroup with per-device IO, or NULL (borrowed) */
  unsigned errors;                   /* CGERR_* of every hierarchy */
  void *out;                         /* scratch for a renderer (a table line, a JSON object) */
};

struct cg_rows
{
  struct cg_tree *t;    /* owned */
  struct cg_row **rows; /* in path order: parents before children, "/a/b" before "/a-b" */
  size_t nrows;
};

/* Collect the cgroup tree under SYSROOT (NULL for the live host) and merge it into
   rows.  CONTROLLER (or NULL) keeps only the hierarchies that have it ("unified"
   names the cgroup2 tree).  ENOENT when there is no cgroup filesystem or no such
   controller.  Release with cg_rows_free, also after a failure. */
int cg_rows_collect (struct cg_rows *v, const char *sysroot, const char *controller, iso_error_t *err);
/* The same, reading only the files that feed FIELDS (see cg_tree_collect_fields). */
int cg_rows_collect_fields (struct cg_rows *v, const char *sysroot, const char *controller, uint64_t fields,
                            iso_error_t *err);
/* The same on a tree collected already (the model's): V takes T over, also on failure. */
int cg_rows_from_tree (struct cg_rows *v, struct cg_tree *t, const char *controller, iso_error_t *err);
void cg_rows_free (struct cg_rows *v);

/* The row of PATH, or NULL. */
struct cg_row *cg_rows_find (const struct cg_rows *v, const char *path);

/* Rates of NOW against BEFORE, SECONDS earlier: only for rows whose cgroups kept their
   inode in every hierarchy (a row re-created in between is marked and gets none). */
void cg_rows_rates (struct cg_rows *now, const struct cg_rows *before, double seconds);

/* The inode that identifies a row: its cgroup's in the first hierarchy that has it. */
uint64_t cg_row_ino (const struct cg_row *r);

/* The path order of rows (strcmp, except that '/' sorts before every other byte). */
int cg_path_cmp (const char *a, const char *b);

#endif
