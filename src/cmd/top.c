// SPDX-License-Identifier: GPL-2.0-or-later
/* top.c: `isoscope top`: the live TUI, or --batch refreshes as text or NDJSON for scripts and measurements. */
#define _GNU_SOURCE
#include "isoscope/cli.h"
#include "isoscope/error.h"
#include "isoscope/live.h"
#include "isoscope/ns.h"
#include "isoscope/tui.h"
#include "isoscope/util.h"
#include "isoscope/view.h"

#include <cJSON.h>
#include <errno.h>
#include <langinfo.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

enum
{
  OPT_VIEW = OPT_GLOBAL_END,
  OPT_FILTER,
  OPT_LIST_KEYS,
};

const struct cli_opt top_opts[] = {
  { "batch", 'b', no_argument, NULL, "print every refresh to standard output instead of running the TUI" },
  { "iterations", 'n', required_argument, "<count>", "stop after this many refreshes (default: until stopped)" },
  { "delay", 'd', required_argument, "<seconds>", "seconds between refreshes (default 2)" },
  { "view", OPT_VIEW, required_argument, "<name>", "the view to show: processes, namespaces, cgroups or containers" },
  { "json", 'J', no_argument, NULL, "with --batch: one JSON object per refresh (NDJSON)" },
  { "tree", 't', no_argument, NULL, "show the view as a tree (the processes view is a flat list by default)" },
  { "sort", 's', required_argument, "<column>", "sort by this column; a leading + or - sets the order" },
  { "filter", OPT_FILTER, required_argument, "<text>", "show only the rows that contain the text" },
  { "list-keys", OPT_LIST_KEYS, no_argument, NULL, "list the keys of the TUI and exit" },
  { NULL, 0, 0, NULL, NULL },
};

static void
usage (void)
{
  fputs ("Usage:\n isoscope top [options]\n isoscope [global options]    (on a terminal)\n\n"
         "A live view of how processes are isolated: processes, namespaces, cgroups and\n"
         "containers, refreshed every few seconds, with a detail pane that explains the\n"
         "selected one.  Keys: h in the TUI, or --list-keys.\n",
         stdout);
  cli_print_options (stdout, top_opts);
  fputs ("\nColumns of the views (the names --sort takes):\n", stdout);
  for (int i = 0; i < VIEW_COUNT; i++)
    {
      printf (" %s:", view_defs[i]->name);
      for (size_t c = 0; c < view_defs[i]->ncols; c++)
        printf (" %s", view_defs[i]->cols[c].name);
      putchar ('\n');
    }
  fputs ("\nExit status: 0 success, 1 bad usage or failure.\n"
         "For more details see isoscope-top(1).\n",
         stdout);
}

/* ---- --batch ---- */

static bool
locale_utf8 (void)
{
  const char *cs = nl_langinfo (CODESET);
  return cs && strcmp (cs, "UTF-8") == 0;
}

static void
print_text (struct view *v, FILE *out)
{
  char l1[512], l2[512];
  view_header (v, l1, sizeof l1, l2, sizeof l2);
  fprintf (out, "%s\n%s\n\n", l1, l2);
  const struct view_def *d = v->def;
  bool utf8 = locale_utf8 ();
  /* A flexible column that is not the last one is as wide as its widest cell (up to 60). */
  int widths[64];
  char cell[1024];
  for (size_t c = 0; c < d->ncols && c < 64; c++)
    {
      widths[c] = d->cols[c].width;
      if (widths[c] || c + 1 == d->ncols)
        continue;
      int w = (int)strlen (d->cols[c].name);
      for (size_t i = 0; i < v->nrows; i++)
        {
          view_cell (v, &v->rows[i], (int)c, cell, sizeof cell);
          int len = (int)strlen (cell) + (d->cols[c].tree ? 2 * v->rows[i].depth + 1 : 0);
          if (len > w)
            w = len;
        }
      widths[c] = w > 60 ? 60 : w;
    }
  struct strbuf b = { 0 };
  for (size_t c = 0; c < d->ncols; c++)
    {
      bool last = c + 1 == d->ncols;
      if (last)
        strbuf_puts (&b, d->cols[c].name);
      else
        strbuf_printf (&b, d->cols[c].left ? "%-*s " : "%*s ", widths[c], d->cols[c].name);
    }
  fprintf (out, "%s\n", b.s);
  for (size_t i = 0; i < v->nrows; i++)
    {
      const struct view_row *r = &v->rows[i];
      b.len = 0;
      b.s[0] = '\0';
      for (size_t c = 0; c < d->ncols; c++)
        {
          const struct view_col *col = &d->cols[c];
          view_cell (v, r, (int)c, cell, sizeof cell);
          const char *text = cell;
          struct strbuf tb = { 0 };
          if (col->tree && (v->tree || (r->flags & ROWF_ATTACHED)))
            {
              view_tree_prefix (r, utf8, &tb);
              strbuf_puts (&tb, cell);
              text = tb.s;
            }
          if (c + 1 == d->ncols)
            strbuf_puts (&b, text);
          else
            {
              /* Pad by display width: tree glyphs are three bytes but one column. */
              int pad = widths[c];
              for (const char *s = text; *s; s++)
                pad -= ((unsigned char)*s & 0xc0) != 0x80;
              if (!col->left)
                for (; pad > 0; pad--)
                  strbuf_add (&b, " ", 1);
              strbuf_puts (&b, text);
              if (col->left)
                for (; pad > 0; pad--)
                  strbuf_add (&b, " ", 1);
              strbuf_add (&b, " ", 1);
            }
          free (tb.s);
        }
      fputs (b.s, out);
      fputc ('\n', out);
    }
  fputc ('\n', out);
  free (b.s);
}

