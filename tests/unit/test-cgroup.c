// SPDX-License-Identifier: GPL-2.0-or-later
/* test-cgroup.c: the cgroup file parsers, the field table, and collection of generated v1 and v2 trees. */
#define _GNU_SOURCE
#include "isoscope/cgroup.h"
#include "isoscope/util.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Real files copied from this project's hybrid development host (kernel 6.18). */
#define CG_FIXTURES "tests/fixtures/cgroup/unit"

static char *
cg_fixture (const char *name)
{
  char *path = xasprintf ("%s/%s", CG_FIXTURES, name);
  char *text = NULL;
  long n = util_read_file_at (AT_FDCWD, path, &text);
  free (path);
  if (n < 0)
    {
      diag ("cannot read fixture %s: %s", name, strerror ((int)-n));
      return xstrdup ("");
    }
  return text;
}

/* A value that no parser writes: to see whether a failing parser left its output alone. */
static const struct cg_val untouched = { .state = 0xee, .v = 0xdeadbeef };

static bool
is_untouched (const struct cg_val *v)
{
  return v->state == untouched.state && v->v == untouched.v;
}

static void
test_value (void)
{
  struct cg_val v;
  is_int (cg_parse_value ("123\n", &v), 0, "value: \"123\\n\" parses");
  is_int (v.state, CGV_SET, "value: a number is SET");
  is_u64 (v.v, 123, "value: 123");
  ok (!v.is_float, "value: an integer is not a float");
  is_int (cg_parse_value ("0", &v), 0, "value: \"0\" without a newline parses");
  is_int (v.state, CGV_SET, "value: 0 is SET, not absent");
  is_u64 (v.v, 0, "value: 0");
  is_int (cg_parse_value ("max\n", &v), 0, "value: \"max\\n\" parses");
  is_int (v.state, CGV_MAX, "value: max is MAX");
  is_int (cg_parse_value ("max", &v), 0, "value: \"max\" without a newline parses");
  is_int (v.state, CGV_MAX, "value: max without a newline is MAX");
  is_int (cg_parse_value ("9223372036854771712\n", &v), 0, "value: v1 unlimited memory limit parses");
  is_u64 (v.v, 9223372036854771712ULL, "value: 9223372036854771712 kept as a plain number by the parser");
  is_int (cg_parse_value ("18446744073709551615\n", &v), 0, "value: UINT64_MAX parses");
  is_u64 (v.v, UINT64_MAX, "value: UINT64_MAX");

  static const char *const bad[] = {
    "",                       /* empty */
    "\n",                     /* only a newline */
    "12abc\n",                /* trailing garbage */
    "12 34\n",                /* two numbers */
    "12.5\n",                 /* a fraction */
    "-1\n",                   /* negative (v1 cfs_quota_us is not a plain value) */
    "maximum\n",              /* "max" as a prefix */
    "max1\n",                 /* "max" followed by a digit */
    "abc\n",                  /* a word */
    "18446744073709551616\n", /* UINT64_MAX + 1 */
    "99999999999999999999999999\n",
  };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      v = untouched;
      ok (cg_parse_value (bad[i], &v) < 0, "value: rejects \"%.*s\"", (int)strcspn (bad[i], "\n"), bad[i]);
      ok (is_untouched (&v), "value: leaves the output alone on \"%.*s\"", (int)strcspn (bad[i], "\n"), bad[i]);
    }
}

/* The single-value files copied from the host. */
static void
test_real_values (void)
{
  struct cg_val v;
  char *t = cg_fixture ("v1-root-memory.limit_in_bytes");
  is_int (cg_parse_value (t, &v), 0, "real v1 memory.limit_in_bytes parses");
  ok (v.state == CGV_SET && v.v == 9223372036854771712ULL, "real v1 limit: 9223372036854771712 (mapped to max later)");
  free (t);
  t = cg_fixture ("v1-root-cpu.shares");
  is_int (cg_parse_value (t, &v), 0, "real v1 cpu.shares parses");
  is_u64 (v.v, 1024, "real v1 cpu.shares 1024");
  free (t);
  t = cg_fixture ("v1-root-cpu.cfs_period_us");
  is_int (cg_parse_value (t, &v), 0, "real v1 cpu.cfs_period_us parses");
  is_u64 (v.v, 100000, "real v1 cpu.cfs_period_us 100000");
  free (t);
  t = cg_fixture ("v1-root-cpu.cfs_quota_us");
  ok (cg_parse_value (t, &v) < 0, "real v1 cpu.cfs_quota_us \"-1\" is no plain value (the v1 quota rule handles it)");
  free (t);
  t = cg_fixture ("v1-root-cpuacct.usage");
  is_int (cg_parse_value (t, &v), 0, "real v1 cpuacct.usage parses");
  is_u64 (v.v, 851019869061ULL, "real v1 cpuacct.usage in ns");
  free (t);
}

