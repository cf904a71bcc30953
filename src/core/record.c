// SPDX-License-Identifier: GPL-2.0-or-later
/* record.c: records (a header line, then one sample per JSON line, each the changes since the previous one) and
 * the --load source that collections read instead of the live host. */
#define _GNU_SOURCE
#include "isoscope/snapshot.h"
#include "isoscope/util.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- merge patches (RFC 7396) ---- */

cJSON *
record_diff (const cJSON *a, const cJSON *b)
{
  if (!cJSON_IsObject (a) || !cJSON_IsObject (b))
    return cJSON_Compare (a, b, true) ? NULL : cJSON_Duplicate (b, true);
  cJSON *patch = NULL;
  const cJSON *v;
  cJSON_ArrayForEach (v, b)
  {
    const cJSON *old = cJSON_GetObjectItemCaseSensitive (a, v->string);
    cJSON *d = !old ? cJSON_Duplicate (v, true) : record_diff (old, v);
    /* a member that became an empty object must still be written */
    if (!d && old && cJSON_IsObject (v) && !cJSON_IsObject (old))
      d = cJSON_CreateObject ();
    if (!d)
      continue;
    if (!patch)
      patch = cJSON_CreateObject ();
    cJSON_AddItemToObject (patch, v->string, d);
  }
  cJSON_ArrayForEach (v, a) if (!cJSON_GetObjectItemCaseSensitive (b, v->string))
  {
    if (!patch)
      patch = cJSON_CreateObject ();
    cJSON_AddNullToObject (patch, v->string);
  }
  return patch;
}

/* A new process is written as its changes from its parent in the previous sample
   ({"$from": "PPID", ...}), when that is shorter than the whole object: a child shares
   most of its parent's facts (namespaces, cgroups, credentials, maps). */
static void
diff_new_processes (const cJSON *a, const cJSON *b, cJSON *patch)
{
  const cJSON *pa = cJSON_GetObjectItemCaseSensitive (a, "processes");
  const cJSON *pb = cJSON_GetObjectItemCaseSensitive (b, "processes");
  cJSON *pp = cJSON_GetObjectItemCaseSensitive (patch, "processes");
  if (!cJSON_IsObject (pa) || !cJSON_IsObject (pp))
    return;
  for (cJSON *v = pp->child, *next; v; v = next)
    {
      next = v->next;
      const cJSON *cur = cJSON_GetObjectItemCaseSensitive (pb, v->string);
      const cJSON *ppid = cJSON_GetObjectItemCaseSensitive (cur, "ppid");
      if (cJSON_GetObjectItemCaseSensitive (pa, v->string) || !cJSON_IsNumber (ppid))
        continue;
      char key[24];
      snprintf (key, sizeof key, "%.0f", ppid->valuedouble);
      const cJSON *parent = cJSON_GetObjectItemCaseSensitive (pa, key);
      if (!cJSON_IsObject (parent))
        continue;
      cJSON *d = record_diff (parent, cur);
      if (!d)
        d = cJSON_CreateObject ();
      cJSON_AddStringToObject (d, "$from", key);
      char *full = cJSON_PrintUnformatted (v), *rel = cJSON_PrintUnformatted (d);
      bool shorter = strlen (rel) < strlen (full);
      free (full);
      free (rel);
      if (shorter)
        cJSON_ReplaceItemInObjectCaseSensitive (pp, v->string, d);
      else
        cJSON_Delete (d);
    }
}

cJSON *
record_diff_sample (const cJSON *a, const cJSON *b)
{
  cJSON *patch = record_diff (a, b);
  if (patch)
    diff_new_processes (a, b, patch);
  return patch;
}

static bool
is_relative (const cJSON *v)
{
  return v->string && cJSON_IsObject (v) && cJSON_GetObjectItemCaseSensitive (v, "$from");
}

/* How many nodes a "$from" may copy in one patch: far more than any real sample needs
   (a new process is some 40 nodes), and a bound on what a hostile file can make us
   allocate by naming one big member many times. */
#define RECORD_COPY_BUDGET (1u << 20)

/* The nodes of V, counting no further than LIMIT. */
static size_t
count_nodes (const cJSON *v, size_t limit)
{
  size_t n = 1;
  for (const cJSON *c = v->child; c && n <= limit; c = c->next)
    n += count_nodes (c, limit - n);
  return n;
}

static cJSON *apply (cJSON *target, const cJSON *patch, size_t *budget);

