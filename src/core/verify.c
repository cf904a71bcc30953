// SPDX-License-Identifier: GPL-2.0-or-later
/* verify.c: read a process's isolation back from /proc and compare it with an expectation, check by check. */
#define _GNU_SOURCE
#include "isoscope/verify.h"
#include "isoscope/cgroup.h"
#include "isoscope/ns.h"
#include "isoscope/proc.h"
#include "isoscope/security.h"
#include "isoscope/util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libmount.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void
verify_expect_init (struct verify_expect *e)
{
  memset (e, 0, sizeof *e);
  e->source = "the expectation";
  e->nnp = e->seccomp_mode = e->new_session = -1;
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    e->new_ns[t] = -1;
  e->memory_max = e->pids_max = -1;
}

void
verify_report_release (struct verify_report *r)
{
  for (size_t i = 0; i < r->n; i++)
    {
      free ((char *)r->results[i].check);
      free (r->results[i].want);
      free (r->results[i].got);
    }
  free (r->results);
  memset (r, 0, sizeof *r);
}

char *
verify_report_failures (const struct verify_report *r)
{
  struct strbuf b = { 0 };
  for (size_t i = 0; i < r->n; i++)
    if (!r->results[i].ok)
      strbuf_printf (&b, "%s%s: want %s, got %s", b.len ? "; " : "", r->results[i].check, r->results[i].want,
                     r->results[i].got);
  return b.len ? strbuf_steal (&b) : xstrdup ("");
}

/* ---- the state of one check run ---- */

struct verify_ctx
{
  int piddir;
  pid_t pid;
  const struct verify_expect *e;
  struct verify_report *r;
  struct iso_proc st; /* what /proc/PID/status said */
  int gone;           /* the process vanished during the checks (errno) */
};

static bool
is_gone (long e)
{
  return e == -ENOENT || e == -ESRCH;
}

/* Record one result; WANT and GOT are taken over. */
static void
add (struct verify_ctx *c, bool ok, char *check, char *want, char *got)
{
  struct verify_report *r = c->r;
  r->results = xreallocarray (r->results, r->n + 1, sizeof *r->results);
  r->results[r->n++] = (struct verify_result){ .check = check, .ok = ok, .want = want, .got = got };
  if (!ok)
    r->failed++;
}

/* Read NAME of the process's /proc directory; a process gone meanwhile is noted. */
static long
read_proc (struct verify_ctx *c, const char *name, char **text)
{
  long rc = util_read_file_at (c->piddir, name, text);
  if (is_gone (rc))
    c->gone = ESRCH;
  return rc;
}

static char *
errno_text (long e)
{
  return xasprintf ("unknown (%s)", strerror ((int)(e < 0 ? -e : e)));
}

/* ---- capabilities, no_new_privs, seccomp ---- */

static char *
set_text (uint64_t set)
{
  char *t = sec_caps_text (set);
  if (*t)
    return t;
  free (t);
  return xstrdup ("none");
}

static void
check_caps (struct verify_ctx *c)
{
  static const struct
  {
    const char *name;
    size_t off;
  } sets[] = {
    { "effective", offsetof (struct iso_proc, cap_eff) },   { "permitted", offsetof (struct iso_proc, cap_prm) },
    { "inheritable", offsetof (struct iso_proc, cap_inh) }, { "ambient", offsetof (struct iso_proc, cap_amb) },
    { "bounding", offsetof (struct iso_proc, cap_bnd) },
  };
  uint64_t max = c->e->caps_max;
  cleanup_free char *maxtext = sec_caps_text (max);
  uint64_t all = sec_all_caps ();
  for (size_t i = 0; i < ARRAY_SIZE (sets); i++)
    {
      char *want = (max & all) == all ? xstrdup ("any") : max ? xasprintf ("at most %s", maxtext) : xstrdup ("none");
      char *check = xasprintf ("caps:%s", sets[i].name);
      if (!c->st.caps_known)
        {
          add (c, false, check, want, xstrdup ("unknown"));
          continue;
        }
      uint64_t have = *(const uint64_t *)((const char *)&c->st + sets[i].off);
      uint64_t extra = have & ~max;
      char *got = set_text (have);
      if (extra && extra != have)
        {
          cleanup_free char *etext = sec_caps_text (extra);
          char *more = xasprintf ("%s (beyond it: %s)", got, etext);
          free (got);
          got = more;
        }
      add (c, !extra, check, want, got);
    }
}

