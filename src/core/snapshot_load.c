// SPDX-License-Identifier: GPL-2.0-or-later
/* snapshot_load.c: a snapshot document back into a model and a cgroup tree; every field is type-checked. */
#define _GNU_SOURCE
#include "isoscope/snapshot.h"
#include "isoscope/cgroup.h"
#include "isoscope/cgrows.h"
#include "isoscope/container.h"
#include "isoscope/hash.h"
#include "isoscope/ns.h"
#include "isoscope/proc.h"
#include "isoscope/security.h"
#include "isoscope/snapfield.h"
#include "isoscope/util.h"

#include <cJSON.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- typed access ---- */

int
snap_fail (struct snap_ctx *c, const char *key, const char *what)
{
  if (!*c->where && !key)
    return iso_make_error (c->err, 0, "%s: %s", c->name, what);
  return iso_make_error (c->err, 0, "%s: %s%s%s: %s", c->name, c->where, *c->where && key ? "." : "", key ? key : "",
                         what);
}

const cJSON *
snap_member (struct snap_ctx *c, const cJSON *o, const char *key, int (*is) (const cJSON *), const char *what, int *bad)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (o, key);
  if (!v || cJSON_IsNull (v))
    return NULL;
  if (!is (v))
    {
      cleanup_free char *msg = xasprintf ("expected %s", what);
      *bad = snap_fail (c, key, msg);
      return NULL;
    }
  return v;
}

int
snap_get_u64 (struct snap_ctx *c, const cJSON *v, const char *key, uint64_t *out)
{
  if (cJSON_IsString (v))
    {
      if (util_parse_u64 (v->valuestring, out) < 0)
        return snap_fail (c, key, "expected a non-negative integer");
      return 0;
    }
  if (!cJSON_IsNumber (v) || !(v->valuedouble >= 0) || v->valuedouble > 9007199254740992.0
      || v->valuedouble != floor (v->valuedouble))
    return snap_fail (c, key, "expected a non-negative integer");
  *out = (uint64_t)v->valuedouble;
  return 0;
}

int
snap_get_int (struct snap_ctx *c, const cJSON *v, const char *key, long min, long max, long *out)
{
  if (!cJSON_IsNumber (v) || !(v->valuedouble >= (double)min) || !(v->valuedouble <= (double)max)
      || v->valuedouble != floor (v->valuedouble))
    {
      cleanup_free char *msg = xasprintf ("expected an integer from %ld to %ld", min, max);
      return snap_fail (c, key, msg);
    }
  *out = (long)v->valuedouble;
  return 0;
}

static int
get_one (struct snap_ctx *c, const cJSON *v, const struct snap_field *f, char *p)
{
  long l = 0;
  int r = 0;
  switch (f->type)
    {
    case ST_INT:
      if ((r = snap_get_int (c, v, f->key, INT_MIN, INT_MAX, &l)) == 0)
        *(int *)p = (int)l;
      break;
    case ST_UINT:
      if ((r = snap_get_int (c, v, f->key, 0, UINT_MAX, &l)) == 0)
        *(unsigned *)p = (unsigned)l;
      break;
    case ST_LONG:
      /* doubles hold every long up to 2^53: more than any id or count here */
      if ((r = snap_get_int (c, v, f->key, -(1L << 53), 1L << 53, &l)) == 0)
        *(long *)p = l;
      break;
    case ST_U64:
      r = snap_get_u64 (c, v, f->key, (uint64_t *)p);
      break;
    case ST_BOOL:
      if (!cJSON_IsBool (v))
        return snap_fail (c, f->key, "expected true or false");
      *(bool *)p = cJSON_IsTrue (v);
      break;
    case ST_CHAR:
      if (!cJSON_IsString (v) || strlen (v->valuestring) != 1)
        return snap_fail (c, f->key, "expected a one-character string");
      *p = v->valuestring[0];
      break;
    case ST_STR:
      if (!cJSON_IsString (v))
        return snap_fail (c, f->key, "expected a string");
      if (strlen (v->valuestring) >= f->size)
        {
          cleanup_free char *msg = xasprintf ("a string of at most %zu bytes expected", f->size - 1);
          return snap_fail (c, f->key, msg);
        }
      memcpy (p, v->valuestring, strlen (v->valuestring) + 1);
      break;
    case ST_STRP:
      if (!cJSON_IsString (v))
        return snap_fail (c, f->key, "expected a string");
      free (*(char **)p);
      *(char **)p = xstrdup (v->valuestring);
      break;
    case ST_DOUBLE:
      if (!cJSON_IsNumber (v))
        return snap_fail (c, f->key, "expected a number");
      *(double *)p = v->valuedouble;
      break;
    }
  return r;
}

