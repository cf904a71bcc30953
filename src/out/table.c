// SPDX-License-Identifier: GPL-2.0-or-later
/* table.c: column selection, column listings and libsmartcols tables for every table command. */
#define _GNU_SOURCE
#include "isoscope/out.h"
#include "isoscope/util.h"

#include <cJSON.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int
column_by_name (const struct out_column *cols, size_t ncols, const char *name, size_t len)
{
  for (size_t i = 0; i < ncols; i++)
    if (strlen (cols[i].name) == len && strncasecmp (cols[i].name, name, len) == 0)
      return (int)i;
  return -1;
}

int
out_parse_columns (const struct out_column *cols, size_t ncols, const char *arg, struct out_select *sel,
                   iso_error_t *err)
{
  if (*arg == '+')
    arg++;
  else
    sel->n = 0;
  if (!*arg)
    return iso_make_error (err, 0, "empty column list");
  while (*arg)
    {
      size_t len = strcspn (arg, ",");
      int id = column_by_name (cols, ncols, arg, len);
      if (id < 0)
        return iso_make_error (err, 0, "unknown column: %.*s", (int)len, arg);
      if (sel->n >= sizeof sel->cols / sizeof sel->cols[0])
        return iso_make_error (err, 0, "too many columns");
      sel->cols[sel->n++] = id;
      arg += len;
      if (*arg == ',')
        arg++;
    }
  return 0;
}

static const char *
json_type_name (int t)
{
  switch (t)
    {
    case SCOLS_JSON_NUMBER:
      return "number";
    case SCOLS_JSON_BOOLEAN:
      return "boolean";
    case SCOLS_JSON_ARRAY_STRING:
      return "array-string";
    case SCOLS_JSON_ARRAY_NUMBER:
      return "array-number";
    default:
      return "string";
    }
}

void
out_list_columns (const struct out_column *cols, size_t ncols)
{
  for (size_t i = 0; i < ncols; i++)
    printf ("%-10s %-13s %s\n", cols[i].name, json_type_name (cols[i].json_type), cols[i].help);
}

void
out_help_columns (FILE *out, const struct out_column *cols, size_t ncols)
{
  fputs ("\nAvailable output columns:\n", out);
  for (size_t i = 0; i < ncols; i++)
    fprintf (out, " %11s  %s\n", cols[i].name, cols[i].help);
}

bool
out_selected (const struct out_select *sel, int col)
{
  for (size_t i = 0; i < sel->n; i++)
    if (sel->cols[i] == col)
      return true;
  return false;
}

struct libscols_table *
out_table_new (const struct out_column *cols, const struct out_select *sel, const struct out_opts *o)
{
  struct libscols_table *tb = scols_new_table ();
  if (!tb)
    return NULL;
  scols_table_enable_raw (tb, o->raw);
  scols_table_enable_json (tb, o->json);
  scols_table_enable_noheadings (tb, o->noheadings);
  if (o->json && o->json_name)
    scols_table_set_name (tb, o->json_name);
  for (size_t i = 0; i < sel->n; i++)
    {
      const struct out_column *col = &cols[sel->cols[i]];
      int flags = col->flags;
      bool array = o->json && (col->json_type == SCOLS_JSON_ARRAY_STRING || col->json_type == SCOLS_JSON_ARRAY_NUMBER);
      if (o->notrunc)
        flags &= ~SCOLS_FL_TRUNC;
      if (o->nowrap || o->raw)
        flags &= ~SCOLS_FL_WRAP;
      /* libsmartcols splits a JSON array cell only through a wrapping column. */
      if (array)
        flags = (flags & ~SCOLS_FL_TRUNC) | SCOLS_FL_WRAP;
      if (o->tree_col == (int)i)
        flags |= SCOLS_FL_TREE;
      struct libscols_column *cl = scols_table_new_column (tb, col->name, col->whint, flags);
      if (!cl)
        {
          scols_unref_table (tb);
          return NULL;
        }
      if (o->json)
        scols_column_set_json_type (cl, col->json_type);
      /* Multi-line cells wrap at newlines; in JSON arrays each line is an element. */
      if (flags & SCOLS_FL_WRAP)
        {
          scols_column_set_wrapfunc (cl, scols_wrapnl_chunksize, scols_wrapnl_nextchunk, NULL);
          scols_column_set_safechars (cl, "\n");
        }
    }
  return tb;
}

struct cJSON *
out_json_row (const struct out_column *cols, const struct out_select *sel, char **cells)
{
  cJSON *o = cJSON_CreateObject ();
  for (size_t i = 0; i < sel->n; i++)
    {
      const struct out_column *col = &cols[sel->cols[i]];
      char key[64];
      size_t k = 0;
      for (; col->name[k] && k + 1 < sizeof key; k++)
        key[k] = (char)tolower ((unsigned char)col->name[k]);
      key[k] = '\0';
      const char *v = cells[i];
      cJSON *item;
      switch (col->json_type)
        {
        case SCOLS_JSON_NUMBER:
          item = v && *v ? cJSON_CreateRaw (v) : cJSON_CreateNull ();
          break;
        case SCOLS_JSON_BOOLEAN:
          item = v && *v ? cJSON_CreateBool (strcmp (v, "0") != 0) : cJSON_CreateNull ();
          break;
        case SCOLS_JSON_ARRAY_STRING:
        case SCOLS_JSON_ARRAY_NUMBER:
          if (!v)
            {
              item = cJSON_CreateNull ();
              break;
            }
          item = cJSON_CreateArray ();
          for (const char *s = v; s && *s;)
            {
              size_t len = strcspn (s, "\n");
              char *one = strndup (s, len);
              if (one)
                cJSON_AddItemToArray (item, col->json_type == SCOLS_JSON_ARRAY_NUMBER ? cJSON_CreateRaw (one)
                                                                                      : cJSON_CreateString (one));
              free (one);
              s += len + (s[len] == '\n');
            }
          break;
        default:
          item = v ? cJSON_CreateString (v) : cJSON_CreateNull ();
          break;
        }
      cJSON_AddItemToObject (o, key, item);
      free (cells[i]);
      cells[i] = NULL;
    }
  return o;
}

void
out_json_write (FILE *out, const char *text, size_t len)
{
  const unsigned char *s = (const unsigned char *)text;
  size_t start = 0, i = 0;
  while (i < len)
    {
      size_t bad, n = util_utf8_len (text + i, len - i, &bad);
      if (n)
        {
          i += n;
          continue;
        }
      fwrite (s + start, 1, i - start, out);
      fputs ("\xef\xbf\xbd", out); /* U+FFFD for each ill-formed sequence */
      i += bad;
      start = i;
    }
  fwrite (s + start, 1, len - start, out);
}

void
out_json_print (const char *name, struct cJSON *rows, struct cJSON *scan)
{
  cJSON *doc = cJSON_CreateObject ();
  cJSON_AddItemToObject (doc, name, rows);
  if (scan)
    cJSON_AddItemToObject (doc, "scan", scan);
  char *text = cJSON_Print (doc);
  if (text)
    {
      out_json_write (stdout, text, strlen (text));
      putchar ('\n');
    }
  free (text);
  cJSON_Delete (doc);
}
