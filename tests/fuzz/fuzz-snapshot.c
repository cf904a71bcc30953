// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-snapshot.c: `--load FILE`: a snapshot document or a record (JSON Lines of merge patches)
   into a model.  A model that loads, saved again, loads to the same document. */
#include "fuzz.h"
#include "isoscope/model.h"
#include "isoscope/snapshot.h"

#include <cjson/cJSON.h>

/* The model as snapshot text, or NULL. */
static char *
text_of (const struct iso_model *m)
{
  cJSON *doc = snapshot_to_json (m);
  char *t = doc ? cJSON_PrintUnformatted (doc) : NULL;
  cJSON_Delete (doc);
  return t;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct iso_model *m = NULL;
  iso_error_t err = NULL;
  /* Not NUL-terminated: the loader takes a length. */
  if (snapshot_load_buffer ((const char *)data, size, "in", NULL, COLLECT_ALL, &m, &err) < 0)
    {
      FUZZ_CHECK (m == NULL && err && err->msg && strncmp (err->msg, "in", 2) == 0);
      iso_error_release (&err);
      return 0;
    }
  FUZZ_CHECK (m && !err);
  for (size_t i = 0; i < m->nprocs; i++)
    {
      const struct iso_proc *p = m->procs[i];
      FUZZ_CHECK (p->nnspid >= 0 && (p->nspid != NULL) == (p->nnspid > 0));
      FUZZ_CHECK (iso_model_find_proc (m, p->pid) != NULL);
      for (int t = 0; t < NS_TYPE_COUNT; t++)
        FUZZ_CHECK (!p->ns[t] || (p->ns[t]->type == (enum ns_type)t && iso_model_find_ns (m, p->ns[t]->ino)));
    }
  for (size_t i = 0; i < m->nns; i++)
    FUZZ_CHECK ((unsigned)m->ns[i]->type < NS_TYPE_COUNT);

  char *t1 = text_of (m);
  FUZZ_CHECK (t1 != NULL);
  struct iso_model *m2 = NULL;
  int r2 = snapshot_load_buffer (t1, strlen (t1), "again", NULL, COLLECT_ALL, &m2, &err);
  if (r2 < 0)
    fprintf (stderr, "saved model refused: %s\n", err->msg);
  FUZZ_CHECK (r2 == 0);
  char *t2 = text_of (m2);
  FUZZ_CHECK (t2 && strcmp (t1, t2) == 0);
  free (t2);
  free (t1);
  iso_model_free (m2);
  iso_model_free (m);
  return 0;
}