int
snap_get_fields (struct snap_ctx *c, const cJSON *o, const struct snap_field *fields, void *s)
{
  for (const struct snap_field *f = fields; f->key; f++)
    {
      const cJSON *v = cJSON_GetObjectItemCaseSensitive (o, f->key);
      if (!v || cJSON_IsNull (v))
        continue;
      int r = get_one (c, v, f, (char *)s + f->off);
      if (r < 0)
        return r;
    }
  return 0;
}

/* Enter the member KEY (of an object being read) for error messages; returns the old length. */
static size_t
ctx_push (struct snap_ctx *c, const char *key)
{
  size_t n = strlen (c->where);
  snprintf (c->where + n, sizeof c->where - n, "%s%s", n ? "." : "", key);
  return n;
}

static void
ctx_pop (struct snap_ctx *c, size_t n)
{
  c->where[n] = '\0';
}

static int
get_strings (struct snap_ctx *c, const cJSON *o, const char *key, char ***out, size_t *n)
{
  int bad = 0;
  const cJSON *a = snap_member (c, o, key, cJSON_IsArray, "an array of strings", &bad);
  if (!a)
    return bad;
  const cJSON *s;
  cJSON_ArrayForEach (s, a)
  {
    if (!cJSON_IsString (s))
      return snap_fail (c, key, "expected an array of strings");
    *out = xreallocarray (*out, *n + 1, sizeof **out);
    (*out)[(*n)++] = xstrdup (s->valuestring);
  }
  return 0;
}

/* The value of a cgroup field or device counter: a number, or "max". */
static int
get_cg_val (struct snap_ctx *c, const cJSON *v, const char *key, struct cg_val *out)
{
  if (cJSON_IsString (v) && strcmp (v->valuestring, "max") == 0)
    {
      *out = (struct cg_val){ .state = CGV_MAX };
      return 0;
    }
  out->state = CGV_SET;
  return snap_get_u64 (c, v, key, &out->v);
}

/* ---- cgroups ---- */

struct h_item
{
  const cJSON *o;
  double order;
};
struct cg_item
{
  const char *path;
  const cJSON *o;
};

static int
cmp_h_item (const void *a, const void *b)
{
  const struct h_item *x = a, *y = b;
  return (x->order > y->order) - (x->order < y->order);
}

static int
cmp_cg_item (const void *a, const void *b)
{
  return cg_path_cmp (((const struct cg_item *)a)->path, ((const struct cg_item *)b)->path);
}

static int
load_cg_values (struct snap_ctx *c, const cJSON *o, struct iso_cgroup *cg, uint64_t mask)
{
  int bad = 0;
  const cJSON *vals = snap_member (c, o, "values", cJSON_IsObject, "an object", &bad);
  if (bad)
    return bad;
  const cJSON *v;
  size_t n = ctx_push (c, "values");
  cJSON_ArrayForEach (v, vals)
  {
    for (int i = 0; i < CGF_COUNT; i++)
      if (strcmp (cg_fields[i].json, v->string) == 0)
        {
          if (mask && !(mask & (1ULL << i)))
            break;
          if (get_cg_val (c, v, v->string, &cg->f[i]) < 0)
            return -1;
          /* PSI averages are hundredths of a percent; their totals are plain counters. */
          cg->f[i].is_float = cg_fields[i].unit == CGU_PERCENT;
          break;
        }
  }
  ctx_pop (c, n);
  return 0;
}

