// SPDX-License-Identifier: GPL-2.0-or-later
/* ns.c: namespace type table, nsfs link parsing, bind-mount discovery and relations. */
#define _GNU_SOURCE
#include "isoscope/ns.h"
#include "isoscope/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
#include <linux/net_namespace.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

/* nsfs ioctls (linux/nsfs.h); defined here so older headers build. */
#define ISO_NSIO 0xb7
#define ISO_NS_GET_USERNS _IO (ISO_NSIO, 0x1)
#define ISO_NS_GET_PARENT _IO (ISO_NSIO, 0x2)
#define ISO_NS_GET_NSTYPE _IO (ISO_NSIO, 0x3)
#define ISO_NS_GET_OWNER_UID _IO (ISO_NSIO, 0x4)
#define ISO_NS_GET_ID _IOR (ISO_NSIO, 13, uint64_t)

/* Fixed inode numbers of the initial namespaces (include/uapi/linux/nsfs.h). */
#define ISO_USER_NS_INIT_INO 0xEFFFFFFDU
#define ISO_PID_NS_INIT_INO 0xEFFFFFFCU

const struct ns_type_info ns_types[NS_TYPE_COUNT] = {
  [NS_MNT] = { NS_MNT, "mnt", "mnt", NULL, CLONE_NEWNS, false, 'm' },
  [NS_NET] = { NS_NET, "net", "net", NULL, CLONE_NEWNET, false, 'n' },
  [NS_PID] = { NS_PID, "pid", "pid", "pid_for_children", CLONE_NEWPID, true, 'p' },
  [NS_UTS] = { NS_UTS, "uts", "uts", NULL, CLONE_NEWUTS, false, 'u' },
  [NS_IPC] = { NS_IPC, "ipc", "ipc", NULL, CLONE_NEWIPC, false, 'i' },
  [NS_USER] = { NS_USER, "user", "user", NULL, CLONE_NEWUSER, true, 'U' },
  [NS_CGROUP] = { NS_CGROUP, "cgroup", "cgroup", NULL, CLONE_NEWCGROUP, false, 'C' },
  [NS_TIME] = { NS_TIME, "time", "time", "time_for_children", CLONE_NEWTIME, false, 'T' },
};

static const struct
{
  const char *alias;
  enum ns_type type;
} ns_aliases[] = {
  { "mount", NS_MNT }, { "network", NS_NET }, { "mnt", NS_MNT },   { "net", NS_NET },       { "pid", NS_PID },
  { "uts", NS_UTS },   { "ipc", NS_IPC },     { "user", NS_USER }, { "cgroup", NS_CGROUP }, { "time", NS_TIME },
};

int
ns_type_from_name (const char *name)
{
  for (size_t i = 0; i < ARRAY_SIZE (ns_aliases); i++)
    if (strcmp (name, ns_aliases[i].alias) == 0)
      return (int)ns_aliases[i].type;
  return -1;
}

const char *
ns_type_name (enum ns_type t)
{
  return (unsigned)t < NS_TYPE_COUNT ? ns_types[t].name : "?";
}

int
ns_type_from_option (int c)
{
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    if (ns_types[t].opt == c)
      return t;
  return -1;
}

int
ns_type_from_clone_flag (int flag)
{
  for (int t = 0; t < NS_TYPE_COUNT; t++)
    if (ns_types[t].clone_flag == flag)
      return t;
  return -1;
}

int
ns_parse_link (const char *text, enum ns_type *type, uint64_t *ino)
{
  const char *colon = strchr (text, ':');
  if (!colon || colon[1] != '[')
    return -EINVAL;
  size_t len = (size_t)(colon - text);
  int t = -1;
  for (int i = 0; i < NS_TYPE_COUNT; i++)
    if (strlen (ns_types[i].link) == len && memcmp (text, ns_types[i].link, len) == 0)
      t = i;
  if (t < 0)
    return -EINVAL;
  const char *num = colon + 2;
  const char *close = strchr (num, ']');
  if (!close || close[1] != '\0' || close == num || close - num > 20)
    return -EINVAL;
  char digits[24];
  memcpy (digits, num, (size_t)(close - num));
  digits[close - num] = '\0';
  uint64_t v;
  if (util_parse_u64 (digits, &v) < 0 || v == 0)
    return -EINVAL;
  *type = (enum ns_type)t;
  *ino = v;
  return 0;
}