cJSON *
record_apply (cJSON *target, const cJSON *patch)
{
  size_t budget = RECORD_COPY_BUDGET;
  return apply (target, patch, &budget);
}

static cJSON *
apply (cJSON *target, const cJSON *patch, size_t *budget)
{
  if (!cJSON_IsObject (patch))
    {
      cJSON_Delete (target);
      return cJSON_Duplicate (patch, true);
    }
  if (!cJSON_IsObject (target))
    {
      cJSON_Delete (target);
      target = cJSON_CreateObject ();
    }
  /* Members written relative to a sibling ("$from"): their base is the sibling as it was
     before this patch. */
  size_t nfrom = 0;
  const cJSON *v;
  cJSON_ArrayForEach (v, patch)
  {
    nfrom += is_relative (v);
  }
  cJSON **bases = nfrom ? xcalloc (nfrom, sizeof *bases) : NULL;
  size_t k = 0;
  cJSON_ArrayForEach (v, patch)
  {
    if (!is_relative (v))
      continue;
    const cJSON *from = cJSON_GetObjectItemCaseSensitive (v, "$from");
    const cJSON *base = cJSON_IsString (from) ? cJSON_GetObjectItemCaseSensitive (target, from->valuestring) : NULL;
    size_t n = cJSON_IsObject (base) ? count_nodes (base, *budget) : 0;
    bool copy = n && n <= *budget;
    if (copy)
      *budget -= n;
    bases[k++] = copy ? cJSON_Duplicate (base, true) : cJSON_CreateObject ();
  }
  k = 0;
  cJSON_ArrayForEach (v, patch)
  {
    if (!v->string)
      continue;
    if (is_relative (v))
      {
        cJSON *rel = cJSON_Duplicate (v, true);
        cJSON_DeleteItemFromObjectCaseSensitive (rel, "$from");
        cJSON_DeleteItemFromObjectCaseSensitive (target, v->string);
        cJSON_AddItemToObject (target, v->string, apply (bases[k++], rel, budget));
        cJSON_Delete (rel);
        continue;
      }
    if (cJSON_IsNull (v))
      {
        cJSON_DeleteItemFromObjectCaseSensitive (target, v->string);
        continue;
      }
    cJSON *old = cJSON_DetachItemFromObjectCaseSensitive (target, v->string);
    cJSON_AddItemToObject (target, v->string, apply (old, v, budget));
  }
  free (bases);
  return target;
}

/* ---- reading ---- */

static const char *
line_end (const char *s, const char *end)
{
  const char *nl = memchr (s, '\n', (size_t)(end - s));
  return nl ? nl : end;
}

/* Parse LEN bytes at S as one JSON value (cJSON wants a terminated string). */
static cJSON *
parse_span (const char *s, size_t len)
{
  cleanup_free char *copy = xstrndup (s, len);
  if (strlen (copy) != len)
    return NULL; /* a NUL byte inside */
  return cJSON_ParseWithOpts (copy, NULL, true);
}

bool
record_is_record (const char *buf, size_t len)
{
  const char *end = buf + len;
  size_t n = (size_t)(line_end (buf, end) - buf);
  cJSON *h = parse_span (buf, n);
  bool yes = cJSON_IsObject (h) && cJSON_GetObjectItemCaseSensitive (h, "isoscope_record");
  cJSON_Delete (h);
  return yes;
}

void
record_free (struct record *r)
{
  cJSON_Delete (r->first);
  free (r->text);
  free (r->off);
  free (r->len);
  free (r->times);
  free (r->name);
  cJSON_Delete (r->cur);
  cJSON_Delete (r->mark);
  memset (r, 0, sizeof *r);
}