static void
json_value (cJSON *o, const char *key, const struct view_val *val)
{
  char buf[48];
  if (val->max)
    cJSON_AddNullToObject (o, key);
  else
    switch (val->type)
      {
      case VV_NONE:
        break;
      case VV_INT:
        snprintf (buf, sizeof buf, "%lld", (long long)val->i);
        cJSON_AddItemToObject (o, key, cJSON_CreateRaw (buf));
        break;
      case VV_NUM:
        snprintf (buf, sizeof buf, "%.2f", isfinite (val->d) ? val->d : 0.0);
        cJSON_AddItemToObject (o, key, cJSON_CreateRaw (buf));
        break;
      case VV_STR:
        cJSON_AddStringToObject (o, key, val->s);
        break;
      case VV_BOOL:
        cJSON_AddBoolToObject (o, key, val->i != 0);
        break;
      }
}

static void
json_u64 (cJSON *o, const char *key, uint64_t v)
{
  char buf[32];
  snprintf (buf, sizeof buf, "%llu", (unsigned long long)v);
  cJSON_AddItemToObject (o, key, cJSON_CreateRaw (buf));
}

static void
json_row_extra (const struct view *v, const struct view_row *r, cJSON *o)
{
  static const char *const kinds[] = { "process", "namespace", "cgroup", "container" };
  cJSON_AddStringToObject (o, "kind", kinds[r->kind]);
  if (v->tree || (r->flags & ROWF_ATTACHED))
    cJSON_AddNumberToObject (o, "depth", r->depth);
  const struct iso_live *l = v->live;
  switch (r->kind)
    {
    case ROW_PROC:
      {
        const struct live_proc *lp = r->proc;
        json_u64 (o, "start_time", lp->p->start_time);
        cJSON_AddStringToObject (o, "comm", lp->p->comm);
        if (lp->ns_time > 0)
          {
            cJSON *ns = cJSON_AddObjectToObject (o, "ns");
            for (int t = 0; t < NS_TYPE_COUNT; t++)
              if (lp->p->ns[t])
                json_u64 (ns, ns_types[t].name, lp->p->ns[t]->ino);
            char buf[32];
            snprintf (buf, sizeof buf, "%.1f", l->now - lp->ns_time);
            cJSON_AddItemToObject (o, "ns_age_seconds", cJSON_CreateRaw (buf));
          }
      }
      break;
    case ROW_NS:
      if (r->ns->owner_ino)
        json_u64 (o, "owner_ns", r->ns->owner_ino);
      if (r->ns->parent_ino)
        json_u64 (o, "parent_ns", r->ns->parent_ino);
      cJSON_AddBoolToObject (o, "host", r->ns->ino == l->host_ns[r->ns->type]);
      break;
    case ROW_CGROUP:
      json_u64 (o, "inode", cg_row_ino (r->cg));
      if (r->cg->recreated)
        cJSON_AddBoolToObject (o, "recreated", 1);
      break;
    case ROW_CONTAINER:
      cJSON_AddStringToObject (o, "engine", r->ct->c->engine);
      cJSON_AddStringToObject (o, "id", r->ct->c->id);
      if (r->ct->c->pod_uid[0])
        cJSON_AddStringToObject (o, "pod_uid", r->ct->c->pod_uid);
      break;
    }
}

