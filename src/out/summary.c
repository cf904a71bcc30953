// SPDX-License-Identifier: GPL-2.0-or-later
/* summary.c: the scan summary (what was read, what vanished mid-scan, what the viewer may not read) in JSON output. */
#define _GNU_SOURCE
#include "isoscope/out.h"
#include "isoscope/cgroup.h"
#include "isoscope/model.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The cgroup half: every key is there whenever the tree was walked. */
static void
add_cgroups (cJSON *o, const struct cg_tree *t)
{
  cJSON_AddNumberToObject (o, "cgroups", (double)t->nall);
  cJSON_AddNumberToObject (o, "vanished_cgroups", t->nvanished);
  cJSON_AddNumberToObject (o, "denied_cgroups", t->ndenied);
}

struct cJSON *
out_scan_json (const struct iso_model *m)
{
  cJSON *o = cJSON_CreateObject ();
  cJSON_AddNumberToObject (o, "processes", (double)m->nprocs);
  cJSON_AddNumberToObject (o, "vanished_processes", m->scan.nvanished);
  cJSON_AddNumberToObject (o, "denied_processes", m->scan.ndenied);
  cJSON_AddNumberToObject (o, "namespaces", (double)m->nns);
  cJSON_AddNumberToObject (o, "unreached_mount_namespaces", m->scan.nmntns_unreached);
  if (m->cg)
    add_cgroups (o, m->cg);
  return o;
}

struct cJSON *
out_cgscan_json (const struct cg_tree *t)
{
  cJSON *o = cJSON_CreateObject ();
  add_cgroups (o, t);
  return o;
}

int
out_scols_print_json (struct libscols_table *tb, const char *key, struct cJSON *extra)
{
  char *text = NULL;
  int r = scols_print_table_to_string (tb, &text);
  /* libsmartcols writes one object, "{ ... }\n": put EXTRA in as its last member. */
  char *end = r == 0 && text ? strrchr (text, '}') : NULL;
  char *more = extra ? cJSON_PrintUnformatted (extra) : NULL;
  cJSON_Delete (extra);
  if (!end || !more)
    {
      free (text);
      cJSON_free (more);
      return r < 0 ? r : -1;
    }
  while (end > text && (end[-1] == '\n' || end[-1] == ' '))
    end--;
  out_json_write (stdout, text, (size_t)(end - text));
  printf (",\n   \"%s\": %s\n}\n", key, more);
  free (text);
  cJSON_free (more);
  return 0;
}
