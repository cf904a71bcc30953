// SPDX-License-Identifier: GPL-2.0-or-later
/* proc.c: the /proc process collector: stat, status, ns links, threads and fds. */
#define _GNU_SOURCE
#include "isoscope/proc.h"
#include "isoscope/cgroup.h"
#include "isoscope/container.h"
#include "isoscope/security.h"
#include "isoscope/ns.h"
#include "isoscope/util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
proc_parse_stat (const char *buf, struct proc_stat *out)
{
  memset (out, 0, sizeof *out);
  const char *open = strchr (buf, '(');
  const char *close = strrchr (buf, ')');
  if (!open || !close || close < open)
    return -EINVAL;
  char *end;
  errno = 0;
  long pid = strtol (buf, &end, 10);
  /* "PID (comm)": exactly one space between the pid and the comm. */
  if (end == buf || pid <= 0 || pid > INT_MAX || errno || end[0] != ' ' || end + 1 != open)
    return -EINVAL;
  out->pid = (pid_t)pid;
  size_t n = (size_t)(close - open - 1);
  if (n >= sizeof out->comm)
    n = sizeof out->comm - 1;
  memcpy (out->comm, open + 1, n);
  out->comm[n] = '\0';

  /* Fields after comm, numbered as in proc_pid_stat(5): 3 is state. */
  const char *s = close + 1;
  unsigned long long v[53];
  int field = 3, got = 0;
  char state = 0;
  while (*s && field <= 24)
    {
      while (*s == ' ')
        s++;
      if (!*s || *s == '\n')
        break;
      if (field == 3)
        {
          /* The state is one letter (R, S, D, Z, T, t, X, I...). */
          if (!isalpha ((unsigned char)s[0]) || s[1] != ' ')
            return -EINVAL;
          state = *s++;
        }
      else
        {
          errno = 0;
          if (*s == '-')
            {
              long long x = strtoll (s, &end, 10);
              v[field] = (unsigned long long)x;
            }
          else
            v[field] = strtoull (s, &end, 10);
          if (end == s || errno)
            return -EINVAL;
          s = end;
        }
      got = field;
      field++;
    }
  if (got < 22)
    return -EINVAL;
  out->state = state;
  out->ppid = (pid_t)v[4];
  out->utime = v[14];
  out->stime = v[15];
  out->nthreads = (long)v[20];
  out->start_time = v[22];
  out->rss_pages = got >= 24 && (long long)v[24] > 0 ? v[24] : 0;
  return 0;
}

/* Does a number start at S, after blanks?  strtol and strtoull would also skip a newline
   and read the number at the start of the next line. */
static bool
starts_number (const char *s)
{
  s += strspn (s, " \t");
  return isxdigit ((unsigned char)*s) || ((*s == '-' || *s == '+') && isxdigit ((unsigned char)s[1]));
}

/* A decimal number in [MIN, MAX]; *END is NULL when there is none or it is out of range. */
static long
parse_long (const char *s, const char **end, long min, long max)
{
  char *e;
  if (!starts_number (s))
    {
      *end = NULL;
      return -1;
    }
  errno = 0;
  long v = strtol (s, &e, 10);
  if (e == s || errno || v < min || v > max)
    {
      *end = NULL;
      return -1;
    }
  *end = e;
  return v;
}

static uint64_t
parse_hex (const char *s, bool *ok)
{
  char *e;
  errno = 0;
  unsigned long long v = strtoull (s, &e, 16);
  *ok = starts_number (s) && e != s && !errno;
  return v;
}

