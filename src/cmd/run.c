// SPDX-License-Identifier: GPL-2.0-or-later
/* run.c: `isoscope run`, unshare's and bwrap's options plus limits, parsed into a plan for the sandbox phases. */
#define _GNU_SOURCE
#include "isoscope/cli.h"
#include "isoscope/ns.h"
#include "isoscope/sandbox.h"
#include "isoscope/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <unistd.h>

enum
{
  OPT_KILL_CHILD = OPT_GLOBAL_END,
  OPT_DIE_WITH_PARENT,
  OPT_AS_PID1,
  OPT_MOUNT_PROC,
  OPT_PROPAGATION,
  OPT_MAP_USER,
  OPT_MAP_GROUP,
  OPT_MAP_USERS,
  OPT_MAP_GROUPS,
  OPT_MAP_AUTO,
  OPT_SETGROUPS,
  OPT_MONOTONIC,
  OPT_BOOTTIME,
  OPT_HOSTNAME,
  OPT_ROOTFS,
  OPT_OVERLAY,
  OPT_OVERLAY_UPPER,
  OPT_OVERLAY_WORK,
  OPT_BIND,
  OPT_RO_BIND,
  OPT_TMPFS,
  OPT_PROC,
  OPT_DEV,
  OPT_CHDIR,
  OPT_SETENV,
  OPT_UNSETENV,
  OPT_CLEARENV,
  OPT_MEMORY,
  OPT_MEMORY_SWAP,
  OPT_CPUS,
  OPT_PIDS,
  OPT_CPUSET,
  OPT_IO_WEIGHT,
  OPT_RLIMIT,
  OPT_TIMEOUT,
  OPT_CGROUP_PARENT,
  OPT_PROFILE,
  OPT_CAP_ADD,
  OPT_CAP_DROP,
  OPT_SECCOMP,
  OPT_ALLOW_NEW_PRIVS,
  OPT_SESSION,
  OPT_NEW_SESSION,
  OPT_PASS_FD,
  OPT_KEEP_ENV,
  OPT_APPARMOR,
  OPT_SELINUX,
  OPT_EXPLAIN,
};

/* Options that take two arguments (bwrap's --bind SRC DST): getopt hands over the
   first, the parser takes the second from the next element of argv. */