static void
test_keyed (void)
{
  struct cg_val v;
  /* Keys that are prefixes of other keys, in both orders. */
  const char *usage = "max_usage 10\nmax 5\n";
  is_int (cg_parse_keyed (usage, "max", &v), 0, "keyed: \"max\" after \"max_usage\"");
  is_u64 (v.v, 5, "keyed: max is 5, not max_usage's 10");
  is_int (cg_parse_keyed (usage, "max_usage", &v), 0, "keyed: \"max_usage\"");
  is_u64 (v.v, 10, "keyed: max_usage is 10");
  is_int (cg_parse_keyed ("max 5\nmax_usage 10\n", "max_usage", &v), 0, "keyed: \"max_usage\" after \"max\"");
  is_u64 (v.v, 10, "keyed: max_usage after max is 10");

  const char *files = "file_mapped 100\nfile 200\ninactive_file 300\nactive_file 400\nfile_dirty 500\n";
  is_int (cg_parse_keyed (files, "file", &v), 0, "keyed: \"file\" after \"file_mapped\"");
  is_u64 (v.v, 200, "keyed: file is 200");
  is_int (cg_parse_keyed (files, "file_mapped", &v), 0, "keyed: \"file_mapped\"");
  is_u64 (v.v, 100, "keyed: file_mapped is 100");
  is_int (cg_parse_keyed (files, "inactive_file", &v), 0, "keyed: \"inactive_file\"");
  is_u64 (v.v, 300, "keyed: inactive_file is 300");
  is_int (cg_parse_keyed (files, "active_file", &v), 0, "keyed: \"active_file\" (a suffix of inactive_file)");
  is_u64 (v.v, 400, "keyed: active_file is 400, not inactive_file's 300");
  is_int (cg_parse_keyed ("file_mapped 100\n", "file", &v), -ENOENT, "keyed: \"file\" absent when only file_mapped is");

  const char *events = "low 0\nhigh 12\nmax 34\noom 5\noom_kill 3\noom_group_kill 1\nsock_throttled 0\n";
  is_int (cg_parse_keyed (events, "oom", &v), 0, "keyed: memory.events oom");
  is_u64 (v.v, 5, "keyed: oom is 5, not oom_kill or oom_group_kill");
  is_int (cg_parse_keyed (events, "oom_kill", &v), 0, "keyed: memory.events oom_kill");
  is_u64 (v.v, 3, "keyed: oom_kill is 3");
  is_int (cg_parse_keyed (events, "max", &v), 0, "keyed: memory.events max");
  is_u64 (v.v, 34, "keyed: max is 34");
  is_int (cg_parse_keyed (events, "low", &v), 0, "keyed: memory.events low (first line)");
  is_u64 (v.v, 0, "keyed: low is 0");
  is_int (cg_parse_keyed ("oom_kill_disable 1\nunder_oom 0\noom_kill 7\n", "oom_kill", &v), 0,
          "keyed: v1 oom_control oom_kill after oom_kill_disable");
  is_u64 (v.v, 7, "keyed: oom_control oom_kill is 7, not oom_kill_disable's 1");

  is_int (cg_parse_keyed ("a 1\nb 2", "b", &v), 0, "keyed: last line without a newline");
  is_u64 (v.v, 2, "keyed: b is 2");
  is_int (cg_parse_keyed ("max 5\n", "max", &v), 0, "keyed: pids.events \"max 5\"");
  is_int (v.state, CGV_SET, "keyed: pids.events max is a SET count");
  is_u64 (v.v, 5, "keyed: pids.events max is 5");
  is_int (cg_parse_keyed ("limit max\n", "limit", &v), 0, "keyed: a value of \"max\"");
  is_int (v.state, CGV_MAX, "keyed: a value of max is MAX");
  is_int (cg_parse_keyed ("x 1 y 2\n", "y", &v), -ENOENT, "keyed: a key in the middle of a line is not a key");

  v = untouched;
  is_int (cg_parse_keyed (events, "nope", &v), -ENOENT, "keyed: missing key is -ENOENT");
  ok (is_untouched (&v), "keyed: missing key leaves the output alone");
  is_int (cg_parse_keyed ("", "max", &v), -ENOENT, "keyed: empty text is -ENOENT");
  ok (cg_parse_keyed ("oom_kill abc\n", "oom_kill", &v) < 0, "keyed: a non-numeric value fails");
  ok (is_untouched (&v), "keyed: a bad value leaves the output alone");

  /* Real files. */
  char *t = cg_fixture ("v1-root-memory.stat");
  is_int (cg_parse_keyed (t, "cache", &v), 0, "real v1 memory.stat: cache");
  is_u64 (v.v, 12189696, "real v1 memory.stat: cache is the local value, not total_cache");
  is_int (cg_parse_keyed (t, "total_cache", &v), 0, "real v1 memory.stat: total_cache");
  is_u64 (v.v, 620789760, "real v1 memory.stat: total_cache");
  is_int (cg_parse_keyed (t, "rss", &v), 0, "real v1 memory.stat: rss");
  is_u64 (v.v, 14172160, "real v1 memory.stat: rss, not rss_huge");
  is_int (cg_parse_keyed (t, "total_rss", &v), 0, "real v1 memory.stat: total_rss");
  is_u64 (v.v, 39493632, "real v1 memory.stat: total_rss");
  is_int (cg_parse_keyed (t, "total_inactive_file", &v), 0, "real v1 memory.stat: total_inactive_file");
  is_u64 (v.v, 272666624, "real v1 memory.stat: total_inactive_file");
  is_int (cg_parse_keyed (t, "inactive_file", &v), 0, "real v1 memory.stat: inactive_file");
  is_u64 (v.v, 163840, "real v1 memory.stat: inactive_file");
  is_int (cg_parse_keyed (t, "hierarchical_memory_limit", &v), 0, "real v1 memory.stat: hierarchical_memory_limit");
  is_u64 (v.v, 9223372036854771712ULL, "real v1 memory.stat: hierarchical_memory_limit");
  free (t);

  t = cg_fixture ("v1-root-memory.oom_control");
  is_int (cg_parse_keyed (t, "oom_kill", &v), 0, "real v1 oom_control: oom_kill");
  is_u64 (v.v, 0, "real v1 oom_control: oom_kill is 0");
  free (t);

  t = cg_fixture ("v2-root-cpu.stat");
  is_int (cg_parse_keyed (t, "usage_usec", &v), 0, "real v2 root cpu.stat: usage_usec");
  is_u64 (v.v, 839644869, "real v2 root cpu.stat: usage_usec");
  is_int (cg_parse_keyed (t, "user_usec", &v), 0, "real v2 root cpu.stat: user_usec");
  is_u64 (v.v, 380389752, "real v2 root cpu.stat: user_usec");
  is_int (cg_parse_keyed (t, "system_usec", &v), 0, "real v2 root cpu.stat: system_usec");
  is_u64 (v.v, 459255116, "real v2 root cpu.stat: system_usec");
  is_int (cg_parse_keyed (t, "nr_throttled", &v), -ENOENT, "real v2 root cpu.stat: no nr_throttled at the root");
  free (t);

  t = cg_fixture ("v1-root-cpu.stat");
  is_int (cg_parse_keyed (t, "throttled_time", &v), 0, "real v1 cpu.stat: throttled_time");
  is_u64 (v.v, 0, "real v1 cpu.stat: throttled_time is 0");
  is_int (cg_parse_keyed (t, "nr_periods", &v), 0, "real v1 cpu.stat: nr_periods");
  is_int (cg_parse_keyed (t, "throttled_usec", &v), -ENOENT, "real v1 cpu.stat: no throttled_usec (v2 name)");
  free (t);
}

static void
test_cpu_max (void)
{
  struct cg_val q, p;
  is_int (cg_parse_cpu_max ("max 100000\n", &q, &p), 0, "cpu.max: \"max 100000\"");
  is_int (q.state, CGV_MAX, "cpu.max: quota max");
  is_int (p.state, CGV_SET, "cpu.max: period set");
  is_u64 (p.v, 100000, "cpu.max: period 100000");
  is_int (cg_parse_cpu_max ("50000 100000\n", &q, &p), 0, "cpu.max: \"50000 100000\"");
  is_int (q.state, CGV_SET, "cpu.max: quota set");
  is_u64 (q.v, 50000, "cpu.max: quota 50000");
  is_u64 (p.v, 100000, "cpu.max: period 100000 after a quota");
  is_int (cg_parse_cpu_max ("1000 1000", &q, &p), 0, "cpu.max: without a newline");
  is_u64 (q.v, 1000, "cpu.max: quota 1000");
  is_u64 (p.v, 1000, "cpu.max: period 1000");

  static const char *const bad[] = {
    "",             /* empty */
    "50000\n",      /* no period */
    "max\n",        /* no period */
    "50000 max\n",  /* the period is never max */
    "abc 100000\n", /* a word */
    "-1 100000\n",  /* a v1 quota in a v2 file */
    "50000 abc\n",  /* a word as period */
    "50000 18446744073709551616\n",
  };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      q = p = untouched;
      ok (cg_parse_cpu_max (bad[i], &q, &p) < 0, "cpu.max: rejects \"%.*s\"", (int)strcspn (bad[i], "\n"), bad[i]);
      ok (is_untouched (&q) && is_untouched (&p), "cpu.max: leaves both outputs alone on \"%.*s\"",
          (int)strcspn (bad[i], "\n"), bad[i]);
    }
}

static void
psi_clear (struct cg_val v[8])
{
  memset (v, 0, 8 * sizeof *v);
}

