// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-cmdline.c: /proc/PID/cmdline (arguments separated by NUL bytes) joined into one line. */
#include "fuzz.h"
#include "isoscope/proc.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  /* The bytes as read, NULs and all: no terminator is added. */
  char *buf = malloc (size ? size : 1);
  if (!buf)
    abort ();
  memcpy (buf, data, size);
  char *s = proc_cmdline_join (buf, size);
  size_t n = size;
  while (n > 0 && buf[n - 1] == '\0')
    n--;
  if (n == 0)
    FUZZ_CHECK (s == NULL);
  else
    {
      /* Every byte kept in place, each NUL inside turned into a space, trailing NULs dropped. */
      FUZZ_CHECK (s != NULL && strlen (s) == n);
      for (size_t i = 0; i < n; i++)
        FUZZ_CHECK (s[i] == (buf[i] ? buf[i] : ' '));
    }
  free (s);
  free (buf);
  return 0;
}