const struct cli_opt run_opts[] = {
  { "mount", 'm', optional_argument, "<file>", "new mount namespace (kept on <file> if given)" },
  { "uts", 'u', optional_argument, "<file>", "new UTS namespace (hostname and domain name)" },
  { "ipc", 'i', optional_argument, "<file>", "new System V IPC namespace" },
  { "net", 'n', optional_argument, "<file>", "new network namespace (its lo is brought up)" },
  { "pid", 'p', optional_argument, "<file>", "new pid namespace (with an init as pid 1)" },
  { "user", 'U', optional_argument, "<file>", "new user namespace" },
  { "cgroup", 'C', optional_argument, "<file>", "new cgroup namespace (rooted at the sandbox's cgroup)" },
  { "time", 'T', optional_argument, "<file>", "new time namespace" },
  { "fork", 'f', no_argument, NULL, "run the command in a child (always done; for unshare compatibility)" },
  { "kill-child", OPT_KILL_CHILD, optional_argument, "<signal>",
    "send <signal> (default KILL) to the sandbox when isoscope dies" },
  { "die-with-parent", OPT_DIE_WITH_PARENT, no_argument, NULL, "kill the sandbox when isoscope dies" },
  { "as-pid-1", OPT_AS_PID1, no_argument, NULL, "run the command as pid 1 of the new pid namespace (no init)" },
  { "mount-proc", OPT_MOUNT_PROC, optional_argument, "<dir>", "mount a new proc on <dir> (default /proc); implies -m" },
  { "propagation", OPT_PROPAGATION, required_argument, "<mode>",
    "propagation of the new mount tree (private, shared, slave, or unchanged)" },
  { "map-root-user", 'r', no_argument, NULL, "map your user and group to root (implies -U)" },
  { "map-current-user", 'c', no_argument, NULL, "map your user and group to themselves (implies -U)" },
  { "map-user", OPT_MAP_USER, required_argument, "<uid>", "map your user to <uid> (number or name; implies -U)" },
  { "map-group", OPT_MAP_GROUP, required_argument, "<gid>", "map your group to <gid> (number or name; implies -U)" },
  { "map-users", OPT_MAP_USERS, required_argument, "<inner:outer:count>",
    "map a range of uids (through newuidmap without privilege), or 'auto'" },
  { "map-groups", OPT_MAP_GROUPS, required_argument, "<inner:outer:count>",
    "map a range of gids (through newgidmap without privilege), or 'auto'" },
  { "map-auto", OPT_MAP_AUTO, no_argument, NULL, "map your blocks of /etc/subuid and /etc/subgid" },
  { "setgroups", OPT_SETGROUPS, required_argument, "<allow|deny>", "allow or deny setgroups(2) in the user namespace" },
  { "monotonic", OPT_MONOTONIC, required_argument, "<offset>", "CLOCK_MONOTONIC offset in seconds (implies -T)" },
  { "boottime", OPT_BOOTTIME, required_argument, "<offset>", "CLOCK_BOOTTIME offset in seconds (implies -T)" },
  { "root", 'R', required_argument, "<dir>", "chroot into <dir> before running the command" },
  { "wd", 'w', required_argument, "<dir>", "working directory of the command" },
  { "setuid", 'S', required_argument, "<uid>", "run the command with this uid (inside the namespaces)" },
  { "setgid", 'G', required_argument, "<gid>", "run the command with this gid (inside the namespaces)" },
  { "hostname", OPT_HOSTNAME, required_argument, "<name>", "hostname in the new UTS namespace (implies -u)" },
  { "rootfs", OPT_ROOTFS, required_argument, "<dir>", "<dir> becomes / (pivot_root; implies -m)" },
  { "overlay", OPT_OVERLAY, required_argument, "<lower[:lower...]>",
    "a writable / over read-only lower directories, changes in a tmpfs (implies -m)" },
  { "overlay-upper", OPT_OVERLAY_UPPER, required_argument, "<dir>", "keep the overlay's changes in <dir>" },
  { "overlay-work", OPT_OVERLAY_WORK, required_argument, "<dir>",
    "overlayfs work directory, on the filesystem of --overlay-upper" },
  { "bind", OPT_BIND, required_argument, "<src> <dst>", "bind <src> on <dst> in the sandbox" },
  { "ro-bind", OPT_RO_BIND, required_argument, "<src> <dst>", "bind <src> read-only on <dst>" },
  { "tmpfs", OPT_TMPFS, required_argument, "<dst>", "mount a new tmpfs on <dst>" },
  { "proc", OPT_PROC, required_argument, "<dst>", "mount a new proc on <dst>" },
  { "dev", OPT_DEV, required_argument, "<dst>", "mount a minimal /dev on <dst>" },
  { "chdir", OPT_CHDIR, required_argument, "<dir>", "working directory of the command (as bwrap's)" },
  { "setenv", OPT_SETENV, required_argument, "<var> <value>", "set an environment variable" },
  { "unsetenv", OPT_UNSETENV, required_argument, "<var>", "remove an environment variable" },
  { "clearenv", OPT_CLEARENV, no_argument, NULL, "start from an empty environment" },
  { "memory", OPT_MEMORY, required_argument, "<bytes>", "memory limit (K, M, G suffixes); no swap beyond it" },
  { "memory-swap", OPT_MEMORY_SWAP, required_argument, "<bytes>", "swap allowed on top of --memory" },
  { "cpus", OPT_CPUS, required_argument, "<n>", "CPU time as a number of CPUs, e.g. 0.5" },
  { "pids", OPT_PIDS, required_argument, "<n>", "at most <n> tasks" },
  { "cpuset", OPT_CPUSET, required_argument, "<cpus>", "run only on these CPUs, e.g. 0-1,3" },
  { "io-weight", OPT_IO_WEIGHT, required_argument, "<weight>", "IO weight 1-10000 (default 100)" },
  { "rlimit", OPT_RLIMIT, required_argument, "<name=soft[:hard]>", "a resource limit, e.g. nofile=1024" },
  { "timeout", OPT_TIMEOUT, required_argument, "<seconds>", "kill the sandbox after this long (exit 124)" },
  { "cgroup-parent", OPT_CGROUP_PARENT, required_argument, "<path>",
    "make the sandbox's cgroup below this cgroup instead of isoscope's own" },
  { "profile", OPT_PROFILE, required_argument, "<name>", "hardening profile: strict, default (the default) or compat" },
  { "cap-add", OPT_CAP_ADD, required_argument, "<caps>", "keep these capabilities (names, comma separated, or ALL)" },
  { "cap-drop", OPT_CAP_DROP, required_argument, "<caps>", "drop these capabilities (names, comma separated, or ALL)" },
  { "seccomp", OPT_SECCOMP, required_argument, "<policy>", "seccomp policy: default, unconfined, or a policy file" },
  { "allow-new-privs", OPT_ALLOW_NEW_PRIVS, no_argument, NULL,
    "do not set no_new_privs (setuid files work; a weakening)" },
  { "session", OPT_SESSION, required_argument, "<when>",
    "a new session (setsid): always, tty (when a terminal is shared) or never" },
  { "new-session", OPT_NEW_SESSION, no_argument, NULL, "a new session always (as bwrap's; same as --session always)" },
  { "pass-fd", OPT_PASS_FD, required_argument, "<fd>", "keep descriptor <fd> open in the command" },
  { "keep-env", OPT_KEEP_ENV, optional_argument, "<var,...>",
    "keep these variables too, or without a list the whole environment" },
  { "apparmor", OPT_APPARMOR, required_argument, "<profile>", "run the command under this AppArmor profile" },
  { "selinux", OPT_SELINUX, required_argument, "<label>", "run the command with this SELinux label" },
  { "explain", OPT_EXPLAIN, no_argument, NULL, "print the resolved plan, step by step, and run nothing" },
  { "json", 'J', no_argument, NULL, "with --explain: print the plan as JSON" },
  { NULL, 0, 0, NULL, NULL },
};

