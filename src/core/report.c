// SPDX-License-Identifier: GPL-2.0-or-later
/* report.c: one process's isolation as facts, layer by layer against the host, and the findings a reviewer would flag.
 */
#define _GNU_SOURCE
#include "isoscope/report.h"
#include "isoscope/cgroup.h"
#include "isoscope/container.h"
#include "isoscope/ns.h"
#include "isoscope/security.h"
#include "isoscope/util.h"

#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>

static const char *const layer_names[REPORT_LAYER_COUNT] = {
  [REPORT_PROCESS] = "process",
  [REPORT_NAMESPACES] = "namespaces",
  [REPORT_USER] = "user mapping",
  [REPORT_CGROUP] = "cgroup",
  [REPORT_ROOTFS] = "root filesystem",
  [REPORT_CAPS] = "capabilities",
  [REPORT_CONFINEMENT] = "seccomp, no_new_privs, LSM",
};
static const char *const layer_keys[REPORT_LAYER_COUNT] = {
  [REPORT_PROCESS] = "process",         [REPORT_NAMESPACES] = "namespaces", [REPORT_USER] = "user",
  [REPORT_CGROUP] = "cgroup",           [REPORT_ROOTFS] = "rootfs",         [REPORT_CAPS] = "capabilities",
  [REPORT_CONFINEMENT] = "confinement",
};

static void
fact (struct report *r, enum report_layer l, const char *field, char *value, char *host)
{
  r->facts = xreallocarray (r->facts, r->nfacts + 1, sizeof *r->facts);
  r->facts[r->nfacts++] = (struct report_fact){ l, field, value ? value : xstrdup ("-"), host };
}

static void
finding (struct report *r, const char *id, char *text)
{
  r->findings = xreallocarray (r->findings, r->nfindings + 1, sizeof *r->findings);
  r->findings[r->nfindings++] = (struct report_finding){ id, text };
}

void
report_free (struct report *r)
{
  for (size_t i = 0; i < r->nfacts; i++)
    {
      free (r->facts[i].value);
      free (r->facts[i].host);
    }
  for (size_t i = 0; i < r->nfindings; i++)
    free (r->findings[i].text);
  free (r->facts);
  free (r->findings);
  free (r->target);
  memset (r, 0, sizeof *r);
}

static char *
map_text (const char *map)
{
  if (!map)
    return NULL;
  /* One line per range, squeezed: "0 100000 65536; 65536 ..." */
  struct strbuf b = { 0 };
  for (const char *s = map; *s;)
    {
      long a, o, n;
      if (sscanf (s, "%ld %ld %ld", &a, &o, &n) == 3)
        strbuf_printf (&b, "%s%ld %ld %ld", b.len ? "; " : "", a, o, n);
      const char *nl = strchr (s, '\n');
      if (!nl)
        break;
      s = nl + 1;
    }
  return b.len ? strbuf_steal (&b) : xstrdup ("(empty)");
}

static bool
is_identity_map (const char *map)
{
  long a, o, n;
  return map && sscanf (map, "%ld %ld %ld", &a, &o, &n) == 3 && a == 0 && o == 0 && n == 4294967295L;
}

static char *
val_str (const struct cg_val *v, bool bytes)
{
  if (v->state == CGV_ABSENT)
    return NULL;
  if (v->state == CGV_MAX)
    return xstrdup ("max");
  if (v->is_float)
    return xasprintf ("%llu.%02llu", (unsigned long long)(v->v / 100), (unsigned long long)(v->v % 100));
  (void)bytes;
  return xasprintf ("%llu", (unsigned long long)v->v);
}

