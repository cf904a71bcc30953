// SPDX-License-Identifier: GPL-2.0-or-later
/* main.c: global options and the command table. */
#define _GNU_SOURCE
#include "isoscope/cli.h"
#include "isoscope/error.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const struct iso_command iso_commands[] = {
  { "top", cmd_top, "live view of processes, namespaces, cgroups and containers (the default on a terminal)",
    top_opts },
  { "ls", cmd_ls, "list namespaces (an lsns superset)", ls_opts },
  { "ps", cmd_ps, "one row per process with its namespaces, cgroup, container and privileges", ps_opts },
  { "caps", cmd_caps, "capability sets of processes, decoded", caps_opts },
  { "explain", cmd_explain, "one target layer by layer against the host, with findings", explain_opts },
  { "diff", cmd_diff, "what differs between the isolation of two targets", diff_opts },
  { "cgroups", cmd_cgroups, "the cgroup tree with limits, usage, rates, pressure and containers", cgroups_opts },
  { "enter", cmd_enter, "run a command in a target's namespaces (an nsenter superset)", enter_opts },
  { "snapshot", cmd_snapshot, "the whole model of the host as one JSON document (read back with --load)",
    snapshot_opts },
  { "record", cmd_record, "append samples of the model to a file, for top --load and --at", record_opts },
  { "run", cmd_run, "run a command in new namespaces with limits and a root filesystem", run_opts },
  { "verify", cmd_verify, "check a running process against a run profile (exit 3 when a check fails)", verify_opts },
  { NULL, NULL, NULL, NULL },
};

static void
usage (FILE *out)
{
  fputs ("Usage:\n isoscope [global options] [<command> [options]]\n\n"
         "Inspect how processes are isolated: namespaces, cgroups, capabilities.\n\n"
         "Commands:\n",
         out);
  for (const struct iso_command *c = iso_commands; c->name; c++)
    fprintf (out, " %-10s %s\n", c->name, c->summary);
  cli_print_options (out, NULL);
  fputs ("\nWith no command, isoscope runs 'top' on a terminal and 'ls' otherwise.\n"
         "Run 'isoscope <command> --help' for a command's options; see isoscope(1).\n"
         "\nExit status: 0 success; 1 bad usage or a failure; 2 a named target was not found.\n",
         out);
}

/* `isoscope __options [CMD]`: the option table as "long<TAB>short<TAB>arg" lines,
   for the tests that keep the man pages and completions in step with the code. */
static int
list_options (const char *name)
{
  const struct cli_opt *opts = NULL;
  if (name)
    {
      const struct iso_command *c = iso_commands;
      while (c->name && strcmp (c->name, name) != 0)
        c++;
      if (!c->name)
        {
          fprintf (stderr, "isoscope: unknown command '%s'\n", name);
          return ISO_EXIT_FAILURE;
        }
      opts = c->opts;
    }
  else
    {
      for (const struct iso_command *c = iso_commands; c->name; c++)
        printf ("command\t%s\n", c->name);
    }
  const struct cli_opt *tables[] = { opts, cli_global_opts };
  for (int t = 0; t < 2; t++)
    for (const struct cli_opt *o = tables[t]; o && o->name; o++)
      printf ("--%s\t%s%c\t%s\n", o->name, o->val < 0x100 ? "-" : "", o->val < 0x100 ? o->val : '-',
              o->has_arg == no_argument         ? "none"
              : o->has_arg == required_argument ? "required"
                                                : "optional");
  return ISO_EXIT_OK;
}

int
main (int argc, char **argv)
{
  /* `run` only execs another program and prints ASCII: loading the locale (some 60 system
     calls) would slow every sandbox launch down for nothing. */
  if (!(argc > 1 && strcmp (argv[1], "run") == 0))
    setlocale (LC_ALL, "");
  const char *nc = getenv ("NO_COLOR");
  if (nc && *nc)
    iso_global.no_color = true;
  /* getopt names the program in its messages. */
  static char progname[] = "isoscope";
  if (argc > 0)
    argv[0] = progname;
  cleanup_parser struct cli_parser p;
  cli_parser_init_ex (&p, NULL, true);
  int c;
  while ((c = cli_getopt (&p, argc, argv)) != -1)
    {
      if (cli_global_option (c, optarg))
        continue;
      if (c == 'h')
        {
          usage (stdout);
          return ISO_EXIT_OK;
        }
      return cli_try_help (NULL);
    }
  argc -= optind;
  argv += optind;
  if (argc > 0 && strcmp (argv[0], "__options") == 0)
    return list_options (argc > 1 ? argv[1] : NULL);
  /* No command: the TUI on a terminal, the namespace list for a pipe or a file. */
  static char *noargs[] = { (char *)"ls", NULL };
  if (argc == 0)
    {
      if (isatty (STDOUT_FILENO))
        noargs[0] = (char *)"top";
      argc = 1;
      argv = noargs;
    }
  for (const struct iso_command *cmd = iso_commands; cmd->name; cmd++)
    if (strcmp (cmd->name, argv[0]) == 0)
      {
        /* getopt names the program in its messages: make that "isoscope CMD". */
        char argv0[64];
        snprintf (argv0, sizeof argv0, "isoscope %s", cmd->name);
        argv[0] = argv0;
        optind = 0;
        return cmd->fn (argc, argv);
      }
  fprintf (stderr, "isoscope: unknown command '%s'\n", argv[0]);
  return cli_try_help (NULL);
}
