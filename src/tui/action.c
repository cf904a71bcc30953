// SPDX-License-Identifier: GPL-2.0-or-later
/* action.c: what the TUI does to the system (a shell through enter, a signal, a freeze), each only on the object
 * the user selected, checked again right before acting. */
#define _GNU_SOURCE
#include "isoscope/enter.h"
#include "isoscope/target.h"
#include "isoscope/tui.h"
#include "isoscope/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

struct live_proc *
tui_row_process (struct tui *t, const struct view_row *r)
{
  switch (r->kind)
    {
    case ROW_PROC:
      return r->proc;
    case ROW_NS:
      return r->ns->proc ? live_find (t->live, r->ns->proc->pid) : NULL;
    case ROW_CONTAINER:
      return r->ct->main;
    case ROW_CGROUP:
      {
        pid_t pid = live_cgroup_first_pid (t->live, r->cg);
        return pid > 0 ? live_ensure (t->live, pid) : NULL;
      }
    }
  return NULL;
}

/* Start time of PID as /proc says now, through an fd opened after PIDFD: if it matches,
   PIDFD refers to the process that was selected.  0 when unknown. */
static uint64_t
start_time_now (pid_t pid)
{
  char path[48], buf[1024];
  snprintf (path, sizeof path, "/proc/%d/stat", (int)pid);
  long n = util_read_buf_at (AT_FDCWD, path, buf, sizeof buf);
  struct live_stat st;
  if (n <= 0 || live_parse_stat (buf, (size_t)n, &st) < 0)
    return 0;
  return st.start_time;
}

static int
pin (pid_t pid, uint64_t start, iso_error_t *err)
{
  int fd = (int)syscall (SYS_pidfd_open, pid, 0);
  if (fd < 0)
    return iso_make_error (err, errno, "pid %d", (int)pid);
  if (start_time_now (pid) != start)
    {
      close (fd);
      return iso_make_error (err, ESRCH, "pid %d is no longer the selected process", (int)pid);
    }
  return fd;
}

int
tui_action_signal (struct tui *t, const struct view_key *k, int sig, iso_error_t *err)
{
  (void)t;
  if (k->kind != ROW_PROC)
    return iso_make_error (err, EINVAL, "not a process");
  pid_t pid = (pid_t)k->a;
  int fd = pin (pid, k->b, err);
  if (fd < 0)
    return fd;
  int r = (int)syscall (SYS_pidfd_send_signal, fd, sig, NULL, 0);
  int e = errno;
  close (fd);
  if (r < 0)
    return iso_make_error (err, e, "cannot signal pid %d", (int)pid);
  return 0;
}