int
proc_parse_status (const char *buf, struct iso_proc *p)
{
  bool any = false;
  int capmask = 0;
  for (const char *line = buf; line && *line;)
    {
      const char *nl = strchr (line, '\n');
      const char *colon = memchr (line, ':', nl ? (size_t)(nl - line) : strlen (line));
      if (colon)
        {
          size_t klen = (size_t)(colon - line);
          const char *val = colon + 1;
          while (*val == ' ' || *val == '\t')
            val++;
          const char *end;
          bool ok;
#define KEY(k) (klen == sizeof (k) - 1 && memcmp (line, k, klen) == 0)
          if (KEY ("Name") || KEY ("Pid"))
            any = true;
          else if (KEY ("Uid") || KEY ("Gid"))
            {
              /* Real and effective ids; (uid_t) -1 is never a valid id. */
              long r = parse_long (val, &end, 0, 4294967294L);
              long e = end ? parse_long (end, &end, 0, 4294967294L) : -1;
              if (end)
                {
                  if (line[0] == 'U')
                    p->uid = r, p->euid = e;
                  else
                    p->gid = r, p->egid = e;
                }
            }
          else if (KEY ("Threads"))
            {
              long t = parse_long (val, &end, 1, INT_MAX);
              if (end && t > 0)
                p->nthreads = (int)t;
            }
          else if (KEY ("NSpid"))
            {
              pid_t tmp[64];
              int n = 0;
              const char *s = val;
              while (n < 64)
                {
                  long v = parse_long (s, &end, 1, INT_MAX);
                  if (!end || v <= 0)
                    break;
                  tmp[n++] = (pid_t)v;
                  /* Levels are separated by blanks: "2+1" is not two of them. */
                  if (*end != ' ' && *end != '\t')
                    break;
                  s = end;
                }
              free (p->nspid);
              p->nspid = NULL;
              p->nnspid = 0;
              if (n > 0)
                {
                  p->nspid = xcalloc ((size_t)n, sizeof *p->nspid);
                  memcpy (p->nspid, tmp, (size_t)n * sizeof *tmp);
                  p->nnspid = n;
                }
            }
          else if (klen == 6 && memcmp (line, "Cap", 3) == 0)
            {
              uint64_t v = parse_hex (val, &ok);
              if (ok)
                {
                  if (KEY ("CapInh"))
                    p->cap_inh = v, capmask |= 1;
                  else if (KEY ("CapPrm"))
                    p->cap_prm = v, capmask |= 2;
                  else if (KEY ("CapEff"))
                    p->cap_eff = v, capmask |= 4;
                  else if (KEY ("CapBnd"))
                    p->cap_bnd = v, capmask |= 8;
                  else if (KEY ("CapAmb"))
                    p->cap_amb = v, capmask |= 16;
                }
            }
          else if (KEY ("NoNewPrivs"))
            {
              long v = parse_long (val, &end, 0, 1);
              if (end)
                p->no_new_privs = (int)v;
            }
          else if (KEY ("Seccomp"))
            {
              long v = parse_long (val, &end, 0, 2);
              if (end)
                p->seccomp = (int)v;
            }
          else if (KEY ("Seccomp_filters"))
            {
              long v = parse_long (val, &end, 0, INT_MAX);
              if (end)
                p->seccomp_filters = (int)v;
            }
#undef KEY
        }
      line = nl ? nl + 1 : NULL;
    }
  /* Ambient appeared in 4.3; the other four are always there together. */
  p->caps_known = (capmask & 15) == 15;
  return any ? 0 : -EINVAL;
}

char *
proc_cmdline_join (const char *buf, size_t len)
{
  while (len > 0 && buf[len - 1] == '\0')
    len--;
  if (len == 0)
    return NULL;
  char *s = xmalloc (len + 1);
  for (size_t i = 0; i < len; i++)
    s[i] = buf[i] ? buf[i] : ' ';
  s[len] = '\0';
  return s;
}

static bool
is_access_error (int e)
{
  return e == EACCES || e == EPERM;
}

static bool
is_gone_error (int e)
{
  return e == ENOENT || e == ESRCH;
}

/* Read the link of every namespace type from NSDIR into INOS (0 where it failed;
   a kernel without a type has no link).  Returns 0 when at least one link was
   read, else the errno of the failure. */
