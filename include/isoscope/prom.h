/* SPDX-License-Identifier: GPL-2.0-or-later */
/* prom.h: the Prometheus metric families of the model, the text exposition writer and its HTTP server. */
#ifndef ISOSCOPE_PROM_H
#define ISOSCOPE_PROM_H

#include <stdbool.h>
#include <signal.h>
#include <stddef.h>

#include "isoscope/cgrows.h"
#include "isoscope/error.h"
#include "isoscope/model.h"
#include "isoscope/util.h"

enum prom_type
{
  PROM_GAUGE,
  PROM_COUNTER,
};

/* What a series is about: this decides its identifying labels. */
enum prom_scope
{
  PSC_HOST,      /* one series per host: no identifying label */
  PSC_NS_TYPE,   /* one per namespace type: type="net" */
  PSC_CGROUP,    /* one per exported cgroup: cgroup="/path" */
  PSC_CONTAINER, /* one per container: container_id="..." (and its info labels) */
};

/* One series of the table.  The entries of a family are adjacent and the first one
   carries its type, unit and help; the others repeat the name with other LABELS. */
struct prom_series
{
  const char *name;    /* isoscope_cgroup_memory_current_bytes */
  enum prom_type type; /* counters are the kernel's monotonic counters and end in _total */
  const char *unit;    /* base unit the name carries ("bytes", "seconds", "ratio"), or "" */
  enum prom_scope scope;
  int src;            /* PSC_CGROUP: a CGF_* field or a PV_* value; else a PV_* value */
  int decimals;       /* the value is the kernel's number divided by 10^DECIMALS */
  const char *labels; /* constant labels of this series ("resource=\"cpu\""), or NULL */
  const char *help;   /* on the first series of a family */
};
extern const struct prom_series prom_series[];
extern const size_t prom_nseries;

/* Values that are not cgroup fields. */
enum
{
  PV_CG_PROCS = 1000, /* processes in the cgroup */
  PV_CG_THREADS,
  PV_NS_COUNT,        /* namespaces of a type */
  PV_NS_OUTSIDE_HOST, /* processes not in the host's namespace of a type */
  PV_PROCS,
  PV_CONTAINERS,
  PV_CGROUPS,
  PV_CGROUPS_EXPORTED,
  PV_SCAN_TIME,
  PV_SCAN_CPU,
  PV_SCAN_VANISHED,
  PV_SCAN_DENIED,
  PV_HOST_INFO,
  PV_CT_INFO,
  PV_CT_CAPS,
  PV_CT_PROCS,
};

/* Which cgroups become series.  By default: the root, the top level, every container's and
   pod's cgroup, and every cgroup with a memory, pids or CPU limit that has processes in its
   subtree; ALL takes every cgroup; DEPTH (>= 0) drops every cgroup deeper than that. */
struct prom_opts
{
  bool all;
  int depth; /* -1: no limit */
};

/* The exposition (text format 0.0.4) of model M and its cgroup rows ROWS (NULL when the
   host has no cgroup filesystem) into OUT.  Families without a sample are left out. */
void prom_render (struct strbuf *out, const struct iso_model *m, const struct cg_rows *rows, const struct prom_opts *o);

/* A label value as the format wants it: backslash, double quote and newline escaped;
   bytes that are not UTF-8 become U+FFFD. */
void prom_escape_label (struct strbuf *out, const char *value);

/* Lines "NAME TYPE UNIT HELP" (UNIT "-" when none), one per family: `metrics --list-metrics`. */
void prom_list_families (FILE *out);

/* ---- the HTTP endpoint (prom_http.c) ---- */

/* Produce one exposition; return a malloc'd text (the server frees it) or NULL on failure. */
typedef char *(*prom_scrape_fn) (void *arg, size_t *len);

struct prom_http_opts
{
  const char *listen;       /* "[ADDR:]PORT", "[V6ADDR]:PORT"; no ADDR: 127.0.0.1 */
  unsigned max_connections; /* at once; more are refused */
  size_t conn_memory;       /* bytes of request buffer per connection */
  unsigned timeout;         /* seconds an idle connection is kept */
};

/* Serve GET /metrics (and HEAD) until SIGTERM, SIGINT or SIGHUP arrives; other paths get 404,
   other methods 405.  Blocks those signals in the calling thread.  0 after a clean stop. */
int prom_http_serve (const struct prom_http_opts *o, prom_scrape_fn scrape, void *arg, iso_error_t *err);

/* Block SIGTERM, SIGINT and SIGHUP, the signals that stop a serving isoscope; STOP gets
   them and OLD the mask before. */
void prom_block_stop_signals (sigset_t *stop, sigset_t *old);

/* Parse "[ADDR:]PORT" into a socket address (exposed for the tests).  0 or -EINVAL. */
struct sockaddr_storage;
int prom_parse_listen (const char *text, struct sockaddr_storage *ss, iso_error_t *err);

#endif
