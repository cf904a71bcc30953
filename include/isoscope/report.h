/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report.h: one process's isolation as a list of facts, layer by layer against the host, with findings. */
#ifndef ISOSCOPE_REPORT_H
#define ISOSCOPE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "isoscope/model.h"

/* The layers, in the order the isolation is built up. */
enum report_layer
{
  REPORT_PROCESS,
  REPORT_NAMESPACES,
  REPORT_USER,
  REPORT_CGROUP,
  REPORT_ROOTFS,
  REPORT_CAPS,
  REPORT_CONFINEMENT,
  REPORT_LAYER_COUNT
};

/* One fact about a target: which layer, what, its value, and the host's value where a
   comparison means something (NULL otherwise).  Both strings are owned by the report. */
struct report_fact
{
  enum report_layer layer;
  const char *field;
  char *value;
  char *host;
};

struct report_finding
{
  const char *id;
  char *text; /* owned */
};

struct report
{
  struct iso_proc *p; /* borrowed from the model */
  char *target;       /* as the user named it (owned) */
  struct report_fact *facts;
  size_t nfacts;
  struct report_finding *findings;
  size_t nfindings;
  bool isolated;        /* in a container, or in a mount or pid namespace of its own */
  bool isolation_known; /* false: not isolated as far as the viewer could read (mnt or pid unreadable) */
};

/* Fill R with the facts of P (a process of M) and the findings.  TARGET names it in
   the output.  Facts the model lacks (no status, no security context, no cgroup tree)
   are left out or shown as "-".  Release with report_free. */
void report_build (const struct iso_model *m, struct iso_proc *p, const char *target, struct report *r);
void report_free (struct report *r);

/* "namespaces", "user mapping"...: for people; and the JSON key of each layer. */
const char *report_layer_name (enum report_layer l);
const char *report_layer_key (enum report_layer l);

/* The text form that `isoscope explain` prints: a fact's host value follows it as
   "[host: VALUE]" when report_fact_shows_host says it adds something. */
bool report_fact_shows_host (const struct report_fact *f);
void report_print (FILE *out, const struct report *r);

#endif