static int
read_ns_links (int dirfd, const char *prefix, uint64_t inos[NS_TYPE_COUNT], uint64_t *pid_fc, uint64_t *time_fc)
{
  char buf[64], path[64];
  size_t plen = strlen (prefix);
  if (plen > sizeof path - 24)
    return ENAMETOOLONG;
  memcpy (path, prefix, plen);
  int nread = 0, first_err = ENOENT;
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    {
      inos[t] = 0;
      strcpy (path + plen, ns_types[t].link);
      ssize_t n = readlinkat (dirfd, path, buf, sizeof buf - 1);
      enum ns_type ty;
      if (n < 0)
        {
          if (errno != ENOENT)
            first_err = errno;
          continue;
        }
      buf[n] = '\0';
      if (ns_parse_link (buf, &ty, &inos[t]) < 0 || ty != (enum ns_type)t)
        inos[t] = 0;
      else
        nread++;
    }
  uint64_t *fc[] = { pid_fc, time_fc };
  static const char *const names[] = { "pid_for_children", "time_for_children" };
  for (int i = 0; i < 2 && nread; i++)
    {
      if (!fc[i])
        continue;
      *fc[i] = 0;
      strcpy (path + plen, names[i]);
      ssize_t n = readlinkat (dirfd, path, buf, sizeof buf - 1);
      enum ns_type ty;
      if (n <= 0)
        continue;
      buf[n] = '\0';
      if (ns_parse_link (buf, &ty, fc[i]) < 0)
        *fc[i] = 0;
    }
  return nread ? 0 : first_err;
}

/* Remember "PID/DIR/NAME" (relative to /proc) as a way to open NS. */
static void
set_open_path (struct iso_ns *ns, pid_t pid, const char *dir, const char *name)
{
  if (!ns->open_path)
    ns->open_path = xasprintf ("%d/%s/%s", (int)pid, dir, name);
}

/* The namespaces of the first thread of PIDDIR other than the leader LEADER whose links
   can be read.  0, or the errno of the last failure. */
