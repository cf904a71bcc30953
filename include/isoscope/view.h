/* SPDX-License-Identifier: GPL-2.0-or-later */
/* view.h: the rows and columns of top's views over the live model, shared by the TUI and --batch (no curses). */
#ifndef ISOSCOPE_VIEW_H
#define ISOSCOPE_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isoscope/live.h"
#include "isoscope/util.h"

enum view_id
{
  VIEW_PROCS,
  VIEW_NS,
  VIEW_CGROUPS,
  VIEW_CONTAINERS,
  VIEW_COUNT
};

enum row_kind
{
  ROW_PROC,
  ROW_NS,
  ROW_CGROUP,
  ROW_CONTAINER,
};

/* What a row is, across refreshes: PROC pid + start time; NS inode; CGROUP path +
   inode; CONTAINER id.  S is borrowed from the row (or owned by whoever
   keeps the key: view_key_copy). */
struct view_key
{
  enum row_kind kind;
  uint64_t a, b;
  uint64_t up; /* a process listed under a namespace or container: that one's a */
  const char *s;
};

enum
{
  ROWF_KIDS = 1 << 0,     /* has children (shown or not) */
  ROWF_OPEN = 1 << 1,     /* its children are shown */
  ROWF_LAST = 1 << 2,     /* the last of its siblings */
  ROWF_CONTEXT = 1 << 3,  /* shown only because something below it matches the filter */
  ROWF_ATTACHED = 1 << 4, /* a process listed under its namespace or container */
};

struct view_row
{
  enum row_kind kind;
  unsigned flags;  /* ROWF_* */
  int depth;       /* 0 at the top */
  uint64_t up;     /* ROWF_ATTACHED: the identity of the row it is listed under (view_key.up) */
  uint64_t guides; /* bit d: the ancestor at depth d has siblings after it (a line goes on down) */
  union
  {
    struct live_proc *proc;
    struct iso_ns *ns;
    struct cg_row *cg;
    struct live_container *ct;
  };
};

/* One value of a cell, typed for JSON and sorting. */
enum view_vtype
{
  VV_NONE, /* unknown or not applicable: "-", JSON null */
  VV_INT,
  VV_NUM,
  VV_STR,
  VV_BOOL,
};
struct view_val
{
  enum view_vtype type;
  int64_t i;
  double d;
  const char *s; /* VV_STR: borrowed, or buf */
  bool max;      /* a limit that is "max" (unlimited) */
  bool stale;    /* older than its refresh period allows */
  char buf[96];
};

enum view_fmt
{
  VF_INT,
  VF_PCT,   /* one decimal */
  VF_BYTES, /* 1.5G */
  VF_RATE,  /* bytes per second, 1.5M */
  VF_PSI,   /* two decimals */
  VF_STR,
};

struct view;
struct view_col
{
  const char *name; /* header, and the name --sort and the sort keys use */
  const char *json; /* NDJSON key */
  int width;        /* 0: takes what the other columns leave (one per view) */
  bool left;        /* left-aligned (text) */
  int min_cols;     /* shown on terminals at least this wide (batch shows all) */
  bool tree;        /* carries the tree guides */
  enum view_fmt fmt;
  const char *help;
  void (*get) (const struct view *, const struct view_row *, struct view_val *);
};

struct view_def
{
  const char *name;  /* "processes": --view and the NDJSON "view" */
  const char *title; /* "Processes" */
  const struct view_col *cols;
  size_t ncols;
  int sort_col; /* default sort, and whether it is descending */
  bool sort_desc;
  bool tree;     /* tree mode by default */
  unsigned want; /* LIVE_* that the view reads every tick */
  const char *help;
  /* Fill the nodes of the view (view.c lays them out). */
  void (*build) (struct view *v);
  /* Text that / and \ search in. */
  void (*search_text) (const struct view *v, const struct view_row *r, struct strbuf *out);
};

extern const struct view_def *const view_defs[VIEW_COUNT];
int view_by_name (const char *name); /* -1 when unknown */

