// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-idmap.c: run's id arguments: --map-users/--map-groups ranges "INNER:OUTER:COUNT" and the
   numeric forms of --map-user, --map-group, --setuid and --setgid. */
#include "fuzz.h"
#include "isoscope/sandbox.h"

#include <ctype.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *s = fuzz_cstr (data, size);
  struct idmap_range r = { -9, -9, -9 };
  if (idmap_parse_range (s, &r) == 0)
    {
      /* A range the kernel's uid_map accepts: 32-bit ids, not wrapping, not empty. */
      FUZZ_CHECK (r.count > 0 && r.inner >= 0 && r.outer >= 0);
      FUZZ_CHECK (r.inner + r.count - 1 <= 4294967295L && r.outer + r.count - 1 <= 4294967295L);
      char back[80];
      snprintf (back, sizeof back, "%ld:%ld:%ld", r.inner, r.outer, r.count);
      struct idmap_range r2;
      FUZZ_CHECK (idmap_parse_range (back, &r2) == 0 && r2.inner == r.inner && r2.outer == r.outer
                  && r2.count == r.count);
    }
  else
    FUZZ_CHECK (r.inner == -9 && r.outer == -9 && r.count == -9);
  /* Numbers only: names would make this target depend on /etc/passwd. */
  if (isdigit ((unsigned char)s[0]))
    {
      long id = -9;
      int rc = idmap_parse_user (s, &id);
      if (rc == 0)
        /* (uid_t)-1 means "no change" to setuid(2): it is never an id. */
        FUZZ_CHECK (id >= 0 && id < 4294967295L);
      long gid = -9;
      int rc2 = idmap_parse_group (s, &gid);
      FUZZ_CHECK (rc2 == rc && (rc != 0 || gid == id));
    }
  free (s);
  return 0;
}