static void
cgroup_facts (struct report *r, const struct iso_model *m)
{
  struct iso_proc *p = r->p;
  fact (r, REPORT_CGROUP, "path", p->cgroup_path ? xstrdup (p->cgroup_path) : NULL, NULL);
  if (!m->cg || !p->cgroups)
    return;
  /* Merge the values of every hierarchy the process is in (v1 controllers first). */
  struct cg_val f[CGF_COUNT];
  memset (f, 0, sizeof f);
  for (int pass = 0; pass < 2; pass++)
    for (size_t h = 0; h < m->cg->nh; h++)
      {
        const struct iso_cgroup *cg = p->cgroups[h];
        if (!cg || cg->h->v2 != (pass == 1))
          continue;
        for (int k = 0; k < CGF_COUNT; k++)
          if (f[k].state == CGV_ABSENT)
            f[k] = cg->f[k];
      }
  if (f[CGF_MEMORY_CURRENT].state == CGV_SET && f[CGF_MEMORY_STAT_INACTIVE_FILE].state == CGV_SET)
    f[CGF_MEMORY_WORKING_SET] = (struct cg_val){ .state = CGV_SET,
                                                 .v = f[CGF_MEMORY_CURRENT].v > f[CGF_MEMORY_STAT_INACTIVE_FILE].v
                                                          ? f[CGF_MEMORY_CURRENT].v - f[CGF_MEMORY_STAT_INACTIVE_FILE].v
                                                          : 0 };
  static const enum cg_field shown[] = {
    CGF_MEMORY_MAX,        CGF_MEMORY_CURRENT,        CGF_MEMORY_WORKING_SET, CGF_MEMORY_EVENTS_OOM_KILL,
    CGF_PIDS_MAX,          CGF_PIDS_CURRENT,          CGF_CPU_MAX_QUOTA_USEC, CGF_CPU_MAX_PERIOD_USEC,
    CGF_CPU_WEIGHT,        CGF_CPU_STAT_NR_THROTTLED, CGF_PSI_CPU_SOME_AVG10, CGF_PSI_MEMORY_SOME_AVG10,
    CGF_PSI_IO_SOME_AVG10,
  };
  for (size_t i = 0; i < ARRAY_SIZE (shown); i++)
    if (f[shown[i]].state != CGV_ABSENT)
      fact (r, REPORT_CGROUP, cg_fields[shown[i]].json, val_str (&f[shown[i]], true), NULL);
  bool limited = f[CGF_MEMORY_MAX].state == CGV_SET || f[CGF_PIDS_MAX].state == CGV_SET
                 || f[CGF_CPU_MAX_QUOTA_USEC].state == CGV_SET;
  if (r->isolated && !limited)
    finding (r, "no-limits", xstrdup ("no memory, pids or CPU limit: a runaway process can starve the host"));
}

static void
caps_fact (struct report *r, const char *field, uint64_t set, uint64_t all, const char *host)
{
  char *v;
  if (!set)
    v = xstrdup ("none");
  else if ((set & all) == all)
    v = xstrdup ("full");
  else
    {
      cleanup_free char *names = sec_caps_text (set);
      v = xasprintf ("%d: %s", sec_cap_count (set), names);
    }
  fact (r, REPORT_CAPS, field, v, xstrdup (host));
}

