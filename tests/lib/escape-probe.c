// SPDX-License-Identifier: GPL-2.0-or-later
/* escape-probe.c: the attacks of the escape test suite, run inside a sandbox; each prints what happened.
 *
 * Usage: escape-probe syscalls          every system call attack: "NAME ok" or "NAME ERRNO"
 *        escape-probe fds               the open fds but 0-2, "FD -> TARGET" (none: nothing)
 *        escape-probe read PATH...      "PATH ok" when a byte could be read, else "PATH ERRNO"
 *        escape-probe kill PID...       kill(PID, 0): "PID ok" or "PID ERRNO"
 *        escape-probe openw PATH...     open for writing (nothing is written): "PATH ok" or "PATH ERRNO"
 *        escape-probe connect PORT      a TCP connection to 127.0.0.1:PORT: "connect ok" or "connect ERRNO"
 *        escape-probe whoami            "uid=U euid=E capeff=HEX"
 *        escape-probe cwd               "cwd PATH", or "cwd ERRNO" when it is outside the root
 *        escape-probe pause             wait for a signal, forever (a process that needs no fork to stay)
 *        escape-probe hog MIB           touch MIB MiB of memory, printing "MIB" after each one
 *        escape-probe forkbomb MAX      fork children that sleep until fork fails or MAX are made,
 *                                       then print "forked N ERRNO" and kill them a second later
 *
 * Every attack uses arguments that are harmless should it get through: a control run of the
 * suite lets them reach the kernel (no seccomp, every capability) to show that the probe can
 * tell a blocked call (EPERM from the filter; ENOSYS for clone3) from one that got through.
 * The tests build it statically with `cc -static`, so it runs in any root filesystem.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *
errname (int e)
{
  static const struct
  {
    int e;
    const char *name;
  } names[] = {
    { EPERM, "EPERM" },
    { ENOENT, "ENOENT" },
    { ESRCH, "ESRCH" },
    { EBADF, "EBADF" },
    { EACCES, "EACCES" },
    { EFAULT, "EFAULT" },
    { EINVAL, "EINVAL" },
    { ENOTTY, "ENOTTY" },
    { ENOSYS, "ENOSYS" },
    { ENODEV, "ENODEV" },
    { EAGAIN, "EAGAIN" },
    { ENOKEY, "ENOKEY" },
    { ENOMEM, "ENOMEM" },
    { EROFS, "EROFS" },
    { E2BIG, "E2BIG" },
    { EIO, "EIO" },
    { ENXIO, "ENXIO" },
    { EISDIR, "EISDIR" },
    { ENOTDIR, "ENOTDIR" },
    { ECONNREFUSED, "ECONNREFUSED" },
    { ENETUNREACH, "ENETUNREACH" },
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (names[i].e == e)
      return names[i].name;
  static char buf[16];
  snprintf (buf, sizeof buf, "E%d", e);
  return buf;
}

static void
report (const char *name, long rc, int e)
{
  printf ("%s %s\n", name, rc >= 0 ? "ok" : errname (e));
}

/* Run FN in a child (so that an unshare that gets through changes nothing here); its
   result comes back as the exit status: 0 for success, else the errno. */
static void
in_child (const char *name, long (*fn) (void))
{
  fflush (stdout);
  pid_t pid = fork ();
  if (pid == 0)
    {
      errno = 0;
      long rc = fn ();
      _exit (rc >= 0 ? 0 : (errno ? errno : 255));
    }
  int st;
  if (pid < 0 || waitpid (pid, &st, 0) < 0 || !WIFEXITED (st))
    {
      printf ("%s probe-failed\n", name);
      return;
    }
  int e = WEXITSTATUS (st);
  report (name, e ? -1 : 0, e);
}

static long
do_unshare_user (void)
{
  return unshare (CLONE_NEWUSER);
}
static long
do_unshare_mnt (void)
{
  return unshare (CLONE_NEWNS);
}
static long
do_unshare_net (void)
{
  return unshare (CLONE_NEWNET);
}

