/* SPDX-License-Identifier: GPL-2.0-or-later */
/* subproc.h: run a piece of a unit test in a child process and capture what it printed,
   so that a crash or a sanitizer report there becomes a test result, not the end of the run. */
#ifndef ISOSCOPE_TEST_SUBPROC_H
#define ISOSCOPE_TEST_SUBPROC_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run FN in a child with stdout and stderr going to OUT (NUL-terminated, cut to SIZE-1).
   Returns the wait status, or -1 when the child could not be started. */
static inline int
run_in_child (void (*fn) (void), char *out, size_t size)
{
  int p[2];
  out[0] = '\0';
  fflush (NULL);
  if (pipe (p) < 0)
    return -1;
  pid_t pid = fork ();
  if (pid < 0)
    {
      close (p[0]);
      close (p[1]);
      return -1;
    }
  if (pid == 0)
    {
      dup2 (p[1], STDOUT_FILENO);
      dup2 (p[1], STDERR_FILENO);
      close (p[0]);
      close (p[1]);
      fn ();
      fflush (NULL);
      _exit (0);
    }
  close (p[1]);
  size_t len = 0;
  char scratch[512];
  for (;;)
    {
      ssize_t n = read (p[0], len + 1 < size ? out + len : scratch, len + 1 < size ? size - 1 - len : sizeof scratch);
      if (n <= 0)
        break;
      if (len + 1 < size)
        len += (size_t)n;
    }
  out[len] = '\0';
  close (p[0]);
  int status;
  if (waitpid (pid, &status, 0) < 0)
    return -1;
  return status;
}

static inline bool
child_clean (int status)
{
  return status >= 0 && WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

/* Every NULL-terminated needle occurs in TEXT: the fingerprint of a known bug's report. */
static inline bool
report_matches (const char *text, const char *const needles[])
{
  for (size_t i = 0; needles[i]; i++)
    if (!strstr (text, needles[i]))
      return false;
  return true;
}

#endif
