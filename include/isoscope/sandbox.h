/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sandbox.h: the plan of `isoscope run` and the phases, id maps, mounts and limits that carry it out. */
#ifndef ISOSCOPE_SANDBOX_H
#define ISOSCOPE_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "isoscope/enter.h" /* ENTER_EXIT_*: run exits with the same codes */
#include "isoscope/error.h"
#include "isoscope/model.h"

/* One more exit code of run: --timeout expired and the sandbox was killed (as timeout(1)). */
enum
{
  RUN_EXIT_TIMEOUT = 124,
};

/* ---- the plan: filled by option parsing (src/cmd/run.c), only read by the phases ----
   Strings are borrowed from argv unless marked owned; run_plan_release frees the owned parts. */

enum run_mount_kind
{
  RUN_MOUNT_BIND,    /* --bind SRC DST */
  RUN_MOUNT_RO_BIND, /* --ro-bind SRC DST */
  RUN_MOUNT_TMPFS,   /* --tmpfs DST */
  RUN_MOUNT_PROC,    /* --proc DST, --mount-proc */
  RUN_MOUNT_DEV,     /* --dev DST */
};

struct run_mount
{
  enum run_mount_kind kind;
  const char *src; /* BIND, RO_BIND: as the caller sees it */
  const char *dst; /* inside the sandbox's root */
};

enum run_env_kind
{
  RUN_ENV_SET,
  RUN_ENV_UNSET,
  RUN_ENV_CLEAR,
};

struct run_env
{
  enum run_env_kind kind;
  const char *name, *value;
};

/* One line of uid_map or gid_map. */
struct idmap_range
{
  long inner, outer, count;
};

enum run_setgroups
{
  RUN_SETGROUPS_DEFAULT, /* deny when a single id is mapped without privilege, as unshare does */
  RUN_SETGROUPS_ALLOW,
  RUN_SETGROUPS_DENY,
};

struct run_ids
{
  long single_uid, single_gid;                 /* the inner id the caller's euid / egid becomes (-r: 0), or -1 */
  struct idmap_range *uid_ranges, *gid_ranges; /* --map-users, --map-groups (owned arrays) */
  size_t nuid_ranges, ngid_ranges;
  bool auto_uids, auto_gids; /* --map-auto: the caller's block in /etc/subuid, /etc/subgid */
  enum run_setgroups setgroups;
};

struct run_rlimit
{
  int resource;
  rlim_t soft, hard;
};

struct run_limits
{
  int64_t memory, memory_swap, pids;        /* -1: not set */
  uint64_t cpu_quota_usec, cpu_period_usec; /* 0: not set */
  const char *cpuset;                       /* NULL: not set */
  unsigned io_weight;                       /* 1..10000 as cgroup v2's io.weight; 0: not set */
  const char *cgroup_parent;                /* NULL: the caller's own cgroup in each hierarchy */
  struct run_rlimit *rlimits;               /* owned */
  size_t nrlimits;
};

/* ---- hardening: capabilities, seccomp, no_new_privs, session, fds, environment, masks, LSM ---- */

enum run_seccomp
{
  RUN_SECCOMP_DEFAULT,    /* the built-in deny list (src/exec/seccomp.c) */
  RUN_SECCOMP_UNCONFINED, /* no filter */
  RUN_SECCOMP_FILE,       /* a policy file (seccomp_file.c) */
};

enum run_session
{
  RUN_SESSION_TTY,    /* a new session when stdin, stdout or stderr is a terminal */
  RUN_SESSION_ALWAYS, /* always a new session */
  RUN_SESSION_NEVER,  /* the caller's session (and terminal) stay shared */
};

/* The settings a profile bundles; a bit per setting in run_harden.flagged says an
   option given on the command line chose it, so the profile leaves it alone. */
enum run_setting
{
  RUN_SET_CAPS,
  RUN_SET_SECCOMP,
  RUN_SET_NNP,
  RUN_SET_SESSION,
  RUN_SET_ENV,
  RUN_SET_MASKS,
  RUN_SET_NAMESPACES,
  RUN_SET_RLIMITS,
  RUN_SET_COUNT,
};

