// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-limits.c: run's limit arguments: sizes (--memory, --memory-swap), --cpus and --rlimit.
   Input: "size", "cpus" or "rlimit" on the first line, the argument after it. */
#include "fuzz.h"
#include "isoscope/sandbox.h"

#include <sys/resource.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *s = fuzz_cstr (data, size);
  char *arg = fuzz_split_line (s);
  if (strcmp (s, "size") == 0)
    {
      int64_t v = -5;
      if (limits_parse_size (arg, &v) == 0)
        /* A size is a byte count: not negative, below the cgroup files' 2^63. */
        FUZZ_CHECK (v >= 0 && v < INT64_MAX);
      else
        FUZZ_CHECK (v == -5);
    }
  else if (strcmp (s, "cpus") == 0)
    {
      struct run_limits l;
      memset (&l, 0, sizeof l);
      if (limits_parse_cpus (arg, &l) == 0)
        {
          /* A quota of at least 1 ms per 100 ms period, at most a million CPUs' worth. */
          FUZZ_CHECK (l.cpu_period_usec == 100000);
          FUZZ_CHECK (l.cpu_quota_usec >= 1000 && l.cpu_quota_usec <= 1000000ULL * 100000);
        }
      else
        FUZZ_CHECK (l.cpu_quota_usec == 0 && l.cpu_period_usec == 0);
    }
  else if (strcmp (s, "rlimit") == 0)
    {
      struct run_rlimit rl = { -1, 0, 0 };
      if (limits_parse_rlimit (arg, &rl) == 0)
        {
          FUZZ_CHECK (rl.resource >= 0 && rl.resource < RLIM_NLIMITS);
          /* setrlimit would refuse a soft limit above the hard one. */
          FUZZ_CHECK (rl.hard == RLIM_INFINITY || rl.soft <= rl.hard);
          FUZZ_CHECK (strchr (arg, '='));
        }
    }
  else
    {
      free (s);
      return -1;
    }
  free (s);
  return 0;
}