/* clone(2) with namespace flags, the raw system call: the child exits at once. */
static long
do_clone_ns (void)
{
  long pid = syscall (SYS_clone, CLONE_NEWUSER | CLONE_NEWNS | SIGCHLD, NULL, NULL, NULL, 0);
  if (pid == 0)
    _exit (0);
  if (pid > 0)
    waitpid ((pid_t)pid, NULL, 0);
  return pid;
}

static long
do_clone3_ns (void)
{
  struct clone_args args = { .flags = CLONE_NEWNET, .exit_signal = SIGCHLD };
  long pid = syscall (SYS_clone3, &args, sizeof args);
  if (pid == 0)
    _exit (0);
  if (pid > 0)
    waitpid ((pid_t)pid, NULL, 0);
  return pid;
}

/* A target that does not exist and a file system type that does not either. */
static long
do_mount (void)
{
  return mount ("none", "/nonexistent-isoscope-probe", "isoscope-nofs", 0, NULL);
}
static long
do_umount (void)
{
  return umount2 ("/nonexistent-isoscope-probe", 0);
}
static long
do_setns (void)
{
  return setns (-1, 0);
}
/* KEYCTL_GET_KEYRING_ID without create only looks. */
static long
do_keyctl (void)
{
  return syscall (SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
}
/* No description: EINVAL once the call is reached. */
static long
do_add_key (void)
{
  return syscall (SYS_add_key, "user", NULL, "x", 1, KEY_SPEC_PROCESS_KEYRING);
}
static long
do_request_key (void)
{
  return syscall (SYS_request_key, "user", "isoscope-probe-none", NULL, 0);
}
/* More segments than the kernel takes: EINVAL once the call is reached. */
static long
do_kexec_load (void)
{
  return syscall (SYS_kexec_load, 0UL, 1000UL, NULL, 0UL);
}
static long
do_kexec_file_load (void)
{
  return syscall (SYS_kexec_file_load, -1, -1, 0UL, "", 0UL);
}
static long
do_finit_module (void)
{
  return syscall (SYS_finit_module, -1, "", 0);
}
static long
do_delete_module (void)
{
  return syscall (SYS_delete_module, "isoscope_probe_none", O_NONBLOCK);
}
/* An attribute of size 0 is refused (EINVAL) once the call is reached. */
static long
do_bpf (void)
{
  return syscall (SYS_bpf, BPF_PROG_LOAD, NULL, 0);
}
static long
do_perf_event_open (void)
{
  return syscall (SYS_perf_event_open, NULL, 0, -1, -1, 0);
}
/* A handle of an impossible size: EINVAL once the call is reached. */
static long
do_open_by_handle_at (void)
{
  struct
  {
    unsigned int bytes;
    int type;
    unsigned char h[8];
  } fh = { .bytes = 100000, .type = 1 };
  return syscall (SYS_open_by_handle_at, AT_FDCWD, &fh, O_RDONLY);
}

/* ptrace and process_vm_readv of another process of the sandbox: a sibling. */
static pid_t sibling;

static long
do_ptrace (void)
{
  long rc = ptrace (PTRACE_ATTACH, sibling, NULL, NULL);
  if (rc == 0)
    {
      waitpid (sibling, NULL, __WALL);
      ptrace (PTRACE_DETACH, sibling, NULL, NULL);
    }
  return rc;
}
static long
do_process_vm_readv (void)
{
  static char word[8];
  char buf[8];
  struct iovec local = { buf, sizeof buf }, remote = { word, sizeof word };
  return syscall (SYS_process_vm_readv, sibling, &local, 1UL, &remote, 1UL, 0UL);
}

/* TIOCSTI pushes a byte into a terminal's input; the CVE-2019-10063 variant sets bits above
   the 32 the kernel looks at, which a filter comparing the whole 64-bit argument misses.  The
   fd is a pipe, never a terminal: ENOTTY once the call is reached. */
static long
tty_ioctl (unsigned long cmd, void *arg)
{
  int p[2];
  if (pipe (p) < 0)
    return -1;
  long rc = syscall (SYS_ioctl, p[0], cmd, arg);
  int e = errno;
  close (p[0]);
  close (p[1]);
  errno = e;
  return rc;
}
static long
do_tiocsti (void)
{
  char c = 'x';
  return tty_ioctl ((unsigned long)TIOCSTI, &c);
}
static long
do_tiocsti_high (void)
{
  char c = 'x';
  return tty_ioctl ((unsigned long)TIOCSTI | (0x123UL << 32), &c);
}
static long
do_tioclinux (void)
{
  char sub = 0;
  return tty_ioctl ((unsigned long)TIOCLINUX, &sub);
}

static const struct
{
  const char *name;
  long (*fn) (void);
} attacks[] = {
  { "unshare-user", do_unshare_user },
  { "unshare-mnt", do_unshare_mnt },
  { "unshare-net", do_unshare_net },
  { "clone-newns", do_clone_ns },
  { "clone3-newnet", do_clone3_ns },
  { "setns", do_setns },
  { "mount", do_mount },
  { "umount", do_umount },
  { "keyctl", do_keyctl },
  { "add_key", do_add_key },
  { "request_key", do_request_key },
  { "kexec_load", do_kexec_load },
  { "kexec_file_load", do_kexec_file_load },
  { "finit_module", do_finit_module },
  { "delete_module", do_delete_module },
  { "bpf", do_bpf },
  { "perf_event_open", do_perf_event_open },
  { "open_by_handle_at", do_open_by_handle_at },
  { "ptrace-sibling", do_ptrace },
  { "process_vm_readv-sibling", do_process_vm_readv },
  { "ioctl-TIOCSTI", do_tiocsti },
  { "ioctl-TIOCSTI-highbits", do_tiocsti_high },
  { "ioctl-TIOCLINUX", do_tioclinux },
};

static int
cmd_syscalls (void)
{
  sibling = fork ();
  if (sibling == 0)
    {
      for (;;)
        pause ();
    }
  for (size_t i = 0; i < sizeof attacks / sizeof attacks[0]; i++)
    in_child (attacks[i].name, attacks[i].fn);
  kill (sibling, SIGKILL);
  waitpid (sibling, NULL, 0);
  return 0;
}

static int
cmd_fds (void)
{
  DIR *d = opendir ("/proc/self/fd");
  if (!d)
    {
      printf ("error %s\n", errname (errno));
      return 1;
    }
  struct dirent *de;
  while ((de = readdir (d)))
    {
      int fd = atoi (de->d_name);
      if (de->d_name[0] == '.' || fd <= 2 || fd == dirfd (d))
        continue;
      char path[64], target[512];
      snprintf (path, sizeof path, "/proc/self/fd/%d", fd);
      ssize_t n = readlink (path, target, sizeof target - 1);
      target[n > 0 ? n : 0] = '\0';
      printf ("%d -> %s\n", fd, target);
    }
  closedir (d);
  return 0;
}

static int
cmd_read (int argc, char **argv)
{
  for (int i = 0; i < argc; i++)
    {
      int fd = open (argv[i], O_RDONLY | O_CLOEXEC);
      char c;
      long rc = fd < 0 ? -1 : read (fd, &c, 1);
      int e = errno;
      if (fd >= 0)
        close (fd);
      /* An empty file (a mask on /dev/null) gives nothing away. */
      if (rc == 0)
        printf ("%s empty\n", argv[i]);
      else
        report (argv[i], rc, e);
    }
  return 0;
}

/* Open for writing, write nothing. */
static int
cmd_openw (int argc, char **argv)
{
  for (int i = 0; i < argc; i++)
    {
      int fd = open (argv[i], O_WRONLY | O_CLOEXEC);
      report (argv[i], fd, errno);
      if (fd >= 0)
        close (fd);
    }
  return 0;
}

static int
cmd_connect (const char *port)
{
  int s = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons ((uint16_t)atoi (port)) };
  a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  long rc = s < 0 ? -1 : connect (s, (struct sockaddr *)&a, sizeof a);
  report ("connect", rc, errno);
  return 0;
}