static void
test_psi (void)
{
  struct cg_val v[8];
  psi_clear (v);
  char *t = cg_fixture ("v2-root-cpu.pressure");
  is_int (cg_parse_psi (t, v), 0, "psi: real cpu.pressure parses");
  is_u64 (v[0].v, 3355, "psi: real some avg10=33.55 is 3355 hundredths");
  is_u64 (v[1].v, 2287, "psi: real some avg60=22.87");
  is_u64 (v[2].v, 2118, "psi: real some avg300=21.18");
  is_u64 (v[3].v, 192046094, "psi: real some total");
  ok (v[0].is_float && v[1].is_float && v[2].is_float, "psi: averages are floats");
  ok (!v[3].is_float && !v[7].is_float, "psi: totals are not floats");
  ok (v[4].state == CGV_SET && v[4].v == 0, "psi: real full avg10=0.00 is a SET zero");
  ok (v[7].state == CGV_SET && v[7].v == 0, "psi: real full total=0 is a SET zero");
  free (t);

  psi_clear (v);
  t = cg_fixture ("v2-root-io.pressure");
  is_int (cg_parse_psi (t, v), 0, "psi: real io.pressure parses");
  is_u64 (v[0].v, 2, "psi: real io some avg10=0.02");
  is_u64 (v[1].v, 3, "psi: real io some avg60=0.03");
  is_u64 (v[2].v, 27, "psi: real io some avg300=0.27");
  is_u64 (v[3].v, 8706911, "psi: real io some total");
  is_u64 (v[4].v, 2, "psi: real io full avg10=0.02");
  is_u64 (v[6].v, 4, "psi: real io full avg300=0.04");
  is_u64 (v[7].v, 4028893, "psi: real io full total");
  free (t);

  psi_clear (v);
  t = cg_fixture ("v2-root-memory.pressure");
  is_int (cg_parse_psi (t, v), 0, "psi: real memory.pressure (all zero) parses");
  int set = 0;
  for (int i = 0; i < 8; i++)
    set += v[i].state == CGV_SET && v[i].v == 0;
  is_int (set, 8, "psi: real memory.pressure gives eight SET zeros");
  free (t);

  /* Only "some": cpu.pressure of kernels before 5.13. */
  psi_clear (v);
  is_int (cg_parse_psi ("some avg10=1.50 avg60=0.25 avg300=0.00 total=12345\n", v), 0, "psi: only a some line");
  is_u64 (v[0].v, 150, "psi: some-only avg10");
  is_u64 (v[3].v, 12345, "psi: some-only total");
  ok (v[4].state == CGV_ABSENT && v[5].state == CGV_ABSENT && v[6].state == CGV_ABSENT && v[7].state == CGV_ABSENT,
      "psi: no full line leaves the full values absent");

  /* Found by tests/fuzz/fuzz-cgroup-psi.c: 100.10% parsed, and a line that failed halfway left its
     first values behind. */
  psi_clear (v);
  is_int (cg_parse_psi ("some avg10=100.00 avg60=0 avg300=0 total=1\n", v), 0, "psi: 100.00 parses");
  is_u64 (v[0].v, 10000, "psi: 100.00 is 10000 hundredths");
  psi_clear (v);
  is_int (cg_parse_psi ("some avg10=100.10 avg60=0 avg300=0 total=1\n", v), -EINVAL, "psi: 100.10 is -EINVAL");
  is_int (v[0].state, CGV_ABSENT, "psi: a refused line leaves no value");
  psi_clear (v);
  is_int (cg_parse_psi ("some avg10=1.00 avg60=2.00 avg300=x total=1\n", v), -EINVAL, "psi: a bad avg300 is -EINVAL");
  ok (v[0].state == CGV_ABSENT && v[1].state == CGV_ABSENT, "psi: nothing is kept from the refused line");

  /* A full line before the some line still lands in the full slots. */
  psi_clear (v);
  is_int (cg_parse_psi ("full avg10=4.00 avg60=3.00 avg300=2.00 total=9\nsome avg10=8.00 avg60=7.00 avg300=6.00 "
                        "total=99\n",
                        v),
          0, "psi: full before some");
  is_u64 (v[0].v, 800, "psi: full-first: some avg10");
  is_u64 (v[3].v, 99, "psi: full-first: some total");
  is_u64 (v[4].v, 400, "psi: full-first: full avg10");
  is_u64 (v[7].v, 9, "psi: full-first: full total");

  /* Decimals. */
  static const struct
  {
    const char *text;
    uint64_t hundredths;
  } dec[] = {
    { "1.5", 150 },      { "12.34", 1234 }, { "0.00", 0 },     { "0.01", 1 },
    { "100.00", 10000 }, { "7", 700 },      { "99.99", 9999 },
  };
  for (size_t i = 0; i < ARRAY_SIZE (dec); i++)
    {
      char line[128];
      snprintf (line, sizeof line, "some avg10=%s avg60=0.00 avg300=0.00 total=0\n", dec[i].text);
      psi_clear (v);
      is_int (cg_parse_psi (line, v), 0, "psi: avg10=%s parses", dec[i].text);
      is_u64 (v[0].v, dec[i].hundredths, "psi: avg10=%s is %" PRIu64 " hundredths", dec[i].text, dec[i].hundredths);
    }
  psi_clear (v);
  is_int (cg_parse_psi ("some avg10=0.00 avg60=0.00 avg300=0.00 total=18446744073709551615\n", v), 0,
          "psi: a total of UINT64_MAX");
  is_u64 (v[3].v, UINT64_MAX, "psi: total UINT64_MAX");

  static const char *const bad[] = {
    "",
    "garbage\n",
    "some avg10=abc avg60=0.00 avg300=0.00 total=0\n",
    "some avg10=1.00\n",
    "some total=5 avg10=1.00 avg60=1.00 avg300=1.00\n",
    "some avg10=101.00 avg60=0.00 avg300=0.00 total=0\n",
    "some avg10=1.00 avg60=1.00 avg300=1.00 total=x\n",
    "some avg10=-1.00 avg60=0.00 avg300=0.00 total=0\n",
  };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      psi_clear (v);
      ok (cg_parse_psi (bad[i], v) < 0, "psi: rejects \"%.*s\"", (int)strcspn (bad[i], "\n"), bad[i]);
    }
}

static void
test_io_stat (void)
{
  struct cg_val rb, wb, ri, wi;
  is_int (cg_parse_io_stat ("254:0 rbytes=1000 wbytes=2000 rios=10 wios=20 dbytes=0 dios=0\n"
                            "253:0 rbytes=24 wbytes=48 rios=1 wios=2 dbytes=4096 dios=1\n",
                            &rb, &wb, &ri, &wi),
          0, "io.stat: two devices");
  is_u64 (rb.v, 1024, "io.stat: rbytes summed over devices");
  is_u64 (wb.v, 2048, "io.stat: wbytes summed");
  is_u64 (ri.v, 11, "io.stat: rios summed");
  is_u64 (wi.v, 22, "io.stat: wios summed");
  ok (rb.state == CGV_SET && wi.state == CGV_SET, "io.stat: values are SET");

  is_int (cg_parse_io_stat ("8:0 wios=4 rios=3 wbytes=2 rbytes=1\n", &rb, &wb, &ri, &wi), 0, "io.stat: keys reversed");
  ok (rb.v == 1 && wb.v == 2 && ri.v == 3 && wi.v == 4, "io.stat: keys in another order land in the right fields");

  is_int (cg_parse_io_stat ("8:16 dbytes=999 dios=9 rbytes=5 wbytes=6 rios=7 wios=8\n", &rb, &wb, &ri, &wi), 0,
          "io.stat: discard keys first");
  ok (rb.v == 5 && wb.v == 6 && ri.v == 7 && wi.v == 8, "io.stat: dbytes and dios are not counted as reads or writes");

  is_int (cg_parse_io_stat ("8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0 cost.vrate=100.00 cost.usage=5 "
                            "cost.wait=0 cost.indebt=0 cost.indelay=0\n",
                            &rb, &wb, &ri, &wi),
          0, "io.stat: io.cost keys");
  ok (rb.v == 1 && wb.v == 2 && ri.v == 3 && wi.v == 4, "io.stat: io.cost keys are ignored");

  rb = wb = ri = wi = untouched;
  is_int (cg_parse_io_stat ("", &rb, &wb, &ri, &wi), 0, "io.stat: no devices");
  ok (rb.state == CGV_SET && rb.v == 0 && wb.state == CGV_SET && wb.v == 0 && ri.state == CGV_SET && ri.v == 0
          && wi.state == CGV_SET && wi.v == 0,
      "io.stat: no devices is four SET zeros (a cgroup that did no IO)");

  is_int (cg_parse_io_stat ("8:0 rbytes=4294967296 wbytes=0 rios=0 wios=0\n8:16 rbytes=4294967296 wbytes=0 rios=0 "
                            "wios=0\n",
                            &rb, &wb, &ri, &wi),
          0, "io.stat: values over 32 bits");
  is_u64 (rb.v, 8589934592ULL, "io.stat: 2 x 4 GiB summed without overflow");

  ok (cg_parse_io_stat ("8:0 rbytes=x wbytes=0 rios=0 wios=0\n", &rb, &wb, &ri, &wi) < 0,
      "io.stat: a non-numeric value fails");
}

