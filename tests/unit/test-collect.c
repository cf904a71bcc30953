// SPDX-License-Identifier: GPL-2.0-or-later
/* test-collect.c: iso_model_collect over the generated fixture sysroot
   (tests/fixtures/make-sysroot.sh; its header lists what each process exercises). */
#define _GNU_SOURCE
#include "isoscope/model.h"
#include "isoscope/ns.h"
#include "isoscope/util.h"
#include "fixture.h"
#include "subproc.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The fixture's namespace inodes (see make-sysroot.sh). */
#define H_MNT 4026531832ULL
#define H_NET 4026531833ULL
#define H_TIME 4026531834ULL
#define H_PID 4026531836ULL
#define H_UTS 4026531838ULL
#define UTS_120 4026532100ULL
#define C_PID 4026532201ULL
#define C_USER 4026532202ULL
#define C_NET 4026532206ULL
#define PIDFC_150 4026532300ULL
#define TIMEFC_150 4026532301ULL
#define NET_THREAD_142 4026532500ULL
#define NET_FD_HELD 4026532999ULL
#define NET_BIND_HELD 4026533000ULL

static char tmpdir[] = "/tmp/isoscope-test-collect-XXXXXX";
static char *sysroot;

static bool
make_sysroot (void)
{
  if (!mkdtemp (tmpdir))
    return false;
  sysroot = xasprintf ("%s/root", tmpdir);
  char *cmd = xasprintf ("'%s/../make-sysroot.sh' '%s' >&2", fixture_dir (), sysroot);
  int rc = system (cmd);
  free (cmd);
  return rc == 0;
}

static void
remove_sysroot (void)
{
  char *cmd = xasprintf ("rm -rf '%s'", tmpdir);
  if (system (cmd) != 0)
    diag ("could not remove %s", tmpdir);
  free (cmd);
  free (sysroot);
}

/* The first holder of KIND, or NULL. */
static const struct ns_holder *
holder (const struct iso_ns *ns, enum ns_holder_kind kind)
{
  for (size_t i = 0; ns && i < ns->nholders; i++)
    if (ns->holders[i].kind == kind)
      return &ns->holders[i];
  return NULL;
}