struct seccomp_policy;

struct run_harden
{
  const char *profile;        /* "strict", "default" or "compat" (static) */
  unsigned flagged;           /* 1 << RUN_SET_*: chosen by an option, not by the profile */
  bool caps_unchanged;        /* leave the capability sets as the command would get them (compat) */
  uint64_t caps_keep;         /* else the capabilities left in all five sets and the bounding set */
  uint64_t cap_add, cap_drop; /* --cap-add, --cap-drop as given (ALL: every bit) */
  enum run_seccomp seccomp;
  const char *seccomp_file;
  struct seccomp_policy *policy; /* loaded by the prepare phase (owned) */
  bool nnp;                      /* PR_SET_NO_NEW_PRIVS before exec */
  enum run_session session;
  bool new_session;      /* resolved by prepare: setsid() in the command */
  bool keep_env;         /* the whole environment reaches the command (--keep-env) */
  const char **env_keep; /* variables kept besides the allowlist (owned array, borrowed strings) */
  size_t nenv_keep;
  int *pass_fds; /* --pass-fd (owned) */
  size_t npass_fds;
  bool masks; /* Docker's masked and read-only paths in each new proc */
  const char *apparmor, *selinux;
  bool explain, explain_json; /* --explain: print the plan, run nothing */
};

struct run_ns
{
  bool want;
  const char *file; /* keep it alive by a bind mount on this file, or NULL */
};

struct run_plan
{
  struct run_ns ns[NS_TYPE_COUNT];
  bool user_implied; /* the user namespace was added because the caller is not privileged */
  int kill_signal;   /* --kill-child / --die-with-parent: sent when isoscope dies; 0 for none */
  bool as_pid1;      /* no init: the command is pid 1 of the new pid namespace */
  const char *mount_proc;
  int propagation;      /* MS_PRIVATE, MS_SLAVE, MS_SHARED or 0 (unchanged) */
  bool propagation_set; /* else private, or slave below a new root */
  struct run_ids ids;
  bool uid_set, gid_set; /* -S, -G */
  long uid, gid;
  bool monotonic_set, boottime_set;
  long long monotonic, boottime; /* seconds */
  const char *hostname;
  const char *root, *wd; /* -R (chroot), -w */
  const char *chdir;     /* --chdir */
  const char *rootfs;    /* --rootfs */
  const char *overlay;   /* --overlay LOWER[:LOWER...] */
  const char *overlay_upper, *overlay_work;
  struct run_mount *mounts; /* in the order given (owned array) */
  size_t nmounts;
  struct run_env *env; /* in the order given (owned array) */
  size_t nenv;
  struct run_limits limits;
  struct run_harden harden;
  double timeout; /* seconds; 0 for none */
  char **argv;    /* the command, or NULL for a shell */
  char **owned;   /* strings the parser made (absolute paths...), freed with the plan */
  size_t nowned;
};

void run_plan_init (struct run_plan *p);
void run_plan_release (struct run_plan *p);

/* Fill in every hardening setting of P that no option chose from the profile NAME
   ("strict", "default", "compat").  An unknown NAME: an error naming it and the known ones. */
int run_profile_apply (struct run_plan *p, const char *name, iso_error_t *err);
/* The profile names, comma separated (for messages). */
const char *run_profile_names (void);

/* The weakenings of P against the default profile, one line each ("no seccomp filter
   (--seccomp unconfined)"); NULL-terminated, owned by the caller (free each and the array). */
char **run_profile_weakenings (const struct run_plan *p);

/* Where setting S of P came from: FLAG when an option chose it, else "profile NAME" (owned). */
char *run_profile_origin (const struct run_plan *p, enum run_setting s, const char *flag);

struct verify_expect;
/* The expectation a resolved plan implies for the command just before its exec: capability
   ceiling, NoNewPrivs, seccomp mode, new namespaces, masked and read-only paths, open fds
   (0-2, --pass-fd and the channel fds of isoscope, which close at exec), a new session
   and the cgroup limits.  E borrows from P. */
