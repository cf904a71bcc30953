// SPDX-License-Identifier: GPL-2.0-or-later
/* run_explain.c: `isoscope run --explain`: the resolved plan, step by step, as text or JSON, without running it. */
#define _GNU_SOURCE
#include "isoscope/ns.h"
#include "isoscope/sandbox.h"
#include "isoscope/util.h"
#include "isoscope/verify.h"

#include <cjson/cJSON.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

/* The CLONE_NEW* spelling of each namespace type. */
static const char *const run_explain_flag[NS_TYPE_COUNT] = {
  [NS_MNT] = "CLONE_NEWNS",  [NS_UTS] = "CLONE_NEWUTS",   [NS_IPC] = "CLONE_NEWIPC",       [NS_NET] = "CLONE_NEWNET",
  [NS_PID] = "CLONE_NEWPID", [NS_USER] = "CLONE_NEWUSER", [NS_CGROUP] = "CLONE_NEWCGROUP", [NS_TIME] = "CLONE_NEWTIME",
};

/* Why each hardening default is what it is (shown beside where it came from). */
static const char *const run_explain_why[RUN_SET_COUNT] = {
  [RUN_SET_CAPS] = "a command needs no capabilities to run; without a user namespace a root command's are the "
                   "host's (Docker keeps 14 for root, bubblewrap all of root's: isoscope keeps none)",
  [RUN_SET_SECCOMP] = "what Docker's default profile keeps from an unprivileged container (namespaces, mounts, "
                      "keyrings, kexec, modules, bpf, perf, ptrace), and TIOCSTI/TIOCLINUX (CVE-2017-5226)",
  [RUN_SET_NNP] = "exec cannot gain privileges through setuid files or file capabilities (bubblewrap sets it "
                  "always; Docker does not by default)",
  [RUN_SET_SESSION] = "a command sharing the terminal's session can push input into it with TIOCSTI (CVE-2017-5226)",
  [RUN_SET_ENV] = "tokens and sockets in the caller's environment stay out of the sandbox (nsjail clears it)",
  [RUN_SET_MASKS] = "host-wide information and knobs in /proc (kcore, keys, timer_list, sysrq-trigger): Docker's "
                    "masked and read-only paths",
};

static void
run_explain_add (cJSON *details, char *line)
{
  cJSON_AddItemToArray (details, cJSON_CreateString (line));
  free (line);
}

/* The paths of LIST below /proc (a new proc is all the masks reach), space separated. */
static char *
run_explain_list (const char *const *list)
{
  struct strbuf b = { 0 };
  for (const char *const *l = list; *l; l++)
    if (strncmp (*l, "/proc/", 6) == 0)
      strbuf_printf (&b, "%s%s", b.len ? " " : "", *l);
  return b.s ? strbuf_steal (&b) : xstrdup ("");
}

static char *
run_explain_clone_flags (const struct run_plan *p, bool late)
{
  struct strbuf b = { 0 };
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    if (p->ns[t].want && (t == NS_CGROUP || t == NS_TIME) == late)
      strbuf_printf (&b, "%s%s", b.len ? "|" : "", run_explain_flag[t]);
  return b.s ? strbuf_steal (&b) : xstrdup ("none");
}

static void
run_explain_proc (cJSON *d, const struct run_plan *p, const char *dst, bool protect)
{
  run_explain_add (d, xasprintf ("proc on %s (nosuid,nodev,noexec)", dst));
  if (!protect)
    return;
  if (p->harden.masks)
    {
      cleanup_free char *ro = run_explain_list (sandbox_readonly_paths);
      cleanup_free char *mk = run_explain_list (sandbox_masked_paths);
      run_explain_add (d, xasprintf ("  read-only where present: %s", ro));
      run_explain_add (d, xasprintf ("  masked where present: %s", mk));
    }
  else
    run_explain_add (d, xstrdup ("  read-only: /proc/sys /proc/sysrq-trigger /proc/irq /proc/bus"));
}

