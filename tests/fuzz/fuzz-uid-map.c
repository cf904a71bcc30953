// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-uid-map.c: mapping an id through /proc/PID/uid_map (or gid_map) text.
   Input: the outside id on the first line, the map after it. */
#include "fuzz.h"
#include "isoscope/security.h"

#include <ctype.h>

/* One map line as the kernel writes it: three unsigned 32-bit numbers separated by blanks.
   1 when LINE (up to its newline) is one. */
static int
map_line (const char *line, unsigned long long v[3])
{
  const char *s = line;
  for (int k = 0; k < 3; k++)
    {
      while (*s == ' ' || *s == '\t')
        s++;
      if (!isdigit ((unsigned char)*s))
        return 0;
      v[k] = 0;
      while (isdigit ((unsigned char)*s))
        {
          v[k] = v[k] * 10 + (unsigned)(*s++ - '0');
          if (v[k] > 4294967295ULL)
            return 0;
        }
    }
  while (*s == ' ' || *s == '\t')
    s++;
  /* ...and a range that fits 32 bits on both sides, as the kernel allows. */
  return (*s == '\0' || *s == '\n') && v[2] > 0 && v[0] + v[2] - 1 <= 4294967295ULL && v[1] + v[2] - 1 <= 4294967295ULL;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *s = fuzz_cstr (data, size);
  char *map = fuzz_split_line (s);
  long outside = strtol (s, NULL, 10);
  long inside = -12345;
  int r = sec_idmap_to_inside (map, outside, &inside);
  FUZZ_CHECK (r == 0 || r == -ERANGE);
  if (r == 0)
    {
      /* An id inside a namespace is a 32-bit unsigned number... */
      FUZZ_CHECK (inside >= 0 && inside <= 4294967295L);
      /* ...given by the first well-formed line whose range holds OUTSIDE. */
      int matched = 0;
      for (const char *line = map; line && *line && !matched;)
        {
          unsigned long long v[3];
          if (map_line (line, v) && (unsigned long long)outside >= v[1] && outside >= 0
              && (unsigned long long)outside - v[1] < v[2])
            {
              FUZZ_CHECK ((unsigned long long)inside == v[0] + ((unsigned long long)outside - v[1]));
              matched = 1;
            }
          line = strchr (line, '\n');
          if (line)
            line++;
        }
      FUZZ_CHECK (matched);
    }
  free (s);
  return 0;
}