static void
test_blkio (void)
{
  struct cg_val r, w;
  is_int (cg_parse_blkio ("254:0 Read 12288\n254:0 Write 8192\n254:0 Sync 20480\n254:0 Async 0\n254:0 Discard 0\n"
                          "254:0 Total 20480\n8:0 Read 100\n8:0 Write 200\n8:0 Sync 300\n8:0 Async 0\n8:0 Discard 0\n"
                          "8:0 Total 300\nTotal 20780\n",
                          &r, &w),
          0, "blkio: two devices with Read/Write/Sync/Async/Discard/Total");
  is_u64 (r.v, 12388, "blkio: Read summed over devices (Sync, Async, Total not added)");
  is_u64 (w.v, 8392, "blkio: Write summed over devices");
  ok (r.state == CGV_SET && w.state == CGV_SET, "blkio: SET");

  char *t = cg_fixture ("v1-root-blkio.throttle.io_service_bytes_recursive");
  r = w = untouched;
  is_int (cg_parse_blkio (t, &r, &w), 0, "blkio: real \"Total 0\" file parses");
  ok (r.state == CGV_SET && r.v == 0 && w.state == CGV_SET && w.v == 0, "blkio: real \"Total 0\" is two SET zeros");
  free (t);

  is_int (cg_parse_blkio ("", &r, &w), 0, "blkio: empty text");
  ok (r.state == CGV_SET && r.v == 0 && w.v == 0, "blkio: empty is zero");
  is_int (cg_parse_blkio ("Total 7\n8:0 Read 5\n8:0 Write 6\n", &r, &w), 0, "blkio: a Total line before devices");
  ok (r.v == 5 && w.v == 6, "blkio: the device-less Total line is skipped");
  ok (cg_parse_blkio ("8:0 Read x\n", &r, &w) < 0, "blkio: a non-numeric value fails");
}

static void
test_proc_line (void)
{
  int id;
  const char *ctrl, *path;
  char *t = cg_fixture ("proc-cgroup-hybrid");
  int n = 0, v2 = 0;
  bool memory_ok = false, systemd_ok = false;
  for (char *line = t; line && *line;)
    {
      char *nl = strchr (line, '\n');
      char *next = nl ? nl + 1 : NULL;
      if (cg_parse_proc_line (line, &id, &ctrl, &path) == 0)
        {
          n++;
          if (id == 0 && *ctrl == '\0' && strcmp (path, "/") == 0)
            v2++;
          if (id == 4 && strcmp (ctrl, "memory") == 0 && strcmp (path, "/isoscope-fixture.5618") == 0)
            memory_ok = true;
          if (id == 9 && strcmp (ctrl, "name=systemd") == 0 && strcmp (path, "/") == 0)
            systemd_ok = true;
        }
      line = next;
    }
  is_int (n, 10, "proc line: all 10 lines of a real hybrid /proc/PID/cgroup parse");
  is_int (v2, 1, "proc line: one 0::/ line");
  ok (memory_ok, "proc line: 4:memory:/isoscope-fixture.5618");
  ok (systemd_ok, "proc line: 9:name=systemd:/");
  free (t);

  char buf[256];
  snprintf (buf, sizeof buf, "0::/system.slice/docker-abc.scope\n");
  is_int (cg_parse_proc_line (buf, &id, &ctrl, &path), 0, "proc line: 0::/path");
  is_int (id, 0, "proc line: v2 id 0");
  is_str (ctrl, "", "proc line: v2 controllers empty");
  is_str (path, "/system.slice/docker-abc.scope", "proc line: v2 path without the newline");

  snprintf (buf, sizeof buf, "3:cpu,cpuacct:/kubepods/burstable");
  is_int (cg_parse_proc_line (buf, &id, &ctrl, &path), 0, "proc line: co-mounted controllers");
  is_int (id, 3, "proc line: id 3");
  is_str (ctrl, "cpu,cpuacct", "proc line: cpu,cpuacct");
  is_str (path, "/kubepods/burstable", "proc line: v1 path");

  snprintf (buf, sizeof buf, "1:name=systemd:/user.slice/user-1000.slice/session-2.scope\n");
  is_int (cg_parse_proc_line (buf, &id, &ctrl, &path), 0, "proc line: name=systemd");
  is_str (ctrl, "name=systemd", "proc line: named hierarchy");

  snprintf (buf, sizeof buf, "0::/a:b:c\n");
  is_int (cg_parse_proc_line (buf, &id, &ctrl, &path), 0, "proc line: a path with colons");
  is_str (path, "/a:b:c", "proc line: colons stay in the path");
  snprintf (buf, sizeof buf, "5:memory:/x:y\n");
  is_int (cg_parse_proc_line (buf, &id, &ctrl, &path), 0, "proc line: v1 path with a colon");
  is_str (ctrl, "memory", "proc line: controllers end at the second colon");
  is_str (path, "/x:y", "proc line: v1 path with a colon kept");
  snprintf (buf, sizeof buf, "0::/gone (deleted)\n");
  is_int (cg_parse_proc_line (buf, &id, &ctrl, &path), 0, "proc line: a removed cgroup");
  is_str (path, "/gone (deleted)", "proc line: \"(deleted)\" is kept for the caller");

  static const char *const bad[] = { "", "garbage", "1:memory", "abc:memory:/", ":memory:/", "1x:memory:/" };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      snprintf (buf, sizeof buf, "%s", bad[i]);
      ok (cg_parse_proc_line (buf, &id, &ctrl, &path) < 0, "proc line: rejects \"%s\"", bad[i]);
    }
  /* Found by tests/fuzz/fuzz-proc-cgroup.c: the colons were looked for past the end of the line,
     so a line without them took the next line's and cut it. */
  snprintf (buf, sizeof buf, "garbage\n4:memory:/x\n");
  is_int (cg_parse_proc_line (buf, &id, &ctrl, &path), -EINVAL, "proc line: a line without colons is refused");
  is_str (buf + 8, "4:memory:/x\n", "proc line: the next line is left alone");
  snprintf (buf, sizeof buf, "1:memory\n0::/y\n");
  is_int (cg_parse_proc_line (buf, &id, &ctrl, &path), -EINVAL, "proc line: a line with one colon is refused");
  is_str (buf + 9, "0::/y\n", "proc line: the line after the one-colon line is left alone");
}

/* The table's rows for one file, as the walk applies them (cg_parse_file). */
static void
test_parse_file (void)
{
  struct iso_cgroup cg;
  memset (&cg, 0, sizeof cg);
  is_int (cg_parse_file (&cg, true, "cpu.stat", "usage_usec 10\nnr_periods 4\nnr_throttled 2\n"), 6,
          "file: six rows read v2 cpu.stat");
  ok (cg.f[CGF_CPU_STAT_USAGE_USEC].state == CGV_SET && cg.f[CGF_CPU_STAT_USAGE_USEC].v == 10, "file: usage_usec 10");
  ok (cg.f[CGF_CPU_STAT_NR_THROTTLED].v == 2, "file: nr_throttled 2");
  is_int (cg_parse_file (&cg, false, "cpu.stat", "throttled_time 5000\n"), 3, "file: three rows read v1 cpu.stat");
  is_u64 (cg.f[CGF_CPU_STAT_THROTTLED_USEC].v, 5, "file: v1 throttled_time in ns becomes usec");
  is_int (cg_parse_file (&cg, true, "cgroup.procs", "1\n"), 0, "file: cgroup.procs is not in the table");

  /* Found by tests/fuzz/fuzz-cgroup-file.c: "max" was taken as unlimited in fields that are counts. */
  memset (&cg, 0, sizeof cg);
  cg_parse_file (&cg, true, "cpu.stat", "usage_usec 10\nnr_throttled max\n");
  is_int (cg.f[CGF_CPU_STAT_NR_THROTTLED].state, CGV_ABSENT, "file: nr_throttled max is no value");
  is_int (cg.f[CGF_CPU_STAT_USAGE_USEC].state, CGV_SET, "file: the other keys of that cpu.stat are kept");
  cg_parse_file (&cg, true, "memory.current", "max\n");
  is_int (cg.f[CGF_MEMORY_CURRENT].state, CGV_ABSENT, "file: memory.current max is no value");
  cg_parse_file (&cg, true, "pids.events", "max max\n");
  is_int (cg.f[CGF_PIDS_EVENTS_MAX].state, CGV_ABSENT, "file: pids.events \"max max\" is no value");
  cg_parse_file (&cg, true, "memory.max", "max\n");
  is_int (cg.f[CGF_MEMORY_MAX].state, CGV_MAX, "file: memory.max max is unlimited");
  cg_parse_file (&cg, true, "cpu.max", "max 100000\n");
  is_int (cg.f[CGF_CPU_MAX_QUOTA_USEC].state, CGV_MAX, "file: cpu.max quota max is unlimited");
}

