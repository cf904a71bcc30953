/* SPDX-License-Identifier: GPL-2.0-or-later */
/* proc.h: the /proc process collector and its parsers. */
#ifndef ISOSCOPE_PROC_H
#define ISOSCOPE_PROC_H

#include "isoscope/error.h"
#include "isoscope/model.h"

/* Fields of /proc/PID/stat that the model keeps. */
struct proc_stat
{
  pid_t pid;
  char comm[64];
  char state;
  pid_t ppid;
  long nthreads;
  uint64_t start_time;
  uint64_t utime, stime; /* clock ticks */
  uint64_t rss_pages;    /* resident set (field 24), 0 when the line ends before it */
};

/* Parse the text of /proc/PID/stat.  comm may contain spaces and parentheses:
   it runs from the first '(' to the last ')'.  0 or -EINVAL. */
int proc_parse_stat (const char *buf, struct proc_stat *out);

/* Parse the text of /proc/PID/status into P: uids, gids, NSpid, Threads,
   capability sets, NoNewPrivs, Seccomp.  Fields it does not find stay unknown.
   0 or -EINVAL when the text is not a status file at all. */
int proc_parse_status (const char *buf, struct iso_proc *p);

/* Turn the NUL-separated bytes of /proc/PID/cmdline into one string joined by
   spaces (trailing NULs dropped).  NULL when empty.  Caller frees. */
char *proc_cmdline_join (const char *buf, size_t len);

/* Scan every process under PROCFD into M (processes, their namespaces from
   ns links, threads and fds as FLAGS ask). */
void proc_collect_all (struct iso_model *m, int procfd, unsigned flags);

/* Take TEXT (a /proc/PID/cgroup text, owned from now on) as P's cgroups: link P to its
   cgroup in every hierarchy of M's tree, choose the primary path, recognise its container. */
void proc_link_cgroup_text (struct iso_model *m, struct iso_proc *p, char *text);

/* P's /proc/PID/cgroup text as it was read (before the split).  Caller frees; NULL when not read. */
char *proc_cgroup_text (const struct iso_proc *p);

/* Read a process's command line or status now, for the few processes a view
   shows; nothing is read when the pid now belongs to another process. */
void proc_load_cmdline (int procfd, struct iso_proc *p);
void proc_load_status (int procfd, struct iso_proc *p);

#endif
