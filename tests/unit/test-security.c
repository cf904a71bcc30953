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

static void
test_mntview (void)
{
  struct iso_mntview v;
  const char *overlay = "700 650 0:20 / / rw,relatime - overlay overlay rw,lowerdir=/l1:/l2,upperdir=/u,workdir=/w\n"
                        "701 700 0:61 / /proc rw - proc proc rw\n"
                        "702 701 0:5 /null /proc/kcore rw - devtmpfs udev rw\n"
                        "703 701 0:62 / /proc/acpi ro - tmpfs tmpfs ro\n"
                        "704 701 0:61 /sys /proc/sys ro - proc proc rw\n"
                        "705 700 0:63 /docker.sock /run/docker.sock rw - tmpfs tmpfs rw\n";
  is_int (sec_parse_mntview (overlay, &v), 0, "a container's mountinfo parses");
  is_int (v.nmounts, 6, "six mounts");
  is_str (v.root_fstype, "overlay", "root: overlay");
  is_str (v.overlay_lower, "/l1:/l2", "overlay: lower layers");
  is_str (v.overlay_upper, "/u", "overlay: upper layer");
  ok (v.nmasked == 2 && strcmp (v.masked[0], "/proc/kcore") == 0 && strcmp (v.masked[1], "/proc/acpi") == 0,
      "masked: /dev/null over /proc/kcore, an empty read-only tmpfs over /proc/acpi");
  ok (v.nreadonly == 1 && strcmp (v.readonly[0], "/proc/sys") == 0, "read-only: /proc/sys");
  ok (v.nsockets == 1 && strcmp (v.sockets[0], "/run/docker.sock") == 0, "the Docker socket is reachable");
  sec_mntview_free (&v);

  /* Found by tests/fuzz/fuzz-mntview.c: an option without a value was copied from a NULL pointer. */
  is_int (sec_parse_mntview ("700 650 0:20 / / rw - overlay overlay rw,lowerdir,upperdir\n", &v), 0,
          "lowerdir and upperdir without values parse");
  ok (v.overlay_lower == NULL && v.overlay_upper == NULL, "lowerdir and upperdir without values: no layers");
  is_str (v.root_options, "rw,lowerdir,upperdir", "the root's options are kept");
  sec_mntview_free (&v);
}

int
main (void)
{
  test_idmap ();
  test_mntview ();
  return done_testing ();
}
