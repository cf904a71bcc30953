// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-proc-cgroup.c: the lines of /proc/PID/cgroup ("ID:CONTROLLERS:PATH") and the container in each path. */
#include "fuzz.h"
#include "isoscope/cgroup.h"
#include "isoscope/container.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *text = fuzz_cstr (data, size);
  char *copy = fuzz_cstr (data, size);
  for (char *line = text; line && *line;)
    {
      char *nl = strchr (line, '\n');
      char *next = nl ? nl + 1 : NULL;
      const char *start = line;
      size_t len = nl ? (size_t)(nl - line) : strlen (line);
      const char *orig = copy + (line - text);
      int id;
      const char *ctrls, *path;
      if (cg_parse_proc_line (line, &id, &ctrls, &path) == 0)
        {
          /* Both strings lie inside this line, in order, and neither holds a separator
             that belongs to the line structure. */
          FUZZ_CHECK (id >= 0);
          FUZZ_CHECK (ctrls > start && ctrls <= start + len);
          FUZZ_CHECK (path > ctrls && path <= start + len);
          FUZZ_CHECK (!strchr (ctrls, ':') && !strchr (ctrls, '\n') && !strchr (path, '\n'));
          /* The controllers and the path are the text between the first two colons and after them. */
          FUZZ_CHECK (strncmp (orig + (ctrls - start), ctrls, strlen (ctrls)) == 0);
          FUZZ_CHECK (orig[(ctrls - start) + strlen (ctrls)] == ':');
          FUZZ_CHECK (strncmp (orig + (path - start), path, strlen (path)) == 0);
          struct iso_container c;
          if (container_from_path (path, &c))
            {
              FUZZ_CHECK (c.engine[0] != '\0');
              FUZZ_CHECK (strncmp (path, c.cgroup, strlen (c.cgroup)) == 0 || strlen (path) >= sizeof c.cgroup);
            }
        }
      line = next;
    }
  free (copy);
  free (text);
  return 0;
}
