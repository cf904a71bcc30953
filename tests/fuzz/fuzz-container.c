// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-container.c: container and pod identities recognised in a cgroup path, and systemd's \xNN unescaping. */
#include "fuzz.h"
#include "isoscope/container.h"

static int
bounded (const char *s, size_t size)
{
  return memchr (s, '\0', size) != NULL;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *path = fuzz_cstr (data, size);
  struct iso_container c;
  memset (&c, 0x5a, sizeof c);
  bool found = container_from_path (path, &c);
  FUZZ_CHECK (bounded (c.engine, sizeof c.engine) && bounded (c.id, sizeof c.id));
  FUZZ_CHECK (bounded (c.short_id, sizeof c.short_id) && bounded (c.pod_uid, sizeof c.pod_uid));
  FUZZ_CHECK (bounded (c.qos, sizeof c.qos) && bounded (c.cgroup, sizeof c.cgroup));
  if (found)
    {
      FUZZ_CHECK (c.engine[0] && c.id[0]);
      /* The short id is the start of the id. */
      FUZZ_CHECK (strncmp (c.id, c.short_id, strlen (c.short_id)) == 0);
      /* The cgroup it was found in is a prefix of the path (cut to the field's size). */
      FUZZ_CHECK (strncmp (path, c.cgroup, strlen (c.cgroup)) == 0);
    }
  else
    FUZZ_CHECK (!c.engine[0] && !c.id[0]);
  /* A pod uid is kept only together with its class of service. */
  FUZZ_CHECK (!c.pod_uid[0] || c.qos[0]);

  /* Unescaping never writes more than it is given and never grows the text. */
  char out[32];
  memset (out, 0x5a, sizeof out);
  container_unescape (path, out, 16);
  FUZZ_CHECK (bounded (out, 16) && (unsigned char)out[16] == 0x5a);
  FUZZ_CHECK (strlen (out) <= strlen (path));
  free (path);
  return 0;
}
