// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-proc-stat.c: /proc/PID/stat through both parsers (the collector's and the live view's). */
#include "fuzz.h"
#include "isoscope/live.h"
#include "isoscope/proc.h"

#include <ctype.h>

/* The comm both parsers must return: from the first '(' to the last ')', cut to 63 bytes. */
static void
expected_comm (const char *s, char out[64])
{
  const char *open = strchr (s, '('), *close = strrchr (s, ')');
  size_t n = (size_t)(close - open - 1);
  if (n > 63)
    n = 63;
  memcpy (out, open + 1, n);
  out[n] = '\0';
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *s = fuzz_cstr (data, size);
  char want[64];
  struct proc_stat ps;
  int r1 = proc_parse_stat (s, &ps);
  if (r1 == 0)
    {
      expected_comm (s, want);
      FUZZ_CHECK (ps.pid > 0);
      FUZZ_CHECK (strcmp (ps.comm, want) == 0);
      /* Every task state the kernel shows is a letter (R, S, D, Z, T, t, X, I...). */
      FUZZ_CHECK (isalpha ((unsigned char)ps.state));
    }
  struct live_stat ls;
  int r2 = live_parse_stat (s, strlen (s), &ls);
  if (r2 == 0)
    {
      expected_comm (s, want);
      FUZZ_CHECK (strcmp (ls.comm, want) == 0);
      FUZZ_CHECK (isalpha ((unsigned char)ls.state));
    }
  /* Where both accept the text they must read the same numbers from it. */
  if (r1 == 0 && r2 == 0)
    {
      FUZZ_CHECK (ps.state == ls.state && ps.ppid == ls.ppid);
      FUZZ_CHECK (ps.utime == ls.utime && ps.stime == ls.stime);
      FUZZ_CHECK (ps.start_time == ls.start_time);
      FUZZ_CHECK ((int)ps.nthreads == ls.nthreads);
    }
  free (s);
  return 0;
}