int
record_parse (struct record *r, const char *buf, size_t len, const char *name, iso_error_t *err)
{
  memset (r, 0, sizeof *r);
  r->name = xstrdup (name);
  r->text = xmalloc (len + 1);
  memcpy (r->text, buf, len);
  r->text[len] = '\0';
  const char *s = r->text, *end = r->text + len;
  const char *e = line_end (s, end);
  cJSON *h = parse_span (s, (size_t)(e - s));
  const cJSON *ver = cJSON_GetObjectItemCaseSensitive (h, "isoscope_record");
  if (!cJSON_IsNumber (ver) || ver->valuedouble != RECORD_FORMAT_VERSION)
    {
      cJSON_Delete (h);
      return iso_make_error (err, EINVAL, "%s: line 1: not an isoscope record of version %d", name,
                             RECORD_FORMAT_VERSION);
    }
  const cJSON *iv = cJSON_GetObjectItemCaseSensitive (h, "interval");
  r->interval = cJSON_IsNumber (iv) && iv->valuedouble > 0 ? iv->valuedouble : 0;
  cJSON_Delete (h);
  size_t lineno = 1;
  for (s = e < end ? e + 1 : end; s < end; s = e < end ? e + 1 : end)
    {
      e = line_end (s, end);
      lineno++;
      if (e == s)
        continue;
      cJSON *line = parse_span (s, (size_t)(e - s));
      if (!line && e == end)
        {
          /* the recorder was stopped while writing its last line */
          r->truncated = true;
          break;
        }
      const cJSON *t = cJSON_GetObjectItemCaseSensitive (line, "time");
      const cJSON *full = cJSON_GetObjectItemCaseSensitive (line, "full");
      const cJSON *patch = cJSON_GetObjectItemCaseSensitive (line, "patch");
      bool ok = cJSON_IsNumber (t) && isfinite (t->valuedouble)
                && (r->n ? cJSON_IsObject (patch) : cJSON_IsObject (full))
                && (!r->n || t->valuedouble >= r->times[r->n - 1]);
      if (!ok)
        {
          cJSON_Delete (line);
          return iso_make_error (err, EINVAL,
                                 "%s: line %zu: expected a sample {\"time\": SECONDS, \"%s\": {...}} no earlier than "
                                 "the one before",
                                 name, lineno, r->n ? "patch" : "full");
        }
      r->times = xreallocarray (r->times, r->n + 1, sizeof *r->times);
      r->off = xreallocarray (r->off, r->n + 1, sizeof *r->off);
      r->len = xreallocarray (r->len, r->n + 1, sizeof *r->len);
      r->times[r->n] = t->valuedouble;
      r->off[r->n] = (size_t)(s - r->text);
      r->len[r->n] = (size_t)(e - s);
      if (!r->n)
        r->first = cJSON_DetachItemFromObjectCaseSensitive (line, "full");
      r->n++;
      cJSON_Delete (line);
    }
  if (!r->n)
    return iso_make_error (err, EINVAL, "%s: the record holds no complete sample", name);
  return 0;
}

const cJSON *
record_sample (struct record *r, size_t i, iso_error_t *err)
{
  if (i >= r->n)
    {
      iso_make_error (err, ERANGE, "%s: no sample %zu", r->name, i);
      return NULL;
    }
  if (!r->cur || i < r->at)
    {
      cJSON_Delete (r->cur);
      bool from_mark = r->mark && r->mark_at <= i;
      r->cur = cJSON_Duplicate (from_mark ? r->mark : r->first, true);
      r->at = from_mark ? r->mark_at : 0;
    }
  while (r->at < i)
    {
      size_t k = r->at + 1;
      cJSON *line = parse_span (r->text + r->off[k], r->len[k]);
      const cJSON *patch = cJSON_GetObjectItemCaseSensitive (line, "patch");
      if (!cJSON_IsObject (patch))
        {
          cJSON_Delete (line);
          iso_make_error (err, EINVAL, "%s: sample %zu cannot be read again", r->name, k);
          return NULL;
        }
      r->cur = record_apply (r->cur, patch);
      cJSON_Delete (line);
      r->at = k;
      if (k % RECORD_MARK_EVERY == 0 && (!r->mark || r->mark_at != k))
        {
          cJSON_Delete (r->mark);
          r->mark = cJSON_Duplicate (r->cur, true);
          r->mark_at = k;
        }
    }
  return r->cur;
}

long
record_find (const struct record *r, double time)
{
  long found = -1;
  for (size_t i = 0; i < r->n && r->times[i] <= time + 1e-6; i++)
    found = (long)i;
  return found;
}

