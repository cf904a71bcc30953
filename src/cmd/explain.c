// SPDX-License-Identifier: GPL-2.0-or-later
/* explain.c: `isoscope explain` (one target layer by layer, against the host) and `isoscope diff` (two targets). */
#define _GNU_SOURCE
#include "isoscope/cgroup.h"
#include "isoscope/cli.h"
#include "isoscope/container.h"
#include "isoscope/error.h"
#include "isoscope/model.h"
#include "isoscope/ns.h"
#include "isoscope/out.h"
#include "isoscope/report.h"
#include "isoscope/security.h"
#include "isoscope/util.h"

#include <cJSON.h>

#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>

/* ---- output ---- */

static cJSON *
report_json (const struct report *r)
{
  cJSON *o = cJSON_CreateObject ();
  cJSON_AddStringToObject (o, "target", r->target);
  cJSON_AddNumberToObject (o, "pid", r->p->pid);
  if (r->isolation_known)
    cJSON_AddBoolToObject (o, "isolated", r->isolated);
  else
    cJSON_AddNullToObject (o, "isolated");
  cJSON *layers = cJSON_AddObjectToObject (o, "layers");
  for (int l = 0; l < REPORT_LAYER_COUNT; l++)
    {
      cJSON *lo = cJSON_AddObjectToObject (layers, report_layer_key (l));
      for (size_t i = 0; i < r->nfacts; i++)
        if (r->facts[i].layer == (enum report_layer)l)
          {
            if (!r->facts[i].host)
              cJSON_AddStringToObject (lo, r->facts[i].field, r->facts[i].value);
            else
              {
                cJSON *f = cJSON_AddObjectToObject (lo, r->facts[i].field);
                cJSON_AddStringToObject (f, "value", r->facts[i].value);
                cJSON_AddStringToObject (f, "host", r->facts[i].host);
              }
          }
    }
  cJSON *fa = cJSON_AddArrayToObject (o, "findings");
  for (size_t i = 0; i < r->nfindings; i++)
    {
      cJSON *f = cJSON_CreateObject ();
      cJSON_AddStringToObject (f, "id", r->findings[i].id);
      cJSON_AddStringToObject (f, "reason", r->findings[i].text);
      cJSON_AddItemToArray (fa, f);
    }
  return o;
}

static void
print_json (cJSON *doc)
{
  char *s = cJSON_Print (doc);
  out_json_write (stdout, s, strlen (s));
  putchar ('\n');
  free (s);
  cJSON_Delete (doc);
}

/* ---- commands ---- */

const struct cli_opt explain_opts[] = {
  { "json", 'J', no_argument, NULL, "print JSON" },
  { NULL, 0, 0, NULL, NULL },
};
const struct cli_opt diff_opts[] = {
  { "json", 'J', no_argument, NULL, "print JSON" },
  { "all", 'a', no_argument, NULL, "show the facts that are equal too" },
  { NULL, 0, 0, NULL, NULL },
};

/* Collect everything, then pick the target's representative: the lowest pid it names. */
static int
resolve (const char *cmd, struct iso_model **m, const char *target, struct iso_proc **out)
{
  cleanup_error iso_error_t err = NULL;
  if (!*m)
    {
      struct iso_collect_opts co = { .sysroot = iso_global.sysroot,
                                     .flags = COLLECT_STATUS | COLLECT_CMDLINE | COLLECT_CGROUPS | COLLECT_SECURITY };
      if (iso_model_collect (m, &co, &err) < 0)
        {
          fprintf (stderr, "isoscope %s: %s\n", cmd, err->msg);
          return ISO_EXIT_FAILURE;
        }
    }
  struct iso_proc **sel = NULL;
  size_t n = 0;
  if (iso_model_select (*m, target, &sel, &n, &err) < 0)
    {
      fprintf (stderr, "isoscope %s: %s\n", cmd, err->msg);
      return err->status == EINVAL ? ISO_EXIT_FAILURE : ISO_EXIT_NOT_FOUND;
    }
  struct iso_proc *best = sel[0];
  for (size_t i = 1; i < n; i++)
    if (sel[i]->pid < best->pid)
      best = sel[i];
  free (sel);
  *out = best;
  return ISO_EXIT_OK;
}

static int
parse (const char *cmd, const struct cli_opt *opts, int argc, char **argv, bool *json, bool *all, int nargs)
{
  cleanup_parser struct cli_parser parser;
  cli_parser_init (&parser, opts);
  int opt;
  while ((opt = cli_getopt (&parser, argc, argv)) != -1)
    {
      if (cli_global_option (opt, optarg))
        continue;
      switch (opt)
        {
        case 'J':
          *json = true;
          break;
        case 'a':
          *all = true;
          break;
        case 'h':
          if (nargs == 1)
            fputs ("Usage:\n isoscope explain [options] TARGET\n\n"
                   "One process or container, layer by layer: namespaces, user mapping, cgroup and limits,\n"
                   "root filesystem, capabilities, seccomp, no_new_privs and LSM, each against the host,\n"
                   "then the findings a security reviewer would flag.  TARGET is a PID, PID:INODE, a\n"
                   "container id prefix (a name prefix for LXC and nspawn), or a cgroup path (its lowest\n"
                   "pid is shown).\n",
                   stdout);
          else
            fputs ("Usage:\n isoscope diff [options] TARGET-A TARGET-B\n\n"
                   "What differs between the isolation of two targets, layer by layer.\n",
                   stdout);
          cli_print_options (stdout, opts);
          fputs ("\nExit status: 0 success, 1 bad usage or failure, 2 a target was not found.\n", stdout);
          printf ("For more details see isoscope-%s(1).\n", cmd);
          return -2;
        default:
          return cli_try_help (cmd);
        }
    }
  if (argc - optind != nargs)
    {
      fprintf (stderr, "isoscope %s: %s\n", cmd, nargs == 1 ? "one TARGET is needed" : "two TARGETs are needed");
      return cli_try_help (cmd);
    }
  return 0;
}

