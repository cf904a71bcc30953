// SPDX-License-Identifier: GPL-2.0-or-later
/* churner.c: start and end short-lived processes in new namespaces and cgroups, for a bounded time (system tests).
 *
 * Usage: churner SECONDS RATE NAME
 *
 * For SECONDS (at most 600) it forks about RATE children a second, at most 64 alive at
 * once.  Each child lives 0-8 ms; most of them first unshare() one or more namespaces
 * (uts, ipc, net, mnt, cgroup, user, pid: a pid namespace gets a child of its own that
 * lives as long).  Every child is first moved into a cgroup of its own, made for it
 * under NAME in one of the cgroup hierarchies (each v1 one and cgroup2) and removed once
 * the child is reaped; with each fork an empty cgroup is made too, and removed 32 forks
 * later.  NAME must not exist yet in any hierarchy: the churner creates
 * it, owns it, and removes it with everything below it at the end, on SIGTERM, SIGINT
 * or SIGHUP as well (children die with it on SIGKILL: PR_SET_PDEATHSIG; the caller then
 * removes NAME/c* and NAME, which are empty once they are dead).
 *
 * On exit it prints one line: "forks N seconds S rate R unshared U cgroups C failed F" (F:
 * children that did not exit 0, e.g. because unshare failed); it exits 1 when a cgroup
 * could not be made or removed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define MAX_ALIVE 64
#define MAX_HIER 16
#define CG_ROOT "/sys/fs/cgroup"

/* The namespace mixes the children cycle through (0: none). */
static const int churn_flags[] = {
  0,
  CLONE_NEWUTS,
  CLONE_NEWIPC,
  CLONE_NEWNS,
  0,
  CLONE_NEWPID,
  CLONE_NEWUSER,
  CLONE_NEWCGROUP,
  CLONE_NEWNS | CLONE_NEWUTS,
  CLONE_NEWUSER | CLONE_NEWNET,
  0,
  CLONE_NEWIPC | CLONE_NEWPID,
};

struct child
{
  pid_t pid;
  char cg[PATH_MAX + 64]; /* its cgroup, "" when none */
};

static volatile sig_atomic_t churn_stop;
static char churn_hier[MAX_HIER][PATH_MAX]; /* NAME in each hierarchy */
static int churn_nhier;
static struct child churn_kids[MAX_ALIVE];
#define EMPTY_RING 32
static char churn_empty[EMPTY_RING][PATH_MAX + 64]; /* the empty cgroups alive, "" for none */

static void
churn_on_signal (int sig)
{
  (void)sig;
  churn_stop = 1;
}

static double
churn_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A cgroup filesystem mounted at PATH? */
static int
churn_is_cgroupfs (const char *path)
{
  struct statfs sf;
  return statfs (path, &sf) == 0 && (sf.f_type == CGROUP_SUPER_MAGIC || sf.f_type == CGROUP2_SUPER_MAGIC);
}

