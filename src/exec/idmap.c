// SPDX-License-Identifier: GPL-2.0-or-later
/* idmap.c: the uid and gid maps of a new user namespace: work them out, then write them in order. */
#define _GNU_SOURCE
#include "isoscope/sandbox.h"
#include "isoscope/util.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int
idmap_parse_range (const char *text, struct idmap_range *r)
{
  const char *c1 = strchr (text, ':');
  const char *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
  if (!c2 || strchr (c2 + 1, ':'))
    return -EINVAL;
  char a[24], b[24];
  size_t la = (size_t)(c1 - text), lb = (size_t)(c2 - c1 - 1);
  if (la == 0 || la >= sizeof a || lb == 0 || lb >= sizeof b)
    return -EINVAL;
  memcpy (a, text, la);
  a[la] = '\0';
  memcpy (b, c1 + 1, lb);
  b[lb] = '\0';
  uint64_t in, out, count;
  if (util_parse_u64 (a, &in) < 0 || util_parse_u64 (b, &out) < 0 || util_parse_u64 (c2 + 1, &count) < 0)
    return -EINVAL;
  if (count == 0 || in > UINT32_MAX || out > UINT32_MAX || count > UINT32_MAX || in + count > 1ULL + UINT32_MAX
      || out + count > 1ULL + UINT32_MAX)
    return -ERANGE;
  *r = (struct idmap_range){ (long)in, (long)out, (long)count };
  return 0;
}

int
idmap_parse_user (const char *text, long *uid)
{
  uint64_t v;
  if (util_parse_u64 (text, &v) == 0)
    {
      if (v >= UINT32_MAX)
        return -ERANGE;
      *uid = (long)v;
      return 0;
    }
  struct passwd *pw = getpwnam (text);
  if (!pw)
    return -ENOENT;
  *uid = (long)pw->pw_uid;
  return 0;
}

int
idmap_parse_group (const char *text, long *gid)
{
  uint64_t v;
  if (util_parse_u64 (text, &v) == 0)
    {
      if (v >= UINT32_MAX)
        return -ERANGE;
      *gid = (long)v;
      return 0;
    }
  struct group *gr = getgrnam (text);
  if (!gr)
    return -ENOENT;
  *gid = (long)gr->gr_gid;
  return 0;
}

/* The first block of /etc/subuid (or /etc/subgid) that belongs to NAME or ID. */
static int
idmap_subid_block (const char *file, const char *name, long id, long *start, long *count, iso_error_t *err)
{
  cleanup_free char *text = NULL;
  if (util_read_file_at (AT_FDCWD, file, &text) < 0)
    return iso_make_error (err, errno, "--map-auto: cannot read %s", file);
  char idtext[24];
  snprintf (idtext, sizeof idtext, "%ld", id);
  for (char *line = text, *next; line && *line; line = next)
    {
      next = strchr (line, '\n');
      if (next)
        *next++ = '\0';
      char *c1 = strchr (line, ':'), *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
      if (!c2 || line[0] == '#')
        continue;
      *c1 = *c2 = '\0';
      if (strcmp (line, idtext) != 0 && (!name || strcmp (line, name) != 0))
        continue;
      uint64_t s, n;
      if (util_parse_u64 (c1 + 1, &s) < 0 || util_parse_u64 (c2 + 1, &n) < 0 || n == 0)
        continue;
      *start = (long)s;
      *count = (long)n;
      return 0;
    }
  return iso_make_error (err, 0,
                         "--map-auto: %s has no block of ids for %s (%ld): ask for one, e.g. 'usermod "
                         "--add-sub%cids 100000-165535 %s'",
                         file, name ? name : idtext, id, strstr (file, "gid") ? 'g' : 'u', name ? name : idtext);
}

/* One map: the caller's own id as SINGLE, then RANGES, then the subordinate block. */
static int
idmap_build_one (bool is_gid, long own, long single, const struct idmap_range *ranges, size_t nranges, bool autoblk,
                 bool privileged, char **out, bool *helper, iso_error_t *err)
{
  struct strbuf b = { 0 };
  bool only_own = true;
  if (single >= 0)
    strbuf_printf (&b, "%ld %ld 1\n", single, own);
  for (size_t i = 0; i < nranges; i++)
    {
      strbuf_printf (&b, "%ld %ld %ld\n", ranges[i].inner, ranges[i].outer, ranges[i].count);
      if (!(ranges[i].count == 1 && ranges[i].outer == own))
        only_own = false;
    }
  if (autoblk)
    {
      /* Both files list blocks under the user's name (or uid), as shadow keeps them. */
      struct passwd *pw = getpwuid (geteuid ());
      long start = 0, count = 0;
      int r = idmap_subid_block (is_gid ? "/etc/subgid" : "/etc/subuid", pw ? pw->pw_name : NULL, (long)geteuid (),
                                 &start, &count, err);
      if (r < 0)
        {
          free (b.s);
          return r;
        }
      long inner = single == 0 ? 1 : 0;
      if (single > 0 && single < inner + count)
        {
          free (b.s);
          return iso_make_error (err, 0,
                                 "--map-auto maps inner %ss %ld-%ld, which holds the %s %ld your own id is mapped "
                                 "to: map yours to 0 (-r) or outside that block",
                                 is_gid ? "gid" : "uid", inner, inner + count - 1, is_gid ? "gid" : "uid", single);
        }
      strbuf_printf (&b, "%ld %ld %ld\n", inner, start, count);
      only_own = false;
    }
  *out = b.s ? strbuf_steal (&b) : NULL;
  /* Without privilege the kernel takes one line that maps the writer's own id;
     anything more goes through the setuid helpers of shadow's uidmap package. */
  *helper = *out && !privileged && !only_own;
  return 0;
}

