// SPDX-License-Identifier: GPL-2.0-or-later
/* test-security.c: the parsers of security.c: uid_map/gid_map text and a mount namespace's view from mountinfo. */
#define _GNU_SOURCE
#include "isoscope/security.h"
#include "isoscope/util.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Map OUTSIDE through MAP: the id inside, or -1 when the map does not cover it. */
static long
inside_of (const char *map, long outside)
{
  long in = -7;
  return sec_idmap_to_inside (map, outside, &in) == 0 ? in : -1;
}

static void
test_idmap (void)
{
  /* A rootless Podman map, as /proc/PID/uid_map prints it. */
  const char *podman = "         0       1000          1\n         1     100000      65536\n";
  is_int (inside_of (podman, 1000), 0, "uid 1000 is root inside");
  is_int (inside_of (podman, 100000), 1, "uid 100000 is 1 inside");
  is_int (inside_of (podman, 165535), 65536, "the last id of the second range");
  is_int (inside_of (podman, 165536), -1, "one past the second range is not mapped");
  is_int (inside_of (podman, 0), -1, "host root is not mapped");
  is_int (inside_of ("         0          0 4294967295\n", 4294967294L), 4294967294L, "the identity map's top id");
  is_int (inside_of ("", 0), -1, "an empty map maps nothing");

  /* Found by tests/fuzz/fuzz-uid-map.c: sscanf ignored what followed the third number, read
     numbers across newlines and took negative ones. */
  is_int (inside_of ("0 0 42949v7295\n", 1), -1, "letters glued to the count: the line is not a map line");
  is_int (inside_of ("0 0\n10\n", 5), -1, "a line of two numbers does not take the third from the next line");
  is_int (inside_of ("0 -5 10\n", 1), -1, "a negative outside start is not a map line");
  is_int (inside_of ("-3 0 10\n", 1), -1, "a negative inside start is not a map line");
  is_int (inside_of ("4294967295 0 10\n", 5), -1, "a range past 32 bits inside is not a map line");
  is_int (inside_of ("0 2 4294967295\n", 5), -1, "a range past 32 bits outside is not a map line");
  is_int (inside_of ("0 0 10 11\n5 0 10\n", 1), 6, "a line of four numbers is skipped, the next one maps");
  is_int (inside_of ("0 0 10\n", -1), -1, "the outside id -1 is never mapped");
}

int
main (void)
{
  test_idmap ();
  return done_testing ();
}
