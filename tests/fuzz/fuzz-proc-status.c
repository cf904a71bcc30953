// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-proc-status.c: /proc/PID/status (ids, threads, NSpid, capability sets, nnp, seccomp). */
#include "fuzz.h"
#include "isoscope/model.h"
#include "isoscope/proc.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *s = fuzz_cstr (data, size);
  struct iso_model *m = iso_model_new ();
  struct iso_proc *p = iso_model_add_proc (m, 1);
  proc_parse_status (s, p);
  /* Twice: a second read of the same process replaces what the first found. */
  proc_parse_status (s, p);
  long *ids[] = { &p->uid, &p->euid, &p->gid, &p->egid };
  for (int i = 0; i < 4; i++)
    FUZZ_CHECK (*ids[i] >= -1 && *ids[i] <= 4294967294L);
  FUZZ_CHECK ((p->uid == -1) == (p->euid == -1));
  FUZZ_CHECK ((p->gid == -1) == (p->egid == -1));
  FUZZ_CHECK (p->nthreads >= 0);
  FUZZ_CHECK (p->no_new_privs >= -1 && p->no_new_privs <= 1);
  FUZZ_CHECK (p->seccomp >= -1 && p->seccomp <= 2);
  FUZZ_CHECK (p->seccomp_filters >= -1);
  FUZZ_CHECK (p->nnspid >= 0 && p->nnspid <= 64);
  FUZZ_CHECK ((p->nspid != NULL) == (p->nnspid > 0));
  for (int i = 0; i < p->nnspid; i++)
    FUZZ_CHECK (p->nspid[i] > 0);
  iso_model_free (m);
  free (s);
  return 0;
}
