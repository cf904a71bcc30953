// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-caps-list.c: capability lists of `isoscope run --cap-add/--cap-drop` ("CAP_NET_RAW,sys_admin"
   or "ALL"), and the profile table they are applied to. */
#include "fuzz.h"
#include "isoscope/sandbox.h"
#include "isoscope/security.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *s = fuzz_cstr (data, size);
  char *second = fuzz_split_line (s);
  uint64_t mask = 7, mask2;
  char *bad = NULL;
  if (caps_parse_list (s, &mask, &bad) == 0)
    {
      FUZZ_CHECK (bad == NULL);
      /* The names printed back give the same set. */
      if (!(mask & CAPS_ALL) && mask)
        {
          char *names = sec_caps_text (mask);
          FUZZ_CHECK (caps_parse_list (names, &mask2, &bad) == 0 && mask2 == mask);
          free (names);
        }
    }
  else
    {
      /* The refusal names the word at fault, which is part of the list. */
      FUZZ_CHECK (bad != NULL && strstr (s, bad));
      free (bad);
      mask = 0;
    }

  /* The second line: a profile name, applied with the list as --cap-add. */
  /* Not run_plan_init: that would link run.c and the sandbox it calls. */
  struct run_plan p;
  memset (&p, 0, sizeof p);
  p.harden.cap_add = mask;
  p.harden.flagged |= 1u << RUN_SET_CAPS;
  iso_error_t err = NULL;
  if (run_profile_apply (&p, second, &err) == 0)
    {
      FUZZ_CHECK (p.harden.profile && strcmp (p.harden.profile, second) == 0);
      FUZZ_CHECK ((p.harden.caps_keep & ~sec_all_caps ()) == 0);
      char **weak = run_profile_weakenings (&p);
      for (size_t i = 0; weak && weak[i]; i++)
        free (weak[i]);
      free (weak);
    }
  else
    {
      FUZZ_CHECK (err && strstr (err->msg, "profile"));
      iso_error_release (&err);
    }
  free (p.limits.rlimits);
  free (s);
  return 0;
}
