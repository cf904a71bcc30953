// SPDX-License-Identifier: GPL-2.0-or-later
/* view.c: lays out a view's rows (tree or flat, sorted, filtered, opened and closed) and formats its cells. */
#define _GNU_SOURCE
#include "isoscope/view.h"
#include "isoscope/ns.h"
#include "isoscope/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

const struct view_def *const view_defs[VIEW_COUNT] = {
  [VIEW_PROCS] = &view_procs_def,
  [VIEW_NS] = &view_ns_def,
  [VIEW_CGROUPS] = &view_cgroups_def,
  [VIEW_CONTAINERS] = &view_containers_def,
};

int
view_by_name (const char *name)
{
  for (int i = 0; i < VIEW_COUNT; i++)
    if (strcmp (view_defs[i]->name, name) == 0)
      return i;
  return -1;
}

void
view_init (struct view *v, enum view_id id, struct iso_live *live)
{
  memset (v, 0, sizeof *v);
  v->def = view_defs[id];
  v->live = live;
  v->sort_col = v->def->sort_col;
  v->sort_desc = v->def->sort_desc;
  v->tree = v->def->tree;
  v->depth = 3;
}

void
view_clear_toggles (struct view *v)
{
  for (size_t i = 0; i < v->ntoggles; i++)
    free (v->toggles[i].key);
  free (v->toggles);
  v->toggles = NULL;
  v->ntoggles = 0;
}

void
view_release (struct view *v)
{
  view_clear_toggles (v);
  free (v->rows);
  free (v->nodes);
  free (v->filter);
  memset (v, 0, sizeof *v);
}

/* ---- identity ---- */

void
view_key (const struct view_row *r, struct view_key *k)
{
  memset (k, 0, sizeof *k);
  k->kind = r->kind;
  k->up = r->up;
  switch (r->kind)
    {
    case ROW_PROC:
      k->a = (uint64_t)r->proc->p->pid;
      k->b = r->proc->p->start_time;
      break;
    case ROW_NS:
      k->a = r->ns->ino;
      break;
    case ROW_CGROUP:
      k->a = cg_row_ino (r->cg);
      k->s = r->cg->path;
      break;
    case ROW_CONTAINER:
      k->s = r->ct->c->id;
      break;
    }
}

bool
view_key_eq (const struct view_key *a, const struct view_key *b)
{
  if (a->kind != b->kind || a->a != b->a || a->b != b->b || a->up != b->up)
    return false;
  if (!a->s || !b->s)
    return a->s == b->s;
  return strcmp (a->s, b->s) == 0;
}

void
view_key_copy (struct view_key *dst, const struct view_key *src)
{
  *dst = *src;
  dst->s = src->s ? xstrdup (src->s) : NULL;
}

void
view_key_clear (struct view_key *k)
{
  free ((char *)k->s);
  memset (k, 0, sizeof *k);
}

long
view_find (const struct view *v, const struct view_key *k)
{
  for (size_t i = 0; i < v->nrows; i++)
    {
      struct view_key rk;
      view_key (&v->rows[i], &rk);
      if (view_key_eq (&rk, k))
        return (long)i;
    }
  return -1;
}

static char *
key_text (const struct view_key *k)
{
  return xasprintf ("%d:%llu:%llu:%s", (int)k->kind, (unsigned long long)k->a, (unsigned long long)k->b,
                    k->s ? k->s : "");
}

/* Toggles are "o" (opened or closed against the default) or "p" (processes listed)
   followed by the row's key. */
static long
toggle_index (const struct view *v, char what, const struct view_row *r)
{
  struct view_key k;
  view_key (r, &k);
  cleanup_free char *t = key_text (&k);
  for (size_t i = 0; i < v->ntoggles; i++)
    if (v->toggles[i].key[0] == what && strcmp (v->toggles[i].key + 1, t) == 0)
      return (long)i;
  return -1;
}

