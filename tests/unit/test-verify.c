// SPDX-License-Identifier: GPL-2.0-or-later
/* test-verify.c: verify_process on child processes put into a known state (capabilities dropped or
   raised, no_new_privs, a seccomp filter, new namespaces, masks and read-only binds in a mount
   namespace of their own, open fds, a session, cgroup limits), each check seen to pass and to fail. */
#define _GNU_SOURCE
#include "isoscope/cgroup.h"
#include "isoscope/ns.h"
#include "isoscope/security.h"
#include "isoscope/util.h"
#include "isoscope/verify.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- children in a known state ---- */

struct child
{
  pid_t pid;
  int piddir;
};

#define READY_FD 100

static void __attribute__ ((noreturn)) child_fail (const char *what)
{
  dprintf (READY_FD, "E%s: %s", what, strerror (errno));
  _exit (1);
}

/* Fork a child that runs SETUP (which calls child_fail on error), closes its end of the
   ready pipe and waits to be killed.  Every fd but 0-2 and those SETUP opens is closed first. */
static bool
child_start (struct child *c, void (*setup) (void *), void *arg)
{
  int p[2];
  c->pid = -1;
  c->piddir = -1;
  if (pipe2 (p, O_CLOEXEC) < 0)
    return false;
  fflush (NULL);
  c->pid = fork ();
  if (c->pid == 0)
    {
      if (dup2 (p[1], READY_FD) < 0)
        _exit (1);
      syscall (SYS_close_range, 3, READY_FD - 1, 0);
      syscall (SYS_close_range, READY_FD + 1, ~0U, 0);
      if (setup)
        setup (arg);
      close (READY_FD);
      for (;;)
        pause ();
    }
  close (p[1]);
  char buf[256];
  ssize_t n = c->pid > 0 ? read (p[0], buf, sizeof buf - 1) : -1;
  close (p[0]);
  if (n != 0)
    {
      if (n > 0)
        {
          buf[n] = '\0';
          diag ("child setup failed: %s", buf + 1);
        }
      return false;
    }
  char path[32];
  snprintf (path, sizeof path, "/proc/%d", (int)c->pid);
  c->piddir = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  return c->piddir >= 0;
}

static void
child_stop (struct child *c)
{
  if (c->pid > 0)
    {
      kill (c->pid, SIGKILL);
      waitpid (c->pid, NULL, 0);
    }
  if (c->piddir >= 0)
    close (c->piddir);
  c->pid = c->piddir = -1;
}

/* ---- running verify ---- */

static const struct verify_result *
find (const struct verify_report *r, const char *check)
{
  for (size_t i = 0; i < r->n; i++)
    if (strcmp (r->results[i].check, check) == 0)
      return &r->results[i];
  return NULL;
}

/* Verify C against E, then: CHECK is reported, and passed or failed as WANT_OK says. */
static void
expect_check (struct child *c, const struct verify_expect *e, const char *check, bool want_ok, const char *what)
{
  struct verify_report r;
  iso_error_t err = NULL;
  int rc = verify_process (c->piddir, c->pid, e, &r, &err);
  if (rc < 0)
    {
      ok (false, "%s: verify_process failed: %s", what, err->msg);
      iso_error_release (&err);
      return;
    }
  const struct verify_result *x = find (&r, check);
  if (!ok (x && x->ok == want_ok, "%s: %s %s", what, check, want_ok ? "passes" : "fails"))
    {
      if (x)
        diag ("  want=%s got=%s", x->want, x->got);
      else
        diag ("  no result named %s among %zu", check, r.n);
    }
  else
    diag ("  %s want=%s got=%s", check, x->want, x->got);
  verify_report_release (&r);
}

/* ---- setups ---- */

static void
setup_drop_caps (void *arg)
{
  (void)arg;
  for (int c = 0; c <= CAP_LAST_CAP + 8; c++)
    prctl (PR_CAPBSET_DROP, c, 0, 0, 0);
  prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  cap_t none = cap_init ();
  if (cap_set_proc (none) < 0)
    child_fail ("cap_set_proc");
  cap_free (none);
}

