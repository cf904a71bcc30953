// SPDX-License-Identifier: GPL-2.0-or-later
/* view_ns.c: the namespaces view: user and pid namespaces as an owner/parent tree, every other namespace under
 * its owner. */
#define _GNU_SOURCE
#include "isoscope/ns.h"
#include "isoscope/util.h"
#include "isoscope/view.h"

#include <stdlib.h>
#include <string.h>

static struct live_proc *
ns_main (const struct view *v, const struct iso_ns *ns)
{
  return ns->proc ? live_find (v->live, ns->proc->pid) : NULL;
}

static long
ns_owner_uid (const struct view *v, const struct iso_ns *ns)
{
  if (ns->type == NS_USER)
    return ns->owner_uid;
  const struct iso_ns *o = ns->owner_ino ? iso_model_find_ns (v->live->m, ns->owner_ino) : NULL;
  return o ? o->owner_uid : -1;
}

static void
c_ns (const struct view *v, const struct view_row *r, struct view_val *val)
{
  (void)v;
  if (r->kind == ROW_NS)
    {
      val->type = VV_INT;
      val->i = (int64_t)r->ns->ino;
    }
  else
    {
      val->type = VV_STR;
      val->s = "";
    }
}

static void
c_type (const struct view *v, const struct view_row *r, struct view_val *val)
{
  (void)v;
  val->type = VV_STR;
  val->s = r->kind == ROW_NS ? ns_types[r->ns->type].name : "proc";
}

static void
c_nprocs (const struct view *v, const struct view_row *r, struct view_val *val)
{
  (void)v;
  if (r->kind != ROW_NS)
    return;
  val->type = VV_INT;
  val->i = r->ns->nprocs;
}

static void
c_owner (const struct view *v, const struct view_row *r, struct view_val *val)
{
  if (r->kind != ROW_NS)
    return;
  long uid = ns_owner_uid (v, r->ns);
  if (uid < 0)
    return;
  val->type = VV_INT;
  val->i = uid;
}

static void
c_holders (const struct view *v, const struct view_row *r, struct view_val *val)
{
  if (r->kind != ROW_NS)
    return;
  const struct iso_ns *ns = r->ns;
  int fc = 0, parent_of = 0, owner_of = 0;
  for (size_t i = 0; i < ns->nholders; i++)
    {
      const struct ns_holder *h = &ns->holders[i];
      if (h->kind == HOLDER_FOR_CHILDREN)
        fc++;
      else if (h->kind == HOLDER_CHILD)
        {
          const struct iso_ns *ch = iso_model_find_ns (v->live->m, h->child);
          if (ch && ch->type == ns->type && ch->parent_ino == ns->ino)
            parent_of++;
          else
            owner_of++;
        }
    }
  size_t len = 0;
  val->buf[0] = '\0';
  if (fc)
    len += (size_t)snprintf (val->buf + len, sizeof val->buf - len, "for_children:%d", fc);
  if (parent_of && len < sizeof val->buf)
    len += (size_t)snprintf (val->buf + len, sizeof val->buf - len, "%sparent-of:%d", len ? " " : "", parent_of);
  if (owner_of && len < sizeof val->buf)
    snprintf (val->buf + len, sizeof val->buf - len, "%sowner-of:%d", len ? " " : "", owner_of);
  val->type = VV_STR;
  val->s = val->buf;
}

static void
c_pid (const struct view *v, const struct view_row *r, struct view_val *val)
{
  const struct live_proc *lp = r->kind == ROW_PROC ? r->proc : ns_main (v, r->ns);
  if (lp)
    view_proc_field (v, lp, PF_PID, val);
}

static void
c_container (const struct view *v, const struct view_row *r, struct view_val *val)
{
  const struct live_proc *lp = r->kind == ROW_PROC ? r->proc : ns_main (v, r->ns);
  if (lp)
    view_proc_field (v, lp, PF_CONTAINER, val);
}

static void
c_command (const struct view *v, const struct view_row *r, struct view_val *val)
{
  const struct live_proc *lp = r->kind == ROW_PROC ? r->proc : ns_main (v, r->ns);
  if (lp)
    view_proc_field (v, lp, PF_COMMAND, val);
}

enum
{
  C_NS,
  C_TYPE,
  C_NPROCS,
  C_OWNER,
  C_HOLDERS,
  C_PID,
  C_CONTAINER,
  C_COMMAND,
  C_COUNT
};