static void
toggle (struct view *v, char what, const struct view_row *r)
{
  long i = toggle_index (v, what, r);
  if (i >= 0)
    {
      free (v->toggles[i].key);
      v->toggles[i] = v->toggles[--v->ntoggles];
      return;
    }
  struct view_key k;
  view_key (r, &k);
  cleanup_free char *t = key_text (&k);
  v->toggles = xreallocarray (v->toggles, v->ntoggles + 1, sizeof *v->toggles);
  v->toggles[v->ntoggles++].key = xasprintf ("%c%s", what, t);
}

bool
view_is_open (const struct view *v, const struct view_row *r, bool dflt)
{
  return toggle_index (v, 'o', r) >= 0 ? !dflt : dflt;
}

bool
view_procs_shown (const struct view *v, const struct view_row *r)
{
  return toggle_index (v, 'p', r) >= 0;
}

uint64_t
view_hash (const char *s)
{
  uint64_t x = 1469598103934665603ULL;
  for (; s && *s; s++)
    x = (x ^ (unsigned char)*s) * 1099511628211ULL;
  return x;
}

/* ---- building ---- */

int
view_add (struct view *v, enum row_kind kind, void *obj, int parent, unsigned flags)
{
  if (v->nnodes == v->cap)
    {
      v->cap = v->cap ? v->cap * 2 : 1024;
      v->nodes = xreallocarray (v->nodes, v->cap, sizeof *v->nodes);
    }
  struct view_node *n = &v->nodes[v->nnodes];
  memset (n, 0, sizeof *n);
  n->row.kind = kind;
  n->row.flags = flags;
  n->row.proc = obj; /* the union: any of its pointers */
  n->parent = parent;
  n->first = n->next = -1;
  if ((flags & ROWF_ATTACHED) && parent >= 0)
    {
      struct view_key up;
      view_key (&v->nodes[parent].row, &up);
      n->row.up = up.a ? up.a : view_hash (up.s);
    }
  return (int)v->nnodes++;
}

/* The default openness of a row: cgroups down to the depth limit, the rest open. */
static bool
default_open (const struct view *v, const struct view_row *r)
{
  if (r->kind == ROW_CGROUP)
    return v->depth < 0 || r->cg->depth < v->depth;
  return true;
}

void
view_set_open (struct view *v, const struct view_row *r, int how)
{
  bool open = view_is_open (v, r, default_open (v, r));
  bool lists = r->kind == ROW_NS || r->kind == ROW_CONTAINER;
  bool procs = lists && view_procs_shown (v, r);
  if (how == 0)
    how = lists ? (procs ? -1 : 1) : (open ? -1 : 1);
  if (how > 0)
    {
      if (!open)
        toggle (v, 'o', r);
      else if (lists && !procs)
        toggle (v, 'p', r);
    }
  else
    {
      if (procs)
        toggle (v, 'p', r);
      else if (open && (r->flags & ROWF_KIDS))
        toggle (v, 'o', r);
    }
}

struct sort_ctx
{
  const struct view *v;
  bool str;
};

static int
cmp_nodes (const void *a, const void *b, void *arg)
{
  const struct sort_ctx *c = arg;
  const struct view *v = c->v;
  int x = *(const int *)a, y = *(const int *)b;
  const struct view_node *nx = &v->nodes[x], *ny = &v->nodes[y];
  int r = 0;
  if (c->str)
    {
      struct view_val vx, vy;
      view_value (v, &nx->row, v->sort_col, &vx);
      view_value (v, &ny->row, v->sort_col, &vy);
      bool ex = vx.type != VV_STR, ey = vy.type != VV_STR;
      if (ex || ey)
        return ex - ey; /* the unknown last, whatever the direction */
      r = strcasecmp (vx.s, vy.s);
    }
  else
    {
      bool ex = isnan (nx->key), ey = isnan (ny->key);
      if (ex || ey)
        return ex - ey;
      r = (nx->key > ny->key) - (nx->key < ny->key);
    }
  if (v->sort_desc)
    r = -r;
  /* Ties keep the order the build gave (pid, inode or path order): rows stay put. */
  return r ? r : (x > y) - (x < y);
}

