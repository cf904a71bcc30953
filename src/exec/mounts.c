// SPDX-License-Identifier: GPL-2.0-or-later
/* mounts.c: the sandbox's mount tree: propagation, a new root by pivot_root, binds, tmpfs, proc, dev. */
#define _GNU_SOURCE
#include "isoscope/sandbox.h"
#include "isoscope/ns.h"
#include "isoscope/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The new mount API (Linux 5.2; mount_setattr 5.12), called directly so that
   older C libraries build; the constants are the kernel's. */
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOVE_MOUNT_T_EMPTY_PATH
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif
#ifndef FSOPEN_CLOEXEC
#define FSOPEN_CLOEXEC 0x00000001
#endif
#ifndef FSMOUNT_CLOEXEC
#define FSMOUNT_CLOEXEC 0x00000001
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#endif
#define MOUNTS_FSCONFIG_SET_FLAG 0
#define MOUNTS_FSCONFIG_SET_STRING 1
#define MOUNTS_FSCONFIG_CMD_CREATE 6

struct mounts_attr
{
  uint64_t attr_set, attr_clr, propagation, userns_fd;
};

static int
mounts_open_tree (int dfd, const char *path, unsigned flags)
{
  return (int)syscall (SYS_open_tree, dfd, path, flags);
}