void
ns_scan_mountinfo (struct iso_model *m, const char *text, size_t len, struct iso_proc *via)
{
  FILE *f = fmemopen ((void *)text, len, "r");
  if (!f)
    return;
  struct libmnt_table *tb = mnt_new_table ();
  if (!tb || mnt_table_parse_stream (tb, f, "mountinfo") < 0)
    {
      mnt_unref_table (tb);
      fclose (f);
      return;
    }
  fclose (f);
  struct libmnt_iter *it = mnt_new_iter (MNT_ITER_FORWARD);
  struct libmnt_fs *fs;
  while (it && mnt_table_next_fs (tb, it, &fs) == 0)
    {
      if (!mnt_fs_match_fstype (fs, "nsfs"))
        continue;
      const char *root = mnt_fs_get_root (fs), *target = mnt_fs_get_target (fs);
      enum ns_type t;
      uint64_t ino;
      if (!root || !target)
        continue;
      if (root[0] == '/')
        root++;
      if (ns_parse_link (root, &t, &ino) < 0)
        continue;
      struct iso_ns *ns = iso_model_get_ns (m, t, ino, NULL);
      struct ns_holder *h = iso_ns_add_holder (ns, HOLDER_BIND);
      h->pid = via->pid;
      h->mntns = via->ns[NS_MNT]->ino;
      h->path = xstrdup (target);
      if (!ns->open_path)
        ns->open_path = xasprintf ("%d/root%s", (int)via->pid, target);
    }
  mnt_free_iter (it);
  mnt_unref_table (tb);
}

int
ns_collect_mounts (struct iso_model *m, int procfd, iso_error_t *err)
{
  (void)err;
  size_t n = m->nns;
  for (size_t i = 0; i < n; i++)
    {
      struct iso_ns *mnt = m->ns[i];
      if (mnt->type != NS_MNT)
        continue;
      /* Any process in this mount namespace can show its mount table; try them in turn. */
      bool done = false;
      for (size_t j = 0; j < m->nprocs && !done; j++)
        {
          struct iso_proc *p = m->procs[j];
          if (p->ns[NS_MNT] != mnt || p->state == 'Z')
            continue;
          char path[48];
          snprintf (path, sizeof path, "%d/mountinfo", (int)p->pid);
          char *text;
          long len = util_read_file_at (procfd, path, &text);
          if (len < 0)
            continue;
          done = true;
          if (memmem (text, (size_t)len, " - nsfs ", 8))
            ns_scan_mountinfo (m, text, (size_t)len, p);
          free (text);
        }
      if (!done && mnt->nprocs > 0)
        m->scan.nmntns_unreached++;
    }
  return 0;
}

/* Is PATH among the sorted strings of SET? */
static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