static void
run_explain_mounts (cJSON *d, const struct run_plan *p)
{
  bool new_root = run_plan_new_root (p);
  const char *prop = new_root                       ? "MS_SLAVE"
                     : !p->propagation_set          ? "MS_PRIVATE"
                     : p->propagation == MS_PRIVATE ? "MS_PRIVATE"
                     : p->propagation == MS_SHARED  ? "MS_SHARED"
                     : p->propagation == MS_SLAVE   ? "MS_SLAVE"
                                                    : NULL;
  run_explain_add (d, prop ? xasprintf ("propagation of /: %s|MS_REC", prop) : xstrdup ("propagation of /: unchanged"));
  if (p->rootfs)
    run_explain_add (d, xasprintf ("new root: bind %s on a scratch tmpfs", p->rootfs));
  if (p->overlay)
    run_explain_add (d, xasprintf ("new root: overlay of %s, changes in %s", p->overlay,
                                   p->overlay_upper ? p->overlay_upper : "a tmpfs"));
  if (new_root)
    {
      run_explain_proc (d, p, "/proc (where the new root has it and no mount of the plan is there)", true);
      run_explain_add (d,
                       xstrdup ("dev on /dev (where the new root has it): tmpfs (nosuid,noexec,mode=0755), null zero "
                                "full random urandom tty bound from the host, devpts, shm"));
    }
  for (size_t i = 0; i < p->nmounts; i++)
    {
      const struct run_mount *m = &p->mounts[i];
      if (m->kind == RUN_MOUNT_BIND || m->kind == RUN_MOUNT_RO_BIND)
        run_explain_add (d, xasprintf ("bind %s on %s (recursive%s)", m->src, m->dst,
                                       m->kind == RUN_MOUNT_RO_BIND ? ", read-only" : ""));
      else if (m->kind == RUN_MOUNT_TMPFS)
        run_explain_add (d, xasprintf ("tmpfs on %s (nosuid,nodev,mode=0755)", m->dst));
      else if (m->kind == RUN_MOUNT_PROC)
        run_explain_proc (d, p, m->dst, new_root || p->harden.masks);
      else
        run_explain_add (d,
                         xasprintf ("dev on %s: tmpfs (nosuid,noexec,mode=0755), host devices, devpts, shm", m->dst));
    }
  if (p->mount_proc)
    run_explain_proc (d, p, p->mount_proc, p->harden.masks);
  if (new_root)
    run_explain_add (d, xstrdup ("pivot_root into the new root; the old root made private and detached"));
}

static void
run_explain_seccomp (cJSON *d, const struct run_plan *p)
{
  const struct seccomp_policy *pol = p->harden.policy;
  struct seccomp_policy *def = NULL;
  if (!pol)
    pol = def = seccomp_policy_default ();
  char buf[64];
  run_explain_add (d, xasprintf ("policy %s: %zu rules; calls no rule matches: %s", pol->source, pol->nrules,
                                 seccomp_policy_action_text (pol->def_action, pol->def_errno, buf, sizeof buf)));
#if defined(__x86_64__)
  run_explain_add (d, xstrdup ("the same rules for i386 calls; x32 calls and other architectures: errno:EPERM"));
#else
  run_explain_add (d, xstrdup ("calls of other architectures: errno:EPERM"));
#endif
  for (size_t i = 0; i < pol->nrules; i++)
    run_explain_add (d, seccomp_policy_rule_text (&pol->rules[i]));
  seccomp_policy_free (def);
}

static void
run_explain_idmap (cJSON *d, const struct run_plan *p, bool can_map)
{
  struct idmap_plan m = { 0 };
  cleanup_error iso_error_t e = NULL;
  if (idmap_prepare (p, can_map, &m, &e) < 0)
    {
      run_explain_add (d, xasprintf ("cannot work out the maps: %s", e->msg));
      return;
    }
  const char *maps[2][2] = { { "uid_map", m.uid_map }, { "gid_map", m.gid_map } };
  for (int i = 0; i < 2; i++)
    {
      if (i == 1 && m.setgroups != RUN_SETGROUPS_DEFAULT)
        run_explain_add (d, xasprintf ("setgroups: %s", m.setgroups == RUN_SETGROUPS_DENY ? "deny" : "allow"));
      if (!maps[i][1])
        continue;
      cleanup_free char *lines = xstrdup (maps[i][1]);
      char *save = NULL;
      for (char *l = strtok_r (lines, "\n", &save); l; l = strtok_r (NULL, "\n", &save))
        run_explain_add (d, xasprintf ("%s: %s%s", maps[i][0], l,
                                       (i ? m.gid_helper : m.uid_helper) ? " (through the setuid helper)" : ""));
    }
  idmap_plan_release (&m);
}