static void
usage (FILE *out)
{
  fputs ("Usage:\n isoscope run [options] [--] [<command> [<argument>...]]\n\n"
         "Run a command (default: $SHELL, or /bin/sh in a new root) in new namespaces, with a root\n"
         "filesystem of its own and limits.  unshare(1)'s options, bwrap's mount options, and cgroup\n"
         "limits.  Without privilege a user namespace is added for you.  By default (--profile default)\n"
         "the command has no capabilities, no_new_privs, a seccomp filter, descriptors 0-2 only, a\n"
         "reduced environment and Docker's masked /proc paths; each relaxation is reported.\n",
         out);
  cli_print_options (out, run_opts);
  fputs ("\nExit status: the command's; 1 bad usage; 124 --timeout expired; 125 a setup step failed\n"
         "(or the check before exec found the command different from the plan);\n"
         "126 the command could not be executed; 127 the command was not found.\n"
         "For more details see isoscope-run(1).\n",
         out);
}

void
run_plan_init (struct run_plan *p)
{
  memset (p, 0, sizeof *p);
  p->ids.single_uid = p->ids.single_gid = -1;
  p->uid = p->gid = -1;
  p->limits.memory = p->limits.memory_swap = p->limits.pids = -1;
}

void
run_plan_release (struct run_plan *p)
{
  free (p->ids.uid_ranges);
  free (p->ids.gid_ranges);
  free (p->limits.rlimits);
  free (p->mounts);
  free (p->env);
  free (p->harden.env_keep);
  free (p->harden.pass_fds);
  seccomp_policy_free (p->harden.policy);
  for (size_t i = 0; i < p->nowned; i++)
    free (p->owned[i]);
  free (p->owned);
  memset (p, 0, sizeof *p);
}

static const char *
plan_own (struct run_plan *p, char *s)
{
  p->owned = xreallocarray (p->owned, p->nowned + 1, sizeof *p->owned);
  p->owned[p->nowned++] = s;
  return s;
}