int
idmap_prepare (const struct run_plan *p, bool privileged, struct idmap_plan *m, iso_error_t *err)
{
  memset (m, 0, sizeof *m);
  const struct run_ids *ids = &p->ids;
  int r = idmap_build_one (false, (long)geteuid (), ids->single_uid, ids->uid_ranges, ids->nuid_ranges, ids->auto_uids,
                           privileged, &m->uid_map, &m->uid_helper, err);
  if (r == 0)
    r = idmap_build_one (true, (long)getegid (), ids->single_gid, ids->gid_ranges, ids->ngid_ranges, ids->auto_gids,
                         privileged, &m->gid_map, &m->gid_helper, err);
  if (r < 0)
    {
      idmap_plan_release (m);
      return r;
    }
  m->setgroups = ids->setgroups;
  /* As unshare: a single mapped group means setgroups is denied (the kernel insists
     on it without privilege: CVE-2014-8989). */
  if (m->setgroups == RUN_SETGROUPS_DEFAULT && ids->single_gid >= 0 && ids->ngid_ranges == 0 && !ids->auto_gids)
    m->setgroups = RUN_SETGROUPS_DENY;
  if (m->gid_map && !privileged && !m->gid_helper && m->setgroups == RUN_SETGROUPS_ALLOW)
    {
      idmap_plan_release (m);
      return iso_make_error (err, 0,
                             "--setgroups allow: without privilege the kernel maps a group only after setgroups "
                             "is denied; leave out --setgroups allow, or map groups with --map-groups or "
                             "--map-auto (through newgidmap)");
    }
  return 0;
}

void
idmap_plan_release (struct idmap_plan *m)
{
  free (m->uid_map);
  free (m->gid_map);
  m->uid_map = m->gid_map = NULL;
}

static int
idmap_write_file (pid_t pid, const char *file, const char *text, iso_error_t *err)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/%s", (int)pid, file);
  cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return iso_make_error (err, errno, "cannot open %s", path);
  size_t len = strlen (text);
  if (write (fd, text, len) == (ssize_t)len)
    return 0;
  int e = errno;
  cleanup_free char *shown = xstrdup (text);
  for (char *c = shown; *c; c++)
    if (*c == '\n')
      *c = c[1] ? ',' : '\0';
  if (e == EPERM && strcmp (file, "setgroups") != 0)
    return iso_make_error (err, 0,
                           "cannot write '%s' to %s: Operation not permitted: without CAP_SETUID/CAP_SETGID only "
                           "your own id may be mapped, once, and a gid only after setgroups is denied; map more "
                           "through newuidmap/newgidmap (--map-users, --map-auto) or run as root",
                           shown, path);
  return iso_make_error (err, e, "cannot write '%s' to %s", shown, path);
}

/* Run newuidmap or newgidmap for PID with the triples of MAP. */
static int
idmap_helper (const char *helper, pid_t pid, const char *map, iso_error_t *err)
{
  char **argv = xcalloc (3, sizeof *argv);
  size_t n = 0, cap = 3;
  argv[n++] = xstrdup (helper);
  argv[n++] = xasprintf ("%d", (int)pid);
  cleanup_free char *dup = xstrdup (map);
  char *save = NULL;
  for (char *tok = strtok_r (dup, " \n", &save); tok; tok = strtok_r (NULL, " \n", &save))
    {
      if (n + 2 > cap)
        {
          cap *= 2;
          argv = xreallocarray (argv, cap, sizeof *argv);
        }
      argv[n++] = xstrdup (tok);
    }
  argv[n] = NULL;
  int r = 0;
  fflush (NULL);
  pid_t c = fork ();
  if (c == 0)
    {
      execvp (helper, argv);
      _exit (errno == ENOENT ? 127 : 126);
    }
  int st = 0;
  if (c < 0)
    r = iso_make_error (err, errno, "cannot fork to run %s", helper);
  else
    {
      while (waitpid (c, &st, 0) < 0 && errno == EINTR)
        ;
      if (WIFEXITED (st) && WEXITSTATUS (st) == 127)
        r = iso_make_error (err, 0,
                            "%s was not found: install shadow's uidmap package, or map only your own id (-r, -c, "
                            "--map-user, --map-group)",
                            helper);
      else if (!WIFEXITED (st) || WEXITSTATUS (st) != 0)
        r = iso_make_error (err, 0,
                            "%s refused the map (see its message above): the outer ids must be yours or in your "
                            "blocks of /etc/subuid and /etc/subgid",
                            helper);
    }
  for (size_t i = 0; i < n; i++)
    free (argv[i]);
  free (argv);
  return r;
}

int
idmap_write (pid_t pid, const struct idmap_plan *m, iso_error_t *err)
{
  int r = 0;
  if (m->uid_map)
    r = m->uid_helper ? idmap_helper ("newuidmap", pid, m->uid_map, err)
                      : idmap_write_file (pid, "uid_map", m->uid_map, err);
  if (r == 0 && m->setgroups != RUN_SETGROUPS_DEFAULT)
    r = idmap_write_file (pid, "setgroups", m->setgroups == RUN_SETGROUPS_DENY ? "deny" : "allow", err);
  if (r == 0 && m->gid_map)
    r = m->gid_helper ? idmap_helper ("newgidmap", pid, m->gid_map, err)
                      : idmap_write_file (pid, "gid_map", m->gid_map, err);
  return r;
}