static int
load_cg_iodevs (struct snap_ctx *c, const cJSON *o, struct iso_cgroup *cg)
{
  int bad = 0;
  const cJSON *a = snap_member (c, o, "io_devices", cJSON_IsArray, "an array", &bad);
  if (!a)
    return bad;
  const cJSON *d;
  cJSON_ArrayForEach (d, a)
  {
    if (!cJSON_IsObject (d))
      return snap_fail (c, "io_devices", "expected an array of objects");
    long maj = 0, min = 0;
    const cJSON *jm = cJSON_GetObjectItemCaseSensitive (d, "major"),
                *jn = cJSON_GetObjectItemCaseSensitive (d, "minor");
    if (!jm || !jn || snap_get_int (c, jm, "io_devices.major", 0, UINT_MAX, &maj) < 0
        || snap_get_int (c, jn, "io_devices.minor", 0, UINT_MAX, &min) < 0)
      return c->err && *c->err ? -1 : snap_fail (c, "io_devices", "a device needs major and minor");
    cg->iodev = xreallocarray (cg->iodev, cg->niodev + 1, sizeof *cg->iodev);
    struct cg_iodev *io = &cg->iodev[cg->niodev++];
    memset (io, 0, sizeof *io);
    io->major = (unsigned)maj;
    io->minor = (unsigned)min;
    for (int k = 0; k < CGIO_COUNT; k++)
      {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive (d, cg_iodev_names[k]);
        if (v && !cJSON_IsNull (v) && get_cg_val (c, v, cg_iodev_names[k], &io->v[k]) < 0)
          return -1;
      }
  }
  return 0;
}

/* One hierarchy's cgroups, parents before children (sorted by path). */
static int
load_cg_hierarchy (struct snap_ctx *c, struct cg_tree *t, struct cg_hierarchy *h, const cJSON *ho, uint64_t mask)
{
  int bad = 0;
  const cJSON *cgs = snap_member (c, ho, "cgroups", cJSON_IsObject, "an object", &bad);
  if (!cgs)
    return bad;
  size_t n = (size_t)cJSON_GetArraySize (cgs), k = 0;
  cleanup_free struct cg_item *items = xcalloc (n ? n : 1, sizeof *items);
  const cJSON *o;
  cJSON_ArrayForEach (o, cgs)
  {
    if (!cJSON_IsObject (o) || o->string[0] != '/')
      {
        size_t w = ctx_push (c, "cgroups");
        int r = snap_fail (c, o->string, "expected an object keyed by a path that starts with '/'");
        ctx_pop (c, w);
        return r;
      }
    items[k++] = (struct cg_item){ o->string, o };
  }
  qsort (items, k, sizeof *items, cmp_cg_item);
  /* The ancestors of the cgroup being added, root first. */
  cleanup_free struct iso_cgroup **stack = xcalloc (k + 1, sizeof *stack);
  size_t depth = 0;
  for (size_t i = 0; i < k; i++)
    {
      const char *path = items[i].path;
      while (depth && !util_path_under (path, stack[depth - 1]->path))
        depth--;
      struct iso_cgroup *parent = depth ? stack[depth - 1] : NULL;
      const char *slash = strrchr (path, '/');
      bool ok = strcmp (path, "/") == 0 ? !parent && !h->root
                : parent ? (size_t)(slash - path) == (strcmp (parent->path, "/") == 0 ? 0 : strlen (parent->path))
                               && slash[1] && strcmp (parent->path, path) != 0
                         : false;
      if (!ok)
        {
          size_t w = ctx_push (c, "cgroups");
          int r = snap_fail (c, path, "a cgroup must follow its parent, and the root \"/\" comes once");
          ctx_pop (c, w);
          return r;
        }
      struct iso_cgroup *cg = cg_tree_add (t, h, parent, path);
      if (!parent)
        h->root = cg;
      size_t w = ctx_push (c, "cgroups");
      size_t w2 = ctx_push (c, path);
      int r = snap_get_fields (c, items[i].o, snap_cgroup_fields, cg);
      if (r == 0)
        r = load_cg_values (c, items[i].o, cg, mask);
      if (r == 0 && !t->fields)
        r = load_cg_iodevs (c, items[i].o, cg);
      ctx_pop (c, w2);
      ctx_pop (c, w);
      if (r < 0)
        return r;
      /* A v2 collection of chosen fields reads the effective cpuset only when asked. */
      if (h->v2 && t->fields && !(t->fields & CG_FIELDS_CPUSET))
        {
          free (cg->cpuset_cpus);
          free (cg->cpuset_mems);
          cg->cpuset_cpus = cg->cpuset_mems = NULL;
        }
      stack[depth++] = cg;
    }
  return 0;
}