static void
run_explain_check (cJSON *d, const struct run_plan *p)
{
  struct verify_expect e;
  sandbox_expect (p, &e);
  if (e.check_caps)
    {
      cleanup_free char *c = caps_text (e.caps_max);
      run_explain_add (d, xasprintf ("capabilities within: %s (all five sets)", c));
    }
  if (e.nnp >= 0)
    run_explain_add (d, xasprintf ("NoNewPrivs: %d", e.nnp));
  if (e.seccomp_mode >= 0)
    run_explain_add (d, xasprintf ("Seccomp: %d", e.seccomp_mode));
  struct strbuf nw = { 0 }, old = { 0 };
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    if (e.new_ns[t] >= 0)
      strbuf_printf (e.new_ns[t] ? &nw : &old, "%s%s", (e.new_ns[t] ? nw.len : old.len) ? " " : "", ns_types[t].name);
  run_explain_add (d, xasprintf ("new namespaces: %s", nw.s ? nw.s : "none"));
  run_explain_add (d, xasprintf ("isoscope's namespaces: %s", old.s ? old.s : "none"));
  free (nw.s);
  free (old.s);
  if (e.masked)
    {
      cleanup_free char *mk = run_explain_list (e.masked), *ro = run_explain_list (e.readonly);
      run_explain_add (d, xasprintf ("masked: %s", mk));
      run_explain_add (d, xasprintf ("read-only: %s", ro));
    }
  struct strbuf fds = { 0 };
  strbuf_puts (&fds, "0 1 2");
  for (size_t i = 0; i < e.nallowed_fds; i++)
    strbuf_printf (&fds, " %d", e.allowed_fds[i]);
  run_explain_add (d, xasprintf ("open descriptors: %s (and isoscope's two channels, closed at exec)", fds.s));
  free (fds.s);
  if (e.new_session > 0)
    run_explain_add (d, xstrdup ("a session of its own"));
  if (e.memory_max >= 0)
    run_explain_add (d, xasprintf ("memory limit: %lld", (long long)e.memory_max));
  if (e.pids_max >= 0)
    run_explain_add (d, xasprintf ("pids limit: %lld", (long long)e.pids_max));
}

static void
run_explain_env (cJSON *d, const struct run_plan *p)
{
  const struct run_harden *h = &p->harden;
  if (h->keep_env)
    run_explain_add (d, xstrdup ("keep the whole environment"));
  else
    {
      struct strbuf b = { 0 };
      strbuf_puts (&b, "keep only: PATH HOME USER LOGNAME SHELL TERM LANG LANGUAGE TZ COLORTERM LC_*");
      for (size_t i = 0; i < h->nenv_keep; i++)
        strbuf_printf (&b, " %s", h->env_keep[i]);
      run_explain_add (d, strbuf_steal (&b));
    }
  for (size_t i = 0; i < p->nenv; i++)
    {
      const struct run_env *e = &p->env[i];
      run_explain_add (d, e->kind == RUN_ENV_CLEAR   ? xstrdup ("clear the environment")
                          : e->kind == RUN_ENV_UNSET ? xasprintf ("unset %s", e->name)
                                                     : xasprintf ("set %s=%s", e->name, e->value));
    }
}