void sandbox_expect (const struct run_plan *p, struct verify_expect *e);

/* Docker's masked (made unreadable) and read-only paths, NULL-terminated. */
extern const char *const sandbox_masked_paths[];
extern const char *const sandbox_readonly_paths[];

/* True when the plan builds a new root (--rootfs or --overlay). */
bool run_plan_new_root (const struct run_plan *p);

/* ---- phases (src/exec/sandbox.c) ---- */

/* Which process runs a phase: isoscope itself, the first process in the new
   namespaces (pid 1 and init when there is a new pid namespace), or the process
   that becomes the command (the same as the child without an init). */
enum sandbox_role
{
  SANDBOX_PARENT,
  SANDBOX_CHILD,
  SANDBOX_COMMAND,
};

struct sandbox;
struct sandbox_phase
{
  const char *name;
  enum sandbox_role role;
  const char *what;                           /* one line for --help and a later --explain */
  bool (*applies) (const struct run_plan *p); /* NULL: always */
  int (*run) (struct sandbox *sb, iso_error_t *err);
  bool finally; /* runs after an earlier phase failed, too */
};

/* The phases in the order they happen; each process runs those of its role. */
extern const struct sandbox_phase sandbox_phases[];
extern const size_t sandbox_nphases;

const char *sandbox_role_name (enum sandbox_role r);

/* What the host adds to P: a user namespace when the caller lacks CAP_SYS_ADMIN but
   wants other namespaces, and whether the command gets a new session.  True when the
   caller has CAP_SYS_ADMIN; *CAN_MAP when it may write any id map (CAP_SETUID, CAP_SETGID). */
bool sandbox_resolve (struct run_plan *p, bool *can_map);

/* --explain: every step of P in execution order with its details, and where each
   hardening setting came from and why; as text or as a JSON document. */
int run_explain (FILE *out, struct run_plan *p, bool json, iso_error_t *err);

/* How the sandbox ended. */
struct run_result
{
  int exit_code;   /* the command's status, or ENTER_EXIT_SETUP/_NOEXEC/_NOTFOUND after a failure */
  int term_signal; /* the command died of this signal (exit_code is then 128 + it) */
  bool timed_out;  /* killed at --timeout (exit_code is RUN_EXIT_TIMEOUT) */
};

/* Carry out the plan.  0 once the command ran (RES says how it ended), or a negative
   value with ERR set ("PHASE: reason") and RES->exit_code the code to exit with.
   Everything made is undone on failure; only the --TYPE=FILE mounts outlive a
   sandbox that ran. */
int sandbox_run (struct run_plan *p, struct run_result *res, iso_error_t *err);

/* ---- capabilities (src/exec/caps.c) ---- */

/* The bit --cap-add ALL and --cap-drop ALL set in their masks (no capability has it). */
#define CAPS_ALL (1ULL << 63)

/* "CAP_NET_RAW,sys_admin" or "ALL" (any case) into a mask.  0, or -EINVAL with *BAD
   the first name that is not a capability (owned). */
int caps_parse_list (const char *text, uint64_t *mask, char **bad);
/* BASE with --cap-add ADD and --cap-drop DROP applied: ALL in ADD keeps all but the
   named drops, ALL in DROP keeps only the adds, else (BASE - DROP) + ADD. */
uint64_t caps_resolve (uint64_t base, uint64_t add, uint64_t drop);
/* "none", "ALL" or "cap_chown,cap_kill" (owned). */
char *caps_text (uint64_t mask);
/* Command, before the credentials change: every capability not in KEEP leaves the bounding set. */
int caps_drop_bounding (uint64_t keep, iso_error_t *err);
/* Command, after them: KEEP becomes the effective, permitted, inheritable and ambient sets.
   A capability of NAMED that the process lacks is an error; others of KEEP it lacks are
   left out (ALL means all it has). */
int caps_apply (uint64_t keep, uint64_t named, iso_error_t *err);

/* ---- seccomp (src/exec/seccomp.c, policy files in seccomp_file.c) ---- */

