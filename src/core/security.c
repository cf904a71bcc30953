// SPDX-License-Identifier: GPL-2.0-or-later
/* security.c: LSM labels, id maps, roots, file capabilities and the filesystem view of a mount namespace. */
#define _GNU_SOURCE
#include "isoscope/security.h"
#include "isoscope/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>

static bool
is_denied (long r)
{
  return r == -EACCES || r == -EPERM;
}

static char *
read_small (int dirfd, const char *path, long *rc)
{
  char *text = NULL;
  *rc = util_read_file_at (dirfd, path, &text);
  if (*rc < 0)
    return NULL;
  return text;
}

static char *
read_link (int dirfd, const char *path, long *rc)
{
  char buf[4096];
  ssize_t n = readlinkat (dirfd, path, buf, sizeof buf - 1);
  if (n < 0)
    {
      *rc = -errno;
      return NULL;
    }
  *rc = 0;
  buf[n] = '\0';
  return xstrdup (buf);
}

/* The LSM label: AppArmor has its own directory since 5.8; SELinux and older
   AppArmor answer through attr/current; EINVAL there means no LSM claims it. */
static void
read_label (int piddir, struct iso_sec *s)
{
  static const struct
  {
    const char *path, *lsm;
  } where[] = {
    { "attr/apparmor/current", "apparmor" },
    { "attr/selinux/current", "selinux" },
    { "attr/smack/current", "smack" },
    { "attr/current", NULL },
  };
  for (size_t i = 0; i < ARRAY_SIZE (where); i++)
    {
      long r;
      char *text = read_small (piddir, where[i].path, &r);
      if (!text)
        {
          if (is_denied (r))
            s->denied |= SEC_DENIED_LABEL;
          continue;
        }
      size_t n = strcspn (text, "\n");
      while (n > 0 && text[n - 1] == '\0')
        n--;
      text[n] = '\0';
      if (n == 0)
        {
          free (text);
          continue;
        }
      s->label = text;
      const char *lsm = where[i].lsm;
      if (!lsm)
        lsm = strchr (text, ':') && strstr (text, "_u:") ? "selinux" : "apparmor";
      snprintf (s->lsm, sizeof s->lsm, "%s", lsm);
      return;
    }
}

void
sec_collect_proc (int piddir, struct iso_proc *p)
{
  struct iso_sec *s = xzalloc (sizeof *s);
  long r;
  s->setgroups_deny = -1;
  read_label (piddir, s);
  s->uid_map = read_small (piddir, "uid_map", &r);
  if (is_denied (r))
    s->denied |= SEC_DENIED_MAPS;
  s->gid_map = read_small (piddir, "gid_map", &r);
  char buf[32];
  if (util_read_buf_at (piddir, "setgroups", buf, sizeof buf) > 0)
    s->setgroups_deny = strncmp (buf, "deny", 4) == 0;
  s->root = read_link (piddir, "root", &r);
  if (is_denied (r))
    s->denied |= SEC_DENIED_ROOT;
  s->cwd = read_link (piddir, "cwd", &r);
  s->exe = read_link (piddir, "exe", &r);
  if (is_denied (r))
    s->denied |= SEC_DENIED_EXE;
  /* The root differs from "/" as we see it only in our own mount namespace. */
  s->chrooted = s->root && strcmp (s->root, "/") != 0;
  if (s->exe)
    {
      /* Through the magic link, which reaches the file even in another mount namespace. */
      char path[64];
      snprintf (path, sizeof path, "/proc/self/fd/%d/exe", piddir);
      cap_t fc = cap_get_file (path);
      if (fc)
        {
          char *t = cap_to_text (fc, NULL);
          if (t)
            {
              s->exe_caps = xstrdup (t);
              cap_free (t);
            }
          cap_free (fc);
        }
    }
  sec_free (p->sec);
  p->sec = s;
}

void
sec_collect_mntview (int piddir, struct iso_proc *p)
{
  struct iso_ns *mnt = p->ns[NS_MNT];
  if (!mnt || mnt->mntview || p->state == 'Z')
    return;
  char *text;
  if (util_read_file_at (piddir, "mountinfo", &text) < 0)
    return;
  mnt->mntview = xzalloc (sizeof *mnt->mntview);
  sec_parse_mntview (text, mnt->mntview);
  free (text);
}

