// SPDX-License-Identifier: GPL-2.0-or-later
/* verify.c: `isoscope verify TARGET`, a running process's isolation checked against a run profile. */
#define _GNU_SOURCE
#include "isoscope/cli.h"
#include "isoscope/error.h"
#include "isoscope/model.h"
#include "isoscope/ns.h"
#include "isoscope/sandbox.h"
#include "isoscope/target.h"
#include "isoscope/util.h"
#include "isoscope/verify.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* One more exit code of verify: the target was read, and a check failed. */
enum
{
  VERIFY_EXIT_FAILED = 3,
};

enum
{
  OPT_CAP_ADD = OPT_GLOBAL_END,
  OPT_PASS_FD,
  OPT_MEMORY,
  OPT_PIDS,
  OPT_RLIMIT,
};

const struct cli_opt verify_opts[] = {
  { "profile", 'p', required_argument, "<name>",
    "the run profile to check against: strict, default (the default), compat" },
  { "cap-add", OPT_CAP_ADD, required_argument, "<caps>", "allow these capabilities too (as run's --cap-add)" },
  { "pass-fd", OPT_PASS_FD, required_argument, "<fd>", "fd <fd> may be open too (as run's --pass-fd)" },
  { "memory", OPT_MEMORY, required_argument, "<bytes>", "its cgroup must limit memory to <bytes> or less" },
  { "pids", OPT_PIDS, required_argument, "<n>", "its cgroup must limit tasks to <n> or fewer" },
  { "rlimit", OPT_RLIMIT, required_argument, "<name=soft[:hard]>",
    "its resource limit must be this or lower, e.g. nofile=1024" },
  { "json", 'J', no_argument, NULL, "print JSON" },
  { NULL, 0, 0, NULL, NULL },
};

struct verify_args
{
  const char *profile;
  uint64_t cap_add;
  int *fds;
  size_t nfds;
  int64_t memory, pids;
  struct run_rlimit rlimits[16];
  size_t nrlimits;
  bool json;
};

static int __attribute__ ((format (printf, 1, 2))) usage_error (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fputs ("isoscope verify: ", stderr);
  vfprintf (stderr, fmt, ap);
  fputc ('\n', stderr);
  va_end (ap);
  return cli_try_help ("verify");
}

static void
help (void)
{
  fputs ("Usage:\n isoscope verify [options] TARGET\n\n"
         "Check a running process against a run profile, as isoscope run checks its own command\n"
         "before the exec: capability sets, no_new_privs, seccomp, namespaces (new, not those of\n"
         "isoscope), masked and read-only /proc and /sys paths, open fds, session, working\n"
         "directory, resource limits, and with --memory or --pids the limits of its cgroup.\n"
         "TARGET is a PID, PID:INODE, a namespace file, a cgroup directory, or a container id or\n"
         "name prefix (their lowest pid is checked).\n",
         stdout);
  cli_print_options (stdout, verify_opts);
  fputs ("\nExit status: 0 every check passed; 1 bad usage or failure; 2 the target was not found;\n"
         "3 a check failed.\n",
         stdout);
  puts ("For more details see isoscope-verify(1).");
}