static void
run_explain_cgroup (cJSON *d, const struct run_plan *p)
{
  const struct run_limits *l = &p->limits;
  run_explain_add (
      d, xasprintf ("below %s in each hierarchy", l->cgroup_parent ? l->cgroup_parent : "isoscope's own cgroup"));
  if (l->memory >= 0)
    run_explain_add (d, xasprintf ("memory.max = %lld; memory.swap.max = %lld", (long long)l->memory,
                                   (long long)(l->memory_swap >= 0 ? l->memory_swap : 0)));
  if (l->pids >= 0)
    run_explain_add (d, xasprintf ("pids.max = %lld", (long long)l->pids));
  if (l->cpu_quota_usec)
    run_explain_add (d, xasprintf ("cpu.max = %llu %llu", (unsigned long long)l->cpu_quota_usec,
                                   (unsigned long long)l->cpu_period_usec));
  if (l->cpuset)
    run_explain_add (d, xasprintf ("cpuset.cpus = %s", l->cpuset));
  if (l->io_weight)
    run_explain_add (d, xasprintf ("io.weight = %u", l->io_weight));
}

/* The details of phase NAME. */
static void
run_explain_details (cJSON *d, const char *name, const struct run_plan *p, bool can_map)
{
  const struct run_harden *h = &p->harden;
  if (strcmp (name, "prepare") == 0)
    {
      run_explain_add (d, xasprintf ("profile %s", h->profile));
      if (p->user_implied)
        run_explain_add (d, xstrdup ("a user namespace is added: isoscope lacks CAP_SYS_ADMIN"));
    }
  else if (strcmp (name, "cgroup") == 0)
    run_explain_cgroup (d, p);
  else if (strcmp (name, "clone") == 0)
    {
      cleanup_free char *f = run_explain_clone_flags (p, false);
      run_explain_add (d, xasprintf ("clone3 flags: %s", f));
      run_explain_add (d, xstrdup (limits_want_cgroup (&p->limits)
                                       ? "into the sandbox's v2 cgroup (CLONE_INTO_CGROUP) where there is one"
                                       : "no limits: the child stays in isoscope's cgroups"));
    }
  else if (strcmp (name, "await") == 0 && p->kill_signal)
    run_explain_add (d, xasprintf ("PR_SET_PDEATHSIG: SIG%s", sigabbrev_np (p->kill_signal)));
  else if (strcmp (name, "idmap") == 0)
    run_explain_idmap (d, p, can_map);
  else if (strcmp (name, "release") == 0 && p->timeout > 0)
    run_explain_add (d, xasprintf ("--timeout: %g s", p->timeout));
  else if (strcmp (name, "namespaces") == 0)
    {
      cleanup_free char *f = run_explain_clone_flags (p, true);
      run_explain_add (d, xasprintf ("unshare: %s", f));
      if (p->monotonic_set || p->boottime_set)
        run_explain_add (d, xasprintf ("timens_offsets: monotonic %lld, boottime %lld", p->monotonic, p->boottime));
    }
  else if (strcmp (name, "persist") == 0)
    {
      for (int t = 0; t < NS_TYPE_COUNT; t++)
        if (p->ns[t].want && p->ns[t].file)
          run_explain_add (d, xasprintf ("bind the %s namespace on %s", ns_types[t].name, p->ns[t].file));
    }
  else if (strcmp (name, "hostname") == 0)
    run_explain_add (d, xasprintf ("sethostname %s", p->hostname));
  else if (strcmp (name, "mounts") == 0)
    run_explain_mounts (d, p);
  else if (strcmp (name, "root") == 0)
    {
      if (p->root)
        run_explain_add (d, xasprintf ("chroot %s", p->root));
      const char *dir = p->chdir ? p->chdir : p->wd;
      run_explain_add (d, dir ? xasprintf ("chdir %s", dir)
                              : xstrdup (p->root || run_plan_new_root (p) ? "chdir to the caller's directory, or /"
                                                                          : "stay in the caller's directory"));
    }
  else if (strcmp (name, "rlimits") == 0)
    for (size_t i = 0; i < p->limits.nrlimits; i++)
      {
        const struct run_rlimit *r = &p->limits.rlimits[i];
        run_explain_add (d, xasprintf ("%s = %llu:%llu", limits_rlimit_name (r->resource), (unsigned long long)r->soft,
                                       (unsigned long long)r->hard));
      }
  else if (strcmp (name, "credentials") == 0)
    {
      if (p->gid_set)
        run_explain_add (d, xasprintf ("setgid %ld", p->gid));
      if (p->uid_set)
        run_explain_add (d, xasprintf ("setuid %ld", p->uid));
    }
  else if (strcmp (name, "environment") == 0)
    run_explain_env (d, p);
  else if (strcmp (name, "lsm") == 0)
    run_explain_add (d, h->apparmor ? xasprintf ("AppArmor: exec %s", h->apparmor)
                                    : xasprintf ("SELinux: %s", h->selinux));
  else if (strncmp (name, "seccomp", 7) == 0)
    run_explain_seccomp (d, p);
  else if (strcmp (name, "bounding") == 0)
    {
      cleanup_free char *c = caps_text (h->caps_keep);
      run_explain_add (d, xasprintf ("keep in the bounding set: %s", c));
      if (p->uid_set)
        run_explain_add (d, xstrdup ("PR_SET_KEEPCAPS = 1 (the permitted set outlives -S until the caps phase)"));
    }
  else if (strcmp (name, "caps") == 0)
    {
      cleanup_free char *c = caps_text (h->caps_keep);
      run_explain_add (d, xasprintf ("keep: %s", c));
    }
  else if (strcmp (name, "nnp") == 0)
    run_explain_add (d, xstrdup ("PR_SET_NO_NEW_PRIVS = 1"));
  else if (strcmp (name, "fds") == 0)
    {
      struct strbuf b = { 0 };
      strbuf_puts (&b, "keep 0 1 2");
      for (size_t i = 0; i < h->npass_fds; i++)
        strbuf_printf (&b, " %d", h->pass_fds[i]);
      run_explain_add (d, strbuf_steal (&b));
    }
  else if (strcmp (name, "check") == 0)
    run_explain_check (d, p);
  else if (strcmp (name, "exec") == 0)
    {
      struct strbuf b = { 0 };
      for (char **a = p->argv; a && *a; a++)
        {
          /* quoted as a shell would need it, so that the words can be told apart */
          bool plain = **a
                       && strspn (*a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-=:,+@%")
                              == strlen (*a);
          strbuf_printf (&b, plain ? "%s%s" : "%s'%s'", b.len ? " " : "", *a);
        }
      run_explain_add (d, b.s ? xasprintf ("execvp %s", b.s) : xstrdup ("execvp $SHELL, or /bin/sh in a new root"));
      free (b.s);
    }
}

static void
run_explain_setting (cJSON *arr, const struct run_plan *p, enum run_setting s, const char *name, char *value,
                     const char *flag)
{
  cJSON *o = cJSON_CreateObject ();
  cJSON_AddStringToObject (o, "setting", name);
  cJSON_AddStringToObject (o, "value", value);
  cleanup_free char *from = run_profile_origin (p, s, flag);
  cJSON_AddStringToObject (o, "from", from);
  cJSON_AddStringToObject (o, "why", run_explain_why[s]);
  cJSON_AddItemToArray (arr, o);
  free (value);
}

static cJSON *
run_explain_settings (const struct run_plan *p)
{
  const struct run_harden *h = &p->harden;
  cJSON *a = cJSON_CreateArray ();
  cleanup_free char *caps = caps_text (h->caps_keep);
  run_explain_setting (a, p, RUN_SET_CAPS, "capabilities",
                       h->caps_unchanged ? xstrdup ("unchanged (what exec gives the command)") : xstrdup (caps),
                       "--cap-add/--cap-drop");
  run_explain_setting (a, p, RUN_SET_SECCOMP, "seccomp",
                       xstrdup (h->seccomp == RUN_SECCOMP_DEFAULT      ? "default"
                                : h->seccomp == RUN_SECCOMP_UNCONFINED ? "unconfined"
                                                                       : h->seccomp_file),
                       "--seccomp");
  run_explain_setting (a, p, RUN_SET_NNP, "no_new_privs", xstrdup (h->nnp ? "on" : "off"), "--allow-new-privs");
  run_explain_setting (a, p, RUN_SET_SESSION, "session",
                       h->session == RUN_SESSION_ALWAYS ? xstrdup ("new (setsid)")
                       : h->session == RUN_SESSION_NEVER
                           ? xstrdup ("shared")
                           : xasprintf ("new when a terminal is shared (here: %s)", h->new_session ? "new" : "shared"),
                       "--session");
  run_explain_setting (a, p, RUN_SET_ENV, "environment", xstrdup (h->keep_env ? "whole" : "allowlist"), "--keep-env");
  run_explain_setting (a, p, RUN_SET_MASKS, "proc masks", xstrdup (h->masks ? "Docker's" : "off"), "--profile");
  return a;
}

static cJSON *
run_explain_doc (struct run_plan *p)
{
  bool can_map;
  sandbox_resolve (p, &can_map);
  cJSON *doc = cJSON_CreateObject ();
  cJSON_AddStringToObject (doc, "profile", p->harden.profile);
  cJSON_AddItemToObject (doc, "settings", run_explain_settings (p));
  cJSON *weak = cJSON_AddArrayToObject (doc, "weakenings");
  char **w = run_profile_weakenings (p);
  for (char **l = w; *l; l++)
    run_explain_add (weak, *l);
  free (w);
  cJSON *steps = cJSON_AddArrayToObject (doc, "steps");
  for (size_t i = 0; i < sandbox_nphases; i++)
    {
      const struct sandbox_phase *ph = &sandbox_phases[i];
      if (ph->applies && !ph->applies (p))
        continue;
      cJSON *s = cJSON_CreateObject ();
      cJSON_AddStringToObject (s, "phase", ph->name);
      cJSON_AddStringToObject (s, "process", sandbox_role_name (ph->role));
      cJSON_AddStringToObject (s, "what", ph->what);
      run_explain_details (cJSON_AddArrayToObject (s, "details"), ph->name, p, can_map);
      cJSON_AddItemToArray (steps, s);
    }
  return doc;
}

static const char *
run_explain_str (const cJSON *o, const char *key)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (o, key);
  return cJSON_IsString (v) ? v->valuestring : "";
}

