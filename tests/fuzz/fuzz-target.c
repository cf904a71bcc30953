// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-target.c: the text of a TARGET argument: "PID" and "PID:INODE" (target_parse_pid), and
   target_resolve's answer to text that is neither a pid nor a path that exists. */
#include "fuzz.h"
#include "isoscope/target.h"

#include <inttypes.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *s = fuzz_cstr (data, size);
  pid_t pid = -7;
  uint64_t ino = 7;
  if (target_parse_pid (s, &pid, &ino) == 0)
    {
      FUZZ_CHECK (pid > 0);
      /* The text is the pid (and inode) in decimal, perhaps with leading zeros: parsing
         their plain spelling gives the same values back. */
      char back[48];
      if (strchr (s, ':'))
        snprintf (back, sizeof back, "%d:%" PRIu64, (int)pid, ino);
      else
        snprintf (back, sizeof back, "%d", (int)pid);
      FUZZ_CHECK (!strchr (s, ':') || ino > 0);
      pid_t pid2;
      uint64_t ino2;
      FUZZ_CHECK (target_parse_pid (back, &pid2, &ino2) == 0 && pid2 == pid && ino2 == ino);
      FUZZ_CHECK (strlen (back) <= strlen (s));
    }
  else if (s[0] >= '0' && s[0] <= '9')
    {
      /* A malformed pid is refused before anything is opened, with a message naming it. */
      struct iso_target t;
      iso_error_t err = NULL;
      FUZZ_CHECK (target_resolve (s, &t, &err) < 0);
      FUZZ_CHECK (err && err->msg && strstr (err->msg, s));
      FUZZ_CHECK (t.pidfd < 0 && t.piddir < 0 && t.nsfd < 0);
      iso_error_release (&err);
      target_release (&t);
    }
  free (s);
  return 0;
}