void
report_build (const struct iso_model *m, struct iso_proc *p, const char *target, struct report *r)
{
  memset (r, 0, sizeof *r);
  r->p = p;
  r->target = xstrdup (target);
  uint64_t host[NS_TYPE_COUNT];
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    host[t] = iso_model_host_ns (m, (enum ns_type)t);
  bool own_mnt = p->ns[NS_MNT] && p->ns[NS_MNT]->ino != host[NS_MNT];
  bool own_pid = p->ns[NS_PID] && p->ns[NS_PID]->ino != host[NS_PID];
  r->isolated = p->container || own_mnt || own_pid;
  /* An unprivileged viewer may not read another user's namespaces: say so rather than
     take them for the host's. */
  bool ns_known = p->ns[NS_MNT] && p->ns[NS_PID] && p->ns[NS_USER];

  fact (r, REPORT_PROCESS, "pid", xasprintf ("%d", (int)p->pid), NULL);
  fact (r, REPORT_PROCESS, "command", xstrdup (p->cmdline ? p->cmdline : p->comm), NULL);
  fact (r, REPORT_PROCESS, "uid",
        p->uid >= 0 ? xasprintf ("%ld (%s)", p->uid, util_user_name ((unsigned)p->uid)) : NULL, NULL);
  fact (r, REPORT_PROCESS, "container",
        p->container ? xasprintf ("%s %s", p->container->engine, p->container->id) : xstrdup ("none"), NULL);
  if (p->nnspid > 1)
    fact (r, REPORT_PROCESS, "pid_inside", xasprintf ("%d", (int)p->nspid[p->nnspid - 1]), NULL);
  if (!ns_known)
    fact (r, REPORT_PROCESS, "inspection",
          xasprintf ("incomplete: its namespaces could not be read (%s)",
                     p->ns_errno ? strerror (p->ns_errno) : "not visible"),
          NULL);

  for (int t = 0; t < NS_TYPE_COUNT; t++)
    {
      char *v;
      if (!p->ns[t])
        v = NULL;
      else if (p->ns[t]->ino == host[t])
        v = xasprintf ("host %llu", (unsigned long long)p->ns[t]->ino);
      else
        v = xasprintf ("own %llu", (unsigned long long)p->ns[t]->ino);
      fact (r, REPORT_NAMESPACES, ns_types[t].name, v, xasprintf ("%llu", (unsigned long long)host[t]));
    }
  if (r->isolated)
    {
      static const struct
      {
        enum ns_type t;
        const char *id, *why;
      } risky[] = {
        { NS_NET, "host-net", "shares the host's network namespace: it can reach every host interface and port" },
        { NS_PID, "host-pid", "shares the host's pid namespace: it sees host processes and may signal or ptrace them" },
        { NS_IPC, "host-ipc", "shares the host's IPC namespace: host shared memory and semaphores are reachable" },
        { NS_USER, "host-user", "runs in the host's user namespace: root inside is root on the host" },
      };
      for (size_t i = 0; i < ARRAY_SIZE (risky); i++)
        if (p->ns[risky[i].t] && p->ns[risky[i].t]->ino == host[risky[i].t])
          finding (r, risky[i].id, xstrdup (risky[i].why));
    }

  bool own_user = p->ns[NS_USER] && p->ns[NS_USER]->ino != host[NS_USER];
  fact (r, REPORT_USER, "namespace",
        !p->ns[NS_USER] ? NULL : xstrdup (own_user ? "own (ids are mapped)" : "host (ids are the host's)"), NULL);
  if (p->sec)
    {
      fact (r, REPORT_USER, "uid_map",
            is_identity_map (p->sec->uid_map) ? xstrdup ("identity (0 0 4294967295)") : map_text (p->sec->uid_map),
            NULL);
      fact (r, REPORT_USER, "gid_map",
            is_identity_map (p->sec->gid_map) ? xstrdup ("identity (0 0 4294967295)") : map_text (p->sec->gid_map),
            NULL);
      fact (r, REPORT_USER, "setgroups",
            p->sec->setgroups_deny < 0 ? NULL : xstrdup (p->sec->setgroups_deny ? "deny" : "allow"), NULL);
    }

  cgroup_facts (r, m);

  const struct iso_mntview *mv = p->ns[NS_MNT] ? p->ns[NS_MNT]->mntview : NULL;
  fact (r, REPORT_ROOTFS, "mount_namespace", !p->ns[NS_MNT] ? NULL : xstrdup (own_mnt ? "own" : "host"), NULL);
  if (mv)
    {
      fact (r, REPORT_ROOTFS, "root",
            mv->root_fstype ? xasprintf ("%s %s", mv->root_fstype, mv->root_source ? mv->root_source : "") : NULL,
            NULL);
      if (mv->overlay_lower)
        fact (r, REPORT_ROOTFS, "overlay_lower", xstrdup (mv->overlay_lower), NULL);
      if (mv->overlay_upper)
        fact (r, REPORT_ROOTFS, "overlay_upper", xstrdup (mv->overlay_upper), NULL);
      struct strbuf b = { 0 };
      for (size_t i = 0; i < mv->nmasked; i++)
        strbuf_printf (&b, "%s%s", i ? " " : "", mv->masked[i]);
      fact (r, REPORT_ROOTFS, "masked", b.len ? strbuf_steal (&b) : xstrdup ("none"), NULL);
      struct strbuf c = { 0 };
      for (size_t i = 0; i < mv->nreadonly; i++)
        strbuf_printf (&c, "%s%s", i ? " " : "", mv->readonly[i]);
      fact (r, REPORT_ROOTFS, "read_only", c.len ? strbuf_steal (&c) : xstrdup ("none"), NULL);
      for (size_t i = 0; i < mv->nsockets; i++)
        finding (r, "runtime-socket",
                 xasprintf ("a container runtime socket is mounted inside (%s): whoever reaches it controls the host",
                            mv->sockets[i]));
      if (r->isolated && mv->cgroupfs_writable)
        finding (r, "writable-cgroupfs",
                 xstrdup ("a cgroup filesystem is mounted read-write inside: limits can be "
                          "changed from within"));
    }
  if (p->sec)
    {
      fact (r, REPORT_ROOTFS, "chroot", xstrdup (p->sec->chrooted ? "yes (root is not the namespace's root)" : "no"),
            NULL);
      fact (r, REPORT_ROOTFS, "cwd", p->sec->cwd ? xstrdup (p->sec->cwd) : NULL, NULL);
    }

  uint64_t all = m->scan.all_caps ? m->scan.all_caps : sec_all_caps_at (m->scan.sysroot);
  if (p->caps_known)
    {
      fact (r, REPORT_CAPS, "held_in",
            !p->ns[NS_USER] ? xstrdup ("unknown (its user namespace could not be read)")
            : own_user      ? xstrdup ("its own user namespace (not the host's)")
                            : xstrdup ("the initial user namespace"),
            NULL);
      /* The host's sets are a kernel thread's: all effective, permitted and bounding; no
         inheritable or ambient ones. */
      caps_fact (r, "effective", p->cap_eff, all, "full");
      caps_fact (r, "permitted", p->cap_prm, all, "full");
      caps_fact (r, "inheritable", p->cap_inh, all, "none");
      caps_fact (r, "bounding", p->cap_bnd, all, "full");
      caps_fact (r, "ambient", p->cap_amb, all, "none");
      if (p->sec && p->sec->exe_caps)
        fact (r, REPORT_CAPS, "file_caps", xstrdup (p->sec->exe_caps), NULL);
      if (r->isolated && !own_user && (p->cap_eff & (1ULL << CAP_SYS_ADMIN)))
        finding (r, "cap-sys-admin",
                 xstrdup ("CAP_SYS_ADMIN in the initial user namespace: it can mount, load BPF and escape most "
                          "confinement"));
      else if (r->isolated && !own_user && (p->cap_eff & ~sec_docker_default_caps () & all))
        {
          cleanup_free char *extra = sec_caps_text (p->cap_eff & ~sec_docker_default_caps () & all);
          finding (r, "extra-caps",
                   xasprintf ("capabilities beyond Docker's defaults in the initial user namespace: %s", extra));
        }
    }
  fact (r, REPORT_CONFINEMENT, "seccomp",
        p->seccomp < 0    ? NULL
        : p->seccomp == 2 ? xasprintf ("filter (%d)", p->seccomp_filters)
        : p->seccomp == 1 ? xstrdup ("strict")
                          : xstrdup ("none"),
        xstrdup ("none"));
  fact (r, REPORT_CONFINEMENT, "no_new_privs", p->no_new_privs < 0 ? NULL : xasprintf ("%d", p->no_new_privs),
        xstrdup ("0"));
  fact (r, REPORT_CONFINEMENT, "lsm",
        p->sec && p->sec->label ? xasprintf ("%s (%s)", p->sec->label, p->sec->lsm) : xstrdup ("none"), NULL);
  if (r->isolated && p->seccomp == 0)
    finding (r, "no-seccomp", xstrdup ("no seccomp filter: every system call of the kernel is reachable"));
  /* Root inside its own user namespace is root there already: a setuid binary adds nothing. */
  long inside = p->uid;
  if (own_user && p->sec && p->sec->uid_map && sec_idmap_to_inside (p->sec->uid_map, p->uid, &inside) < 0)
    inside = -1;
  if (r->isolated && p->no_new_privs == 0 && inside != 0)
    finding (r, "no-nnp", xstrdup ("no_new_privs is off: a setuid binary inside can gain privileges"));
}

const char *
report_layer_name (enum report_layer l)
{
  return (unsigned)l < REPORT_LAYER_COUNT ? layer_names[l] : "?";
}

const char *
report_layer_key (enum report_layer l)
{
  return (unsigned)l < REPORT_LAYER_COUNT ? layer_keys[l] : "?";
}

void
report_print (FILE *out, const struct report *r)
{
  fprintf (out, "%s: pid %d (%s)\n", r->target, (int)r->p->pid, r->p->comm);
  for (int l = 0; l < REPORT_LAYER_COUNT; l++)
    {
      fprintf (out, "\n%d. %s\n", l, layer_names[l]);
      for (size_t i = 0; i < r->nfacts; i++)
        if (r->facts[i].layer == (enum report_layer)l)
          fprintf (out, "   %-26s %s\n", r->facts[i].field, r->facts[i].value);
    }
  fprintf (out, "\nfindings:%s\n", r->nfindings ? "" : " none");
  for (size_t i = 0; i < r->nfindings; i++)
    fprintf (out, "   ! %-18s %s\n", r->findings[i].id, r->findings[i].text);
}
