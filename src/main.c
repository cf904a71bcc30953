// SPDX-License-Identifier: GPL-2.0-or-later
/* main.c: global options and the command table. */
#define _GNU_SOURCE
#include "isoscope/cli.h"
#include "isoscope/error.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

struct iso_global iso_global;

const struct iso_command iso_commands[] = {
  { "ls", cmd_ls, "list namespaces (an lsns superset)" },
  { NULL, NULL, NULL },
};

bool
cli_global_option (int c, const char *arg)
{
  switch (c)
    {
    case OPT_SYSROOT:
      iso_global.sysroot = arg;
      return true;
    case OPT_NO_COLOR:
      iso_global.no_color = true;
      return true;
    case OPT_VERSION:
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

void
cli_print_global_help (FILE *out)
{
  fputs ("\nGlobal options:\n"
         "     --sysroot <dir>    read <dir>/proc instead of /proc\n"
         "     --no-color         never use colours (NO_COLOR is honoured too)\n"
         " -h, --help             display this help\n"
         " -V, --version          display version\n",
         out);
}

static void
usage (FILE *out)
{
  fputs ("Usage:\n isoscope [global options] <command> [options]\n\n"
         "Inspect how processes are isolated: namespaces, cgroups, capabilities.\n\n"
         "Commands:\n",
         out);
  for (const struct iso_command *c = iso_commands; c->name; c++)
    fprintf (out, " %-10s %s\n", c->name, c->summary);
  cli_print_global_help (out);
  fputs ("\nWith no command, isoscope runs 'ls'.\n"
         "Run 'isoscope <command> --help' for a command's options; see isoscope(1).\n",
         out);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  if (getenv ("NO_COLOR"))
    iso_global.no_color = true;
  static const struct option longopts[] = {
    { "help", no_argument, NULL, 'h' },
    ISO_GLOBAL_LONGOPTS,
    { NULL, 0, NULL, 0 },
  };
  int c;
  /* '+': stop at the command name so its options stay for it. */
  while ((c = getopt_long (argc, argv, "+hV", longopts, NULL)) != -1)
    {
      if (cli_global_option (c, optarg))
        continue;
      switch (c)
        {
        case 'h':
          usage (stdout);
          return ISO_EXIT_OK;
        case 'V':
          cli_global_option (OPT_VERSION, NULL);
          break;
        default:
          return cli_try_help (NULL);
        }
    }
  argc -= optind;
  argv += optind;
  const char *name = argc > 0 ? argv[0] : "ls";
  for (const struct iso_command *cmd = iso_commands; cmd->name; cmd++)
    if (strcmp (cmd->name, name) == 0)
      {
        if (argc == 0)
          {
            static char *noargs[] = { (char *)"ls", NULL };
            optind = 0;
            return cmd->fn (1, noargs);
          }
        optind = 0;
        return cmd->fn (argc, argv);
      }
  fprintf (stderr, "isoscope: unknown command '%s'\n", name);
  return cli_try_help (NULL);
}