static int
cmd_whoami (void)
{
  char buf[4096];
  int fd = open ("/proc/self/status", O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read (fd, buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = '\0';
  const char *eff = strstr (buf, "CapEff:");
  printf ("uid=%d euid=%d capeff=%.16s\n", (int)getuid (), (int)geteuid (), eff ? eff + 8 : "?");
  return 0;
}

static int
cmd_cwd (void)
{
  char buf[4096];
  if (getcwd (buf, sizeof buf))
    printf ("cwd %s\n", buf);
  else
    printf ("cwd %s\n", errname (errno));
  return 0;
}

static int
cmd_kill (int argc, char **argv)
{
  for (int i = 0; i < argc; i++)
    {
      long rc = kill ((pid_t)atoi (argv[i]), 0);
      report (argv[i], rc, errno);
    }
  return 0;
}

static int
cmd_hog (const char *arg)
{
  long mib = atol (arg);
  setvbuf (stdout, NULL, _IONBF, 0);
  for (long i = 1; i <= mib; i++)
    {
      char *p = mmap (NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED)
        {
          printf ("mmap %s\n", errname (errno));
          return 1;
        }
      memset (p, (int)i, 1 << 20);
      printf ("%ld\n", i);
    }
  return 0;
}

static int
cmd_forkbomb (const char *arg)
{
  long max = atol (arg), n = 0;
  int e = 0;
  pid_t *kids = calloc ((size_t)max + 1, sizeof *kids);
  if (!kids)
    return 1;
  while (n < max)
    {
      pid_t pid = fork ();
      if (pid == 0)
        {
          for (;;)
            pause ();
        }
      if (pid < 0)
        {
          e = errno;
          break;
        }
      kids[n++] = pid;
    }
  printf ("forked %ld %s\n", n, e ? errname (e) : "none");
  fflush (stdout);
  /* The children stay a second, for whoever watches the host meanwhile. */
  sleep (1);
  for (long i = 0; i < n; i++)
    kill (kids[i], SIGKILL);
  for (long i = 0; i < n; i++)
    waitpid (kids[i], NULL, 0);
  free (kids);
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      fprintf (stderr, "usage: escape-probe syscalls|fds|read PATH...|openw PATH...|kill PID...|connect PORT|whoami|"
                       "cwd|pause|hog MIB|forkbomb MAX\n");
      return 2;
    }
  const char *cmd = argv[1];
  if (strcmp (cmd, "syscalls") == 0)
    return cmd_syscalls ();
  if (strcmp (cmd, "fds") == 0)
    return cmd_fds ();
  if (strcmp (cmd, "read") == 0)
    return cmd_read (argc - 2, argv + 2);
  if (strcmp (cmd, "kill") == 0)
    return cmd_kill (argc - 2, argv + 2);
  if (strcmp (cmd, "openw") == 0)
    return cmd_openw (argc - 2, argv + 2);
  if (strcmp (cmd, "connect") == 0 && argc == 3)
    return cmd_connect (argv[2]);
  if (strcmp (cmd, "whoami") == 0)
    return cmd_whoami ();
  if (strcmp (cmd, "cwd") == 0)
    return cmd_cwd ();
  if (strcmp (cmd, "pause") == 0)
    for (;;)
      pause ();
  if (strcmp (cmd, "hog") == 0 && argc == 3)
    return cmd_hog (argv[2]);
  if (strcmp (cmd, "forkbomb") == 0 && argc == 3)
    return cmd_forkbomb (argv[2]);
  fprintf (stderr, "escape-probe: unknown command '%s'\n", cmd);
  return 2;
}