/* Write N bytes of VAL to DIR/FILE; a file that is not there is no error. */
static void
churn_write (const char *dir, const char *file, const char *val, size_t n)
{
  char p[PATH_MAX + 512];
  snprintf (p, sizeof p, "%s/%s", dir, file);
  int fd = open (p, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return;
  if (write (fd, val, n) != (ssize_t)n)
    fprintf (stderr, "churner: write %s: %s\n", p, strerror (errno));
  close (fd);
}

/* Copy FILE of the parent of DIR into DIR (when the parent has it). */
static void
churn_copy_parent (const char *dir, const char *file)
{
  char p[PATH_MAX + 512], buf[4096];
  snprintf (p, sizeof p, "%s/../%s", dir, file);
  int fd = open (p, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return;
  ssize_t n = read (fd, buf, sizeof buf);
  close (fd);
  if (n > 0)
    churn_write (dir, file, buf, (size_t)n);
}

/* NAME in every hierarchy: /sys/fs/cgroup itself on a pure v2 host, else each mount below it. */
static int
churn_make_dirs (const char *name)
{
  struct statfs sf;
  if (statfs (CG_ROOT, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC)
    snprintf (churn_hier[churn_nhier++], sizeof churn_hier[0], "%s/%s", CG_ROOT, name);
  else
    {
      DIR *d = opendir (CG_ROOT);
      struct dirent *e;
      while (d && (e = readdir (d)) && churn_nhier < MAX_HIER)
        {
          char p[512];
          struct stat st;
          snprintf (p, sizeof p, "%s/%s", CG_ROOT, e->d_name);
          if (e->d_name[0] == '.' || lstat (p, &st) < 0 || !S_ISDIR (st.st_mode) || !churn_is_cgroupfs (p))
            continue;
          snprintf (churn_hier[churn_nhier++], sizeof churn_hier[0], "%s/%s", p, name);
        }
      if (d)
        closedir (d);
    }
  for (int i = 0; i < churn_nhier; i++)
    if (mkdir (churn_hier[i], 0755) < 0)
      {
        fprintf (stderr, "churner: mkdir %s: %s\n", churn_hier[i], strerror (errno));
        for (int k = 0; k < i; k++)
          rmdir (churn_hier[k]);
        return -1;
      }
    else
      {
        /* A v1 cpuset takes tasks only with cpus and mems: NAME gets its parent's, and its
           children get NAME's as they are made (clone_children). */
        churn_copy_parent (churn_hier[i], "cpuset.cpus");
        churn_copy_parent (churn_hier[i], "cpuset.mems");
        churn_write (churn_hier[i], "cgroup.clone_children", "1", 1);
      }
  return 0;
}

/* Remove a cgroup, retrying while the kernel still counts the dead child in it. */
static int
churn_rmdir (const char *path)
{
  for (int i = 0; i < 200; i++)
    {
      if (rmdir (path) == 0 || errno == ENOENT)
        return 0;
      if (errno != EBUSY)
        break;
      usleep (5000);
    }
  fprintf (stderr, "churner: rmdir %s: %s\n", path, strerror (errno));
  return -1;
}

static void
churn_child (const char *cg, int flags, unsigned life_us)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () == 1)
    _exit (0);
  if (*cg)
    {
      char p[PATH_MAX + 16];
      snprintf (p, sizeof p, "%s/cgroup.procs", cg);
      int fd = open (p, O_WRONLY | O_CLOEXEC);
      if (fd < 0 || write (fd, "0", 1) != 1)
        _exit (3);
      close (fd);
    }
  if (flags && unshare (flags) < 0)
    _exit (4);
  if (flags & CLONE_NEWPID)
    {
      pid_t p = fork ();
      if (p == 0)
        {
          prctl (PR_SET_PDEATHSIG, SIGKILL);
          usleep (life_us);
          _exit (0);
        }
      if (p > 0)
        waitpid (p, NULL, 0);
      _exit (p > 0 ? 0 : 5);
    }
  usleep (life_us);
  _exit (0);
}

/* Reap what has exited (all of it when BLOCK); remove their cgroups. */
static int
churn_reap (int *alive, int block, unsigned long *bad)
{
  int status, errs = 0;
  pid_t pid;
  while (*alive > 0 && (pid = waitpid (-1, &status, block ? 0 : WNOHANG)) > 0)
    for (int i = 0; i < MAX_ALIVE; i++)
      if (churn_kids[i].pid == pid)
        {
          if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
            (*bad)++;
          if (churn_kids[i].cg[0] && churn_rmdir (churn_kids[i].cg) < 0)
            errs++;
          churn_kids[i].pid = 0;
          (*alive)--;
          break;
        }
  return errs;
}

int
main (int argc, char **argv)
{
  if (argc != 4 || atof (argv[1]) <= 0 || atof (argv[1]) > 600 || atoi (argv[2]) <= 0 || strchr (argv[3], '/')
      || argv[3][0] == '.' || strlen (argv[3]) > 200)
    {
      fprintf (stderr, "usage: churner SECONDS(<=600) RATE NAME\n");
      return 2;
    }
  double seconds = atof (argv[1]);
  int rate = atoi (argv[2]);
  struct sigaction sa = { .sa_handler = churn_on_signal };
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGHUP, &sa, NULL);
  signal (SIGPIPE, SIG_IGN);
  if (churn_make_dirs (argv[3]) < 0)
    return 1;
  srand ((unsigned)getpid ());

  unsigned long forks = 0, unshared = 0, cgroups = 0, bad = 0;
  int alive = 0, errs = 0;
  double t0 = churn_now (), end = t0 + seconds;
  double now = t0;
  while (!churn_stop && (now = churn_now ()) < end)
    {
      errs += churn_reap (&alive, 0, &bad);
      /* Keep to RATE: fork only while behind the schedule. */
      if (alive >= MAX_ALIVE || (double)forks >= (now - t0) * rate)
        {
          usleep (500);
          continue;
        }
      int slot = 0;
      while (churn_kids[slot].pid)
        slot++;
      struct child *k = &churn_kids[slot];
      k->cg[0] = '\0';
      if (churn_nhier)
        {
          snprintf (k->cg, sizeof k->cg, "%s/c%lu", churn_hier[forks % (unsigned long)churn_nhier], forks);
          if (mkdir (k->cg, 0755) < 0)
            {
              fprintf (stderr, "churner: mkdir %s: %s\n", k->cg, strerror (errno));
              errs++;
              k->cg[0] = '\0';
            }
          else
            cgroups++;
        }
      /* And an empty cgroup that lives for the next EMPTY_RING forks. */
      if (churn_nhier)
        {
          char *e = churn_empty[forks % EMPTY_RING];
          if (*e && churn_rmdir (e) < 0)
            errs++;
          snprintf (e, sizeof churn_empty[0], "%s/e%lu", churn_hier[(forks + 1) % (unsigned long)churn_nhier], forks);
          if (mkdir (e, 0755) == 0)
            cgroups++;
          else
            *e = '\0';
        }
      int flags = churn_flags[forks % (sizeof churn_flags / sizeof churn_flags[0])];
      unsigned life_us = (unsigned)(rand () % 8000);
      pid_t pid = fork ();
      if (pid == 0)
        churn_child (k->cg, flags, life_us);
      if (pid < 0)
        {
          if (k->cg[0])
            rmdir (k->cg);
          usleep (1000);
          continue;
        }
      k->pid = pid;
      alive++;
      forks++;
      unshared += flags != 0;
    }
  double elapsed = churn_now () - t0;
  /* The children left live 8 ms at most: wait for them. */
  errs += churn_reap (&alive, 1, &bad);
  for (int i = 0; i < EMPTY_RING; i++)
    errs += churn_empty[i][0] && churn_rmdir (churn_empty[i]) < 0;
  for (int i = 0; i < churn_nhier; i++)
    errs += churn_rmdir (churn_hier[i]) < 0;
  printf ("forks %lu seconds %.2f rate %.0f unshared %lu cgroups %lu failed %lu\n", forks, elapsed,
          elapsed > 0 ? (double)forks / elapsed : 0, unshared, cgroups, bad);
  return errs ? 1 : 0;
}
