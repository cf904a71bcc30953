// SPDX-License-Identifier: GPL-2.0-or-later
/* ls.c: `isoscope ls`, namespaces as a table, tree or JSON (an lsns superset). */
#define _GNU_SOURCE
#include "isoscope/cli.h"
#include "isoscope/container.h"
#include "isoscope/error.h"
#include "isoscope/model.h"
#include "isoscope/ns.h"
#include "isoscope/out.h"
#include "isoscope/proc.h"
#include "isoscope/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libsmartcols.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum ls_col
{
  COL_NS,
  COL_TYPE,
  COL_PATH,
  COL_NPROCS,
  COL_PID,
  COL_PPID,
  COL_COMMAND,
  COL_UID,
  COL_USER,
  COL_NETNSID,
  COL_NSFS,
  COL_PNS,
  COL_ONS,
  /* isoscope's own */
  COL_NSID,
  COL_HOLDERS,
  COL_NTHREADS,
  COL_PIDNS_PID,
  COL_NSPIDS,
  COL_OWNERUID,
  COL_CGROUP,
  COL_CONTAINER,
  COL_COUNT
};

/* The first thirteen are lsns's columns with lsns's JSON types. */
static const struct out_column ls_columns[COL_COUNT] = {
  [COL_NS] = { "NS", 10, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "inode number of the namespace" },
  [COL_TYPE] = { "TYPE", 5, 0, SCOLS_JSON_STRING, "namespace type" },
  [COL_PATH] = { "PATH", 0, 0, SCOLS_JSON_STRING, "a file through which the namespace can be opened" },
  [COL_NPROCS] = { "NPROCS", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "how many processes are in it" },
  [COL_PID] = { "PID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "the smallest pid in it" },
  [COL_PPID] = { "PPID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "parent pid of PID" },
  [COL_COMMAND] = { "COMMAND", 0, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, "command line of PID" },
  [COL_UID] = { "UID", 0, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "uid of PID (without a process: the owner's uid)" },
  [COL_USER] = { "USER", 0, 0, SCOLS_JSON_STRING, "user name of UID" },
  [COL_NETNSID] = { "NETNSID", 0, SCOLS_FL_RIGHT, SCOLS_JSON_STRING,
                    "the network stack's id for it, seen from our network namespace" },
  [COL_NSFS] = { "NSFS", 0, SCOLS_FL_WRAP, SCOLS_JSON_STRING, "where it is bind-mounted" },
  [COL_PNS]
  = { "PNS", 10, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "inode of the parent namespace (pid and user types), 0 if none" },
  [COL_ONS] = { "ONS", 10, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "inode of the user namespace that owns it" },
  [COL_NSID] = { "NSID", 0, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "64-bit namespace id (NS_GET_ID, Linux 6.18+)" },
  [COL_HOLDERS] = { "HOLDERS", 0, SCOLS_FL_WRAP, SCOLS_JSON_ARRAY_STRING, "what keeps the namespace alive" },
  [COL_NTHREADS] = { "NTHREADS", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "number of threads in the namespace" },
  [COL_PIDNS_PID]
  = { "PIDNS_PID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "the PID as seen inside its own pid namespace" },
  [COL_NSPIDS] = { "NSPIDS", 0, 0, SCOLS_JSON_STRING, "the PID in each nested pid namespace, outermost first" },
  [COL_OWNERUID] = { "OWNERUID", 0, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "UID that created the (owning) user namespace" },
  [COL_CGROUP]
  = { "CGROUP", 0, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, "cgroup of the PID (v2 path, else its memory cgroup)" },
  [COL_CONTAINER] = { "CONTAINER", 0, 0, SCOLS_JSON_STRING, "container of the PID, engine:id, from its cgroup path" },
};

enum ls_tree
{
  TREE_NONE,
  TREE_PROCESS,
  TREE_PARENT,
  TREE_OWNER
};

struct ls_ctx
{
  struct iso_model *m;
  int procfd;
  struct out_select sel;
  bool json, raw, list, noheadings, notrunc, nowrap, persistent;
  enum ls_tree tree;
  bool types[NS_TYPE_COUNT];
  bool type_filter;
  pid_t task;
  uint64_t ns_filter;
  struct libscols_line **ns_lines;   /* by index in m->ns */
  struct libscols_line **proc_lines; /* by index in m->procs: last line written for it */
};

enum
{
  OPT_OUTPUT_ALL = OPT_GLOBAL_END,
};

const struct cli_opt ls_opts[] = {
  { "json", 'J', no_argument, NULL, "print JSON" },
  { "list", 'l', no_argument, NULL, "a flat list instead of a tree" },
  { "noheadings", 'n', no_argument, NULL, "leave out the header line" },
  { "output", 'o', required_argument, "<list>", "choose the columns (+LIST adds to the default ones)" },
  { "output-all", OPT_OUTPUT_ALL, no_argument, NULL, "every column" },
  { "task", 'p', required_argument, "<pid>", "only the namespaces this process is in" },
  { "persistent", 'P', no_argument, NULL, "only namespaces that no process is in" },
  { "raw", 'r', no_argument, NULL, "unaligned output, cells separated by one space" },
  { "notruncate", 'u', no_argument, NULL, "print long cells in full" },
  { "nowrap", 'W', no_argument, NULL, "keep multi-line cells on one line" },
  { "type", 't', required_argument, "<name>",
    "only this type, repeatable (mnt, net, pid, uts, ipc, user, cgroup, time)" },
  { "tree", 'T', optional_argument, "<rel>", "nest rows by relation, process by default (process, parent, owner)" },
  { "list-columns", 'H', no_argument, NULL, "describe every column and its JSON type" },
  { NULL, 0, 0, NULL, NULL },
};

static void
usage (FILE *out)
{
  fputs ("Usage:\n isoscope ls [options] [<namespace>]\n\n"
         "List namespaces: every one held by a process, a thread, an open file\n"
         "descriptor, a bind mount or a child namespace.\n",
         out);
  cli_print_options (out, ls_opts);
  out_help_columns (out, ls_columns, COL_COUNT);
  fputs ("\nExit status: 0 success, 1 bad usage or failure, 2 the namespace or task was not found.\n"
         "For more details see isoscope-ls(1).\n",
         out);
}

static bool
ns_has_task (const struct iso_model *m, const struct iso_ns *ns, pid_t pid)
{
  struct iso_proc *p = iso_model_find_proc (m, pid);
  return p && p->ns[ns->type] == ns;
}

static bool
ns_shown (const struct ls_ctx *c, const struct iso_ns *ns)
{
  if (c->type_filter && !c->types[ns->type])
    return false;
  if (c->persistent && ns->nprocs > 0)
    return false;
  if (c->task && !ns_has_task (c->m, ns, c->task))
    return false;
  return true;
}

static char *
holders_text (const struct iso_model *m, const struct iso_ns *ns, char sep)
{
  struct strbuf b = { 0 };
  int parent_of = 0, owner_of = 0;
  uint64_t my_mntns = m->scan.viewer_mntns;
#define SEP()                                                                                                          \
  do                                                                                                                   \
    if (b.len)                                                                                                         \
      strbuf_add (&b, &sep, 1);                                                                                        \
  while (0)
  if (ns->nprocs > 0)
    {
      SEP ();
      strbuf_printf (&b, "tasks:%d", ns->nprocs);
    }
  for (size_t i = 0; i < ns->nholders; i++)
    {
      const struct ns_holder *h = &ns->holders[i];
      switch (h->kind)
        {
        case HOLDER_TASK:
          SEP ();
          strbuf_printf (&b, "thread:%d/%d", (int)h->pid, h->num);
          break;
        case HOLDER_FOR_CHILDREN:
          SEP ();
          strbuf_printf (&b, "for_children:%d", (int)h->pid);
          break;
        case HOLDER_FD:
          SEP ();
          strbuf_printf (&b, "fd:%d/%d", (int)h->pid, h->num);
          break;
        case HOLDER_BIND:
          {
            cleanup_free char *path = util_escape (h->path);
            SEP ();
            if (h->mntns == my_mntns)
              strbuf_printf (&b, "bind:%s", path);
            else
              strbuf_printf (&b, "bind:%s@mnt:%llu", path, (unsigned long long)h->mntns);
          }
          break;
        case HOLDER_CHILD:
          {
            const struct iso_ns *ch = iso_model_find_ns (m, h->child);
            if (ch && ch->parent_ino == ns->ino && ch->type == ns->type)
              parent_of++;
            else
              owner_of++;
          }
          break;
        }
    }
  if (parent_of)
    {
      SEP ();
      strbuf_printf (&b, "parent-of:%d", parent_of);
    }
  if (owner_of)
    {
      SEP ();
      strbuf_printf (&b, "owner-of:%d", owner_of);
    }
#undef SEP
  return b.len ? strbuf_steal (&b) : (free (b.s), NULL);
}

static char *
nsfs_text (const struct iso_ns *ns, char sep)
{
  struct strbuf b = { 0 };
  for (size_t i = 0; i < ns->nholders; i++)
    {
      const struct ns_holder *h = &ns->holders[i];
      if (h->kind != HOLDER_BIND)
        continue;
      /* The same path seen from several mount namespaces is listed once. */
      bool dup = false;
      for (size_t j = 0; j < i; j++)
        if (ns->holders[j].kind == HOLDER_BIND && strcmp (ns->holders[j].path, h->path) == 0)
          dup = true;
      if (dup)
        continue;
      if (b.len)
        strbuf_add (&b, &sep, 1);
      cleanup_free char *path = util_escape (h->path);
      strbuf_puts (&b, path);
    }
  return b.len ? strbuf_steal (&b) : NULL;
}

static char *
ns_path_text (const struct iso_ns *ns)
{
  if (ns->proc)
    return xasprintf ("/proc/%d/ns/%s", (int)ns->proc->pid, ns_types[ns->type].link);
  for (size_t i = 0; i < ns->nholders; i++)
    {
      const struct ns_holder *h = &ns->holders[i];
      if (h->kind == HOLDER_BIND)
        return xstrdup (h->path);
      if (h->kind == HOLDER_FD)
        return xasprintf ("/proc/%d/fd/%d", (int)h->pid, h->num);
      if (h->kind == HOLDER_FOR_CHILDREN)
        return xasprintf ("/proc/%d/ns/%s_for_children", (int)h->pid, ns_types[ns->type].link);
      if (h->kind == HOLDER_TASK)
        return xasprintf ("/proc/%d/task/%d/ns/%s", (int)h->pid, h->num, ns_types[ns->type].link);
    }
  return NULL;
}

static long
owner_uid (const struct iso_model *m, const struct iso_ns *ns)
{
  if (ns->type == NS_USER)
    return ns->owner_uid;
  const struct iso_ns *o = ns->owner_ino ? iso_model_find_ns (m, ns->owner_ino) : NULL;
  return o ? o->owner_uid : -1;
}

/* The text of one cell; NULL leaves it empty (JSON null). */
static char *
cell_text (struct ls_ctx *c, int col, const struct iso_ns *ns, struct iso_proc *p)
{
  const struct iso_model *m = c->m;
  char sep = c->json ? '\n' : (c->nowrap || c->raw ? ',' : '\n');
  switch ((enum ls_col)col)
    {
    case COL_NS:
      return xasprintf ("%llu", (unsigned long long)ns->ino);
    case COL_TYPE:
      return xstrdup (ns_types[ns->type].name);
    case COL_PATH:
      if (p && p != ns->proc)
        return xasprintf ("/proc/%d/ns/%s", (int)p->pid, ns_types[ns->type].link);
      return ns_path_text (ns);
    case COL_NPROCS:
      return xasprintf ("%d", ns->nprocs);
    case COL_PID:
      return p ? xasprintf ("%d", (int)p->pid) : NULL;
    case COL_PPID:
      return p ? xasprintf ("%d", (int)p->ppid) : NULL;
    case COL_COMMAND:
      if (!p)
        return NULL;
      proc_load_cmdline (c->procfd, p);
      return xstrdup (p->cmdline ? p->cmdline : p->comm);
    case COL_UID:
      {
        long uid = p ? p->uid : owner_uid (m, ns);
        return uid >= 0 ? xasprintf ("%ld", uid) : NULL;
      }
    case COL_USER:
      {
        long uid = p ? p->uid : owner_uid (m, ns);
        return uid >= 0 ? xstrdup (util_user_name ((unsigned)uid)) : NULL;
      }
    case COL_NETNSID:
      if (ns->type != NS_NET || ns->netnsid == NETNSID_UNKNOWN)
        return NULL;
      if (ns->netnsid == NETNSID_UNASSIGNED)
        return xstrdup ("unassigned");
      return xasprintf ("%d", ns->netnsid);
    case COL_NSFS:
      return nsfs_text (ns, sep);
    case COL_PNS:
      return xasprintf ("%llu", (unsigned long long)ns->parent_ino);
    case COL_ONS:
      return xasprintf ("%llu", (unsigned long long)ns->owner_ino);
    case COL_NSID:
      return ns->nsid ? xasprintf ("%llu", (unsigned long long)ns->nsid) : NULL;
    case COL_HOLDERS:
      return holders_text (m, ns, sep);
    case COL_NTHREADS:
      return xasprintf ("%d", ns->nthreads);
    case COL_PIDNS_PID:
      if (p && !p->nnspid)
        proc_load_status (c->procfd, p);
      return p && p->nnspid > 0 ? xasprintf ("%d", (int)p->nspid[p->nnspid - 1]) : NULL;
    case COL_NSPIDS:
      {
        if (p && !p->nnspid)
          proc_load_status (c->procfd, p);
        if (!p || p->nnspid == 0)
          return NULL;
        struct strbuf b = { 0 };
        for (int i = 0; i < p->nnspid; i++)
          strbuf_printf (&b, "%s%d", i ? "/" : "", (int)p->nspid[i]);
        return strbuf_steal (&b);
      }
    case COL_OWNERUID:
      {
        long uid = owner_uid (m, ns);
        return uid >= 0 ? xasprintf ("%ld", uid) : NULL;
      }
    case COL_CGROUP:
      return p && p->cgroup_path ? xstrdup (p->cgroup_path) : NULL;
    case COL_CONTAINER:
      return p && p->container ? xasprintf ("%s:%s", p->container->engine, p->container->short_id) : NULL;
    case COL_COUNT:
      break;
    }
  return NULL;
}

static bool
has_column (const struct ls_ctx *c, int col)
{
  return out_selected (&c->sel, col);
}

static struct libscols_table *
new_table (struct ls_ctx *c)
{
  /* The tree hangs on COMMAND, as in lsns, or on the first column without it. */
  struct out_opts o = { .json = c->json,
                        .raw = c->raw,
                        .noheadings = c->noheadings,
                        .notrunc = c->notrunc,
                        .nowrap = c->nowrap,
                        .tree_col = -1,
                        .json_name = "namespaces" };
  if (c->tree != TREE_NONE && c->sel.n)
    {
      o.tree_col = 0;
      for (size_t i = 0; i < c->sel.n; i++)
        if (c->sel.cols[i] == COL_COMMAND)
          o.tree_col = (int)i;
    }
  return out_table_new (ls_columns, &c->sel, &o);
}

static void
fill_line (struct ls_ctx *c, struct libscols_line *ln, const struct iso_ns *ns, struct iso_proc *p)
{
  for (size_t i = 0; i < c->sel.n; i++)
    {
      char *s = cell_text (c, c->sel.cols[i], ns, p);
      if (s)
        scols_line_refer_data (ln, i, s);
    }
}

static ssize_t
proc_index (const struct iso_model *m, const struct iso_proc *p)
{
  /* procs are sorted by pid */
  size_t lo = 0, hi = m->nprocs;
  while (lo < hi)
    {
      size_t mid = (lo + hi) / 2;
      if (m->procs[mid]->pid == p->pid)
        return (ssize_t)mid;
      if (m->procs[mid]->pid < p->pid)
        lo = mid + 1;
      else
        hi = mid;
    }
  return -1;
}

static ssize_t
ns_index (const struct iso_model *m, uint64_t ino)
{
  size_t lo = 0, hi = m->nns;
  while (lo < hi)
    {
      size_t mid = (lo + hi) / 2;
      if (m->ns[mid]->ino == ino)
        return (ssize_t)mid;
      if (m->ns[mid]->ino < ino)
        lo = mid + 1;
      else
        hi = mid;
    }
  return -1;
}

/* The table, and in JSON the scan summary after it. */
static void
print_table (struct ls_ctx *c, struct libscols_table *tb)
{
  if (!c->json || out_scols_print_json (tb, "scan", out_scan_json (c->m)) < 0)
    scols_print_table (tb);
  scols_unref_table (tb);
}

static int
show_namespaces (struct ls_ctx *c)
{
  struct iso_model *m = c->m;
  struct libscols_table *tb = new_table (c);
  if (!tb)
    return -ENOMEM;
  c->ns_lines = xcalloc (m->nns, sizeof *c->ns_lines);
  c->proc_lines = xcalloc (m->nprocs, sizeof *c->proc_lines);
  for (size_t i = 0; i < m->nns; i++)
    {
      struct iso_ns *ns = m->ns[i];
      if (!ns_shown (c, ns))
        continue;
      struct libscols_line *parent = NULL;
      if (c->tree == TREE_PROCESS && ns->proc && ns->proc->parent)
        {
          ssize_t pi = proc_index (m, ns->proc->parent);
          if (pi >= 0)
            parent = c->proc_lines[pi];
        }
      struct libscols_line *ln = scols_table_new_line (tb, parent);
      if (!ln)
        continue;
      fill_line (c, ln, ns, ns->proc);
      c->ns_lines[i] = ln;
      if (ns->proc)
        {
          ssize_t pi = proc_index (m, ns->proc);
          if (pi >= 0)
            c->proc_lines[pi] = ln;
        }
    }
  /* Parent and owner trees: hang each line below its parent's or owner's line. */
  if (c->tree == TREE_PARENT || c->tree == TREE_OWNER)
    for (size_t i = 0; i < m->nns; i++)
      {
        struct iso_ns *ns = m->ns[i];
        if (!c->ns_lines[i])
          continue;
        uint64_t up = c->tree == TREE_PARENT ? ns->parent_ino
                                             : (ns->type == NS_USER && ns->parent_ino ? ns->parent_ino : ns->owner_ino);
        ssize_t pi = up ? ns_index (m, up) : -1;
        if (pi >= 0 && c->ns_lines[pi] && (size_t)pi != i)
          scols_line_add_child (c->ns_lines[pi], c->ns_lines[i]);
      }
  print_table (c, tb);
  return 0;
}

/* `isoscope ls NS`: the processes of one namespace, as a process tree unless -l. */
static int
show_namespace_processes (struct ls_ctx *c, struct iso_ns *ns)
{
  struct iso_model *m = c->m;
  struct libscols_table *tb = new_table (c);
  if (!tb)
    return -ENOMEM;
  c->proc_lines = xcalloc (m->nprocs, sizeof *c->proc_lines);
  for (size_t i = 0; i < m->nprocs; i++)
    {
      struct iso_proc *p = m->procs[i];
      if (p->ns[ns->type] != ns)
        continue;
      struct libscols_line *parent = NULL;
      if (c->tree != TREE_NONE && p->parent && p->parent->ns[ns->type] == ns)
        {
          ssize_t pi = proc_index (m, p->parent);
          if (pi >= 0)
            parent = c->proc_lines[pi];
        }
      struct libscols_line *ln = scols_table_new_line (tb, parent);
      if (!ln)
        continue;
      fill_line (c, ln, ns, p);
      c->proc_lines[i] = ln;
    }
  print_table (c, tb);
  return 0;
}

static void
report_scan (const struct iso_model *m)
{
  const struct iso_scan *s = &m->scan;
  fflush (stdout);
  if (s->ndenied)
    fprintf (stderr, "isoscope: %u process%s could not be fully inspected (permission denied)%s\n", s->ndenied,
             s->ndenied == 1 ? "" : "es", s->viewer_uid != 0 ? "; run as root to see everything" : "");
  if (s->nmntns_unreached)
    fprintf (stderr,
             "isoscope: the mount table of %u mount namespace%s could not be read; bind mounts there are not listed\n",
             s->nmntns_unreached, s->nmntns_unreached == 1 ? "" : "s");
}

int
cmd_ls (int argc, char **argv)
{
  struct ls_ctx c = { .procfd = -1 };
  const char *outarg = NULL;
  bool output_all = false, tree_given = false;
  cleanup_error iso_error_t err = NULL;
  int opt;

  cleanup_parser struct cli_parser parser;
  cli_parser_init (&parser, ls_opts);
  while ((opt = cli_getopt (&parser, argc, argv)) != -1)
    {
      if (cli_global_option (opt, optarg))
        continue;
      switch (opt)
        {
        case 'J':
          c.json = true;
          break;
        case 'l':
          c.list = true;
          break;
        case 'n':
          c.noheadings = true;
          break;
        case 'o':
          outarg = optarg;
          break;
        case OPT_OUTPUT_ALL:
          output_all = true;
          break;
        case 'p':
          {
            int pid;
            if (util_parse_int (optarg, &pid) < 0 || pid <= 0)
              {
                fprintf (stderr, "isoscope ls: invalid PID argument: '%s'\n", optarg);
                return cli_try_help ("ls");
              }
            c.task = pid;
          }
          break;
        case 'P':
          c.persistent = true;
          break;
        case 'r':
          c.raw = c.nowrap = true;
          break;
        case 'u':
          c.notrunc = true;
          break;
        case 'W':
          c.nowrap = true;
          break;
        case 't':
          {
            int t = ns_type_from_name (optarg);
            if (t < 0)
              {
                fprintf (stderr, "isoscope ls: unknown namespace type: '%s'\n", optarg);
                return cli_try_help ("ls");
              }
            c.types[t] = c.type_filter = true;
          }
          break;
        case 'T':
          {
            tree_given = true;
            const char *how = cli_optional_arg ("owner");
            if (strcmp (how, "owner") == 0)
              c.tree = TREE_OWNER;
            else if (strcmp (how, "parent") == 0)
              c.tree = TREE_PARENT;
            else if (strcmp (how, "process") == 0)
              c.tree = TREE_PROCESS;
            else
              {
                fprintf (stderr, "isoscope ls: unknown tree relation: '%s' (use process, parent or owner)\n", how);
                return cli_try_help ("ls");
              }
            break;
          }
        case 'H':
          out_list_columns (ls_columns, COL_COUNT);
          return ISO_EXIT_OK;
        case 'h':
          usage (stdout);
          return ISO_EXIT_OK;
        default:
          return cli_try_help ("ls");
        }
    }

  static const char *const excl[][2] = { { "-J", "-r" }, { "-P", "-p" }, { "-l", "-T" } };
  bool set[][2] = { { c.json, c.raw }, { c.persistent, c.task != 0 }, { c.list, tree_given } };
  for (size_t i = 0; i < ARRAY_SIZE (excl); i++)
    if (set[i][0] && set[i][1])
      {
        fprintf (stderr, "isoscope ls: %s and %s are mutually exclusive\n", excl[i][0], excl[i][1]);
        return cli_try_help ("ls");
      }

  if (optind < argc)
    {
      if (c.task)
        {
          fprintf (stderr, "isoscope ls: --task is mutually exclusive with <namespace>\n");
          return cli_try_help ("ls");
        }
      if (optind + 1 < argc)
        {
          fprintf (stderr, "isoscope ls: unexpected argument: '%s'\n", argv[optind + 1]);
          return cli_try_help ("ls");
        }
      if (util_parse_u64 (argv[optind], &c.ns_filter) < 0 || !c.ns_filter)
        {
          fprintf (stderr, "isoscope ls: invalid namespace argument: '%s'\n", argv[optind]);
          return cli_try_help ("ls");
        }
    }

  if (c.ns_filter)
    {
      c.sel.cols[c.sel.n++] = COL_PID;
      c.sel.cols[c.sel.n++] = COL_PPID;
      c.sel.cols[c.sel.n++] = COL_USER;
      c.sel.cols[c.sel.n++] = COL_COMMAND;
    }
  else
    {
      c.sel.cols[c.sel.n++] = COL_NS;
      c.sel.cols[c.sel.n++] = COL_TYPE;
      c.sel.cols[c.sel.n++] = COL_NPROCS;
      c.sel.cols[c.sel.n++] = COL_PID;
      c.sel.cols[c.sel.n++] = COL_USER;
      if (c.types[NS_NET])
        {
          c.sel.cols[c.sel.n++] = COL_NETNSID;
          c.sel.cols[c.sel.n++] = COL_NSFS;
        }
      c.sel.cols[c.sel.n++] = COL_COMMAND;
    }
  if (output_all)
    for (c.sel.n = 0; c.sel.n < COL_COUNT; c.sel.n++)
      c.sel.cols[c.sel.n] = (int)c.sel.n;
  if (outarg && out_parse_columns (ls_columns, COL_COUNT, outarg, &c.sel, &err) < 0)
    {
      fprintf (stderr, "isoscope ls: %s\n", err->msg);
      return cli_try_help ("ls");
    }
  if (!tree_given && !c.list)
    c.tree = TREE_PROCESS;

  unsigned flags = COLLECT_TASKS | COLLECT_FDS | COLLECT_MOUNTS | COLLECT_RELATIONS;
  if (has_column (&c, COL_NETNSID))
    flags |= COLLECT_NETNSID;
  if (has_column (&c, COL_CGROUP) || has_column (&c, COL_CONTAINER))
    flags |= COLLECT_CGROUPS;
  struct iso_collect_opts o = { .sysroot = iso_global.sysroot, .flags = flags };
  if (iso_model_collect (&c.m, &o, &err) < 0)
    {
      iso_error_print (&err);
      return ISO_EXIT_FAILURE;
    }
  cleanup_free char *procpath = xasprintf ("%s/proc", iso_global.sysroot ? iso_global.sysroot : "");
  c.procfd = open (procpath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  int rc = ISO_EXIT_OK;
  if (c.task && !iso_model_find_proc (c.m, c.task))
    {
      fprintf (stderr, "isoscope ls: no process with PID %d\n", (int)c.task);
      rc = ISO_EXIT_NOT_FOUND;
    }
  else if (c.ns_filter)
    {
      struct iso_ns *ns = iso_model_find_ns (c.m, c.ns_filter);
      if (!ns)
        {
          fprintf (stderr, "isoscope ls: namespace not found: %llu\n", (unsigned long long)c.ns_filter);
          rc = ISO_EXIT_NOT_FOUND;
        }
      else if (show_namespace_processes (&c, ns) < 0)
        rc = ISO_EXIT_FAILURE;
    }
  else if (show_namespaces (&c) < 0)
    rc = ISO_EXIT_FAILURE;
  if (rc == ISO_EXIT_OK)
    report_scan (c.m);
  free (c.ns_lines);
  free (c.proc_lines);
  if (c.procfd >= 0)
    close (c.procfd);
  iso_model_free (c.m);
  return rc;
}
