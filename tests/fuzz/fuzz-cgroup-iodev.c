// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-cgroup-iodev.c: per-device IO files: v2 io.stat and io.max ("MAJ:MIN key=value ..."), v1
   blkio.throttle.io_service{_bytes,d}_recursive ("MAJ:MIN Read N") and the *_device limits
   ("MAJ:MIN N").  Input: "keyed", "bytes", "ios" or "limit" on the first line, the text after it. */
#include "fuzz.h"
#include "isoscope/cgroup.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *s = fuzz_cstr (data, size);
  char *text = fuzz_split_line (s);
  struct iso_cgroup cg;
  memset (&cg, 0, sizeof cg);
  if (strcmp (s, "keyed") == 0)
    cg_parse_iodev_keyed (text, &cg);
  else if (strcmp (s, "bytes") == 0 || strcmp (s, "ios") == 0)
    cg_parse_iodev_blkio (text, &cg, s[0] == 'i');
  else if (strcmp (s, "limit") == 0)
    cg_parse_iodev_limit (text, &cg, CGIO_WIOPS_MAX);
  else
    {
      free (s);
      return -1;
    }
  size_t lines = 1;
  for (const char *p = text; *p; p++)
    lines += *p == '\n';
  /* At most one device per line, each once, with a device number the kernel can have. */
  FUZZ_CHECK (cg.niodev <= lines);
  for (size_t i = 0; i < cg.niodev; i++)
    {
      const struct cg_iodev *d = &cg.iodev[i];
      FUZZ_CHECK (d->major <= 0xfff && d->minor <= 0xfffff);
      for (size_t j = 0; j < i; j++)
        FUZZ_CHECK (cg.iodev[j].major != d->major || cg.iodev[j].minor != d->minor);
      for (int f = 0; f < CGIO_COUNT; f++)
        {
          FUZZ_CHECK (d->v[f].state <= CGV_MAX);
          /* Only limits are "max"; totals are counts. */
          FUZZ_CHECK (d->v[f].state != CGV_MAX || f >= CGIO_RBPS_MAX);
        }
    }
  free (cg.iodev);

  /* The totals over all devices, as the table's io.stat and blkio rows read them. */
  struct cg_val t[4];
  if (cg_parse_io_stat (text, &t[0], &t[1], &t[2], &t[3]) == 0)
    for (int k = 0; k < 4; k++)
      FUZZ_CHECK (t[k].state == CGV_SET);
  if (cg_parse_blkio (text, &t[0], &t[1]) == 0)
    FUZZ_CHECK (t[0].state == CGV_SET && t[1].state == CGV_SET);
  free (s);
  return 0;
}
