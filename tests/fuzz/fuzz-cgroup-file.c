// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-cgroup-file.c: every cgroup file of the table the walk reads (memory.stat, memory.events,
   cpu.stat, cpu.max, pids.events, the PSI files, io.stat, v1's files...).  Input: "v2 FILE"
   or "v1 FILE" on the first line, the file's text after it. */
#include "fuzz.h"
#include "isoscope/cgroup.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *s = fuzz_cstr (data, size);
  char *text = fuzz_split_line (s);
  if (strncmp (s, "v1 ", 3) != 0 && strncmp (s, "v2 ", 3) != 0)
    {
      free (s);
      return -1; /* not an input of this target: not kept in the corpus */
    }
  struct iso_cgroup cg;
  memset (&cg, 0, sizeof cg);
  cg_parse_file (&cg, s[1] == '2', s + 3, text);
  for (int f = 0; f < CGF_COUNT; f++)
    {
      const struct cg_val *v = &cg.f[f];
      FUZZ_CHECK (v->state <= CGV_MAX);
      /* "max" only where unlimited is a value the field can have. */
      FUZZ_CHECK (v->state != CGV_MAX || cg_fields[f].has_max);
      /* Percentages are hundredths, at most 100.00; nothing else is fractional. */
      FUZZ_CHECK (v->is_float == (v->state == CGV_SET && cg_fields[f].unit == CGU_PERCENT));
      FUZZ_CHECK (!v->is_float || v->v <= 10000);
      if (v->state == CGV_ABSENT)
        FUZZ_CHECK (v->v == 0);
    }
  /* v1 cpu.shares converts to the v2 weight range. */
  if (s[1] == '1' && cg.f[CGF_CPU_WEIGHT].state == CGV_SET)
    FUZZ_CHECK (cg.f[CGF_CPU_WEIGHT].v >= 1 && cg.f[CGF_CPU_WEIGHT].v <= 10000);
  free (s);
  return 0;
}
