// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-seccomp-policy.c: `isoscope run --seccomp FILE` policy files: parsed, printed back, parsed
   again to the same rules, and compiled to a BPF program the kernel would take. */
#include "fuzz.h"
#include "isoscope/sandbox.h"
#include "isoscope/util.h"

#include <linux/filter.h>

static bool
same_rule (const struct seccomp_policy_rule *a, const struct seccomp_policy_rule *b)
{
  if (strcmp (a->syscall, b->syscall) != 0 || a->action != b->action || a->ncmp != b->ncmp
      || (a->action == SECCOMP_POLICY_ERRNO && a->errno_ret != b->errno_ret))
    return false;
  for (unsigned i = 0; i < a->ncmp; i++)
    if (a->cmp[i].arg != b->cmp[i].arg || a->cmp[i].op != b->cmp[i].op || a->cmp[i].value != b->cmp[i].value
        || (a->cmp[i].op == SECCOMP_POLICY_MASKED_EQ && a->cmp[i].mask != b->cmp[i].mask))
      return false;
  return true;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *text = fuzz_cstr (data, size);
  struct seccomp_policy *pol = NULL;
  iso_error_t err = NULL;
  if (seccomp_policy_parse (text, "fuzz", &pol, &err) < 0)
    {
      /* Refused with a message that names the file. */
      FUZZ_CHECK (pol == NULL && err && err->msg && strstr (err->msg, "fuzz"));
      iso_error_release (&err);
      free (text);
      return 0;
    }
  FUZZ_CHECK (pol && !err);
  FUZZ_CHECK (pol->def_action <= SECCOMP_POLICY_LOG);
  for (size_t i = 0; i < pol->nrules; i++)
    {
      const struct seccomp_policy_rule *r = &pol->rules[i];
      FUZZ_CHECK (r->syscall && *r->syscall && r->action <= SECCOMP_POLICY_LOG && r->ncmp <= 6);
      FUZZ_CHECK (r->action != SECCOMP_POLICY_ERRNO || (r->errno_ret >= 1 && r->errno_ret <= 4095));
      unsigned seen = 0;
      for (unsigned k = 0; k < r->ncmp; k++)
        {
          /* Each argument at most once, and one of the six. */
          FUZZ_CHECK (r->cmp[k].arg < 6 && !(seen & 1u << r->cmp[k].arg));
          seen |= 1u << r->cmp[k].arg;
          FUZZ_CHECK (r->cmp[k].op <= SECCOMP_POLICY_MASKED_EQ);
        }
    }

  /* Printed back as policy lines, the rules parse to themselves. */
  struct strbuf b = { 0 };
  char abuf[64];
  strbuf_printf (&b, "default %s\n", seccomp_policy_action_text (pol->def_action, pol->def_errno, abuf, sizeof abuf));
  for (size_t i = 0; i < pol->nrules; i++)
    {
      char *line = seccomp_policy_rule_text (&pol->rules[i]);
      strbuf_printf (&b, "%s\n", line);
      free (line);
    }
  char *again = strbuf_steal (&b);
  struct seccomp_policy *pol2 = NULL;
  int r2 = seccomp_policy_parse (again, "fuzz-again", &pol2, &err);
  if (r2 < 0)
    fprintf (stderr, "printed policy refused: %s\n---\n%s---\n", err->msg, again);
  FUZZ_CHECK (r2 == 0);
  FUZZ_CHECK (pol2->nrules == pol->nrules && pol2->def_action == pol->def_action);
  for (size_t i = 0; i < pol->nrules; i++)
    FUZZ_CHECK (same_rule (&pol->rules[i], &pol2->rules[i]));

  /* Any policy that parses compiles, into a program the kernel's size limit allows. */
  struct sock_fprog prog = { 0 };
  if (seccomp_policy_compile (pol, &prog, &err) == 0)
    {
      FUZZ_CHECK (prog.len > 0 && prog.len <= BPF_MAXINSNS && prog.filter);
      free (prog.filter);
    }
  else
    {
      FUZZ_CHECK (err && err->msg);
      iso_error_release (&err);
    }
  seccomp_policy_free (pol2);
  seccomp_policy_free (pol);
  free (again);
  free (text);
  return 0;
}
