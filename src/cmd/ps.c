// SPDX-License-Identifier: GPL-2.0-or-later
/* ps.c: `isoscope ps` (one row per process with its isolation) and `isoscope caps` (capability sets). */
#define _GNU_SOURCE
#include "isoscope/cli.h"
#include "isoscope/container.h"
#include "isoscope/error.h"
#include "isoscope/model.h"
#include "isoscope/ns.h"
#include "isoscope/out.h"
#include "isoscope/security.h"
#include "isoscope/util.h"

#include <cJSON.h>
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

enum ps_col
{
  PC_PID,
  PC_PIDNS_PID,
  PC_PPID,
  PC_USER,
  PC_UID,
  PC_COMMAND,
  PC_CONTAINER,
  PC_CGROUP,
  PC_MNTNS,
  PC_NETNS,
  PC_PIDNS,
  PC_UTSNS,
  PC_IPCNS,
  PC_USERNS,
  PC_CGROUPNS,
  PC_TIMENS,
  PC_HOSTNS,
  PC_CAPS,
  PC_CAPEFF,
  PC_CAPPRM,
  PC_CAPINH,
  PC_CAPBND,
  PC_CAPAMB,
  PC_SECCOMP,
  PC_NNP,
  PC_LSM,
  PC_FILECAPS,
  PC_COUNT
};

/* The namespace columns, in the ns_type order. */
static const int ns_col_of[NS_TYPE_COUNT] = {
  [NS_MNT] = PC_MNTNS, [NS_NET] = PC_NETNS,   [NS_PID] = PC_PIDNS,       [NS_UTS] = PC_UTSNS,
  [NS_IPC] = PC_IPCNS, [NS_USER] = PC_USERNS, [NS_CGROUP] = PC_CGROUPNS, [NS_TIME] = PC_TIMENS,
};

#define NSCOL(n, t)                                                                                                    \
  {                                                                                                                    \
    n, 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, t " namespace inode; \"host\" when it is the host's"                      \
  }