/* A path as the caller means it: relative ones are from the current directory. */
static const char *
plan_abs_path (struct run_plan *p, const char *path)
{
  if (path[0] == '/')
    return path;
  cleanup_free char *cwd = getcwd (NULL, 0);
  return plan_own (p, xasprintf ("%s/%s", cwd ? cwd : "", path));
}

/* A path inside the sandbox: absolute, without repeated or trailing slashes. */
static const char *
plan_sandbox_path (struct run_plan *p, const char *path)
{
  if (path[0] != '/')
    return NULL;
  char *s = xstrdup (path), *w = s;
  for (const char *r = path; *r; r++)
    if (!(r[0] == '/' && (r[1] == '/' || (r[1] == '\0' && w > s))))
      *w++ = *r;
  *w = '\0';
  if (w == s)
    strcpy (s, "/");
  return plan_own (p, s);
}

static void
plan_add_mount (struct run_plan *p, enum run_mount_kind kind, const char *src, const char *dst)
{
  p->mounts = xreallocarray (p->mounts, p->nmounts + 1, sizeof *p->mounts);
  p->mounts[p->nmounts++] = (struct run_mount){ kind, src, dst };
}

static void
plan_add_env (struct run_plan *p, enum run_env_kind kind, const char *name, const char *value)
{
  p->env = xreallocarray (p->env, p->nenv + 1, sizeof *p->env);
  p->env[p->nenv++] = (struct run_env){ kind, name, value };
}

static int
parse_signal (const char *s)
{
  int v;
  if (util_parse_int (s, &v) == 0)
    return v > 0 && v < NSIG ? v : -1;
  if (strncasecmp (s, "SIG", 3) == 0)
    s += 3;
  for (int i = 1; i < NSIG; i++)
    {
      const char *abbrev = sigabbrev_np (i);
      if (abbrev && strcasecmp (abbrev, s) == 0)
        return i;
    }
  return -1;
}

static int
parse_offset (const char *s, long long *out)
{
  char *end;
  errno = 0;
  long long v = strtoll (s, &end, 10);
  if (errno || end == s || *end)
    return -1;
  *out = v;
  return 0;
}

static int
parse_ranges (const char *arg, struct idmap_range **ranges, size_t *n, bool *autoblk)
{
  if (strcmp (arg, "auto") == 0)
    {
      *autoblk = true;
      return 0;
    }
  struct idmap_range r;
  if (idmap_parse_range (arg, &r) < 0)
    return -1;
  *ranges = xreallocarray (*ranges, *n + 1, sizeof **ranges);
  (*ranges)[(*n)++] = r;
  return 0;
}

/* The second argument of a two-argument option. */
static const char *
second_arg (int argc, char **argv, const char *opt)
{
  if (optind >= argc)
    {
      fprintf (stderr, "isoscope run: --%s needs two arguments\n", opt);
      return NULL;
    }
  return argv[optind++];
}

/* A comma-separated list of variable names for --keep-env. */
static int
plan_keep_env (struct run_plan *p, const char *arg)
{
  char *dup = (char *)plan_own (p, xstrdup (arg)), *save = NULL;
  for (char *v = strtok_r (dup, ",", &save); v; v = strtok_r (NULL, ",", &save))
    {
      if (strchr (v, '='))
        return -1;
      p->harden.env_keep = xreallocarray (p->harden.env_keep, p->harden.nenv_keep + 1, sizeof *p->harden.env_keep);
      p->harden.env_keep[p->harden.nenv_keep++] = v;
    }
  return p->harden.nenv_keep ? 0 : -1;
}

#define FLAG(s) (p.harden.flagged |= 1U << (s))

/* Each weakening against the default profile, on stderr, before anything runs. */
static void
run_report_weakenings (const struct run_plan *p)
{
  char **w = run_profile_weakenings (p);
  for (char **l = w; *l; l++)
    {
      fprintf (stderr, "isoscope run: weakening: %s\n", *l);
      free (*l);
    }
  free (w);
}

#define BAD(...)                                                                                                       \
  do                                                                                                                   \
    {                                                                                                                  \
      fprintf (stderr, "isoscope run: " __VA_ARGS__);                                                                  \
      fputc ('\n', stderr);                                                                                            \
      goto usage_error;                                                                                                \
    }                                                                                                                  \
  while (0)