static void
check_nnp (struct verify_ctx *c)
{
  int have = c->st.no_new_privs;
  add (c, have == c->e->nnp, xstrdup ("nnp"), xasprintf ("%d", c->e->nnp),
       have < 0 ? xstrdup ("unknown") : xasprintf ("%d", have));
}

static const char *
seccomp_name (int mode)
{
  static const char *const names[] = { "disabled", "strict", "filter" };
  return mode >= 0 && mode <= 2 ? names[mode] : "unknown";
}

static void
check_seccomp (struct verify_ctx *c)
{
  int have = c->st.seccomp;
  char *got = have == 2 && c->st.seccomp_filters > 0
                  ? xasprintf ("filter (%d filter%s)", c->st.seccomp_filters, c->st.seccomp_filters == 1 ? "" : "s")
                  : xstrdup (seccomp_name (have));
  add (c, have == c->e->seccomp_mode, xstrdup ("seccomp"), xstrdup (seccomp_name (c->e->seccomp_mode)), got);
}

/* ---- namespaces ---- */

static long
read_ns (int dirfd, const char *link, char *buf, size_t size)
{
  ssize_t n = readlinkat (dirfd, link, buf, size - 1);
  if (n < 0)
    return -errno;
  buf[n] = '\0';
  return n;
}

static void
check_ns (struct verify_ctx *c)
{
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    {
      int want = c->e->new_ns[t];
      if (want < 0)
        continue;
      char path[32], self[48], mine[64], theirs[64];
      snprintf (path, sizeof path, "ns/%s", ns_types[t].link);
      snprintf (self, sizeof self, "/proc/self/%s", path);
      char *check = xasprintf ("ns:%s", ns_types[t].name);
      long rm = read_ns (AT_FDCWD, self, mine, sizeof mine);
      long rt = read_ns (c->piddir, path, theirs, sizeof theirs);
      if (is_gone (rt) && rm >= 0)
        c->gone = ESRCH;
      if (rm < 0 && rt < 0 && rm == -ENOENT)
        {
          /* The kernel lacks this type: nothing is shared, nothing is new. */
          add (c, !want, check, xstrdup (want ? "a new namespace" : "shared with mine"),
               xstrdup ("not supported by the kernel"));
          continue;
        }
      if (rm < 0 || rt < 0)
        {
          add (c, false, check, xstrdup (want ? "a new namespace" : "shared with mine"), errno_text (rt < 0 ? rt : rm));
          continue;
        }
      bool same = strcmp (mine, theirs) == 0;
      add (c, same != (want == 1), check, xasprintf (want ? "not mine (%s)" : "mine (%s)", mine), xstrdup (theirs));
    }
}

/* ---- masked and read-only paths ---- */

/* The last mount of TB on TARGET whose parent is the mount PARENT, or NULL. */
static struct libmnt_fs *
child_at (struct libmnt_table *tb, int parent, const char *target)
{
  struct libmnt_iter *it = mnt_new_iter (MNT_ITER_FORWARD);
  struct libmnt_fs *fs, *found = NULL;
  while (it && mnt_table_next_fs (tb, it, &fs) == 0)
    if (mnt_fs_get_parent_id (fs) == parent && mnt_fs_get_id (fs) != parent && mnt_fs_get_target (fs)
        && strcmp (mnt_fs_get_target (fs), target) == 0)
      found = fs;
  mnt_free_iter (it);
  return found;
}