int
record_parse_time (const struct record *r, const char *text, double *out)
{
  char *end;
  if (*text == '@' || *text == '+' || *text == '-')
    {
      errno = 0;
      double v = strtod (text + 1, &end);
      double unit = *end == 'm' ? 60 : *end == 'h' ? 3600 : 1;
      if (*end == 's' || *end == 'm' || *end == 'h')
        end++;
      if (errno || end == text + 1 || *end || !isfinite (v) || v < 0)
        return -EINVAL;
      double first = r && r->n ? r->times[0] : 0, last = r && r->n ? r->times[r->n - 1] : 0;
      *out = *text == '@' ? v : *text == '+' ? first + v * unit : last - v * unit;
      return 0;
    }
  struct tm tm = { 0 };
  time_t first = r && r->n ? (time_t)r->times[0] : time (NULL);
  localtime_r (&first, &tm);
  static const char *const formats[]
      = { "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%H:%M:%S", "%H:%M" };
  for (size_t i = 0; i < ARRAY_SIZE (formats); i++)
    {
      struct tm t = tm;
      t.tm_sec = 0;
      end = strptime (text, formats[i], &t);
      if (end && !*end)
        {
          t.tm_isdst = -1;
          *out = (double)mktime (&t);
          return 0;
        }
    }
  return -EINVAL;
}

/* ---- writing ---- */

static int
write_line (struct record_writer *w, cJSON *line, iso_error_t *err)
{
  char *s = cJSON_PrintUnformatted (line);
  cJSON_Delete (line);
  size_t n = strlen (s);
  bool ok = fwrite (s, 1, n, w->f) == n && fputc ('\n', w->f) != EOF && fflush (w->f) == 0;
  free (s);
  if (!ok)
    return iso_make_error (err, errno, "cannot write the record");
  w->bytes += n + 1;
  return 0;
}

int
record_writer_start (struct record_writer *w, FILE *f, double interval, iso_error_t *err)
{
  memset (w, 0, sizeof *w);
  w->f = f;
  cJSON *h = cJSON_CreateObject ();
  cJSON_AddNumberToObject (h, "isoscope_record", RECORD_FORMAT_VERSION);
  cJSON_AddNumberToObject (h, "schema_version", SNAPSHOT_SCHEMA_VERSION);
  cJSON_AddNumberToObject (h, "interval", interval);
  return write_line (w, h, err);
}

int
record_writer_add (struct record_writer *w, cJSON *doc, double time, iso_error_t *err)
{
  cJSON *line = cJSON_CreateObject ();
  cJSON_AddNumberToObject (line, "time", time);
  if (!w->prev)
    cJSON_AddItemToObject (line, "full", cJSON_Duplicate (doc, true));
  else
    {
      cJSON *patch = record_diff_sample (w->prev, doc);
      cJSON_AddItemToObject (line, "patch", patch ? patch : cJSON_CreateObject ());
    }
  cJSON_Delete (w->prev);
  w->prev = doc;
  w->nsamples++;
  return write_line (w, line, err);
}

void
record_writer_free (struct record_writer *w)
{
  cJSON_Delete (w->prev);
  w->prev = NULL;
}

/* ---- loading a file or a buffer ---- */

/* What a file holds once parsed: a snapshot document, or a record and its chosen sample. */
struct loaded
{
  cJSON *snapshot;
  struct record rec;
  bool is_record;
  const cJSON *doc; /* the document to read (the snapshot, or the record's sample) */
  size_t at;        /* the record's sample that doc is */
};

static void
loaded_free (struct loaded *l)
{
  cJSON_Delete (l->snapshot);
  if (l->is_record)
    record_free (&l->rec);
  memset (l, 0, sizeof *l);
}

static int
loaded_parse (struct loaded *l, const char *buf, size_t len, const char *name, const char *at, iso_error_t *err)
{
  memset (l, 0, sizeof *l);
  if (record_is_record (buf, len))
    {
      l->is_record = true;
      if (record_parse (&l->rec, buf, len, name, err) < 0)
        return -1;
      if (l->rec.truncated)
        fprintf (stderr, "isoscope: %s: the last sample is incomplete and was ignored\n", name);
      size_t i = l->rec.n - 1;
      if (at)
        {
          double t;
          if (record_parse_time (&l->rec, at, &t) < 0)
            return iso_make_error (err, EINVAL, "invalid time for --at: '%s'", at);
          long k = record_find (&l->rec, t);
          if (k < 0)
            return iso_make_error (err, ERANGE, "%s: no sample at or before '%s' (the record starts later)", name, at);
          i = (size_t)k;
        }
      l->doc = record_sample (&l->rec, i, err);
      l->at = i;
      return l->doc ? 0 : -1;
    }
  if (at)
    return iso_make_error (err, EINVAL, "%s: --at needs a record (made by isoscope record), not a snapshot", name);
  const char *end = NULL;
  l->snapshot = cJSON_ParseWithLengthOpts (buf, len, &end, false);
  if (!l->snapshot)
    return iso_make_error (err, EINVAL, "%s: not valid JSON (near byte %zu)", name,
                           cJSON_GetErrorPtr () && cJSON_GetErrorPtr () >= buf ? (size_t)(cJSON_GetErrorPtr () - buf)
                                                                               : (size_t)0);
  l->doc = l->snapshot;
  return 0;
}