void
sec_free (struct iso_sec *s)
{
  if (!s)
    return;
  free (s->label);
  free (s->uid_map);
  free (s->gid_map);
  free (s->root);
  free (s->cwd);
  free (s->exe);
  free (s->exe_caps);
  free (s);
}

/* One line of a uid_map or gid_map as the kernel writes it: "INSIDE OUTSIDE COUNT", unsigned
   32-bit numbers separated by blanks, a range that fits 32 bits on both sides.  sscanf would
   read past the newline, take negative numbers and ignore trailing garbage. */
static bool
idmap_line (const char *line, unsigned long long v[3])
{
  const char *s = line;
  for (int k = 0; k < 3; k++)
    {
      s += strspn (s, " \t");
      if (*s < '0' || *s > '9')
        return false;
      char *e;
      errno = 0;
      v[k] = strtoull (s, &e, 10);
      if (errno || v[k] > UINT32_MAX)
        return false;
      s = e;
    }
  s += strspn (s, " \t");
  return (*s == '\0' || *s == '\n') && v[2] > 0 && v[0] + v[2] - 1 <= UINT32_MAX && v[1] + v[2] - 1 <= UINT32_MAX;
}

int
sec_idmap_to_inside (const char *map, long outside, long *inside)
{
  for (const char *line = map; line && *line;)
    {
      unsigned long long v[3];
      if (outside >= 0 && idmap_line (line, v) && (unsigned long long)outside >= v[1]
          && (unsigned long long)outside - v[1] < v[2])
        {
          *inside = (long)(v[0] + ((unsigned long long)outside - v[1]));
          return 0;
        }
      line = strchr (line, '\n');
      if (line)
        line++;
    }
  return -ERANGE;
}

bool
sec_is_runtime_socket (const char *path)
{
  static const char *const socks[] = {
    "docker.sock", "containerd.sock", "crio.sock", "podman.sock", "cri-dockerd.sock", "dockershim.sock",
  };
  const char *base = strrchr (path, '/');
  base = base ? base + 1 : path;
  for (size_t i = 0; i < ARRAY_SIZE (socks); i++)
    if (strcmp (base, socks[i]) == 0)
      return true;
  return false;
}

static void
push (char ***arr, size_t *n, const char *s)
{
  *arr = xreallocarray (*arr, *n + 1, sizeof **arr);
  (*arr)[(*n)++] = xstrdup (s);
}

static bool
under (const char *path, const char *dir)
{
  size_t n = strlen (dir);
  return strncmp (path, dir, n) == 0 && path[n] == '/';
}

bool
sec_mount_is_mask (const char *target, const char *fstype, const char *root, bool ro)
{
  /* Docker-style masking: /dev/null bound over a file, or an empty read-only tmpfs over a directory. */
  bool tmpfs = strcmp (fstype, "tmpfs") == 0;
  bool devnull = root && strcmp (root, "/null") == 0 && (tmpfs || strcmp (fstype, "devtmpfs") == 0);
  return devnull || (tmpfs && ro && !under (target, "/sys/fs"));
}