int
cmd_run (int argc, char **argv)
{
  struct run_plan p;
  run_plan_init (&p);
  cleanup_error iso_error_t err = NULL;
  cleanup_parser struct cli_parser parser;
  cli_parser_init_ex (&parser, run_opts, true);
  int opt;
  const char *s;
  const char *profile = "default";
  while ((opt = cli_getopt (&parser, argc, argv)) != -1)
    {
      if (cli_global_option (opt, optarg))
        continue;
      int t = ns_type_from_option (opt);
      if (t >= 0)
        {
          p.ns[t].want = true;
          const char *file = cli_optional_arg (NULL);
          p.ns[t].file = file ? plan_abs_path (&p, file) : NULL;
          continue;
        }
      switch (opt)
        {
        case 'f':
          break;
        case OPT_KILL_CHILD:
          s = cli_optional_arg (NULL);
          p.kill_signal = s ? parse_signal (s) : SIGKILL;
          if (p.kill_signal < 0)
            BAD ("unknown signal: '%s'", s);
          break;
        case OPT_DIE_WITH_PARENT:
          p.kill_signal = SIGKILL;
          break;
        case OPT_AS_PID1:
          p.as_pid1 = true;
          break;
        case OPT_MOUNT_PROC:
          p.ns[NS_MNT].want = true;
          p.mount_proc = plan_sandbox_path (&p, cli_optional_arg ("/proc"));
          if (!p.mount_proc)
            BAD ("--mount-proc: '%s' is not an absolute path", optarg);
          break;
        case OPT_PROPAGATION:
          p.propagation_set = true;
          if (strcmp (optarg, "private") == 0)
            p.propagation = MS_PRIVATE;
          else if (strcmp (optarg, "shared") == 0)
            p.propagation = MS_SHARED;
          else if (strcmp (optarg, "slave") == 0)
            p.propagation = MS_SLAVE;
          else if (strcmp (optarg, "unchanged") == 0)
            p.propagation = 0;
          else
            BAD ("--propagation: '%s' is not private, shared, slave or unchanged", optarg);
          break;
        case 'r':
          p.ns[NS_USER].want = true;
          p.ids.single_uid = p.ids.single_gid = 0;
          break;
        case 'c':
          p.ns[NS_USER].want = true;
          p.ids.single_uid = (long)geteuid ();
          p.ids.single_gid = (long)getegid ();
          break;
        case OPT_MAP_USER:
          p.ns[NS_USER].want = true;
          if (idmap_parse_user (optarg, &p.ids.single_uid) < 0)
            BAD ("--map-user: no such user: '%s'", optarg);
          break;
        case OPT_MAP_GROUP:
          p.ns[NS_USER].want = true;
          if (idmap_parse_group (optarg, &p.ids.single_gid) < 0)
            BAD ("--map-group: no such group: '%s'", optarg);
          break;
        case OPT_MAP_USERS:
          p.ns[NS_USER].want = true;
          if (parse_ranges (optarg, &p.ids.uid_ranges, &p.ids.nuid_ranges, &p.ids.auto_uids) < 0)
            BAD ("--map-users: '%s' is not inner:outer:count or auto", optarg);
          break;
        case OPT_MAP_GROUPS:
          p.ns[NS_USER].want = true;
          if (parse_ranges (optarg, &p.ids.gid_ranges, &p.ids.ngid_ranges, &p.ids.auto_gids) < 0)
            BAD ("--map-groups: '%s' is not inner:outer:count or auto", optarg);
          break;
        case OPT_MAP_AUTO:
          p.ns[NS_USER].want = true;
          p.ids.auto_uids = p.ids.auto_gids = true;
          break;
        case OPT_SETGROUPS:
          if (strcmp (optarg, "allow") == 0)
            p.ids.setgroups = RUN_SETGROUPS_ALLOW;
          else if (strcmp (optarg, "deny") == 0)
            p.ids.setgroups = RUN_SETGROUPS_DENY;
          else
            BAD ("--setgroups: '%s' is not allow or deny", optarg);
          break;
        case OPT_MONOTONIC:
        case OPT_BOOTTIME:
          p.ns[NS_TIME].want = true;
          if (parse_offset (optarg, opt == OPT_MONOTONIC ? &p.monotonic : &p.boottime) < 0)
            BAD ("--%s: '%s' is not a number of seconds", opt == OPT_MONOTONIC ? "monotonic" : "boottime", optarg);
          *(opt == OPT_MONOTONIC ? &p.monotonic_set : &p.boottime_set) = true;
          break;
        case 'R':
          p.root = plan_abs_path (&p, optarg);
          break;
        case 'w':
          p.wd = optarg;
          break;
        case 'S':
          p.uid_set = true;
          if (idmap_parse_user (optarg, &p.uid) < 0)
            BAD ("--setuid: no such user: '%s'", optarg);
          break;
        case 'G':
          p.gid_set = true;
          if (idmap_parse_group (optarg, &p.gid) < 0)
            BAD ("--setgid: no such group: '%s'", optarg);
          break;
        case OPT_HOSTNAME:
          p.ns[NS_UTS].want = true;
          p.hostname = optarg;
          if (strlen (optarg) > 64 || !*optarg)
            BAD ("--hostname: '%s' must be 1 to 64 characters", optarg);
          break;
        case OPT_ROOTFS:
          p.ns[NS_MNT].want = true;
          p.rootfs = plan_abs_path (&p, optarg);
          break;
        case OPT_OVERLAY:
          {
            p.ns[NS_MNT].want = true;
            struct strbuf b = { 0 };
            cleanup_free char *dup = xstrdup (optarg);
            char *save = NULL;
            for (char *l = strtok_r (dup, ":", &save); l; l = strtok_r (NULL, ":", &save))
              strbuf_printf (&b, "%s%s", b.len ? ":" : "", plan_abs_path (&p, l));
            if (!b.s)
              BAD ("--overlay: no lower directory in '%s'", optarg);
            p.overlay = plan_own (&p, strbuf_steal (&b));
            break;
          }
        case OPT_OVERLAY_UPPER:
          p.overlay_upper = plan_abs_path (&p, optarg);
          break;
        case OPT_OVERLAY_WORK:
          p.overlay_work = plan_abs_path (&p, optarg);
          break;
        case OPT_BIND:
        case OPT_RO_BIND:
          {
            const char *name = opt == OPT_BIND ? "bind" : "ro-bind";
            const char *dst = second_arg (argc, argv, name);
            if (!dst)
              goto usage_error;
            const char *d = plan_sandbox_path (&p, dst);
            if (!d)
              BAD ("--%s: the destination '%s' is not an absolute path", name, dst);
            p.ns[NS_MNT].want = true;
            plan_add_mount (&p, opt == OPT_BIND ? RUN_MOUNT_BIND : RUN_MOUNT_RO_BIND, plan_abs_path (&p, optarg), d);
            break;
          }
        case OPT_TMPFS:
        case OPT_PROC:
        case OPT_DEV:
          s = plan_sandbox_path (&p, optarg);
          if (!s)
            BAD ("'%s' is not an absolute path", optarg);
          p.ns[NS_MNT].want = true;
          plan_add_mount (&p,
                          opt == OPT_TMPFS  ? RUN_MOUNT_TMPFS
                          : opt == OPT_PROC ? RUN_MOUNT_PROC
                                            : RUN_MOUNT_DEV,
                          NULL, s);
          break;
        case OPT_CHDIR:
          p.chdir = optarg;
          break;
        case OPT_SETENV:
          s = second_arg (argc, argv, "setenv");
          if (!s)
            goto usage_error;
          if (!*optarg || strchr (optarg, '='))
            BAD ("--setenv: '%s' is not a variable name", optarg);
          plan_add_env (&p, RUN_ENV_SET, optarg, s);
          break;
        case OPT_UNSETENV:
          plan_add_env (&p, RUN_ENV_UNSET, optarg, NULL);
          break;
        case OPT_CLEARENV:
          plan_add_env (&p, RUN_ENV_CLEAR, NULL, NULL);
          break;
        case OPT_MEMORY:
        case OPT_MEMORY_SWAP:
          if (limits_parse_size (optarg, opt == OPT_MEMORY ? &p.limits.memory : &p.limits.memory_swap) < 0)
            BAD ("--%s: '%s' is not a size (like 512M or 2G)", opt == OPT_MEMORY ? "memory" : "memory-swap", optarg);
          if (opt == OPT_MEMORY && p.limits.memory < 4096)
            BAD ("--memory: %s is too small to run anything", optarg);
          break;
        case OPT_CPUS:
          if (limits_parse_cpus (optarg, &p.limits) < 0)
            BAD ("--cpus: '%s' is not a positive number of CPUs", optarg);
          break;
        case OPT_PIDS:
          {
            int v;
            if (util_parse_int (optarg, &v) < 0 || v < 1)
              BAD ("--pids: '%s' is not a positive number", optarg);
            p.limits.pids = v;
            break;
          }
        case OPT_CPUSET:
          if (!*optarg || strspn (optarg, "0123456789,-") != strlen (optarg))
            BAD ("--cpuset: '%s' is not a CPU list (like 0-1,3)", optarg);
          p.limits.cpuset = optarg;
          break;
        case OPT_IO_WEIGHT:
          {
            int v;
            if (util_parse_int (optarg, &v) < 0 || v < 1 || v > 10000)
              BAD ("--io-weight: '%s' is not a weight from 1 to 10000", optarg);
            p.limits.io_weight = (unsigned)v;
            break;
          }
        case OPT_RLIMIT:
          {
            struct run_rlimit rl;
            if (limits_parse_rlimit (optarg, &rl) < 0)
              BAD ("--rlimit: '%s' is not NAME=SOFT[:HARD] with SOFT <= HARD (names: %s)", optarg,
                   limits_rlimit_names ());
            p.limits.rlimits = xreallocarray (p.limits.rlimits, p.limits.nrlimits + 1, sizeof *p.limits.rlimits);
            p.limits.rlimits[p.limits.nrlimits++] = rl;
            break;
          }
        case OPT_TIMEOUT:
          {
            char *end;
            errno = 0;
            p.timeout = strtod (optarg, &end);
            if (errno || end == optarg || *end || !(p.timeout > 0) || p.timeout > 1e8)
              BAD ("--timeout: '%s' is not a positive number of seconds", optarg);
            break;
          }
        case OPT_CGROUP_PARENT:
          if (optarg[0] != '/')
            BAD ("--cgroup-parent: '%s' must be a cgroup path starting with /", optarg);
          p.limits.cgroup_parent = optarg;
          break;
        case OPT_PROFILE:
          profile = optarg;
          break;
        case OPT_CAP_ADD:
        case OPT_CAP_DROP:
          {
            uint64_t m;
            cleanup_free char *badname = NULL;
            if (caps_parse_list (optarg, &m, &badname) < 0)
              BAD ("--%s: '%s' is not a capability (like CAP_NET_RAW, net_raw, or ALL)",
                   opt == OPT_CAP_ADD ? "cap-add" : "cap-drop", badname);
            *(opt == OPT_CAP_ADD ? &p.harden.cap_add : &p.harden.cap_drop) |= m;
            FLAG (RUN_SET_CAPS);
            break;
          }
        case OPT_SECCOMP:
          FLAG (RUN_SET_SECCOMP);
          if (strcmp (optarg, "default") == 0)
            p.harden.seccomp = RUN_SECCOMP_DEFAULT;
          else if (strcmp (optarg, "unconfined") == 0)
            p.harden.seccomp = RUN_SECCOMP_UNCONFINED;
          else
            {
              p.harden.seccomp = RUN_SECCOMP_FILE;
              p.harden.seccomp_file = optarg;
              /* A second --seccomp FILE replaces the first. */
              seccomp_policy_free (p.harden.policy);
              p.harden.policy = NULL;
              if (seccomp_policy_load (optarg, &p.harden.policy, &err) < 0)
                BAD ("--seccomp: %s", err->msg);
            }
          break;
        case OPT_ALLOW_NEW_PRIVS:
          FLAG (RUN_SET_NNP);
          p.harden.nnp = false;
          break;
        case OPT_SESSION:
        case OPT_NEW_SESSION:
          FLAG (RUN_SET_SESSION);
          s = opt == OPT_NEW_SESSION ? "always" : optarg;
          if (strcmp (s, "always") == 0)
            p.harden.session = RUN_SESSION_ALWAYS;
          else if (strcmp (s, "tty") == 0)
            p.harden.session = RUN_SESSION_TTY;
          else if (strcmp (s, "never") == 0)
            p.harden.session = RUN_SESSION_NEVER;
          else
            BAD ("--session: '%s' is not always, tty or never", optarg);
          break;
        case OPT_PASS_FD:
          {
            int fd;
            if (util_parse_int (optarg, &fd) < 0 || fd < 3)
              BAD ("--pass-fd: '%s' is not a descriptor number above 2", optarg);
            if (fcntl (fd, F_GETFD) < 0)
              BAD ("--pass-fd: descriptor %d is not open", fd);
            p.harden.pass_fds = xreallocarray (p.harden.pass_fds, p.harden.npass_fds + 1, sizeof *p.harden.pass_fds);
            p.harden.pass_fds[p.harden.npass_fds++] = fd;
            break;
          }
        case OPT_KEEP_ENV:
          {
            const char *names = cli_optional_arg (NULL);
            if (!names)
              {
                FLAG (RUN_SET_ENV);
                p.harden.keep_env = true;
              }
            else if (plan_keep_env (&p, names) < 0)
              BAD ("--keep-env: '%s' is not a list of variable names", names);
            break;
          }
        case OPT_APPARMOR:
          p.harden.apparmor = optarg;
          break;
        case OPT_SELINUX:
          p.harden.selinux = optarg;
          break;
        case OPT_EXPLAIN:
          p.harden.explain = true;
          break;
        case 'J':
          p.harden.explain_json = true;
          break;
        case 'h':
          usage (stdout);
          run_plan_release (&p);
          return ISO_EXIT_OK;
        default:
          goto usage_error;
        }
    }
  if (cli_refuse_load ("run"))
    goto usage_error;
  if (p.as_pid1 && !p.ns[NS_PID].want)
    BAD ("--as-pid-1 needs a new pid namespace (-p)");
  if (p.wd && p.chdir)
    BAD ("--wd and --chdir are the same thing: give one");
  if (p.rootfs && p.overlay)
    BAD ("--rootfs and --overlay both make the root: give one");
  if (p.limits.memory_swap >= 0 && p.limits.memory < 0)
    BAD ("--memory-swap needs --memory");
  if (p.harden.apparmor && p.harden.selinux)
    BAD ("--apparmor and --selinux: a host runs one of them; give one");
  if (p.harden.explain_json && !p.harden.explain)
    BAD ("--json goes with --explain");
  if (run_profile_apply (&p, profile, &err) < 0)
    BAD ("--profile: %s", err->msg);
  p.argv = optind < argc ? argv + optind : NULL;
  if (p.harden.explain)
    {
      int r = run_explain (stdout, &p, p.harden.explain_json, &err);
      run_plan_release (&p);
      if (r < 0)
        {
          fprintf (stderr, "isoscope run: %s\n", err->msg);
          return ISO_EXIT_FAILURE;
        }
      return ISO_EXIT_OK;
    }
  run_report_weakenings (&p);

  struct run_result res;
  int rc = sandbox_run (&p, &res, &err);
  run_plan_release (&p);
  if (rc < 0)
    {
      fprintf (stderr, "isoscope run: %s\n", err->msg);
      return res.exit_code;
    }
  if (res.timed_out)
    fprintf (stderr, "isoscope run: the command ran past --timeout and was killed\n");
  if (res.term_signal)
    {
      /* Die of the same signal, so that our caller sees what the command saw. */
      fflush (NULL);
      signal (res.term_signal, SIG_DFL);
      sigset_t set;
      sigemptyset (&set);
      sigaddset (&set, res.term_signal);
      sigprocmask (SIG_UNBLOCK, &set, NULL);
      prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
      kill (getpid (), res.term_signal);
    }
  return res.exit_code;

usage_error:
  run_plan_release (&p);
  return cli_try_help ("run");
}
