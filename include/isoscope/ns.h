/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ns.h: the namespace type table, nsfs helpers and the namespace collector. */
#ifndef ISOSCOPE_NS_H
#define ISOSCOPE_NS_H

#include "isoscope/error.h"
#include "isoscope/model.h"

struct ns_type_info
{
  enum ns_type type;
  const char *name;         /* lsns spelling: "mnt", "net", ... */
  const char *link;         /* entry under /proc/PID/ns */
  const char *for_children; /* pid_for_children / time_for_children, or NULL */
  int clone_flag;           /* CLONE_NEW* */
  bool hierarchical;        /* has NS_GET_PARENT (pid, user) */
  char opt;                 /* nsenter's and unshare's short option: m n p u i U C T */
};

extern const struct ns_type_info ns_types[NS_TYPE_COUNT];

/* Look a type up by its name ("net") or its long name ("network", "mount"...).  -1 if unknown. */
int ns_type_from_name (const char *name);
const char *ns_type_name (enum ns_type t);
/* The type whose nsenter/unshare short option is C ('n' is net), or -1. */
int ns_type_from_option (int c);
/* Map a CLONE_NEW* flag (as NS_GET_NSTYPE returns) to a type; -1 if unknown. */
int ns_type_from_clone_flag (int flag);

/* Parse nsfs link text "net:[4026531840]".  0 on success, -EINVAL otherwise.
   The type name is matched against the table, so "socket:[12]" is -EINVAL. */
int ns_parse_link (const char *text, enum ns_type *type, uint64_t *ino);

/* Collection steps, called by iso_model_collect in this order. */
struct ns_scan_ctx;
int ns_collect_mounts (struct iso_model *m, int procfd, iso_error_t *err);
void ns_collect_relations (struct iso_model *m, int procfd, bool netnsid);
/* Recognise the fds that reached a namespace through a bind-mount path (after
   ns_collect_mounts); frees the candidate list. */
void ns_resolve_fd_paths (struct iso_model *m, int procfd);

/* Bind mounts: the nsfs rows of one mount namespace's mountinfo TEXT (LEN bytes), as
   holders of the namespaces they name, seen through VIA (a process in that mount
   namespace; VIA->ns[NS_MNT] must be set).  Exposed for the fuzz target only. */
void ns_scan_mountinfo (struct iso_model *m, const char *text, size_t len, struct iso_proc *via);

/* Read the 64-bit id, parent, owner and owner uid of an open nsfs fd into NS. */
void ns_read_relations_fd (struct iso_ns *ns, int fd);

/* The chain of user namespaces that own the namespace open at NSFD, innermost
   first, e.g. "user:[4026532246] (created by uid 1000) <- user:[4026531837] (the
   initial user namespace)"; NULL when unknown.  Caller frees. */
char *ns_owner_chain (int nsfd);

/* NETNSID of the net namespace open at FD, as seen from the caller's netns. */
int ns_get_netnsid (int nlfd, int fd);

#endif