static void
run_explain_text (FILE *out, const cJSON *doc)
{
  fprintf (out, "profile: %s\n\nsettings:\n", run_explain_str (doc, "profile"));
  const cJSON *it;
  cJSON_ArrayForEach (it, cJSON_GetObjectItemCaseSensitive (doc, "settings"))
  {
    fprintf (out, "  %-13s %s\n", run_explain_str (it, "setting"), run_explain_str (it, "value"));
    fprintf (out, "  %-13s from %s: %s\n", "", run_explain_str (it, "from"), run_explain_str (it, "why"));
  }
  const cJSON *weak = cJSON_GetObjectItemCaseSensitive (doc, "weakenings");
  fprintf (out, "\nweakenings:%s\n", cJSON_GetArraySize (weak) ? "" : " none");
  cJSON_ArrayForEach (it, weak)
  {
    fprintf (out, "  %s\n", it->valuestring);
  }
  fputs ("\nsteps:\n", out);
  int k = 0;
  cJSON_ArrayForEach (it, cJSON_GetObjectItemCaseSensitive (doc, "steps"))
  {
    fprintf (out, "%2d. %-13s %-8s %s\n", ++k, run_explain_str (it, "phase"), run_explain_str (it, "process"),
             run_explain_str (it, "what"));
    const cJSON *d;
    cJSON_ArrayForEach (d, cJSON_GetObjectItemCaseSensitive (it, "details"))
    {
      fprintf (out, "      %s\n", d->valuestring);
    }
  }
}

int
run_explain (FILE *out, struct run_plan *p, bool json, iso_error_t *err)
{
  (void)err; /* nothing here can fail: the host is checked when the plan runs */
  if (p->harden.seccomp == RUN_SECCOMP_DEFAULT && !p->harden.policy)
    p->harden.policy = seccomp_policy_default ();
  cJSON *doc = run_explain_doc (p);
  if (json)
    {
      char *s = cJSON_Print (doc);
      fprintf (out, "%s\n", s);
      free (s);
    }
  else
    run_explain_text (out, doc);
  cJSON_Delete (doc);
  return 0;
}