/* Write TEXT to FILE in the directory FD. */
static int
write_at (int dirfd, const char *file, const char *text, iso_error_t *err)
{
  int fd = openat (dirfd, file, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return iso_make_error (err, errno, "cannot open %s", file);
  ssize_t n = write (fd, text, strlen (text));
  int e = errno;
  close (fd);
  if (n != (ssize_t)strlen (text))
    return iso_make_error (err, n < 0 ? e : EIO, "cannot write %s", file);
  return 0;
}

/* Open the directory of CG, checking that it is still the cgroup that was read. */
static int
open_cgroup (const struct iso_cgroup *cg, iso_error_t *err)
{
  cleanup_free char *dir = xasprintf ("%s%s", cg->h->dir, cg->path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return iso_make_error (err, errno, "cannot open %s", dir);
  struct stat st;
  if (fstat (fd, &st) < 0 || (uint64_t)st.st_ino != cg->ino)
    {
      close (fd);
      return iso_make_error (err, ESTALE, "%s was removed and made again: not acting on it", dir);
    }
  return fd;
}

static bool
has_controller (const struct cg_hierarchy *h, const char *name)
{
  size_t n = strlen (name);
  for (const char *s = h->controllers; *s;)
    {
      size_t l = strcspn (s, ",");
      if (l == n && strncmp (s, name, n) == 0)
        return true;
      s += l + (s[l] == ',');
    }
  return false;
}

int
tui_action_freeze (struct tui *t, const struct view_key *k, bool freeze, iso_error_t *err)
{
  const struct cg_rows *rows = &t->live->cg;
  const struct cg_row *g = k->s && rows->t ? cg_rows_find (rows, k->s) : NULL;
  if (!g || cg_row_ino (g) != k->a)
    return iso_make_error (err, ESRCH, "cgroup %s is gone", k->s ? k->s : "?");
  if (g->depth == 0)
    return iso_make_error (err, EINVAL, "the root cgroup cannot be frozen");
  /* v1: freezer.state of the freezer hierarchy; v2: cgroup.freeze.  Freezing uses the
     first there is (the v1 freezer on a hybrid host); thawing undoes both. */
  const struct iso_cgroup *v1 = NULL, *v2 = NULL;
  for (size_t h = 0; h < rows->t->nh; h++)
    {
      const struct iso_cgroup *cg = g->per_h[h];
      if (!cg)
        continue;
      if (cg->h->v2)
        v2 = cg;
      else if (has_controller (cg->h, "freezer"))
        v1 = cg;
    }
  if (!v1 && !v2)
    return iso_make_error (err, ENOTSUP, "cgroup %s has no freezer (not in the freezer or cgroup2 hierarchy)", g->path);
  int done = 0;
  const struct iso_cgroup *order[2] = { v1, v2 };
  for (int i = 0; i < 2; i++)
    {
      const struct iso_cgroup *cg = order[i];
      if (!cg || (freeze && done))
        continue;
      int fd = open_cgroup (cg, err);
      if (fd < 0)
        return fd;
      int r = cg->h->v2 ? write_at (fd, "cgroup.freeze", freeze ? "1" : "0", err)
                        : write_at (fd, "freezer.state", freeze ? "FROZEN" : "THAWED", err);
      close (fd);
      if (r < 0)
        return r;
      done++;
    }
  return 0;
}

int
tui_action_enter (struct tui *t, const struct view_row *r, iso_error_t *err)
{
  struct live_proc *lp = tui_row_process (t, r);
  if (!lp)
    return iso_make_error (err, ESRCH, "no process to enter here");
  pid_t pid = lp->p->pid;
  uint64_t start = lp->p->start_time;
  char comm[64];
  snprintf (comm, sizeof comm, "%s", lp->p->comm);

  /* The same plan as `isoscope enter PID`: every namespace of the target. */
  struct enter_plan p;
  enter_plan_init (&p);
  char text[32];
  snprintf (text, sizeof text, "%d", (int)pid);
  int rc = target_resolve (text, &p.target, err);
  if (rc == 0 && start_time_now (pid) != start)
    rc = iso_make_error (err, ESRCH, "pid %d is no longer the selected process", (int)pid);
  if (rc < 0)
    {
      target_release (&p.target);
      enter_plan_release (&p);
      return rc;
    }
  p.have_target = true;
  p.all = true;

  term_suspend ();
  printf ("isoscope: a shell in the namespaces of pid %d (%s); exit it to return to top\n", (int)pid, comm);
  fflush (stdout);
  /* enter joins the namespaces in the calling process: do it in a child, so that this
     one keeps its own view of /proc. */
  struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_quit;
  sigemptyset (&ign.sa_mask);
  sigaction (SIGINT, &ign, &old_int);
  sigaction (SIGQUIT, &ign, &old_quit);
  /* A setup failure comes back through a pipe, to be shown in the status line. */
  int errpipe[2] = { -1, -1 };
  if (pipe2 (errpipe, O_CLOEXEC) < 0)
    errpipe[0] = errpipe[1] = -1;
  pid_t child = fork ();
  if (child == 0)
    {
      static const int reset[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGTSTP, SIGTTIN, SIGTTOU, SIGWINCH };
      for (size_t i = 0; i < ARRAY_SIZE (reset); i++)
        signal (reset[i], SIG_DFL);
      live_restore_nofile (t->live);
      iso_error_t e = NULL;
      int status = enter_run (&p, &e);
      if (status < 0)
        {
          if (errpipe[1] < 0 || write (errpipe[1], e->msg, strlen (e->msg)) < 0)
            iso_error_print (&e);
          _exit (ENTER_EXIT_SETUP);
        }
      _exit (status & 0xff);
    }
  int status = 0, saved = 0;
  if (child < 0)
    saved = errno;
  if (errpipe[1] >= 0)
    close (errpipe[1]);
  if (child > 0)
    while (waitpid (child, &status, 0) < 0)
      {
        if (errno != EINTR)
          break;
        /* A terminating signal for us: pass it on, and leave once the shell is gone. */
        if (term_signal ())
          kill (child, term_signal ());
      }
  sigaction (SIGINT, &old_int, NULL);
  sigaction (SIGQUIT, &old_quit, NULL);
  /* A shell with job control may leave the terminal to another process group. */
  struct sigaction old_ttou;
  sigaction (SIGTTOU, &ign, &old_ttou);
  tcsetpgrp (STDIN_FILENO, getpgrp ());
  sigaction (SIGTTOU, &old_ttou, NULL);
  enter_plan_release (&p);
  char msg[200] = "";
  if (errpipe[0] >= 0)
    {
      ssize_t n = read (errpipe[0], msg, sizeof msg - 1);
      msg[n > 0 ? n : 0] = '\0';
      close (errpipe[0]);
    }
  term_resume ();
  if (child < 0)
    return iso_make_error (err, saved, "fork");
  if (msg[0])
    return iso_make_error (err, 0, "pid %d: %s", (int)pid, msg);
  if (WIFEXITED (status) && WEXITSTATUS (status) == ENTER_EXIT_SETUP)
    tui_status (t, true, "enter pid %d: setup failed (exit status 125)", (int)pid);
  else if (WIFEXITED (status))
    tui_status (t, false, "the shell in pid %d (%s) exited with status %d", (int)pid, comm, WEXITSTATUS (status));
  else if (WIFSIGNALED (status))
    tui_status (t, false, "the shell in pid %d (%s) ended by signal %d", (int)pid, comm, WTERMSIG (status));
  return 0;
}