/* 0 to go on, else the exit code (-1: --help was printed, exit 0). */
static int
parse_args (int argc, char **argv, struct verify_args *a)
{
  cleanup_parser struct cli_parser parser;
  cli_parser_init (&parser, verify_opts);
  int opt;
  while ((opt = cli_getopt (&parser, argc, argv)) != -1)
    {
      if (cli_global_option (opt, optarg))
        continue;
      switch (opt)
        {
        case 'p':
          a->profile = optarg;
          break;
        case OPT_CAP_ADD:
          {
            uint64_t m;
            cleanup_free char *bad = NULL;
            if (caps_parse_list (optarg, &m, &bad) < 0)
              return usage_error ("--cap-add: unknown capability '%s'", bad ? bad : optarg);
            a->cap_add |= m;
            break;
          }
        case OPT_PASS_FD:
          {
            int fd;
            if (util_parse_int (optarg, &fd) < 0 || fd < 0)
              return usage_error ("--pass-fd: '%s' is not an fd number", optarg);
            a->fds = xreallocarray (a->fds, a->nfds + 1, sizeof *a->fds);
            a->fds[a->nfds++] = fd;
            break;
          }
        case OPT_MEMORY:
          if (limits_parse_size (optarg, &a->memory) < 0 || a->memory <= 0)
            return usage_error ("--memory: '%s' is not a size (e.g. 512M)", optarg);
          break;
        case OPT_PIDS:
          {
            int n;
            if (util_parse_int (optarg, &n) < 0 || n <= 0)
              return usage_error ("--pids: '%s' is not a positive number", optarg);
            a->pids = n;
            break;
          }
        case OPT_RLIMIT:
          if (a->nrlimits == ARRAY_SIZE (a->rlimits) || limits_parse_rlimit (optarg, &a->rlimits[a->nrlimits]) < 0)
            return usage_error ("--rlimit: '%s' is not NAME=SOFT[:HARD] (names: %s)", optarg, limits_rlimit_names ());
          a->nrlimits++;
          break;
        case 'J':
          a->json = true;
          break;
        case 'h':
          help ();
          return -1;
        default:
          return cli_try_help ("verify");
        }
    }
  if (argc - optind != 1)
    return usage_error ("%s", argc - optind > 1 ? "one TARGET only" : "a TARGET is needed");
  return 0;
}

/* The process a model-only TARGET names (a container, or a namespace file): the lowest pid
   in it, resolved again as a pid.  EXIT gets the exit code on failure. */
static int
resolve_by_model (const char *text, uint64_t nsino, struct iso_target *t, int *exit_code)
{
  cleanup_error iso_error_t err = NULL;
  struct iso_model *m = NULL;
  struct iso_collect_opts co = { .flags = COLLECT_CGROUPS };
  if (iso_model_collect (&m, &co, &err) < 0)
    {
      fprintf (stderr, "isoscope verify: %s\n", err->msg);
      *exit_code = ISO_EXIT_FAILURE;
      return -1;
    }
  pid_t pid = 0;
  if (nsino)
    {
      struct iso_ns *ns = iso_model_find_ns (m, nsino);
      pid = ns && ns->proc ? ns->proc->pid : 0;
      if (!pid)
        iso_make_error (&err, ESRCH, "no process is in the namespace of '%s'", text);
    }
  else
    {
      struct iso_proc **sel = NULL;
      size_t n = 0;
      if (iso_model_select (m, text, &sel, &n, &err) == 0)
        {
          pid = sel[0]->pid;
          for (size_t i = 1; i < n; i++)
            if (sel[i]->pid < pid)
              pid = sel[i]->pid;
        }
      free (sel);
    }
  iso_model_free (m);
  if (pid > 0)
    {
      char buf[16];
      snprintf (buf, sizeof buf, "%d", (int)pid);
      iso_error_release (&err);
      if (target_resolve (buf, t, &err) == 0)
        return 0;
    }
  fprintf (stderr, "isoscope verify: %s\n", err->msg);
  *exit_code = err->status == EINVAL ? ISO_EXIT_FAILURE : ISO_EXIT_NOT_FOUND;
  return -1;
}

/* TARGET to a pinned process: a pid, pid:inode or cgroup directly; a namespace file or a
   container through the model. */
static int
resolve (const char *text, struct iso_target *t, int *exit_code)
{
  cleanup_error iso_error_t err = NULL;
  if (target_resolve (text, t, &err) == 0)
    {
      if (t->kind != TARGET_NSFILE)
        return 0;
      struct stat st;
      uint64_t ino = fstat (t->nsfd, &st) == 0 ? (uint64_t)st.st_ino : 0;
      target_release (t);
      return resolve_by_model (text, ino, t, exit_code);
    }
  target_release (t);
  /* Not a pid and not a path: a container id or name. */
  bool pathlike
      = strchr (text, '/') || (text[0] >= '0' && text[0] <= '9' && strspn (text, "0123456789:") == strlen (text));
  if (!pathlike && (err->status == ENOENT || err->status == 0))
    return resolve_by_model (text, 0, t, exit_code);
  fprintf (stderr, "isoscope verify: %s\n", err->msg);
  *exit_code = err->status == ESRCH || err->status == ENOENT ? ISO_EXIT_NOT_FOUND : ISO_EXIT_FAILURE;
  return -1;
}