/* clang-format off */
static const struct view_col ns_cols[C_COUNT] = {
  [C_NS] = { "NS", "ns", 22, true, 0, true, VF_INT, "namespace inode; the tree: user namespaces under their parent, every other namespace under its owning user namespace, and a pid namespace under its parent when both have the same owner", c_ns },
  [C_TYPE] = { "TYPE", "type", 6, true, 0, false, VF_STR, "namespace type (proc: a process listed under its namespace)", c_type },
  [C_NPROCS] = { "NPROCS", "nprocs", 6, false, 0, false, VF_INT, "processes in it", c_nprocs },
  [C_OWNER] = { "OWNER", "owner_uid", 6, false, 90, false, VF_INT, "uid that created its user namespace (its owner's, for the other types)", c_owner },
  [C_HOLDERS] = { "HOLDERS", "holders", 26, true, 130, false, VF_STR, "what else keeps it: for_children (processes whose children will be in it), parent-of and owner-of (namespaces below it)", c_holders },
  [C_PID] = { "PID", "pid", 7, false, 0, false, VF_INT, "the lowest pid in it", c_pid },
  [C_CONTAINER] = { "CONTAINER", "container", 19, true, 100, false, VF_STR, "container of that process", c_container },
  [C_COMMAND] = { "COMMAND", "command", 0, true, 0, false, VF_STR, "command of that process", c_command },
};
/* clang-format on */

struct ino_index
{
  uint64_t ino;
  int node;
};

static int
cmp_ino (const void *a, const void *b)
{
  const struct ino_index *x = a, *y = b;
  return (x->ino > y->ino) - (x->ino < y->ino);
}

static int
node_of (const struct ino_index *idx, size_t n, uint64_t ino)
{
  struct ino_index key = { ino, -1 };
  const struct ino_index *f = ino ? bsearch (&key, idx, n, sizeof key, cmp_ino) : NULL;
  return f ? f->node : -1;
}

static void
ns_build (struct view *v)
{
  const struct iso_model *m = v->live->m;
  struct ino_index *idx = xcalloc (m->nns ? m->nns : 1, sizeof *idx);
  for (size_t i = 0; i < m->nns; i++)
    {
      int node = view_add (v, ROW_NS, m->ns[i], -1, m->ns[i]->nprocs > 0 ? ROWF_KIDS : 0);
      idx[i] = (struct ino_index){ m->ns[i]->ino, node };
    }
  qsort (idx, m->nns, sizeof *idx, cmp_ino);
  size_t nns = v->nnodes;
  for (size_t i = 0; i < nns; i++)
    {
      const struct iso_ns *ns = v->nodes[i].row.ns;
      int parent = -1;
      if (ns->type == NS_USER)
        parent = node_of (idx, m->nns, ns->parent_ino);
      else
        {
          if (ns->type == NS_PID && ns->parent_ino)
            {
              const struct iso_ns *pp = iso_model_find_ns (m, ns->parent_ino);
              if (pp && pp->owner_ino == ns->owner_ino)
                parent = node_of (idx, m->nns, ns->parent_ino);
            }
          if (parent < 0)
            parent = node_of (idx, m->nns, ns->owner_ino);
        }
      v->nodes[i].parent = parent == (int)i ? -1 : parent;
    }
  free (idx);
  /* The processes of the namespaces whose processes are listed. */
  for (size_t i = 0; i < nns; i++)
    {
      const struct iso_ns *ns = v->nodes[i].row.ns;
      if (!ns->nprocs || !view_procs_shown (v, &v->nodes[i].row))
        continue;
      const struct iso_live *l = v->live;
      for (size_t k = 0; k < l->nprocs; k++)
        if (l->procs[k]->p->ns[ns->type] == ns)
          view_add (v, ROW_PROC, l->procs[k], (int)i, ROWF_ATTACHED);
    }
}

static void
ns_search (const struct view *v, const struct view_row *r, struct strbuf *out)
{
  if (r->kind == ROW_PROC)
    {
      view_proc_search (r->proc, out);
      return;
    }
  strbuf_printf (out, "%llu %s:[%llu]", (unsigned long long)r->ns->ino, ns_types[r->ns->type].name,
                 (unsigned long long)r->ns->ino);
  const struct live_proc *lp = ns_main (v, r->ns);
  if (lp)
    {
      strbuf_puts (out, " ");
      view_proc_search (lp, out);
    }
}

const struct view_def view_ns_def = {
  .name = "namespaces",
  .title = "Namespaces",
  .cols = ns_cols,
  .ncols = C_COUNT,
  .sort_col = C_NS,
  .sort_desc = false,
  .tree = true,
  .want = LIVE_PROCS | LIVE_NS | LIVE_RELATIONS | LIVE_HOLDERS | LIVE_CMDLINE,
  .help = "every namespace with its type, holders and processes, as a tree of user and pid namespaces; + lists "
          "the processes of the selected one",
  .build = ns_build,
  .search_text = ns_search,
};