int
cmd_explain (int argc, char **argv)
{
  bool json = false, all = false;
  int r = parse ("explain", explain_opts, argc, argv, &json, &all, 1);
  if (r)
    return r == -2 ? ISO_EXIT_OK : r;
  struct iso_model *m = NULL;
  struct iso_proc *p;
  int rc = resolve ("explain", &m, argv[optind], &p);
  if (rc == ISO_EXIT_OK)
    {
      struct report rep;
      report_build (m, p, argv[optind], &rep);
      if (json)
        {
          cJSON *doc = report_json (&rep);
          cJSON_AddItemToObject (doc, "scan", out_scan_json (m));
          print_json (doc);
        }
      else
        report_print (stdout, &rep);
      report_free (&rep);
      fflush (stdout);
      /* Say what is missing rather than let a partial report pass for a whole one. */
      if (!p->ns[NS_MNT] || !p->ns[NS_USER] || (p->errors & PROC_ERR_DENIED))
        fprintf (stderr, "isoscope explain: pid %d could not be fully inspected (%s): the report is incomplete%s\n",
                 (int)p->pid, p->ns_errno ? strerror (p->ns_errno) : "permission denied",
                 m->scan.viewer_uid != 0 ? "; run as root to see everything" : "");
    }
  iso_model_free (m);
  return rc;
}

int
cmd_diff (int argc, char **argv)
{
  bool json = false, all = false;
  int r = parse ("diff", diff_opts, argc, argv, &json, &all, 2);
  if (r)
    return r == -2 ? ISO_EXIT_OK : r;
  struct iso_model *m = NULL;
  struct iso_proc *pa, *pb;
  int rc = resolve ("diff", &m, argv[optind], &pa);
  if (rc == ISO_EXIT_OK)
    rc = resolve ("diff", &m, argv[optind + 1], &pb);
  if (rc != ISO_EXIT_OK)
    {
      iso_model_free (m);
      return rc;
    }
  struct report a, b;
  report_build (m, pa, argv[optind], &a);
  report_build (m, pb, argv[optind + 1], &b);
  cJSON *doc = json ? cJSON_CreateObject () : NULL, *arr = NULL;
  if (doc)
    {
      cJSON_AddStringToObject (doc, "a", a.target);
      cJSON_AddStringToObject (doc, "b", b.target);
      arr = cJSON_AddArrayToObject (doc, "differences");
    }
  else
    printf ("%-14s %-22s %-34s %s\n", "LAYER", "FIELD", argv[optind], argv[optind + 1]);
  int ndiff = 0;
  /* Facts of A, matched with B's by layer and field; then B's that A lacks. */
  for (int pass = 0; pass < 2; pass++)
    {
      struct report *x = pass ? &b : &a, *y = pass ? &a : &b;
      for (size_t i = 0; i < x->nfacts; i++)
        {
          const struct report_fact *fx = &x->facts[i], *fy = NULL;
          for (size_t j = 0; j < y->nfacts && !fy; j++)
            if (y->facts[j].layer == fx->layer && strcmp (y->facts[j].field, fx->field) == 0)
              fy = &y->facts[j];
          if (pass == 1 && fy)
            continue;
          if (fx->layer == REPORT_PROCESS && (strcmp (fx->field, "pid") == 0 || strcmp (fx->field, "command") == 0)
              && !all)
            continue;
          const char *va = pass ? (fy ? fy->value : "-") : fx->value;
          const char *vb = pass ? fx->value : (fy ? fy->value : "-");
          bool same = strcmp (va, vb) == 0;
          if (same && !all)
            continue;
          ndiff += !same;
          if (doc)
            {
              cJSON *d = cJSON_CreateObject ();
              cJSON_AddStringToObject (d, "layer", report_layer_key (fx->layer));
              cJSON_AddStringToObject (d, "field", fx->field);
              cJSON_AddStringToObject (d, "a", va);
              cJSON_AddStringToObject (d, "b", vb);
              cJSON_AddItemToArray (arr, d);
            }
          else
            printf ("%-14s %-22s %-34s %s\n", report_layer_key (fx->layer), fx->field, va, vb);
        }
    }
  if (doc)
    {
      cJSON_AddNumberToObject (doc, "count", ndiff);
      cJSON_AddItemToObject (doc, "scan", out_scan_json (m));
      print_json (doc);
    }
  else if (!ndiff)
    printf ("(no differences)\n");
  report_free (&a);
  report_free (&b);
  iso_model_free (m);
  return ISO_EXIT_OK;
}