static int
load_cgroups (struct snap_ctx *c, const cJSON *o, uint64_t fields, struct cg_tree *t)
{
  if (fields & (1ULL << CGF_MEMORY_WORKING_SET))
    fields |= (1ULL << CGF_MEMORY_CURRENT) | (1ULL << CGF_MEMORY_STAT_INACTIVE_FILE);
  t->fields = fields;
  uint64_t mask = cg_fields_expand (fields & ~CG_FIELDS_CPUSET);
  if (!o)
    return 0;
  size_t w = ctx_push (c, "cgroups");
  int bad = 0;
  const cJSON *mode = snap_member (c, o, "mode", cJSON_IsString, "a string", &bad);
  if (bad)
    return bad;
  for (size_t i = 0; mode && i < ARRAY_SIZE (snap_cg_modes); i++)
    if (strcmp (mode->valuestring, snap_cg_modes[i]) == 0)
      t->mode = (enum cg_mode)i;
  if (snap_get_fields (c, o, snap_cgtree_fields, t) < 0)
    return -1;
  if (!t->root)
    t->root = xstrdup ("/sys/fs/cgroup");
  const cJSON *hs = snap_member (c, o, "hierarchies", cJSON_IsObject, "an object", &bad);
  if (bad)
    return bad;
  size_t n = (size_t)cJSON_GetArraySize (hs), k = 0;
  cleanup_free struct h_item *items = xcalloc (n ? n : 1, sizeof *items);
  const cJSON *h;
  cJSON_ArrayForEach (h, hs)
  {
    if (!cJSON_IsObject (h))
      return snap_fail (c, h->string, "expected an object");
    const cJSON *ord = cJSON_GetObjectItemCaseSensitive (h, "order");
    items[k] = (struct h_item){ h, cJSON_IsNumber (ord) ? ord->valuedouble : (double)k };
    k++;
  }
  qsort (items, k, sizeof *items, cmp_h_item);
  for (size_t i = 0; i < k; i++)
    {
      const cJSON *v2 = cJSON_GetObjectItemCaseSensitive (items[i].o, "v2");
      struct cg_hierarchy *hh = cg_tree_add_hierarchy (t, cJSON_IsTrue (v2), items[i].o->string);
      const struct snap_field hf[] = {
        SNAP_F (struct cg_hierarchy, "controllers", ST_STRP, controllers),
        SNAP_F (struct cg_hierarchy, "dir", ST_STRP, dir),
        SNAP_END,
      };
      size_t w2 = ctx_push (c, "hierarchies");
      size_t w3 = ctx_push (c, items[i].o->string);
      if (snap_get_fields (c, items[i].o, hf, hh) < 0)
        return -1;
      ctx_pop (c, w3);
      ctx_pop (c, w2);
    }
  for (size_t i = 0; i < k; i++)
    {
      size_t w2 = ctx_push (c, "hierarchies");
      size_t w3 = ctx_push (c, items[i].o->string);
      if (load_cg_hierarchy (c, t, &t->h[i], items[i].o, mask) < 0)
        return -1;
      ctx_pop (c, w3);
      ctx_pop (c, w2);
    }
  ctx_pop (c, w);
  return 0;
}

static int
check_schema (struct snap_ctx *c, const cJSON *doc)
{
  if (!cJSON_IsObject (doc))
    return snap_fail (c, NULL, "not an isoscope snapshot (the document is not a JSON object)");
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (doc, "schema_version");
  if (!v)
    return snap_fail (c, NULL, "not an isoscope snapshot (no schema_version)");
  if (!cJSON_IsNumber (v) || v->valuedouble != SNAPSHOT_SCHEMA_VERSION)
    {
      cleanup_free char *p = cJSON_PrintUnformatted (v);
      cleanup_free char *msg = xasprintf ("unsupported version %.40s (this isoscope reads version %d)", p ? p : "?",
                                          SNAPSHOT_SCHEMA_VERSION);
      return snap_fail (c, "schema_version", msg);
    }
  return 0;
}