enum seccomp_policy_action
{
  SECCOMP_POLICY_ALLOW,
  SECCOMP_POLICY_ERRNO, /* fail with errno_ret */
  SECCOMP_POLICY_KILL,  /* kill the process */
  SECCOMP_POLICY_LOG,   /* allow and log */
};

enum seccomp_policy_op
{
  SECCOMP_POLICY_EQ,
  SECCOMP_POLICY_NE,
  SECCOMP_POLICY_LT,
  SECCOMP_POLICY_LE,
  SECCOMP_POLICY_GT,
  SECCOMP_POLICY_GE,
  SECCOMP_POLICY_MASKED_EQ, /* (arg & mask) == value */
};

struct seccomp_policy_cmp
{
  unsigned arg; /* 0..5 */
  enum seccomp_policy_op op;
  uint64_t mask, value;
};

/* One rule: SYSCALL gets ACTION when every comparison holds (rules of one syscall are alternatives). */
struct seccomp_policy_rule
{
  char *syscall; /* owned */
  enum seccomp_policy_action action;
  int errno_ret;
  unsigned ncmp;
  struct seccomp_policy_cmp cmp[6];
  const char *why; /* the built-in rules say why (static); NULL from a file */
};

struct seccomp_policy
{
  char *source; /* "default" or the file name (owned) */
  enum seccomp_policy_action def_action;
  int def_errno;
  struct seccomp_policy_rule *rules; /* owned */
  size_t nrules;
};

/* The built-in policy (a deny list), as a new policy. */
struct seccomp_policy *seccomp_policy_default (void);
void seccomp_policy_free (struct seccomp_policy *pol);
/* Append the built-in rules to POL. */
void seccomp_policy_add_default (struct seccomp_policy *pol);
/* Parse the text of a policy file (NAME for messages).  0 and *OUT, or negative with ERR
   naming the line. */
int seccomp_policy_parse (const char *text, const char *name, struct seccomp_policy **out, iso_error_t *err);
/* The first call isoscope itself makes after installing the filter (sendto, recvfrom,
   execve, exit_group; when installed EARLY, before the capabilities go, also capset,
   prctl, setsid, close_range, fcntl, rt_sigprocmask, capget) that POL refuses whatever
   the arguments, or NULL. */
const char *seccomp_policy_blocks_needed (const struct seccomp_policy *pol, bool early);
/* Read and parse FILE; a policy that blocks a call isoscope needs is refused too. */
int seccomp_policy_load (const char *file, struct seccomp_policy **out, iso_error_t *err);
/* ACTION as policy-file text: "allow", "kill", "log", "errno EPERM" (static or in BUF). */
const char *seccomp_policy_action_text (enum seccomp_policy_action a, int errno_ret, char *buf, size_t size);
/* One rule as a policy-file line (owned). */
char *seccomp_policy_rule_text (const struct seccomp_policy_rule *r);
struct sock_fprog;
/* POL as a classic BPF program (OUT->filter owned by the caller). */
int seccomp_policy_compile (const struct seccomp_policy *pol, struct sock_fprog *out, iso_error_t *err);
/* Command: load POL as a seccomp filter (for the native architecture and its 32-bit ones). */
int seccomp_policy_install (const struct seccomp_policy *pol, iso_error_t *err);

/* ---- why namespaces could not be made (src/exec/nserr.c) ---- */

/* ERR explains the errno E of a clone or unshare that asked for the types in WANT,
   by a caller with or without CAP_SYS_ADMIN (PRIVILEGED).  Returns negative. */
int nserr_clone (int e, const bool want[NS_TYPE_COUNT], bool privileged, iso_error_t *err);

/* ---- id maps (src/exec/idmap.c) ---- */

/* What the idmap phase writes for the child. */
struct idmap_plan
{
  char *uid_map, *gid_map;      /* "inner outer count\n" lines, or NULL (owned) */
  bool uid_helper, gid_helper;  /* written by newuidmap / newgidmap */
  enum run_setgroups setgroups; /* DEFAULT: leave /proc/PID/setgroups alone */
};

