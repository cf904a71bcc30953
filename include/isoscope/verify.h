/* SPDX-License-Identifier: GPL-2.0-or-later */
/* verify.h: check a running process's isolation against an expectation (a run plan or a profile). */
#ifndef ISOSCOPE_VERIFY_H
#define ISOSCOPE_VERIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "isoscope/error.h"
#include "isoscope/model.h"

/* What a process must look like.  Built from a run plan (src/exec: the sandbox's own
   check before exec) or from a profile (`isoscope verify TARGET --profile P`).
   Every field has a "not checked" value, so an expectation says only what it knows. */
struct verify_expect
{
  const char *source; /* for messages: "profile default", "the run plan" (borrowed) */

  bool check_caps;
  uint64_t caps_max; /* every set (effective, permitted, inheritable, ambient, bounding) within this */

  int nnp;          /* 1: NoNewPrivs must be 1; 0: must be 0; -1: not checked */
  int seccomp_mode; /* 2: a filter must be installed; 0: none; -1: not checked */

  /* NS_TYPE_*: 1 must not be the viewer's (isoscope's own) namespace, 0 must be, -1 not checked */
  int new_ns[NS_TYPE_COUNT];

  /* Paths (inside the process's root) that must be masked / read-only in its mount
     namespace; NULL-terminated, borrowed.  NULL: not checked. */
  const char *const *masked;
  const char *const *readonly;

  /* Open fds: when check_fds, only 0-2 and those in allowed_fds may be open.
     fds_cloexec_ok: an fd marked close-on-exec passes too (the check just before exec,
     where the sandbox's own sync pipe is still open and closes at the exec). */
  bool check_fds;
  const int *allowed_fds;
  size_t nallowed_fds;
  bool fds_cloexec_ok;

  /* 1: the process is in a session other than the viewer's; 2: the same, but only when
     it has a terminal open on fd 0, 1 or 2; -1: not checked */
  int new_session;

  /* The working directory must be below the root (a cwd left on a directory outside it, as
     with `--wd /proc/self/fd/N` in CVE-2024-21626, is a way out). */
  bool check_cwd;

  int64_t memory_max, pids_max; /* the limits of its cgroup; -1: not checked */

  /* Resource limits (from /proc/PID/limits): each soft and hard limit at most these
     (UINT64_MAX for unlimited).  Copied in, so that an expectation needs no storage. */
  struct verify_rlimit
  {
    int resource; /* RLIMIT_* */
    uint64_t soft, hard;
  } rlimits[16];
  size_t nrlimits;
};

/* An expectation that checks nothing (every field "not checked"). */
void verify_expect_init (struct verify_expect *e);

/* One check and how it went. */
struct verify_result
{
  const char *check; /* "caps", "nnp", "seccomp", "ns:net", "masked:/proc/kcore", "fds", ... (owned) */
  bool ok;
  char *want, *got; /* as text, for the report (owned) */
};

struct verify_report
{
  struct verify_result *results;
  size_t n;
  size_t failed;
  pid_t pid;          /* the process checked */
  const char *source; /* the expectation's source (borrowed from it) */
};
void verify_report_release (struct verify_report *r);

/* Check process PID (through PIDDIR, an open /proc/PID, pinned by the caller) against E.
   Fills R with one result per checked item.  0 when every check could be made (R->failed
   tells whether they passed); negative with ERR set when the process could not be read. */
int verify_process (int piddir, pid_t pid, const struct verify_expect *e, struct verify_report *r, iso_error_t *err);

/* Print R as text lines ("ok"/"FAIL" CHECK want=... got=...) or as a JSON document
   (src/out/verify_out.c). */
void verify_report_print (FILE *out, const struct verify_report *r, bool json);

/* The failed checks of R as one line ("nnp: want 1, got 0; fds: ..."), for an error
   message.  Caller frees; "" when none failed. */
char *verify_report_failures (const struct verify_report *r);

#endif