int
snapshot_cgroups_from_json (const cJSON *doc, const char *name, uint64_t fields, struct cg_tree **out, iso_error_t *err)
{
  struct snap_ctx c = { .name = name, .err = err };
  if (check_schema (&c, doc) < 0)
    return -1;
  int bad = 0;
  const cJSON *o = snap_member (&c, doc, "cgroups", cJSON_IsObject, "an object", &bad);
  if (bad)
    return bad;
  struct cg_tree *t = xzalloc (sizeof *t);
  int r = load_cgroups (&c, o, fields, t);
  if (!t->root)
    t->root = xstrdup ("/sys/fs/cgroup");
  cg_tree_index (t);
  if (r < 0)
    {
      cg_tree_free (t);
      return r;
    }
  *out = t;
  return 0;
}

/* ---- namespaces and processes ---- */

static int
load_holders (struct snap_ctx *c, const cJSON *o, struct iso_ns *ns, unsigned flags)
{
  /* Which collection finds each kind of holder. */
  static const unsigned needs[] = {
    [HOLDER_TASK] = COLLECT_TASKS,  [HOLDER_FOR_CHILDREN] = 0,          [HOLDER_FD] = COLLECT_FDS,
    [HOLDER_BIND] = COLLECT_MOUNTS, [HOLDER_CHILD] = COLLECT_RELATIONS,
  };
  int bad = 0;
  const cJSON *a = snap_member (c, o, "holders", cJSON_IsArray, "an array", &bad);
  if (bad)
    return bad;
  const cJSON *children = snap_member (c, o, "children", cJSON_IsObject, "an object keyed by inode", &bad);
  if (bad)
    return bad;
  const cJSON *h;
  cJSON_ArrayForEach (h, a)
  {
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive (h, "kind");
    int k = -1;
    for (size_t i = 0; cJSON_IsString (kind) && i < ARRAY_SIZE (snap_holder_kinds); i++)
      if (strcmp (kind->valuestring, snap_holder_kinds[i]) == 0)
        k = (int)i;
    if (!cJSON_IsObject (h) || k < 0)
      return snap_fail (c, "holders", "expected objects with a kind of task, for_children, fd, bind or child");
    if (needs[k] && !(flags & needs[k]))
      continue;
    struct ns_holder tmp = { .kind = (enum ns_holder_kind)k };
    size_t w = ctx_push (c, "holders");
    int r = snap_get_fields (c, h, snap_holder_fields, &tmp);
    ctx_pop (c, w);
    if (r < 0)
      {
        free (tmp.path);
        return r;
      }
    *iso_ns_add_holder (ns, tmp.kind) = tmp;
  }
  cJSON_ArrayForEach (h, children)
  {
    uint64_t ino;
    if (util_parse_u64 (h->string, &ino) < 0 || !ino)
      return snap_fail (c, "children", "a key is not an inode number");
    if (flags & COLLECT_RELATIONS)
      iso_ns_add_holder (ns, HOLDER_CHILD)->child = ino;
  }
  return 0;
}

static int
load_mntview (struct snap_ctx *c, const cJSON *o, struct iso_ns *ns)
{
  int bad = 0;
  const cJSON *mv = snap_member (c, o, "mntview", cJSON_IsObject, "an object", &bad);
  if (!mv)
    return bad;
  struct iso_mntview *v = xzalloc (sizeof *v);
  ns->mntview = v;
  size_t w = ctx_push (c, "mntview");
  int r = snap_get_fields (c, mv, snap_mntview_fields, v);
  if (r == 0)
    r = get_strings (c, mv, "masked", &v->masked, &v->nmasked);
  if (r == 0)
    r = get_strings (c, mv, "readonly", &v->readonly, &v->nreadonly);
  if (r == 0)
    r = get_strings (c, mv, "sockets", &v->sockets, &v->nsockets);
  ctx_pop (c, w);
  return r;
}