/* CAP_NET_RAW in every set, inheritable and ambient included. */
static void
setup_ambient (void *arg)
{
  (void)arg;
  cap_t c = cap_get_proc ();
  cap_value_t v = CAP_NET_RAW;
  if (cap_set_flag (c, CAP_INHERITABLE, 1, &v, CAP_SET) < 0 || cap_set_proc (c) < 0)
    child_fail ("inheritable");
  cap_free (c);
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0) < 0)
    child_fail ("ambient");
}

static void
setup_nnp (void *arg)
{
  (void)arg;
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    child_fail ("nnp");
}

static void
setup_seccomp (void *arg)
{
  (void)arg;
  struct sock_filter prog[] = { BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
  struct sock_fprog fprog = { .len = 1, .filter = prog };
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) < 0)
    child_fail ("seccomp");
}

static void
setup_unshare (void *arg)
{
  (void)arg;
  if (unshare (CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC) < 0)
    child_fail ("unshare");
}

static void
setup_session (void *arg)
{
  (void)arg;
  if (setsid () < 0)
    child_fail ("setsid");
}

static void
mount_or_fail (const char *src, const char *dst, const char *type, unsigned long flags, const char *data)
{
  if (mount (src, dst, type, flags, data) < 0)
    child_fail (dst);
}

/* In a mount namespace of its own, below DIR: file masked by /dev/null, dir masked by an
   empty read-only tmpfs, ro a read-only bind with a writable bind (ro/rw) below it, and
   plain left alone. */