void
ns_resolve_fd_paths (struct iso_model *m, int procfd)
{
  if (!m->nfdpaths || !m->nsfs_dev)
    {
      iso_model_drop_fdpaths (m);
      return;
    }
  /* The candidates: every bind-mount path seen in any mount namespace, and "/". */
  size_t nset = 0, cap = 8;
  const char **set = xcalloc (cap, sizeof *set);
  set[nset++] = "/";
  for (size_t i = 0; i < m->nns; i++)
    for (size_t k = 0; k < m->ns[i]->nholders; k++)
      if (m->ns[i]->holders[k].kind == HOLDER_BIND)
        {
          if (nset == cap)
            set = xreallocarray (set, cap *= 2, sizeof *set);
          set[nset++] = m->ns[i]->holders[k].path;
        }
  qsort (set, nset, sizeof *set, cmp_str);
  for (size_t i = 0; i < m->nfdpaths; i++)
    {
      const struct iso_fdpath *f = &m->fdpaths[i];
      if (!bsearch (&f->path, set, nset, sizeof *set, cmp_str))
        continue;
      char rel[48];
      snprintf (rel, sizeof rel, "%d/fd/%d", (int)f->pid, f->fd);
      struct stat st;
      if (fstatat (procfd, rel, &st, 0) < 0 || st.st_dev != m->nsfs_dev)
        continue;
      struct iso_ns *ns = iso_model_find_ns (m, (uint64_t)st.st_ino);
      if (!ns)
        {
          /* Held by nothing else we saw: ask the file which type it is. */
          int fd = openat (procfd, rel, O_RDONLY | O_CLOEXEC);
          int t = fd >= 0 ? ns_type_from_clone_flag (ioctl (fd, ISO_NS_GET_NSTYPE)) : -1;
          if (fd >= 0)
            close (fd);
          if (t < 0)
            continue;
          ns = iso_model_get_ns (m, (enum ns_type)t, (uint64_t)st.st_ino, NULL);
        }
      struct ns_holder *h = iso_ns_add_holder (ns, HOLDER_FD);
      h->pid = f->pid;
      h->num = f->fd;
      if (!ns->open_path)
        ns->open_path = xstrdup (rel);
    }
  free (set);
  iso_model_drop_fdpaths (m);
}

void
ns_read_relations_fd (struct iso_ns *ns, int fd)
{
  uint64_t id;
  ns->relations_read = true;
  if (ioctl (fd, ISO_NS_GET_ID, &id) == 0)
    ns->nsid = id;
  if (ns->type == NS_USER)
    {
      uid_t uid;
      if (ioctl (fd, ISO_NS_GET_OWNER_UID, &uid) == 0)
        ns->owner_uid = (long)uid;
    }
}