static bool
has_id (struct libmnt_table *tb, int id)
{
  struct libmnt_iter *it = mnt_new_iter (MNT_ITER_FORWARD);
  struct libmnt_fs *fs;
  bool found = false;
  while (!found && it && mnt_table_next_fs (tb, it, &fs) == 0)
    found = mnt_fs_get_id (fs) == id;
  mnt_free_iter (it);
  return found;
}

/* The mount at the root: a "/" whose parent is not in the table (the namespace's root, or
   for a chrooted process the mount its root is on). */
static struct libmnt_fs *
root_mount (struct libmnt_table *tb)
{
  struct libmnt_iter *it = mnt_new_iter (MNT_ITER_FORWARD);
  struct libmnt_fs *fs, *found = NULL;
  while (it && mnt_table_next_fs (tb, it, &fs) == 0)
    if (!found && mnt_fs_get_target (fs) && strcmp (mnt_fs_get_target (fs), "/") == 0
        && !has_id (tb, mnt_fs_get_parent_id (fs)))
      found = fs;
  mnt_free_iter (it);
  return found;
}

/* The mount that shows PATH, found as a path walk does: from the root mount, at "/" and at
   each longer prefix of PATH, into the mount on top of that directory (mounts stacked on one
   directory are children of each other; mountinfo's order is not the order of mounting). */
static struct libmnt_fs *
covering_mount (struct libmnt_table *tb, const char *path)
{
  struct libmnt_fs *cur = root_mount (tb), *next;
  if (!cur)
    return NULL;
  while ((next = child_at (tb, mnt_fs_get_id (cur), "/")))
    cur = next;
  cleanup_free char *prefix = xstrdup (path);
  size_t len = strlen (path);
  for (size_t i = 2; i <= len; i++)
    {
      if (i < len && path[i] != '/')
        continue;
      char keep = prefix[i];
      prefix[i] = '\0';
      while ((next = child_at (tb, mnt_fs_get_id (cur), prefix)))
        cur = next;
      prefix[i] = keep;
    }
  return cur;
}

static bool
fs_is_ro (struct libmnt_fs *fs)
{
  const char *vfs = mnt_fs_get_vfs_options (fs), *sb = mnt_fs_get_fs_options (fs);
  return (vfs && mnt_optstr_get_option (vfs, "ro", NULL, NULL) == 0)
         || (sb && mnt_optstr_get_option (sb, "ro", NULL, NULL) == 0);
}