static void
setup_mounts (void *arg)
{
  const char *dir = arg;
  if (unshare (CLONE_NEWNS) < 0)
    child_fail ("unshare");
  mount_or_fail (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
  char p[4][512];
  snprintf (p[0], sizeof p[0], "%s/file", dir);
  snprintf (p[1], sizeof p[1], "%s/dir", dir);
  snprintf (p[2], sizeof p[2], "%s/ro", dir);
  snprintf (p[3], sizeof p[3], "%s/ro/rw", dir);
  mount_or_fail ("/dev/null", p[0], NULL, MS_BIND, NULL);
  mount_or_fail ("tmpfs", p[1], "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k");
  mount_or_fail (p[2], p[2], NULL, MS_BIND | MS_REC, NULL);
  mount_or_fail (NULL, p[2], NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL);
  /* A bind copies the flags of its source mount: make this one writable again. */
  mount_or_fail (p[3], p[3], NULL, MS_BIND, NULL);
  mount_or_fail (NULL, p[3], NULL, MS_BIND | MS_REMOUNT, NULL);
  /* hide/sub read-only, then hidden under a writable tmpfs on hide that has a sub of its own. */
  char hide[512], sub[600];
  snprintf (hide, sizeof hide, "%s/hide", dir);
  snprintf (sub, sizeof sub, "%s/sub", hide);
  mount_or_fail (sub, sub, NULL, MS_BIND, NULL);
  mount_or_fail (NULL, sub, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL);
  mount_or_fail ("tmpfs", hide, "tmpfs", 0, "size=4k");
  if (mkdir (sub, 0755) < 0)
    child_fail ("mkdir");
}

static void
setup_fds (void *arg)
{
  (void)arg;
  int a = open ("/dev/null", O_RDONLY);
  int b = open ("/dev/zero", O_RDONLY | O_CLOEXEC);
  if (a < 0 || b < 0 || dup2 (a, 3) < 0 || dup3 (b, 7, O_CLOEXEC) < 0)
    child_fail ("fds");
  if (a != 3)
    close (a);
  if (b != 7)
    close (b);
}

/* Chroot into ARG; without chdir the working directory stays outside the new root. */
static void
setup_chroot_stay (void *arg)
{
  if (chroot (arg) < 0)
    child_fail ("chroot");
}

static void
setup_chroot_chdir (void *arg)
{
  if (chroot (arg) < 0 || chdir ("/") < 0)
    child_fail ("chroot");
}

/* A pseudo-terminal's slave on fd 0, in the test's session (or a new one when ARG is set). */
static void
setup_pty (void *arg)
{
  if (arg && setsid () < 0)
    child_fail ("setsid");
  int m = posix_openpt (O_RDWR | O_NOCTTY);
  if (m < 0 || grantpt (m) < 0 || unlockpt (m) < 0)
    child_fail ("posix_openpt");
  int s = open (ptsname (m), O_RDWR | O_NOCTTY);
  if (s < 0 || dup2 (s, 0) < 0)
    child_fail ("pty slave");
  close (s);
  close (m);
}

struct cg_setup
{
  char procs[2][600]; /* cgroup.procs files to join */
};

static void
setup_cgroups (void *arg)
{
  const struct cg_setup *s = arg;
  for (int i = 0; i < 2; i++)
    {
      if (!s->procs[i][0])
        continue;
      int fd = open (s->procs[i], O_WRONLY | O_CLOEXEC);
      if (fd < 0 || dprintf (fd, "%d\n", (int)getpid ()) < 0)
        child_fail (s->procs[i]);
      close (fd);
    }
}

/* ---- tests ---- */

static void
test_nothing_checked (void)
{
  struct child c;
  struct verify_expect e;
  verify_expect_init (&e);
  if (!ok (child_start (&c, NULL, NULL), "a plain child starts"))
    return;
  struct verify_report r;
  iso_error_t err = NULL;
  is_int (verify_process (c.piddir, c.pid, &e, &r, &err), 0, "an empty expectation: verify_process succeeds");
  is_int (r.n, 0, "an empty expectation checks nothing");
  is_int (r.pid, c.pid, "the report names the pid");
  verify_report_release (&r);
  child_stop (&c);
}

static void
test_caps (void)
{
  struct verify_expect e;
  verify_expect_init (&e);
  e.check_caps = true;
  static const char *const sets[]
      = { "caps:effective", "caps:permitted", "caps:inheritable", "caps:ambient", "caps:bounding" };
  struct child c;
  if (ok (child_start (&c, setup_drop_caps, NULL), "a child without capabilities starts"))
    for (size_t i = 0; i < ARRAY_SIZE (sets); i++)
      expect_check (&c, &e, sets[i], true, "every set empty");
  child_stop (&c);

  if (ok (child_start (&c, setup_ambient, NULL), "a child with CAP_NET_RAW ambient starts"))
    {
      for (size_t i = 0; i < ARRAY_SIZE (sets); i++)
        expect_check (&c, &e, sets[i], false, "root with net_raw ambient, none allowed");
      e.caps_max = 1ULL << CAP_NET_RAW;
      expect_check (&c, &e, "caps:ambient", true, "net_raw allowed");
      expect_check (&c, &e, "caps:inheritable", true, "net_raw allowed");
      expect_check (&c, &e, "caps:effective", false, "net_raw allowed, root's full set");
      e.caps_max = sec_all_caps ();
      for (size_t i = 0; i < ARRAY_SIZE (sets); i++)
        expect_check (&c, &e, sets[i], true, "every capability allowed");
    }
  child_stop (&c);
}

static void
test_nnp_seccomp (void)
{
  struct verify_expect e;
  verify_expect_init (&e);
  struct child plain, nnp, filt;
  bool a = child_start (&plain, NULL, NULL), b = child_start (&nnp, setup_nnp, NULL),
       f = child_start (&filt, setup_seccomp, NULL);
  ok (a && b && f, "children: plain, with no_new_privs, with a seccomp filter");
  if (a && b && f)
    {
      e.nnp = 1;
      expect_check (&nnp, &e, "nnp", true, "prctl(NO_NEW_PRIVS)");
      expect_check (&plain, &e, "nnp", false, "a plain child");
      e.nnp = 0;
      expect_check (&plain, &e, "nnp", true, "a plain child, nnp 0 wanted");
      expect_check (&nnp, &e, "nnp", false, "prctl(NO_NEW_PRIVS), nnp 0 wanted");
      e.nnp = -1;
      e.seccomp_mode = 2;
      expect_check (&filt, &e, "seccomp", true, "a filter installed");
      expect_check (&nnp, &e, "seccomp", false, "no filter");
      e.seccomp_mode = 0;
      expect_check (&nnp, &e, "seccomp", true, "no filter, none wanted");
      expect_check (&filt, &e, "seccomp", false, "a filter installed, none wanted");
    }
  child_stop (&plain);
  child_stop (&nnp);
  child_stop (&filt);
}

static void
test_ns (void)
{
  struct verify_expect e;
  verify_expect_init (&e);
  struct child c;
  if (!ok (child_start (&c, setup_unshare, NULL), "a child in new net, uts and ipc namespaces starts"))
    return;
  e.new_ns[NS_NET] = e.new_ns[NS_UTS] = e.new_ns[NS_IPC] = 1;
  e.new_ns[NS_MNT] = e.new_ns[NS_PID] = 0;
  expect_check (&c, &e, "ns:net", true, "new net");
  expect_check (&c, &e, "ns:uts", true, "new uts");
  expect_check (&c, &e, "ns:mnt", true, "mnt shared, as wanted");
  e.new_ns[NS_MNT] = e.new_ns[NS_PID] = 1;
  e.new_ns[NS_NET] = 0;
  expect_check (&c, &e, "ns:mnt", false, "mnt shared, a new one wanted");
  expect_check (&c, &e, "ns:pid", false, "pid shared, a new one wanted");
  expect_check (&c, &e, "ns:net", false, "new net, the viewer's wanted");
  child_stop (&c);
}

static void
test_mounts (void)
{
  char dir[] = "/tmp/isoscope-test-verify.XXXXXX";
  if (!ok (mkdtemp (dir) != NULL, "a temporary directory"))
    return;
  char p[8][512];
  const char *names[] = { "file", "dir", "ro", "ro/rw", "plain", "ro/sub", "hide", "hide/sub" };
  for (int i = 0; i < 8; i++)
    snprintf (p[i], sizeof p[i], "%s/%s", dir, names[i]);
  close (open (p[0], O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
  mkdir (p[1], 0755);
  mkdir (p[2], 0755);
  mkdir (p[3], 0755);
  mkdir (p[4], 0755);
  mkdir (p[5], 0755);
  mkdir (p[6], 0755);
  mkdir (p[7], 0755);
  char absent[600];
  snprintf (absent, sizeof absent, "%s/absent", dir);
  struct child c;
  if (ok (child_start (&c, setup_mounts, dir), "a child with masks and read-only binds in its own mount namespace"))
    {
      struct verify_expect e;
      verify_expect_init (&e);
      const char *masked[] = { p[0], p[1], absent, p[4], NULL };
      const char *ro[] = { p[2], p[5], p[0], p[3], p[4], NULL };
      e.masked = masked;
      e.readonly = ro;
      char chk[700];
      const char *why[] = { "/dev/null bound on a file", "an empty read-only tmpfs", "a path that is not there" };
      for (int i = 0; i < 3; i++)
        {
          snprintf (chk, sizeof chk, "masked:%s", masked[i]);
          expect_check (&c, &e, chk, true, why[i]);
        }
      snprintf (chk, sizeof chk, "masked:%s", p[4]);
      expect_check (&c, &e, chk, false, "a plain directory is not masked");
      snprintf (chk, sizeof chk, "readonly:%s", p[2]);
      expect_check (&c, &e, chk, true, "a read-only bind");
      snprintf (chk, sizeof chk, "readonly:%s", p[5]);
      expect_check (&c, &e, chk, true, "a directory below a read-only bind");
      snprintf (chk, sizeof chk, "readonly:%s", p[0]);
      expect_check (&c, &e, chk, true, "a masked file counts as read-only");
      snprintf (chk, sizeof chk, "readonly:%s", p[3]);
      expect_check (&c, &e, chk, false, "a writable bind below a read-only one");
      snprintf (chk, sizeof chk, "readonly:%s", p[4]);
      expect_check (&c, &e, chk, false, "a plain directory is writable");
      const char *ro2[] = { p[7], NULL };
      e.readonly = ro2;
      snprintf (chk, sizeof chk, "readonly:%s", p[7]);
      expect_check (&c, &e, chk, false, "a read-only bind hidden by a writable tmpfs mounted above it later");
      e.readonly = ro;
      /* The test's own view (the host's) has none of the mounts. */
      struct child host;
      if (child_start (&host, NULL, NULL))
        {
          snprintf (chk, sizeof chk, "masked:%s", p[0]);
          expect_check (&host, &e, chk, false, "the same file in the test's mount namespace");
          snprintf (chk, sizeof chk, "readonly:%s", p[2]);
          expect_check (&host, &e, chk, false, "the same directory in the test's mount namespace");
        }
      child_stop (&host);
    }
  child_stop (&c);
  for (int i = 7; i >= 0; i--)
    remove (p[i]);
  rmdir (dir);
}

static void
test_fds (void)
{
  struct child c;
  if (!ok (child_start (&c, setup_fds, NULL), "a child with fd 3 and fd 7 (close-on-exec) open"))
    return;
  struct verify_expect e;
  verify_expect_init (&e);
  e.check_fds = true;
  expect_check (&c, &e, "fds", false, "fds 3 and 7 open, none allowed");
  int three[] = { 3 };
  e.allowed_fds = three;
  e.nallowed_fds = 1;
  expect_check (&c, &e, "fds", false, "fd 3 allowed, 7 is not");
  e.fds_cloexec_ok = true;
  expect_check (&c, &e, "fds", true, "fd 3 allowed, 7 closes at exec");
  e.nallowed_fds = 0;
  expect_check (&c, &e, "fds", false, "fd 7 closes at exec, 3 not allowed");
  struct verify_report r;
  e.fds_cloexec_ok = false;
  if (verify_process (c.piddir, c.pid, &e, &r, NULL) == 0)
    {
      const struct verify_result *x = find (&r, "fds");
      ok (x && strstr (x->got, "3 -> /dev/null") && strstr (x->got, "7 -> /dev/zero"), "the leaked fds are named: %s",
          x ? x->got : "(none)");
      char *f = verify_report_failures (&r);
      ok (strncmp (f, "fds: want only 0-2, got 3 -> /dev/null", 38) == 0, "the failures as one line: %s", f);
      free (f);
      verify_report_release (&r);
    }
  child_stop (&c);
}

static void
test_session (void)
{
  struct verify_expect e;
  verify_expect_init (&e);
  e.new_session = 1;
  struct child c;
  if (ok (child_start (&c, setup_session, NULL), "a child in a session of its own"))
    expect_check (&c, &e, "session", true, "setsid()");
  child_stop (&c);
  if (ok (child_start (&c, NULL, NULL), "a child in the test's session"))
    expect_check (&c, &e, "session", false, "no setsid()");
  child_stop (&c);
}

static void
test_session_tty (void)
{
  struct verify_expect e;
  verify_expect_init (&e);
  e.new_session = 2;
  struct child c;
  if (ok (child_start (&c, NULL, NULL), "a child without a terminal, in the test's session"))
    expect_check (&c, &e, "session", true, "only with a terminal, and it has none");
  child_stop (&c);
  if (ok (child_start (&c, setup_pty, NULL), "a child with a terminal on fd 0, in the test's session"))
    expect_check (&c, &e, "session", false, "a terminal shared with the test's session");
  child_stop (&c);
  if (ok (child_start (&c, setup_pty, &c), "a child with a terminal on fd 0, in a session of its own"))
    expect_check (&c, &e, "session", true, "a terminal, in a new session");
  child_stop (&c);
}

static void
test_cwd (void)
{
  char dir[] = "/tmp/isoscope-test-verify-cwd.XXXXXX";
  if (!ok (mkdtemp (dir) != NULL, "a directory to chroot into"))
    return;
  struct verify_expect e;
  verify_expect_init (&e);
  e.check_cwd = true;
  struct child c;
  if (ok (child_start (&c, NULL, NULL), "a plain child"))
    expect_check (&c, &e, "cwd", true, "the test's working directory, under /");
  child_stop (&c);
  if (ok (child_start (&c, setup_chroot_chdir, dir), "a child chrooted, then chdir /"))
    expect_check (&c, &e, "cwd", true, "chroot and chdir");
  child_stop (&c);
  if (ok (child_start (&c, setup_chroot_stay, dir), "a child chrooted without chdir"))
    expect_check (&c, &e, "cwd", false, "chroot, the working directory left outside");
  child_stop (&c);
  rmdir (dir);
}

static void
setup_rlimits (void *arg)
{
  (void)arg;
  struct rlimit nofile = { 64, 128 }, core = { 0, 0 };
  if (setrlimit (RLIMIT_NOFILE, &nofile) < 0 || setrlimit (RLIMIT_CORE, &core) < 0)
    child_fail ("setrlimit");
}

static void
test_rlimits (void)
{
  struct child c;
  if (!ok (child_start (&c, setup_rlimits, NULL), "a child with nofile 64:128 and core 0"))
    return;
  struct verify_expect e;
  verify_expect_init (&e);
  e.rlimits[0] = (struct verify_rlimit){ RLIMIT_NOFILE, 64, 128 };
  e.rlimits[1] = (struct verify_rlimit){ RLIMIT_CORE, 0, 0 };
  e.rlimits[2] = (struct verify_rlimit){ RLIMIT_CPU, UINT64_MAX, UINT64_MAX };
  e.nrlimits = 3;
  expect_check (&c, &e, "rlimit:nofile", true, "nofile 64:128 wanted");
  expect_check (&c, &e, "rlimit:core", true, "core 0 wanted");
  expect_check (&c, &e, "rlimit:cpu", true, "cpu unlimited allowed");
  e.rlimits[0].hard = 100;
  expect_check (&c, &e, "rlimit:nofile", false, "nofile hard limit 100 wanted, 128 set");
  e.rlimits[0].soft = 32;
  e.rlimits[0].hard = 128;
  expect_check (&c, &e, "rlimit:nofile", false, "nofile soft limit 32 wanted, 64 set");
  e.rlimits[2] = (struct verify_rlimit){ RLIMIT_CPU, 10, 10 };
  expect_check (&c, &e, "rlimit:cpu", false, "cpu 10 wanted, unlimited set");
  /* The oracle for the parser: getrlimit of this process against its own /proc/self/limits. */
  struct rlimit stack;
  getrlimit (RLIMIT_STACK, &stack);
  struct child self = { .pid = getpid (), .piddir = open ("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC) };
  e.nrlimits = 1;
  e.rlimits[0] = (struct verify_rlimit){ RLIMIT_STACK, stack.rlim_cur, stack.rlim_max };
  expect_check (&self, &e, "rlimit:stack", true, "the test's own stack limit, as getrlimit says");
  if (stack.rlim_cur > 0 && stack.rlim_cur != RLIM_INFINITY)
    {
      e.rlimits[0].soft = stack.rlim_cur - 1;
      expect_check (&self, &e, "rlimit:stack", false, "one byte less than getrlimit says");
    }
  close (self.piddir);
  child_stop (&c);
}

/* A cgroup directory in hierarchy ROOT for this test, with FILE set to VALUE. */
static bool
make_cgroup (const char *root, const char *file, const char *value, char *dir, size_t size)
{
  snprintf (dir, size, "%s/isoscope-test-verify.%d", root, (int)getpid ());
  if (mkdir (dir, 0755) < 0)
    return false;
  char path[600];
  snprintf (path, sizeof path, "%s/%s", dir, file);
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  bool okw = fd >= 0 && dprintf (fd, "%s\n", value) > 0;
  if (fd >= 0)
    close (fd);
  if (!okw)
    rmdir (dir);
  return okw;
}

static void
test_limits (void)
{
  enum cg_mode mode = cg_detect_mode (NULL);
  const char *mem_root, *pids_root, *mem_file;
  if (mode == CG_MODE_HYBRID || mode == CG_MODE_V1)
    mem_root = "/sys/fs/cgroup/memory", pids_root = "/sys/fs/cgroup/pids", mem_file = "memory.limit_in_bytes";
  else
    mem_root = pids_root = "/sys/fs/cgroup", mem_file = "memory.max";
  char mdir[512], pdir[512];
  struct cg_setup s = { 0 };
  bool same = strcmp (mem_root, pids_root) == 0;
  if (same)
    {
      /* One v2 directory carries both limits (the test needs memory and pids delegated). */
      if (!make_cgroup (mem_root, "pids.max", "32", mdir, sizeof mdir))
        {
          ok (true, "limits # SKIP cannot make a v2 cgroup with pids.max here");
          return;
        }
      char path[600];
      snprintf (path, sizeof path, "%s/%s", mdir, mem_file);
      int fd = open (path, O_WRONLY | O_CLOEXEC);
      if (fd < 0 || dprintf (fd, "67108864\n") < 0)
        {
          if (fd >= 0)
            close (fd);
          rmdir (mdir);
          ok (true, "limits # SKIP no memory controller in the v2 cgroup");
          return;
        }
      close (fd);
      snprintf (s.procs[0], sizeof s.procs[0], "%s/cgroup.procs", mdir);
    }
  else
    {
      if (!make_cgroup (mem_root, mem_file, "67108864", mdir, sizeof mdir))
        {
          ok (true, "limits # SKIP cannot make a memory cgroup");
          return;
        }
      if (!make_cgroup (pids_root, "pids.max", "32", pdir, sizeof pdir))
        {
          rmdir (mdir);
          ok (true, "limits # SKIP cannot make a pids cgroup");
          return;
        }
      snprintf (s.procs[0], sizeof s.procs[0], "%s/cgroup.procs", mdir);
      snprintf (s.procs[1], sizeof s.procs[1], "%s/cgroup.procs", pdir);
    }
  struct verify_expect e;
  verify_expect_init (&e);
  struct child c, plain;
  if (ok (child_start (&c, setup_cgroups, &s), "a child in cgroups with memory 64M and pids 32"))
    {
      e.memory_max = 64 << 20;
      e.pids_max = 32;
      expect_check (&c, &e, "limit:memory", true, "memory at most 64M");
      expect_check (&c, &e, "limit:pids", true, "pids at most 32");
      e.memory_max = 32 << 20;
      e.pids_max = 16;
      expect_check (&c, &e, "limit:memory", false, "memory at most 32M wanted");
      expect_check (&c, &e, "limit:pids", false, "pids at most 16 wanted");
    }
  if (child_start (&plain, NULL, NULL))
    {
      e.memory_max = 64 << 20;
      expect_check (&plain, &e, "limit:memory", false, "the test's own cgroup");
    }
  child_stop (&plain);
  child_stop (&c);
  rmdir (mdir);
  if (!same)
    rmdir (pdir);
}

static void
test_vanished (void)
{
  struct child c;
  if (!ok (child_start (&c, NULL, NULL), "a child that will be gone"))
    return;
  kill (c.pid, SIGKILL);
  waitpid (c.pid, NULL, 0);
  struct verify_expect e;
  verify_expect_init (&e);
  e.nnp = 1;
  struct verify_report r;
  iso_error_t err = NULL;
  int rc = verify_process (c.piddir, c.pid, &e, &r, &err);
  ok (rc < 0 && err, "a process that exited: verify_process fails (%s)", err ? err->msg : "no error");
  is_int (r.n, 0, "and leaves no results");
  iso_error_release (&err);
  close (c.piddir);

  /* A zombie: exited, not yet reaped; its /proc directory is still there. */
  fflush (NULL);
  pid_t z = fork ();
  if (z == 0)
    _exit (0);
  char path[32], stat[256] = "";
  snprintf (path, sizeof path, "/proc/%d", (int)z);
  int zdir = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  for (int i = 0; i < 200 && !strstr (stat, ") Z "); i++)
    {
      usleep (10000);
      util_read_buf_at (zdir, "stat", stat, sizeof stat);
    }
  ok (strstr (stat, ") Z ") != NULL, "a zombie child");
  rc = verify_process (zdir, z, &e, &r, &err);
  ok (rc < 0 && err, "a zombie: verify_process fails (%s)", err ? err->msg : "no error");
  iso_error_release (&err);
  close (zdir);
  waitpid (z, NULL, 0);
}

int
main (void)
{
  if (geteuid () != 0)
    skip_all ("needs root (capabilities, mounts and cgroups of the children)");
  test_nothing_checked ();
  test_caps ();
  test_nnp_seccomp ();
  test_ns ();
  test_mounts ();
  test_fds ();
  test_session ();
  test_session_tty ();
  test_cwd ();
  test_rlimits ();
  test_limits ();
  test_vanished ();
  return done_testing ();
}