static void
print_json (struct view *v, double interval, FILE *out)
{
  const struct iso_live *l = v->live;
  cJSON *doc = cJSON_CreateObject ();
  char when[64];
  struct tm tm;
  time_t t = l->m->scan.time.tv_sec;
  strftime (when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r (&t, &tm));
  cJSON_AddStringToObject (doc, "time", when);
  cJSON_AddNumberToObject (doc, "tick", (double)l->st.tick);
  char buf[48];
  snprintf (buf, sizeof buf, "%.3f", interval);
  cJSON_AddItemToObject (doc, "interval", cJSON_CreateRaw (buf));
  cJSON_AddStringToObject (doc, "view", v->def->name);
  snprintf (buf, sizeof buf, "%.4f", l->st.cpu_seconds);
  cJSON_AddItemToObject (doc, "refresh_cpu_seconds", cJSON_CreateRaw (buf));
  cJSON *host = cJSON_AddObjectToObject (doc, "host");
  cJSON_AddStringToObject (host, "kernel", l->m->scan.kernel);
  cJSON_AddStringToObject (host, "cgroup_mode", cg_mode_name (l->cg_mode));
  if (l->procs_time > 0)
    {
      cJSON_AddNumberToObject (host, "processes", (double)l->nprocs);
      cJSON_AddNumberToObject (host, "namespaces", (double)l->m->nns);
      cJSON_AddNumberToObject (host, "containers", (double)l->ncontainers);
      cJSON_AddNumberToObject (host, "denied_processes", l->st.ndenied);
    }
  if (l->cg.t)
    {
      cJSON_AddNumberToObject (host, "cgroups", (double)l->cg.nrows);
      cJSON_AddNumberToObject (host, "denied_cgroups", l->st.cg_ndenied);
    }
  cJSON_AddBoolToObject (host, "descriptors_exhausted", l->st.fds_exhausted);
  /* The rows come last: print the refresh around an empty array, then one row at a
     time into it, so that a refresh of 10,000 rows never sits in memory as one tree. */
  cJSON_AddArrayToObject (doc, "rows");
  char *head = cJSON_PrintUnformatted (doc);
  cJSON_Delete (doc);
  size_t hl = strlen (head);
  if (hl < 3 || strcmp (head + hl - 3, "[]}") != 0)
    {
      cJSON_free (head);
      return;
    }
  fwrite (head, 1, hl - 2, out);
  cJSON_free (head);
  for (size_t i = 0; i < v->nrows; i++)
    {
      const struct view_row *r = &v->rows[i];
      cJSON *o = cJSON_CreateObject ();
      json_row_extra (v, r, o);
      for (size_t c = 0; c < v->def->ncols; c++)
        {
          struct view_val val;
          view_value (v, r, (int)c, &val);
          json_value (o, v->def->cols[c].json, &val);
        }
      char *row = cJSON_PrintUnformatted (o);
      if (i)
        fputc (',', out);
      fputs (row, out);
      cJSON_free (row);
      cJSON_Delete (o);
    }
  fputs ("]}\n", out);
}

static void
sleep_until (double when)
{
  struct timespec now;
  clock_gettime (CLOCK_MONOTONIC, &now);
  double left = when - ((double)now.tv_sec + (double)now.tv_nsec / 1e9);
  if (left <= 0)
    return;
  struct timespec ts = { (time_t)left, (long)((left - (double)(time_t)left) * 1e9) };
  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
}

static double
mono_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
batch (struct iso_live *l, const struct top_config *cfg, bool json)
{
  struct view v;
  view_init (&v, cfg->view, l);
  if (cfg->tree)
    v.tree = true;
  if (cfg->sort_col >= 0)
    {
      v.sort_col = cfg->sort_col;
      v.sort_desc = cfg->sort_dir ? cfg->sort_dir < 0 : v.def->cols[cfg->sort_col].fmt != VF_STR;
    }
  if (cfg->filter && *cfg->filter)
    v.filter = xstrdup (cfg->filter);
  v.full_paths = json;
  int rc = ISO_EXIT_OK;
  double start = mono_now (), last = 0;
  for (long i = 0; !cfg->iterations || i < cfg->iterations; i++)
    {
      /* A replay prints its samples one after the other (no waiting), up to the last. */
      if (i && l->replay && !live_replay_seek (l, 1, 0))
        break;
      if (i && !l->replay)
        sleep_until (start + (double)i * cfg->delay);
      cleanup_error iso_error_t err = NULL;
      if (live_refresh (l, v.def->want, NULL, 0, &err) < 0)
        {
          fprintf (stderr, "isoscope top: %s\n", err->msg);
          rc = ISO_EXIT_FAILURE;
          break;
        }
      if (l->error[0])
        {
          fprintf (stderr, "isoscope top: %s\n", l->error);
          l->error[0] = '\0';
        }
      view_build (&v);
      double now = mono_now ();
      if (json)
        print_json (&v, l->replay ? l->tick_interval : last > 0 ? now - last : 0, stdout);
      else
        print_text (&v, stdout);
      last = now;
      if (fflush (stdout) != 0 || ferror (stdout))
        {
          rc = ISO_EXIT_FAILURE;
          break;
        }
    }
  view_release (&v);
  return rc;
}

