// SPDX-License-Identifier: GPL-2.0-or-later
/* caps.c: `isoscope run`'s capability options: names to masks, and the five sets plus the bounding set applied. */
#define _GNU_SOURCE
#include "isoscope/sandbox.h"
#include "isoscope/security.h"
#include "isoscope/util.h"

#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

int
caps_parse_list (const char *text, uint64_t *mask, char **bad)
{
  *mask = 0;
  *bad = NULL;
  cleanup_free char *dup = xstrdup (text);
  char *save = NULL;
  int n = 0;
  for (char *tok = strtok_r (dup, ",", &save); tok; tok = strtok_r (NULL, ",", &save), n++)
    {
      if (strcasecmp (tok, "ALL") == 0)
        {
          *mask |= CAPS_ALL;
          continue;
        }
      cleanup_free char *name = strncasecmp (tok, "cap_", 4) == 0 ? xstrdup (tok) : xasprintf ("cap_%s", tok);
      cap_value_t v;
      for (char *c = name; *c; c++)
        *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
      /* libcap also takes bare numbers: only names are accepted here. */
      if (strspn (tok, "0123456789") == strlen (tok) || cap_from_name (name, &v) < 0 || v < 0 || v > 63)
        {
          *bad = xstrdup (tok);
          return -EINVAL;
        }
      *mask |= 1ULL << v;
    }
  if (n == 0)
    {
      *bad = xstrdup (text);
      return -EINVAL;
    }
  return 0;
}

uint64_t
caps_resolve (uint64_t base, uint64_t add, uint64_t drop)
{
  uint64_t all = sec_all_caps ();
  /* --cap-add ALL: everything but what is dropped by name; --cap-drop ALL: only what is added. */
  if (add & CAPS_ALL)
    return all & ~(drop & ~CAPS_ALL);
  if (drop & CAPS_ALL)
    return add & all;
  return ((base & ~drop) | add) & all;
}

char *
caps_text (uint64_t mask)
{
  if (mask == 0)
    return xstrdup ("none");
  if ((mask & sec_all_caps ()) == sec_all_caps ())
    return xstrdup ("ALL");
  return sec_caps_text (mask);
}

int
caps_drop_bounding (uint64_t keep, iso_error_t *err)
{
  /* Dropping from the bounding set needs CAP_SETPCAP: this comes before anything else goes. */
  uint64_t all = sec_all_caps ();
  for (int v = 0; v < 64; v++)
    if ((all & (1ULL << v)) && !(keep & (1ULL << v)) && prctl (PR_CAPBSET_DROP, v, 0, 0, 0) < 0 && errno != EINVAL)
      return iso_make_error (err, errno, "cannot drop capability %d from the bounding set", v);
  return 0;
}

int
caps_apply (uint64_t keep, uint64_t named, iso_error_t *err)
{
  cap_t c = cap_get_proc ();
  if (!c)
    return iso_make_error (err, errno, "cannot read the capabilities");
  /* A capability named must be there to keep; ALL keeps those there are. */
  for (int v = 0; v < 64; v++)
    {
      cap_flag_value_t have = CAP_CLEAR;
      if (!(keep & (1ULL << v)))
        continue;
      if (cap_get_flag (c, v, CAP_PERMITTED, &have) < 0 || have != CAP_SET)
        {
          keep &= ~(1ULL << v);
          if (!(named & (1ULL << v)))
            continue;
          cap_free (c);
          cleanup_free char *name = sec_caps_text (1ULL << v);
          return iso_make_error (err, 0, "cannot keep %s: the sandbox does not have it to give", name);
        }
    }
  cap_clear (c);
  for (int v = 0; v < 64; v++)
    if (keep & (1ULL << v))
      {
        cap_value_t cv = v;
        cap_set_flag (c, CAP_EFFECTIVE, 1, &cv, CAP_SET);
        cap_set_flag (c, CAP_PERMITTED, 1, &cv, CAP_SET);
        cap_set_flag (c, CAP_INHERITABLE, 1, &cv, CAP_SET);
      }
  int r = cap_set_proc (c);
  int e = errno;
  cap_free (c);
  if (r < 0)
    return iso_make_error (err, e, "cannot set the capabilities");
  /* Ambient: empty, then exactly what is kept, so that a command that is not root keeps it over exec. */
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return iso_make_error (err, errno, "cannot clear the ambient capabilities");
  for (int v = 0; v < 64; v++)
    if ((keep & (1ULL << v)) && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) < 0)
      return iso_make_error (err, errno, "cannot raise capability %d in the ambient set", v);
  /* The permitted set was kept over -S for this (PR_SET_KEEPCAPS); exec clears the flag anyway. */
  prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0);
  return 0;
}