/* "INNER:OUTER:COUNT" into R.  0, or -EINVAL. */
int idmap_parse_range (const char *text, struct idmap_range *r);
/* A user or group given as a number or a name.  0, or -ENOENT / -EINVAL. */
int idmap_parse_user (const char *text, long *uid);
int idmap_parse_group (const char *text, long *gid);

/* Work out the maps of P for a caller with (PRIVILEGED) or without CAP_SETUID/CAP_SETGID. */
int idmap_prepare (const struct run_plan *p, bool privileged, struct idmap_plan *m, iso_error_t *err);
void idmap_plan_release (struct idmap_plan *m);
/* Write uid_map, then setgroups, then gid_map of PID, as the kernel requires. */
int idmap_write (pid_t pid, const struct idmap_plan *m, iso_error_t *err);

/* ---- mounts (src/exec/mounts.c) ---- */

/* Parent, before anything is made: the root filesystem, the layers, the sources of
   binds and the command (ARGV0, looked up in the new root) exist. */
int mounts_prepare (const struct run_plan *p, const char *argv0, iso_error_t *err);

/* Parent: FILE may hold a namespace (it is not on a shared mount); it is created when
   missing and *CREATED says so. */
int mounts_persist_check (const char *file, bool *created, iso_error_t *err);
/* Parent: bind /proc/PID/ns/LINK (the namespace of TYPE) on FILE. */
int mounts_persist (pid_t pid, enum ns_type type, const char *link, const char *file, iso_error_t *err);

/* Child, inside the new mount namespace: propagation, the new root, every mount
   of the plan, pivot_root and the old root detached. */
int mounts_setup (const struct run_plan *p, bool own_pidns, iso_error_t *err);

/* ---- limits (src/exec/limits.c) ---- */

/* "512M", "1.5G", "4096": bytes (K, M, G, T are powers of 1024).  0, or -EINVAL / -ERANGE. */
int limits_parse_size (const char *text, int64_t *out);
/* "0.5": a share of one CPU as a cgroup quota.  0, or -EINVAL. */
int limits_parse_cpus (const char *text, struct run_limits *l);
/* "nofile=1024:4096", "as=1G", "core=0", "cpu=unlimited".  0, or -EINVAL. */
int limits_parse_rlimit (const char *text, struct run_rlimit *out);
/* The --rlimit name of RESOURCE ("nofile"), or "?". */
const char *limits_rlimit_name (int resource);
/* The names --rlimit knows, comma separated (for messages and --help). */
const char *limits_rlimit_names (void);

/* True when any limit needs a cgroup. */
bool limits_want_cgroup (const struct run_limits *l);

/* The sandbox's cgroups: one directory per hierarchy that carries a limit, and
   one in cgroup v2 (also on a hybrid host, to track and kill the sandbox). */
struct limits_dir
{
  char *path;       /* the directory (owned) */
  const char *ctrl; /* "memory", "cpu", ... or "" for the v2 directory */
  bool v2;
  bool created; /* made by us: removed at the end */
};

struct limits_cgroup
{
  char *name; /* isoscope-run.PID (owned) */
  struct limits_dir *dirs;
  size_t ndirs;
  int v2fd; /* the v2 directory, for CLONE_INTO_CGROUP; -1 when none */
};

void limits_cgroup_init (struct limits_cgroup *cg);
/* Create the cgroups and write the limits.  On failure nothing is left. */
int limits_cgroup_create (struct limits_cgroup *cg, const struct run_limits *l, iso_error_t *err);
/* Move PID into every directory (the v2 one too unless INTO_DONE: clone3 put it there). */
int limits_cgroup_attach (struct limits_cgroup *cg, pid_t pid, bool into_done, iso_error_t *err);
/* SIGKILL everything in the cgroups (cgroup.kill where there is one). */
void limits_cgroup_kill (struct limits_cgroup *cg);
/* Remove the directories (after the processes are gone); frees CG's contents. */
int limits_cgroup_remove (struct limits_cgroup *cg, iso_error_t *err);

/* Command: setrlimit every --rlimit. */
int limits_apply_rlimits (const struct run_limits *l, iso_error_t *err);

#endif
