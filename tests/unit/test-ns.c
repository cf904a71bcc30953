// SPDX-License-Identifier: GPL-2.0-or-later
/* test-ns.c: the namespace type table, type names and aliases, clone flags, nsfs link text. */
#define _GNU_SOURCE
#include "isoscope/ns.h"
#include "isoscope/util.h"
#include "tap.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

static void
test_table (void)
{
  static const char *const names[] = { "mnt", "net", "pid", "uts", "ipc", "user", "cgroup", "time" };
  static const int flags[] = { CLONE_NEWNS,  CLONE_NEWNET,  CLONE_NEWPID,    CLONE_NEWUTS,
                               CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWCGROUP, CLONE_NEWTIME };
  is_int (NS_TYPE_COUNT, 8, "eight namespace types");
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    {
      is_int (ns_types[t].type, t, "table row %d describes its own type", t);
      is_str (ns_types[t].name, names[t], "type %d is named %s (lsns order)", t, names[t]);
      is_str (ns_type_name ((enum ns_type)t), names[t], "ns_type_name (%d)", t);
      is_str (ns_types[t].link, names[t], "the /proc/PID/ns entry of %s", names[t]);
      is_int (ns_type_from_name (names[t]), t, "ns_type_from_name (\"%s\")", names[t]);
      is_int (ns_type_from_clone_flag (flags[t]), t, "ns_type_from_clone_flag of %s's CLONE_NEW*", names[t]);
      is_int (ns_types[t].clone_flag, flags[t], "%s: clone flag in the table", names[t]);
      ok (ns_types[t].hierarchical == (t == NS_PID || t == NS_USER), "%s: hierarchical only for pid and user",
          names[t]);
    }
  is_str (ns_types[NS_PID].for_children, "pid_for_children", "pid has pid_for_children");
  is_str (ns_types[NS_TIME].for_children, "time_for_children", "time has time_for_children");
  is_str (ns_types[NS_NET].for_children, NULL, "net has no _for_children link");
  is_str (ns_type_name ((enum ns_type)NS_TYPE_COUNT), "?", "ns_type_name of an out-of-range type");
  is_str (ns_type_name ((enum ns_type) - 1), "?", "ns_type_name of a negative type");
}

static void
test_names (void)
{
  is_int (ns_type_from_name ("network"), NS_NET, "alias network");
  is_int (ns_type_from_name ("mount"), NS_MNT, "alias mount");
  is_int (ns_type_from_name ("bogus"), -1, "unknown name is -1");
  is_int (ns_type_from_name (""), -1, "empty name is -1");
  is_int (ns_type_from_name ("ne"), -1, "a prefix of a name is -1");
  is_int (ns_type_from_name ("nett"), -1, "a name with extra letters is -1");
  is_int (ns_type_from_name ("NET"), -1, "names are case-sensitive (as lsns -t)");
  is_int (ns_type_from_name ("pid_for_children"), -1, "pid_for_children is not a type name");

  is_int (ns_type_from_clone_flag (0), -1, "clone flag 0 is -1");
  is_int (ns_type_from_clone_flag (CLONE_NEWNET | CLONE_NEWPID), -1, "two flags at once is -1");
  is_int (ns_type_from_clone_flag (CLONE_VM), -1, "a non-namespace clone flag is -1");
}

static int
parse (const char *text, enum ns_type *t, uint64_t *ino)
{
  *t = (enum ns_type)99;
  *ino = 12345;
  return ns_parse_link (text, t, ino);
}

static void
test_links (void)
{
  enum ns_type t;
  uint64_t ino;
  static const char *const names[] = { "mnt", "net", "pid", "uts", "ipc", "user", "cgroup", "time" };
  for (int i = 0; i < NS_TYPE_COUNT; i++)
    {
      char text[64];
      snprintf (text, sizeof text, "%s:[%llu]", names[i], 4026531832ULL + (unsigned)i);
      is_int (parse (text, &t, &ino), 0, "link %s parses", text);
      ok (t == (enum ns_type)i && ino == 4026531832ULL + (unsigned)i, "link %s: type and inode", text);
    }

  is_int (parse ("net:[1]", &t, &ino), 0, "inode 1 parses");
  is_u64 (ino, 1, "inode 1");
  is_int (parse ("net:[18446744073709551615]", &t, &ino), 0, "inode UINT64_MAX parses");
  is_u64 (ino, UINT64_MAX, "inode UINT64_MAX");

  static const char *const bad[] = {
    "socket:[123]",
    "pipe:[1]",
    "anon_inode:[eventfd]",
    "net:[]",
    "net:[abc]",
    "net:[123",
    "net:[123]x",
    "net:[123]\n",
    "net[123]",
    "net:123",
    "net:[0]",
    "net:[18446744073709551616]",
    "net:[99999999999999999999999999]",
    "net:[-1]",
    "net:[+1]",
    "net:[ 1]",
    "net:[1 ]",
    "net:[0x10]",
    "net:[1]]",
    "net:[[1]",
    ":[1]",
    "",
    "net",
    "net:",
    "network:[1]",
    "NET:[1]",
    "ne:[1]",
    "nett:[1]",
    " net:[1]",
    "pid_for_children:[4026531836]",
    "/proc/1/ns/net",
    "net:[1]:[2]",
  };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      /* Show a newline as \n so that the TAP line stays one line. */
      char shown[64];
      size_t k = 0;
      for (const char *c = bad[i]; *c && k + 3 < sizeof shown; c++)
        if (*c == '\n')
          shown[k++] = '\\', shown[k++] = 'n';
        else
          shown[k++] = *c;
      shown[k] = '\0';
      int r = parse (bad[i], &t, &ino);
      is_int (r, -EINVAL, "link text '%s' is -EINVAL", shown);
      ok (t == (enum ns_type)99 && ino == 12345, "'%s': outputs untouched", shown);
    }
}

static void
test_self_links (void)
{
  /* The links of this very process. */
  for (int i = 0; i < NS_TYPE_COUNT; i++)
    {
      char path[64], buf[64];
      snprintf (path, sizeof path, "/proc/self/ns/%s", ns_types[i].link);
      ssize_t n = readlink (path, buf, sizeof buf - 1);
      if (n < 0)
        {
          ok (1, "%s # SKIP not available here", path);
          continue;
        }
      buf[n] = '\0';
      enum ns_type t;
      uint64_t ino;
      ok (ns_parse_link (buf, &t, &ino) == 0 && t == (enum ns_type)i && ino > 0, "%s (%s) parses as its type", path,
          buf);
    }
}

int
main (void)
{
  test_table ();
  test_names ();
  test_links ();
  test_self_links ();
  return done_testing ();
}
