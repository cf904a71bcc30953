// SPDX-License-Identifier: GPL-2.0-or-later
/* harden.c: the hardening phases of `isoscope run`: LSM label, seccomp, capabilities, no_new_privs, session, fds,
 * environment. */
#define _GNU_SOURCE
#include "isoscope/sandbox-int.h"
#include "isoscope/util.h"
#include "isoscope/verify.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <poll.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <signal.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

extern char **environ;

/* The variables that reach the command unless --keep-env says otherwise (LC_* too). */
static const char *const harden_env_allow[]
    = { "PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "LANG", "LANGUAGE", "TZ", "COLORTERM", NULL };

/* ---- parent: before anything is made ---- */

/* Does the host run the LSM NAME?  0, or an error saying why not. */
static int
harden_lsm_present (const char *name, const char *opt, iso_error_t *err)
{
  char buf[512];
  if (util_read_buf_at (AT_FDCWD, "/sys/kernel/security/lsm", buf, sizeof buf) < 0)
    return iso_make_error (err, 0, "%s: this host has no %s (there is no /sys/kernel/security/lsm)", opt,
                           strcmp (name, "apparmor") == 0 ? "AppArmor" : "SELinux");
  buf[strcspn (buf, "\n")] = '\0';
  cleanup_free char *list = xasprintf (",%s,", buf);
  cleanup_free char *want = xasprintf (",%s,", name);
  if (!strstr (list, want))
    return iso_make_error (err, 0, "%s: this host has no %s (the active LSMs are %s)", opt,
                           strcmp (name, "apparmor") == 0 ? "AppArmor" : "SELinux", buf);
  return 0;
}

/* The self-check's test: a build with ISOSCOPE_TEST_HOOKS (make build/isoscope-hooks, for
   tests/system/run-harden.t only) lets ISOSCOPE_TEST_DRIFT make the command differ
   from its plan after the phases ran: "fd" leaks a descriptor, "caps" keeps CAP_KILL,
   "session" skips setsid.  Release builds have no such switch. */
static bool
harden_drift (const struct sandbox *sb, const char *what)
{
#ifdef ISOSCOPE_TEST_HOOKS
  return sb->drift && strstr (sb->drift, what);
#else
  (void)sb;
  (void)what;
  return false;
#endif
}

int
harden_prepare (struct sandbox *sb, iso_error_t *err)
{
#ifdef ISOSCOPE_TEST_HOOKS
  sb->drift = getenv ("ISOSCOPE_TEST_DRIFT");
#endif
  struct run_harden *h = &sb->p->harden;
  int r;
  if (h->apparmor && (r = harden_lsm_present ("apparmor", "--apparmor", err)) < 0)
    return r;
  if (h->selinux && (r = harden_lsm_present ("selinux", "--selinux", err)) < 0)
    return r;
  if (h->seccomp == RUN_SECCOMP_DEFAULT && !h->policy)
    h->policy = seccomp_policy_default ();
  else if (h->seccomp == RUN_SECCOMP_FILE && !h->policy
           && (r = seccomp_policy_load (h->seccomp_file, &h->policy, err)) < 0)
    return r;
  const char *blocked = h->policy && !h->nnp ? seccomp_policy_blocks_needed (h->policy, true) : NULL;
  if (blocked)
    return iso_make_error (err, 0,
                           "--seccomp %s with --allow-new-privs: the filter goes in before the capabilities are "
                           "dropped, and it blocks %s, which isoscope calls after it",
                           h->policy->source, blocked);
  /* The check before exec: the command asks over this socket, isoscope answers once it
     has looked at it (the kernel tells isoscope the command's pid with the message). */
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sb->verify_sock) < 0)
    return iso_make_error (err, errno, "socketpair");
  int one = 1;
  if (setsockopt (sb->verify_sock[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0)
    return iso_make_error (err, errno, "setsockopt(SO_PASSCRED)");
  return 0;
}

void
harden_resolve (struct run_plan *p)
{
  struct run_harden *h = &p->harden;
  h->new_session
      = h->session == RUN_SESSION_ALWAYS || (h->session == RUN_SESSION_TTY && (isatty (0) || isatty (1) || isatty (2)));
}

/* ---- which phases apply ---- */

bool
harden_want_lsm (const struct run_plan *p)
{
  return p->harden.apparmor || p->harden.selinux;
}
bool
harden_want_seccomp_early (const struct run_plan *p)
{
  return p->harden.seccomp != RUN_SECCOMP_UNCONFINED && !p->harden.nnp;
}
bool
harden_want_seccomp_late (const struct run_plan *p)
{
  return p->harden.seccomp != RUN_SECCOMP_UNCONFINED && p->harden.nnp;
}
bool
harden_want_caps (const struct run_plan *p)
{
  return !p->harden.caps_unchanged;
}
bool
harden_want_nnp (const struct run_plan *p)
{
  return p->harden.nnp;
}
bool
harden_want_session (const struct run_plan *p)
{
  return p->harden.new_session;
}
bool
harden_want_env (const struct run_plan *p)
{
  return p->nenv > 0 || !p->harden.keep_env;
}

/* ---- command ---- */

int
harden_lsm (struct sandbox *sb, iso_error_t *err)
{
  const struct run_harden *h = &sb->p->harden;
  /* The label the command gets at exec, as aa_change_onexec and setexeccon write it. */
  cleanup_free char *text = h->apparmor ? xasprintf ("exec %s", h->apparmor) : xstrdup (h->selinux);
  const char *file = h->apparmor ? "/proc/thread-self/attr/apparmor/exec" : "/proc/thread-self/attr/exec";
  cleanup_close int fd = open (file, O_WRONLY | O_CLOEXEC);
  if (fd < 0 && h->apparmor)
    fd = open ((file = "/proc/thread-self/attr/exec"), O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write (fd, text, strlen (text)) != (ssize_t)strlen (text))
    return iso_make_error (err, errno, "cannot set the %s '%s' for exec (%s)",
                           h->apparmor ? "AppArmor profile" : "SELinux label", h->apparmor ? h->apparmor : h->selinux,
                           file);
  return 0;
}

int
harden_seccomp (struct sandbox *sb, iso_error_t *err)
{
  return seccomp_policy_install (sb->p->harden.policy, err);
}

int
harden_caps (struct sandbox *sb, iso_error_t *err)
{
  const struct run_harden *h = &sb->p->harden;
  uint64_t drift = harden_drift (sb, "caps") ? 1ULL << 5 : 0; /* CAP_KILL */
  return caps_apply (h->caps_keep | drift, h->cap_add & ~CAPS_ALL, err);
}

int
harden_bounding (struct sandbox *sb, iso_error_t *err)
{
  const struct run_plan *p = sb->p;
  int r = caps_drop_bounding (p->harden.caps_keep | (harden_drift (sb, "caps") ? 1ULL << 5 : 0), err);
  /* -S to a uid other than 0 would empty the permitted set before the caps phase picks what stays. */
  if (r == 0 && p->uid_set && prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return iso_make_error (err, errno, "prctl(PR_SET_KEEPCAPS)");
  return r;
}

int
harden_nnp (struct sandbox *sb, iso_error_t *err)
{
  (void)sb;
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return iso_make_error (err, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
  return 0;
}

int
harden_session (struct sandbox *sb, iso_error_t *err)
{
  if (harden_drift (sb, "session"))
    return 0;
  /* A session of its own has no controlling terminal: nothing typed into it can reach ours. */
  if (setsid () < 0)
    return iso_make_error (err, errno, "setsid");
  return 0;
}

static int
harden_int_cmp (const void *a, const void *b)
{
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

/* Close every descriptor above stdio but --pass-fd, the channels to isoscope and, with
   CHILD, the pipe the child waits on, in runs between the kept ones. */
void
harden_close_inherited (struct sandbox *sb, bool child)
{
  const struct run_harden *h = &sb->p->harden;
  size_t n = 0;
  cleanup_free int *keep = xcalloc (h->npass_fds + 3, sizeof *keep);
  for (size_t i = 0; i < h->npass_fds; i++)
    keep[n++] = h->pass_fds[i];
  keep[n++] = sb->from_child[1];
  keep[n++] = sb->verify_sock[1];
  if (child)
    keep[n++] = sb->to_child[0];
  qsort (keep, n, sizeof *keep, harden_int_cmp);
  unsigned lo = 3;
  for (size_t i = 0; i < n; i++)
    {
      if (keep[i] < 3)
        continue;
      if ((unsigned)keep[i] > lo)
        syscall (SYS_close_range, lo, (unsigned)keep[i] - 1, 0U);
      lo = (unsigned)keep[i] + 1 > lo ? (unsigned)keep[i] + 1 : lo;
    }
  syscall (SYS_close_range, lo, ~0U, 0U);
}

int
harden_fds (struct sandbox *sb, iso_error_t *err)
{
  const struct run_harden *h = &sb->p->harden;
  harden_close_inherited (sb, false);
  /* What is left beyond stdio closes at exec but --pass-fd; nothing of isoscope's reaches the command. */
  syscall (SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
  for (size_t i = 0; i < h->npass_fds; i++)
    fcntl (h->pass_fds[i], F_SETFD, 0);
  sigprocmask (SIG_SETMASK, &sb->oldmask, NULL);
  if (harden_drift (sb, "fd"))
    {
      int leaked = open ("/", O_RDONLY | O_DIRECTORY); /* left open on purpose: the check must see it */
      if (leaked < 0)
        return iso_make_error (err, errno, "test hook: cannot leak a descriptor");
    }
  return 0;
}

int
harden_env_reduce (const struct run_plan *p, iso_error_t *err)
{
  const struct run_harden *h = &p->harden;
  if (h->keep_env)
    return 0;
  size_t n = 0;
  for (char **e = environ; e && *e; e++)
    n++;
  cleanup_free char **keep = xcalloc (n + 1, sizeof *keep);
  size_t k = 0;
  for (char **e = environ; e && *e; e++)
    {
      size_t len = strcspn (*e, "=");
      bool ok = strncmp (*e, "LC_", 3) == 0;
      for (const char *const *a = harden_env_allow; *a && !ok; a++)
        ok = strlen (*a) == len && strncmp (*e, *a, len) == 0;
      for (size_t i = 0; i < h->nenv_keep && !ok; i++)
        ok = strlen (h->env_keep[i]) == len && strncmp (*e, h->env_keep[i], len) == 0;
      if (ok)
        keep[k++] = xstrdup (*e);
    }
  clearenv ();
  int r = 0;
  for (size_t i = 0; i < k; i++)
    {
      if (r == 0 && putenv (keep[i]) != 0)
        r = iso_make_error (err, errno, "cannot keep %s in the environment", keep[i]);
      if (r < 0)
        free (keep[i]);
    }
  return r; /* the kept strings now belong to the environment */
}

/* ---- the check before exec ---- */

/* PID, the command as isoscope sees it, against the plan: refused on any difference. */
static int
harden_verify_pid (struct sandbox *sb, pid_t pid, iso_error_t *err)
{
  struct verify_expect e;
  sandbox_expect (sb->p, &e);
  /* isoscope's two channels are still open: they close at the exec, as any close-on-exec one. */
  e.fds_cloexec_ok = true;
  char path[32];
  snprintf (path, sizeof path, "/proc/%d", (int)pid);
  cleanup_close int piddir = open (path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (piddir < 0)
    return iso_make_error (err, errno, "cannot open %s to check the command", path);
  struct verify_report rep = { 0 };
  int r = verify_process (piddir, pid, &e, &rep, err);
  if (r == 0 && rep.failed)
    {
      cleanup_free char *why = verify_report_failures (&rep);
      r = iso_make_error (err, 0, "the command differs from the plan in %zu check%s, not run: %s", rep.failed,
                          rep.failed == 1 ? "" : "s", why);
    }
  verify_report_release (&rep);
  return r;
}

int
harden_verify_ask (struct sandbox *sb, iso_error_t *err)
{
  /* Only send, recv and (on a refusal) exit_group: a policy file must allow them. */
  (void)err;
  ssize_t n;
  do
    n = send (sb->verify_sock[1], "V", 1, 0);
  while (n < 0 && errno == EINTR);
  char c = 0;
  do
    n = recv (sb->verify_sock[1], &c, 1, 0);
  while (n < 0 && errno == EINTR);
  if (n != 1 || c != 'G')
    _exit (ENTER_EXIT_SETUP); /* refused (isoscope says why), or isoscope is gone */
  return 0;                   /* the socket closes at exec */
}

/* Parent: wait for the command to ask (or for the sandbox to fail), look at it, answer. */
int
harden_verify (struct sandbox *sb, iso_error_t *err)
{
  for (;;)
    {
      struct pollfd fds[3]
          = { { sb->from_child[0], POLLIN, 0 }, { sb->verify_sock[0], POLLIN, 0 }, { sb->sigfd, POLLIN, 0 } };
      if (poll (fds, 3, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return iso_make_error (err, errno, "poll");
        }
      if (fds[2].revents & POLLIN)
        {
          /* A signal for isoscope (^C) or the child's end before the command asked. */
          struct signalfd_siginfo si;
          if (read (sb->sigfd, &si, sizeof si) == sizeof si && si.ssi_signo != SIGCHLD)
            return iso_make_error (err, 0, "interrupted by SIG%s before the command ran",
                                   sigabbrev_np ((int)si.ssi_signo));
          continue; /* SIGCHLD: the message or the end of the pipe says what happened */
        }
      if (fds[0].revents)
        {
          struct sandbox_msg m;
          if (sandbox_read_msg (sb, &m) == 1)
            sandbox_take_msg (sb, &m);
          return iso_make_error (err, 0, "the sandbox ended before its command could be checked");
        }
      if (fds[1].revents)
        break;
    }
  char c;
  union
  {
    struct cmsghdr h;
    char buf[CMSG_SPACE (sizeof (struct ucred))];
  } ctl;
  struct iovec iov = { &c, 1 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf };
  ssize_t n;
  do
    n = recvmsg (sb->verify_sock[0], &msg, 0);
  while (n < 0 && errno == EINTR);
  struct cmsghdr *cm = n == 1 ? CMSG_FIRSTHDR (&msg) : NULL;
  if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_CREDENTIALS)
    return iso_make_error (err, 0, "the command did not ask to be checked");
  struct ucred cred;
  memcpy (&cred, CMSG_DATA (cm), sizeof cred);
  int r = harden_verify_pid (sb, cred.pid, err);
  if (r < 0)
    return r;
  do
    n = send (sb->verify_sock[0], "G", 1, 0);
  while (n < 0 && errno == EINTR);
  close (take_fd (&sb->verify_sock[0]));
  return n == 1 ? 0 : iso_make_error (err, errno, "cannot let the command go on");
}