/* ---- options ---- */

static int
parse_sort (const char *arg, enum view_id view, struct top_config *cfg)
{
  cfg->sort_dir = *arg == '+' ? 1 : *arg == '-' ? -1 : 0;
  if (*arg == '+' || *arg == '-')
    arg++;
  const struct view_def *d = view_defs[view];
  for (size_t c = 0; c < d->ncols; c++)
    if (strcasecmp (d->cols[c].name, arg) == 0 || strcasecmp (d->cols[c].json, arg) == 0)
      {
        cfg->sort_col = (int)c;
        return 0;
      }
  return -1;
}

int
cmd_top (int argc, char **argv)
{
  struct top_config cfg = { .view = VIEW_PROCS, .delay = 2.0, .sort_col = -1 };
  bool batch_mode = false, json = false;
  const char *sort = NULL;
  cleanup_parser struct cli_parser parser;
  cli_parser_init (&parser, top_opts);
  int opt;
  while ((opt = cli_getopt (&parser, argc, argv)) != -1)
    {
      if (cli_global_option (opt, optarg))
        continue;
      switch (opt)
        {
        case 'b':
          batch_mode = true;
          break;
        case 'n':
          {
            int n;
            if (util_parse_int (optarg, &n) < 0 || n < 1)
              {
                fprintf (stderr, "isoscope top: invalid count: '%s'\n", optarg);
                return cli_try_help ("top");
              }
            cfg.iterations = n;
          }
          break;
        case 'd':
          {
            char *end;
            errno = 0;
            double d = strtod (optarg, &end);
            if (errno || end == optarg || *end || !(d >= 0.1 && d <= 3600))
              {
                fprintf (stderr, "isoscope top: invalid delay: '%s' (seconds, 0.1 to 3600)\n", optarg);
                return cli_try_help ("top");
              }
            cfg.delay = d;
          }
          break;
        case OPT_VIEW:
          {
            int id = view_by_name (optarg);
            if (id < 0)
              {
                fprintf (stderr, "isoscope top: unknown view: '%s' (processes, namespaces, cgroups or containers)\n",
                         optarg);
                return cli_try_help ("top");
              }
            cfg.view = (enum view_id)id;
          }
          break;
        case 'J':
          json = true;
          break;
        case 't':
          cfg.tree = true;
          break;
        case 's':
          sort = optarg;
          break;
        case OPT_FILTER:
          cfg.filter = optarg;
          break;
        case OPT_LIST_KEYS:
          tui_print_keys (stdout);
          return ISO_EXIT_OK;
        case 'h':
          usage ();
          return ISO_EXIT_OK;
        default:
          return cli_try_help ("top");
        }
    }
  if (optind < argc)
    {
      fprintf (stderr, "isoscope top: unexpected argument: '%s'\n", argv[optind]);
      return cli_try_help ("top");
    }
  if (json && !batch_mode)
    {
      fprintf (stderr, "isoscope top: --json needs --batch\n");
      return cli_try_help ("top");
    }
  if (sort && parse_sort (sort, cfg.view, &cfg) < 0)
    {
      fprintf (stderr, "isoscope top: the %s view has no column '%s'\n", view_defs[cfg.view]->name, sort);
      return cli_try_help ("top");
    }
  struct iso_live *l = NULL;
  cleanup_error iso_error_t err = NULL;
  struct live_opts lo = { .sysroot = iso_global.sysroot };
  if (live_new (&l, &lo, &err) < 0)
    {
      fprintf (stderr, "isoscope top: %s\n", err->msg);
      return ISO_EXIT_FAILURE;
    }
  int rc;
  if (batch_mode)
    rc = batch (l, &cfg, json);
  else
    {
      int r = tui_run (l, &cfg, &err);
      if (r < 0)
        {
          fprintf (stderr, "isoscope top: %s\n", err->msg);
          rc = ISO_EXIT_FAILURE;
        }
      else if (r > 0)
        {
          /* Ended by a signal: the terminal is restored; end the way the signal asks. */
          live_free (l);
          signal (r, SIG_DFL);
          raise (r);
          return 128 + r;
        }
      else
        rc = ISO_EXIT_OK;
    }
  live_free (l);
  return rc;
}