/* A node while rows are built: a row plus where it hangs in the tree. */
struct view_node
{
  struct view_row row;
  int parent;        /* index of the parent node, -1 at the top */
  int first, next;   /* first child, next sibling (-1: none) */
  double key;        /* numeric sort key */
  bool match, shown; /* filter */
};

struct view_toggle
{
  char *key; /* view_key_text */
};

struct view
{
  const struct view_def *def;
  struct iso_live *live;
  struct view_row *rows; /* what is shown, in order */
  size_t nrows;
  int sort_col;
  bool sort_desc;
  bool tree;
  bool all;                    /* cgroups: also those without processes */
  int depth;                   /* cgroups: open down to this depth by default (-1: all) */
  bool full_paths;             /* cgroup paths in full even in a tree (JSON) */
  char *filter;                /* rows must contain it (case-insensitive), or NULL */
  struct view_toggle *toggles; /* rows opened or closed against the default */
  size_t ntoggles;
  size_t ntotal; /* rows before filtering (for "12 of 340") */
  /* private */
  struct view_node *nodes;
  size_t nnodes, cap;
};

void view_init (struct view *v, enum view_id id, struct iso_live *live);
void view_release (struct view *v);

/* Lay the rows out from the live model's current state. */
void view_build (struct view *v);

/* Used by the build hooks: add a node, return its index. */
int view_add (struct view *v, enum row_kind kind, void *obj, int parent, unsigned flags);
/* Is the row open (its children shown)?  DEFAULT is what it is without a toggle. */
bool view_is_open (const struct view *v, const struct view_row *r, bool dflt);
/* Are the processes of a namespace or container row listed under it? */
bool view_procs_shown (const struct view *v, const struct view_row *r);

void view_key (const struct view_row *r, struct view_key *k);
bool view_key_eq (const struct view_key *a, const struct view_key *b);
void view_key_copy (struct view_key *dst, const struct view_key *src); /* dst->s owned: view_key_clear */
void view_key_clear (struct view_key *k);
/* The index of the row with key K, or -1. */
long view_find (const struct view *v, const struct view_key *k);

/* Expand (1), collapse (-1) or flip (0) row R.  A namespace or container row first
   lists its processes, then (collapsing) hides them, then its child namespaces. */
void view_set_open (struct view *v, const struct view_row *r, int how);
void view_clear_toggles (struct view *v);

/* The text of cell COL of R ("-" unknown, "max" unlimited), without tree guides. */
void view_cell (const struct view *v, const struct view_row *r, int col, char *buf, size_t size);
/* The typed value of that cell (JSON, sorting). */
void view_value (const struct view *v, const struct view_row *r, int col, struct view_val *val);
/* Does R contain NEEDLE (case-insensitive)? */
bool view_row_matches (const struct view *v, const struct view_row *r, const char *needle);

/* Tree guides before a tree cell: "├─ " etc., or the ASCII forms. */
void view_tree_prefix (const struct view_row *r, bool utf8, struct strbuf *out);

/* The header: two lines of host summary. */
void view_header (const struct view *v, char *line1, size_t n1, char *line2, size_t n2);

/* The fields of a process, for every view that lists processes. */
enum view_pfield
{
  PF_PID,
  PF_INSIDE,
  PF_PPID,
  PF_USER,
  PF_STATE,
  PF_THREADS,
  PF_CPU,
  PF_RSS,
  PF_NS,
  PF_CAPS,
  PF_SECCOMP,
  PF_NNP,
  PF_CONTAINER,
  PF_CGROUP,
  PF_COMMAND,
};
void view_proc_field (const struct view *v, const struct live_proc *lp, enum view_pfield f, struct view_val *val);
void view_proc_search (const struct live_proc *lp, struct strbuf *out);

uint64_t view_hash (const char *s);

/* Formatting shared by the views. */
void view_fmt_bytes (uint64_t v, char *buf, size_t size);

/* Helpers for the build hooks and cells. */
const char *view_ns_flags (const struct iso_live *l, const struct live_proc *lp, char out[NS_TYPE_COUNT + 1]);
const char *view_command (const struct iso_proc *p, char *buf, size_t size);

extern const struct view_def view_procs_def, view_ns_def, view_cgroups_def, view_containers_def;

#endif
