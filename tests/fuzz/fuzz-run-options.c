// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-run-options.c: `isoscope run`'s whole command line (getopt, every option's argument, the
   checks between options, the profile applied) into a plan.  Input: one argument per line.  The
   sandbox is not linked: sandbox_run and run_explain below stand in for it and check the plan
   the parser hands over. */
#include "fuzz.h"
#include "isoscope/cli.h"
#include "isoscope/sandbox.h"
#include "isoscope/security.h"
#include "isoscope/snapshot.h"

#include <signal.h>

static bool
sandbox_path (const char *p)
{
  size_t n = strlen (p);
  return p[0] == '/' && !strstr (p, "//") && (n == 1 || p[n - 1] != '/');
}

/* What must hold of any plan the parser hands to the sandbox (or to --explain). */
static void
check_plan (struct run_plan *p)
{
  const struct run_limits *l = &p->limits;
  FUZZ_CHECK (l->memory == -1 || l->memory >= 4096);
  FUZZ_CHECK (l->memory_swap == -1 || (l->memory_swap >= 0 && l->memory >= 0));
  FUZZ_CHECK (l->pids == -1 || l->pids >= 1);
  FUZZ_CHECK (l->io_weight <= 10000);
  FUZZ_CHECK ((l->cpu_quota_usec == 0 && l->cpu_period_usec == 0)
              || (l->cpu_quota_usec >= 1000 && l->cpu_period_usec == 100000));
  FUZZ_CHECK (!l->cpuset || (*l->cpuset && strspn (l->cpuset, "0123456789,-") == strlen (l->cpuset)));
  FUZZ_CHECK (!l->cgroup_parent || l->cgroup_parent[0] == '/');
  for (size_t i = 0; i < l->nrlimits; i++)
    FUZZ_CHECK (l->rlimits[i].hard == RLIM_INFINITY || l->rlimits[i].soft <= l->rlimits[i].hard);
  FUZZ_CHECK (p->kill_signal >= 0 && p->kill_signal < NSIG);
  FUZZ_CHECK (!p->as_pid1 || p->ns[NS_PID].want);
  FUZZ_CHECK (!(p->wd && p->chdir) && !(p->rootfs && p->overlay));
  FUZZ_CHECK (!p->hostname || (*p->hostname && strlen (p->hostname) <= 64 && p->ns[NS_UTS].want));
  FUZZ_CHECK (!p->mount_proc || (sandbox_path (p->mount_proc) && p->ns[NS_MNT].want));
  FUZZ_CHECK (!p->rootfs || p->rootfs[0] == '/');
  FUZZ_CHECK (p->timeout == 0 || (p->timeout > 0 && p->timeout <= 1e8));
  for (size_t i = 0; i < p->nmounts; i++)
    {
      FUZZ_CHECK (sandbox_path (p->mounts[i].dst) && p->ns[NS_MNT].want);
      bool bind = p->mounts[i].kind == RUN_MOUNT_BIND || p->mounts[i].kind == RUN_MOUNT_RO_BIND;
      FUZZ_CHECK (bind == (p->mounts[i].src != NULL) && (!bind || p->mounts[i].src[0] == '/'));
    }
  for (size_t i = 0; i < p->nenv; i++)
    if (p->env[i].kind == RUN_ENV_SET)
      FUZZ_CHECK (*p->env[i].name && !strchr (p->env[i].name, '=') && p->env[i].value);
  const struct idmap_range *ranges[] = { p->ids.uid_ranges, p->ids.gid_ranges };
  size_t nranges[] = { p->ids.nuid_ranges, p->ids.ngid_ranges };
  for (int k = 0; k < 2; k++)
    for (size_t i = 0; i < nranges[k]; i++)
      FUZZ_CHECK (ranges[k][i].count > 0 && ranges[k][i].inner + ranges[k][i].count - 1 <= 4294967295L
                  && ranges[k][i].outer + ranges[k][i].count - 1 <= 4294967295L);
  if (p->ids.nuid_ranges || p->ids.auto_uids || p->ids.single_uid >= 0)
    FUZZ_CHECK (p->ns[NS_USER].want);
  /* Hardening: a profile was applied, a policy file was loaded, one LSM at most. */
  const struct run_harden *h = &p->harden;
  FUZZ_CHECK (h->profile != NULL);
  FUZZ_CHECK (h->seccomp != RUN_SECCOMP_FILE || (h->seccomp_file && h->policy));
  FUZZ_CHECK (!(h->apparmor && h->selinux));
  FUZZ_CHECK (!h->explain_json || h->explain);
  FUZZ_CHECK (h->caps_unchanged || (h->caps_keep & ~sec_all_caps ()) == 0);
  for (size_t i = 0; i < h->npass_fds; i++)
    FUZZ_CHECK (h->pass_fds[i] >= 0);
  char **weak = run_profile_weakenings (p);
  for (size_t i = 0; weak && weak[i]; i++)
    free (weak[i]);
  free (weak);
}

int
sandbox_run (struct run_plan *p, struct run_result *res, iso_error_t *err)
{
  (void)err;
  FUZZ_CHECK (!p->harden.explain);
  check_plan (p);
  memset (res, 0, sizeof *res);
  return 0;
}

int
run_explain (FILE *out, struct run_plan *p, bool json, iso_error_t *err)
{
  (void)out;
  (void)err;
  FUZZ_CHECK (p->harden.explain && json == p->harden.explain_json);
  check_plan (p);
  return 0;
}

/* --seccomp FILE: no file is read here (a fuzzed path could name /dev/zero); every file
   holds the built-in policy.  fuzz-seccomp-policy.c fuzzes the file format. */
int
seccomp_policy_load (const char *file, struct seccomp_policy **out, iso_error_t *err)
{
  (void)file;
  (void)err;
  *out = seccomp_policy_default ();
  return 0;
}

/* -V and --version print the version and exit: not something to fuzz. */
static bool
exits (const char *arg)
{
  return strncmp (arg, "--v", 3) == 0 || (arg[0] == '-' && arg[1] != '-' && strchr (arg, 'V'));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static FILE *null;
  if (!null)
    {
      /* Usage messages and --help go nowhere; libFuzzer and the sanitizers keep their own stderr. */
      null = fopen ("/dev/null", "w");
      if (!null)
        abort ();
      stdout = stderr = null;
    }
  char *s = fuzz_cstr (data, size);
  static char cmd[] = "run";
  char *argv[66] = { cmd };
  int argc = 1;
  for (char *a = s; a && argc < 64;)
    {
      char *next = fuzz_split_line (a);
      if (!exits (a))
        argv[argc++] = a;
      a = *next ? next : NULL;
    }
  argv[argc] = NULL;
  /* Each input starts as a fresh process would: no --load or --sysroot from an earlier one. */
  memset (&iso_global, 0, sizeof iso_global);
  snapshot_source_reset ();
  optind = 0;
  int rc = cmd_run (argc, argv);
  FUZZ_CHECK (rc == 0 || rc == 1);
  free (s);
  return 0;
}