static uint64_t
fd_ino (int fd)
{
  struct stat st;
  return fstat (fd, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

static void relate (struct iso_model *m, struct iso_ns *ns, int fd, int nlfd, int depth);

/* Follow one relation ioctl from FD; record and climb into a namespace not seen before. */
static uint64_t
follow (struct iso_model *m, struct iso_ns *ns, int fd, unsigned long req, enum ns_type want, int nlfd, int depth,
        int *err)
{
  int rfd = ioctl (fd, req);
  if (rfd < 0)
    {
      *err = errno;
      return 0;
    }
  *err = 0;
  uint64_t ino = fd_ino (rfd);
  if (ino)
    {
      bool created, seen = false;
      struct iso_ns *rel = iso_model_get_ns (m, want, ino, &created);
      /* A user namespace's owner is also its parent: one holder for the pair. */
      for (size_t i = rel->nholders; i-- > 0 && !seen;)
        seen = rel->holders[i].kind == HOLDER_CHILD && rel->holders[i].child == ns->ino;
      if (!seen)
        iso_ns_add_holder (rel, HOLDER_CHILD)->child = ns->ino;
      if (created && depth < 64)
        relate (m, rel, rfd, nlfd, depth + 1);
    }
  close (rfd);
  return ino;
}

static void
relate (struct iso_model *m, struct iso_ns *ns, int fd, int nlfd, int depth)
{
  int e;
  ns_read_relations_fd (ns, fd);
  if (ns->type == NS_NET && nlfd >= 0)
    ns->netnsid = ns_get_netnsid (nlfd, fd);
  ns->owner_ino = follow (m, ns, fd, ISO_NS_GET_USERNS, NS_USER, nlfd, depth, &e);
  if (ns_types[ns->type].hierarchical)
    {
      ns->parent_ino = follow (m, ns, fd, ISO_NS_GET_PARENT, ns->type, nlfd, depth, &e);
      /* EPERM means "no parent" for the initial namespace and "no access" otherwise. */
      uint64_t init = ns->type == NS_PID ? ISO_PID_NS_INIT_INO : ISO_USER_NS_INIT_INO;
      if (!ns->parent_ino && e == EPERM && ns->ino != init)
        ns->parent_unknown = true;
    }
}

void
ns_collect_relations (struct iso_model *m, int procfd, bool netnsid)
{
  int nlfd = -1;
  if (netnsid)
    nlfd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  /* relate() appends ancestors to m->ns; they are handled there, so stop at the current end. */
  for (size_t i = 0; i < m->nns; i++)
    {
      struct iso_ns *ns = m->ns[i];
      if (ns->relations_read)
        continue;
      if (!ns->open_path)
        continue;
      int fd = openat (procfd, ns->open_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
      if (fd < 0)
        {
          ns->open_errno = errno;
          continue;
        }
      /* The path may now lead elsewhere (pid reuse, changed mount): check the inode. */
      if (fd_ino (fd) == ns->ino)
        relate (m, ns, fd, nlfd, 0);
      else
        ns->open_errno = ESTALE;
      close (fd);
    }
  if (nlfd >= 0)
    close (nlfd);
}

int
ns_get_netnsid (int nlfd, int fd)
{
  struct
  {
    struct nlmsghdr nh;
    struct rtgenmsg g;
    struct nlattr a __attribute__ ((aligned (NLA_ALIGNTO))); /* attributes start 4-byte aligned */
    uint32_t fd;
  } req;
  memset (&req, 0, sizeof req);
  req.nh.nlmsg_len = sizeof req;
  req.nh.nlmsg_type = RTM_GETNSID;
  req.nh.nlmsg_flags = NLM_F_REQUEST;
  req.nh.nlmsg_seq = 1;
  req.g.rtgen_family = AF_UNSPEC;
  req.a.nla_len = NLA_HDRLEN + sizeof (uint32_t);
  req.a.nla_type = NETNSA_FD;
  req.fd = (uint32_t)fd;
  if (send (nlfd, &req, sizeof req, 0) < 0)
    return NETNSID_UNKNOWN;
  char buf[1024] __attribute__ ((aligned (NLMSG_ALIGNTO)));
  ssize_t n = recv (nlfd, buf, sizeof buf, 0);
  if (n < (ssize_t)NLMSG_HDRLEN)
    return NETNSID_UNKNOWN;
  struct nlmsghdr *nh = (void *)buf;
  if (!NLMSG_OK (nh, (size_t)n) || nh->nlmsg_type != RTM_NEWNSID)
    return NETNSID_UNKNOWN;
  struct rtgenmsg *g = NLMSG_DATA (nh);
  struct nlattr *a = (void *)((char *)g + NLMSG_ALIGN (sizeof *g));
  size_t left = nh->nlmsg_len - NLMSG_LENGTH (NLMSG_ALIGN (sizeof *g));
  while (left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= left)
    {
      if (a->nla_type == NETNSA_NSID && a->nla_len >= NLA_HDRLEN + sizeof (int32_t))
        {
          int32_t id;
          memcpy (&id, (char *)a + NLA_HDRLEN, sizeof id);
          return id;
        }
      size_t step = NLA_ALIGN (a->nla_len);
      if (step > left)
        break;
      left -= step;
      a = (void *)((char *)a + step);
    }
  return NETNSID_UNKNOWN;
}

char *
ns_owner_chain (int nsfd)
{
  struct strbuf b = { 0 };
  int fd = ioctl (nsfd, ISO_NS_GET_USERNS);
  for (int depth = 0; fd >= 0 && depth < 33; depth++)
    {
      uid_t uid;
      long owner = ioctl (fd, ISO_NS_GET_OWNER_UID, &uid) == 0 ? (long)uid : -1;
      if (b.len)
        strbuf_puts (&b, " <- ");
      strbuf_printf (&b, "user:[%llu]", (unsigned long long)fd_ino (fd));
      if (fd_ino (fd) == ISO_USER_NS_INIT_INO)
        strbuf_puts (&b, " (the initial user namespace)");
      else if (owner >= 0)
        strbuf_printf (&b, " (created by uid %ld)", owner);
      int parent = ioctl (fd, ISO_NS_GET_PARENT);
      close (fd);
      fd = parent;
    }
  if (fd >= 0)
    close (fd);
  return b.len ? strbuf_steal (&b) : NULL;
}