static int
load_namespaces (struct snap_ctx *c, const cJSON *doc, struct iso_model *m, unsigned flags)
{
  int bad = 0;
  const cJSON *nss = snap_member (c, doc, "namespaces", cJSON_IsObject, "an object", &bad);
  if (!nss)
    return bad;
  const cJSON *o;
  size_t w = ctx_push (c, "namespaces");
  cJSON_ArrayForEach (o, nss)
  {
    const cJSON *type = cJSON_GetObjectItemCaseSensitive (o, "type");
    int t = cJSON_IsString (type) ? ns_type_from_name (type->valuestring) : -1;
    if (!cJSON_IsObject (o) || t < 0)
      return snap_fail (c, o->string, "expected an object with a namespace type (mnt, net, pid, ...)");
    uint64_t ino = 0;
    const cJSON *jino = cJSON_GetObjectItemCaseSensitive (o, "ino");
    size_t w2 = ctx_push (c, o->string);
    if (!jino || snap_get_u64 (c, jino, "ino", &ino) < 0 || !ino)
      return c->err && *c->err ? -1 : snap_fail (c, "ino", "missing or 0");
    bool created;
    struct iso_ns *ns = iso_model_get_ns (m, (enum ns_type)t, ino, &created);
    if (!created)
      return snap_fail (c, "ino", "a second namespace with this inode");
    const cJSON *pid = cJSON_GetObjectItemCaseSensitive (o, "proc");
    long l = 0;
    if (snap_get_fields (c, o, snap_ns_fields, ns) < 0 || load_holders (c, o, ns, flags) < 0
        || ((flags & COLLECT_SECURITY) && load_mntview (c, o, ns) < 0)
        || (pid && snap_get_int (c, pid, "proc", 1, INT_MAX, &l) < 0))
      return -1;
    ns->ino = ino;
    /* The lowest pid in it: a pointer once the processes are in (stored here until then). */
    ns->proc = pid ? (struct iso_proc *)(intptr_t)l : NULL;
    ctx_pop (c, w2);
  }
  ctx_pop (c, w);
  return 0;
}

static int
load_proc_ns (struct snap_ctx *c, const cJSON *o, struct iso_model *m, struct iso_proc *p)
{
  int bad = 0;
  const cJSON *ns = snap_member (c, o, "ns", cJSON_IsObject, "an object", &bad);
  if (bad)
    return bad;
  const cJSON *v;
  cJSON_ArrayForEach (v, ns)
  {
    int t = ns_type_from_name (v->string);
    uint64_t ino = 0;
    if (t < 0)
      return snap_fail (c, "ns", "a key is not a namespace type");
    if (snap_get_u64 (c, v, "ns", &ino) < 0)
      return -1;
    /* Inode 0 is no namespace (and "namespaces" refuses it: the model could not be saved). */
    if (!ino)
      return snap_fail (c, "ns", "inode 0");
    p->ns[t] = iso_model_get_ns (m, (enum ns_type)t, ino, NULL);
    if (p->ns[t]->type != (enum ns_type)t)
      return snap_fail (c, "ns", "an inode of a namespace of another type");
  }
  static const struct
  {
    const char *key;
    enum ns_type type;
    size_t off;
  } fc[] = {
    { "pid_for_children", NS_PID, offsetof (struct iso_proc, pid_for_children) },
    { "time_for_children", NS_TIME, offsetof (struct iso_proc, time_for_children) },
  };
  for (size_t i = 0; i < ARRAY_SIZE (fc); i++)
    {
      const cJSON *j = cJSON_GetObjectItemCaseSensitive (o, fc[i].key);
      uint64_t ino = 0;
      if (!j || cJSON_IsNull (j))
        continue;
      if (snap_get_u64 (c, j, fc[i].key, &ino) < 0)
        return -1;
      if (!ino)
        return snap_fail (c, fc[i].key, "inode 0");
      struct iso_ns *n = iso_model_get_ns (m, fc[i].type, ino, NULL);
      if (n->type != fc[i].type)
        return snap_fail (c, fc[i].key, "an inode of a namespace of another type");
      *(struct iso_ns **)((char *)p + fc[i].off) = n;
    }
  return 0;
}