static double
node_key_num (const struct view *v, const struct view_node *n)
{
  struct view_val val;
  view_value (v, &n->row, v->sort_col, &val);
  switch (val.type)
    {
    case VV_INT:
      return (double)val.i;
    case VV_NUM:
      return val.d;
    case VV_BOOL:
      return (double)val.i;
    default:
      return val.max ? INFINITY : NAN;
    }
}

void
view_build (struct view *v)
{
  v->nnodes = 0;
  v->def->build (v);
  size_t n = v->nnodes;
  /* Flat mode: every node at the top, except processes listed under their object. */
  for (size_t i = 0; i < n; i++)
    {
      struct view_node *nd = &v->nodes[i];
      if (!v->tree && !(nd->row.flags & ROWF_ATTACHED))
        nd->parent = -1;
    }
  /* Sort keys. */
  bool str = v->def->cols[v->sort_col].fmt == VF_STR;
  if (!str)
    for (size_t i = 0; i < n; i++)
      v->nodes[i].key = node_key_num (v, &v->nodes[i]);
  /* The filter: a match shows its ancestors (as context) in tree mode. */
  v->ntotal = n;
  for (size_t i = 0; i < n; i++)
    v->nodes[i].shown = !v->filter;
  if (v->filter)
    for (size_t i = 0; i < n; i++)
      {
        struct view_node *nd = &v->nodes[i];
        nd->match = view_row_matches (v, &nd->row, v->filter);
        if (!nd->match)
          continue;
        nd->shown = true;
        for (int p = nd->parent; p >= 0 && !v->nodes[p].shown; p = v->nodes[p].parent)
          {
            v->nodes[p].shown = true;
            v->nodes[p].row.flags |= ROWF_CONTEXT;
          }
      }
  /* Children lists in sort order: sort everything once, then append to parents. */
  int *order = xcalloc (n ? n : 1, sizeof *order);
  for (size_t i = 0; i < n; i++)
    order[i] = (int)i;
  struct sort_ctx sc = { v, str };
  qsort_r (order, n, sizeof *order, cmp_nodes, &sc);
  int *tail = xcalloc (n ? n : 1, sizeof *tail);
  int root_first = -1, root_tail = -1;
  for (size_t i = 0; i < n; i++)
    tail[i] = -1;
  for (size_t k = 0; k < n; k++)
    {
      int i = order[k];
      struct view_node *nd = &v->nodes[i];
      if (!nd->shown)
        continue;
      int p = nd->parent;
      if (p >= 0)
        {
          v->nodes[p].row.flags |= ROWF_KIDS;
          if (tail[p] < 0)
            v->nodes[p].first = i;
          else
            v->nodes[tail[p]].next = i;
          tail[p] = i;
        }
      else
        {
          if (root_tail < 0)
            root_first = i;
          else
            v->nodes[root_tail].next = i;
          root_tail = i;
        }
    }
  free (order);
  free (tail);
  /* Walk the tree depth-first into rows. */
  free (v->rows);
  v->rows = xcalloc (n ? n : 1, sizeof *v->rows);
  v->nrows = 0;
  struct frame
  {
    int node;
    int depth;
    uint64_t guides;
  };
  struct frame *stack = xcalloc (n ? n + 1 : 1, sizeof *stack);
  size_t sp = 0;
  /* Push siblings in reverse so the first comes out first: collect them, then push. */
  int *sib = xcalloc (n ? n : 1, sizeof *sib);
  size_t nsib = 0;
  for (int i = root_first; i >= 0; i = v->nodes[i].next)
    sib[nsib++] = i;
  while (nsib)
    stack[sp++] = (struct frame){ sib[--nsib], 0, 0 };
  while (sp)
    {
      struct frame f = stack[--sp];
      struct view_node *nd = &v->nodes[f.node];
      struct view_row *row = &v->rows[v->nrows++];
      *row = nd->row;
      row->depth = f.depth;
      row->guides = f.guides;
      if (nd->next < 0)
        row->flags |= ROWF_LAST;
      if (nd->first < 0)
        continue;
      bool open = v->filter ? true : view_is_open (v, &nd->row, default_open (v, &nd->row));
      if (!open)
        continue;
      row->flags |= ROWF_OPEN;
      uint64_t g = f.guides;
      if (f.depth > 0 && f.depth < 64 && nd->next >= 0)
        g |= 1ULL << f.depth;
      for (int c = nd->first; c >= 0; c = v->nodes[c].next)
        sib[nsib++] = c;
      while (nsib)
        stack[sp++] = (struct frame){ sib[--nsib], f.depth + 1, g };
    }
  free (stack);
  free (sib);
}