static void
test_fields (void)
{
  is_str (cg_mode_name (CG_MODE_NONE), "none", "mode name none");
  is_str (cg_mode_name (CG_MODE_V1), "v1", "mode name v1");
  is_str (cg_mode_name (CG_MODE_HYBRID), "hybrid", "mode name hybrid");
  is_str (cg_mode_name (CG_MODE_V2), "v2", "mode name v2");
  is_str (cg_mode_name ((enum cg_mode)42), "?", "mode name out of range");

  int complete = 0, unique = 0;
  for (int i = 0; i < CGF_COUNT; i++)
    {
      const struct cg_field_info *f = &cg_fields[i];
      if (f->json && f->controller && f->help && *f->help)
        complete++;
      bool dup = false;
      for (int j = 0; j < i; j++)
        if (f->json && cg_fields[j].json && strcmp (f->json, cg_fields[j].json) == 0)
          dup = true;
      unique += !dup;
    }
  is_int (complete, CGF_COUNT, "fields: every field has a JSON name, a controller and help");
  is_int (unique, CGF_COUNT, "fields: JSON names are unique");
  int maxable = 0;
  for (int i = 0; i < CGF_COUNT; i++)
    maxable += cg_fields[i].has_max;
  is_int (maxable, 5, "fields: five fields can be max");
  ok (cg_fields[CGF_MEMORY_MAX].has_max && cg_fields[CGF_MEMORY_HIGH].has_max && cg_fields[CGF_MEMORY_SWAP_MAX].has_max
          && cg_fields[CGF_CPU_MAX_QUOTA_USEC].has_max && cg_fields[CGF_PIDS_MAX].has_max,
      "fields: memory.max, memory.high, memory.swap.max, cpu.max quota and pids.max can be max");
  is_str (cg_fields[CGF_MEMORY_SWAP_MAX].json, "memory_swap_max", "fields: kernel name with dots as underscores");
  is_str (cg_fields[CGF_MEMORY_EVENTS_OOM_KILL].json, "memory_events_oom_kill", "fields: memory.events oom_kill");
  is_str (cg_fields[CGF_CPU_STAT_THROTTLED_USEC].json, "cpu_stat_throttled_usec", "fields: cpu.stat throttled_usec");
  is_str (cg_fields[CGF_PSI_IO_FULL_TOTAL].json, "psi_io_full_total", "fields: the last PSI field");
  is_int (cg_fields[CGF_CPU_STAT_USAGE_USEC].unit, CGU_USEC, "fields: usage is in microseconds");
  is_int (cg_fields[CGF_PSI_CPU_SOME_AVG10].unit, CGU_PERCENT, "fields: PSI averages are percentages");
  is_int (cg_fields[CGF_PSI_CPU_SOME_TOTAL].unit, CGU_USEC, "fields: PSI totals are microseconds");
}

/* ---- collection of the generated fixture trees (tests/fixtures/cgroup/make-trees.sh) ---- */

static struct cg_hierarchy *
hier (struct cg_tree *t, const char *name)
{
  for (size_t i = 0; i < t->nh; i++)
    if (strcmp (t->h[i].name, name) == 0)
      return &t->h[i];
  return NULL;
}

/* The value of field F of the cgroup PATH in hierarchy NAME, or a value with state 0xff when the cgroup is missing. */
static struct cg_val
val (struct cg_tree *t, const char *name, const char *path, enum cg_field f)
{
  struct cg_hierarchy *h = hier (t, name);
  struct iso_cgroup *cg = h ? cg_tree_find (t, h, path) : NULL;
  return cg ? cg->f[f] : (struct cg_val){ .state = 0xff };
}

static bool
is_set (struct cg_val v, uint64_t want)
{
  if (v.state != CGV_SET || v.v != want)
    diag ("    state %d value %" PRIu64 ", want SET %" PRIu64, v.state, v.v, want);
  return v.state == CGV_SET && v.v == want;
}

#define V1B "/kubepods/burstable/pod5e6f7a8b-1c2d-4e3f-9a0b-c1d2e3f4a5b6"
#define V1B1 V1B "/b8225c1845d6306705e3e075acc01bd7ca9cadaac02f07f627edbf7c7cbe939f"
#define V1P1 V1B "/019f462856d77639eb5e3724f22a3e88a100644fb4e5dbc088e9b0fba5cb4757"
#define V1G "/kubepods/pod77aa88bb-99cc-4dd0-8ee1-ff0011223344"
#define V1G1 V1G "/97f384cfd7eebccb61a01a375a6b1668080a288ef9ae668f997a319738e41e1e"
#define V2D "/system.slice/docker-d548c5b83fa61d8e3bd86ad42a7ffea9b7c86e3f9d8095c1577d3e1270bb9420.scope"

