/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fixture.h: find and read the unit tests' fixture files (tests/fixtures/unit). */
#ifndef ISOSCOPE_TEST_FIXTURE_H
#define ISOSCOPE_TEST_FIXTURE_H

#include "isoscope/util.h"

#include <fcntl.h>
#include <stdlib.h>

/* $FIXTURES when set (tests/run-unit.sh sets it), else the tree next to this
   source file, which works when the test runs from the top of the repository. */
static inline const char *
fixture_dir (void)
{
  const char *env = getenv ("FIXTURES");
  return env && *env ? env : "tests/fixtures/unit";
}

/* The contents of fixture NAME (NUL-terminated; *LEN gets the length, which
   counts embedded NULs).  NULL when it cannot be read.  The caller frees. */
static inline char *
fixture_read (const char *name, long *len)
{
  char *path = xasprintf ("%s/%s", fixture_dir (), name);
  char *text = NULL;
  long n = util_read_file_at (AT_FDCWD, path, &text);
  free (path);
  if (len)
    *len = n;
  return n < 0 ? NULL : text;
}

#endif