static void
test_full (void)
{
  struct iso_model *m = NULL;
  iso_error_t err = NULL;
  struct iso_collect_opts o = { .sysroot = sysroot, .flags = COLLECT_ALL };
  int r = iso_model_collect (&m, &o, &err);
  is_int (r, 0, "collect over the fixture sysroot");
  if (r < 0)
    {
      diag ("%s", err->msg);
      iso_error_release (&err);
      return;
    }
  ok (err == NULL, "no error object on success");

  /* Processes: 1 2 120 130 140 150 200 201; 160 and 170 vanished. */
  is_int (m->nprocs, 8, "eight processes (160 and 170 vanished, self and 123abc are not pids)");
  static const pid_t want[] = { 1, 2, 120, 130, 140, 150, 200, 201 };
  bool order = m->nprocs == ARRAY_SIZE (want);
  for (size_t i = 0; order && i < m->nprocs; i++)
    order = m->procs[i]->pid == want[i];
  ok (order, "processes sorted by pid");
  is_int (m->scan.nvanished, 2, "two vanished processes counted");
  ok (iso_model_find_proc (m, 160) == NULL && iso_model_find_proc (m, 170) == NULL,
      "vanished processes are not in the model");
  is_int (m->scan.ndenied, 0, "nothing denied");
  is_int (m->scan.nmntns_unreached, 0, "every mount namespace's mountinfo was read");
  is_str (m->scan.kernel, "6.18.0-fixture", "kernel release from sysroot proc/sys/kernel/osrelease");
  is_str (m->scan.sysroot, sysroot, "sysroot recorded in the scan");
  ok ((m->scan.sources & (SRC_PROC | SRC_TASKS | SRC_FDS | SRC_MOUNTS | SRC_RELATIONS))
          == (SRC_PROC | SRC_TASKS | SRC_FDS | SRC_MOUNTS | SRC_RELATIONS),
      "sources: proc, tasks, fds, mounts, relations");

  /* 8 host + 1 uts of 120 + 7 container + 2 for_children + thread + fd + bind. */
  is_int (m->nns, 21, "21 namespaces");

  struct iso_proc *init = iso_model_find_proc (m, 1);
  ok (init && init->ns[NS_NET] && init->ns[NS_NET]->ino == H_NET, "pid 1 is in the host netns");
  is_str (init ? init->cmdline : NULL, "/sbin/init splash", "pid 1: cmdline joined");
  is_int (init ? init->uid : -2, 0, "pid 1: uid 0");
  ok (init && init->parent == NULL && init->ppid == 0, "pid 1: no parent");

  struct iso_proc *kt = iso_model_find_proc (m, 2);
  ok (kt && kt->cmdline_read && kt->cmdline == NULL, "kthreadd: cmdline read and empty");
  is_str (kt ? kt->comm : NULL, "kthreadd", "kthreadd: comm");

  struct iso_proc *weird = iso_model_find_proc (m, 120);
  is_str (weird ? weird->comm : NULL, "my (weird) app", "pid 120: comm with spaces and parentheses");
  is_int (weird ? weird->uid : -2, 65534, "pid 120: uid 65534");
  ok (weird && weird->ns[NS_UTS] && weird->ns[NS_UTS]->ino == UTS_120, "pid 120: its own uts namespace");
  ok (weird && weird->parent == init, "pid 120: parent is pid 1");

  struct iso_proc *z = iso_model_find_proc (m, 130);
  ok (z != NULL, "the zombie is kept");
  is_int (z ? z->state : 0, 'Z', "zombie: state Z");
  bool none = true;
  for (int t = 0; z && t < NS_TYPE_COUNT; t++)
    none = none && z->ns[t] == NULL;
  ok (none, "zombie: in no namespace");
  is_int (z ? z->ns_errno : -1, ENOENT, "zombie: ns_errno ENOENT");
  is_int (z ? (int)z->errors : -1, 0, "zombie: not counted as vanished or denied");

  struct iso_ns *hnet = iso_model_find_ns (m, H_NET);
  is_int (hnet ? hnet->nprocs : -1, 5, "host net: 5 processes (1 2 120 140 150)");
  is_int (hnet ? hnet->nthreads : -1, 6, "host net: 6 threads (7 minus the loose thread)");
  ok (hnet && hnet->proc == init, "host net: lowest pid is 1");
  struct iso_ns *htime = iso_model_find_ns (m, H_TIME);
  is_int (htime ? htime->nprocs : -1, 7, "host time: 7 processes (the container shares it)");
  is_int (htime ? htime->nthreads : -1, 9, "host time: 9 threads");
  struct iso_ns *huts = iso_model_find_ns (m, H_UTS);
  is_int (huts ? huts->nprocs : -1, 4, "host uts: 4 processes (120 has its own)");

  struct iso_proc *w = iso_model_find_proc (m, 140);
  is_int (w ? w->nthreads : -1, 3, "pid 140: three threads");
  struct iso_ns *tnet = iso_model_find_ns (m, NET_THREAD_142);
  ok (tnet && tnet->type == NS_NET, "the loose thread's netns is known");
  is_int (tnet ? tnet->nprocs : -1, 0, "loose thread's netns: no process");
  is_int (tnet ? tnet->nthreads : -1, 1, "loose thread's netns: one thread");
  const struct ns_holder *h = holder (tnet, HOLDER_TASK);
  ok (h && h->pid == 140 && h->num == 142, "loose thread's netns: held by thread 140/142");
  is_int (tnet ? (int)tnet->nholders : -1, 1, "loose thread's netns: one holder (141 shares the leader's)");
  is_str (tnet ? tnet->open_path : NULL, "140/task/142/ns/net", "loose thread's netns: open path");

  struct iso_ns *fdns = iso_model_find_ns (m, NET_FD_HELD);
  h = holder (fdns, HOLDER_FD);
  ok (h && h->pid == 1 && h->num == 3, "fd-held netns: held by fd 1/3");
  is_int (fdns ? fdns->nprocs : -1, 0, "fd-held netns: no process");
  is_str (fdns ? fdns->open_path : NULL, "1/fd/3", "fd-held netns: open path");
  ok (iso_model_find_ns (m, 1234) == NULL && iso_model_find_ns (m, 77) == NULL,
      "socket:[1234] and pipe:[77] are not namespaces");

  struct iso_ns *cnet = iso_model_find_ns (m, C_NET);
  h = holder (cnet, HOLDER_FD);
  ok (h && h->pid == 140 && h->num == 5, "container netns: also held by fd 140/5");
  is_int (cnet ? cnet->nprocs : -1, 2, "container netns: 2 processes");

  struct iso_ns *bind = iso_model_find_ns (m, NET_BIND_HELD);
  h = holder (bind, HOLDER_BIND);
  ok (h != NULL, "bind-held netns found through mountinfo");
  is_str (h ? h->path : NULL, "/run/netns/fixture", "bind: mount point");
  is_u64 (h ? h->mntns : 0, H_MNT, "bind: in the host mount namespace");
  ok (h && (h->pid == 1 || h->pid == 2 || h->pid == 120 || h->pid == 140 || h->pid == 150),
      "bind: found through a process of the host mount namespace");
  is_int (bind ? (int)bind->nholders : -1, 1, "bind: one holder (the container's mountinfo has no nsfs row)");

  struct iso_proc *u = iso_model_find_proc (m, 150);
  ok (u && u->pid_for_children && u->pid_for_children->ino == PIDFC_150, "pid 150: pid_for_children");
  ok (u && u->time_for_children && u->time_for_children->ino == TIMEFC_150, "pid 150: time_for_children");
  struct iso_ns *pfc = iso_model_find_ns (m, PIDFC_150);
  ok (pfc && pfc->type == NS_PID && pfc->nprocs == 0, "pid_for_children ns: a pid ns without processes");
  h = holder (pfc, HOLDER_FOR_CHILDREN);
  ok (h && h->pid == 150, "pid_for_children ns: held for the children of 150");
  struct iso_ns *tfc = iso_model_find_ns (m, TIMEFC_150);
  ok (tfc && tfc->type == NS_TIME && holder (tfc, HOLDER_FOR_CHILDREN), "time_for_children ns: held by 150");
  struct iso_ns *hpid = iso_model_find_ns (m, H_PID);
  ok (hpid && holder (hpid, HOLDER_FOR_CHILDREN) == NULL, "host pid ns: no for_children holder (same ns)");

  struct iso_proc *c = iso_model_find_proc (m, 200), *c2 = iso_model_find_proc (m, 201);
  ok (c && c->nnspid == 2 && c->nspid[0] == 200 && c->nspid[1] == 1, "pid 200: NSpid 200 1");
  ok (c2 && c2->nnspid == 2 && c2->nspid[1] == 2, "pid 201: NSpid 201 2");
  ok (c2 && c2->parent == c, "pid 201: parent is 200");
  struct iso_ns *cpid = iso_model_find_ns (m, C_PID);
  ok (cpid && cpid->nprocs == 2 && cpid->proc == c, "container pid ns: 2 processes, lowest 200");
  ok (cpid && holder (cpid, HOLDER_FOR_CHILDREN) == NULL, "container pid ns: no for_children holder");
  ok (c && c->ns[NS_TIME] == htime, "container shares the host time namespace");

  /* Relations cannot be read through symlinks that are not nsfs. */
  struct iso_ns *cuser = iso_model_find_ns (m, C_USER);
  ok (cuser && !cuser->relations_read && cuser->parent_ino == 0 && cuser->owner_ino == 0,
      "relations stay unknown under a sysroot");
  is_int (cuser ? cuser->open_errno : -1, ENOENT, "opening a fixture link fails with ENOENT");
  iso_model_free (m);
}