static int
load_proc (struct snap_ctx *c, const cJSON *o, struct iso_model *m, unsigned flags)
{
  if (!cJSON_IsObject (o))
    return snap_fail (c, o->string, "expected an object");
  size_t w = ctx_push (c, o->string);
  const cJSON *jpid = cJSON_GetObjectItemCaseSensitive (o, "pid");
  long pid = 0;
  if (!jpid)
    return snap_fail (c, "pid", "missing");
  if (snap_get_int (c, jpid, "pid", 1, INT_MAX, &pid) < 0)
    return -1;
  if (iso_model_find_proc (m, (pid_t)pid))
    return snap_fail (c, "pid", "a second process with this pid");
  struct iso_proc *p = iso_model_add_proc (m, (pid_t)pid);
  if (snap_get_fields (c, o, snap_proc_fields, p) < 0)
    return -1;
  p->pid = (pid_t)pid;
  p->comm[sizeof p->comm - 1] = '\0';
  int bad = 0;
  const cJSON *nspid = snap_member (c, o, "nspid", cJSON_IsArray, "an array of pids", &bad);
  if (bad)
    return bad;
  const cJSON *v;
  cJSON_ArrayForEach (v, nspid)
  {
    long l = 0;
    if (snap_get_int (c, v, "nspid", 0, INT_MAX, &l) < 0)
      return -1;
    p->nspid = xreallocarray (p->nspid, (size_t)p->nnspid + 1, sizeof *p->nspid);
    p->nspid[p->nnspid++] = (pid_t)l;
  }
  if (load_proc_ns (c, o, m, p) < 0)
    return -1;
  const cJSON *sec = snap_member (c, o, "security", cJSON_IsObject, "an object", &bad);
  if (bad)
    return bad;
  if (sec && (flags & COLLECT_SECURITY))
    {
      p->sec = xzalloc (sizeof *p->sec);
      snap_sec_defaults (p->sec);
      size_t w2 = ctx_push (c, "security");
      if (snap_get_fields (c, sec, snap_sec_fields, p->sec) < 0)
        return -1;
      ctx_pop (c, w2);
    }
  const cJSON *cgt = snap_member (c, o, "cgroup_text", cJSON_IsString, "a string", &bad);
  if (bad)
    return bad;
  if (cgt && m->cg)
    proc_link_cgroup_text (m, p, xstrdup (cgt->valuestring));
  ctx_pop (c, w);
  return 0;
}

static int
load_containers (struct snap_ctx *c, const cJSON *doc, struct iso_model *m)
{
  int bad = 0;
  const cJSON *cs = snap_member (c, doc, "containers", cJSON_IsObject, "an object", &bad);
  if (!cs)
    return bad;
  const cJSON *o;
  size_t w = ctx_push (c, "containers");
  cJSON_ArrayForEach (o, cs)
  {
    struct iso_container ct = { 0 };
    if (!cJSON_IsObject (o))
      return snap_fail (c, o->string, "expected an object");
    size_t w2 = ctx_push (c, o->string);
    if (snap_get_fields (c, o, snap_container_fields, &ct) < 0)
      return -1;
    ctx_pop (c, w2);
    iso_model_intern_container (m, &ct);
  }
  ctx_pop (c, w);
  return 0;
}

static bool
ns_unreferenced (const struct iso_ns *ns, void *arg)
{
  return !iso_hash_get (arg, ns->ino);
}

/* What a collection with FLAGS would not have read: relations (and the ancestors only they
   reach), net namespace ids. */
static void
mask_namespaces (struct iso_model *m, unsigned flags)
{
  for (size_t i = 0; i < m->nns; i++)
    {
      struct iso_ns *ns = m->ns[i];
      if (!(flags & COLLECT_NETNSID))
        ns->netnsid = NETNSID_UNKNOWN;
      if (!(flags & (COLLECT_RELATIONS | COLLECT_NETNSID)))
        {
          ns->nsid = ns->parent_ino = ns->owner_ino = 0;
          ns->parent_unknown = ns->relations_read = false;
          ns->owner_uid = -1;
        }
    }
  if (flags & COLLECT_RELATIONS)
    return;
  struct iso_hash *used = iso_hash_new ();
  for (size_t i = 0; i < m->nprocs; i++)
    {
      struct iso_proc *p = m->procs[i];
      for (int t = 0; t < NS_TYPE_COUNT; t++)
        if (p->ns[t])
          iso_hash_put (used, p->ns[t]->ino, p->ns[t]);
      if (p->pid_for_children)
        iso_hash_put (used, p->pid_for_children->ino, p->pid_for_children);
      if (p->time_for_children)
        iso_hash_put (used, p->time_for_children->ino, p->time_for_children);
    }
  for (size_t i = 0; i < m->nns; i++)
    if (m->ns[i]->nholders)
      iso_hash_put (used, m->ns[i]->ino, m->ns[i]);
  iso_model_drop_ns (m, ns_unreferenced, used);
  iso_hash_free (used);
}