/* Does PATH exist inside the process's root?  0 yes, -ENOENT no, or another -errno. */
static int
path_exists (int piddir, const char *path)
{
  if (path[0] != '/' || strstr (path, "/../") || (strlen (path) >= 3 && strcmp (path + strlen (path) - 3, "/..") == 0))
    return -EINVAL;
  cleanup_close int root = openat (piddir, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return -errno;
  struct stat st;
  if (path[1] == '\0')
    return 0;
  return fstatat (root, path + 1, &st, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

/* TB: the process's mount table, or NULL when it could not be read (ERRNO_TB says why). */
static void
check_paths (struct verify_ctx *c, const char *const *paths, bool masked, struct libmnt_table *tb, long errno_tb)
{
  const char *kind = masked ? "masked" : "readonly";
  for (size_t i = 0; paths && paths[i]; i++)
    {
      const char *p = paths[i];
      char *check = xasprintf ("%s:%s", kind, p);
      char *want = xstrdup (masked ? "masked or absent" : "read-only or absent");
      if (!tb)
        {
          add (c, false, check, want, errno_text (errno_tb));
          continue;
        }
      int ex = path_exists (c->piddir, p);
      if (ex == -ENOENT)
        {
          add (c, true, check, want, xstrdup ("absent"));
          continue;
        }
      struct libmnt_fs *fs = covering_mount (tb, p);
      if (!fs)
        {
          add (c, false, check, want, ex < 0 ? errno_text (ex) : xstrdup ("on no mount"));
          continue;
        }
      const char *target = mnt_fs_get_target (fs), *type = mnt_fs_get_fstype (fs);
      bool ro = fs_is_ro (fs);
      bool mask = type && sec_mount_is_mask (target, type, mnt_fs_get_root (fs), ro);
      bool ok = masked ? mask : (ro || mask);
      if (!ok && ex < 0)
        {
          /* Whether the path is there at all could not be told (an unprivileged viewer). */
          add (c, false, check, want, errno_text (ex));
          continue;
        }
      const char *how = mask ? "masked" : masked ? "visible" : ro ? "read-only" : "writable";
      add (c, ok, check, want,
           xasprintf ("%s (%s on %s%s)", how, type ? type : "?", target, ro && !mask ? ", ro" : ""));
    }
}

static void
check_mounts (struct verify_ctx *c)
{
  cleanup_free char *text = NULL;
  long rc = read_proc (c, "mountinfo", &text);
  struct libmnt_table *tb = NULL;
  if (rc >= 0)
    {
      FILE *f = fmemopen (text, strlen (text), "r");
      tb = f ? mnt_new_table () : NULL;
      if (!tb || mnt_table_parse_stream (tb, f, "mountinfo") < 0)
        {
          mnt_unref_table (tb);
          tb = NULL;
          rc = -EINVAL;
        }
      if (f)
        fclose (f);
    }
  check_paths (c, c->e->masked, true, tb, rc);
  check_paths (c, c->e->readonly, false, tb, rc);
  mnt_unref_table (tb);
}

/* ---- open fds ---- */

static bool
fd_allowed (const struct verify_expect *e, int fd)
{
  if (fd <= 2)
    return true;
  for (size_t i = 0; i < e->nallowed_fds; i++)
    if (e->allowed_fds[i] == fd)
      return true;
  return false;
}

/* The flags line of /proc/PID/fdinfo/FD has O_CLOEXEC (octal) for a close-on-exec fd. */
static bool
fd_cloexec (int piddir, int fd)
{
  char path[32], buf[512];
  snprintf (path, sizeof path, "fdinfo/%d", fd);
  if (util_read_buf_at (piddir, path, buf, sizeof buf) < 0)
    return false;
  const char *f = strstr (buf, "flags:");
  return f && (strtoul (f + 6, NULL, 8) & O_CLOEXEC);
}

static void
check_fds (struct verify_ctx *c)
{
  const struct verify_expect *e = c->e;
  struct strbuf want = { 0 }, bad = { 0 };
  strbuf_puts (&want, "only 0-2");
  for (size_t i = 0; i < e->nallowed_fds; i++)
    strbuf_printf (&want, ",%d", e->allowed_fds[i]);
  if (e->fds_cloexec_ok)
    strbuf_puts (&want, " (and close-on-exec ones)");
  int dfd = openat (c->piddir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    {
      if (is_gone (-errno))
        c->gone = errno;
      add (c, false, xstrdup ("fds"), strbuf_steal (&want), errno_text (errno));
      return;
    }
  struct dirscan ds;
  dirscan_init (&ds, dfd);
  const char *name;
  int n = 0, nbad = 0;
  while ((name = dirscan_next (&ds)))
    {
      int fd;
      if (util_parse_int (name, &fd) < 0)
        continue;
      n++;
      if (fd_allowed (e, fd) || (e->fds_cloexec_ok && fd_cloexec (c->piddir, fd)))
        continue;
      char target[256];
      ssize_t len = readlinkat (dfd, name, target, sizeof target - 1);
      target[len > 0 ? len : 0] = '\0';
      cleanup_free char *esc = util_escape (target);
      strbuf_printf (&bad, "%s%d -> %s", nbad++ ? ", " : "", fd, len > 0 ? esc : "?");
    }
  close (dfd);
  add (c, nbad == 0, xstrdup ("fds"), strbuf_steal (&want),
       nbad ? strbuf_steal (&bad) : xasprintf ("%d open, none beyond", n));
}

/* ---- session ---- */

/* Field 6 of /proc/PID/stat (after the comm, which may hold anything). */
static pid_t
stat_session (int piddir, long *rc)
{
  char buf[1024];
  *rc = util_read_buf_at (piddir, "stat", buf, sizeof buf);
  const char *s = *rc > 0 ? strrchr (buf, ')') : NULL;
  char state;
  int ppid, pgrp, sid;
  if (!s || sscanf (s + 1, " %c %d %d %d", &state, &ppid, &pgrp, &sid) != 4)
    {
      if (*rc >= 0)
        *rc = -EINVAL;
      return -1;
    }
  return sid;
}

/* A terminal open on fd 0, 1 or 2: its path, or NULL. */
static char *
stdio_terminal (int piddir)
{
  for (int fd = 0; fd <= 2; fd++)
    {
      char name[16], target[256];
      snprintf (name, sizeof name, "fd/%d", fd);
      ssize_t n = readlinkat (piddir, name, target, sizeof target - 1);
      if (n <= 0)
        continue;
      target[n] = '\0';
      if (strncmp (target, "/dev/pts/", 9) == 0 || strncmp (target, "/dev/tty", 8) == 0
          || strncmp (target, "/dev/console", 12) == 0)
        return xstrdup (target);
    }
  return NULL;
}

static void
check_session (struct verify_ctx *c)
{
  long rc;
  pid_t sid = stat_session (c->piddir, &rc), mine = getsid (0);
  if (is_gone (rc))
    c->gone = ESRCH;
  if (c->e->new_session == 2)
    {
      cleanup_free char *tty = stdio_terminal (c->piddir);
      if (!tty)
        {
          add (c, true, xstrdup ("session"), xstrdup ("not mine when it has a terminal"),
               xstrdup ("no terminal on fd 0-2"));
          return;
        }
    }
  char *want = xasprintf ("not mine (%d)", (int)mine);
  if (sid < 0)
    add (c, false, xstrdup ("session"), want, errno_text (rc));
  else
    add (c, sid != mine, xstrdup ("session"), want,
         xasprintf ("%d%s", (int)sid, sid == c->pid ? " (it leads it)" : ""));
}

/* ---- working directory ---- */

struct dir_id
{
  uint64_t mnt, ino;
  uint32_t dev_major, dev_minor;
};

static int
dir_id (int fd, struct dir_id *id)
{
  struct statx stx;
  if (statx (fd, "", AT_EMPTY_PATH, STATX_INO | STATX_MNT_ID, &stx) < 0)
    return -errno;
  *id = (struct dir_id){ (stx.stx_mask & STATX_MNT_ID) ? stx.stx_mnt_id : 0, stx.stx_ino, stx.stx_dev_major,
                         stx.stx_dev_minor };
  return 0;
}

static bool
dir_same (const struct dir_id *a, const struct dir_id *b)
{
  return a->mnt == b->mnt && a->ino == b->ino && a->dev_major == b->dev_major && a->dev_minor == b->dev_minor;
}

/* Walk up from the working directory with ".." until the process's root (inside) or the top
   of the mount tree (outside).  The mount counts too: the same directory reached through
   another mount (a bind of the new root seen from the host) is not the root.  1 inside, 0
   outside, or -errno. */
static int
cwd_inside (int piddir)
{
  cleanup_close int root = openat (piddir, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
  cleanup_close int dir = openat (piddir, "cwd", O_PATH | O_DIRECTORY | O_CLOEXEC);
  struct dir_id rid = { 0 }, cur = { 0 }, up = { 0 };
  if (root < 0 || dir < 0)
    return -errno;
  int r = dir_id (root, &rid);
  if (r < 0 || (r = dir_id (dir, &cur)) < 0)
    return r;
  for (int depth = 0; depth < 4096; depth++)
    {
      if (dir_same (&cur, &rid))
        return 1;
      int parent = openat (dir, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (parent < 0)
        return -errno;
      r = dir_id (parent, &up);
      close (dir);
      dir = parent;
      if (r < 0)
        return r;
      if (dir_same (&up, &cur))
        return 0;
      cur = up;
    }
  return -ELOOP;
}

static void
check_cwd (struct verify_ctx *c)
{
  int r = cwd_inside (c->piddir);
  if (is_gone (r))
    c->gone = ESRCH;
  char path[512];
  ssize_t n = readlinkat (c->piddir, "cwd", path, sizeof path - 1);
  path[n > 0 ? n : 0] = '\0';
  cleanup_free char *esc = util_escape (n > 0 ? path : "?");
  char *got = r < 0 ? errno_text (r) : xasprintf ("%s (%s)", r ? "inside" : "outside its root", esc);
  add (c, r == 1, xstrdup ("cwd"), xstrdup ("inside its root"), got);
}

/* ---- cgroup limits ---- */

/* A limit file's value: a number, or INT64_MAX for none ("max", or v1's page-rounded LONG_MAX). */
static int
read_limit (const char *path, int64_t *out)
{
  char buf[64];
  long n = util_read_buf_at (AT_FDCWD, path, buf, sizeof buf);
  if (n < 0)
    return (int)n;
  struct cg_val v;
  if (cg_parse_value (buf, &v) < 0)
    return -EINVAL;
  *out = v.state == CGV_MAX || v.v >= (UINT64_C (1) << 62) ? INT64_MAX : (int64_t)v.v;
  return 0;
}

/* The smallest limit FILE on the path from DIR/PATH up to DIR (the hierarchy root);
 *WHERE is the cgroup that sets it.  Returns false when no directory had the file. */
static bool
lowest_limit (const char *dir, const char *path, const char *file, int64_t *lim, char **where)
{
  cleanup_free char *p = xstrdup (path);
  bool found = false;
  for (;;)
    {
      cleanup_free char *f = xasprintf ("%s%s/%s", dir, strcmp (p, "/") == 0 ? "" : p, file);
      int64_t v = INT64_MAX;
      if (read_limit (f, &v) == 0)
        {
          if (!found || v < *lim)
            {
              *lim = v;
              free (*where);
              *where = xstrdup (p);
            }
          found = true;
        }
      char *slash = strrchr (p, '/');
      if (!slash || strcmp (p, "/") == 0)
        break;
      slash[slash == p ? 1 : 0] = '\0';
    }
  return found;
}

struct limit_kind
{
  const char *check, *controller, *v1_file, *v2_file;
  size_t off; /* of the expected value in struct verify_expect */
};

static const struct limit_kind limit_kinds[] = {
  { "limit:memory", "memory", "memory.limit_in_bytes", "memory.max", offsetof (struct verify_expect, memory_max) },
  { "limit:pids", "pids", "pids.max", "pids.max", offsetof (struct verify_expect, pids_max) },
};

static bool
has_controller (const char *list, const char *name)
{
  size_t n = strlen (name);
  for (const char *s = list; s && *s;)
    {
      size_t len = strcspn (s, ",");
      if (len == n && strncmp (s, name, n) == 0)
        return true;
      s += len + (s[len] == ',');
    }
  return false;
}

static char *
limit_text (int64_t v)
{
  return v == INT64_MAX ? xstrdup ("max") : xasprintf ("%" PRId64, v);
}

static void
check_limits (struct verify_ctx *c)
{
  cleanup_free char *text = NULL;
  long rc = read_proc (c, "cgroup", &text);
  enum cg_mode mode = cg_detect_mode (NULL);
  const char *v2root = mode == CG_MODE_HYBRID ? "/sys/fs/cgroup/unified" : "/sys/fs/cgroup";
  for (size_t k = 0; k < ARRAY_SIZE (limit_kinds); k++)
    {
      const struct limit_kind *lk = &limit_kinds[k];
      int64_t want = *(const int64_t *)((const char *)c->e + lk->off);
      if (want < 0)
        continue;
      char *wtext = xasprintf ("at most %" PRId64, want);
      if (rc < 0)
        {
          add (c, false, xstrdup (lk->check), wtext, errno_text (rc));
          continue;
        }
      int64_t lim = INT64_MAX;
      cleanup_free char *where = NULL;
      bool found = false;
      cleanup_free char *copy = xstrdup (text);
      for (char *save = NULL, *line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
        {
          int id;
          const char *ctrls, *path;
          if (cg_parse_proc_line (line, &id, &ctrls, &path) < 0)
            continue;
          bool v2 = id == 0 && !*ctrls;
          if (!v2 && !has_controller (ctrls, lk->controller))
            continue;
          cleanup_free char *dir = v2 ? xstrdup (v2root) : xasprintf ("/sys/fs/cgroup/%s", ctrls);
          int64_t v = INT64_MAX;
          char *w = NULL;
          if (lowest_limit (dir, path, v2 ? lk->v2_file : lk->v1_file, &v, &w))
            {
              if (!found || v < lim)
                {
                  lim = v;
                  free (where);
                  where = xasprintf ("%s%s", dir, strcmp (w, "/") == 0 ? "" : w);
                }
              found = true;
            }
          free (w);
        }
      if (!found)
        add (c, false, xstrdup (lk->check), wtext, xstrdup ("no such limit in its cgroups"));
      else
        {
          cleanup_free char *ltext = limit_text (lim);
          add (c, lim <= want, xstrdup (lk->check), wtext, xasprintf ("%s (%s)", ltext, where));
        }
    }
}

/* ---- resource limits ---- */

/* The resources as /proc/PID/limits lists them: line 1 + RLIMIT_*, in the kernel's order. */
static const char *const rlimit_names[] = {
  "cpu",     "fsize", "data",  "stack",      "core",     "rss",  "nproc",  "nofile",
  "memlock", "as",    "locks", "sigpending", "msgqueue", "nice", "rtprio", "rttime",
};

static char *
rlim_text (uint64_t v)
{
  return v == UINT64_MAX ? xstrdup ("unlimited") : xasprintf ("%" PRIu64, v);
}

/* One value of a limits line: "unlimited" or a number. */
static int
rlim_parse (const char *s, uint64_t *v)
{
  while (*s == ' ')
    s++;
  if (strncmp (s, "unlimited", 9) == 0)
    {
      *v = UINT64_MAX;
      return 0;
    }
  char *end;
  errno = 0;
  unsigned long long x = strtoull (s, &end, 10);
  if (end == s || errno)
    return -EINVAL;
  *v = x;
  return 0;
}

/* Soft and hard limit of RESOURCE from the text of /proc/PID/limits (columns at 26 and 47). */
static int
rlim_find (const char *text, int resource, uint64_t *soft, uint64_t *hard)
{
  const char *line = text;
  for (int i = -1; line && i < resource; i++)
    {
      line = strchr (line, '\n');
      if (line)
        line++;
    }
  if (!line || strlen (line) < 48 || strncmp (line, "Max ", 4) != 0)
    return -EINVAL;
  if (rlim_parse (line + 26, soft) < 0 || rlim_parse (line + 47, hard) < 0)
    return -EINVAL;
  return 0;
}

static void
check_rlimits (struct verify_ctx *c)
{
  cleanup_free char *text = NULL;
  long rc = read_proc (c, "limits", &text);
  for (size_t i = 0; i < c->e->nrlimits && i < ARRAY_SIZE (c->e->rlimits); i++)
    {
      const struct verify_rlimit *l = &c->e->rlimits[i];
      if (l->resource < 0 || (size_t)l->resource >= ARRAY_SIZE (rlimit_names))
        continue;
      char *check = xasprintf ("rlimit:%s", rlimit_names[l->resource]);
      cleanup_free char *ws = rlim_text (l->soft), *wh = rlim_text (l->hard);
      char *want = xasprintf ("at most %s:%s", ws, wh);
      uint64_t soft, hard;
      if (rc < 0 || rlim_find (text, l->resource, &soft, &hard) < 0)
        {
          add (c, false, check, want, rc < 0 ? errno_text (rc) : xstrdup ("not in its limits"));
          continue;
        }
      cleanup_free char *gs = rlim_text (soft), *gh = rlim_text (hard);
      add (c, soft <= l->soft && hard <= l->hard, check, want, xasprintf ("%s:%s", gs, gh));
    }
}

/* ---- the checks, in report order ---- */

static bool
want_caps (const struct verify_expect *e)
{
  return e->check_caps;
}
static bool
want_nnp (const struct verify_expect *e)
{
  return e->nnp >= 0;
}
static bool
want_seccomp (const struct verify_expect *e)
{
  return e->seccomp_mode >= 0;
}
static bool
want_ns (const struct verify_expect *e)
{
  (void)e;
  return true;
}
static bool
want_mounts (const struct verify_expect *e)
{
  return e->masked || e->readonly;
}
static bool
want_fds (const struct verify_expect *e)
{
  return e->check_fds;
}
static bool
want_session (const struct verify_expect *e)
{
  return e->new_session >= 1;
}
static bool
want_cwd (const struct verify_expect *e)
{
  return e->check_cwd;
}
static bool
want_limits (const struct verify_expect *e)
{
  return e->memory_max >= 0 || e->pids_max >= 0;
}
static bool
want_rlimits (const struct verify_expect *e)
{
  return e->nrlimits > 0;
}

static const struct
{
  bool (*wanted) (const struct verify_expect *e);
  void (*run) (struct verify_ctx *c);
} checks[] = {
  { want_caps, check_caps },       { want_nnp, check_nnp },       { want_seccomp, check_seccomp },
  { want_ns, check_ns },           { want_mounts, check_mounts }, { want_fds, check_fds },
  { want_session, check_session }, { want_cwd, check_cwd },       { want_limits, check_limits },
  { want_rlimits, check_rlimits },
};

int
verify_process (int piddir, pid_t pid, const struct verify_expect *e, struct verify_report *r, iso_error_t *err)
{
  memset (r, 0, sizeof *r);
  r->pid = pid;
  r->source = e->source;
  struct verify_ctx c = { .piddir = piddir, .pid = pid, .e = e, .r = r };
  c.st.uid = c.st.euid = c.st.gid = c.st.egid = -1;
  c.st.no_new_privs = c.st.seccomp = c.st.seccomp_filters = -1;
  cleanup_free char *status = NULL;
  long n = util_read_file_at (piddir, "status", &status);
  if (n < 0)
    return iso_make_error (err, (int)-n, "pid %d: cannot read its status", (int)pid);
  if (proc_parse_status (status, &c.st) < 0)
    return iso_make_error (err, EINVAL, "pid %d: its status file does not parse", (int)pid);
  free (c.st.nspid);
  for (size_t i = 0; i < ARRAY_SIZE (checks); i++)
    if (checks[i].wanted (e))
      checks[i].run (&c);
  /* A process that exited half way (a zombie now, or reaped) leaves results that describe nobody. */
  char buf[1024];
  struct proc_stat ps;
  if (c.gone || util_read_buf_at (piddir, "stat", buf, sizeof buf) < 0 || proc_parse_stat (buf, &ps) < 0
      || ps.state == 'Z' || ps.state == 'X')
    {
      verify_report_release (r);
      return iso_make_error (err, ESRCH, "pid %d exited while it was checked", (int)pid);
    }
  return 0;
}