static void
test_collect_v1 (const char *sysroot)
{
  struct cg_tree *t = NULL;
  iso_error_t err = NULL;
  is_int (cg_tree_collect (&t, sysroot, &err), 0, "v1 tree: collected");
  if (!t)
    return;
  is_int (t->mode, CG_MODE_V1, "v1 tree: mode v1");
  is_int (t->nh, 7, "v1 tree: seven hierarchies (the cpu and cpuacct symlinks skipped)");
  static const char *const names[] = { "blkio", "cpu,cpuacct", "cpuset", "freezer", "memory", "pids", "systemd" };
  int found = 0;
  for (size_t i = 0; i < ARRAY_SIZE (names); i++)
    found += hier (t, names[i]) != NULL;
  is_int (found, 7, "v1 tree: every hierarchy found by name");
  struct cg_hierarchy *sd = hier (t, "systemd");
  is_str (sd ? sd->controllers : NULL, "name=systemd", "v1 tree: the systemd hierarchy is name=systemd");
  ok (sd && !sd->v2, "v1 tree: systemd is a v1 hierarchy");
  struct cg_hierarchy *cpu = hier (t, "cpu,cpuacct");
  is_str (cpu ? cpu->controllers : NULL, "cpu,cpuacct", "v1 tree: co-mounted controllers");
  ok (cg_tree_find_hierarchy (t, "cpu,cpuacct", false) == cpu && cpu, "v1 tree: find_hierarchy cpu,cpuacct");
  ok (cg_tree_find_hierarchy (t, "name=systemd", false) == sd && sd, "v1 tree: find_hierarchy name=systemd");
  ok (cg_tree_find_hierarchy (t, "", true) == NULL, "v1 tree: no cgroup2 hierarchy");
  ok (cg_tree_find_hierarchy (t, "net_cls", false) == NULL, "v1 tree: no net_cls hierarchy");
  int sorted = 1;
  for (size_t i = 1; i < t->nh; i++)
    if (strcmp (t->h[i - 1].name, t->h[i].name) > 0)
      sorted = 0;
  ok (sorted, "v1 tree: hierarchies sorted by name");
  /* A second collection must list the hierarchies in the same order: `cgroups --interval`
     matches the rows of two samples hierarchy by hierarchy, by index. */
  struct cg_tree *t2 = NULL;
  cg_tree_collect (&t2, sysroot, NULL);
  int same = t2 && t2->nh == t->nh;
  for (size_t i = 0; same && i < t->nh; i++)
    same = strcmp (t->h[i].name, t2->h[i].name) == 0;
  ok (same, "v1 tree: two collections list the hierarchies in the same order");
  cg_tree_free (t2);

  struct cg_hierarchy *mem = hier (t, "memory");
  struct iso_cgroup *b1 = mem ? cg_tree_find (t, mem, V1B1) : NULL;
  ok (b1 != NULL, "v1 tree: find the burstable container in memory");
  /* Membership may be counted in one hierarchy per path only (the others say -1). */
  int known = 0, procs_ok = 0, threads_ok = 0;
  for (size_t i = 0; i < t->nh; i++)
    {
      struct iso_cgroup *cg = cg_tree_find (t, &t->h[i], V1B1);
      if (!cg || cg->nprocs < 0)
        continue;
      known++;
      procs_ok += cg->nprocs == 2;
      threads_ok += cg->nthreads == 5;
    }
  ok (known >= 1, "v1 tree: the container's processes are counted in %d hierarchies", known);
  is_int (procs_ok, known, "v1 tree: container has 2 processes (cgroup.procs) wherever counted");
  is_int (threads_ok, known, "v1 tree: container has 5 threads (tasks) wherever counted");
  ok (b1 && b1->parent && strcmp (b1->parent->path, V1B) == 0, "v1 tree: the container's parent is the pod");
  ok (mem && mem->root && strcmp (mem->root->path, "/") == 0 && !mem->root->parent, "v1 tree: the root is /");
  ok (mem && cg_tree_find (t, mem, "/system.slice/kubelet.service"), "v1 tree: memory has kubelet.service");
  ok (cpu && !cg_tree_find (t, cpu, "/system.slice/kubelet.service"), "v1 tree: cpu,cpuacct has no system.slice");

  /* memory: v1 files into v2 fields. */
  ok (is_set (val (t, "memory", V1B1, CGF_MEMORY_CURRENT), 104857600), "v1: memory.usage_in_bytes -> memory_current");
  ok (is_set (val (t, "memory", V1B1, CGF_MEMORY_MAX), 268435456), "v1: memory.limit_in_bytes -> memory_max");
  is_int (val (t, "memory", "/", CGF_MEMORY_MAX).state, CGV_MAX, "v1: limit 9223372036854771712 is max");
  is_int (val (t, "memory", "/system.slice/kubelet.service", CGF_MEMORY_MAX).state, CGV_MAX,
          "v1: limit 9223372036854710272 (64 KiB pages) is max");
  ok (is_set (val (t, "memory", "/kubepods", CGF_MEMORY_MAX), 4294967296ULL), "v1: a 4 GiB limit is a number");
  ok (is_set (val (t, "memory", V1B1, CGF_MEMORY_PEAK), 134217728), "v1: max_usage_in_bytes -> memory_peak");
  ok (is_set (val (t, "memory", V1B1, CGF_MEMORY_STAT_ANON), 58720256), "v1: total_rss -> memory_stat_anon");
  ok (is_set (val (t, "memory", V1B1, CGF_MEMORY_STAT_FILE), 41943040), "v1: total_cache -> memory_stat_file");
  ok (is_set (val (t, "memory", V1B1, CGF_MEMORY_STAT_INACTIVE_FILE), 20971520),
      "v1: total_inactive_file -> memory_stat_inactive_file");
  ok (is_set (val (t, "memory", V1B1, CGF_MEMORY_WORKING_SET), 83886080), "v1: working set 104857600 - 20971520");
  ok (is_set (val (t, "memory", V1B1, CGF_MEMORY_EVENTS_MAX), 7), "v1: memory.failcnt -> memory_events_max");
  ok (is_set (val (t, "memory", V1B1, CGF_MEMORY_EVENTS_OOM_KILL), 2), "v1: oom_control oom_kill");
  is_int (val (t, "memory", V1B1, CGF_MEMORY_HIGH).state, CGV_ABSENT, "v1: no memory_high");
  is_int (val (t, "memory", V1B1, CGF_CPU_WEIGHT).state, CGV_ABSENT, "v1: memory hierarchy has no cpu values");

  /* cpu,cpuacct: unit conversions. */
  ok (is_set (val (t, "cpu,cpuacct", V1B1, CGF_CPU_WEIGHT), 39), "v1: cpu.shares 1024 -> cpu_weight 39");
  ok (is_set (val (t, "cpu,cpuacct", "/kubepods", CGF_CPU_WEIGHT), 79), "v1: cpu.shares 2048 -> cpu_weight 79");
  ok (is_set (val (t, "cpu,cpuacct", V1P1, CGF_CPU_WEIGHT), 1), "v1: cpu.shares 2 -> cpu_weight 1");
  ok (is_set (val (t, "cpu,cpuacct", V1G, CGF_CPU_WEIGHT), 20), "v1: cpu.shares 512 -> cpu_weight 20");
  ok (is_set (val (t, "cpu,cpuacct", "/kubepods/burstable", CGF_CPU_WEIGHT), 43), "v1: cpu.shares 1126 -> 43");
  ok (is_set (val (t, "cpu,cpuacct", V1B1, CGF_CPU_MAX_QUOTA_USEC), 25000), "v1: cfs_quota_us 25000");
  is_int (val (t, "cpu,cpuacct", V1B, CGF_CPU_MAX_QUOTA_USEC).state, CGV_MAX, "v1: cfs_quota_us -1 is max");
  ok (is_set (val (t, "cpu,cpuacct", V1B1, CGF_CPU_MAX_PERIOD_USEC), 100000), "v1: cfs_period_us");
  ok (is_set (val (t, "cpu,cpuacct", V1B1, CGF_CPU_STAT_USAGE_USEC), 123456), "v1: cpuacct.usage 123456789 ns");
  ok (is_set (val (t, "cpu,cpuacct", V1B1, CGF_CPU_STAT_USER_USEC), 100000), "v1: cpuacct.usage_user ns -> usec");
  ok (is_set (val (t, "cpu,cpuacct", V1B1, CGF_CPU_STAT_SYSTEM_USEC), 23455), "v1: cpuacct.usage_sys ns -> usec");
  ok (is_set (val (t, "cpu,cpuacct", V1P1, CGF_CPU_STAT_USAGE_USEC), 0), "v1: 999 ns is 0 usec");
  ok (is_set (val (t, "cpu,cpuacct", "/", CGF_CPU_STAT_USAGE_USEC), 9876543210ULL), "v1: a 13-digit ns usage");
  ok (is_set (val (t, "cpu,cpuacct", V1B1, CGF_CPU_STAT_NR_PERIODS), 500), "v1: cpu.stat nr_periods");
  ok (is_set (val (t, "cpu,cpuacct", V1B1, CGF_CPU_STAT_NR_THROTTLED), 120), "v1: cpu.stat nr_throttled");
  ok (is_set (val (t, "cpu,cpuacct", V1B1, CGF_CPU_STAT_THROTTLED_USEC), 3456789),
      "v1: cpu.stat throttled_time 3456789012 ns -> 3456789 usec");

  /* pids, blkio, cpuset, freezer. */
  ok (is_set (val (t, "pids", V1B1, CGF_PIDS_CURRENT), 5), "v1: pids.current");
  ok (is_set (val (t, "pids", V1B1, CGF_PIDS_MAX), 10), "v1: pids.max 10");
  is_int (val (t, "pids", V1P1, CGF_PIDS_MAX).state, CGV_MAX, "v1: pids.max max");
  ok (is_set (val (t, "pids", V1B1, CGF_PIDS_EVENTS_MAX), 5), "v1: pids.events max 5");
  is_int (val (t, "pids", "/", CGF_PIDS_CURRENT).state, CGV_ABSENT, "v1: the pids root has no pids.current");
  ok (is_set (val (t, "blkio", V1B1, CGF_IO_STAT_RBYTES), 4104192), "v1: blkio Read bytes of two devices");
  ok (is_set (val (t, "blkio", V1B1, CGF_IO_STAT_WBYTES), 1024000), "v1: blkio Write bytes");
  ok (is_set (val (t, "blkio", V1B1, CGF_IO_STAT_RIOS), 1002), "v1: blkio Read ios");
  ok (is_set (val (t, "blkio", V1B1, CGF_IO_STAT_WIOS), 250), "v1: blkio Write ios");
  ok (is_set (val (t, "blkio", "/kubepods", CGF_IO_STAT_RBYTES), 0), "v1: blkio \"Total 0\" is 0");
  ok (is_set (val (t, "blkio", V1B1, CGF_IO_WEIGHT), 100), "v1: blkio.bfq.weight 100 -> io_weight");
  struct cg_hierarchy *cs = hier (t, "cpuset"), *fz = hier (t, "freezer");
  struct iso_cgroup *g1 = cs ? cg_tree_find (t, cs, V1G1) : NULL;
  is_str (g1 ? g1->cpuset_cpus : NULL, "1", "v1: cpuset.effective_cpus");
  is_str (g1 ? g1->cpuset_mems : NULL, "0", "v1: cpuset.effective_mems");
  struct iso_cgroup *fg1 = fz ? cg_tree_find (t, fz, V1G1) : NULL, *fb1 = fz ? cg_tree_find (t, fz, V1B1) : NULL;
  is_int (fg1 ? fg1->frozen : -2, 1, "v1: freezer.state FROZEN");
  is_int (fb1 ? fb1->frozen : -2, 0, "v1: freezer.state THAWED");
  is_int (fz && fz->root ? fz->root->frozen : -2, -1, "v1: the freezer root has no state");
  is_int (b1 ? b1->populated : -2, -1, "v1: populated is unknown on v1");
  is_u64 (t->ndenied, 0, "v1 tree: nothing denied");
  cg_tree_free (t);
  iso_error_release (&err);
}

