/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sandbox-int.h: the state the phases of `isoscope run` share (src/exec only), and the phases outside sandbox.c. */
#ifndef ISOSCOPE_SANDBOX_INT_H
#define ISOSCOPE_SANDBOX_INT_H

#include <signal.h>
#include <time.h>

#include "isoscope/sandbox.h"

/* A record from the child (or the command, or init) to isoscope.  One write each,
   smaller than PIPE_BUF, so records never interleave. */
struct sandbox_msg
{
  char type; /* 'R' namespaces made, 'E' a phase failed, 'S' the command's wait status */
  int code;  /* E: the exit code; S: the wait status */
  char phase[24];
  char text[2000];
};

struct sandbox
{
  struct run_plan *p;
  enum sandbox_role role;
  const char *phase; /* the one running */
  size_t at;         /* its index in sandbox_phases */
  int fail_code;     /* the exit code a failing phase asks for (125 unless set) */
  bool privileged;   /* CAP_SYS_ADMIN here */
  uint64_t clone_flags, late_flags;
  char **argv;
  char *shell_argv[2];
  char *cwd; /* the caller's, tried again below a new root (owned) */
  struct idmap_plan idmap;
  struct limits_cgroup cg;
  bool have_cg, cloned_into, subreaper;
  pid_t child, command;
  int to_child[2], from_child[2], sigfd;
  int verify_sock[2]; /* [0] isoscope's end, [1] the command's: the check before exec */
  const char *drift;  /* ISOSCOPE_TEST_DRIFT in a test build (harden.c), else NULL */
  sigset_t blocked, oldmask;
  bool persisted[NS_TYPE_COUNT], created[NS_TYPE_COUNT];
  uint64_t mntns_id; /* isoscope's mount namespace id (NS_GET_MNTNS_ID), 0 if unknown */
  struct timespec deadline;
  /* the outcome */
  bool child_done, have_status, failed;
  int child_status, cmd_status;
  struct sandbox_msg failure;
  struct run_result *res;
};

/* Messages between the processes (sandbox.c). */
void sandbox_send (struct sandbox *sb, char type, int code, const char *text);
int sandbox_read_msg (struct sandbox *sb, struct sandbox_msg *m);
void sandbox_take_msg (struct sandbox *sb, const struct sandbox_msg *m);
/* Parent: kill everything of the sandbox. */
void sandbox_kill (struct sandbox *sb);

/* The command's phases (command.c). */
bool command_want_rlimits (const struct run_plan *p);
bool command_want_credentials (const struct run_plan *p);
int command_chdir (struct sandbox *sb, iso_error_t *err);
int command_rlimits (struct sandbox *sb, iso_error_t *err);
int command_credentials (struct sandbox *sb, iso_error_t *err);
int command_env (struct sandbox *sb, iso_error_t *err);
int command_exec (struct sandbox *sb, iso_error_t *err);

/* Hardening (harden.c). */
void harden_resolve (struct run_plan *p); /* whether a new session is needed */
int harden_prepare (struct sandbox *sb, iso_error_t *err);
bool harden_want_lsm (const struct run_plan *p);
bool harden_want_seccomp_early (const struct run_plan *p);
bool harden_want_seccomp_late (const struct run_plan *p);
bool harden_want_caps (const struct run_plan *p);
bool harden_want_nnp (const struct run_plan *p);
bool harden_want_session (const struct run_plan *p);
bool harden_want_env (const struct run_plan *p);
int harden_lsm (struct sandbox *sb, iso_error_t *err);
int harden_seccomp (struct sandbox *sb, iso_error_t *err);
int harden_bounding (struct sandbox *sb, iso_error_t *err);
int harden_caps (struct sandbox *sb, iso_error_t *err);
int harden_nnp (struct sandbox *sb, iso_error_t *err);
int harden_session (struct sandbox *sb, iso_error_t *err);
int harden_fds (struct sandbox *sb, iso_error_t *err);
/* Close every descriptor above stdio but --pass-fd and isoscope's channels (the child's
   pipe too with CHILD): the child does so at once, so that its init holds none of the caller's. */
void harden_close_inherited (struct sandbox *sb, bool child);
int harden_verify_ask (struct sandbox *sb, iso_error_t *err);
int harden_verify (struct sandbox *sb, iso_error_t *err);
/* Command: the environment cut down to the allowlist (unless --keep-env). */
int harden_env_reduce (const struct run_plan *p, iso_error_t *err);

#endif
