// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-mntview.c: a mount namespace's filesystem view from /proc/PID/mountinfo (root, overlay
   layers, masked and read-only paths, runtime sockets). */
#include "fuzz.h"
#include "isoscope/security.h"

static int
under (const char *path, const char *dir)
{
  size_t n = strlen (dir);
  return strncmp (path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *s = fuzz_cstr (data, size);
  struct iso_mntview v;
  if (sec_parse_mntview (s, &v) == 0)
    {
      FUZZ_CHECK (v.nmounts >= 0);
      FUZZ_CHECK ((v.root_fstype == NULL) == (v.root_source == NULL));
      FUZZ_CHECK ((v.root_fstype == NULL) == (v.root_options == NULL));
      FUZZ_CHECK (!v.overlay_lower || v.root_options);
      for (size_t i = 0; i < v.nmasked; i++)
        FUZZ_CHECK (under (v.masked[i], "/proc") || under (v.masked[i], "/sys"));
      for (size_t i = 0; i < v.nreadonly; i++)
        FUZZ_CHECK (under (v.readonly[i], "/proc") || under (v.readonly[i], "/sys"));
      for (size_t i = 0; i < v.nsockets; i++)
        FUZZ_CHECK (sec_is_runtime_socket (v.sockets[i]));
      FUZZ_CHECK (v.nmasked + v.nreadonly + v.nsockets <= 2 * (size_t)v.nmounts);
      sec_mntview_free (&v);
    }
  free (s);
  return 0;
}
