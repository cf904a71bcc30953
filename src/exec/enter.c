// SPDX-License-Identifier: GPL-2.0-or-later
/* enter.c: join a target's namespaces and cgroup, then run a command there, in named phases. */
#define _GNU_SOURCE
#include "isoscope/enter.h"
#include "isoscope/ns.h"
#include "isoscope/proc.h"
#include "isoscope/security.h"
#include "isoscope/util.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libmount.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#define ISO_NS_GET_PARENT _IO (0xb7, 0x2)

/* What the prepare phase gathers before any namespace is joined. */
struct enter_state
{
  int rootfd, cwdfd;
  int own_pidns, own_mntns; /* ours, to go back to once the command is forked */
  char **envp;              /* -e: the target's environment (owned) */
  int *cgfds;               /* cgroup.procs of each hierarchy to join (owned fds) */
  size_t ncgfds;
  long follow_uid, follow_gid; /* the target's ids inside its user namespace */
  int setns_mask;              /* joined at once through the pidfd when not 0 */
  bool joined_user;
};

void
enter_plan_init (struct enter_plan *p)
{
  memset (p, 0, sizeof *p);
  p->target.pidfd = p->target.piddir = p->target.nsfd = -1;
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    p->ns[t].fd = -1;
  p->uid = p->gid = -1;
}

void
enter_plan_release (struct enter_plan *p)
{
  if (p->have_target)
    target_release (&p->target);
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    if (p->ns[t].fd >= 0)
      {
        close (p->ns[t].fd);
        p->ns[t].fd = -1;
      }
}

static void
state_release (struct enter_state *s)
{
  if (s->own_pidns >= 0)
    close (s->own_pidns);
  if (s->own_mntns >= 0)
    close (s->own_mntns);
  if (s->rootfd >= 0)
    close (s->rootfd);
  if (s->cwdfd >= 0)
    close (s->cwdfd);
  for (size_t i = 0; i < s->ncgfds; i++)
    close (s->cgfds[i]);
  free (s->cgfds);
  if (s->envp)
    {
      for (char **e = s->envp; *e; e++)
        free (*e);
      free (s->envp);
    }
}

/* ---- phase 1: prepare (everything is opened while we still see the host) ---- */

static int
open_target_ns (struct enter_plan *p, int t, iso_error_t *err)
{
  char path[48];
  snprintf (path, sizeof path, "ns/%s", ns_types[t].link);
  int fd = openat (p->target.piddir, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 && (errno == EACCES || errno == EPERM))
    return iso_make_error (err, 0,
                           "cannot open the %s namespace of %s: %s; opening the namespaces of another user's "
                           "process needs CAP_SYS_PTRACE (ptrace read access to it)",
                           ns_types[t].name, p->target.desc, strerror (errno));
  if (fd < 0)
    return iso_make_error (err, errno, "cannot open the %s namespace of %s", ns_types[t].name, p->target.desc);
  if (p->user_parent && t == NS_USER)
    {
      int parent = ioctl (fd, ISO_NS_GET_PARENT);
      int e = errno;
      close (fd);
      if (parent < 0)
        return iso_make_error (err, e, "cannot get the parent of the user namespace of %s", p->target.desc);
      fd = parent;
    }
  return fd;
}

