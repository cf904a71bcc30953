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
  const char *load; /* --load FILE: collections read it instead of the live host */
  const char *at;   /* --at TIME: the sample of a record */
  bool no_color;
};
extern struct iso_global iso_global;

/* Values of long-only options: the globals first, then each command's own. */
enum
{
  OPT_SYSROOT = 0x1000,
  OPT_NO_COLOR,
  OPT_VERSION,
  OPT_LOAD,
  OPT_AT,
  OPT_GLOBAL_END,
};

/* One option of a command: drives getopt_long, --help and the documentation checks. */
struct cli_opt
{
  const char *name; /* long name */
  int val;          /* short option character, or an OPT_* value for long-only options */
  int has_arg;      /* no_argument, required_argument, optional_argument */
  const char *arg;  /* how the argument is shown in --help, e.g. "<list>" */
  const char *help;
};

/* The options every command accepts (and isoscope itself, before the command). */
extern const struct cli_opt cli_global_opts[];

/* getopt_long tables built from a command's options followed by the global ones. */
struct cli_parser
{
  struct option *longopts;
  char *shortopts;
};
void cli_parser_init (struct cli_parser *p, const struct cli_opt *opts);
/* STOP_AT_ARG: options end at the first non-option (for a command line that follows). */
void cli_parser_init_ex (struct cli_parser *p, const struct cli_opt *opts, bool stop_at_arg);
void cli_parser_free (struct cli_parser *p);
#define cleanup_parser __attribute__ ((cleanup (cli_parser_free)))
int cli_getopt (struct cli_parser *p, int argc, char **argv);

/* Handle a global option inside a command's getopt loop.  Returns true if C was one. */
bool cli_global_option (int c, const char *arg);

/* Print "Try 'isoscope CMD --help'" and return the exit code for bad usage. */
int cli_try_help (const char *cmd);

/* Print the --help lines of OPTS, then the global options. */
void cli_print_options (FILE *out, const struct cli_opt *opts);

struct iso_command
{
  const char *name;
  int (*fn) (int argc, char **argv);
  const char *summary;
  const struct cli_opt *opts;
};
extern const struct iso_command iso_commands[];

int cmd_top (int argc, char **argv);
extern const struct cli_opt top_opts[];
int cmd_ls (int argc, char **argv);
extern const struct cli_opt ls_opts[];
int cmd_enter (int argc, char **argv);
extern const struct cli_opt enter_opts[];
int cmd_ps (int argc, char **argv);
extern const struct cli_opt ps_opts[];
int cmd_caps (int argc, char **argv);
extern const struct cli_opt caps_opts[];
int cmd_explain (int argc, char **argv);
extern const struct cli_opt explain_opts[];
int cmd_diff (int argc, char **argv);
extern const struct cli_opt diff_opts[];
int cmd_cgroups (int argc, char **argv);
extern const struct cli_opt cgroups_opts[];
int cmd_run (int argc, char **argv);
extern const struct cli_opt run_opts[];
int cmd_snapshot (int argc, char **argv);
extern const struct cli_opt snapshot_opts[];
int cmd_record (int argc, char **argv);
extern const struct cli_opt record_opts[];
/* For commands that act on the live host (enter, run, snapshot, record): a clear error
   when --load or --at was given.  Returns true (and prints) when one was. */
bool cli_refuse_load (const char *cmd);
int cmd_verify (int argc, char **argv);
extern const struct cli_opt verify_opts[];

#define ISOSCOPE_VERSION "0.1.0"

#endif
