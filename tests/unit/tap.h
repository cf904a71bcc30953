/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tap.h: a header-only TAP producer for the unit tests (plan printed at the end).

   ok (cond, fmt, ...)          one assertion
   is_int (got, want, fmt, ...) integers (intmax_t), shows both on failure
   is_u64 (got, want, fmt, ...) unsigned 64-bit values
   is_str (got, want, fmt, ...) strings; NULL equals only NULL
   diag (fmt, ...)              a "# " comment line
   todo_start (why) / todo_end  failures in between are expected (TAP "# TODO")
   skip_all (why)               the whole file does not apply: plan 1..0 and exit 0
   return done_testing ();      prints the plan; 0 when nothing failed, else 1 */
#ifndef ISOSCOPE_TAP_H
#define ISOSCOPE_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_count, tap_failed;
static const char *tap_todo;

static inline void __attribute__ ((format (printf, 1, 2))) diag (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fputs ("# ", stdout);
  vprintf (fmt, ap);
  fputc ('\n', stdout);
  va_end (ap);
}

/* Print one result line; descriptions must not contain '#' or newlines (TAP reserves them). */
static inline bool __attribute__ ((format (printf, 4, 0)))
tap_vresult (bool pass, const char *file, int line, const char *fmt, va_list ap)
{
  tap_count++;
  printf ("%sok %d - ", pass ? "" : "not ", tap_count);
  vprintf (fmt, ap);
  if (tap_todo)
    printf (" # TODO %s", tap_todo);
  fputc ('\n', stdout);
  if (!pass)
    {
      diag ("  Failed %stest at %s line %d.", tap_todo ? "(TODO) " : "", file, line);
      if (!tap_todo)
        tap_failed++;
    }
  fflush (stdout);
  return pass;
}

static inline bool __attribute__ ((format (printf, 4, 5)))
tap_ok_at (bool pass, const char *file, int line, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  bool r = tap_vresult (pass, file, line, fmt, ap);
  va_end (ap);
  return r;
}

static inline bool __attribute__ ((format (printf, 5, 6)))
tap_is_int_at (intmax_t got, intmax_t want, const char *file, int line, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  bool r = tap_vresult (got == want, file, line, fmt, ap);
  va_end (ap);
  if (!r)
    {
      diag ("         got: %jd", got);
      diag ("    expected: %jd", want);
    }
  return r;
}

static inline bool __attribute__ ((format (printf, 5, 6)))
tap_is_u64_at (uint64_t got, uint64_t want, const char *file, int line, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  bool r = tap_vresult (got == want, file, line, fmt, ap);
  va_end (ap);
  if (!r)
    {
      diag ("         got: %" PRIu64, got);
      diag ("    expected: %" PRIu64, want);
    }
  return r;
}

static inline bool __attribute__ ((format (printf, 5, 6)))
tap_is_str_at (const char *got, const char *want, const char *file, int line, const char *fmt, ...)
{
  bool same = (got && want) ? strcmp (got, want) == 0 : got == want;
  va_list ap;
  va_start (ap, fmt);
  bool r = tap_vresult (same, file, line, fmt, ap);
  va_end (ap);
  if (!r)
    {
      diag ("         got: %s%s%s", got ? "'" : "", got ? got : "NULL", got ? "'" : "");
      diag ("    expected: %s%s%s", want ? "'" : "", want ? want : "NULL", want ? "'" : "");
    }
  return r;
}

#define ok(cond, ...) tap_ok_at (!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...) tap_is_int_at ((intmax_t)(got), (intmax_t)(want), __FILE__, __LINE__, __VA_ARGS__)
#define is_u64(got, want, ...) tap_is_u64_at ((uint64_t)(got), (uint64_t)(want), __FILE__, __LINE__, __VA_ARGS__)
#define is_str(got, want, ...) tap_is_str_at ((got), (want), __FILE__, __LINE__, __VA_ARGS__)

static inline void
todo_start (const char *why)
{
  tap_todo = why;
}

static inline void
todo_end (void)
{
  tap_todo = NULL;
}

static inline void __attribute__ ((noreturn)) skip_all (const char *why)
{
  printf ("1..0 # SKIP %s\n", why);
  exit (0);
}

static inline int
done_testing (void)
{
  printf ("1..%d\n", tap_count);
  if (tap_failed)
    diag ("Looks like you failed %d test%s of %d.", tap_failed, tap_failed == 1 ? "" : "s", tap_count);
  fflush (stdout);
  return tap_failed ? 1 : 0;
}

#endif
