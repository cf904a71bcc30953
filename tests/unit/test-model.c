// SPDX-License-Identifier: GPL-2.0-or-later
/* test-model.c: model storage: processes, namespaces, lookups through hash growth and
   deletion, final sort and parent links, holders. */
#define _GNU_SOURCE
#include "isoscope/model.h"
#include "isoscope/util.h"
#include "subproc.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static void
finish_empty (void)
{
  struct iso_model *m = iso_model_new ();
  iso_model_finish (m);
  bool empty = m->nprocs == 0 && m->nns == 0;
  iso_model_free (m);
  exit (empty ? 0 : 3);
}

static void
test_empty (void)
{
  struct iso_model *m = iso_model_new ();
  ok (m != NULL, "iso_model_new");
  if (!m)
    return;
  ok (m->nprocs == 0 && m->nns == 0, "a new model is empty");
  is_int (m->scan.viewer_uid, -1, "viewer uid unknown");
  ok (iso_model_find_proc (m, 1) == NULL, "find_proc in an empty model is NULL");
  ok (iso_model_find_ns (m, 4026531840ULL) == NULL, "find_ns in an empty model is NULL");
  iso_model_remove_last_proc (m);
  ok (m->nprocs == 0, "remove_last_proc on an empty model does nothing");
  iso_model_free (m);

  /* iso_model_finish on a model without processes or namespaces (an empty /proc)
     once handed qsort a NULL array, which UBSan builds report. */
  char report[4096];
  int st = run_in_child (finish_empty, report, sizeof report);
  if (!ok (child_clean (st), "finish on an empty model"))
    diag ("%s", report);
  iso_model_free (NULL);
  ok (1, "iso_model_free (NULL) is harmless");
}

static void
test_proc_and_ns (void)
{
  struct iso_model *m = iso_model_new ();
  m->nsfs_dev = 4;
  struct iso_proc *p = iso_model_add_proc (m, 42);
  ok (p != NULL, "add_proc");
  is_int (p->pid, 42, "add_proc sets the pid");
  ok (p->uid == -1 && p->euid == -1 && p->gid == -1 && p->egid == -1, "add_proc: ids unknown");
  ok (p->no_new_privs == -1 && p->seccomp == -1 && p->seccomp_filters == -1, "add_proc: security fields unknown");
  ok (p->cmdline == NULL && !p->cmdline_read && p->nspid == NULL, "add_proc: nothing read yet");
  ok (iso_model_find_proc (m, 42) == p, "find_proc returns the added process");
  ok (iso_model_find_proc (m, 43) == NULL, "find_proc of another pid is NULL");

  bool created = false;
  struct iso_ns *ns = iso_model_get_ns (m, NS_NET, 4026531840ULL, &created);
  ok (ns != NULL && created, "get_ns creates a namespace and says so");
  if (!ns)
    return;
  ok (ns->type == NS_NET && ns->ino == 4026531840ULL, "get_ns: type and inode");
  is_int (ns->dev, 4, "get_ns: dev is the model's nsfs dev");
  is_int (ns->owner_uid, -1, "get_ns: owner uid unknown");
  is_int (ns->netnsid, NETNSID_UNKNOWN, "get_ns: netnsid unknown");
  ok (ns->nprocs == 0 && ns->nthreads == 0 && ns->proc == NULL && ns->nholders == 0, "get_ns: no members yet");

  created = true;
  struct iso_ns *again = iso_model_get_ns (m, NS_NET, 4026531840ULL, &created);
  ok (again == ns, "get_ns of the same inode returns the same object");
  ok (!created, "get_ns of the same inode: created is false");
  is_int (m->nns, 1, "get_ns twice: one namespace");
  ok (iso_model_get_ns (m, NS_NET, 4026531840ULL, NULL) == ns, "get_ns accepts created == NULL");
  /* Inodes are unique on the one nsfs: a second type for the same inode gets the first object. */
  ok (iso_model_get_ns (m, NS_PID, 4026531840ULL, NULL) == ns && ns->type == NS_NET,
      "get_ns keys on the inode alone; the first type stays");
  ok (iso_model_find_ns (m, 4026531840ULL) == ns, "find_ns");
  ok (iso_model_find_ns (m, 4026531841ULL) == NULL, "find_ns of another inode is NULL");
  struct iso_ns *big = iso_model_get_ns (m, NS_USER, UINT64_MAX, &created);
  ok (created && iso_model_find_ns (m, UINT64_MAX) == big, "inode UINT64_MAX as a key");
  struct iso_ns *lowkey = iso_model_get_ns (m, NS_USER, 1, &created);
  ok (created && iso_model_find_ns (m, 1) == lowkey && lowkey != big, "inode 1 as a key");
  iso_model_free (m);
}

/* A deterministic pseudo-random sequence (no libc rand state). */
static uint64_t lcg_state = 0x2545F4914F6CDD1DULL;
static uint64_t
lcg (void)
{
  lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
  return lcg_state >> 17;
}

