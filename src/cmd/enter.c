// SPDX-License-Identifier: GPL-2.0-or-later
/* enter.c: `isoscope enter`, nsenter's options on top of the enter phases. */
#define _GNU_SOURCE
#include "isoscope/cli.h"
#include "isoscope/enter.h"
#include "isoscope/ns.h"
#include "isoscope/util.h"

#include <stdlib.h>
#include <string.h>

enum
{
  OPT_PRESERVE_CRED = OPT_GLOBAL_END,
  OPT_KEEP_CAPS,
  OPT_USER_PARENT,
  OPT_MOUNT_PROC,
};

const struct cli_opt enter_opts[] = {
  { "target", 't', required_argument, "<pid>", "target process: PID, PID:INODE, a namespace file or a cgroup" },
  { "all", 'a', no_argument, NULL, "enter all namespaces of the target" },
  { "mount", 'm', optional_argument, "<file>", "enter the mount namespace" },
  { "uts", 'u', optional_argument, "<file>", "enter the UTS namespace (hostname etc)" },
  { "ipc", 'i', optional_argument, "<file>", "enter the System V IPC namespace" },
  { "net", 'n', optional_argument, "<file>", "enter the network namespace" },
  { "pid", 'p', optional_argument, "<file>", "enter the pid namespace" },
  { "cgroup", 'C', optional_argument, "<file>", "enter the cgroup namespace" },
  { "user", 'U', optional_argument, "<file>", "enter the user namespace" },
  { "time", 'T', optional_argument, "<file>", "enter the time namespace" },
  { "setuid", 'S', required_argument, "<uid>", "set uid in the entered namespace (a number or 'follow')" },
  { "setgid", 'G', required_argument, "<gid>", "set gid in the entered namespace (a number or 'follow')" },
  { "preserve-credentials", OPT_PRESERVE_CRED, no_argument, NULL, "do not touch uids or gids" },
  { "keep-caps", OPT_KEEP_CAPS, no_argument, NULL, "retain capabilities granted in the user namespace" },
  { "root", 'r', optional_argument, "<dir>", "set the root directory (default: the target's)" },
  { "wd", 'w', optional_argument, "<dir>", "set the working directory (default: the target's)" },
  { "wdns", 'W', required_argument, "<dir>", "set the working directory inside the entered mount namespace" },
  { "env", 'e', no_argument, NULL, "inherit the environment of the target process" },
  { "no-fork", 'F', no_argument, NULL, "do not fork before exec'ing the command" },
  { "join-cgroup", 'c', no_argument, NULL, "join the cgroups of the target (v2 and v1 hierarchies)" },
  { "user-parent", OPT_USER_PARENT, no_argument, NULL, "enter the parent of the target's user namespace" },
  { "mount-proc", OPT_MOUNT_PROC, optional_argument, "<dir>",
    "mount a new proc (default /proc) for the entered pid namespace" },
  { NULL, 0, 0, NULL, NULL },
};

static void
usage (FILE *out)
{
  fputs ("Usage:\n isoscope enter [options] [TARGET] [[--] <command> [<argument>...]]\n"
         " isoscope enter -t TARGET [options] [<command> [<argument>...]]\n\n"
         "Run a command (default: $SHELL or /bin/sh) in the namespaces of a target.\n"
         "TARGET is a PID, PID:INODE (the inode of its pidfd, refused if the pid was reused),\n"
         "a namespace file such as /run/netns/NAME, or a cgroup directory (its lowest pid).\n",
         out);
  cli_print_options (out, enter_opts);
  fputs ("\nExit status: the command's; 1 bad usage; 2 target not found; 125 a setup step failed;\n"
         "126 the command could not be executed; 127 the command was not found.\n"
         "For more details see isoscope-enter(1).\n",
         out);
}

static int
parse_id (const char *arg, long *id, bool *follow)
{
  if (strcmp (arg, "follow") == 0)
    {
      *follow = true;
      return 0;
    }
  int v;
  if (util_parse_int (arg, &v) < 0)
    return -1;
  *id = v;
  return 0;
}