int
sec_parse_mntview (const char *text, struct iso_mntview *v)
{
  memset (v, 0, sizeof *v);
  FILE *f = fmemopen ((void *)text, strlen (text), "r");
  if (!f)
    return -errno;
  struct libmnt_table *tb = mnt_new_table ();
  int r = tb ? mnt_table_parse_stream (tb, f, "mountinfo") : -ENOMEM;
  fclose (f);
  if (r < 0)
    {
      mnt_unref_table (tb);
      return -EINVAL;
    }
  struct libmnt_iter *it = mnt_new_iter (MNT_ITER_FORWARD);
  struct libmnt_fs *fs;
  while (it && mnt_table_next_fs (tb, it, &fs) == 0)
    {
      const char *target = mnt_fs_get_target (fs), *type = mnt_fs_get_fstype (fs);
      const char *root = mnt_fs_get_root (fs), *vfs = mnt_fs_get_vfs_options (fs);
      if (!target || !type)
        continue;
      v->nmounts++;
      bool ro = vfs && mnt_optstr_get_option (vfs, "ro", NULL, NULL) == 0;
      if (strcmp (target, "/") == 0)
        {
          /* The last mount on "/" is the one in effect. */
          free (v->root_fstype);
          free (v->root_source);
          free (v->root_options);
          free (v->overlay_lower);
          free (v->overlay_upper);
          v->overlay_lower = v->overlay_upper = NULL;
          v->root_fstype = xstrdup (type);
          v->root_source = xstrdup (mnt_fs_get_source (fs) ? mnt_fs_get_source (fs) : "");
          v->root_options = xstrdup (mnt_fs_get_fs_options (fs) ? mnt_fs_get_fs_options (fs) : "");
          char *val;
          size_t len;
          /* "lowerdir" without "=DIR" is found with no value. */
          if (mnt_optstr_get_option (v->root_options, "lowerdir", &val, &len) == 0 && val)
            v->overlay_lower = xstrndup (val, len);
          if (mnt_optstr_get_option (v->root_options, "upperdir", &val, &len) == 0 && val)
            v->overlay_upper = xstrndup (val, len);
        }
      if (strcmp (target, "/proc") == 0 && ro)
        v->proc_ro = true;
      if (under (target, "/proc") || under (target, "/sys") || strcmp (target, "/sys") == 0)
        {
          if (sec_mount_is_mask (target, type, root, ro))
            push (&v->masked, &v->nmasked, target);
          else if (ro && strcmp (target, "/sys") != 0)
            push (&v->readonly, &v->nreadonly, target);
        }
      if ((strcmp (type, "cgroup") == 0 || strcmp (type, "cgroup2") == 0) && !ro)
        v->cgroupfs_writable = true;
      if (sec_is_runtime_socket (target))
        push (&v->sockets, &v->nsockets, target);
    }
  mnt_free_iter (it);
  mnt_unref_table (tb);
  return 0;
}

void
sec_mntview_free (struct iso_mntview *v)
{
  if (!v)
    return;
  free (v->root_fstype);
  free (v->root_source);
  free (v->root_options);
  free (v->overlay_lower);
  free (v->overlay_upper);
  char **lists[] = { v->masked, v->readonly, v->sockets };
  const size_t counts[] = { v->nmasked, v->nreadonly, v->nsockets };
  for (int k = 0; k < 3; k++)
    {
      for (size_t i = 0; i < counts[k]; i++)
        free (lists[k][i]);
      free (lists[k]);
    }
  memset (v, 0, sizeof *v);
}

char *
sec_caps_text (uint64_t set)
{
  struct strbuf b = { 0 };
  for (int c = 0; c < 64; c++)
    {
      if (!(set & (1ULL << c)))
        continue;
      if (b.len)
        strbuf_puts (&b, ",");
      char *name = cap_to_name ((cap_value_t)c);
      /* libcap spells capabilities it does not know as a bare number. */
      if (name && name[0] >= '0' && name[0] <= '9')
        strbuf_printf (&b, "cap_%s", name);
      else if (name)
        strbuf_puts (&b, name);
      else
        strbuf_printf (&b, "cap_%d", c);
      cap_free (name);
    }
  return b.len ? strbuf_steal (&b) : xstrdup ("");
}

int
sec_cap_count (uint64_t set)
{
  return __builtin_popcountll (set);
}

uint64_t
sec_docker_default_caps (void)
{
  static const int caps[] = { CAP_CHOWN,   CAP_DAC_OVERRIDE, CAP_FSETID,           CAP_FOWNER,
                              CAP_MKNOD,   CAP_NET_RAW,      CAP_SETGID,           CAP_SETUID,
                              CAP_SETFCAP, CAP_SETPCAP,      CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT,
                              CAP_KILL,    CAP_AUDIT_WRITE };
  uint64_t m = 0;
  for (size_t i = 0; i < ARRAY_SIZE (caps); i++)
    m |= 1ULL << caps[i];
  return m;
}

uint64_t
sec_all_caps (void)
{
  return sec_all_caps_at (NULL);
}

uint64_t
sec_all_caps_at (const char *sysroot)
{
  char buf[16];
  int last = 40;
  cleanup_free char *path = xasprintf ("%s/proc/sys/kernel/cap_last_cap", sysroot ? sysroot : "");
  if (util_read_buf_at (AT_FDCWD, path, buf, sizeof buf) > 0)
    last = atoi (buf);
  if (last < 0 || last > 63)
    last = 40;
  return last == 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
}
