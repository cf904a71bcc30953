// SPDX-License-Identifier: GPL-2.0-or-later
/* test-limits.c: run's argument parsers: sizes, CPUs, rlimits (limits.c) and id ranges (idmap.c). */
#define _GNU_SOURCE
#include "isoscope/sandbox.h"
#include "tap.h"

#include <errno.h>
#include <sys/resource.h>

static void
test_size (void)
{
  static const struct
  {
    const char *text;
    int64_t bytes;
  } good[] = {
    { "0", 0 },
    { "4096", 4096 },
    { "1K", 1024 },
    { "64KiB", 65536 },
    { "1.5G", 1610612736 },
    { "512mb", 536870912 },
    { "100B", 100 },
    { "1E", 1152921504606846976LL },
  };
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    {
      int64_t v = -1;
      is_int (limits_parse_size (good[i].text, &v), 0, "size '%s' parses", good[i].text);
      is_int (v, good[i].bytes, "size '%s' is %lld bytes", good[i].text, (long long)good[i].bytes);
    }
  /* "nan" was found by tests/fuzz/fuzz-limits.c: it parsed, as INT64_MIN bytes. */
  static const char *const bad[] = { "", "-1", " 5", "lots", "5X", "5KiBx", "nan", "NAN", "-nan", "inf", "8E", "1e30" };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      int64_t v = -7;
      ok (limits_parse_size (bad[i], &v) < 0 && v == -7, "size '%s' is refused and nothing is stored", bad[i]);
    }
}

static void
test_cpus_rlimit (void)
{
  struct run_limits l = { 0 };
  is_int (limits_parse_cpus ("0.5", &l), 0, "cpus 0.5 parses");
  ok (l.cpu_quota_usec == 50000 && l.cpu_period_usec == 100000, "cpus 0.5: 50 ms per 100 ms");
  is_int (limits_parse_cpus ("0.00001", &l), 0, "a tiny CPU share parses");
  is_int ((int)l.cpu_quota_usec, 1000, "a tiny CPU share is raised to the kernel's 1 ms minimum");
  ok (limits_parse_cpus ("nan", &l) < 0 && limits_parse_cpus ("0", &l) < 0 && limits_parse_cpus ("-1", &l) < 0,
      "cpus nan, 0 and -1 are refused");

  struct run_rlimit r;
  is_int (limits_parse_rlimit ("nofile=64:128", &r), 0, "rlimit nofile=64:128 parses");
  ok (r.resource == RLIMIT_NOFILE && r.soft == 64 && r.hard == 128, "nofile soft 64, hard 128");
  is_int (limits_parse_rlimit ("RLIMIT_AS=1G:unlimited", &r), 0, "rlimit RLIMIT_AS=1G:unlimited parses");
  ok (r.resource == RLIMIT_AS && r.soft == 1073741824 && r.hard == RLIM_INFINITY, "as: 1G soft, no hard limit");
  ok (limits_parse_rlimit ("nofile=128:64", &r) < 0, "a soft limit above the hard one is refused");
  ok (limits_parse_rlimit ("as=nan", &r) < 0, "rlimit as=nan is refused");
}

static void
test_ranges (void)
{
  struct idmap_range r;
  is_int (idmap_parse_range ("0:100000:65536", &r), 0, "range 0:100000:65536 parses");
  ok (r.inner == 0 && r.outer == 100000 && r.count == 65536, "range: inner, outer, count");
  is_int (idmap_parse_range ("0:0:4294967296", &r), -ERANGE, "a range past 32 bits is -ERANGE");
  is_int (idmap_parse_range ("1:2", &r), -EINVAL, "two numbers are -EINVAL");
}

int
main (void)
{
  test_size ();
  test_cpus_rlimit ();
  test_ranges ();
  return done_testing ();
}
