// SPDX-License-Identifier: GPL-2.0-or-later
/* sandbox.c: `isoscope run` as named, ordered phases of isoscope, the sandbox's first process and the command. */
#define _GNU_SOURCE
#include "isoscope/ns.h"
#include "isoscope/sandbox.h"
#include "isoscope/sandbox-int.h"
#include "isoscope/util.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#define SANDBOX_CLONE_INTO_CGROUP 0x200000000ULL
#define SANDBOX_NS_GET_MNTNS_ID _IOR (0xb7, 0x5, uint64_t)
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* clone3's argument (linux/sched.h, CLONE_ARGS_SIZE_VER2), spelled out so older headers build. */
struct sandbox_clone_args
{
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

/* The signals isoscope passes on to the sandbox (and init to the command). */
static const int sandbox_forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT };

/* ---- which phases apply ---- */

static bool
want_cgroup (const struct run_plan *p)
{
  return limits_want_cgroup (&p->limits);
}
static bool
want_user (const struct run_plan *p)
{
  return p->ns[NS_USER].want;
}
static bool
want_late (const struct run_plan *p)
{
  return p->ns[NS_CGROUP].want || p->ns[NS_TIME].want;
}
static bool
want_persist (const struct run_plan *p)
{
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    if (p->ns[t].want && p->ns[t].file)
      return true;
  return false;
}
static bool
want_hostname (const struct run_plan *p)
{
  return p->hostname != NULL;
}
static bool
want_net (const struct run_plan *p)
{
  return p->ns[NS_NET].want;
}
static bool
want_mounts (const struct run_plan *p)
{
  return p->ns[NS_MNT].want;
}
static bool
want_init (const struct run_plan *p)
{
  return p->ns[NS_PID].want && !p->as_pid1;
}

/* ---- messages between the processes ---- */

void
sandbox_send (struct sandbox *sb, char type, int code, const char *text)
{
  struct sandbox_msg m = { .type = type, .code = code };
  snprintf (m.phase, sizeof m.phase, "%s", sb->phase ? sb->phase : "");
  snprintf (m.text, sizeof m.text, "%s", text ? text : "");
  ssize_t n;
  do
    n = write (sb->from_child[1], &m, sizeof m);
  while (n < 0 && errno == EINTR);
}

/* One byte from isoscope: go on.  End of file: isoscope is gone. */
static int
sandbox_wait_go (struct sandbox *sb, iso_error_t *err)
{
  char c;
  ssize_t n;
  do
    n = read (sb->to_child[0], &c, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1)
    _exit (ENTER_EXIT_SETUP); /* isoscope died: nobody to report to */
  (void)err;
  return 0;
}

static int
sandbox_go (struct sandbox *sb, iso_error_t *err)
{
  ssize_t n;
  do
    n = write (sb->to_child[1], "G", 1);
  while (n < 0 && errno == EINTR);
  return n == 1 ? 0 : iso_make_error (err, errno, "cannot wake the sandbox");
}

int
sandbox_read_msg (struct sandbox *sb, struct sandbox_msg *m)
{
  ssize_t n;
  do
    n = read (sb->from_child[0], m, sizeof *m);
  while (n < 0 && errno == EINTR);
  return n == (ssize_t)sizeof *m ? 1 : n == 0 ? 0 : -1;
}

void
sandbox_take_msg (struct sandbox *sb, const struct sandbox_msg *m)
{
  if (m->type == 'E' && !sb->failed)
    {
      sb->failed = true;
      sb->failure = *m;
    }
  else if (m->type == 'S')
    {
      sb->have_status = true;
      sb->cmd_status = m->code;
    }
}

/* ---- parent: prepare ---- */

