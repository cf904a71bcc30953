// SPDX-License-Identifier: GPL-2.0-or-later
/* hostile-helper.c: processes of hostile sizes and names for the system tests, each holding still until killed.
 *
 * Usage:
 *   hostile-helper threads N        N threads besides the main one (small stacks)
 *   hostile-helper netns N          N network namespaces, each held by one open fd only
 *   hostile-helper mounts N DIR     in a new mount namespace (private, nothing propagates):
 *                                   N tmpfs mounts stacked on DIR, then a net namespace
 *                                   held only by a bind mount on DIR/netns (the last mount)
 *   hostile-helper comm HEX         re-exec with argv[0] and comm set to the bytes HEX encodes
 *
 * When ready it prints "ready" (netns: one inode per line, then "ready"; mounts: "ready INODE"
 * with the bind-mounted namespace's inode) on stdout, then waits for a signal.  It dies with
 * its parent (PR_SET_PDEATHSIG).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static int
hh_fail (const char *what)
{
  fprintf (stderr, "hostile-helper: %s: %s\n", what, strerror (errno));
  return 1;
}

static void *
hh_sleeper (void *arg)
{
  (void)arg;
  for (;;)
    pause ();
  return NULL;
}

static int
hh_threads (int n)
{
  pthread_attr_t a;
  pthread_attr_init (&a);
  pthread_attr_setstacksize (&a, 64 * 1024);
  for (int i = 0; i < n; i++)
    {
      pthread_t t;
      int e = pthread_create (&t, &a, hh_sleeper, NULL);
      if (e)
        {
          errno = e;
          return hh_fail ("pthread_create");
        }
    }
  printf ("ready\n");
  return 0;
}

static int
hh_ino (int fd, unsigned long long *ino)
{
  struct stat st;
  if (fstat (fd, &st) < 0)
    return -1;
  *ino = (unsigned long long)st.st_ino;
  return 0;
}

/* A new net namespace, returned as an fd; we stay in the one we were in. */
static int
hh_new_netns (void)
{
  int home = open ("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (home < 0 || unshare (CLONE_NEWNET) < 0)
    return -1;
  int fd = open ("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  int r = setns (home, CLONE_NEWNET);
  close (home);
  if (r < 0)
    {
      if (fd >= 0)
        close (fd);
      return -1;
    }
  return fd;
}

static int
hh_netns (int n)
{
  struct rlimit rl;
  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)n + 64)
    {
      rl.rlim_cur = rl.rlim_max < (rlim_t)n + 64 ? rl.rlim_max : (rlim_t)n + 64;
      setrlimit (RLIMIT_NOFILE, &rl);
    }
  unsigned long long *inos = calloc ((size_t)n, sizeof *inos);
  for (int i = 0; i < n; i++)
    {
      int fd = hh_new_netns ();
      if (fd < 0 || hh_ino (fd, &inos[i]) < 0)
        return hh_fail ("a new net namespace");
    }
  for (int i = 0; i < n; i++)
    printf ("%llu\n", inos[i]);
  printf ("ready\n");
  free (inos);
  return 0;
}

static int
hh_mounts (int n, const char *dir)
{
  if (unshare (CLONE_NEWNS) < 0)
    return hh_fail ("unshare(CLONE_NEWNS)");
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return hh_fail ("making / private");
  for (int i = 0; i < n; i++)
    if (mount ("hostile", dir, "tmpfs", 0, "size=64k") < 0)
      return hh_fail ("mount tmpfs");
  char target[4096];
  snprintf (target, sizeof target, "%s/netns", dir);
  int tfd = open (target, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (tfd < 0)
    return hh_fail (target);
  close (tfd);
  int ns = hh_new_netns ();
  unsigned long long ino;
  if (ns < 0 || hh_ino (ns, &ino) < 0)
    return hh_fail ("a new net namespace");
  char src[64];
  snprintf (src, sizeof src, "/proc/self/fd/%d", ns);
  if (mount (src, target, NULL, MS_BIND, NULL) < 0)
    return hh_fail ("bind-mounting the net namespace");
  close (ns);
  printf ("ready %llu\n", ino);
  return 0;
}

static int
hh_unhex (const char *hex, char *out, size_t size)
{
  size_t n = strlen (hex) / 2;
  if (n + 1 > size)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      unsigned v;
      if (sscanf (hex + 2 * i, "%2x", &v) != 1)
        return -1;
      out[i] = (char)v;
    }
  out[n] = '\0';
  return 0;
}

int
main (int argc, char **argv)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  setvbuf (stdout, NULL, _IOLBF, 0);
  int r;
  if (argc == 3 && strcmp (argv[1], "threads") == 0)
    r = hh_threads (atoi (argv[2]));
  else if (argc == 3 && strcmp (argv[1], "netns") == 0)
    r = hh_netns (atoi (argv[2]));
  else if (argc == 4 && strcmp (argv[1], "mounts") == 0)
    r = hh_mounts (atoi (argv[2]), argv[3]);
  else if (argc == 3 && strcmp (argv[1], "comm") == 0)
    {
      /* Re-exec with the name as argv[0]; the child form is "NAME comm-child HEX". */
      char name[64];
      if (hh_unhex (argv[2], name, sizeof name) < 0)
        return 2;
      char *args[] = { name, (char *)"comm-child", argv[2], NULL };
      execv ("/proc/self/exe", args);
      return hh_fail ("execv");
    }
  else if (argc == 3 && strcmp (argv[1], "comm-child") == 0)
    {
      char name[64];
      if (hh_unhex (argv[2], name, sizeof name) < 0 || prctl (PR_SET_NAME, name) < 0)
        return 2;
      r = 0;
      printf ("ready\n");
    }
  else
    {
      fprintf (stderr, "usage: hostile-helper threads N | netns N | mounts N DIR | comm HEX\n");
      return 2;
    }
  if (r)
    return r;
  for (;;)
    pause ();
}