static void
test_collect_v2 (const char *sysroot)
{
  struct cg_tree *t = NULL;
  iso_error_t err = NULL;
  is_int (cg_tree_collect (&t, sysroot, &err), 0, "v2 tree: collected");
  if (!t)
    return;
  is_int (t->mode, CG_MODE_V2, "v2 tree: mode v2");
  is_int (t->nh, 1, "v2 tree: one hierarchy");
  ok (t->nh == 1 && t->h[0].v2 && strcmp (t->h[0].name, "") == 0, "v2 tree: the hierarchy is v2 and named \"\"");
  struct cg_hierarchy *h = cg_tree_find_hierarchy (t, "", true);
  ok (h == &t->h[0], "v2 tree: find_hierarchy for a 0:: line");
  struct iso_cgroup *d = h ? cg_tree_find (t, h, V2D) : NULL;
  ok (d != NULL, "v2 tree: the docker scope is found");
  if (!d)
    {
      cg_tree_free (t);
      return;
    }
  struct stat st;
  char *dir = xasprintf ("%s/sys/fs/cgroup%s", sysroot, V2D);
  ok (stat (dir, &st) == 0 && st.st_ino == d->ino, "v2 tree: the cgroup's inode is its directory's");
  free (dir);
  is_int (d->nprocs, 3, "v2: cgroup.procs 3 lines");
  is_int (d->nthreads, 4, "v2: cgroup.threads 4 lines");
  is_int (d->populated, 1, "v2: cgroup.events populated 1");
  is_int (d->frozen, 0, "v2: cgroup.events frozen 0");
  is_str (d->type, "domain", "v2: cgroup.type");
  is_str (d->cpuset_cpus, "0-1", "v2: cpuset.cpus.effective");
  ok (is_set (d->f[CGF_MEMORY_CURRENT], 209715200), "v2: memory.current");
  ok (is_set (d->f[CGF_MEMORY_MAX], 536870912), "v2: memory.max");
  is_int (d->f[CGF_MEMORY_HIGH].state, CGV_MAX, "v2: memory.high max");
  is_int (d->f[CGF_MEMORY_SWAP_MAX].state, CGV_MAX, "v2: memory.swap.max max");
  ok (is_set (d->f[CGF_MEMORY_LOW], 0), "v2: memory.low 0 is SET");
  ok (is_set (d->f[CGF_MEMORY_STAT_FILE], 52428800), "v2: memory.stat file (not file_mapped)");
  ok (is_set (d->f[CGF_MEMORY_STAT_INACTIVE_FILE], 31457280), "v2: memory.stat inactive_file");
  ok (is_set (d->f[CGF_MEMORY_WORKING_SET], 178257920), "v2: working set 209715200 - 31457280");
  ok (is_set (d->f[CGF_MEMORY_EVENTS_OOM], 4), "v2: memory.events oom");
  ok (is_set (d->f[CGF_MEMORY_EVENTS_OOM_KILL], 3), "v2: memory.events oom_kill");
  ok (is_set (d->f[CGF_CPU_MAX_QUOTA_USEC], 50000), "v2: cpu.max quota");
  ok (is_set (d->f[CGF_CPU_MAX_PERIOD_USEC], 100000), "v2: cpu.max period");
  ok (is_set (d->f[CGF_CPU_STAT_THROTTLED_USEC], 12500000), "v2: throttled_usec not divided");
  ok (is_set (d->f[CGF_CPU_STAT_USAGE_USEC], 4200000), "v2: usage_usec not divided");
  ok (is_set (d->f[CGF_PIDS_EVENTS_MAX], 2), "v2: pids.events max");
  ok (is_set (d->f[CGF_IO_WEIGHT], 100), "v2: io.weight default 100");
  ok (is_set (d->f[CGF_IO_STAT_RBYTES], 1052672), "v2: io.stat rbytes of two devices");
  ok (is_set (d->f[CGF_IO_STAT_WIOS], 34), "v2: io.stat wios of two devices");
  ok (is_set (d->f[CGF_PSI_CPU_SOME_AVG10], 1234) && d->f[CGF_PSI_CPU_SOME_AVG10].is_float, "v2: cpu.pressure avg10");
  ok (is_set (d->f[CGF_PSI_MEMORY_FULL_TOTAL], 54321), "v2: memory.pressure full total");
  ok (is_set (d->f[CGF_PSI_IO_SOME_TOTAL], 1234), "v2: io.pressure some total");
  struct iso_cgroup *root = h->root;
  ok (root && strcmp (root->path, "/") == 0, "v2: root path /");
  is_int (root ? root->f[CGF_MEMORY_CURRENT].state : -2, CGV_ABSENT, "v2: the root has no memory.current");
  is_int (root ? root->populated : -2, -1, "v2: the root has no cgroup.events");
  is_int (root ? root->nprocs : -2, 2, "v2: root cgroup.procs");
  struct iso_cgroup *init = cg_tree_find (t, h, "/init.scope");
  is_int (init ? init->f[CGF_CPU_MAX_QUOTA_USEC].state : -2, CGV_MAX, "v2: cpu.max \"max 100000\" quota is max");
  ok (init && is_set (init->f[CGF_CPU_MAX_PERIOD_USEC], 100000), "v2: cpu.max \"max 100000\" period");
  ok (cg_tree_find (t, h, "/nope") == NULL, "v2: find of a missing path is NULL");
  ok (cg_tree_find (t, h, "/system.slice/") == NULL, "v2: paths are exact (no trailing slash)");
  is_u64 (t->nall, 16, "v2 tree: 16 cgroups");
  int parents_first = 1;
  for (size_t i = 0; i < t->nall; i++)
    for (size_t j = i + 1; j < t->nall; j++)
      if (t->all[i]->parent == t->all[j])
        parents_first = 0;
  ok (parents_first, "v2 tree: every parent comes before its children in t->all");
  cg_tree_free (t);
  iso_error_release (&err);

  /* A sysroot with no cgroup filesystem at all. */
  char tmpl[] = "/tmp/isoscope-cgunit.XXXXXX";
  char *empty = mkdtemp (tmpl);
  t = NULL;
  is_int (empty ? cg_tree_collect (&t, empty, &err) : -1, 0, "empty sysroot: collect succeeds");
  is_int (t ? (int)t->mode : -1, CG_MODE_NONE, "empty sysroot: mode none");
  is_int (t ? t->nh : 99, 0, "empty sysroot: no hierarchy");
  cg_tree_free (t);
  if (empty)
    rmdir (empty);
}