static void
test_minimal (void)
{
  /* Without tasks, fds and mounts only process membership and for_children remain. */
  struct iso_model *m = NULL;
  struct iso_collect_opts o = { .sysroot = sysroot, .flags = 0 };
  is_int (iso_model_collect (&m, &o, NULL), 0, "collect with no optional parts");
  if (!m)
    return;
  is_int (m->nns, 18, "18 namespaces (no thread, fd or bind holders)");
  ok (!iso_model_find_ns (m, NET_THREAD_142) && !iso_model_find_ns (m, NET_FD_HELD)
          && !iso_model_find_ns (m, NET_BIND_HELD),
      "thread-, fd- and bind-held namespaces are not discovered");
  struct iso_ns *hnet = iso_model_find_ns (m, H_NET);
  is_int (hnet ? hnet->nthreads : -1, 7, "host net: all 7 threads counted when tasks are not read");
  struct iso_proc *init = iso_model_find_proc (m, 1);
  ok (init && !init->cmdline_read && init->cmdline == NULL, "cmdline not read");
  is_int ((int)m->scan.sources, SRC_PROC, "sources: proc only");
  iso_model_free (m);
}

static void
test_missing (void)
{
  struct iso_model *m = NULL;
  iso_error_t err = NULL;
  struct iso_collect_opts o = { .sysroot = "/nonexistent/isoscope", .flags = COLLECT_ALL };
  int r = iso_model_collect (&m, &o, &err);
  is_int (r, -ENOENT - 1, "a missing sysroot fails with -ENOENT-1");
  ok (m == NULL, "no model for a missing sysroot");
  is_str (err ? err->msg : NULL, "cannot open /nonexistent/isoscope/proc: No such file or directory",
          "the message names the path");
  iso_error_release (&err);
}

static void
collect_probe (void)
{
  struct iso_model *m = NULL;
  struct iso_collect_opts o = { .sysroot = sysroot, .flags = COLLECT_ALL };
  iso_model_collect (&m, &o, NULL);
  iso_model_free (m);
}

int
main (void)
{
  if (!make_sysroot ())
    {
      printf ("not ok 1 - tests/fixtures/make-sysroot.sh %s\n1..1\n", sysroot ? sysroot : tmpdir);
      return 1;
    }
  /* A crash in the collector ends only this probe, not the whole file. */
  char report[4096];
  int st = run_in_child (collect_probe, report, sizeof report);
  if (!ok (child_clean (st), "collect over the fixture runs to the end (no crash, no sanitizer report)"))
    diag ("%s", report);
  else
    {
      test_full ();
      test_minimal ();
      test_missing ();
    }
  remove_sysroot ();
  return done_testing ();
}
