/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli.h: the command table, global options and helpers every command shares. */
#ifndef ISOSCOPE_CLI_H
#define ISOSCOPE_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

/* Options accepted before the command and by every command. */
struct iso_global
{
  const char *sysroot;
  bool no_color;
};
extern struct iso_global iso_global;

/* Long options shared by every command; their values start at OPT_GLOBAL_BASE. */
enum
{
  OPT_GLOBAL_BASE = 0x1000,
  OPT_SYSROOT = OPT_GLOBAL_BASE,
  OPT_NO_COLOR,
  OPT_VERSION,
  OPT_GLOBAL_END,
};
#define ISO_GLOBAL_LONGOPTS                                                                                            \
  { "sysroot", required_argument, NULL, OPT_SYSROOT }, { "no-color", no_argument, NULL, OPT_NO_COLOR },                \
  {                                                                                                                    \
    "version", no_argument, NULL, OPT_VERSION                                                                          \
  }

/* Handle a global option inside a command's getopt loop.  Returns true if C was one. */
bool cli_global_option (int c, const char *arg);

/* Print "Try 'isoscope CMD --help'" and return the exit code for bad usage. */
int cli_try_help (const char *cmd);

/* Print the text for the global options (for --help). */
void cli_print_global_help (FILE *out);

struct iso_command
{
  const char *name;
  int (*fn) (int argc, char **argv);
  const char *summary;
};
extern const struct iso_command iso_commands[];

int cmd_ls (int argc, char **argv);

#define ISOSCOPE_VERSION "0.1.0"

#endif
