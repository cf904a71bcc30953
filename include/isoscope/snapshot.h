/* SPDX-License-Identifier: GPL-2.0-or-later */
/* snapshot.h: the model as one JSON document (snapshot), records of samples, and loading either back. */
#ifndef ISOSCOPE_SNAPSHOT_H
#define ISOSCOPE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "isoscope/cgroup.h"
#include "isoscope/error.h"
#include "isoscope/model.h"

/* The version of the document layout (isoscope-snapshot(1) describes it).  A loader
   refuses any other version with a clear error. */
#define SNAPSHOT_SCHEMA_VERSION 1
/* The first line of a record file names the format and its version. */
#define RECORD_FORMAT_VERSION 1

struct cJSON;

/* ---- writing ---- */

/* The whole model M (collected with COLLECT_ALL) as a snapshot document.  Processes,
   namespaces and cgroups are objects keyed by pid, inode and path, so that two
   documents can be compared key by key (record.c).  Caller frees (cJSON_Delete). */
struct cJSON *snapshot_to_json (const struct iso_model *m);

/* ---- loading (the file is untrusted input: every field is type-checked) ---- */

/* Build a model from a snapshot document DOC.  NAME names the input in errors
   ("FILE: processes.42.uid: expected an integer").  FLAGS (COLLECT_*) leave out what a
   live collection with the same flags would not have read.  On success *OUT is owned by
   the caller (iso_model_free). */
int snapshot_model_from_json (const struct cJSON *doc, const char *name, unsigned flags, struct iso_model **out,
                              iso_error_t *err);
/* The cgroup tree of DOC, reading only FIELDS as cg_tree_collect_fields does. */
int snapshot_cgroups_from_json (const struct cJSON *doc, const char *name, uint64_t fields, struct cg_tree **out,
                                iso_error_t *err);

/* Parse a snapshot or a record held in memory (LEN bytes, not necessarily
   NUL-terminated) into a model: the entry point for fuzzers.  AT selects a record's
   sample (see record_parse_time; NULL: the last).  Never crashes on any input. */
int snapshot_load_buffer (const char *buf, size_t len, const char *name, const char *at, unsigned flags,
                          struct iso_model **out, iso_error_t *err);

/* ---- the --load source: collections read it instead of the live host ---- */

/* Remember the file given to --load (and the moment given to --at); read on first use. */
void snapshot_source_set (const char *path);
void snapshot_source_set_at (const char *at);
bool snapshot_source_active (void);
const char *snapshot_source_path (void);
/* A fresh model, as iso_model_collect would return it for FLAGS. */
int snapshot_source_model (struct iso_model **out, unsigned flags, iso_error_t *err);
/* A fresh cgroup tree, as cg_tree_collect_fields would return it. */
int snapshot_source_cgroups (struct cg_tree **out, uint64_t fields, iso_error_t *err);
/* Forget the parsed file (for tests and at exit). */
void snapshot_source_reset (void);

/* ---- records: a header line, then one JSON line per sample ---- */

/* A record being read: every sample's time and its changes against the previous one. */
struct record
{
  char *name;
  double interval;        /* from the header, 0 unknown */
  double *times;          /* CLOCK_REALTIME of each sample, seconds */
  struct cJSON **changes; /* sample 0: the full document; later ones: merge patches (owned) */
  size_t n;
  bool truncated;    /* the last line was incomplete and was ignored */
  struct cJSON *cur; /* the document of sample `at` (owned), NULL before the first build */
  size_t at;         /* its index */
};

/* Is BUF (LEN bytes) a record (its first line a record header)? */
bool record_is_record (const char *buf, size_t len);
/* Parse a record from memory.  A truncated last line is ignored (r->truncated says so). */
int record_parse (struct record *r, const char *buf, size_t len, const char *name, iso_error_t *err);
void record_free (struct record *r);
/* The document of sample I (0 <= I < r->n), built from the nearest earlier state.  Owned by R,
   valid until the next call. */
const struct cJSON *record_sample (struct record *r, size_t i, iso_error_t *err);
/* The index of the last sample at or before TIME (seconds since the epoch). -1 when TIME is
   before the first sample. */
long record_find (const struct record *r, double time);
/* TIME as --at takes it: "@EPOCH", "+SECONDS" (or +Nm, +Nh) after the first sample, "-SECONDS"
   before the last, "YYYY-MM-DD HH:MM[:SS]", "YYYY-MM-DDTHH:MM[:SS]" or "HH:MM[:SS]" (local
   time; the day of the first sample).  0 or -EINVAL. */
int record_parse_time (const struct record *r, const char *text, double *out);

/* The changes that turn document A into B (an RFC 7396 merge patch), or NULL when they
   are equal.  Caller frees. */
struct cJSON *record_diff (const struct cJSON *a, const struct cJSON *b);
/* Apply PATCH to TARGET in place (RFC 7396); returns the new document (TARGET may be
   replaced when PATCH is not an object). */
struct cJSON *record_apply (struct cJSON *target, const struct cJSON *patch);

/* The record writer: append sample lines to an open stream, flushed per sample. */
struct record_writer
{
  FILE *f;
  struct cJSON *prev; /* the previous sample's document (owned) */
  size_t nsamples;
  size_t bytes;
};
int record_writer_start (struct record_writer *w, FILE *f, double interval, iso_error_t *err);
/* Append DOC (a snapshot document, ownership taken) as a sample taken at TIME. */
int record_writer_add (struct record_writer *w, struct cJSON *doc, double time, iso_error_t *err);
void record_writer_free (struct record_writer *w);

#endif