static int
load_model (struct snap_ctx *c, const cJSON *doc, unsigned flags, struct iso_model *m)
{
  if (check_schema (c, doc) < 0)
    return -1;
  int bad = 0;
  const cJSON *scan = snap_member (c, doc, "scan", cJSON_IsObject, "an object", &bad);
  if (bad)
    return bad;
  if (scan)
    {
      size_t w = ctx_push (c, "scan");
      const struct snap_field tf[] = {
        SNAP_F (struct iso_scan, "time", ST_LONG, time.tv_sec),
        SNAP_F (struct iso_scan, "time_nsec", ST_LONG, time.tv_nsec),
        SNAP_END,
      };
      uint64_t dev = 0;
      const cJSON *jdev = cJSON_GetObjectItemCaseSensitive (scan, "nsfs_dev");
      if (snap_get_fields (c, scan, snap_scan_fields, &m->scan) < 0 || snap_get_fields (c, scan, tf, &m->scan) < 0
          || (jdev && snap_get_u64 (c, jdev, "nsfs_dev", &dev) < 0))
        return -1;
      m->nsfs_dev = (dev_t)dev;
      m->scan.kernel[sizeof m->scan.kernel - 1] = m->scan.sysroot[sizeof m->scan.sysroot - 1] = '\0';
      ctx_pop (c, w);
    }
  /* Only the discovery sources FLAGS would have run. */
  unsigned src = SRC_PROC | ((flags & COLLECT_TASKS) ? SRC_TASKS : 0) | ((flags & COLLECT_FDS) ? SRC_FDS : 0)
                 | ((flags & COLLECT_MOUNTS) ? SRC_MOUNTS : 0) | ((flags & COLLECT_CGROUPS) ? SRC_CGROUPS : 0)
                 | ((flags & (COLLECT_RELATIONS | COLLECT_NETNSID)) ? SRC_RELATIONS | SRC_NSID : 0)
                 | ((flags & COLLECT_NETNSID) ? SRC_NETNSID : 0);
  m->scan.sources &= src;
  if (flags & COLLECT_CGROUPS)
    {
      const cJSON *cg = snap_member (c, doc, "cgroups", cJSON_IsObject, "an object", &bad);
      if (bad)
        return bad;
      m->cg = xzalloc (sizeof *m->cg);
      int r = load_cgroups (c, cg, 0, m->cg);
      if (!m->cg->root)
        m->cg->root = xstrdup ("/sys/fs/cgroup");
      cg_tree_index (m->cg);
      if (r < 0)
        return r;
      if (load_containers (c, doc, m) < 0)
        return -1;
    }
  if (load_namespaces (c, doc, m, flags) < 0)
    return -1;
  const cJSON *procs = snap_member (c, doc, "processes", cJSON_IsObject, "an object", &bad);
  if (bad)
    return bad;
  const cJSON *o;
  size_t w = ctx_push (c, "processes");
  cJSON_ArrayForEach (o, procs) if (load_proc (c, o, m, flags) < 0) return -1;
  ctx_pop (c, w);
  iso_model_finish (m);
  for (size_t i = 0; i < m->nns; i++)
    m->ns[i]->proc = m->ns[i]->proc ? iso_model_find_proc (m, (pid_t)(intptr_t)m->ns[i]->proc) : NULL;
  mask_namespaces (m, flags);
  return 0;
}

int
snapshot_model_from_json (const cJSON *doc, const char *name, unsigned flags, struct iso_model **out, iso_error_t *err)
{
  struct snap_ctx c = { .name = name, .err = err };
  struct iso_model *m = iso_model_new ();
  if (load_model (&c, doc, flags, m) < 0)
    {
      /* namespaces still hold pids where pointers belong */
      for (size_t i = 0; i < m->nns; i++)
        m->ns[i]->proc = NULL;
      iso_model_free (m);
      return -1;
    }
  *out = m;
  return 0;
}