static const struct out_column ps_columns[PC_COUNT] = {
  [PC_PID] = { "PID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "process id (as the host sees it)" },
  [PC_PIDNS_PID] = { "PIDNS_PID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "process id inside its own pid namespace" },
  [PC_PPID] = { "PPID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "parent process id" },
  [PC_USER] = { "USER", 0, 0, SCOLS_JSON_STRING, "user name (real uid)" },
  [PC_UID] = { "UID", 0, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "real uid" },
  [PC_COMMAND] = { "COMMAND", 0.3, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, "command line" },
  [PC_CONTAINER] = { "CONTAINER", 0, 0, SCOLS_JSON_STRING, "container (engine:id) from the cgroup path" },
  [PC_CGROUP] = { "CGROUP", 0.2, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, "cgroup path (v2, else the memory hierarchy)" },
  [PC_MNTNS] = NSCOL ("MNTNS", "mount"),
  [PC_NETNS] = NSCOL ("NETNS", "network"),
  [PC_PIDNS] = NSCOL ("PIDNS", "pid"),
  [PC_UTSNS] = NSCOL ("UTSNS", "UTS"),
  [PC_IPCNS] = NSCOL ("IPCNS", "IPC"),
  [PC_USERNS] = NSCOL ("USERNS", "user"),
  [PC_CGROUPNS] = NSCOL ("CGROUPNS", "cgroup"),
  [PC_TIMENS] = NSCOL ("TIMENS", "time"),
  [PC_HOSTNS] = { "HOSTNS", 0, 0, SCOLS_JSON_ARRAY_STRING, "namespace types shared with the host" },
  [PC_CAPS] = { "CAPS", 4, SCOLS_FL_RIGHT, SCOLS_JSON_STRING, "effective capabilities: none, full, or how many" },
  [PC_CAPEFF] = { "CAPEFF", 0.2, SCOLS_FL_TRUNC, SCOLS_JSON_ARRAY_STRING, "effective capabilities by name" },
  [PC_CAPPRM] = { "CAPPRM", 0.2, SCOLS_FL_TRUNC, SCOLS_JSON_ARRAY_STRING, "permitted capabilities" },
  [PC_CAPINH] = { "CAPINH", 0.2, SCOLS_FL_TRUNC, SCOLS_JSON_ARRAY_STRING, "inheritable capabilities" },
  [PC_CAPBND] = { "CAPBND", 0.2, SCOLS_FL_TRUNC, SCOLS_JSON_ARRAY_STRING, "bounding set" },
  [PC_CAPAMB] = { "CAPAMB", 0.2, SCOLS_FL_TRUNC, SCOLS_JSON_ARRAY_STRING, "ambient capabilities" },
  [PC_SECCOMP] = { "SECCOMP", 0, 0, SCOLS_JSON_STRING, "seccomp: none, strict, or filter(N)" },
  [PC_NNP] = { "NNP", 1, SCOLS_FL_RIGHT, SCOLS_JSON_BOOLEAN, "no_new_privs" },
  [PC_LSM] = { "LSM", 0, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, "LSM label (AppArmor, SELinux)" },
  [PC_FILECAPS] = { "FILECAPS", 0, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, "file capabilities of the executable" },
};
#undef NSCOL

enum
{
  OPT_CONTAINER = OPT_GLOBAL_END,
  OPT_NS,
  OPT_CGROUP,
  OPT_BEYOND,
  OPT_OUTPUT_ALL,
};

const struct cli_opt ps_opts[] = {
  { "json", 'J', no_argument, NULL, "print JSON" },
  { "output", 'o', required_argument, "<list>", "choose the columns (+LIST adds to the default ones)" },
  { "output-all", OPT_OUTPUT_ALL, no_argument, NULL, "every column" },
  { "list-columns", 'H', no_argument, NULL, "describe every column and its JSON type" },
  { "noheadings", 'n', no_argument, NULL, "leave out the header line" },
  { "raw", 'r', no_argument, NULL, "unaligned output, cells separated by one space" },
  { "notruncate", 'u', no_argument, NULL, "print long cells in full" },
  { "container", OPT_CONTAINER, required_argument, "<id>",
    "only processes of this container (a prefix of its id, or of its name for LXC and nspawn)" },
  { "ns", OPT_NS, required_argument, "<inode>", "only processes in this namespace" },
  { "cgroup", OPT_CGROUP, required_argument, "<path>", "only processes in this cgroup or below" },
  { "user", 'U', required_argument, "<user>", "only processes of this user (name or uid)" },
  { NULL, 0, 0, NULL, NULL },
};

const struct cli_opt caps_opts[] = {
  { "json", 'J', no_argument, NULL, "print JSON" },
  { "output", 'o', required_argument, "<list>", "choose the columns (+LIST adds to the default ones)" },
  { "list-columns", 'H', no_argument, NULL, "describe every column and its JSON type" },
  { "noheadings", 'n', no_argument, NULL, "leave out the header line" },
  { "raw", 'r', no_argument, NULL, "unaligned output, cells separated by one space" },
  { "notruncate", 'u', no_argument, NULL, "print long cells in full" },
  { "beyond", OPT_BEYOND, required_argument, "<set>",
    "only processes whose effective, permitted or ambient set exceeds SET: docker (its 14 defaults), none, or a list" },
  { "all", 'a', no_argument, NULL, "include processes without any capability" },
  { NULL, 0, 0, NULL, NULL },
};

struct ps_ctx
{
  const char *cmd;
  struct iso_model *m;
  struct out_select sel;
  struct out_opts o;
  uint64_t host_ns[NS_TYPE_COUNT];
  uint64_t all_caps;
};

static char *
caps_cell (const struct ps_ctx *c, const struct iso_proc *p, uint64_t set)
{
  if (!p->caps_known)
    return NULL;
  char *names = sec_caps_text (set);
  if (!c->o.json)
    {
      if (!*names)
        {
          free (names);
          return xstrdup ("-");
        }
      if ((set & c->all_caps) == c->all_caps)
        {
          free (names);
          return xstrdup ("full");
        }
    }
  /* Comma-separated in tables, one per line for libsmartcols' JSON arrays. */
  if (c->o.json)
    for (char *s = names; *s; s++)
      if (*s == ',')
        *s = '\n';
  return names;
}

static char *
ps_cell (const struct ps_ctx *c, const struct iso_proc *p, int col)
{
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    if (ns_col_of[t] == col)
      {
        if (!p->ns[t])
          return NULL;
        if (!c->o.json && p->ns[t]->ino == c->host_ns[t])
          return xstrdup ("host");
        return xasprintf ("%llu", (unsigned long long)p->ns[t]->ino);
      }
  switch ((enum ps_col)col)
    {
    case PC_PID:
      return xasprintf ("%d", (int)p->pid);
    case PC_PIDNS_PID:
      return p->nnspid ? xasprintf ("%d", (int)p->nspid[p->nnspid - 1]) : NULL;
    case PC_PPID:
      return xasprintf ("%d", (int)p->ppid);
    case PC_USER:
      return p->uid >= 0 ? xstrdup (util_user_name ((unsigned)p->uid)) : NULL;
    case PC_UID:
      return p->uid >= 0 ? xasprintf ("%ld", p->uid) : NULL;
    case PC_COMMAND:
      return xstrdup (p->cmdline ? p->cmdline : p->comm);
    case PC_CONTAINER:
      return p->container ? xasprintf ("%s:%s", p->container->engine, p->container->short_id) : NULL;
    case PC_CGROUP:
      return p->cgroup_path ? xstrdup (p->cgroup_path) : NULL;
    case PC_HOSTNS:
      {
        /* Unknown (NULL) when no namespace could be read; empty when none is the host's. */
        struct strbuf b = { 0 };
        bool known = false;
        for (int t = 0; t < NS_TYPE_COUNT; t++)
          {
            known |= p->ns[t] != NULL;
            if (p->ns[t] && p->ns[t]->ino == c->host_ns[t])
              strbuf_printf (&b, "%s%s", b.len ? (c->o.json ? "\n" : ",") : "", ns_types[t].name);
          }
        if (!known)
          {
            free (b.s);
            return NULL;
          }
        return strbuf_steal (&b);
      }
    case PC_CAPS:
      if (!p->caps_known)
        return NULL;
      if ((p->cap_eff & c->all_caps) == c->all_caps)
        return xstrdup ("full");
      return p->cap_eff ? xasprintf ("%d", sec_cap_count (p->cap_eff)) : xstrdup ("none");
    case PC_CAPEFF:
      return caps_cell (c, p, p->cap_eff);
    case PC_CAPPRM:
      return caps_cell (c, p, p->cap_prm);
    case PC_CAPINH:
      return caps_cell (c, p, p->cap_inh);
    case PC_CAPBND:
      return caps_cell (c, p, p->cap_bnd);
    case PC_CAPAMB:
      return caps_cell (c, p, p->cap_amb);
    case PC_SECCOMP:
      if (p->seccomp < 0)
        return NULL;
      if (p->seccomp == 2)
        return p->seccomp_filters >= 0 ? xasprintf ("filter(%d)", p->seccomp_filters) : xstrdup ("filter");
      return xstrdup (p->seccomp == 1 ? "strict" : "none");
    case PC_NNP:
      return p->no_new_privs < 0 ? NULL : xstrdup (p->no_new_privs ? "1" : "0");
    case PC_LSM:
      return p->sec && p->sec->label ? xstrdup (p->sec->label) : NULL;
    case PC_FILECAPS:
      return p->sec && p->sec->exe_caps ? xstrdup (p->sec->exe_caps) : NULL;
    default:
      break;
    }
  return NULL;
}

static bool
needs (const struct ps_ctx *c, int col)
{
  return out_selected (&c->sel, col);
}

static int
print_procs (struct ps_ctx *c, struct iso_proc **procs, size_t n)
{
  if (c->o.json)
    {
      cJSON *rows = cJSON_CreateArray ();
      char *cells[ARRAY_SIZE (c->sel.cols)];
      for (size_t i = 0; i < n; i++)
        {
          for (size_t k = 0; k < c->sel.n; k++)
            cells[k] = ps_cell (c, procs[i], c->sel.cols[k]);
          cJSON_AddItemToArray (rows, out_json_row (ps_columns, &c->sel, cells));
        }
      out_json_print ("processes", rows);
      return 0;
    }
  struct libscols_table *tb = out_table_new (ps_columns, &c->sel, &c->o);
  if (!tb)
    return -ENOMEM;
  for (size_t i = 0; i < n; i++)
    {
      struct libscols_line *ln = scols_table_new_line (tb, NULL);
      if (!ln)
        continue;
      for (size_t k = 0; k < c->sel.n; k++)
        {
          char *s = ps_cell (c, procs[i], c->sel.cols[k]);
          if (s)
            scols_line_refer_data (ln, k, s);
        }
    }
  scols_print_table (tb);
  scols_unref_table (tb);
  return 0;
}

/* A uid, or a user name known to the passwd database.  0 or -1. */
static int
parse_user (const char *arg, long *uid)
{
  int v;
  if (util_parse_int (arg, &v) == 0)
    {
      *uid = v;
      return 0;
    }
  struct passwd *pw = getpwnam (arg);
  if (!pw)
    return -1;
  *uid = (long)pw->pw_uid;
  return 0;
}

/* "docker", "none", or a comma list of capability names into a mask. */
static int
parse_capset (const char *arg, uint64_t *out)
{
  if (strcmp (arg, "docker") == 0)
    {
      *out = sec_docker_default_caps ();
      return 0;
    }
  if (strcmp (arg, "none") == 0)
    {
      *out = 0;
      return 0;
    }
  uint64_t m = 0;
  cleanup_free char *dup = xstrdup (arg);
  for (char *tok = strtok (dup, ","); tok; tok = strtok (NULL, ","))
    {
      bool found = false;
      for (int cap = 0; cap < 64 && !found; cap++)
        {
          cleanup_free char *name = sec_caps_text (1ULL << cap);
          const char *want = strncasecmp (tok, "cap_", 4) == 0 ? tok : NULL;
          char buf[64];
          if (!want)
            {
              snprintf (buf, sizeof buf, "cap_%s", tok);
              want = buf;
            }
          if (strcasecmp (name, want) == 0)
            {
              m |= 1ULL << cap;
              found = true;
            }
        }
      if (!found)
        return -1;
    }
  *out = m;
  return 0;
}

/* Shared by ps and caps: options, collection, filters, output. */
static int
run (int argc, char **argv, bool caps_mode)
{
  struct ps_ctx c = { .cmd = caps_mode ? "caps" : "ps", .o = { .tree_col = -1 } };
  const struct cli_opt *opts = caps_mode ? caps_opts : ps_opts;
  static const int ps_defaults[]
      = { PC_PID, PC_PIDNS_PID, PC_USER, PC_CONTAINER, PC_HOSTNS, PC_CAPS, PC_SECCOMP, PC_NNP, PC_COMMAND };
  static const int caps_defaults[] = { PC_PID, PC_USER, PC_CONTAINER, PC_USERNS, PC_CAPEFF, PC_CAPBND, PC_COMMAND };
  const int *defs = caps_mode ? caps_defaults : ps_defaults;
  size_t ndefs = caps_mode ? ARRAY_SIZE (caps_defaults) : ARRAY_SIZE (ps_defaults);
  for (size_t i = 0; i < ndefs; i++)
    c.sel.cols[c.sel.n++] = defs[i];
  c.o.json_name = "processes";
  const char *outarg = NULL, *container = NULL, *cgroup = NULL, *user = NULL;
  uint64_t ns_filter = 0, beyond = 0;
  bool beyond_set = false, all = false;
  cleanup_error iso_error_t err = NULL;
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
          c.o.json = true;
          break;
        case 'o':
          outarg = optarg;
          break;
        case OPT_OUTPUT_ALL:
          for (c.sel.n = 0; c.sel.n < PC_COUNT; c.sel.n++)
            c.sel.cols[c.sel.n] = (int)c.sel.n;
          break;
        case 'H':
          out_list_columns (ps_columns, PC_COUNT);
          return ISO_EXIT_OK;
        case 'n':
          c.o.noheadings = true;
          break;
        case 'r':
          c.o.raw = true;
          break;
        case 'u':
          c.o.notrunc = true;
          break;
        case 'a':
          all = true;
          break;
        case OPT_CONTAINER:
          container = optarg;
          break;
        case OPT_CGROUP:
          cgroup = optarg;
          break;
        case 'U':
          user = optarg;
          break;
        case OPT_NS:
          if (util_parse_u64 (optarg, &ns_filter) < 0 || !ns_filter)
            {
              fprintf (stderr, "isoscope %s: invalid namespace inode: '%s'\n", c.cmd, optarg);
              return cli_try_help (c.cmd);
            }
          break;
        case OPT_BEYOND:
          if (parse_capset (optarg, &beyond) < 0)
            {
              fprintf (stderr, "isoscope %s: invalid capability set: '%s' (docker, none, or names like cap_net_raw)\n",
                       c.cmd, optarg);
              return cli_try_help (c.cmd);
            }
          beyond_set = true;
          break;
        case 'h':
          fprintf (stdout, "Usage:\n isoscope %s [options]%s\n\n%s\n", c.cmd, caps_mode ? " [TARGET...]" : "",
                   caps_mode ? "Capability sets of processes, decoded (like pscap and getpcaps). TARGET is a PID,\n"
                               "PID:INODE, a container id prefix (a name prefix for LXC and nspawn), or a cgroup path. "
                               "Without --all, processes\n"
                               "with no capability at all are left out."
                             : "One row per process with how it is isolated: pid inside its pid namespace,\n"
                               "container, cgroup, namespaces shared with the host, capabilities, seccomp,\n"
                               "no_new_privs and LSM label.");
          cli_print_options (stdout, opts);
          out_help_columns (stdout, ps_columns, PC_COUNT);
          fputs ("\nExit status: 0 success, 1 bad usage or failure, 2 a target was not found.\n", stdout);
          printf ("For more details see isoscope-%s(1).\n", c.cmd);
          return ISO_EXIT_OK;
        default:
          return cli_try_help (c.cmd);
        }
    }
  if (!caps_mode && optind < argc)
    {
      fprintf (stderr, "isoscope ps: unexpected argument: '%s'\n", argv[optind]);
      return cli_try_help ("ps");
    }
  if (c.o.json && c.o.raw)
    {
      fprintf (stderr, "isoscope %s: -J and -r are mutually exclusive\n", c.cmd);
      return cli_try_help (c.cmd);
    }
  if (outarg && out_parse_columns (ps_columns, PC_COUNT, outarg, &c.sel, &err) < 0)
    {
      fprintf (stderr, "isoscope %s: %s\n", c.cmd, err->msg);
      return cli_try_help (c.cmd);
    }
  long want_uid = -1;
  if (user && parse_user (user, &want_uid) < 0)
    {
      fprintf (stderr, "isoscope %s: unknown user: '%s'\n", c.cmd, user);
      return cli_try_help (c.cmd);
    }

  unsigned flags = COLLECT_STATUS | COLLECT_CMDLINE | COLLECT_CGROUPS;
  if (needs (&c, PC_LSM) || needs (&c, PC_FILECAPS))
    flags |= COLLECT_SECURITY;
  struct iso_collect_opts co = { .sysroot = iso_global.sysroot, .flags = flags };
  if (iso_model_collect (&c.m, &co, &err) < 0)
    {
      fprintf (stderr, "isoscope %s: %s\n", c.cmd, err->msg);
      return ISO_EXIT_FAILURE;
    }
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    c.host_ns[t] = iso_model_host_ns (c.m, (enum ns_type)t);
  c.all_caps = c.m->scan.all_caps ? c.m->scan.all_caps : sec_all_caps_at (iso_global.sysroot);

  /* The rows: TARGETs (caps), or every process; then the filters. */
  struct iso_proc **rows = NULL;
  size_t nrows = 0;
  int rc = ISO_EXIT_OK;
  if (caps_mode && optind < argc)
    {
      for (; optind < argc; optind++)
        {
          struct iso_proc **sel = NULL;
          size_t n = 0;
          if (iso_model_select (c.m, argv[optind], &sel, &n, &err) < 0)
            {
              fprintf (stderr, "isoscope caps: %s\n", err->msg);
              iso_error_release (&err);
              rc = ISO_EXIT_NOT_FOUND;
              continue;
            }
          rows = xreallocarray (rows, nrows + n, sizeof *rows);
          memcpy (rows + nrows, sel, n * sizeof *sel);
          nrows += n;
          free (sel);
        }
      all = true;
    }
  else
    {
      rows = xcalloc (c.m->nprocs, sizeof *rows);
      for (size_t i = 0; i < c.m->nprocs; i++)
        rows[nrows++] = c.m->procs[i];
    }
  struct iso_proc **kept = xcalloc (nrows ? nrows : 1, sizeof *kept);
  size_t nkept = 0;
  for (size_t i = 0; i < nrows; i++)
    {
      struct iso_proc *p = rows[i];
      if (container && !(p->container && strncmp (p->container->id, container, strlen (container)) == 0))
        continue;
      if (cgroup && !util_path_under (p->cgroup_path, cgroup))
        continue;
      if (want_uid >= 0 && p->uid != want_uid)
        continue;
      if (ns_filter)
        {
          bool in = false;
          for (int t = 0; t < NS_TYPE_COUNT; t++)
            in |= p->ns[t] && p->ns[t]->ino == ns_filter;
          if (!in)
            continue;
        }
      if (caps_mode && !all && p->caps_known && !p->cap_eff && !p->cap_prm && !p->cap_amb)
        continue;
      if (beyond_set && !(p->caps_known && ((p->cap_eff | p->cap_prm | p->cap_amb) & ~beyond)))
        continue;
      kept[nkept++] = p;
    }
  if (container && nkept == 0)
    {
      fprintf (stderr, "isoscope %s: no process of a container matches '%s'\n", c.cmd, container);
      rc = ISO_EXIT_NOT_FOUND;
    }
  else if (print_procs (&c, kept, nkept) < 0)
    rc = ISO_EXIT_FAILURE;
  fflush (stdout);
  if (c.m->scan.ndenied)
    fprintf (stderr, "isoscope: %u process%s could not be fully inspected (permission denied)\n", c.m->scan.ndenied,
             c.m->scan.ndenied == 1 ? "" : "es");
  free (kept);
  free (rows);
  iso_model_free (c.m);
  return rc;
}

int
cmd_ps (int argc, char **argv)
{
  return run (argc, argv, false);
}

int
cmd_caps (int argc, char **argv)
{
  return run (argc, argv, true);
}
