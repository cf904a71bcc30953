/* SPDX-License-Identifier: GPL-2.0-or-later */
/* security.h: per-process security context (capabilities decoded, LSM label, id maps, root) and per-mount-namespace
 * filesystem view. */
#ifndef ISOSCOPE_SECURITY_H
#define ISOSCOPE_SECURITY_H

#include <stdbool.h>
#include <stdint.h>

#include "isoscope/model.h"

/* What the security collector adds to a process. */
struct iso_sec
{
  char lsm[16];  /* "apparmor", "selinux", "smack", or "" when none answers */
  char *label;   /* the LSM label, or NULL */
  char *uid_map; /* /proc/PID/uid_map text (owned) */
  char *gid_map;
  int setgroups_deny; /* 1 deny, 0 allow, -1 unknown */
  char *root;         /* readlink /proc/PID/root */
  char *cwd;
  char *exe;
  char *exe_caps;  /* file capabilities of the executable as text, or NULL */
  bool chrooted;   /* its root is not the root of its mount namespace */
  unsigned denied; /* bit per item that could not be read (SEC_DENIED_*) */
};
enum
{
  SEC_DENIED_MAPS = 1 << 0,
  SEC_DENIED_ROOT = 1 << 1,
  SEC_DENIED_EXE = 1 << 2,
  SEC_DENIED_LABEL = 1 << 3,
};

/* The filesystem view of a mount namespace, read once from one of its processes. */
struct iso_mntview
{
  char *root_fstype, *root_source, *root_options; /* the mount at "/" */
  char *overlay_lower, *overlay_upper;            /* from an overlay root's options */
  char **masked; /* paths under /proc and /sys hidden by a bind of /dev/null or an empty tmpfs */
  size_t nmasked;
  char **readonly; /* paths under /proc and /sys mounted read-only */
  size_t nreadonly;
  char **sockets; /* container runtime sockets reachable inside (docker.sock, containerd.sock...) */
  size_t nsockets;
  bool cgroupfs_writable; /* a cgroup filesystem is mounted read-write */
  bool proc_ro;           /* /proc itself is read-only */
  int nmounts;
};

/* Fill P->sec from PIDDIR (an open /proc/PID). */
void sec_collect_proc (int piddir, struct iso_proc *p);
void sec_free (struct iso_sec *s);
/* Fill the view of P's mount namespace from P's mountinfo, unless it has one. */
void sec_collect_mntview (int piddir, struct iso_proc *p);

/* Parse a mountinfo text into a view.  0 or -EINVAL. */
int sec_parse_mntview (const char *text, struct iso_mntview *v);
void sec_mntview_free (struct iso_mntview *v);
/* Is a mount on TARGET (of FSTYPE, bound from ROOT inside its filesystem) a mask that hides
   what was there: /dev/null bound over a file, or an empty read-only tmpfs over a directory? */
bool sec_mount_is_mask (const char *target, const char *fstype, const char *root, bool ro);

/* Capability sets as names: "cap_chown,cap_net_raw" (libcap's spelling; a
   capability libcap does not know is "cap_N").  "" for none.  Caller frees. */
char *sec_caps_text (uint64_t set);
/* How many capabilities the running kernel knows (CapBnd of a root process). */
int sec_cap_count (uint64_t set);
/* Docker's default capability set (14 capabilities). */
uint64_t sec_docker_default_caps (void);
/* The mask of every capability the kernel knows (from /proc/sys/kernel/cap_last_cap). */
uint64_t sec_all_caps (void);
/* The same for the kernel of a --sysroot tree (NULL or "": the live one). */
uint64_t sec_all_caps_at (const char *sysroot);

/* Map an id through a uid_map/gid_map text: OUTSIDE (as the reader sees it) to the id
   inside the namespace.  0, or -ERANGE when the map does not cover it. */
int sec_idmap_to_inside (const char *map, long outside, long *inside);

/* Is this runtime socket path one a container should not see? */
bool sec_is_runtime_socket (const char *path);

#endif
