// SPDX-License-Identifier: GPL-2.0-or-later
/* verify_out.c: a verify report as aligned text lines or as a JSON document. */
#define _GNU_SOURCE
#include "isoscope/verify.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

static void
print_text (FILE *out, const struct verify_report *r)
{
  int w = 5;
  for (size_t i = 0; i < r->n; i++)
    if ((int)strlen (r->results[i].check) > w)
      w = (int)strlen (r->results[i].check);
  for (size_t i = 0; i < r->n; i++)
    {
      const struct verify_result *x = &r->results[i];
      fprintf (out, "%-4s %-*s want=%s got=%s\n", x->ok ? "ok" : "FAIL", w, x->check, x->want, x->got);
    }
  fprintf (out, "pid %d against %s: %zu checks, %zu failed\n", (int)r->pid, r->source ? r->source : "?", r->n,
           r->failed);
}

static void
print_json (FILE *out, const struct verify_report *r)
{
  cJSON *doc = cJSON_CreateObject ();
  cJSON_AddNumberToObject (doc, "pid", r->pid);
  cJSON_AddStringToObject (doc, "expectation", r->source ? r->source : "");
  cJSON_AddBoolToObject (doc, "passed", r->failed == 0);
  cJSON_AddNumberToObject (doc, "count", (double)r->n);
  cJSON_AddNumberToObject (doc, "failed", (double)r->failed);
  cJSON *arr = cJSON_AddArrayToObject (doc, "checks");
  for (size_t i = 0; i < r->n; i++)
    {
      const struct verify_result *x = &r->results[i];
      cJSON *o = cJSON_CreateObject ();
      cJSON_AddStringToObject (o, "check", x->check);
      cJSON_AddBoolToObject (o, "ok", x->ok);
      cJSON_AddStringToObject (o, "want", x->want);
      cJSON_AddStringToObject (o, "got", x->got);
      cJSON_AddItemToArray (arr, o);
    }
  char *s = cJSON_Print (doc);
  fprintf (out, "%s\n", s);
  free (s);
  cJSON_Delete (doc);
}

void
verify_report_print (FILE *out, const struct verify_report *r, bool json)
{
  (json ? print_json : print_text) (out, r);
}
