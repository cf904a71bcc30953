/* SPDX-License-Identifier: GPL-2.0-or-later */
/* out.h: column tables and libsmartcols output shared by every table command. */
#ifndef ISOSCOPE_OUT_H
#define ISOSCOPE_OUT_H

#include <libsmartcols.h>
#include <stdbool.h>
#include <stddef.h>

#include "isoscope/error.h"

/* One output column of a command. */
struct out_column
{
  const char *name;
  double whint;
  int flags;     /* SCOLS_FL_* */
  int json_type; /* SCOLS_JSON_* */
  const char *help;
};

/* The columns selected for output: indexes into a command's column table. */
struct out_select
{
  int cols[128];
  size_t n;
};

struct out_opts
{
  bool json, raw, noheadings, notrunc, nowrap;
  int tree_col;          /* index in the selection that carries the tree, or -1 */
  const char *json_name; /* the top-level JSON array */
};

/* "-o LIST": a list of names; "+LIST" appends to what SEL holds. */
int out_parse_columns (const struct out_column *cols, size_t ncols, const char *arg, struct out_select *sel,
                       iso_error_t *err);
/* "-H": NAME, JSON type and help per line. */
void out_list_columns (const struct out_column *cols, size_t ncols);
/* The columns for --help. */
void out_help_columns (FILE *out, const struct out_column *cols, size_t ncols);
bool out_selected (const struct out_select *sel, int col);

/* A libsmartcols table with the selected columns, or NULL. */
struct libscols_table *out_table_new (const struct out_column *cols, const struct out_select *sel,
                                      const struct out_opts *o);

/* JSON through cJSON, for tables whose arrays may be empty (libsmartcols 2.38 writes an
   empty array cell as [null]).  A row is one object keyed by the lower-cased column
   names, each cell typed by its column: a number, true/false from "1"/"0", a string,
   or an array of the cell's lines; an empty cell is null, an empty array cell []. */
struct cJSON;
struct cJSON *out_json_row (const struct out_column *cols, const struct out_select *sel, char **cells);
/* Write LEN bytes of JSON TEXT to OUT with every byte that is not part of valid UTF-8
   replaced by U+FFFD (JSON is UTF-8; names and command lines are bytes). */
void out_json_write (FILE *out, const char *text, size_t len);
/* Print {"NAME": ROWS, "scan": SCAN} (SCAN may be NULL) and free both. */
void out_json_print (const char *name, struct cJSON *rows, struct cJSON *scan);

/* The "scan" object of a JSON document (summary.c): how many processes, namespaces and
   cgroups were read, how many vanished while being read and how many the viewer could
   not fully read.  The caller owns the result. */
struct iso_model;
struct cg_tree;
struct cJSON *out_scan_json (const struct iso_model *m);
struct cJSON *out_cgscan_json (const struct cg_tree *t);
/* Print TB as JSON with EXTRA (freed) as one more member KEY of its top-level object. */
int out_scols_print_json (struct libscols_table *tb, const char *key, struct cJSON *extra);

#endif