/* ---- cells ---- */

void
view_fmt_bytes (uint64_t v, char *buf, size_t size)
{
  static const char units[] = "KMGTPE";
  if (v < 1024)
    {
      snprintf (buf, size, "%llu", (unsigned long long)v);
      return;
    }
  double d = (double)v / 1024;
  int u = 0;
  while (d >= 1024 && u < 5)
    {
      d /= 1024;
      u++;
    }
  snprintf (buf, size, d < 10 ? "%.1f%c" : "%.0f%c", d, units[u]);
}

void
view_value (const struct view *v, const struct view_row *r, int col, struct view_val *val)
{
  memset (val, 0, offsetof (struct view_val, buf));
  val->buf[0] = '\0';
  v->def->cols[col].get (v, r, val);
}

void
view_cell (const struct view *v, const struct view_row *r, int col, char *buf, size_t size)
{
  struct view_val val;
  view_value (v, r, col, &val);
  const struct view_col *c = &v->def->cols[col];
  if (val.max)
    {
      snprintf (buf, size, "max");
      return;
    }
  switch (val.type)
    {
    case VV_NONE:
      snprintf (buf, size, "-");
      return;
    case VV_STR:
      snprintf (buf, size, "%s", val.s);
      return;
    case VV_BOOL:
      snprintf (buf, size, "%s", val.i ? "1" : "0");
      return;
    case VV_INT:
    case VV_NUM:
      break;
    }
  double d = val.type == VV_INT ? (double)val.i : val.d;
  switch (c->fmt)
    {
    case VF_PCT:
      snprintf (buf, size, "%.1f", d);
      break;
    case VF_PSI:
      snprintf (buf, size, "%.2f", d);
      break;
    case VF_BYTES:
    case VF_RATE:
      view_fmt_bytes (d > 0 ? (uint64_t)llround (d) : 0, buf, size);
      break;
    case VF_INT:
    case VF_STR:
      if (val.type == VV_INT)
        snprintf (buf, size, "%lld", (long long)val.i);
      else
        snprintf (buf, size, "%.0f", d);
      break;
    }
}

bool
view_row_matches (const struct view *v, const struct view_row *r, const char *needle)
{
  struct strbuf b = { 0 };
  v->def->search_text (v, r, &b);
  bool m = b.s && strcasestr (b.s, needle) != NULL;
  free (b.s);
  return m;
}

void
view_tree_prefix (const struct view_row *r, bool utf8, struct strbuf *out)
{
  if (r->depth <= 0)
    return;
  for (int d = 1; d < r->depth; d++)
    {
      bool line = d < 64 && (r->guides & (1ULL << d));
      strbuf_puts (out, line ? (utf8 ? "\u2502 " : "| ") : "  ");
    }
  if (utf8)
    strbuf_puts (out, (r->flags & ROWF_LAST) ? "\u2514\u2500" : "\u251c\u2500");
  else
    strbuf_puts (out, (r->flags & ROWF_LAST) ? "`-" : "|-");
}