int
snapshot_load_buffer (const char *buf, size_t len, const char *name, const char *at, unsigned flags,
                      struct iso_model **out, iso_error_t *err)
{
  struct loaded l;
  int r = loaded_parse (&l, buf, len, name, at, err);
  if (r == 0)
    r = snapshot_model_from_json (l.doc, name, flags, out, err);
  loaded_free (&l);
  return r;
}

/* ---- the --load source ---- */

static struct
{
  const char *path, *at;
  bool parsed;
  struct loaded l;
} source;

void
snapshot_source_set (const char *path)
{
  snapshot_source_reset ();
  source.path = path;
}

void
snapshot_source_set_at (const char *at)
{
  source.at = at;
}

bool
snapshot_source_active (void)
{
  return source.path != NULL;
}

int
snapshot_source_check_sysroot (const char *sysroot, iso_error_t *err)
{
  if (snapshot_source_check (err) < 0)
    return -1;
  if (source.path && sysroot && *sysroot)
    return iso_make_error (err, 0, "--load and --sysroot exclude each other: a snapshot is a host of its own");
  return 0;
}

int
snapshot_source_check (iso_error_t *err)
{
  if (source.at && !source.path)
    return iso_make_error (err, 0, "--at %s needs --load FILE (a record made by isoscope record)", source.at);
  return 0;
}

const char *
snapshot_source_path (void)
{
  return source.path;
}

void
snapshot_source_reset (void)
{
  if (source.parsed)
    loaded_free (&source.l);
  source.parsed = false;
}

static int
source_doc (const cJSON **doc, iso_error_t *err)
{
  if (!source.parsed)
    {
      cleanup_free char *buf = NULL;
      long n = util_read_file_at (AT_FDCWD, source.path, &buf);
      if (n < 0)
        return iso_make_error (err, (int)-n, "cannot read %s", source.path);
      if (loaded_parse (&source.l, buf, (size_t)n, source.path, source.at, err) < 0)
        {
          loaded_free (&source.l);
          return -1;
        }
      source.parsed = true;
    }
  *doc = source.l.doc;
  return 0;
}

int
snapshot_source_model (struct iso_model **out, unsigned flags, iso_error_t *err)
{
  const cJSON *doc;
  if (source_doc (&doc, err) < 0)
    return -1;
  return snapshot_model_from_json (doc, source.path, flags, out, err);
}

int
snapshot_source_cgroups (struct cg_tree **out, uint64_t fields, iso_error_t *err)
{
  const cJSON *doc;
  if (source_doc (&doc, err) < 0)
    return -1;
  return snapshot_cgroups_from_json (doc, source.path, fields, out, err);
}

int
snapshot_source_samples (size_t *n, size_t *cur, iso_error_t *err)
{
  const cJSON *doc;
  if (source_doc (&doc, err) < 0)
    return -1;
  *n = source.l.is_record ? source.l.rec.n : 1;
  *cur = source.l.is_record ? source.l.at : 0;
  return 0;
}

double
snapshot_source_time (size_t i)
{
  if (source.l.is_record && i < source.l.rec.n)
    return source.l.rec.times[i];
  const cJSON *scan = cJSON_GetObjectItemCaseSensitive (source.l.doc, "scan");
  const cJSON *t = cJSON_GetObjectItemCaseSensitive (scan, "time");
  return cJSON_IsNumber (t) ? t->valuedouble : 0;
}

int
snapshot_source_select (size_t i, iso_error_t *err)
{
  const cJSON *doc;
  if (source_doc (&doc, err) < 0)
    return -1;
  if (!source.l.is_record)
    return i == 0 ? 0 : iso_make_error (err, ERANGE, "%s: a snapshot has one sample", source.path);
  const cJSON *d = record_sample (&source.l.rec, i, err);
  if (!d)
    return -1;
  source.l.doc = d;
  source.l.at = i;
  return 0;
}

const char *
snapshot_source_at (void)
{
  return source.at;
}