int
cmd_verify (int argc, char **argv)
{
  struct verify_args a = { .profile = "default", .memory = -1, .pids = -1 };
  int rc = parse_args (argc, argv, &a);
  if (rc)
    {
      free (a.fds);
      return rc < 0 ? ISO_EXIT_OK : rc;
    }
  const char *text = argv[optind];
  if (iso_global.sysroot && *iso_global.sysroot)
    {
      fprintf (stderr, "isoscope verify: --sysroot does not apply: verify reads live processes only\n");
      free (a.fds);
      return ISO_EXIT_FAILURE;
    }
  if (cli_refuse_load ("verify"))
    {
      free (a.fds);
      return ISO_EXIT_FAILURE;
    }

  /* The expectation: what run would set up under the profile, seen from outside. */
  cleanup_error iso_error_t err = NULL;
  struct run_plan plan;
  run_plan_init (&plan);
  plan.harden.cap_add = a.cap_add;
  if (run_profile_apply (&plan, a.profile, &err) < 0)
    {
      fprintf (stderr, "isoscope verify: %s\n", err->msg);
      run_plan_release (&plan);
      free (a.fds);
      return ISO_EXIT_FAILURE;
    }
  struct verify_expect e;
  verify_expect_init (&e);
  sandbox_expect (&plan, &e);
  cleanup_free char *source = xasprintf ("profile %s", a.profile);
  e.source = source;
  e.caps_max |= caps_resolve (0, a.cap_add, 0);
  /* What the profile leaves to options is not checked: a namespace it does not make, the
     session of a profile that makes one only on a terminal.  Its masks are Docker's whole
     list, /sys too, wherever the process has a /proc or a /sys. */
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    if (e.new_ns[t] == 0)
      e.new_ns[t] = -1;
  if (plan.harden.session != RUN_SESSION_NEVER)
    e.new_session = plan.harden.session == RUN_SESSION_ALWAYS ? 1 : 2;
  if (plan.harden.masks)
    {
      e.masked = sandbox_masked_paths;
      e.readonly = sandbox_readonly_paths;
    }
  /* A running process keeps its close-on-exec fds until it execs: they count. */
  e.fds_cloexec_ok = false;
  e.allowed_fds = a.fds;
  e.nallowed_fds = a.nfds;
  e.check_fds = true;
  e.check_cwd = true;
  e.memory_max = a.memory;
  e.pids_max = a.pids;
  /* --rlimit replaces what the profile says of the same resource. */
  for (size_t i = 0; i < a.nrlimits; i++)
    {
      size_t k = 0;
      while (k < e.nrlimits && e.rlimits[k].resource != a.rlimits[i].resource)
        k++;
      if (k == ARRAY_SIZE (e.rlimits))
        break;
      e.rlimits[k] = (struct verify_rlimit){ a.rlimits[i].resource, a.rlimits[i].soft, a.rlimits[i].hard };
      if (k == e.nrlimits)
        e.nrlimits++;
    }

  struct iso_target t;
  int exit_code = ISO_EXIT_OK;
  if (resolve (text, &t, &exit_code) == 0)
    {
      struct verify_report rep;
      if (verify_process (t.piddir, t.pid, &e, &rep, &err) < 0)
        {
          fprintf (stderr, "isoscope verify: %s: %s\n", t.desc, err->msg);
          exit_code = err->status == ESRCH || err->status == ENOENT ? ISO_EXIT_NOT_FOUND : ISO_EXIT_FAILURE;
        }
      else
        {
          verify_report_print (stdout, &rep, a.json);
          exit_code = rep.failed ? VERIFY_EXIT_FAILED : ISO_EXIT_OK;
          verify_report_release (&rep);
        }
      target_release (&t);
    }
  run_plan_release (&plan);
  free (a.fds);
  return exit_code;
}