/* The 64-bit id of our mount namespace (Linux 6.10+), or 0. */
static uint64_t
sandbox_mntns_id (void)
{
  uint64_t id = 0;
  cleanup_close int fd = open ("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ioctl (fd, SANDBOX_NS_GET_MNTNS_ID, &id) < 0)
    return 0;
  return id;
}

/* Which of CAPS (N of them) are in our effective set: bit I for CAPS[I]. */
static unsigned
sandbox_caps (const cap_value_t *caps, int n)
{
  unsigned have = 0;
  cap_t c = cap_get_proc ();
  for (int i = 0; c && i < n; i++)
    {
      cap_flag_value_t v = CAP_CLEAR;
      if (cap_get_flag (c, caps[i], CAP_EFFECTIVE, &v) == 0 && v == CAP_SET)
        have |= 1U << i;
    }
  cap_free (c);
  return have;
}

bool
sandbox_resolve (struct run_plan *p, bool *can_map)
{
  static const cap_value_t wanted[] = { CAP_SYS_ADMIN, CAP_SETUID, CAP_SETGID };
  unsigned caps = sandbox_caps (wanted, 3);
  bool privileged = caps & 1;
  *can_map = (caps & 6) == 6;
  /* Without privilege every other namespace needs a user namespace of its own:
     add one that maps the caller to itself, as bubblewrap does. */
  /* Dropping the bounding set needs CAP_SETPCAP too: a caller without it gets a user namespace. */
  bool needs_priv = run_plan_new_root (p) || p->nmounts || p->mount_proc || p->hostname || !p->harden.caps_unchanged;
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    if (t != NS_USER && p->ns[t].want)
      needs_priv = true;
  if (!privileged && needs_priv && !p->ns[NS_USER].want)
    {
      p->ns[NS_USER].want = true;
      p->user_implied = true;
      if (p->ids.single_uid < 0 && !p->ids.nuid_ranges && !p->ids.auto_uids)
        p->ids.single_uid = (long)geteuid ();
      if (p->ids.single_gid < 0 && !p->ids.ngid_ranges && !p->ids.auto_gids)
        p->ids.single_gid = (long)getegid ();
    }
  harden_resolve (p);
  return privileged;
}

static int
phase_prepare (struct sandbox *sb, iso_error_t *err)
{
  struct run_plan *p = sb->p;
  int r;
  bool can_map;
  sb->privileged = sandbox_resolve (p, &can_map);
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    {
      if (!p->ns[t].want)
        continue;
      if (t == NS_CGROUP || t == NS_TIME)
        sb->late_flags |= (uint64_t)ns_types[t].clone_flag;
      else
        sb->clone_flags |= (uint64_t)ns_types[t].clone_flag;
    }
  if (p->argv && p->argv[0])
    sb->argv = p->argv;
  else
    {
      const char *sh = getenv ("SHELL");
      bool host_shell = !run_plan_new_root (p) && !p->root && sh && *sh;
      sb->shell_argv[0] = (char *)(host_shell ? sh : "/bin/sh");
      sb->argv = sb->shell_argv;
    }
  if (run_plan_new_root (p))
    sb->cwd = getcwd (NULL, 0);
  if (p->ns[NS_USER].want && (r = idmap_prepare (p, can_map, &sb->idmap, err)) < 0)
    return r;
  if ((r = mounts_prepare (p, sb->argv[0], err)) < 0)
    {
      if ((*err)->status == ENOENT && strstr ((*err)->msg, "new root"))
        sb->fail_code = ENTER_EXIT_NOTFOUND;
      return r;
    }
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    if (p->ns[t].want && p->ns[t].file && (r = mounts_persist_check (p->ns[t].file, &sb->created[t], err)) < 0)
      return r;
  if (p->ns[NS_MNT].file)
    sb->mntns_id = sandbox_mntns_id ();
  if (pipe2 (sb->to_child, O_CLOEXEC) < 0 || pipe2 (sb->from_child, O_CLOEXEC) < 0)
    return iso_make_error (err, errno, "pipe");
  /* Signals wait in a signalfd from now on; the child inherits the mask and the
     command gets the old one back just before exec. */
  sigemptyset (&sb->blocked);
  sigaddset (&sb->blocked, SIGCHLD);
  for (size_t i = 0; i < ARRAY_SIZE (sandbox_forwarded); i++)
    sigaddset (&sb->blocked, sandbox_forwarded[i]);
  sigprocmask (SIG_BLOCK, &sb->blocked, &sb->oldmask);
  sb->sigfd = signalfd (-1, &sb->blocked, SFD_CLOEXEC);
  if (sb->sigfd < 0)
    return iso_make_error (err, errno, "signalfd");
  return harden_prepare (sb, err);
}

static int
phase_cgroup (struct sandbox *sb, iso_error_t *err)
{
  int r = limits_cgroup_create (&sb->cg, &sb->p->limits, err);
  if (r < 0)
    return r;
  sb->have_cg = true;
  /* Whatever the sandbox leaves behind becomes ours to reap when we kill the cgroup. */
  sb->subreaper = prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;
  return 0;
}

/* ---- parent: clone ---- */

static int
phase_clone (struct sandbox *sb, iso_error_t *err)
{
  struct sandbox_clone_args a = { .flags = sb->clone_flags, .exit_signal = SIGCHLD };
  if (sb->have_cg && sb->cg.v2fd >= 0)
    {
      a.flags |= SANDBOX_CLONE_INTO_CGROUP;
      a.cgroup = (uint64_t)sb->cg.v2fd;
    }
  fflush (NULL);
  long pid = syscall (SYS_clone3, &a, sizeof a);
  if (pid < 0 && (errno == ENOSYS || errno == E2BIG || (errno == EINVAL && (a.flags & SANDBOX_CLONE_INTO_CGROUP))))
    {
      /* No clone3, or no CLONE_INTO_CGROUP: the parent moves the child in the attach phase. */
      a.flags &= ~SANDBOX_CLONE_INTO_CGROUP;
      pid = syscall (SYS_clone3, &a, sizeof a);
      if (pid < 0 && (errno == ENOSYS || errno == E2BIG))
        pid = syscall (SYS_clone, (unsigned long)(sb->clone_flags | SIGCHLD), NULL, NULL, NULL, NULL);
    }
  if (pid < 0)
    {
      bool want[NS_TYPE_COUNT];
      for (int t = 0; t < NS_TYPE_COUNT; t++)
        want[t] = sb->p->ns[t].want && t != NS_CGROUP && t != NS_TIME;
      return nserr_clone (errno, want, sb->privileged, err);
    }
  if (pid == 0)
    {
      sb->role = SANDBOX_CHILD;
      close (take_fd (&sb->to_child[1]));
      close (take_fd (&sb->from_child[0]));
      close (take_fd (&sb->sigfd));
      close (take_fd (&sb->verify_sock[0]));
      if (sb->cg.v2fd >= 0)
        close (take_fd (&sb->cg.v2fd));
      return 0;
    }
  sb->child = (pid_t)pid;
  sb->cloned_into = (a.flags & SANDBOX_CLONE_INTO_CGROUP) != 0;
  close (take_fd (&sb->to_child[0]));
  close (take_fd (&sb->from_child[1]));
  close (take_fd (&sb->verify_sock[1]));
  return 0;
}

/* ---- child: wait for isoscope ---- */

static int
phase_await (struct sandbox *sb, iso_error_t *err)
{
  /* Nothing of the caller's but --pass-fd stays open here: an init holding one would hand
     it to a command with capabilities through /proc/1/fd. */
  harden_close_inherited (sb, true);
  /* Die with isoscope; if it is already gone the read below sees end of file. */
  if (sb->p->kill_signal && prctl (PR_SET_PDEATHSIG, sb->p->kill_signal, 0, 0, 0) < 0)
    return iso_make_error (err, errno, "prctl(PR_SET_PDEATHSIG)");
  return sandbox_wait_go (sb, err);
}

/* ---- parent: ids, cgroup, release ---- */

static int
phase_idmap (struct sandbox *sb, iso_error_t *err)
{
  return idmap_write (sb->child, &sb->idmap, err);
}

static int
phase_attach (struct sandbox *sb, iso_error_t *err)
{
  return limits_cgroup_attach (&sb->cg, sb->child, sb->cloned_into, err);
}

static int
phase_release (struct sandbox *sb, iso_error_t *err)
{
  if (sb->p->timeout > 0)
    {
      clock_gettime (CLOCK_MONOTONIC, &sb->deadline);
      double whole = (double)(long)sb->p->timeout;
      sb->deadline.tv_sec += (time_t)whole;
      sb->deadline.tv_nsec += (long)((sb->p->timeout - whole) * 1e9);
      if (sb->deadline.tv_nsec >= 1000000000L)
        {
          sb->deadline.tv_sec++;
          sb->deadline.tv_nsec -= 1000000000L;
        }
    }
  return sandbox_go (sb, err);
}

/* ---- child: the namespaces made inside ---- */

static int
phase_late_ns (struct sandbox *sb, iso_error_t *err)
{
  const struct run_plan *p = sb->p;
  /* The cgroup namespace only now, so that its root is the sandbox's own cgroup. */
  if (unshare ((int)sb->late_flags) < 0)
    {
      int e = errno;
      if (e == EINVAL && (sb->late_flags & CLONE_NEWTIME))
        return iso_make_error (err, e, "cannot create a time namespace (it needs Linux 5.6 with CONFIG_TIME_NS)");
      return iso_make_error (err, e, "cannot create the %s%s%s namespace", p->ns[NS_CGROUP].want ? "cgroup" : "",
                             p->ns[NS_CGROUP].want && p->ns[NS_TIME].want ? " and time" : "",
                             !p->ns[NS_CGROUP].want ? "time" : "");
    }
  if (p->ns[NS_TIME].want && (p->monotonic_set || p->boottime_set))
    {
      /* Offsets apply to the processes that enter it: the command (at fork or exec). */
      char buf[128];
      int n = snprintf (buf, sizeof buf, "monotonic %lld 0\nboottime %lld 0\n", p->monotonic, p->boottime);
      cleanup_close int fd = open ("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
      if (fd < 0 || write (fd, buf, (size_t)n) != n)
        {
          int e = errno;
          if (e == ERANGE)
            {
              struct timespec mono, boot;
              clock_gettime (CLOCK_MONOTONIC, &mono);
              clock_gettime (CLOCK_BOOTTIME, &boot);
              return iso_make_error (err, 0,
                                     "cannot set the clock offsets (monotonic %lld s, boottime %lld s): an offset "
                                     "may not take a clock below zero (they read %lld s and %lld s now)",
                                     p->monotonic, p->boottime, (long long)mono.tv_sec, (long long)boot.tv_sec);
            }
          return iso_make_error (err, e, "cannot write the clock offsets to /proc/self/timens_offsets");
        }
    }
  return 0;
}

static int
phase_ready (struct sandbox *sb, iso_error_t *err)
{
  /* The kernel binds a mount namespace only on a mount of a namespace with a
     smaller id, and since Linux 6.18 ids do not always follow the order of
     creation.  The child's tree is still untouched: take new copies of it until
     its id is above isoscope's. */
  for (int i = 0; sb->p->ns[NS_MNT].file && sb->mntns_id && i < 1000; i++)
    {
      uint64_t id = sandbox_mntns_id ();
      if (id == 0 || id > sb->mntns_id)
        break;
      if (unshare (CLONE_NEWNS) < 0)
        return iso_make_error (err, errno, "cannot renew the mount namespace to keep it");
    }
  sandbox_send (sb, 'R', 0, NULL);
  return sandbox_wait_go (sb, err);
}

/* ---- parent: keep namespaces on files ---- */

static int
phase_persist (struct sandbox *sb, iso_error_t *err)
{
  struct sandbox_msg m;
  int n = sandbox_read_msg (sb, &m);
  if (n <= 0)
    return iso_make_error (err, 0, "the sandbox ended before its namespaces were made");
  if (m.type != 'R')
    {
      sandbox_take_msg (sb, &m);
      return iso_make_error (err, 0, "the sandbox failed before its namespaces were made");
    }
  const struct run_plan *p = sb->p;
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    {
      if (!p->ns[t].want || !p->ns[t].file)
        continue;
      /* The time namespace is the child's for its children: the command enters it. */
      const char *link = t == NS_TIME ? ns_types[t].for_children : ns_types[t].link;
      int r = mounts_persist (sb->child, (enum ns_type)t, link, p->ns[t].file, err);
      if (r < 0)
        return r;
      sb->persisted[t] = true;
    }
  return sandbox_go (sb, err);
}

/* ---- child: hostname, loopback, mounts ---- */

static int
phase_hostname (struct sandbox *sb, iso_error_t *err)
{
  const char *h = sb->p->hostname;
  if (!sb->p->ns[NS_UTS].want)
    return iso_make_error (err, 0, "--hostname needs a UTS namespace (-u)");
  if (sethostname (h, strlen (h)) < 0)
    return iso_make_error (err, errno, "cannot set the hostname to '%s'", h);
  return 0;
}

static int
phase_loopback (struct sandbox *sb, iso_error_t *err)
{
  (void)sb;
  cleanup_close int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    fd = socket (AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return iso_make_error (err, errno, "cannot open a socket to bring lo up");
  struct ifreq ifr;
  memset (&ifr, 0, sizeof ifr);
  snprintf (ifr.ifr_name, sizeof ifr.ifr_name, "lo");
  if (ioctl (fd, SIOCGIFFLAGS, &ifr) < 0)
    return iso_make_error (err, errno, "cannot read the flags of lo");
  ifr.ifr_flags |= IFF_UP;
  if (ioctl (fd, SIOCSIFFLAGS, &ifr) < 0)
    return iso_make_error (err, errno, "cannot bring lo up");
  return 0;
}

static int
phase_mounts (struct sandbox *sb, iso_error_t *err)
{
  return mounts_setup (sb->p, sb->p->ns[NS_PID].want, err);
}

/* ---- child: init, pid 1 of the new pid namespace ---- */

static void
sandbox_noop (int sig)
{
  (void)sig;
}

static void __attribute__ ((noreturn)) sandbox_init_loop (struct sandbox *sb)
{
  /* pid 1 gets only the signals it has a handler for: install one for each
     forwarded signal, then take them (still blocked) with sigwaitinfo. */
  struct sigaction sa = { .sa_handler = sandbox_noop };
  sigemptyset (&sa.sa_mask);
  for (size_t i = 0; i < ARRAY_SIZE (sandbox_forwarded); i++)
    sigaction (sandbox_forwarded[i], &sa, NULL);
  close (take_fd (&sb->to_child[0]));
  close (take_fd (&sb->verify_sock[1]));
  for (size_t i = 0; i < sb->p->harden.npass_fds; i++)
    close (sb->p->harden.pass_fds[i]); /* the command's, not init's */
  for (;;)
    {
      siginfo_t si;
      int sig = sigwaitinfo (&sb->blocked, &si);
      if (sig < 0)
        continue;
      if (sig != SIGCHLD)
        {
          /* A signal from the terminal reached the command already: pass on only
             those sent by a process (isoscope, or kill). */
          if (si.si_code != SI_KERNEL)
            kill (sb->command, sig);
          continue;
        }
      int st;
      pid_t pid;
      while ((pid = waitpid (-1, &st, WNOHANG)) > 0)
        if (pid == sb->command)
          {
            sandbox_send (sb, 'S', st, NULL);
            _exit (WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st));
          }
    }
}

static int sandbox_loop (struct sandbox *sb, size_t from, iso_error_t *err);

/* The command, spawned by init: on a stack of its own in init's memory until it
   executes (init waits meanwhile), so nothing is copied as fork would. */
static int
sandbox_command_main (void *arg)
{
  struct sandbox sb = *(struct sandbox *)arg;
  iso_error_t err = NULL;
  sb.role = SANDBOX_COMMAND;
  close (take_fd (&sb.to_child[0]));
  sandbox_loop (&sb, sb.at + 1, &err);
  _exit (ENTER_EXIT_SETUP); /* not reached: exec or a failure ends it */
}

static int
phase_init (struct sandbox *sb, iso_error_t *err)
{
  const size_t stack_size = 256 * 1024;
  void *stack = mmap (NULL, stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  pid_t pid = -1;
  if (stack != MAP_FAILED)
    {
      pid = clone (sandbox_command_main, (char *)stack + stack_size, CLONE_VM | CLONE_VFORK | SIGCHLD, sb);
      munmap (stack, stack_size);
    }
  if (pid < 0)
    {
      /* No memory to share: an ordinary fork. */
      pid = fork ();
      if (pid == 0)
        {
          sb->role = SANDBOX_COMMAND;
          close (take_fd (&sb->to_child[0]));
          return 0;
        }
    }
  if (pid < 0)
    return iso_make_error (err, errno, "cannot fork the command from init");
  sb->command = pid;
  sandbox_init_loop (sb);
}

/* ---- parent: supervise and clean up ---- */

void
sandbox_kill (struct sandbox *sb)
{
  if (sb->have_cg)
    limits_cgroup_kill (&sb->cg);
  if (sb->child > 0 && !sb->child_done)
    kill (sb->child, SIGKILL);
}

/* Reap what has exited; note the child's status. */
static void
sandbox_reap (struct sandbox *sb)
{
  int st;
  pid_t pid;
  while ((pid = waitpid (-1, &st, WNOHANG)) > 0)
    if (pid == sb->child)
      {
        sb->child_done = true;
        sb->child_status = st;
      }
}

static int
sandbox_ms_left (struct sandbox *sb)
{
  if (sb->p->timeout <= 0)
    return -1;
  struct timespec now;
  clock_gettime (CLOCK_MONOTONIC, &now);
  long long ms = (long long)(sb->deadline.tv_sec - now.tv_sec) * 1000 + (sb->deadline.tv_nsec - now.tv_nsec) / 1000000;
  return ms < 0 ? 0 : ms > 1000000000 ? 1000000000 : (int)ms + 1;
}

static int
phase_supervise (struct sandbox *sb, iso_error_t *err)
{
  (void)err;
  bool msgs_open = true;
  while (!sb->child_done)
    {
      struct pollfd fds[2] = { { sb->sigfd, POLLIN, 0 }, { sb->from_child[0], POLLIN, 0 } };
      int timeout = sb->res->timed_out ? -1 : sandbox_ms_left (sb);
      int n = poll (fds, msgs_open ? 2 : 1, timeout);
      if (n < 0 && errno != EINTR)
        break;
      if (n == 0)
        {
          sb->res->timed_out = true;
          sandbox_kill (sb);
          continue;
        }
      if (fds[1].revents)
        {
          struct sandbox_msg m;
          if (sandbox_read_msg (sb, &m) == 1)
            sandbox_take_msg (sb, &m);
          else
            msgs_open = false;
        }
      if (fds[0].revents & POLLIN)
        {
          struct signalfd_siginfo si;
          if (read (sb->sigfd, &si, sizeof si) != sizeof si)
            continue;
          if (si.ssi_signo == SIGCHLD)
            sandbox_reap (sb);
          else if (si.ssi_code != SI_KERNEL)
            kill (sb->child, (int)si.ssi_signo);
        }
    }
  /* The records written before the child ended are still in the pipe. */
  if (msgs_open)
    {
      fcntl (sb->from_child[0], F_SETFL, O_NONBLOCK);
      struct sandbox_msg m;
      while (sandbox_read_msg (sb, &m) == 1)
        sandbox_take_msg (sb, &m);
    }
  return 0;
}

static void
sandbox_undo_persist (struct sandbox *sb)
{
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    {
      const char *f = sb->p->ns[t].file;
      if (sb->persisted[t])
        umount2 (f, MNT_DETACH);
      if (sb->created[t])
        unlink (f);
      sb->persisted[t] = sb->created[t] = false;
    }
}

static int
phase_cleanup (struct sandbox *sb, iso_error_t *err)
{
  int r = 0;
  if (sb->child > 0 && !sb->child_done)
    {
      kill (sb->child, SIGKILL);
      int st;
      while (waitpid (sb->child, &st, 0) < 0 && errno == EINTR)
        ;
      sb->child_done = true;
    }
  if (sb->have_cg)
    {
      /* Nothing of the sandbox outlives it: kill the rest, reap them, remove the cgroup. */
      limits_cgroup_kill (&sb->cg);
      for (int i = 0; i < 100 && waitpid (-1, NULL, WNOHANG) > 0; i++)
        ;
      cleanup_error iso_error_t rm = NULL;
      if (limits_cgroup_remove (&sb->cg, &rm) < 0 && !*err)
        r = iso_make_error (err, 0, "%s", rm->msg);
      sb->have_cg = false;
      while (waitpid (-1, NULL, WNOHANG) > 0)
        ;
    }
  if (sb->subreaper)
    prctl (PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
  if (*err || sb->failed)
    sandbox_undo_persist (sb);
  return r;
}

/* ---- the table ---- */

const struct sandbox_phase sandbox_phases[] = {
  { "prepare", SANDBOX_PARENT,
    "check the plan against the host: root filesystem, command, sources, id maps, =FILE targets", NULL, phase_prepare,
    false },
  { "cgroup", SANDBOX_PARENT,
    "create the cgroups isoscope-run.PID (v2, and v1 where the limits live) and write the limits", want_cgroup,
    phase_cgroup, false },
  { "clone", SANDBOX_PARENT, "clone3 a child into the new namespaces, straight into the v2 cgroup (CLONE_INTO_CGROUP)",
    NULL, phase_clone, false },
  { "await", SANDBOX_CHILD,
    "close the caller's descriptors (but --pass-fd); arm the parent-death signal; wait for isoscope to map ids and "
    "place the cgroups",
    NULL, phase_await, false },
  { "idmap", SANDBOX_PARENT, "write the child's uid_map, then setgroups, then gid_map", want_user, phase_idmap, false },
  { "attach", SANDBOX_PARENT, "move the child into the v1 cgroups (and v2 when clone3 could not)", want_cgroup,
    phase_attach, false },
  { "release", SANDBOX_PARENT, "let the child go on; start the --timeout clock", NULL, phase_release, false },
  { "namespaces", SANDBOX_CHILD,
    "unshare the cgroup namespace (rooted at the new cgroup) and the time namespace; set clock offsets", want_late,
    phase_late_ns, false },
  { "ready", SANDBOX_CHILD, "tell isoscope the namespaces exist; wait while it binds them", want_persist, phase_ready,
    false },
  { "persist", SANDBOX_PARENT, "bind each namespace given as --TYPE=FILE on its file", want_persist, phase_persist,
    false },
  { "hostname", SANDBOX_CHILD, "set the hostname in the new UTS namespace", want_hostname, phase_hostname, false },
  { "loopback", SANDBOX_CHILD, "bring lo up in the new network namespace", want_net, phase_loopback, false },
  { "mounts", SANDBOX_CHILD,
    "make / non-shared, build the new root and pivot_root into it, bind, tmpfs, proc, dev; detach the old root",
    want_mounts, phase_mounts, false },
  { "init", SANDBOX_CHILD, "fork the command; as pid 1 reap zombies, forward signals, report its status", want_init,
    phase_init, false },
  { "root", SANDBOX_COMMAND, "chroot (-R) and change the working directory (-w, --chdir)", NULL, command_chdir, false },
  { "rlimits", SANDBOX_COMMAND, "set the --rlimit resource limits", command_want_rlimits, command_rlimits, false },
  { "bounding", SANDBOX_COMMAND,
    "drop from the bounding set what the command does not keep (while CAP_SETPCAP is there, before -S)",
    harden_want_caps, harden_bounding, false },
  { "credentials", SANDBOX_COMMAND, "drop supplementary groups, setgid (-G), setuid (-S)", command_want_credentials,
    command_credentials, false },
  { "environment", SANDBOX_COMMAND,
    "cut the environment down to the allowlist (and --keep-env), then --clearenv, --setenv, --unsetenv in order",
    harden_want_env, command_env, false },
  { "lsm", SANDBOX_COMMAND, "set the AppArmor profile or SELinux label the command gets at exec", harden_want_lsm,
    harden_lsm, false },
  { "seccomp-early", SANDBOX_COMMAND,
    "install the seccomp filter while CAP_SYS_ADMIN is still there (no no_new_privs was asked)",
    harden_want_seccomp_early, harden_seccomp, false },
  { "caps", SANDBOX_COMMAND, "set the effective, permitted, inheritable and ambient sets to what is kept",
    harden_want_caps, harden_caps, false },
  { "nnp", SANDBOX_COMMAND, "set no_new_privs: exec can no longer raise privileges (setuid, file capabilities)",
    harden_want_nnp, harden_nnp, false },
  { "session", SANDBOX_COMMAND, "setsid: a session of its own, without the caller's terminal (TIOCSTI)",
    harden_want_session, harden_session, false },
  { "fds", SANDBOX_COMMAND,
    "close every descriptor but 0-2 and --pass-fd (isoscope's two channels close at exec); restore the signal mask",
    NULL, harden_fds, false },
  { "seccomp", SANDBOX_COMMAND, "install the seccomp filter (isoscope then calls only send, recv, execve, exit_group)",
    harden_want_seccomp_late, harden_seccomp, false },
  { "verify", SANDBOX_COMMAND, "ask isoscope to check this process against the plan; wait for its answer", NULL,
    harden_verify_ask, false },
  { "check", SANDBOX_PARENT,
    "read the command back from /proc (caps, no_new_privs, seccomp, namespaces, masks, fds, session, cgroup); "
    "kill it on any difference",
    NULL, harden_verify, false },
  { "exec", SANDBOX_COMMAND, "execute the command (isoscope's channels close on exec)", NULL, command_exec, false },
  { "supervise", SANDBOX_PARENT, "forward signals, enforce --timeout, collect the command's status", NULL,
    phase_supervise, false },
  { "cleanup", SANDBOX_PARENT,
    "kill what is left in the cgroups and remove them; after a failure also undo the --TYPE=FILE binds", NULL,
    phase_cleanup, true },
};
const size_t sandbox_nphases = ARRAY_SIZE (sandbox_phases);

const char *
sandbox_role_name (enum sandbox_role r)
{
  return r == SANDBOX_PARENT ? "isoscope" : r == SANDBOX_CHILD ? "child" : "command";
}

/* In the child or the command: report the failure of the running phase and exit. */
static void __attribute__ ((noreturn)) sandbox_child_fail (struct sandbox *sb, iso_error_t *err)
{
  sandbox_send (sb, 'E', sb->fail_code, *err ? (*err)->msg : "failed");
  _exit (sb->fail_code);
}

static void
sandbox_release (struct sandbox *sb)
{
  int *fds[] = { &sb->to_child[0],    &sb->to_child[1],    &sb->from_child[0], &sb->from_child[1],
                 &sb->verify_sock[0], &sb->verify_sock[1], &sb->sigfd };
  for (size_t i = 0; i < ARRAY_SIZE (fds); i++)
    if (*fds[i] >= 0)
      close (take_fd (fds[i]));
  sigprocmask (SIG_SETMASK, &sb->oldmask, NULL);
  idmap_plan_release (&sb->idmap);
  free (sb->cwd);
}

/* Run the phases of SB's role from FROM on; the parent returns the first failure. */
static int
sandbox_loop (struct sandbox *sb, size_t from, iso_error_t *err)
{
  int r = 0;
  for (size_t i = from; i < sandbox_nphases; i++)
    {
      const struct sandbox_phase *ph = &sandbox_phases[i];
      /* Without an init the child itself goes on to become the command. */
      if (sb->role == SANDBOX_CHILD && ph->role == SANDBOX_COMMAND)
        sb->role = SANDBOX_COMMAND;
      if (ph->role != sb->role || (ph->applies && !ph->applies (sb->p)) || (r < 0 && !ph->finally))
        continue;
      sb->phase = ph->name;
      sb->at = i;
      int pr = ph->run (sb, err);
      if (pr < 0 && sb->role != SANDBOX_PARENT)
        sandbox_child_fail (sb, err);
      if (pr < 0 && r == 0)
        {
          r = pr;
          iso_error_wrap (err, "%s", ph->name);
        }
    }
  if (sb->role != SANDBOX_PARENT)
    _exit (ENTER_EXIT_SETUP); /* not reached: exec or init ends these */
  return r;
}

int
sandbox_run (struct run_plan *p, struct run_result *res, iso_error_t *err)
{
  struct sandbox sb = { .p = p, .role = SANDBOX_PARENT, .fail_code = ENTER_EXIT_SETUP, .res = res };
  sb.to_child[0] = sb.to_child[1] = sb.from_child[0] = sb.from_child[1] = sb.sigfd = -1;
  sb.verify_sock[0] = sb.verify_sock[1] = -1;
  limits_cgroup_init (&sb.cg);
  sigprocmask (SIG_SETMASK, NULL, &sb.oldmask);
  memset (res, 0, sizeof *res);
  int r = sandbox_loop (&sb, 0, err);
  sandbox_release (&sb);
  /* The child's own account of what failed says more than the parent's view of it. */
  if (sb.failed)
    {
      res->exit_code = sb.failure.code;
      return iso_make_error (err, 0, "%s: %s", sb.failure.phase, sb.failure.text);
    }
  if (r < 0)
    {
      res->exit_code = sb.fail_code;
      return r;
    }
  if (res->timed_out)
    {
      res->exit_code = RUN_EXIT_TIMEOUT;
      return 0;
    }
  int st = sb.have_status ? sb.cmd_status : sb.child_status;
  if (WIFSIGNALED (st))
    {
      res->term_signal = WTERMSIG (st);
      res->exit_code = 128 + res->term_signal;
    }
  else
    res->exit_code = WEXITSTATUS (st);
  return 0;
}
