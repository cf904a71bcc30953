// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-cgroup-psi.c: pressure stall files (cpu.pressure, memory.pressure, io.pressure): "some" and
   "full" lines of avg10= avg60= avg300= total=. */
#include "fuzz.h"
#include "isoscope/cgroup.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *s = fuzz_cstr (data, size);
  struct cg_val vals[8];
  memset (vals, 0, sizeof vals);
  int r = cg_parse_psi (s, vals);
  for (int k = 0; k < 8; k++)
    {
      FUZZ_CHECK (vals[k].state == CGV_ABSENT || vals[k].state == CGV_SET);
      if (k % 4 < 3)
        FUZZ_CHECK (vals[k].v <= 10000 && (vals[k].state == CGV_ABSENT || vals[k].is_float));
      else
        FUZZ_CHECK (!vals[k].is_float);
    }
  if (r == 0)
    {
      /* Each line read is read whole: its four values together. */
      for (int base = 0; base < 8; base += 4)
        for (int k = 1; k < 4; k++)
          FUZZ_CHECK (vals[base + k].state == vals[base].state);
      FUZZ_CHECK (vals[0].state == CGV_SET || vals[4].state == CGV_SET);
    }
  free (s);
  return 0;
}
