// SPDX-License-Identifier: GPL-2.0-or-later
/* explain.c: `isoscope explain` (one target layer by layer, against the host) and `isoscope diff` (two targets). */
#define _GNU_SOURCE
#include "isoscope/cgroup.h"
#include "isoscope/cli.h"
#include "isoscope/container.h"
#include "isoscope/error.h"
#include "isoscope/model.h"
#include "isoscope/ns.h"
#include "isoscope/security.h"
#include "isoscope/util.h"

#include <cJSON.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>

/* The layers, in the order the isolation is built up. */
enum layer
{
  L_PROCESS,
  L_NAMESPACES,
  L_USER,
  L_CGROUP,
  L_ROOTFS,
  L_CAPS,
  L_CONFINEMENT,
  L_COUNT
};
static const char *const layer_names[L_COUNT] = {
  [L_PROCESS] = "process",
  [L_NAMESPACES] = "namespaces",
  [L_USER] = "user mapping",
  [L_CGROUP] = "cgroup",
  [L_ROOTFS] = "root filesystem",
  [L_CAPS] = "capabilities",
  [L_CONFINEMENT] = "seccomp, no_new_privs, LSM",
};
static const char *const layer_keys[L_COUNT] = {
  [L_PROCESS] = "process",         [L_NAMESPACES] = "namespaces", [L_USER] = "user",
  [L_CGROUP] = "cgroup",           [L_ROOTFS] = "rootfs",         [L_CAPS] = "capabilities",
  [L_CONFINEMENT] = "confinement",
};

/* One fact about a target: which layer, what, its value, and the host's value where a
   comparison means something (NULL otherwise).  Both strings owned. */
struct fact
{
  enum layer layer;
  const char *field;
  char *value;
  char *host;
};

struct finding
{
  const char *id;
  char *text;
};

struct report
{
  struct iso_proc *p;
  char *target;
  struct fact *facts;
  size_t nfacts;
  struct finding *findings;
  size_t nfindings;
  bool isolated; /* in a container, or in a mount or pid namespace of its own */
};

static void
fact (struct report *r, enum layer l, const char *field, char *value, char *host)
{
  r->facts = xreallocarray (r->facts, r->nfacts + 1, sizeof *r->facts);
  r->facts[r->nfacts++] = (struct fact){ l, field, value ? value : xstrdup ("-"), host };
}

static void
finding (struct report *r, const char *id, char *text)
{
  r->findings = xreallocarray (r->findings, r->nfindings + 1, sizeof *r->findings);
  r->findings[r->nfindings++] = (struct finding){ id, text };
}

static void
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
  fact (r, L_CGROUP, "path", p->cgroup_path ? xstrdup (p->cgroup_path) : NULL, NULL);
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
      fact (r, L_CGROUP, cg_fields[shown[i]].json, val_str (&f[shown[i]], true), NULL);
  bool limited = f[CGF_MEMORY_MAX].state == CGV_SET || f[CGF_PIDS_MAX].state == CGV_SET
                 || f[CGF_CPU_MAX_QUOTA_USEC].state == CGV_SET;
  if (r->isolated && !limited)
    finding (r, "no-limits", xstrdup ("no memory, pids or CPU limit: a runaway process can starve the host"));
}

static void
caps_fact (struct report *r, const char *field, uint64_t set, uint64_t all)
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
  fact (r, L_CAPS, field, v, xstrdup ("full"));
}

