// SPDX-License-Identifier: GPL-2.0-or-later
/* seccomp-helper.c: install N seccomp filters on itself, then exec a command (for the system tests).
 *
 * Usage: seccomp-helper [--no-nnp] N CMD [ARG...]
 *
 * Each filter lets every system call through except getppid(2), which fails with EPERM; a
 * call of another architecture than the one this was built for is let through too.  Unless
 * --no-nnp is given, PR_SET_NO_NEW_PRIVS is set first (without it the kernel requires
 * CAP_SYS_ADMIN).  Before the exec the helper checks that getppid() now fails with EPERM.
 * The tests compile it at run time with `cc`; it uses nothing but the kernel's headers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define HELPER_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define HELPER_ARCH AUDIT_ARCH_AARCH64
#elif defined(__i386__)
#define HELPER_ARCH AUDIT_ARCH_I386
#endif

static int
install_one (void)
{
  struct sock_filter prog[] = {
#ifdef HELPER_ARCH
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, HELPER_ARCH, 1, 0),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
#endif
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog fprog = { .len = (unsigned short)(sizeof prog / sizeof prog[0]), .filter = prog };
  return prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0);
}

int
main (int argc, char **argv)
{
  int i = 1, nnp = 1;
  if (i < argc && strcmp (argv[i], "--no-nnp") == 0)
    {
      nnp = 0;
      i++;
    }
  if (argc - i < 2)
    {
      fprintf (stderr, "usage: %s [--no-nnp] N CMD [ARG...]\n", argv[0]);
      return 2;
    }
  char *end;
  long n = strtol (argv[i], &end, 10);
  if (*end || n < 1 || n > 64)
    {
      fprintf (stderr, "%s: bad filter count '%s'\n", argv[0], argv[i]);
      return 2;
    }
  if (nnp && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    {
      perror ("seccomp-helper: PR_SET_NO_NEW_PRIVS");
      return 1;
    }
  for (long k = 0; k < n; k++)
    if (install_one () < 0)
      {
        perror ("seccomp-helper: PR_SET_SECCOMP");
        return 1;
      }
  errno = 0;
  if (syscall (__NR_getppid) != -1 || errno != EPERM)
    {
      fprintf (stderr, "seccomp-helper: the filter is not in effect (getppid did not fail with EPERM)\n");
      return 1;
    }
  execvp (argv[i + 1], argv + i + 1);
  perror ("seccomp-helper: exec");
  return 127;
}
