// SPDX-License-Identifier: GPL-2.0-or-later
/* cli.c: option tables to getopt_long, --help text, the global options. */
#define _GNU_SOURCE
#include "isoscope/cli.h"
#include "isoscope/error.h"
#include "isoscope/snapshot.h"
#include "isoscope/util.h"

#include <stdlib.h>
#include <string.h>

struct iso_global iso_global;

const struct cli_opt cli_global_opts[] = {
  { "sysroot", OPT_SYSROOT, required_argument, "<dir>",
    "read <dir>/proc and <dir>/sys/fs/cgroup instead of the live ones" },
  { "load", OPT_LOAD, required_argument, "<file>",
    "read a snapshot or a record (isoscope snapshot, isoscope record) instead of the live host" },
  { "at", OPT_AT, required_argument, "<time>", "with --load of a record: the sample at or before <time>" },
  { "no-color", OPT_NO_COLOR, no_argument, NULL, "never use colours (NO_COLOR is honoured too)" },
  { "help", 'h', no_argument, NULL, "show this help and exit" },
  { "version", 'V', no_argument, NULL, "show the version and exit" },
  { NULL, 0, 0, NULL, NULL },
};

static size_t
count_opts (const struct cli_opt *o)
{
  size_t n = 0;
  while (o && o[n].name)
    n++;
  return n;
}

void
cli_parser_init (struct cli_parser *p, const struct cli_opt *opts)
{
  cli_parser_init_ex (p, opts, false);
}

void
cli_parser_init_ex (struct cli_parser *p, const struct cli_opt *opts, bool stop_at_arg)
{
  size_t n = count_opts (opts), g = count_opts (cli_global_opts);
  p->longopts = xcalloc (n + g + 1, sizeof *p->longopts);
  struct strbuf s = { 0 };
  if (stop_at_arg)
    strbuf_puts (&s, "+");
  const struct cli_opt *tables[] = { opts, cli_global_opts };
  size_t k = 0;
  for (size_t t = 0; t < 2; t++)
    for (const struct cli_opt *o = tables[t]; o && o->name; o++)
      {
        p->longopts[k++] = (struct option){ o->name, o->has_arg, NULL, o->val };
        if (o->val > 0 && o->val < 0x100)
          {
            char c = (char)o->val;
            strbuf_add (&s, &c, 1);
            if (o->has_arg == required_argument)
              strbuf_puts (&s, ":");
            else if (o->has_arg == optional_argument)
              strbuf_puts (&s, "::");
          }
      }
  p->shortopts = strbuf_steal (&s);
}

void
cli_parser_free (struct cli_parser *p)
{
  free (p->longopts);
  free (p->shortopts);
  p->longopts = NULL;
  p->shortopts = NULL;
}

int
cli_getopt (struct cli_parser *p, int argc, char **argv)
{
  return getopt_long (argc, argv, p->shortopts, p->longopts, NULL);
}

bool
cli_global_option (int c, const char *arg)
{
  switch (c)
    {
    case OPT_SYSROOT:
      iso_global.sysroot = arg;
      return true;
    case OPT_LOAD:
      iso_global.load = arg;
      snapshot_source_set (arg);
      return true;
    case OPT_AT:
      iso_global.at = arg;
      snapshot_source_set_at (arg);
      return true;
    case OPT_NO_COLOR:
      iso_global.no_color = true;
      return true;
    case OPT_VERSION:
    case 'V':
      printf ("isoscope %s\n", ISOSCOPE_VERSION);
      exit (ISO_EXIT_OK);
    default:
      return false;
    }
}

int
cli_try_help (const char *cmd)
{
  if (cmd)
    fprintf (stderr, "Try 'isoscope %s --help' for more information.\n", cmd);
  else
    fprintf (stderr, "Try 'isoscope --help' for more information.\n");
  return ISO_EXIT_FAILURE;
}

static void
print_table (FILE *out, const struct cli_opt *opts)
{
  for (const struct cli_opt *o = opts; o && o->name; o++)
    {
      char left[64];
      const char *arg = o->arg ? o->arg : "";
      const char *open = o->has_arg == optional_argument ? "[=" : o->arg ? " " : "";
      const char *close = o->has_arg == optional_argument ? "]" : "";
      if (o->val > 0 && o->val < 0x100)
        snprintf (left, sizeof left, "-%c, --%s%s%s%s", o->val, o->name, open, arg, close);
      else
        snprintf (left, sizeof left, "    --%s%s%s%s", o->name, open, arg, close);
      if (strlen (left) > 22)
        fprintf (out, " %s\n %-22s %s\n", left, "", o->help);
      else
        fprintf (out, " %-22s %s\n", left, o->help);
    }
}

void
cli_print_options (FILE *out, const struct cli_opt *opts)
{
  if (opts)
    {
      fputs ("\nOptions:\n", out);
      print_table (out, opts);
    }
  fputs ("\nGlobal options:\n", out);
  print_table (out, cli_global_opts);
}

bool
cli_refuse_load (const char *cmd)
{
  if (!iso_global.load && !iso_global.at)
    return false;
  fprintf (stderr, "isoscope %s: --%s reads a saved host, but %s works on the live one\n", cmd,
           iso_global.load ? "load" : "at", cmd);
  return true;
}