static int
mounts_move (int from_dfd, const char *from, int to_dfd, const char *to, unsigned flags)
{
  return (int)syscall (SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}

static int
mounts_fsopen (const char *fs)
{
  return (int)syscall (SYS_fsopen, fs, FSOPEN_CLOEXEC);
}

static int
mounts_fsconfig (int fd, unsigned cmd, const char *key, const char *value)
{
  return (int)syscall (SYS_fsconfig, fd, cmd, key, value, 0);
}

static int
mounts_fsmount (int fd, unsigned attrs)
{
  return (int)syscall (SYS_fsmount, fd, FSMOUNT_CLOEXEC, attrs);
}

static int
mounts_setattr (int dfd, const char *path, unsigned flags, uint64_t set)
{
  struct mounts_attr a = { .attr_set = set };
  return (int)syscall (SYS_mount_setattr, dfd, path, flags, &a, sizeof a);
}

static int
mounts_openat2 (int dfd, const char *path, uint64_t flags, uint64_t resolve)
{
  struct open_how how = { .flags = flags, .resolve = resolve };
  return (int)syscall (SYS_openat2, dfd, path, &how, sizeof how);
}

/* What the child knows while it builds the tree. */
struct mounts_ctx
{
  const struct run_plan *p;
  bool new_root;
  const char *src_prefix; /* where the caller's tree is: "/oldroot" below a new root, else "" */
  int rootfd;             /* the sandbox's "/": /newroot, or the current root */
  bool userns;            /* not in the initial user namespace */
  bool own_pidns;
};

bool
run_plan_new_root (const struct run_plan *p)
{
  return p->rootfs || p->overlay;
}

/* ---- parent: checks before anything is made ---- */

static bool
mounts_is_dir (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISDIR (st.st_mode);
}

/* Does PATH (absolute, in the sandbox) exist below the root directory ROOT? */
static bool
mounts_exists_in (const char *root, const char *path)
{
  cleanup_close int dfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return false;
  int fd = mounts_openat2 (dfd, path, O_PATH | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
  if (fd < 0 && errno == ENOSYS)
    {
      cleanup_free char *full = xasprintf ("%s/%s", root, path);
      return access (full, F_OK) == 0;
    }
  if (fd < 0)
    return false;
  struct stat st;
  bool ok = fstat (fd, &st) == 0 && !S_ISDIR (st.st_mode);
  close (fd);
  return ok;
}

/* Is the command PATH in the new root: one of its layers, or a bind source over it? */
static bool
mounts_command_exists (const struct run_plan *p, const char *path)
{
  if (p->rootfs && mounts_exists_in (p->rootfs, path))
    return true;
  if (p->overlay)
    {
      if (p->overlay_upper && mounts_exists_in (p->overlay_upper, path))
        return true;
      cleanup_free char *lowers = xstrdup (p->overlay);
      char *save = NULL;
      for (char *l = strtok_r (lowers, ":", &save); l; l = strtok_r (NULL, ":", &save))
        if (mounts_exists_in (l, path))
          return true;
    }
  for (size_t i = 0; i < p->nmounts; i++)
    {
      const struct run_mount *m = &p->mounts[i];
      if (m->kind != RUN_MOUNT_BIND && m->kind != RUN_MOUNT_RO_BIND)
        continue;
      size_t n = strlen (m->dst);
      while (n > 1 && m->dst[n - 1] == '/')
        n--;
      if (strncmp (path, m->dst, n) == 0 && (path[n] == '/' || path[n] == '\0' || n == 1))
        {
          if (path[n] == '\0')
            return access (m->src, X_OK) == 0;
          if (mounts_exists_in (m->src, path + n))
            return true;
        }
    }
  return false;
}

static const char *
mounts_env_path (const struct run_plan *p)
{
  const char *path = getenv ("PATH");
  for (size_t i = 0; i < p->nenv; i++)
    {
      const struct run_env *e = &p->env[i];
      if (e->kind == RUN_ENV_CLEAR || (e->kind == RUN_ENV_UNSET && strcmp (e->name, "PATH") == 0))
        path = NULL;
      else if (e->kind == RUN_ENV_SET && strcmp (e->name, "PATH") == 0)
        path = e->value;
    }
  return path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

int
mounts_prepare (const struct run_plan *p, const char *argv0, iso_error_t *err)
{
  if (p->rootfs && !mounts_is_dir (p->rootfs))
    return iso_make_error (err, errno ? errno : ENOTDIR, "--rootfs %s", p->rootfs);
  if (p->overlay)
    {
      cleanup_free char *lowers = xstrdup (p->overlay);
      char *save = NULL;
      for (char *l = strtok_r (lowers, ":", &save); l; l = strtok_r (NULL, ":", &save))
        if (!mounts_is_dir (l))
          return iso_make_error (err, errno ? errno : ENOTDIR, "--overlay: the lower layer %s", l);
      if (!p->overlay_upper != !p->overlay_work)
        return iso_make_error (err, 0, "--overlay-upper and --overlay-work go together: give both or neither");
      if (p->overlay_upper)
        {
          struct stat u, w;
          if (stat (p->overlay_upper, &u) < 0 || !S_ISDIR (u.st_mode))
            return iso_make_error (err, errno ? errno : ENOTDIR, "--overlay-upper %s", p->overlay_upper);
          if (stat (p->overlay_work, &w) < 0 || !S_ISDIR (w.st_mode))
            return iso_make_error (err, errno ? errno : ENOTDIR, "--overlay-work %s", p->overlay_work);
          if (u.st_dev != w.st_dev)
            return iso_make_error (err, 0,
                                   "--overlay-upper %s and --overlay-work %s are on different filesystems: "
                                   "overlayfs needs them on the same one",
                                   p->overlay_upper, p->overlay_work);
        }
    }
  else if (p->overlay_upper || p->overlay_work)
    return iso_make_error (err, 0, "--overlay-upper and --overlay-work need --overlay");
  for (size_t i = 0; i < p->nmounts; i++)
    {
      const struct run_mount *m = &p->mounts[i];
      if ((m->kind == RUN_MOUNT_BIND || m->kind == RUN_MOUNT_RO_BIND) && access (m->src, F_OK) < 0)
        return iso_make_error (err, errno, "--%s %s %s: the source", m->kind == RUN_MOUNT_BIND ? "bind" : "ro-bind",
                               m->src, m->dst);
    }
  /* The command must be in the new root: say so now, before anything is made. */
  if (run_plan_new_root (p) && !p->root && argv0)
    {
      const char *where = p->rootfs ? p->rootfs : p->overlay;
      if (strchr (argv0, '/'))
        {
          if (argv0[0] == '/' && !mounts_command_exists (p, argv0))
            {
              int r = iso_make_error (err, 0,
                                      "the new root (%s) has no %s: install it there, bind it in with --ro-bind, "
                                      "or run a command that exists there",
                                      where, argv0);
              (*err)->status = ENOENT; /* the command was not found: exit 127 */
              return r;
            }
          return 0;
        }
      const char *path = mounts_env_path (p);
      cleanup_free char *dirs = xstrdup (path);
      char *save = NULL;
      for (char *d = strtok_r (dirs, ":", &save); d; d = strtok_r (NULL, ":", &save))
        {
          cleanup_free char *cand = xasprintf ("%s/%s", d, argv0);
          if (mounts_command_exists (p, cand))
            return 0;
        }
      int r = iso_make_error (err, 0,
                              "the new root (%s) has no %s in PATH (%s): install it there, bind it in with "
                              "--ro-bind, or run a command that exists there",
                              where, argv0, path);
      (*err)->status = ENOENT;
      return r;
    }
  return 0;
}

/* The mount that holds PATH, from /proc/self/mountinfo: its mount point and
   whether it is shared.  0, or -errno. */
static int
mounts_holder (const char *path, char **mountpoint, bool *shared)
{
  cleanup_free char *real = realpath (path, NULL);
  cleanup_free char *mi = NULL;
  if (!real)
    return -errno;
  if (util_read_file_at (AT_FDCWD, "/proc/self/mountinfo", &mi) < 0)
    return -errno;
  size_t best = 0;
  for (char *line = mi, *next; line && *line; line = next)
    {
      next = strchr (line, '\n');
      if (next)
        *next++ = '\0';
      /* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL FIELDS...] - FSTYPE ... */
      char *f[32], *save = NULL;
      int n = 0;
      for (char *tok = strtok_r (line, " ", &save); tok && n < 32; tok = strtok_r (NULL, " ", &save))
        f[n++] = tok;
      if (n < 7)
        continue;
      const char *mp = f[4];
      size_t len = strlen (mp);
      bool under = strcmp (mp, "/") == 0 || (strncmp (real, mp, len) == 0 && (real[len] == '/' || real[len] == '\0'));
      if (!under || len < best)
        continue;
      best = len;
      bool sh = false;
      for (int i = 6; i < n && strcmp (f[i], "-") != 0; i++)
        if (strncmp (f[i], "shared:", 7) == 0)
          sh = true;
      free (*mountpoint);
      *mountpoint = xstrdup (mp);
      *shared = sh;
    }
  return best ? 0 : -ENOENT;
}

int
mounts_persist_check (const char *file, bool *created, iso_error_t *err)
{
  struct stat st;
  *created = false;
  if (stat (file, &st) < 0)
    {
      if (errno != ENOENT)
        return iso_make_error (err, errno, "cannot use %s to keep a namespace", file);
      int fd = open (file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
      if (fd < 0)
        return iso_make_error (err, errno, "cannot create %s to keep a namespace", file);
      close (fd);
      *created = true;
    }
  else if (S_ISDIR (st.st_mode))
    return iso_make_error (err, EISDIR, "cannot keep a namespace on %s: it must be a file", file);
  return 0;
}

int
mounts_persist (pid_t pid, enum ns_type type, const char *link, const char *file, iso_error_t *err)
{
  char src[80];
  snprintf (src, sizeof src, "/proc/%d/ns/%s", (int)pid, link);
  if (type == NS_MNT)
    {
      /* A mount namespace bound on a shared mount would propagate into itself. */
      cleanup_free char *mp = NULL;
      bool shared = false;
      if (mounts_holder (file, &mp, &shared) == 0 && shared)
        return iso_make_error (err, 0,
                               "cannot keep the mount namespace on %s: it is on a shared mount (%s), from where "
                               "the bind would propagate into the namespace itself; use a file on a private "
                               "mount (e.g. 'mount --bind DIR DIR; mount --make-private DIR')",
                               file, mp);
    }
  if (mount (src, file, NULL, MS_BIND, NULL) < 0)
    {
      int e = errno;
      if (e == EPERM || e == EACCES)
        return iso_make_error (err, 0,
                               "cannot bind %s on %s: %s: keeping a namespace needs CAP_SYS_ADMIN where %s is "
                               "mounted (run as root, or leave out =FILE)",
                               src, file, strerror (e), file);
      return iso_make_error (err, e, "cannot bind %s on %s", src, file);
    }
  return 0;
}

/* ---- child: building the tree ---- */

/* The mount point DST inside the sandbox's root, opened O_PATH.  Missing parts
   are made (directories, and a file when DIR is false) only below a new root:
   isoscope never creates mount points on the caller's own filesystem. */
static int
mounts_target (struct mounts_ctx *c, const char *dst, bool dir, iso_error_t *err)
{
  const uint64_t res = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  int fd = mounts_openat2 (c->rootfd, dst, O_PATH | O_CLOEXEC, res);
  if (fd >= 0)
    return fd;
  if (errno != ENOENT)
    return iso_make_error (err, errno, "cannot open the mount point %s", dst);
  if (!c->new_root)
    return iso_make_error (err, 0,
                           "the mount point %s does not exist: create it first (isoscope makes mount points only "
                           "below --rootfs or --overlay, never on the caller's own filesystem)",
                           dst);
  cleanup_free char *path = xstrdup (dst);
  size_t len = strlen (path);
  while (len > 1 && path[len - 1] == '/')
    path[--len] = '\0';
  /* Walk down from the root, making what is missing; every step resolves in the root. */
  for (char *p = path + 1;; p++)
    {
      bool last = *p == '\0';
      if (*p != '/' && !last)
        continue;
      *p = '\0';
      int probe = mounts_openat2 (c->rootfd, path, O_PATH | O_CLOEXEC, res);
      if (probe >= 0)
        close (probe);
      else if (errno == ENOENT)
        {
          char *slash = strrchr (path, '/');
          *slash = '\0';
          int parent = mounts_openat2 (c->rootfd, slash == path ? "/" : path, O_PATH | O_DIRECTORY | O_CLOEXEC, res);
          *slash = '/';
          if (parent < 0)
            return iso_make_error (err, errno, "cannot open the parent of %s", path);
          int r;
          if (!last || dir)
            r = mkdirat (parent, slash + 1, 0755);
          else
            {
              r = openat (parent, slash + 1, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
              if (r >= 0)
                r = close (r);
            }
          int e = errno;
          close (parent);
          if (r < 0 && e != EEXIST)
            return iso_make_error (err, e, "cannot make the mount point %s in the new root", path);
        }
      else
        return iso_make_error (err, errno, "cannot open %s in the new root", path);
      if (last)
        break;
      *p = '/';
    }
  fd = mounts_openat2 (c->rootfd, dst, O_PATH | O_CLOEXEC, res);
  if (fd < 0)
    return iso_make_error (err, errno, "cannot open the mount point %s", dst);
  return fd;
}

/* Attach the detached mount MFD on DST. */
static int
mounts_attach (struct mounts_ctx *c, int mfd, const char *dst, bool dir, iso_error_t *err)
{
  cleanup_close int tfd = mounts_target (c, dst, dir, err);
  if (tfd < 0)
    return tfd;
  if (mounts_move (mfd, "", tfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return iso_make_error (err, errno, "cannot mount on %s", dst);
  return 0;
}

static int
mounts_new_api_error (iso_error_t *err, int e, const char *what)
{
  if (e == ENOSYS)
    return iso_make_error (err, 0, "%s: this kernel lacks the mount API isoscope uses (Linux 5.12 or later)", what);
  return iso_make_error (err, e, "%s", what);
}

/* A clone of the caller's tree at SRC (with everything mounted below it). */
static int
mounts_clone_src (struct mounts_ctx *c, const char *src, bool ro, iso_error_t *err)
{
  cleanup_free char *path = xasprintf ("%s%s", c->src_prefix, src);
  int fd = mounts_open_tree (AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
  if (fd < 0)
    {
      cleanup_free char *what = xasprintf ("cannot bind %s", src);
      return mounts_new_api_error (err, errno, what);
    }
  if (ro && mounts_setattr (fd, "", AT_EMPTY_PATH | AT_RECURSIVE, MOUNT_ATTR_RDONLY) < 0)
    {
      int e = errno;
      close (fd);
      cleanup_free char *what = xasprintf ("cannot make the bind of %s read-only", src);
      return mounts_new_api_error (err, e, what);
    }
  return fd;
}

static int
mounts_bind (struct mounts_ctx *c, const char *src, const char *dst, bool ro, iso_error_t *err)
{
  struct stat st;
  cleanup_free char *path = xasprintf ("%s%s", c->src_prefix, src);
  if (stat (path, &st) < 0)
    return iso_make_error (err, errno, "cannot bind %s", src);
  cleanup_close int fd = mounts_clone_src (c, src, ro, err);
  if (fd < 0)
    return fd;
  return mounts_attach (c, fd, dst, S_ISDIR (st.st_mode), err);
}

/* A new filesystem instance, detached.  OPTS are "key=value" pairs. */
static int
mounts_make_fs (const char *fstype, const char *const *opts, unsigned attrs, iso_error_t *err)
{
  cleanup_close int fs = mounts_fsopen (fstype);
  if (fs < 0)
    {
      cleanup_free char *what = xasprintf ("cannot make a %s filesystem", fstype);
      return mounts_new_api_error (err, errno, what);
    }
  for (const char *const *o = opts; o && *o; o++)
    {
      cleanup_free char *key = xstrdup (*o);
      char *eq = strchr (key, '=');
      if (eq)
        *eq++ = '\0';
      int r = eq ? mounts_fsconfig (fs, MOUNTS_FSCONFIG_SET_STRING, key, eq)
                 : mounts_fsconfig (fs, MOUNTS_FSCONFIG_SET_FLAG, key, NULL);
      if (r < 0)
        return iso_make_error (err, errno, "%s: the option %s", fstype, *o);
    }
  if (mounts_fsconfig (fs, MOUNTS_FSCONFIG_CMD_CREATE, NULL, NULL) < 0)
    return -errno - 1; /* the caller words it: it knows why this may fail */
  int m = mounts_fsmount (fs, attrs);
  if (m < 0)
    return iso_make_error (err, errno, "cannot mount the new %s filesystem", fstype);
  return m;
}

static int
mounts_tmpfs (struct mounts_ctx *c, const char *dst, const char *mode, iso_error_t *err)
{
  const char *opts[] = { mode, NULL };
  cleanup_close int m = mounts_make_fs ("tmpfs", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, err);
  if (m < 0)
    return *err ? m : iso_make_error (err, -m - 1, "cannot make a tmpfs for %s", dst);
  return mounts_attach (c, m, dst, true, err);
}

/* Before profiles: the knobs of the whole machine read-only in a new root's proc. */
static const char *const mounts_old_ro[] = { "/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus", NULL };

/* Each /proc/NAME of LIST (those this kernel has) read-only in the proc M on DST. */
static int
mounts_readonly (int m, const char *dst, const char *const *list, iso_error_t *err)
{
  for (const char *const *l = list; *l; l++)
    {
      if (strncmp (*l, "/proc/", 6) != 0)
        continue;
      int fd = mounts_open_tree (m, *l + 6, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
      if (fd < 0)
        continue; /* not in this kernel's proc */
      if (mounts_setattr (fd, "", AT_EMPTY_PATH, MOUNT_ATTR_RDONLY) < 0
          || mounts_move (fd, "", m, *l + 6, MOVE_MOUNT_F_EMPTY_PATH) < 0)
        {
          int e = errno;
          close (fd);
          return iso_make_error (err, e, "cannot make %s/%s read-only", dst, *l + 6);
        }
      close (fd);
    }
  return 0;
}

/* Docker's lists in the proc M on DST: the read-only ones, and the masked ones hidden
   (a directory under an empty read-only tmpfs, a file under a read-only /dev/null). */
static int
mounts_mask_proc (struct mounts_ctx *c, int m, const char *dst, iso_error_t *err)
{
  int r = mounts_readonly (m, dst, sandbox_readonly_paths, err);
  for (const char *const *l = sandbox_masked_paths; r == 0 && *l; l++)
    {
      struct stat st;
      const char *name = *l + 6;
      if (strncmp (*l, "/proc/", 6) != 0 || fstatat (m, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        continue;
      cleanup_close int fd = -1;
      if (S_ISDIR (st.st_mode))
        {
          const char *opts[] = { "size=0", "mode=0555", NULL };
          fd = mounts_make_fs ("tmpfs", opts,
                               MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, err);
          if (fd < 0)
            return *err ? fd : iso_make_error (err, -fd - 1, "cannot make a tmpfs to mask %s/%s", dst, name);
        }
      else
        {
          cleanup_free char *null = xasprintf ("%s/dev/null", c->src_prefix);
          fd = mounts_open_tree (AT_FDCWD, null, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
          if (fd < 0 || mounts_setattr (fd, "", AT_EMPTY_PATH, MOUNT_ATTR_RDONLY) < 0)
            return iso_make_error (err, errno, "cannot bind /dev/null to mask %s/%s", dst, name);
        }
      if (mounts_move (fd, "", m, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
        r = iso_make_error (err, errno, "cannot mask %s/%s", dst, name);
    }
  return r;
}

static int
mounts_proc (struct mounts_ctx *c, const char *dst, bool protect, iso_error_t *err)
{
  cleanup_close int m = mounts_make_fs ("proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, err);
  if (m < 0 && *err)
    return m;
  if (m < 0)
    {
      int e = -m - 1;
      /* Without a pid namespace of its own a user namespace may not make a proc:
         show the caller's instead, as bwrap does. */
      if ((e == EPERM || e == EACCES) && !c->own_pidns)
        {
          int r = mounts_bind (c, "/proc", dst, false, err);
          if (r < 0 || !protect || !c->p->harden.masks)
            return r;
          /* The caller's proc gets the same masks as a new one would. */
          cleanup_close int b = mounts_openat2 (c->rootfd, dst, O_PATH | O_DIRECTORY | O_CLOEXEC,
                                                RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
          return b < 0 ? iso_make_error (err, errno, "cannot open %s to mask it", dst)
                       : mounts_mask_proc (c, b, dst, err);
        }
      return iso_make_error (err, e, "cannot mount a new proc on %s%s", dst,
                             e == EPERM || e == EACCES ? " (is /proc partly hidden by other mounts, or is a seccomp "
                                                         "filter refusing mounts?)"
                                                       : "");
    }
  int r = mounts_attach (c, m, dst, true, err);
  if (r < 0 || !protect)
    return r;
  return c->p->harden.masks ? mounts_mask_proc (c, m, dst, err) : mounts_readonly (m, dst, mounts_old_ro, err);
}

/* A minimal /dev: a tmpfs with the harmless devices bound from the caller's, a new
   devpts, a shm tmpfs and the usual symbolic links. */
static int
mounts_dev (struct mounts_ctx *c, const char *dst, iso_error_t *err)
{
  const char *opts[] = { "mode=0755", NULL };
  cleanup_close int m = mounts_make_fs ("tmpfs", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, err);
  if (m < 0)
    return *err ? m : iso_make_error (err, -m - 1, "cannot make a tmpfs for %s", dst);
  static const char *const devices[] = { "null", "zero", "full", "random", "urandom", "tty" };
  for (size_t i = 0; i < ARRAY_SIZE (devices); i++)
    {
      int f = openat (m, devices[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (f < 0)
        return iso_make_error (err, errno, "cannot make %s/%s", dst, devices[i]);
      close (f);
      cleanup_free char *src = xasprintf ("%s/dev/%s", c->src_prefix, devices[i]);
      cleanup_close int t = mounts_open_tree (AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
      if (t < 0 || mounts_move (t, "", m, devices[i], MOVE_MOUNT_F_EMPTY_PATH) < 0)
        return iso_make_error (err, errno, "cannot bind /dev/%s into %s", devices[i], dst);
    }
  static const char *const links[][2] = {
    { "fd", "/proc/self/fd" },       { "stdin", "/proc/self/fd/0" }, { "stdout", "/proc/self/fd/1" },
    { "stderr", "/proc/self/fd/2" }, { "core", "/proc/kcore" },      { "ptmx", "pts/ptmx" },
  };
  for (size_t i = 0; i < ARRAY_SIZE (links); i++)
    if (symlinkat (links[i][1], m, links[i][0]) < 0)
      return iso_make_error (err, errno, "cannot make the link %s/%s", dst, links[i][0]);
  if (mkdirat (m, "pts", 0755) < 0 || mkdirat (m, "shm", 01777) < 0 || fchmodat (m, "shm", 01777, 0) < 0)
    return iso_make_error (err, errno, "cannot make %s/pts and %s/shm", dst, dst);
  const char *ptsopts[] = { "newinstance", "ptmxmode=0666", "mode=0620", NULL };
  cleanup_close int pts = mounts_make_fs ("devpts", ptsopts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, err);
  if (pts < 0)
    return *err ? pts : iso_make_error (err, -pts - 1, "cannot make a devpts for %s/pts", dst);
  if (mounts_move (pts, "", m, "pts", MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return iso_make_error (err, errno, "cannot mount devpts on %s/pts", dst);
  const char *shmopts[] = { "mode=1777", NULL };
  cleanup_close int shm = mounts_make_fs ("tmpfs", shmopts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, err);
  if (shm < 0)
    return *err ? shm : iso_make_error (err, -shm - 1, "cannot make a tmpfs for %s/shm", dst);
  if (mounts_move (shm, "", m, "shm", MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return iso_make_error (err, errno, "cannot mount a tmpfs on %s/shm", dst);
  return mounts_attach (c, m, dst, true, err);
}

static int
mounts_one (struct mounts_ctx *c, const struct run_mount *m, bool protect_proc, iso_error_t *err)
{
  switch (m->kind)
    {
    case RUN_MOUNT_BIND:
    case RUN_MOUNT_RO_BIND:
      return mounts_bind (c, m->src, m->dst, m->kind == RUN_MOUNT_RO_BIND, err);
    case RUN_MOUNT_TMPFS:
      return mounts_tmpfs (c, m->dst, "mode=0755", err);
    case RUN_MOUNT_PROC:
      return mounts_proc (c, m->dst, protect_proc, err);
    case RUN_MOUNT_DEV:
      return mounts_dev (c, m->dst, err);
    }
  return 0;
}

/* Is DST (or "/") the target of a mount of the plan?  Targets are normalised by run.c. */
static bool
mounts_planned (const struct run_plan *p, const char *dst)
{
  for (size_t i = 0; i < p->nmounts; i++)
    if (strcmp (p->mounts[i].dst, dst) == 0 || strcmp (p->mounts[i].dst, "/") == 0)
      return true;
  return p->mount_proc && strcmp (p->mount_proc, dst) == 0;
}

/* One entry NAME of the lower layers under /newroot (a tmpfs): a directory gets
   an overlay of its own (or, if that is refused too, a read-only bind of the first
   layer's), a symbolic link is copied, a file is bound read-only. */
static int
mounts_split_entry (struct mounts_ctx *c, char **lowers, size_t n, const char *name, iso_error_t *err)
{
  struct stat st;
  size_t first = n;
  for (size_t i = 0; i < n && first == n; i++)
    {
      cleanup_free char *path = xasprintf ("%s%s/%s", c->src_prefix, lowers[i], name);
      if (lstat (path, &st) == 0)
        first = i;
    }
  if (first == n)
    return 0;
  bool top = strcmp (lowers[first], "/") == 0;
  cleanup_free char *src = xasprintf ("%s/%s", top ? "" : lowers[first], name);
  cleanup_free char *dst = xasprintf ("/newroot/%s", name);
  if (S_ISLNK (st.st_mode))
    {
      char target[4096];
      cleanup_free char *path = xasprintf ("%s%s/%s", c->src_prefix, lowers[first], name);
      ssize_t len = readlink (path, target, sizeof target - 1);
      if (len < 0)
        return iso_make_error (err, errno, "cannot read the link %s", path);
      target[len] = '\0';
      return symlink (target, dst) < 0 ? iso_make_error (err, errno, "cannot copy the link %s", dst) : 0;
    }
  if (S_ISREG (st.st_mode))
    {
      int fd = open (dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
      if (fd < 0)
        return iso_make_error (err, errno, "cannot make %s", dst);
      close (fd);
      cleanup_close int t = mounts_clone_src (c, src, true, err);
      if (t < 0)
        return t;
      return mounts_move (t, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH) < 0
                 ? iso_make_error (err, errno, "cannot bind %s", src)
                 : 0;
    }
  if (!S_ISDIR (st.st_mode))
    return 0;
  if (mkdir (dst, st.st_mode & 07777) < 0)
    return iso_make_error (err, errno, "cannot make %s", dst);
  struct strbuf lower = { 0 };
  for (size_t i = 0; i < n; i++)
    {
      cleanup_free char *path = xasprintf ("%s%s/%s", c->src_prefix, lowers[i], name);
      if (stat (path, &st) == 0 && S_ISDIR (st.st_mode))
        strbuf_printf (&lower, "%s%s", lower.len ? ":" : "", path);
    }
  cleanup_free char *lowerdir = xasprintf ("lowerdir=%s", lower.s);
  free (lower.s);
  cleanup_free char *base = xasprintf ("/split/%s", name);
  cleanup_free char *upper = xasprintf ("%s/upper", base), *work = xasprintf ("%s/work", base);
  if (mkdir (base, 0755) < 0 || mkdir (upper, 0755) < 0 || mkdir (work, 0755) < 0)
    return iso_make_error (err, errno, "cannot make the upper layer of %s", dst);
  cleanup_free char *upperdir = xasprintf ("upperdir=%s", upper), *workdir = xasprintf ("workdir=%s", work);
  const char *opts[] = { lowerdir, upperdir, workdir, "userxattr", NULL };
  cleanup_close int m = mounts_make_fs ("overlay", opts, 0, err);
  if (m < 0 && *err)
    return m;
  if (m < 0)
    {
      /* Mounts below it: show it read-only, as it is. */
      cleanup_close int t = mounts_clone_src (c, src, true, err);
      if (t < 0)
        return t;
      return mounts_move (t, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH) < 0
                 ? iso_make_error (err, errno, "cannot bind %s", src)
                 : 0;
    }
  return mounts_move (m, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH) < 0
             ? iso_make_error (err, errno, "cannot mount the overlay of %s", src)
             : 0;
}

static int
mounts_overlay_split (struct mounts_ctx *c, iso_error_t *err)
{
  const struct run_plan *p = c->p;
  if (mount ("isoscope-root", "/newroot", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
    return iso_make_error (err, errno, "cannot mount a tmpfs as the new root");
  if (mkdir ("/split", 0755) < 0)
    return iso_make_error (err, errno, "cannot make /split in the scratch tmpfs");
  cleanup_free char *dup = xstrdup (p->overlay);
  char *lowers[64], *save = NULL;
  size_t n = 0;
  for (char *l = strtok_r (dup, ":", &save); l && n < ARRAY_SIZE (lowers); l = strtok_r (NULL, ":", &save))
    lowers[n++] = l;
  /* Every name of every layer, once. */
  struct strbuf seen = { 0 };
  strbuf_puts (&seen, "/");
  int r = 0;
  for (size_t i = 0; i < n && r == 0; i++)
    {
      cleanup_free char *path = xasprintf ("%s%s", c->src_prefix, lowers[i]);
      cleanup_close int dfd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dfd < 0)
        {
          r = iso_make_error (err, errno, "cannot read the lower layer %s", lowers[i]);
          break;
        }
      struct dirscan ds;
      dirscan_init (&ds, dfd);
      for (const char *name; r == 0 && (name = dirscan_next (&ds));)
        {
          cleanup_free char *key = xasprintf ("/%s/", name);
          if (strstr (seen.s, key))
            continue;
          strbuf_printf (&seen, "%s/", name);
          r = mounts_split_entry (c, lowers, n, name, err);
        }
    }
  free (seen.s);
  return r;
}

/* The root of the new tree on /newroot: the --rootfs directory, or an overlay. */
static int
mounts_new_root (struct mounts_ctx *c, iso_error_t *err)
{
  const struct run_plan *p = c->p;
  if (p->rootfs)
    {
      cleanup_close int fd = mounts_clone_src (c, p->rootfs, false, err);
      if (fd < 0)
        return fd;
      if (mounts_move (fd, "", AT_FDCWD, "/newroot", MOVE_MOUNT_F_EMPTY_PATH) < 0)
        return iso_make_error (err, errno, "cannot bind %s as the new root", p->rootfs);
      return 0;
    }
  struct strbuf lower = { 0 };
  cleanup_free char *lowers = xstrdup (p->overlay);
  char *save = NULL;
  for (char *l = strtok_r (lowers, ":", &save); l; l = strtok_r (NULL, ":", &save))
    strbuf_printf (&lower, "%s%s%s", lower.len ? ":" : "", c->src_prefix, l);
  cleanup_free char *lowerdir = xasprintf ("lowerdir=%s", lower.s);
  free (lower.s);
  cleanup_free char *upper = NULL, *work = NULL;
  if (p->overlay_upper)
    {
      upper = xasprintf ("upperdir=%s%s", c->src_prefix, p->overlay_upper);
      work = xasprintf ("workdir=%s%s", c->src_prefix, p->overlay_work);
    }
  else
    {
      /* The throwaway upper layer lives in the tmpfs under everything. */
      if (mkdir ("/upper", 0755) < 0 || mkdir ("/work", 0755) < 0)
        return iso_make_error (err, errno, "cannot make the overlay's upper layer");
      upper = xstrdup ("upperdir=/upper");
      work = xstrdup ("workdir=/work"); /* (the split below keeps its layers in /split) */
    }
  const char *opts[] = { lowerdir, upper, work, c->userns ? "userxattr" : NULL, NULL };
  cleanup_close int m = mounts_make_fs ("overlay", opts, 0, err);
  if (m < 0 && *err)
    return m;
  if (m < 0)
    {
      int e = -m - 1;
      /* In a user namespace the kernel refuses a lower layer with mounts below it
         (such as /): overlay each top-level directory on its own instead. */
      if (e == EINVAL && c->userns && !p->overlay_upper)
        return mounts_overlay_split (c, err);
      if (e == EINVAL && c->userns)
        return iso_make_error (err, 0,
                               "cannot mount the overlay of %s: in a user namespace the kernel refuses a lower layer "
                               "with mounts below it (such as /); run as root, or leave out --overlay-upper so "
                               "that isoscope can overlay each directory on its own",
                               p->overlay);
      return iso_make_error (err, e, "cannot mount the overlay of %s (the kernel's log says why)", p->overlay);
    }
  if (mounts_move (m, "", AT_FDCWD, "/newroot", MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return iso_make_error (err, errno, "cannot mount the overlay as the new root");
  return 0;
}

static int
mounts_pivot_root (const char *new_root, const char *put_old)
{
  return (int)syscall (SYS_pivot_root, new_root, put_old);
}

/* Below a tmpfs: pivot into it so the caller's tree is at /oldroot, build /newroot. */
static int
mounts_enter_scratch (struct mounts_ctx *c, iso_error_t *err)
{
  static const char *const bases[] = { "/tmp", "/mnt", "/run" };
  const char *base = NULL;
  for (size_t i = 0; i < ARRAY_SIZE (bases) && !base; i++)
    if (mounts_is_dir (bases[i]))
      base = bases[i];
  if (!base)
    return iso_make_error (err, 0, "no directory to build the new root on (/tmp, /mnt or /run)");
  if (mount ("isoscope-root", base, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
    return iso_make_error (err, errno, "cannot mount a tmpfs on %s to build the new root", base);
  if (chdir (base) < 0 || mkdir ("newroot", 0755) < 0 || mkdir ("oldroot", 0755) < 0)
    return iso_make_error (err, errno, "cannot prepare the tmpfs on %s", base);
  if (mounts_pivot_root (".", "oldroot") < 0)
    return iso_make_error (err, errno, "pivot_root into the scratch tmpfs");
  if (chdir ("/") < 0)
    return iso_make_error (err, errno, "chdir /");
  c->src_prefix = "/oldroot";
  return 0;
}

/* Swap /newroot in as "/" and let go of everything else. */
static int
mounts_leave_scratch (struct mounts_ctx *c, iso_error_t *err)
{
  const struct run_plan *p = c->p;
  if (p->propagation_set && p->propagation
      && mount (NULL, "/newroot", NULL, MS_REC | (unsigned long)p->propagation, NULL) < 0)
    return iso_make_error (err, errno, "cannot set the propagation of the new root");
  /* Private first, so detaching cannot reach the caller's namespace. */
  if (mount (NULL, "/oldroot", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return iso_make_error (err, errno, "cannot make the old root private");
  if (umount2 ("/oldroot", MNT_DETACH) < 0)
    return iso_make_error (err, errno, "cannot detach the old root");
  if (chdir ("/newroot") < 0)
    return iso_make_error (err, errno, "chdir /newroot");
  /* pivot_root(".", "."): the scratch tmpfs ends up on top of the new root, then goes. */
  if (mounts_pivot_root (".", ".") < 0)
    return iso_make_error (err, errno, "pivot_root into the new root");
  if (umount2 (".", MNT_DETACH) < 0)
    return iso_make_error (err, errno, "cannot detach the scratch tmpfs");
  if (chdir ("/") < 0)
    return iso_make_error (err, errno, "chdir /");
  c->src_prefix = "";
  return 0;
}

static bool
mounts_in_userns (void)
{
  char buf[128];
  /* The initial user namespace maps every id: "0 0 4294967295". */
  if (util_read_buf_at (AT_FDCWD, "/proc/self/uid_map", buf, sizeof buf) < 0)
    return false;
  long a, b, n;
  return !(sscanf (buf, "%ld %ld %ld", &a, &b, &n) == 3 && a == 0 && b == 0 && n == 4294967295L);
}

int
mounts_setup (const struct run_plan *p, bool own_pidns, iso_error_t *err)
{
  struct mounts_ctx c = { .p = p, .new_root = run_plan_new_root (p), .src_prefix = "", .rootfd = -1 };
  c.own_pidns = own_pidns;
  c.userns = p->ns[NS_USER].want || mounts_in_userns ();
  int r = 0;

  /* Nothing done below may reach the caller's mount namespace; pivot_root also
     needs a tree that is not shared. */
  unsigned long prop = c.new_root ? MS_SLAVE : p->propagation_set ? (unsigned long)p->propagation : MS_PRIVATE;
  if (prop && mount (NULL, "/", NULL, MS_REC | prop, NULL) < 0)
    return iso_make_error (err, errno, "cannot change the propagation of /");

  if (c.new_root)
    {
      if ((r = mounts_enter_scratch (&c, err)) < 0 || (r = mounts_new_root (&c, err)) < 0)
        return r;
      c.rootfd = open ("/newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
    }
  else
    c.rootfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (c.rootfd < 0)
    return iso_make_error (err, errno, "cannot open the sandbox's root");

  /* A new root gets a proc and a minimal dev where it has those directories and the
     plan does not mount something there itself. */
  if (c.new_root)
    {
      static const struct run_mount defaults[] = {
        { RUN_MOUNT_PROC, NULL, "/proc" },
        { RUN_MOUNT_DEV, NULL, "/dev" },
      };
      for (size_t i = 0; i < ARRAY_SIZE (defaults) && r == 0; i++)
        {
          int fd = mounts_openat2 (c.rootfd, defaults[i].dst, O_PATH | O_DIRECTORY | O_CLOEXEC,
                                   RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
          if (fd < 0)
            continue;
          close (fd);
          if (!mounts_planned (p, defaults[i].dst))
            r = mounts_one (&c, &defaults[i], true, err);
        }
    }
  /* Docker's masks go on every new proc; before profiles only a new root's was protected. */
  for (size_t i = 0; i < p->nmounts && r == 0; i++)
    r = mounts_one (&c, &p->mounts[i], c.new_root || p->harden.masks, err);
  if (r == 0 && p->mount_proc)
    {
      struct run_mount m = { RUN_MOUNT_PROC, NULL, p->mount_proc };
      r = mounts_one (&c, &m, p->harden.masks, err);
    }
  close (c.rootfd);
  if (r == 0 && c.new_root)
    r = mounts_leave_scratch (&c, err);
  return r;
}
