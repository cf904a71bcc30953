// SPDX-License-Identifier: GPL-2.0-or-later
/* harden-probe.c: try system calls a sandbox should refuse and print how each went (for the system tests).
 *
 * Usage: harden-probe CASE...
 *
 * Prints one line per CASE: "CASE ok" when the call succeeded, else "CASE ENAME" (the errno's
 * name).  A seccomp filter refusing a call shows as its errno (EPERM); the kernel refusing it
 * for another reason shows as whatever it says (ENOTTY for TIOCSTI on a pipe, EINVAL...).
 * Cases: unshare-user unshare-net clone-newns clone3 setns mount umount keyctl add-key bpf perf
 * ptrace kexec init-module tiocsti tiocsti-high tioclinux vsock getpid getppid
 * getpriority:VALUE (getpriority with VALUE, a 64-bit number, as its first argument); on x86_64
 * also i386-keyctl i386-getpid (through int 0x80) and x32-getpid.
 * The tests compile it at run time with `cc`; it uses nothing but libc and the kernel's headers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

/* A clone that exits at once in the child: only the parent's view matters. */
static long
probe_clone (unsigned long flags)
{
  long pid = syscall (SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
  if (pid == 0)
    _exit (0);
  if (pid > 0)
    waitpid ((pid_t)pid, NULL, 0);
  return pid;
}

static long
probe_one (const char *c)
{
  char ch = 'x';
  if (strcmp (c, "unshare-user") == 0)
    return unshare (CLONE_NEWUSER);
  if (strcmp (c, "unshare-net") == 0)
    return unshare (CLONE_NEWNET);
  if (strcmp (c, "clone-newns") == 0)
    return probe_clone (CLONE_NEWNS);
  if (strcmp (c, "clone3") == 0)
    return syscall (SYS_clone3, NULL, 0);
  if (strcmp (c, "setns") == 0)
    return setns (-1, 0);
  if (strcmp (c, "mount") == 0)
    return mount ("none", "/", NULL, MS_REMOUNT | MS_BIND, NULL);
  if (strcmp (c, "umount") == 0)
    return umount2 ("/nonexistent-isoscope-probe", 0);
  if (strcmp (c, "keyctl") == 0)
    return syscall (SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0);
  if (strcmp (c, "add-key") == 0)
    return syscall (SYS_add_key, "user", "isoscope-probe", "x", 1, -3);
  if (strcmp (c, "bpf") == 0)
    return syscall (SYS_bpf, 0, NULL, 0);
  if (strcmp (c, "perf") == 0)
    {
      struct perf_event_attr a = { .type = PERF_TYPE_SOFTWARE, .size = sizeof a, .config = PERF_COUNT_SW_CPU_CLOCK };
      return syscall (SYS_perf_event_open, &a, 0, -1, -1, 0);
    }
  if (strcmp (c, "ptrace") == 0)
    return ptrace (PTRACE_PEEKDATA, getppid (), NULL, NULL) == -1 && errno ? -1 : 0;
  if (strcmp (c, "kexec") == 0)
    return syscall (SYS_kexec_load, 0, 0, NULL, 0);
  if (strcmp (c, "init-module") == 0)
    return syscall (SYS_init_module, NULL, 0, "");
  if (strcmp (c, "tiocsti") == 0)
    return ioctl (0, TIOCSTI, &ch);
  if (strcmp (c, "tiocsti-high") == 0)
    /* CVE-2019-10063: the kernel ignores the high 32 bits of the command; a filter must too. */
    return syscall (SYS_ioctl, 0, (0x123UL << 32) | TIOCSTI, &ch);
  if (strcmp (c, "tioclinux") == 0)
    return ioctl (0, TIOCLINUX, &ch);
  if (strcmp (c, "vsock") == 0)
    {
      int s = socket (AF_VSOCK, SOCK_STREAM, 0);
      if (s >= 0)
        close (s);
      return s;
    }
  if (strcmp (c, "getpid") == 0)
    return getpid ();
  if (strcmp (c, "getppid") == 0)
    return syscall (SYS_getppid);
#if defined(__x86_64__)
  /* The i386 entry point from a 64-bit process (int 0x80: keyctl is 288, getpid 20 there),
     and an x32 call (bit 30 set on getpid, 39). */
  if (strcmp (c, "i386-keyctl") == 0 || strcmp (c, "i386-getpid") == 0)
    {
      long nr = c[5] == 'k' ? 288 : 20, ret;
      __asm__ volatile ("int $0x80" : "=a"(ret) : "a"(nr), "b"(0L), "c"(-3L), "d"(0L) : "memory");
      if (ret < 0 && ret > -4096)
        {
          errno = (int)-ret;
          return -1;
        }
      return ret;
    }
  if (strcmp (c, "x32-getpid") == 0)
    return syscall (0x40000000L | 39);
#endif
  if (strncmp (c, "getpriority:", 12) == 0)
    return syscall (SYS_getpriority, (unsigned long)strtoull (c + 12, NULL, 0), 0UL);
  fprintf (stderr, "harden-probe: unknown case '%s'\n", c);
  exit (2);
}

int
main (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      errno = 0;
      long r = probe_one (argv[i]);
      int e = errno;
      if (r < 0 && e)
        printf ("%s %s\n", argv[i], strerrorname_np (e) ? strerrorname_np (e) : "E?");
      else
        printf ("%s ok\n", argv[i]);
      fflush (stdout);
    }
  return 0;
}