static void
test_many (void)
{
  enum
  {
    N = 5000
  };
  struct iso_model *m = iso_model_new ();
  /* Pids far apart and close together, so that the table grows several times
     (1024 slots at first) and probe chains form. */
  static pid_t pids[N];
  for (int i = 0; i < N; i++)
    pids[i] = i < N / 2 ? (pid_t)(i + 1) : (pid_t)((i - N / 2) * 1024 + 3000000);
  for (int i = 0; i < N; i++)
    iso_model_add_proc (m, pids[i]);
  is_int (m->nprocs, N, "5000 processes added");
  int missing = 0, wrong = 0;
  for (int i = 0; i < N; i++)
    {
      struct iso_proc *p = iso_model_find_proc (m, pids[i]);
      missing += p == NULL;
      wrong += p && p->pid != pids[i];
    }
  is_int (missing, 0, "every one of 5000 processes is found after growth");
  is_int (wrong, 0, "every lookup returns the right process");
  ok (iso_model_find_proc (m, 2600) == NULL && iso_model_find_proc (m, 3000001) == NULL,
      "pids never added are not found");

  /* Remove the last half one by one; after each removal the removed pid is gone
     and every remaining one is still found (deletion keeps probe chains intact). */
  int still_found = 0, lost = 0;
  for (int k = N - 1; k >= N / 2; k--)
    {
      iso_model_remove_last_proc (m);
      still_found += iso_model_find_proc (m, pids[k]) != NULL;
      for (int i = 0; i < k; i++)
        if (!iso_model_find_proc (m, pids[i]))
          lost++;
    }
  is_int (m->nprocs, N / 2, "2500 processes left after removing 2500");
  is_int (still_found, 0, "a removed process is never found again");
  is_int (lost, 0, "no remaining process is lost by a removal");

  /* A removed pid can come back. */
  struct iso_proc *back = iso_model_add_proc (m, pids[N - 1]);
  ok (iso_model_find_proc (m, pids[N - 1]) == back, "a removed pid can be added again");
  iso_model_free (m);

  /* Namespaces: thousands of inodes, including neighbours and multiples of 2^32. */
  m = iso_model_new ();
  int dup = 0;
  for (int i = 0; i < N; i++)
    {
      uint64_t ino = i % 2 ? 4026531832ULL + (uint64_t)i : ((uint64_t)i << 32) | 7;
      bool created;
      struct iso_ns *ns = iso_model_get_ns (m, (enum ns_type) (i % NS_TYPE_COUNT), ino, &created);
      dup += !created || !ns;
    }
  is_int (dup, 0, "5000 distinct inodes each create a namespace");
  is_int (m->nns, N, "5000 namespaces");
  int bad = 0;
  for (int i = 0; i < N; i++)
    {
      uint64_t ino = i % 2 ? 4026531832ULL + (uint64_t)i : ((uint64_t)i << 32) | 7;
      struct iso_ns *ns = iso_model_find_ns (m, ino);
      bad += !ns || ns->ino != ino || ns->type != (enum ns_type) (i % NS_TYPE_COUNT);
    }
  is_int (bad, 0, "every namespace is found by inode after growth");
  iso_model_free (m);
}

static void
test_interleaved (void)
{
  /* Random adds and removals against a reference list. */
  struct iso_model *m = iso_model_new ();
  enum
  {
    MAXP = 4000
  };
  static pid_t ref[MAXP];
  int nref = 0, errors = 0, round;
  for (round = 0; round < 400; round++)
    {
      int adds = (int)(lcg () % 12), dels = (int)(lcg () % 8);
      for (int a = 0; a < adds && nref < MAXP; a++)
        {
          pid_t pid;
          bool taken;
          do
            {
              pid = (pid_t)(lcg () % 4000000 + 1);
              taken = false;
              for (int i = 0; i < nref && !taken; i++)
                taken = ref[i] == pid;
            }
          while (taken);
          iso_model_add_proc (m, pid);
          ref[nref++] = pid;
        }
      for (int d = 0; d < dels && nref > 0; d++)
        {
          iso_model_remove_last_proc (m);
          pid_t gone = ref[--nref];
          errors += iso_model_find_proc (m, gone) != NULL;
        }
      for (int i = 0; i < nref; i++)
        errors += iso_model_find_proc (m, ref[i]) == NULL;
      errors += m->nprocs != (size_t)nref;
    }
  is_int (errors, 0, "400 rounds of random adds and removals agree with a reference list");
  diag ("%d processes at the end of the random rounds", nref);
  iso_model_free (m);
}

/* iso_model_remove_last_proc removes in LIFO order, so the removed entry is usually the
   last of its probe chain and a careless deletion would go unnoticed.  It is not last
   when the table was rebuilt (grown) after it was inserted: then entries inserted before
   it can sit behind it and must move back when it goes.  520 keys force one growth
   (1024 slots hold 512); with model.c's mixer about one multiplier in sixteen below 400
   produces such a chain, so 400 multipliers exercise it a couple of dozen times. */