static int
read_live_thread_ns (int piddir, pid_t leader, uint64_t inos[NS_TYPE_COUNT], uint64_t *pid_fc, uint64_t *time_fc)
{
  cleanup_close int taskfd = openat (piddir, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (taskfd < 0)
    return errno;
  struct dirscan d;
  dirscan_init (&d, taskfd);
  const char *name;
  int e = ENOENT;
  while ((name = dirscan_next (&d)))
    {
      int tid;
      if (util_parse_int (name, &tid) < 0 || tid == leader)
        continue;
      char prefix[32];
      snprintf (prefix, sizeof prefix, "%d/ns/", tid);
      e = read_ns_links (taskfd, prefix, inos, pid_fc, time_fc);
      if (e == 0)
        return 0;
    }
  return e;
}

static void
collect_tasks (struct iso_model *m, int piddir, struct iso_proc *p)
{
  cleanup_close int taskfd = openat (piddir, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (taskfd < 0)
    return;
  struct dirscan d;
  dirscan_init (&d, taskfd);
  const char *name;
  while ((name = dirscan_next (&d)))
    {
      int tid;
      if (util_parse_int (name, &tid) < 0 || tid == p->pid)
        continue;
      char prefix[32];
      snprintf (prefix, sizeof prefix, "%d/ns/", tid);
      uint64_t inos[NS_TYPE_COUNT];
      if (read_ns_links (taskfd, prefix, inos, NULL, NULL) != 0)
        continue;
      for (int t = 0; t < NS_TYPE_COUNT; t++)
        {
          if (!inos[t] || !p->ns[t] || inos[t] == p->ns[t]->ino)
            continue;
          struct iso_ns *ns = iso_model_get_ns (m, (enum ns_type)t, inos[t], NULL);
          struct ns_holder *h = iso_ns_add_holder (ns, HOLDER_TASK);
          h->pid = p->pid;
          h->num = tid;
          ns->nthreads++;
          p->ns[t]->nthreads--;
          if (!ns->open_path)
            ns->open_path = xasprintf ("%d/task/%d/ns/%s", (int)p->pid, tid, ns_types[t].link);
        }
    }
}

static void
collect_fds (struct iso_model *m, int piddir, struct iso_proc *p)
{
  cleanup_close int fdfd = openat (piddir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fdfd < 0)
    {
      if (is_access_error (errno))
        p->errors |= PROC_ERR_DENIED;
      return;
    }
  struct dirscan d;
  dirscan_init (&d, fdfd);
  const char *name;
  char buf[4096];
  while ((name = dirscan_next (&d)))
    {
      if (name[0] < '0' || name[0] > '9')
        continue;
      ssize_t n = readlinkat (fdfd, name, buf, sizeof buf - 1);
      if (n <= 0)
        continue;
      buf[n] = '\0';
      if (buf[0] == '/')
        {
          /* Opened through a path: an nsfs bind mount reads so (or "/" once lazily
             unmounted).  Kept for ns_resolve_fd_paths, which knows the bind mounts. */
          if ((m->nfdpaths & (m->nfdpaths - 1)) == 0)
            m->fdpaths = xreallocarray (m->fdpaths, m->nfdpaths ? m->nfdpaths * 2 : 64, sizeof *m->fdpaths);
          m->fdpaths[m->nfdpaths++] = (struct iso_fdpath){ p->pid, atoi (name), xstrdup (buf) };
          continue;
        }
      enum ns_type t;
      uint64_t ino;
      if (ns_parse_link (buf, &t, &ino) < 0)
        continue;
      struct iso_ns *ns = iso_model_get_ns (m, t, ino, NULL);
      struct ns_holder *h = iso_ns_add_holder (ns, HOLDER_FD);
      h->pid = p->pid;
      h->num = atoi (name);
      set_open_path (ns, p->pid, "fd", name);
    }
}

/* Read /proc/PID/cgroup, link P to its cgroup in every hierarchy, choose the
   primary path and recognise its container. */
static void
proc_link_cgroups (struct iso_model *m, int piddir, struct iso_proc *p)
{
  char *text;
  long n = util_read_file_at (piddir, "cgroup", &text);
  if (n < 0)
    {
      if (n == -EACCES || n == -EPERM)
        p->errors |= PROC_ERR_DENIED;
      return;
    }
  proc_link_cgroup_text (m, p, text);
}

void
proc_link_cgroup_text (struct iso_model *m, struct iso_proc *p, char *text)
{
  const struct cg_tree *t = m->cg;
  p->cgroup_text = text;
  p->cgroup_len = strlen (text);
  p->cgroups = xcalloc (t->nh ? t->nh : 1, sizeof *p->cgroups);
  /* The text is split in place: cgroup_path points into it. */
  const char *v2path = NULL, *memory = NULL, *named = NULL, *other = NULL;
  bool found = false;
  struct iso_container c;
  for (char *line = text; line && *line;)
    {
      char *nl = strchr (line, '\n');
      char *next = nl ? nl + 1 : NULL;
      int id;
      const char *ctrls, *path;
      if (cg_parse_proc_line (line, &id, &ctrls, &path) == 0)
        {
          bool v2 = id == 0 && *ctrls == '\0';
          struct cg_hierarchy *h = cg_tree_find_hierarchy (t, ctrls, v2);
          if (h)
            p->cgroups[h - t->h] = cg_tree_find (t, h, path);
          if (v2)
            v2path = path;
          else if (strcmp (ctrls, "memory") == 0)
            memory = path;
          else if (strncmp (ctrls, "name=", 5) == 0)
            named = path;
          else if (!other && strcmp (path, "/") != 0)
            other = path;
          if (!found && container_from_path (path, &c))
            {
              found = true;
              p->container = iso_model_intern_container (m, &c);
            }
        }
      line = next;
    }
  bool v2_useful = v2path && (t->mode == CG_MODE_V2 || strcmp (v2path, "/") != 0);
  p->cgroup_path = v2_useful                             ? v2path
                   : memory && strcmp (memory, "/") != 0 ? memory
                   : named && strcmp (named, "/") != 0   ? named
                   : other                               ? other
                   : v2path                              ? v2path
                                                         : memory;
}

/* Read and parse PIDDIR/status into P.  0, or -ENOENT when the process is gone. */
static int
read_status (int piddir, struct iso_proc *p)
{
  char sbuf[8192];
  long n = util_read_buf_at (piddir, "status", sbuf, sizeof sbuf);
  p->status_read = true;
  if (n >= 0)
    proc_parse_status (sbuf, p);
  else if (is_gone_error ((int)-n))
    return -ENOENT;
  else if (is_access_error ((int)-n))
    p->errors |= PROC_ERR_DENIED;
  return 0;
}

/* Read one process.  Returns false when it vanished (and was removed). */
static bool
collect_one (struct iso_model *m, int procfd, pid_t pid, unsigned flags)
{
  char name[16];
  snprintf (name, sizeof name, "%d", (int)pid);
  cleanup_close int piddir = openat (procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (piddir < 0)
    {
      if (is_gone_error (errno))
        m->scan.nvanished++;
      return false;
    }
  char buf[4096];
  long n = util_read_buf_at (piddir, "stat", buf, sizeof buf);
  struct proc_stat st;
  if (n < 0 || proc_parse_stat (buf, &st) < 0)
    {
      if (n < 0 && is_gone_error ((int)-n))
        m->scan.nvanished++;
      return false;
    }
  struct iso_proc *p = iso_model_add_proc (m, pid);
  p->ppid = st.ppid;
  p->cpu_ticks = st.utime + st.stime;
  p->rss_pages = st.rss_pages;
  p->start_time = st.start_time;
  p->state = st.state;
  p->nthreads = st.nthreads > 0 ? (int)st.nthreads : 1;
  snprintf (p->comm, sizeof p->comm, "%s", st.comm);

  uint64_t inos[NS_TYPE_COUNT] = { 0 }, pid_fc = 0, time_fc = 0;
  int e = read_ns_links (piddir, "ns/", inos, &pid_fc, &time_fc);
  /* A leader that exited while its other threads run is a zombie that keeps only its
     user and pid links: the process lives on in those threads, so take the namespaces
     of the first one. */
  if (p->state == 'Z' && p->nthreads > 1 && (e == ENOENT || !inos[NS_MNT] || !inos[NS_NET]))
    {
      uint64_t tinos[NS_TYPE_COUNT], tpid_fc = 0, ttime_fc = 0;
      if (read_live_thread_ns (piddir, p->pid, tinos, &tpid_fc, &ttime_fc) == 0)
        {
          memcpy (inos, tinos, sizeof tinos);
          pid_fc = tpid_fc;
          time_fc = ttime_fc;
          e = 0;
        }
    }
  if (e)
    {
      p->ns_errno = e;
      if (is_access_error (e))
        p->errors |= PROC_ERR_DENIED;
      else if (e == ESRCH || (e == ENOENT && p->state != 'Z'))
        {
          /* Re-check: a zombie has no namespaces; a gone process is vanished. */
          if (faccessat (piddir, "stat", R_OK, 0) < 0)
            goto vanished;
        }
    }
  /* status is the costliest small file: read it when asked; otherwise the owner
     of /proc/PID gives the uid (as lsns reads it), and a process in our own pid
     namespace needs no pid translation.  proc_load_status() fills the rest later
     for the few processes a view shows. */
  if (flags & COLLECT_STATUS)
    {
      if (read_status (piddir, p) == -ENOENT)
        goto vanished;
    }
  else
    {
      struct stat sb;
      if (fstat (piddir, &sb) == 0)
        {
          p->uid = p->euid = (long)sb.st_uid;
          p->gid = p->egid = (long)sb.st_gid;
        }
      if (inos[NS_PID] && inos[NS_PID] == m->scan.viewer_pidns)
        {
          p->nspid = xmalloc (sizeof *p->nspid);
          p->nspid[0] = pid;
          p->nnspid = 1;
        }
    }

  for (int t = 0; t < NS_TYPE_COUNT; t++)
    {
      if (!inos[t])
        continue;
      struct iso_ns *ns = iso_model_get_ns (m, (enum ns_type)t, inos[t], NULL);
      p->ns[t] = ns;
      ns->nprocs++;
      ns->nthreads += p->nthreads;
      if (!ns->proc || pid < ns->proc->pid)
        ns->proc = p;
      set_open_path (ns, pid, "ns", ns_types[t].link);
    }
  uint64_t fc[2] = { pid_fc, time_fc };
  enum ns_type fct[2] = { NS_PID, NS_TIME };
  for (int i = 0; i < 2; i++)
    {
      if (!fc[i])
        continue;
      struct iso_ns *ns = iso_model_get_ns (m, fct[i], fc[i], NULL);
      if (i == 0)
        p->pid_for_children = ns;
      else
        p->time_for_children = ns;
      if (p->ns[fct[i]] == ns)
        continue;
      struct ns_holder *h = iso_ns_add_holder (ns, HOLDER_FOR_CHILDREN);
      h->pid = pid;
      set_open_path (ns, pid, "ns", ns_types[fct[i]].for_children);
    }

  if ((flags & COLLECT_TASKS) && p->nthreads > 1 && !e)
    collect_tasks (m, piddir, p);

  if (flags & COLLECT_FDS)
    collect_fds (m, piddir, p);
  if ((flags & COLLECT_CGROUPS) && m->cg)
    proc_link_cgroups (m, piddir, p);
  if (flags & COLLECT_SECURITY)
    {
      sec_collect_proc (piddir, p);
      sec_collect_mntview (piddir, p);
    }
  if (flags & COLLECT_CMDLINE)
    {
      char *cl;
      long len = util_read_file_at (piddir, "cmdline", &cl);
      if (len >= 0)
        {
          p->cmdline = proc_cmdline_join (cl, (size_t)len);
          free (cl);
        }
      p->cmdline_read = true;
    }
  if (p->errors & PROC_ERR_DENIED)
    m->scan.ndenied++;
  return true;

vanished:
  /* Undo its namespace memberships before dropping it. */
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    if (p->ns[t])
      {
        p->ns[t]->nprocs--;
        p->ns[t]->nthreads -= p->nthreads;
        if (p->ns[t]->proc == p)
          p->ns[t]->proc = NULL;
      }
  m->scan.nvanished++;
  iso_model_remove_last_proc (m);
  return false;
}

void
proc_collect_all (struct iso_model *m, int procfd, unsigned flags)
{
  cleanup_close int dfd = openat (procfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return;
  struct dirscan d;
  dirscan_init (&d, dfd);
  const char *name;
  while ((name = dirscan_next (&d)))
    {
      int pid;
      if (name[0] < '1' || name[0] > '9' || util_parse_int (name, &pid) < 0)
        continue;
      collect_one (m, procfd, (pid_t)pid, flags);
    }
  /* A representative process dropped after vanishing leaves a gap: refill it. */
  for (size_t i = 0; i < m->nprocs; i++)
    for (int t = 0; t < NS_TYPE_COUNT; t++)
      {
        struct iso_ns *ns = m->procs[i]->ns[t];
        if (ns && (!ns->proc || m->procs[i]->pid < ns->proc->pid))
          ns->proc = m->procs[i];
      }
}

/* Open /proc/PID for P, but only if it is still the process we scanned. */
static int
open_same_process (int procfd, const struct iso_proc *p)
{
  char name[16];
  snprintf (name, sizeof name, "%d", (int)p->pid);
  int piddir = openat (procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (piddir < 0)
    return -1;
  char buf[4096];
  struct proc_stat st;
  if (util_read_buf_at (piddir, "stat", buf, sizeof buf) < 0 || proc_parse_stat (buf, &st) < 0
      || st.start_time != p->start_time)
    {
      close (piddir);
      return -1;
    }
  return piddir;
}

char *
proc_cgroup_text (const struct iso_proc *p)
{
  if (!p->cgroup_text)
    return NULL;
  char *s = xmalloc (p->cgroup_len + 1);
  memcpy (s, p->cgroup_text, p->cgroup_len);
  s[p->cgroup_len] = '\0';
  /* cg_parse_proc_line cut each line at its two colons and its newline. */
  int seps = 0;
  for (size_t i = 0; i < p->cgroup_len; i++)
    if (s[i] == '\n')
      seps = 0;
    else if (s[i] == '\0')
      {
        s[i] = seps < 2 ? ':' : '\n';
        seps = seps < 2 ? seps + 1 : 0;
      }
  return s;
}

void
proc_load_cmdline (int procfd, struct iso_proc *p)
{
  if (p->cmdline_read)
    return;
  p->cmdline_read = true;
  cleanup_close int piddir = open_same_process (procfd, p);
  if (piddir < 0)
    return;
  char *cl;
  long len = util_read_file_at (piddir, "cmdline", &cl);
  if (len >= 0)
    {
      p->cmdline = proc_cmdline_join (cl, (size_t)len);
      free (cl);
    }
}

void
proc_load_status (int procfd, struct iso_proc *p)
{
  if (p->status_read)
    return;
  p->status_read = true;
  cleanup_close int piddir = open_same_process (procfd, p);
  if (piddir >= 0)
    read_status (piddir, p);
}