const char *
view_ns_flags (const struct iso_live *l, const struct live_proc *lp, char out[NS_TYPE_COUNT + 1])
{
  /* One letter per type when the namespace is its own, '.' when it is the host's. */
  static const char letters[NS_TYPE_COUNT] = {
    [NS_MNT] = 'm', [NS_NET] = 'n',  [NS_PID] = 'p',    [NS_UTS] = 'u',
    [NS_IPC] = 'i', [NS_USER] = 'U', [NS_CGROUP] = 'C', [NS_TIME] = 'T',
  };
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    {
      int s = live_shares_host (l, lp, (enum ns_type)t);
      out[t] = s < 0 ? '?' : s ? '.' : letters[t];
    }
  out[NS_TYPE_COUNT] = '\0';
  return out;
}

const char *
view_command (const struct iso_proc *p, char *buf, size_t size)
{
  if (p->cmdline && *p->cmdline)
    snprintf (buf, size, "%s", p->cmdline);
  else
    snprintf (buf, size, "[%s]", p->comm);
  /* One line: control bytes would break the terminal and the text output. */
  for (char *s = buf; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f)
      *s = '?';
  return buf;
}

/* Append "N NOUN" (with an s unless N is 1) after SEP. */
static void
add_count (char *buf, size_t size, size_t *len, const char *sep, unsigned long n, const char *noun, const char *tail)
{
  if (*len < size)
    *len += (size_t)snprintf (buf + *len, size - *len, "%s%lu %s%s%s", *len ? sep : "", n, noun,
                              n == 1 ? "" : (strcmp (noun, "process") == 0 ? "es" : "s"), tail);
}

void
view_header (const struct view *v, char *line1, size_t n1, char *line2, size_t n2)
{
  const struct iso_live *l = v->live;
  const struct iso_model *m = l->m;
  char when[32] = "";
  struct tm tm;
  time_t t = m->scan.time.tv_sec;
  if (localtime_r (&t, &tm))
    strftime (when, sizeof when, "%H:%M:%S", &tm);
  if (l->replay)
    {
      /* The sample's own time, with its date: a record may span days. */
      if (localtime_r (&t, &tm))
        strftime (when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
      snprintf (line1, n1, "isoscope top - replay %s  sample %zu/%zu  kernel %s  cgroups %s  %s view", when,
                l->replay_at + 1, l->replay_n, m->scan.kernel[0] ? m->scan.kernel : "?", cg_mode_name (l->cg_mode),
                v->def->name);
    }
  else
    snprintf (line1, n1, "isoscope top - %s  kernel %s  cgroups %s  %s view  refresh #%lu, %.0f ms CPU", when,
              m->scan.kernel[0] ? m->scan.kernel : "?", cg_mode_name (l->cg_mode), v->def->name, l->st.tick,
              l->st.cpu_seconds * 1e3);
  size_t len = 0;
  line2[0] = '\0';
  double age = l->now - l->procs_time;
  if (l->procs_time > 0)
    {
      char as_of[48] = "";
      if (age > 0.5)
        snprintf (as_of, sizeof as_of, " (as of %.0f s ago)", age);
      add_count (line2, n2, &len, ", ", l->nprocs, "process", as_of);
      add_count (line2, n2, &len, ", ", m->nns, "namespace", "");
      add_count (line2, n2, &len, ", ", l->ncontainers, "container", "");
    }
  if (l->cg.t)
    add_count (line2, n2, &len, ", ", l->cg.nrows, "cgroup", "");
  /* What the viewer could not see. */
  unsigned denied = l->procs_time > 0 ? l->st.ndenied : 0;
  if (len < n2 && (denied || l->st.cg_ndenied || l->st.fds_exhausted))
    {
      len += (size_t)snprintf (line2 + len, n2 - len, "; not visible:");
      if (denied)
        add_count (line2, n2, &len, " ", denied, "process", " (permission denied)");
      if (l->st.cg_ndenied)
        add_count (line2, n2, &len, ", ", l->st.cg_ndenied, "cgroup", " (permission denied)");
      if (l->st.fds_exhausted && len < n2)
        snprintf (line2 + len, n2 - len, " (descriptors ran out: slower reads)");
    }
}
