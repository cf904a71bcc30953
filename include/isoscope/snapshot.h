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
/* --at without --load: an error (0 otherwise). */
int snapshot_source_check (iso_error_t *err);
/* The same, and --load with a --sysroot SYSROOT (NULL or "": none) is an error too. */
int snapshot_source_check_sysroot (const char *sysroot, iso_error_t *err);
const char *snapshot_source_path (void);
/* A fresh model, as iso_model_collect would return it for FLAGS. */
int snapshot_source_model (struct iso_model **out, unsigned flags, iso_error_t *err);
/* A fresh cgroup tree, as cg_tree_collect_fields would return it. */
int snapshot_source_cgroups (struct cg_tree **out, uint64_t fields, iso_error_t *err);
/* The source as a sequence of samples (a snapshot is one): read it if not yet, then give
   their count and the one collections read now (--at's, or the last). */
int snapshot_source_samples (size_t *n, size_t *cur, iso_error_t *err);
/* When sample I was taken (seconds since the epoch). */
double snapshot_source_time (size_t i);
/* Make collections read sample I from now on. */
int snapshot_source_select (size_t i, iso_error_t *err);
/* The --at given, or NULL. */
const char *snapshot_source_at (void);
/* Forget the parsed file (for tests and at exit). */
void snapshot_source_reset (void);

/* ---- records: a header line, then one JSON line per sample ---- */

/* A record being read: every sample's time, the first document, and the text of the
   later samples' changes (parsed when a sample is built: a parsed patch takes several
   times the memory of its text). */
struct record
{
  char *name;
  double interval;     /* from the header, 0 unknown */
  double *times;       /* CLOCK_REALTIME of each sample, seconds */
  struct cJSON *first; /* the document of sample 0 (owned) */
  char *text;          /* the file (owned) */
  size_t *off, *len;   /* where each sample's line is in it */
  size_t n;
  bool truncated;     /* the last line was incomplete and was ignored */
  struct cJSON *cur;  /* the document of sample `at` (owned), NULL before the first build */
  size_t at;          /* its index */
  struct cJSON *mark; /* a copy of the document of sample mark_at, a multiple of RECORD_MARK_EVERY: */
  size_t mark_at;     /* going back starts there rather than at the first sample */
};
#define RECORD_MARK_EVERY 60

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
/* The patch a record stores between two samples: record_diff, except that a new process
   may be written relative to its parent in A, as {"$from": "PPID", changes...}. */
struct cJSON *record_diff_sample (const struct cJSON *a, const struct cJSON *b);
/* Apply PATCH to TARGET in place (RFC 7396, plus "$from": a member whose patch names a
   sibling starts from that sibling as it was before the patch); returns the new document (TARGET may be
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