static int
build_report (const struct iso_model *m, struct iso_proc *p, const char *target, struct report *r)
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

  fact (r, L_PROCESS, "pid", xasprintf ("%d", (int)p->pid), NULL);
  fact (r, L_PROCESS, "command", xstrdup (p->cmdline ? p->cmdline : p->comm), NULL);
  fact (r, L_PROCESS, "uid", p->uid >= 0 ? xasprintf ("%ld (%s)", p->uid, util_user_name ((unsigned)p->uid)) : NULL,
        NULL);
  fact (r, L_PROCESS, "container",
        p->container ? xasprintf ("%s %s", p->container->engine, p->container->id) : xstrdup ("none"), NULL);
  if (p->nnspid > 1)
    fact (r, L_PROCESS, "pid_inside", xasprintf ("%d", (int)p->nspid[p->nnspid - 1]), NULL);

  for (int t = 0; t < NS_TYPE_COUNT; t++)
    {
      char *v;
      if (!p->ns[t])
        v = NULL;
      else if (p->ns[t]->ino == host[t])
        v = xasprintf ("host %llu", (unsigned long long)p->ns[t]->ino);
      else
        v = xasprintf ("own %llu", (unsigned long long)p->ns[t]->ino);
      fact (r, L_NAMESPACES, ns_types[t].name, v, xasprintf ("%llu", (unsigned long long)host[t]));
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
  fact (r, L_USER, "namespace", xstrdup (own_user ? "own (ids are mapped)" : "host (ids are the host's)"), NULL);
  if (p->sec)
    {
      fact (r, L_USER, "uid_map",
            is_identity_map (p->sec->uid_map) ? xstrdup ("identity (0 0 4294967295)") : map_text (p->sec->uid_map),
            NULL);
      fact (r, L_USER, "gid_map",
            is_identity_map (p->sec->gid_map) ? xstrdup ("identity (0 0 4294967295)") : map_text (p->sec->gid_map),
            NULL);
      fact (r, L_USER, "setgroups",
            p->sec->setgroups_deny < 0 ? NULL : xstrdup (p->sec->setgroups_deny ? "deny" : "allow"), NULL);
    }

  cgroup_facts (r, m);

  const struct iso_mntview *mv = p->ns[NS_MNT] ? p->ns[NS_MNT]->mntview : NULL;
  fact (r, L_ROOTFS, "mount_namespace", xstrdup (own_mnt ? "own" : "host"), NULL);
  if (mv)
    {
      fact (r, L_ROOTFS, "root",
            mv->root_fstype ? xasprintf ("%s %s", mv->root_fstype, mv->root_source ? mv->root_source : "") : NULL,
            NULL);
      if (mv->overlay_lower)
        fact (r, L_ROOTFS, "overlay_lower", xstrdup (mv->overlay_lower), NULL);
      if (mv->overlay_upper)
        fact (r, L_ROOTFS, "overlay_upper", xstrdup (mv->overlay_upper), NULL);
      struct strbuf b = { 0 };
      for (size_t i = 0; i < mv->nmasked; i++)
        strbuf_printf (&b, "%s%s", i ? " " : "", mv->masked[i]);
      fact (r, L_ROOTFS, "masked", b.len ? strbuf_steal (&b) : xstrdup ("none"), NULL);
      struct strbuf c = { 0 };
      for (size_t i = 0; i < mv->nreadonly; i++)
        strbuf_printf (&c, "%s%s", i ? " " : "", mv->readonly[i]);
      fact (r, L_ROOTFS, "read_only", c.len ? strbuf_steal (&c) : xstrdup ("none"), NULL);
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
      fact (r, L_ROOTFS, "chroot", xstrdup (p->sec->chrooted ? "yes (root is not the namespace's root)" : "no"), NULL);
      fact (r, L_ROOTFS, "cwd", p->sec->cwd ? xstrdup (p->sec->cwd) : NULL, NULL);
    }

  uint64_t all = sec_all_caps ();
  if (p->caps_known)
    {
      fact (r, L_CAPS, "held_in",
            xstrdup (own_user ? "its own user namespace (not the host's)" : "the initial user namespace"), NULL);
      caps_fact (r, "effective", p->cap_eff, all);
      caps_fact (r, "permitted", p->cap_prm, all);
      caps_fact (r, "inheritable", p->cap_inh, all);
      caps_fact (r, "bounding", p->cap_bnd, all);
      caps_fact (r, "ambient", p->cap_amb, all);
      if (p->sec && p->sec->exe_caps)
        fact (r, L_CAPS, "file_caps", xstrdup (p->sec->exe_caps), NULL);
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
  fact (r, L_CONFINEMENT, "seccomp",
        p->seccomp < 0    ? NULL
        : p->seccomp == 2 ? xasprintf ("filter (%d)", p->seccomp_filters)
        : p->seccomp == 1 ? xstrdup ("strict")
                          : xstrdup ("none"),
        xstrdup ("none"));
  fact (r, L_CONFINEMENT, "no_new_privs", p->no_new_privs < 0 ? NULL : xasprintf ("%d", p->no_new_privs),
        xstrdup ("0"));
  fact (r, L_CONFINEMENT, "lsm",
        p->sec && p->sec->label ? xasprintf ("%s (%s)", p->sec->label, p->sec->lsm) : xstrdup ("none"), NULL);
  if (r->isolated && p->seccomp == 0)
    finding (r, "no-seccomp", xstrdup ("no seccomp filter: every system call of the kernel is reachable"));
  if (r->isolated && p->no_new_privs == 0 && p->uid != 0)
    finding (r, "no-nnp", xstrdup ("no_new_privs is off: a setuid binary inside can gain privileges"));
  return 0;
}

/* ---- output ---- */

static void
print_text (const struct report *r)
{
  printf ("%s: pid %d (%s)\n", r->target, (int)r->p->pid, r->p->comm);
  for (int l = 0; l < L_COUNT; l++)
    {
      printf ("\n%d. %s\n", l, layer_names[l]);
      for (size_t i = 0; i < r->nfacts; i++)
        if (r->facts[i].layer == (enum layer)l)
          printf ("   %-26s %s\n", r->facts[i].field, r->facts[i].value);
    }
  printf ("\nfindings:%s\n", r->nfindings ? "" : " none");
  for (size_t i = 0; i < r->nfindings; i++)
    printf ("   ! %-18s %s\n", r->findings[i].id, r->findings[i].text);
}

static cJSON *
report_json (const struct report *r)
{
  cJSON *o = cJSON_CreateObject ();
  cJSON_AddStringToObject (o, "target", r->target);
  cJSON_AddNumberToObject (o, "pid", r->p->pid);
  cJSON_AddBoolToObject (o, "isolated", r->isolated);
  cJSON *layers = cJSON_AddObjectToObject (o, "layers");
  for (int l = 0; l < L_COUNT; l++)
    {
      cJSON *lo = cJSON_AddObjectToObject (layers, layer_keys[l]);
      for (size_t i = 0; i < r->nfacts; i++)
        if (r->facts[i].layer == (enum layer)l)
          {
            if (!r->facts[i].host)
              cJSON_AddStringToObject (lo, r->facts[i].field, r->facts[i].value);
            else
              {
                cJSON *f = cJSON_AddObjectToObject (lo, r->facts[i].field);
                cJSON_AddStringToObject (f, "value", r->facts[i].value);
                cJSON_AddStringToObject (f, "host", r->facts[i].host);
              }
          }
    }
  cJSON *fa = cJSON_AddArrayToObject (o, "findings");
  for (size_t i = 0; i < r->nfindings; i++)
    {
      cJSON *f = cJSON_CreateObject ();
      cJSON_AddStringToObject (f, "id", r->findings[i].id);
      cJSON_AddStringToObject (f, "reason", r->findings[i].text);
      cJSON_AddItemToArray (fa, f);
    }
  return o;
}

static void
print_json (cJSON *doc)
{
  char *s = cJSON_Print (doc);
  puts (s);
  free (s);
  cJSON_Delete (doc);
}

/* ---- commands ---- */

const struct cli_opt explain_opts[] = {
  { "json", 'J', no_argument, NULL, "use JSON output format" },
  { NULL, 0, 0, NULL, NULL },
};
const struct cli_opt diff_opts[] = {
  { "json", 'J', no_argument, NULL, "use JSON output format" },
  { "all", 'a', no_argument, NULL, "show the facts that are equal too" },
  { NULL, 0, 0, NULL, NULL },
};

/* Collect everything, then pick the target's representative: the lowest pid it names. */
static int
resolve (const char *cmd, struct iso_model **m, const char *target, struct iso_proc **out)
{
  cleanup_error iso_error_t err = NULL;
  if (!*m)
    {
      struct iso_collect_opts co = { .sysroot = iso_global.sysroot,
                                     .flags = COLLECT_STATUS | COLLECT_CMDLINE | COLLECT_CGROUPS | COLLECT_SECURITY };
      if (iso_model_collect (m, &co, &err) < 0)
        {
          fprintf (stderr, "isoscope %s: %s\n", cmd, err->msg);
          return ISO_EXIT_FAILURE;
        }
    }
  struct iso_proc **sel = NULL;
  size_t n = 0;
  if (iso_model_select (*m, target, &sel, &n, &err) < 0)
    {
      fprintf (stderr, "isoscope %s: %s\n", cmd, err->msg);
      return err->status == EINVAL ? ISO_EXIT_FAILURE : ISO_EXIT_NOT_FOUND;
    }
  struct iso_proc *best = sel[0];
  for (size_t i = 1; i < n; i++)
    if (sel[i]->pid < best->pid)
      best = sel[i];
  free (sel);
  *out = best;
  return ISO_EXIT_OK;
}

static int
parse (const char *cmd, const struct cli_opt *opts, int argc, char **argv, bool *json, bool *all, int nargs)
{
  cleanup_parser struct cli_parser parser;
  cli_parser_init (&parser, opts);
  int opt;
  while ((opt = cli_getopt (&parser, argc, argv)) != -1)
    {
      if (cli_global_option (opt, optarg))
        continue;
      switch (opt)
        {
        case 'J':
          *json = true;
          break;
        case 'a':
          *all = true;
          break;
        case 'h':
          if (nargs == 1)
            fputs ("Usage:\n isoscope explain [options] TARGET\n\n"
                   "One process or container, layer by layer: namespaces, user mapping, cgroup and limits,\n"
                   "root filesystem, capabilities, seccomp, no_new_privs and LSM, each against the host,\n"
                   "then the findings a security reviewer would flag.  TARGET is a PID, PID:INODE, a\n"
                   "container id or name prefix, or a cgroup path (its lowest pid is shown).\n",
                   stdout);
          else
            fputs ("Usage:\n isoscope diff [options] TARGET-A TARGET-B\n\n"
                   "What differs between the isolation of two targets, layer by layer.\n",
                   stdout);
          cli_print_options (stdout, opts);
          fputs ("\nExit status: 0 success, 1 bad usage or failure, 2 a target was not found.\n", stdout);
          printf ("For more details see isoscope-%s(1).\n", cmd);
          return -2;
        default:
          return cli_try_help (cmd);
        }
    }
  if (argc - optind != nargs)
    {
      fprintf (stderr, "isoscope %s: %s\n", cmd, nargs == 1 ? "one TARGET is needed" : "two TARGETs are needed");
      return cli_try_help (cmd);
    }
  return 0;
}

int
cmd_explain (int argc, char **argv)
{
  bool json = false, all = false;
  int r = parse ("explain", explain_opts, argc, argv, &json, &all, 1);
  if (r)
    return r == -2 ? ISO_EXIT_OK : r;
  struct iso_model *m = NULL;
  struct iso_proc *p;
  int rc = resolve ("explain", &m, argv[optind], &p);
  if (rc == ISO_EXIT_OK)
    {
      struct report rep;
      build_report (m, p, argv[optind], &rep);
      if (json)
        print_json (report_json (&rep));
      else
        print_text (&rep);
      report_free (&rep);
    }
  iso_model_free (m);
  return rc;
}

int
cmd_diff (int argc, char **argv)
{
  bool json = false, all = false;
  int r = parse ("diff", diff_opts, argc, argv, &json, &all, 2);
  if (r)
    return r == -2 ? ISO_EXIT_OK : r;
  struct iso_model *m = NULL;
  struct iso_proc *pa, *pb;
  int rc = resolve ("diff", &m, argv[optind], &pa);
  if (rc == ISO_EXIT_OK)
    rc = resolve ("diff", &m, argv[optind + 1], &pb);
  if (rc != ISO_EXIT_OK)
    {
      iso_model_free (m);
      return rc;
    }
  struct report a, b;
  build_report (m, pa, argv[optind], &a);
  build_report (m, pb, argv[optind + 1], &b);
  cJSON *doc = json ? cJSON_CreateObject () : NULL, *arr = NULL;
  if (doc)
    {
      cJSON_AddStringToObject (doc, "a", a.target);
      cJSON_AddStringToObject (doc, "b", b.target);
      arr = cJSON_AddArrayToObject (doc, "differences");
    }
  else
    printf ("%-14s %-22s %-34s %s\n", "LAYER", "FIELD", argv[optind], argv[optind + 1]);
  int ndiff = 0;
  /* Facts of A, matched with B's by layer and field; then B's that A lacks. */
  for (int pass = 0; pass < 2; pass++)
    {
      struct report *x = pass ? &b : &a, *y = pass ? &a : &b;
      for (size_t i = 0; i < x->nfacts; i++)
        {
          const struct fact *fx = &x->facts[i], *fy = NULL;
          for (size_t j = 0; j < y->nfacts && !fy; j++)
            if (y->facts[j].layer == fx->layer && strcmp (y->facts[j].field, fx->field) == 0)
              fy = &y->facts[j];
          if (pass == 1 && fy)
            continue;
          if (fx->layer == L_PROCESS && (strcmp (fx->field, "pid") == 0 || strcmp (fx->field, "command") == 0) && !all)
            continue;
          const char *va = pass ? (fy ? fy->value : "-") : fx->value;
          const char *vb = pass ? fx->value : (fy ? fy->value : "-");
          bool same = strcmp (va, vb) == 0;
          if (same && !all)
            continue;
          ndiff += !same;
          if (doc)
            {
              cJSON *d = cJSON_CreateObject ();
              cJSON_AddStringToObject (d, "layer", layer_keys[fx->layer]);
              cJSON_AddStringToObject (d, "field", fx->field);
              cJSON_AddStringToObject (d, "a", va);
              cJSON_AddStringToObject (d, "b", vb);
              cJSON_AddItemToArray (arr, d);
            }
          else
            printf ("%-14s %-22s %-34s %s\n", layer_keys[fx->layer], fx->field, va, vb);
        }
    }
  if (doc)
    {
      cJSON_AddNumberToObject (doc, "count", ndiff);
      print_json (doc);
    }
  else if (!ndiff)
    printf ("(no differences)\n");
  report_free (&a);
  report_free (&b);
  iso_model_free (m);
  return ISO_EXIT_OK;
}