static bool
same_ns_as_self (int fd, int t)
{
  char path[48];
  struct stat a, b;
  snprintf (path, sizeof path, "/proc/self/ns/%s", ns_types[t].link);
  return fstat (fd, &a) == 0 && stat (path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

/* The cgroup.procs file of every hierarchy the target is in, as the caller's mount
   namespace shows those hierarchies. */
static int
prepare_cgroup (struct enter_plan *p, struct enter_state *s, iso_error_t *err)
{
  cleanup_free char *text = NULL;
  if (util_read_file_at (p->target.piddir, "cgroup", &text) < 0)
    return iso_make_error (err, errno, "cannot read the cgroups of %s", p->target.desc);
  struct libmnt_table *tb = mnt_new_table_from_file ("/proc/self/mountinfo");
  if (!tb)
    return iso_make_error (err, errno, "cannot read /proc/self/mountinfo");
  int rc = 0;
  for (char *line = text; line && *line && rc == 0;)
    {
      char *nl = strchr (line, '\n');
      if (nl)
        *nl = '\0';
      /* "ID:CONTROLLERS:PATH"; ID 0 with empty controllers is cgroup v2. */
      char *c1 = strchr (line, ':'), *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
      if (c2)
        {
          *c1 = *c2 = '\0';
          const char *ctrls = c1 + 1, *path = c2 + 1;
          bool v2 = *ctrls == '\0';
          struct libmnt_iter *it = mnt_new_iter (MNT_ITER_FORWARD);
          struct libmnt_fs *fs;
          const char *mnt = NULL, *root = NULL;
          while (it && mnt_table_next_fs (tb, it, &fs) == 0)
            {
              if (v2 ? !mnt_fs_match_fstype (fs, "cgroup2") : !mnt_fs_match_fstype (fs, "cgroup"))
                continue;
              if (!v2)
                {
                  /* A v1 hierarchy: every controller in CTRLS is among its options. */
                  bool all = true;
                  const char *fsopts = mnt_fs_get_fs_options (fs);
                  char *dup = xstrdup (ctrls), *save = NULL;
                  for (char *tok = strtok_r (dup, ",", &save); tok; tok = strtok_r (NULL, ",", &save))
                    {
                      char *val = NULL;
                      size_t vlen = 0;
                      bool named = strncmp (tok, "name=", 5) == 0;
                      if (!fsopts || mnt_optstr_get_option (fsopts, named ? "name" : tok, &val, &vlen) != 0)
                        all = false;
                      else if (named && (vlen != strlen (tok + 5) || strncmp (val, tok + 5, vlen) != 0))
                        all = false;
                    }
                  free (dup);
                  if (!all)
                    continue;
                }
              mnt = mnt_fs_get_target (fs);
              root = mnt_fs_get_root (fs);
              break;
            }
          if (mnt && root && strstr (path, "/..") == NULL)
            {
              size_t rl = strcmp (root, "/") == 0 ? 0 : strlen (root);
              if (rl == 0 || (strncmp (path, root, rl) == 0 && (path[rl] == '/' || path[rl] == '\0')))
                {
                  cleanup_free char *procs = xasprintf ("%s%s/cgroup.procs", mnt, path + rl);
                  int fd = open (procs, O_WRONLY | O_CLOEXEC);
                  if (fd < 0)
                    rc = iso_make_error (err, errno, "cannot open %s to join the cgroup of %s", procs, p->target.desc);
                  else
                    {
                      s->cgfds = xreallocarray (s->cgfds, s->ncgfds + 1, sizeof *s->cgfds);
                      s->cgfds[s->ncgfds++] = fd;
                    }
                }
            }
          else if (v2 || strncmp (ctrls, "name=", 5) != 0)
            {
              if (!mnt)
                ; /* a hierarchy the caller has not mounted: nothing to join */
              else
                rc = iso_make_error (err, 0, "the cgroup %s of %s is outside the caller's view of %s", path,
                                     p->target.desc, mnt);
            }
          mnt_free_iter (it);
        }
      line = nl ? nl + 1 : NULL;
    }
  mnt_unref_table (tb);
  if (rc == 0 && s->ncgfds == 0)
    rc = iso_make_error (err, 0, "no cgroup hierarchy of %s is mounted here", p->target.desc);
  return rc;
}

static int
prepare_env (struct enter_plan *p, struct enter_state *s, iso_error_t *err)
{
  char *text;
  long len = util_read_file_at (p->target.piddir, "environ", &text);
  if (len < 0)
    return iso_make_error (err, (int)-len, "cannot read the environment of %s", p->target.desc);
  size_t n = 0;
  for (long i = 0; i < len; i++)
    n += text[i] == '\0';
  s->envp = xcalloc (n + 2, sizeof *s->envp);
  size_t k = 0;
  for (long i = 0; i < len; i += (long)strlen (text + i) + 1)
    if (text[i])
      s->envp[k++] = xstrdup (text + i);
  free (text);
  return 0;
}

static int
prepare_follow (struct enter_plan *p, struct enter_state *s, iso_error_t *err)
{
  char buf[8192];
  struct iso_proc pr = { .uid = -1, .gid = -1 };
  if (util_read_buf_at (p->target.piddir, "status", buf, sizeof buf) < 0 || proc_parse_status (buf, &pr) < 0
      || pr.uid < 0 || pr.gid < 0)
    {
      free (pr.nspid);
      return iso_make_error (err, errno, "cannot read the credentials of %s", p->target.desc);
    }
  free (pr.nspid);
  s->follow_uid = pr.euid;
  s->follow_gid = pr.egid;
  /* Those ids are as the host sees them; inside a user namespace they differ. */
  if (p->ns[NS_USER].want)
    {
      char map[4096];
      if (util_read_buf_at (p->target.piddir, "uid_map", map, sizeof map) >= 0
          && sec_idmap_to_inside (map, pr.euid, &s->follow_uid) < 0)
        return iso_make_error (err, 0, "the uid %ld of %s is not mapped in its user namespace", pr.euid,
                               p->target.desc);
      if (util_read_buf_at (p->target.piddir, "gid_map", map, sizeof map) >= 0
          && sec_idmap_to_inside (map, pr.egid, &s->follow_gid) < 0)
        return iso_make_error (err, 0, "the gid %ld of %s is not mapped in its user namespace", pr.egid,
                               p->target.desc);
    }
  return 0;
}

static int
enter_prepare (struct enter_plan *p, struct enter_state *s, iso_error_t *err)
{
  int r;
  if (p->all)
    {
      if (!p->have_target)
        return iso_make_error (err, 0, "--all needs a target");
      for (int t = 0; t < NS_TYPE_COUNT; t++)
        p->ns[t].want = true;
    }
  if (p->have_target && p->target.kind == TARGET_NSFILE)
    {
      p->ns[p->target.nstype].want = true;
      p->ns[p->target.nstype].fd = take_fd (&p->target.nsfd);
    }
  bool pid_target = p->have_target && p->target.pidfd >= 0;
  bool any = false;
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    {
      struct enter_ns *n = &p->ns[t];
      if (!n->want)
        continue;
      any = true;
      if (n->fd >= 0)
        continue;
      if (n->file)
        {
          n->fd = open (n->file, O_RDONLY | O_CLOEXEC);
          if (n->fd < 0)
            return iso_make_error (err, errno, "cannot open the %s namespace file %s", ns_types[t].name, n->file);
          continue;
        }
      if (!pid_target)
        return iso_make_error (err, 0, "no target for the %s namespace: give --target or --%s=FILE", ns_types[t].name,
                               ns_types[t].name);
      r = open_target_ns (p, t, err);
      if (r < 0)
        return r;
      n->fd = r;
    }
  if (!any && !p->join_cgroup)
    return iso_make_error (err, 0, "no namespace to enter: give namespaces (-m -u -i -n -p -U -C -T) or --all");

  /* Joining your own user namespace is refused by the kernel; nsenter --all skips it too. */
  if (p->ns[NS_USER].want && same_ns_as_self (p->ns[NS_USER].fd, NS_USER))
    {
      if (!p->all && !p->user_parent)
        return iso_make_error (err, 0, "the target is already in your user namespace: leave out --user");
      p->ns[NS_USER].want = false;
      close (take_fd (&p->ns[NS_USER].fd));
    }

  /* One atomic setns(pidfd, mask) when every namespace is the target's own. */
  if (pid_target && !p->user_parent)
    {
      int mask = 0;
      bool from_target = true;
      for (int t = 0; t < NS_TYPE_COUNT; t++)
        if (p->ns[t].want)
          {
            if (p->ns[t].file)
              from_target = false;
            mask |= ns_types[t].clone_flag;
          }
      if (from_target)
        s->setns_mask = mask;
    }

  if (p->root_set || p->wd_set)
    {
      if (!pid_target && (!p->root || !p->wd))
        return iso_make_error (err, 0, "--root and --wd without a directory need a target process");
      if (p->root_set)
        {
          s->rootfd = p->root ? open (p->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                              : openat (p->target.piddir, "root", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
          if (s->rootfd < 0)
            return iso_make_error (err, errno, "cannot open the root directory %s",
                                   p->root ? p->root : "of the target");
        }
      if (p->wd_set)
        {
          s->cwdfd = p->wd ? open (p->wd, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                           : openat (p->target.piddir, "cwd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
          if (s->cwdfd < 0)
            return iso_make_error (err, errno, "cannot open the working directory %s", p->wd ? p->wd : "of the target");
        }
    }
  if (p->env && (r = prepare_env (p, s, err)) < 0)
    return r;
  if ((p->uid_follow || p->gid_follow) && (r = prepare_follow (p, s, err)) < 0)
    return r;
  if (p->join_cgroup)
    {
      if (!pid_target)
        return iso_make_error (err, 0, "--join-cgroup needs a target process");
      if ((r = prepare_cgroup (p, s, err)) < 0)
        return r;
    }
  return 0;
}

/* ---- phase 2: join ---- */

static int
join_error (struct enter_plan *p, int t, int e, iso_error_t *err)
{
  /* "the net namespace at /run/netns/x" for a file, "the net namespace of pid 12" for a process. */
  bool file = p->ns[t].file || (p->have_target && p->target.kind == TARGET_NSFILE);
  cleanup_free char *who = xasprintf ("%s %s", file ? "at" : "of",
                                      p->ns[t].file    ? p->ns[t].file
                                      : p->have_target ? p->target.desc
                                                       : "?");
  if (e == EPERM)
    {
      cleanup_free char *chain = p->ns[t].fd >= 0 ? ns_owner_chain (p->ns[t].fd) : NULL;
      const char *need = t == NS_USER ? "CAP_SYS_ADMIN in the user namespace to join (so it must be a descendant of "
                                        "yours)"
                                      : "CAP_SYS_ADMIN in the user namespace that owns it and in your own";
      return iso_make_error (err, 0, "cannot join the %s namespace %s: Operation not permitted; joining needs %s%s%s",
                             ns_types[t].name, who, need, chain ? "; it is owned by " : "", chain ? chain : "");
    }
  return iso_make_error (err, e, "cannot join the %s namespace %s", ns_types[t].name, who);
}

static int
join_cgroups (struct enter_plan *p, struct enter_state *s, iso_error_t *err)
{
  char pid[24];
  int len = snprintf (pid, sizeof pid, "%d\n", (int)getpid ());
  for (size_t i = 0; i < s->ncgfds; i++)
    if (write (s->cgfds[i], pid, (size_t)len) != len)
      return iso_make_error (err, errno, "cannot join the cgroup of %s", p->target.desc);
  return 0;
}

static int
enter_join (struct enter_plan *p, struct enter_state *s, iso_error_t *err)
{
  /* Nothing in the target may ptrace us or read our memory while we cross over. */
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return iso_make_error (err, errno, "prctl(PR_SET_DUMPABLE)");
  if (p->join_cgroup)
    {
      int r = join_cgroups (p, s, err);
      if (r < 0)
        return r;
    }
  /* All at once through the pidfd (Linux 5.8+).  On failure, or an older kernel,
     join one at a time below, which also tells which namespace refused. */
  if (s->setns_mask && setns (p->target.pidfd, s->setns_mask) == 0)
    {
      s->joined_user = p->ns[NS_USER].want;
      return 0;
    }
  /* One namespace at a time: the user namespace first when we are not privileged
     where we are, else last (joining it first would drop our host privileges). */
  bool privileged = false;
  cap_t caps = cap_get_proc ();
  cap_flag_value_t v;
  if (caps && cap_get_flag (caps, CAP_SYS_ADMIN, CAP_EFFECTIVE, &v) == 0)
    privileged = v == CAP_SET;
  cap_free (caps);
  int failed[NS_TYPE_COUNT], nfailed = 0, errs[NS_TYPE_COUNT];
  if (!privileged && p->ns[NS_USER].want)
    {
      if (setns (p->ns[NS_USER].fd, CLONE_NEWUSER) < 0)
        return join_error (p, NS_USER, errno, err);
      s->joined_user = true;
    }
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    {
      if (!p->ns[t].want || t == NS_USER)
        continue;
      if (setns (p->ns[t].fd, ns_types[t].clone_flag) < 0)
        {
          errs[nfailed] = errno;
          failed[nfailed++] = t;
        }
    }
  if (privileged && p->ns[NS_USER].want)
    {
      if (setns (p->ns[NS_USER].fd, CLONE_NEWUSER) < 0)
        return join_error (p, NS_USER, errno, err);
      s->joined_user = true;
    }
  /* A namespace owned by the user namespace we just joined may only be joinable now. */
  for (int i = 0; i < nfailed; i++)
    if (setns (p->ns[failed[i]].fd, ns_types[failed[i]].clone_flag) < 0)
      return join_error (p, failed[i], errs[i] == EPERM ? errno : errs[i], err);
  return 0;
}

/* ---- phase 3: root and working directory ---- */

static int
enter_chdir (struct enter_plan *p, struct enter_state *s, iso_error_t *err)
{
  if (s->rootfd >= 0)
    {
      if (fchdir (s->rootfd) < 0 || chroot (".") < 0)
        return iso_make_error (err, errno, "cannot change the root directory");
      if (s->cwdfd < 0 && !p->wdns && chdir ("/") < 0)
        return iso_make_error (err, errno, "cannot change directory to /");
    }
  if (s->cwdfd >= 0 && fchdir (s->cwdfd) < 0)
    return iso_make_error (err, errno, "cannot change the working directory");
  if (p->wdns && chdir (p->wdns) < 0)
    return iso_make_error (err, errno, "cannot change the working directory to %s", p->wdns);
  if (s->cwdfd >= 0 || p->wdns)
    {
      /* A directory outside the (new) root would let the command walk out of it (CVE-2024-21626). */
      char buf[4096];
      if (!getcwd (buf, sizeof buf) || buf[0] != '/')
        return iso_make_error (err, 0, "the working directory is outside the root directory; refusing to run there");
    }
  return 0;
}

/* ---- phase 4: credentials ---- */

static int
keep_caps_ambient (iso_error_t *err)
{
  cap_t caps = cap_get_proc ();
  if (!caps)
    return iso_make_error (err, errno, "cap_get_proc");
  for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++)
    {
      cap_flag_value_t v;
      if (cap_get_flag (caps, c, CAP_PERMITTED, &v) == 0 && v == CAP_SET)
        {
          cap_set_flag (caps, CAP_INHERITABLE, 1, &c, CAP_SET);
          cap_set_flag (caps, CAP_EFFECTIVE, 1, &c, CAP_SET);
        }
    }
  int r = cap_set_proc (caps);
  int e = errno;
  if (r == 0)
    for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++)
      {
        cap_flag_value_t v;
        if (cap_get_flag (caps, c, CAP_PERMITTED, &v) == 0 && v == CAP_SET)
          prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0);
      }
  cap_free (caps);
  return r == 0 ? 0 : iso_make_error (err, e, "cannot keep capabilities");
}

static int
enter_credentials (struct enter_plan *p, struct enter_state *s, iso_error_t *err)
{
  long uid = p->uid_follow ? s->follow_uid : p->uid;
  long gid = p->gid_follow ? s->follow_gid : p->gid;
  bool change = p->uid_set || p->gid_set;
  if (s->joined_user && !p->preserve_cred)
    {
      /* In a new user namespace we are root unless asked otherwise, as nsenter does. */
      if (!p->uid_set)
        uid = 0;
      if (!p->gid_set)
        gid = 0;
      change = true;
    }
  if (!change)
    return 0;
  /* Supplementary groups of the caller mean nothing there: drop them (a user
     namespace with setgroups "deny" refuses, and then has none to drop). */
  if (setgroups (0, NULL) < 0 && errno != EPERM)
    return iso_make_error (err, errno, "setgroups");
  if (gid >= 0)
    {
      if (setgid ((gid_t)gid) < 0)
        return iso_make_error (err, errno, "cannot set gid %ld (is it mapped in the user namespace?)", gid);
    }
  if (uid >= 0)
    {
      if (p->keep_caps)
        prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0);
      if (setuid ((uid_t)uid) < 0)
        return iso_make_error (err, errno, "cannot set uid %ld (is it mapped in the user namespace?)", uid);
    }
  if (p->keep_caps)
    return keep_caps_ambient (err);
  return 0;
}

/* ---- phase 5: run ---- */

static void __attribute__ ((noreturn)) child_exec (struct enter_plan *p, struct enter_state *s, const sigset_t *mask)
{
  iso_error_t err = NULL;
  if (mask)
    sigprocmask (SIG_SETMASK, mask, NULL);
  if (p->mount_proc)
    {
      /* A private mount namespace so the new /proc is ours alone. */
      if (unshare (CLONE_NEWNS) < 0 || mount (NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0
          || mount ("proc", p->mount_proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        {
          iso_make_error (&err, errno, "cannot mount a new proc on %s", p->mount_proc);
          fprintf (stderr, "isoscope enter: %s\n", err->msg);
          _exit (ENTER_EXIT_SETUP);
        }
    }
  if (enter_chdir (p, s, &err) < 0 || enter_credentials (p, s, &err) < 0)
    {
      fprintf (stderr, "isoscope enter: %s\n", err->msg);
      _exit (ENTER_EXIT_SETUP);
    }
  /* Every descriptor beyond stdio closes at exec: nothing of ours reaches the command. */
  syscall (SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
  if (s->envp)
    environ = s->envp;
  const char *shell_argv[2] = { NULL, NULL };
  char **argv = p->argv;
  if (!argv || !argv[0])
    {
      const char *sh = getenv ("SHELL");
      shell_argv[0] = sh && *sh ? sh : "/bin/sh";
      argv = (char **)shell_argv;
    }
  execvp (argv[0], argv);
  int e = errno;
  fprintf (stderr, "isoscope enter: cannot run %s: %s\n", argv[0], strerror (e));
  _exit (e == ENOENT ? ENTER_EXIT_NOTFOUND : ENTER_EXIT_NOEXEC);
}

static volatile sig_atomic_t child_pid;

/* Signals that reach the command instead of isoscope. */
static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT };

static void
forward_signal (int sig)
{
  if (child_pid > 0)
    kill (child_pid, sig);
}

/* The forwarded signals were blocked before the fork: install the handlers, then
   let any that arrived meanwhile through, so none is lost to the fork window. */
static int
wait_child (pid_t pid, const sigset_t *oldmask)
{
  struct sigaction sa = { .sa_handler = forward_signal };
  sigemptyset (&sa.sa_mask);
  child_pid = pid;
  for (size_t i = 0; i < ARRAY_SIZE (forwarded); i++)
    sigaction (forwarded[i], &sa, NULL);
  sigprocmask (SIG_SETMASK, oldmask, NULL);
  int status;
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return ENTER_EXIT_SETUP;
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  /* Die of the same signal so our caller sees what the command saw. */
  int sig = WTERMSIG (status);
  signal (sig, SIG_DFL);
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  kill (getpid (), sig);
  return 128 + sig;
}

int
enter_run (struct enter_plan *p, iso_error_t *err)
{
  struct enter_state s
      = { .rootfd = -1, .cwdfd = -1, .own_pidns = -1, .own_mntns = -1, .follow_uid = -1, .follow_gid = -1 };
  s.own_pidns = open ("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
  s.own_mntns = open ("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
  int r = enter_prepare (p, &s, err);
  if (r == 0)
    r = enter_join (p, &s, err);
  if (r < 0)
    {
      state_release (&s);
      return r;
    }
  if (p->no_fork)
    child_exec (p, &s, NULL);
  fflush (NULL);
  sigset_t block, old;
  sigemptyset (&block);
  for (size_t i = 0; i < ARRAY_SIZE (forwarded); i++)
    sigaddset (&block, forwarded[i]);
  sigprocmask (SIG_BLOCK, &block, &old);
  pid_t pid = fork ();
  if (pid < 0)
    {
      r = iso_make_error (err, errno, "fork");
      sigprocmask (SIG_SETMASK, &old, NULL);
      state_release (&s);
      return r;
    }
  if (pid == 0)
    child_exec (p, &s, &old);
  /* Only the command belongs in the target's namespaces: isoscope, which now only waits,
     goes back to its own pid and mount namespaces (its /proc, and its later children, such
     as a sanitizer's helper at exit, are then its own again).  Best effort: after joining a
     user namespace it may lack the right. */
  if (p->ns[NS_PID].want && s.own_pidns >= 0 && setns (s.own_pidns, CLONE_NEWPID) < 0)
    errno = 0;
  if (p->ns[NS_MNT].want && s.own_mntns >= 0 && setns (s.own_mntns, CLONE_NEWNS) < 0)
    errno = 0;
  state_release (&s);
  return wait_child (pid, &old);
}
