/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz.h: what every libFuzzer target shares: a NUL-terminated copy of the input, splitting off
   a first line that selects or parameterises the parser, and invariant checks that trap. */
#ifndef ISOSCOPE_FUZZ_H
#define ISOSCOPE_FUZZ_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* An invariant of the parser's result: say which one failed, then stop with a trap
   (libFuzzer records the input as a crash). */
#define FUZZ_CHECK(cond)                                                                                               \
  do                                                                                                                   \
    {                                                                                                                  \
      if (!(cond))                                                                                                     \
        {                                                                                                              \
          fprintf (stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);                                \
          __builtin_trap ();                                                                                           \
        }                                                                                                              \
    }                                                                                                                  \
  while (0)

/* The input as a C string (it ends at its first NUL byte, as a file read into a
   buffer would for these parsers).  Caller frees. */
static inline char *
fuzz_cstr (const uint8_t *data, size_t size)
{
  char *s = malloc (size + 1);
  if (!s)
    abort ();
  memcpy (s, data, size);
  s[size] = '\0';
  return s;
}

/* Cut S at its first newline: S is then the first line, the return value the rest
   ("" when there is no newline). */
static inline char *
fuzz_split_line (char *s)
{
  char *nl = strchr (s, '\n');
  if (!nl)
    return s + strlen (s);
  *nl = '\0';
  return nl + 1;
}

/* Is [P, P+N) inside the string S (its terminating NUL included)? */
static inline int
fuzz_within (const char *p, size_t n, const char *s)
{
  return p >= s && p + n <= s + strlen (s) + 1;
}

#endif