static void
test_collect (void)
{
  char tmpl[] = "/tmp/isoscope-cgunit.XXXXXX";
  char *dir = mkdtemp (tmpl);
  if (!dir)
    {
      ok (0, "mkdtemp for the generated trees");
      return;
    }
  const char *gen = "tests/fixtures/cgroup/make-trees.sh";
  if (access (gen, X_OK) != 0)
    {
      ok (0, "%s is executable (run from the top of the repository)", gen);
      rmdir (dir);
      return;
    }
  char *cmd = xasprintf ("%s %s v1-k8s-cgroupfs v2-docker", gen, dir);
  is_int (system (cmd), 0, "make-trees.sh builds v1-k8s-cgroupfs and v2-docker");
  free (cmd);
  char *v1 = xasprintf ("%s/v1-k8s-cgroupfs", dir), *v2 = xasprintf ("%s/v2-docker", dir);
  test_collect_v1 (v1);
  test_collect_v2 (v2);
  free (v1);
  free (v2);
  cmd = xasprintf ("rm -rf -- '%s'", dir);
  is_int (system (cmd), 0, "remove the generated trees");
  free (cmd);
}

/* Per-device IO: io.stat and io.max (v2), blkio lines and per-device limits (v1). */
static void
test_iodev (void)
{
  struct iso_cgroup cg;
  memset (&cg, 0, sizeof cg);
  is_int (cg_parse_iodev_keyed ("8:0 rbytes=100 wbytes=200 rios=3 wios=4 dbytes=0 dios=0\n"
                                "253:1 rbytes=5 wbytes=6 rios=7 wios=8\n",
                                &cg),
          0, "io.stat with two devices parses");
  is_int ((int)cg.niodev, 2, "two devices");
  ok (cg.iodev[0].major == 8 && cg.iodev[0].minor == 0, "the first is 8:0");
  ok (cg.iodev[0].v[CGIO_RBYTES].v == 100 && cg.iodev[0].v[CGIO_WIOS].v == 4, "its rbytes and wios");
  ok (cg.iodev[1].major == 253 && cg.iodev[1].v[CGIO_WBYTES].v == 6, "253:1 wbytes");
  is_int (cg_parse_iodev_keyed ("8:0 rbps=1048576 wbps=max riops=max wiops=120\n", &cg), 0, "io.max parses");
  is_int ((int)cg.niodev, 2, "io.max adds to the same device");
  ok (cg.iodev[0].v[CGIO_RBPS_MAX].state == CGV_SET && cg.iodev[0].v[CGIO_RBPS_MAX].v == 1048576, "rbps_max");
  ok (cg.iodev[0].v[CGIO_WBPS_MAX].state == CGV_MAX, "wbps max is unlimited");
  ok (cg.iodev[0].v[CGIO_WIOPS_MAX].v == 120, "wiops_max");
  ok (cg.iodev[1].v[CGIO_RBPS_MAX].state == CGV_ABSENT, "a device without io.max has no limit fields");
  is_int (cg_parse_iodev_keyed ("garbage\n", &cg), -EINVAL, "a line without MAJ:MIN is -EINVAL");
  free (cg.iodev);

  memset (&cg, 0, sizeof cg);
  cg_parse_iodev_blkio ("8:0 Read 4096\n8:0 Write 1024\n8:0 Sync 5120\n8:0 Async 0\n8:0 Total 5120\n"
                        "8:16 Read 10\nTotal 5130\n",
                        &cg, false);
  is_int ((int)cg.niodev, 2, "blkio bytes: two devices, Total skipped");
  ok (cg.iodev[0].v[CGIO_RBYTES].v == 4096 && cg.iodev[0].v[CGIO_WBYTES].v == 1024, "8:0 read and write bytes");
  ok (cg.iodev[1].v[CGIO_WBYTES].state == CGV_ABSENT, "8:16 wrote nothing listed: absent");
  cg_parse_iodev_blkio ("8:0 Read 16\n8:0 Write 4\n", &cg, true);
  ok (cg.iodev[0].v[CGIO_RIOS].v == 16 && cg.iodev[0].v[CGIO_WIOS].v == 4, "blkio ios go to rios/wios");
  is_int (cg_parse_iodev_limit ("8:0 2097152\n", &cg, CGIO_RBPS_MAX), 0, "a v1 limit line parses");
  ok (cg.iodev[0].v[CGIO_RBPS_MAX].v == 2097152, "read_bps_device -> rbps_max");
  is_int (cg_parse_iodev_limit ("8:0\n", &cg, CGIO_RBPS_MAX), -EINVAL, "a limit line without a value is -EINVAL");
  free (cg.iodev);

  /* Found by tests/fuzz/fuzz-cgroup-iodev.c under ASan: strtoul skipped an empty line's newline, the
     device number came from the next line, and the rest of the line had a negative length. */
  memset (&cg, 0, sizeof cg);
  is_int (cg_parse_iodev_keyed ("8:0 rbytes=1\n\n253:0 rbytes=2\n", &cg), -EINVAL, "io.stat: an empty line is -EINVAL");
  is_int (cg_parse_iodev_keyed ("8:\n5 rbytes=2\n", &cg), -EINVAL,
          "io.stat: a minor number on the next line is -EINVAL");
  is_int (cg_parse_iodev_keyed (" 8:0 rbytes=1\n", &cg), -EINVAL, "io.stat: a blank before MAJ:MIN is -EINVAL");
  is_int (cg_parse_iodev_limit ("8:-1 5\n", &cg, CGIO_RBPS_MAX), -EINVAL, "a negative minor number is -EINVAL");
  free (cg.iodev);

  /* Found by tests/fuzz/fuzz-cgroup-iodev.c: "max" was taken as a count of bytes or operations. */
  memset (&cg, 0, sizeof cg);
  cg_parse_iodev_keyed ("8:0 rbytes=max wbytes=7 rios=max wbps=max\n", &cg);
  ok (cg.niodev == 1 && cg.iodev[0].v[CGIO_RBYTES].state == CGV_ABSENT && cg.iodev[0].v[CGIO_RIOS].state == CGV_ABSENT,
      "io.stat: rbytes=max and rios=max are no values");
  ok (cg.iodev[0].v[CGIO_WBYTES].v == 7 && cg.iodev[0].v[CGIO_WBPS_MAX].state == CGV_MAX,
      "io.stat: the other keys of that line are kept, a limit of max too");
  cg_parse_iodev_blkio ("8:0 Read max\n", &cg, false);
  is_int (cg.iodev[0].v[CGIO_RBYTES].state, CGV_ABSENT, "blkio: Read max is no value");
  free (cg.iodev);
}

int
main (void)
{
  test_value ();
  test_real_values ();
  test_keyed ();
  test_cpu_max ();
  test_psi ();
  test_io_stat ();
  test_blkio ();
  test_iodev ();
  test_proc_line ();
  test_fields ();
  test_parse_file ();
  test_collect ();
  return done_testing ();
}