static void
test_lifo_patterns (void)
{
  enum
  {
    NKEYS = 520
  };
  int lost = 0, ghosts = 0, patterns = 0;
  for (pid_t mul = 1; mul <= 400; mul++)
    {
      struct iso_model *m = iso_model_new ();
      pid_t pids[NKEYS];
      for (int i = 0; i < NKEYS; i++)
        {
          pids[i] = (pid_t)((int64_t)(i + 1) * mul % 4194304 + 1);
          iso_model_add_proc (m, pids[i]);
        }
      for (int k = NKEYS - 1; k >= 0; k--)
        {
          iso_model_remove_last_proc (m);
          ghosts += iso_model_find_proc (m, pids[k]) != NULL;
          for (int i = 0; i < k; i++)
            lost += iso_model_find_proc (m, pids[i]) == NULL;
        }
      patterns++;
      iso_model_free (m);
    }
  is_int (patterns, 400, "400 key patterns inserted past one growth and removed one by one");
  is_int (ghosts, 0, "removed keys are never found");
  is_int (lost, 0, "no key is lost when an earlier one moves back over a removed slot");
}

static void
test_finish (void)
{
  struct iso_model *m = iso_model_new ();
  static const pid_t pids[] = { 300, 7, 1, 2000, 2, 55 };
  static const pid_t ppids[] = { 1, 1, 0, 9999, 0, 300 };
  for (size_t i = 0; i < ARRAY_SIZE (pids); i++)
    iso_model_add_proc (m, pids[i])->ppid = ppids[i];
  static const uint64_t inos[] = { 4026532999ULL, 4026531832ULL, 4026531836ULL, 4026532000ULL };
  for (size_t i = 0; i < ARRAY_SIZE (inos); i++)
    iso_model_get_ns (m, NS_NET, inos[i], NULL);
  iso_model_finish (m);

  bool sorted = true;
  for (size_t i = 1; i < m->nprocs; i++)
    sorted = sorted && m->procs[i - 1]->pid < m->procs[i]->pid;
  ok (sorted, "finish sorts processes by pid");
  is_int (m->procs[0]->pid, 1, "lowest pid first");
  sorted = true;
  for (size_t i = 1; i < m->nns; i++)
    sorted = sorted && m->ns[i - 1]->ino < m->ns[i]->ino;
  ok (sorted, "finish sorts namespaces by inode");
  is_u64 (m->ns[0]->ino, 4026531832ULL, "lowest inode first");

  struct iso_proc *init = iso_model_find_proc (m, 1);
  ok (init && init->parent == NULL, "ppid 0: no parent");
  ok (iso_model_find_proc (m, 7)->parent == init, "ppid 1 links to pid 1");
  ok (iso_model_find_proc (m, 55)->parent == iso_model_find_proc (m, 300), "ppid 300 links to pid 300");
  ok (iso_model_find_proc (m, 2000)->parent == NULL, "a parent outside the model: NULL");
  ok (iso_model_find_proc (m, 2)->parent == NULL, "kthreadd (ppid 0): no parent");
  ok (iso_model_find_ns (m, 4026532999ULL) == m->ns[3], "lookups still work after sorting");
  iso_model_free (m);
}

static void
test_holders (void)
{
  struct iso_model *m = iso_model_new ();
  struct iso_ns *ns = iso_model_get_ns (m, NS_NET, 4026532999ULL, NULL);
  struct ns_holder *h = iso_ns_add_holder (ns, HOLDER_FD);
  ok (h != NULL && h->kind == HOLDER_FD, "add_holder sets the kind");
  if (!h)
    return;
  ok (h->pid == 0 && h->num == 0 && h->mntns == 0 && h->path == NULL && h->child == 0,
      "add_holder gives a zeroed record");
  h->pid = 1;
  h->num = 3;
  h = iso_ns_add_holder (ns, HOLDER_BIND);
  h->path = xstrdup ("/run/netns/x"); /* owned by the model: freed with it (ASan checks) */
  h->mntns = 4026531832ULL;
  for (int i = 0; i < 100; i++)
    iso_ns_add_holder (ns, HOLDER_TASK)->num = i;
  is_int (ns->nholders, 102, "102 holders recorded");
  ok (ns->holders[0].kind == HOLDER_FD && ns->holders[0].pid == 1 && ns->holders[0].num == 3,
      "the first holder survives growth of the array");
  is_str (ns->holders[1].path, "/run/netns/x", "the bind holder's path survives growth");
  is_int (ns->holders[101].num, 99, "the last holder");
  ns->open_path = xstrdup ("1/fd/3");
  iso_model_free (m);
  ok (1, "model with holders, paths and open_path freed");
}

int
main (void)
{
  test_empty ();
  test_proc_and_ns ();
  test_many ();
  test_interleaved ();
  test_lifo_patterns ();
  test_finish ();
  test_holders ();
  return done_testing ();
}