int
cmd_enter (int argc, char **argv)
{
  struct enter_plan p;
  enter_plan_init (&p);
  cleanup_error iso_error_t err = NULL;
  cleanup_parser struct cli_parser parser;
  cli_parser_init_ex (&parser, enter_opts, true);
  const char *target = NULL;
  int opt, rc = ISO_EXIT_FAILURE;
  /* Options come before the command; a TARGET given without -t may stand among them:
     `enter PID -u cmd`, `enter -u PID -- cmd`. */
again:
  while ((opt = cli_getopt (&parser, argc, argv)) != -1)
    {
      if (cli_global_option (opt, optarg))
        continue;
      int t = ns_type_from_option (opt);
      if (t >= 0)
        {
          p.ns[t].want = true;
          p.ns[t].file = optarg;
          continue;
        }
      switch (opt)
        {
        case 't':
          target = optarg;
          break;
        case 'a':
          p.all = true;
          break;
        case 'S':
          p.uid_set = true;
          if (parse_id (optarg, &p.uid, &p.uid_follow) < 0)
            {
              fprintf (stderr, "isoscope enter: invalid uid: '%s'\n", optarg);
              goto usage_error;
            }
          break;
        case 'G':
          p.gid_set = true;
          if (parse_id (optarg, &p.gid, &p.gid_follow) < 0)
            {
              fprintf (stderr, "isoscope enter: invalid gid: '%s'\n", optarg);
              goto usage_error;
            }
          break;
        case OPT_PRESERVE_CRED:
          p.preserve_cred = true;
          break;
        case OPT_KEEP_CAPS:
          p.keep_caps = true;
          break;
        case 'r':
          p.root_set = true;
          p.root = optarg;
          break;
        case 'w':
          p.wd_set = true;
          p.wd = optarg;
          break;
        case 'W':
          p.wdns = optarg;
          break;
        case 'e':
          p.env = true;
          break;
        case 'F':
          p.no_fork = true;
          break;
        case 'c':
          p.join_cgroup = true;
          break;
        case OPT_USER_PARENT:
          p.user_parent = true;
          p.ns[NS_USER].want = true;
          break;
        case OPT_MOUNT_PROC:
          p.mount_proc = optarg ? optarg : "/proc";
          break;
        case 'h':
          usage (stdout);
          enter_plan_release (&p);
          return ISO_EXIT_OK;
        default:
          goto usage_error;
        }
    }
  /* Without -t, the first argument is the TARGET unless every namespace is a file. */
  bool all_files = true, any_ns = false;
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    if (p.ns[t].want)
      {
        any_ns = true;
        if (!p.ns[t].file && !(t == NS_USER && p.user_parent))
          all_files = false;
      }
  if (cli_refuse_load ("enter"))
    return cli_try_help ("enter");
  if (!target && optind < argc && (!any_ns || !all_files || p.all || p.join_cgroup || p.user_parent))
    {
      target = argv[optind++];
      if (optind < argc && strcmp (argv[optind], "--") == 0)
        optind++;
      else
        goto again;
    }
  if (p.wdns && p.wd_set)
    {
      fprintf (stderr, "isoscope enter: --wd and --wdns are mutually exclusive\n");
      goto usage_error;
    }
  if (p.preserve_cred && (p.uid_set || p.gid_set))
    {
      fprintf (stderr, "isoscope enter: --preserve-credentials and --setuid/--setgid are mutually exclusive\n");
      goto usage_error;
    }
  if (target)
    {
      if (target_resolve (target, &p.target, &err) < 0)
        {
          fprintf (stderr, "isoscope enter: %s\n", err->msg);
          target_release (&p.target);
          enter_plan_release (&p);
          /* A malformed PID[:INODE] is bad usage; a TARGET that names nothing is "not found". */
          pid_t pid;
          uint64_t ino;
          bool malformed = target[0] >= '0' && target[0] <= '9' && target_parse_pid (target, &pid, &ino) < 0;
          return malformed ? cli_try_help ("enter") : ISO_EXIT_NOT_FOUND;
        }
      p.have_target = true;
      /* A bare TARGET enters all of its namespaces, like -a. */
      if (!any_ns && !p.join_cgroup && p.target.kind != TARGET_NSFILE)
        p.all = true;
    }
  else if (!any_ns)
    {
      fprintf (stderr, "isoscope enter: no target and no namespace given\n");
      goto usage_error;
    }
  p.argv = optind < argc ? argv + optind : NULL;
  rc = enter_run (&p, &err);
  if (rc < 0)
    {
      fprintf (stderr, "isoscope enter: %s\n", err->msg);
      rc = ENTER_EXIT_SETUP;
    }
  enter_plan_release (&p);
  return rc;

usage_error:
  enter_plan_release (&p);
  return cli_try_help ("enter");
}
