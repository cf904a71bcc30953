// SPDX-License-Identifier: GPL-2.0-or-later
/* test-snapshot.c: the snapshot writer and loader (a model round trip, hostile documents), merge patches and
 * records. */
#define _GNU_SOURCE
#include "isoscope/cgroup.h"
#include "isoscope/container.h"
#include "isoscope/model.h"
#include "isoscope/proc.h"
#include "isoscope/snapshot.h"
#include "isoscope/util.h"
#include "tap.h"

#include <cJSON.h>
#include <fcntl.h>
#include <unistd.h>

/* A small model made by hand: two processes, three namespaces (one with holders), a
   pure-v2 cgroup tree with a container's cgroup. */
static struct iso_model *
make_model (void)
{
  struct iso_model *m = iso_model_new ();
  m->scan.time.tv_sec = 1700000000;
  m->scan.time.tv_nsec = 5;
  snprintf (m->scan.kernel, sizeof m->scan.kernel, "6.1.0-test");
  m->scan.viewer_uid = 0;
  m->scan.sources = 0xff;
  m->cg = xzalloc (sizeof *m->cg);
  m->cg->mode = CG_MODE_V2;
  m->cg->root = xstrdup ("/sys/fs/cgroup");
  struct cg_hierarchy *h = cg_tree_add_hierarchy (m->cg, true, "");
  struct iso_cgroup *root = cg_tree_add (m->cg, h, NULL, "/");
  h->root = root;
  struct iso_cgroup *sl = cg_tree_add (m->cg, h, root, "/system.slice");
  struct iso_cgroup *d = cg_tree_add (
      m->cg, h, sl, "/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope");
  d->ino = 77;
  d->f[CGF_MEMORY_MAX] = (struct cg_val){ .state = CGV_MAX };
  d->f[CGF_MEMORY_CURRENT] = (struct cg_val){ .state = CGV_SET, .v = 123456789012345678ULL }; /* > 2^53 */
  d->f[CGF_PSI_CPU_SOME_AVG10] = (struct cg_val){ .state = CGV_SET, .is_float = true, .v = 1234 };
  d->cpuset_cpus = xstrdup ("0-1");
  cg_tree_index (m->cg);

  struct iso_ns *net = iso_model_get_ns (m, NS_NET, 4026532000ULL, NULL);
  struct iso_ns *uts = iso_model_get_ns (m, NS_UTS, 4026532001ULL, NULL);
  struct iso_ns *user = iso_model_get_ns (m, NS_USER, 4026531837ULL, NULL);
  net->nprocs = 1;
  net->netnsid = 3;
  net->owner_ino = user->ino;
  struct ns_holder *hb = iso_ns_add_holder (net, HOLDER_BIND);
  hb->pid = 10;
  hb->mntns = 4026531840ULL;
  hb->path = xstrdup ("/run/netns/x");
  iso_ns_add_holder (net, HOLDER_FD)->pid = 20;
  struct iso_proc *p = iso_model_add_proc (m, 20);
  p->ppid = 10;
  p->start_time = 999;
  p->state = 'S';
  snprintf (p->comm, sizeof p->comm, "sleep");
  p->cmdline = xstrdup ("sleep 600");
  p->cmdline_read = true;
  p->uid = 1000;
  p->cap_eff = 0x3fffffffffULL;
  p->caps_known = true;
  p->nspid = xcalloc (2, sizeof *p->nspid);
  p->nspid[0] = 20;
  p->nspid[1] = 1;
  p->nnspid = 2;
  p->ns[NS_NET] = net;
  p->ns[NS_UTS] = uts;
  p->ns[NS_USER] = user;
  net->proc = p;
  struct iso_proc *q = iso_model_add_proc (m, 10);
  snprintf (q->comm, sizeof q->comm, "init");
  q->ns[NS_USER] = user;
  iso_model_finish (m);
  char *text
      = xstrdup ("0::/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope\n");
  proc_link_cgroup_text (m, p, text);
  return m;
}

/* An assertion that two documents are equal, showing what differs when they are not. */
static void
same_json (const cJSON *a, const cJSON *b, const char *what)
{
  if (ok (cJSON_Compare (a, b, true), "%s", what))
    return;
  cJSON *changes = record_diff (a, b);
  char *text = cJSON_PrintUnformatted (changes);
  diag ("changes: %s", text);
  free (text);
  cJSON_Delete (changes);
}

static struct iso_model *
load_text (const char *text, const char *at, iso_error_t *err)
{
  struct iso_model *m = NULL;
  if (snapshot_load_buffer (text, strlen (text), "t.json", at, COLLECT_ALL | COLLECT_NETNSID, &m, err) < 0)
    return NULL;
  return m;
}

static void
test_round_trip (void)
{
  struct iso_model *m = make_model ();
  cJSON *doc = snapshot_to_json (m);
  char *text = cJSON_Print (doc);
  cleanup_error iso_error_t err = NULL;
  struct iso_model *l = load_text (text, NULL, &err);
  ok (l != NULL, "the document of a model loads back%s%s", err ? ": " : "", err ? err->msg : "");
  if (!l)
    goto out;
  is_int (l->nprocs, 2, "two processes");
  is_int (l->nns, 3, "three namespaces");
  struct iso_proc *p = iso_model_find_proc (l, 20);
  ok (p && p->start_time == 999 && p->state == 'S' && strcmp (p->comm, "sleep") == 0, "pid, start time, state, comm");
  is_str (p ? p->cmdline : NULL, "sleep 600", "command line");
  is_int (p ? p->uid : -2, 1000, "uid");
  is_u64 (p ? p->cap_eff : 0, 0x3fffffffffULL, "effective capabilities");
  ok (p && p->nnspid == 2 && p->nspid[1] == 1, "NSpid");
  ok (p && p->ns[NS_NET] && p->ns[NS_NET]->ino == 4026532000ULL, "the net namespace link");
  ok (p && p->parent == iso_model_find_proc (l, 10), "the parent is linked");
  struct iso_ns *net = iso_model_find_ns (l, 4026532000ULL);
  ok (net && net->proc == p, "the namespace's lowest process is linked");
  ok (net && net->nholders == 2 && net->holders[0].kind == HOLDER_BIND
          && strcmp (net->holders[0].path, "/run/netns/x") == 0 && net->holders[0].mntns == 4026531840ULL,
      "a bind-mount holder with its mount namespace and path");
  ok (net && net->netnsid == 3 && net->owner_ino == 4026531837ULL, "netnsid and owner");
  ok (l->cg && l->cg->mode == CG_MODE_V2 && l->cg->nall == 3, "the cgroup tree: v2, three cgroups");
  struct iso_cgroup *d = p && p->cgroups ? p->cgroups[0] : NULL;
  ok (d && d->ino == 77, "the process is linked to its cgroup");
  ok (d && d->f[CGF_MEMORY_MAX].state == CGV_MAX, "\"max\" stays max");
  is_u64 (d ? d->f[CGF_MEMORY_CURRENT].v : 0, 123456789012345678ULL, "a value above 2^53 keeps every digit");
  ok (d && d->f[CGF_PSI_CPU_SOME_AVG10].is_float && d->f[CGF_PSI_CPU_SOME_AVG10].v == 1234,
      "a PSI average stays in hundredths");
  is_str (d ? d->cpuset_cpus : NULL, "0-1", "cpuset");
  ok (d && d->parent && strcmp (d->parent->path, "/system.slice") == 0, "the cgroup's parent");
  ok (p && p->container && strcmp (p->container->engine, "docker") == 0 && l->ncontainers == 1,
      "the container is derived from the cgroup text");
  is_int (l->scan.time.tv_sec, 1700000000, "scan time");
  is_str (l->scan.kernel, "6.1.0-test", "kernel");
  /* Written again, the loaded model gives the same document. */
  cJSON *again = snapshot_to_json (l);
  cJSON_DeleteItemFromObject (again, "generator");
  cJSON_DeleteItemFromObject (doc, "generator");
  cJSON_DeleteItemFromObjectCaseSensitive (cJSON_GetObjectItem (again, "scan"), "all_caps");
  cJSON_DeleteItemFromObjectCaseSensitive (cJSON_GetObjectItem (doc, "scan"), "all_caps");
  same_json (doc, again, "a loaded model writes the same document");
  cJSON_Delete (again);
  iso_model_free (l);
out:
  free (text);
  cJSON_Delete (doc);
  iso_model_free (m);
}

static void
test_hostile (void)
{
  static const struct
  {
    const char *text, *want;
  } cases[] = {
    { "", "not valid JSON" },
    { "[]", "not a JSON object" },
    { "{\"schema_version\": \"1\"}", "schema_version: unsupported version \"1\"" },
    { "{\"schema_version\": 2}", "unsupported version 2 (this isoscope reads version 1)" },
    { "{\"schema_version\": 1, \"processes\": []}", "processes: expected an object" },
    { "{\"schema_version\": 1, \"processes\": {\"1\": 5}}", "processes.1: expected an object" },
    { "{\"schema_version\": 1, \"processes\": {\"1\": {}}}", "processes.1.pid: missing" },
    { "{\"schema_version\": 1, \"processes\": {\"1\": {\"pid\": -4}}}", "processes.1.pid: expected an integer" },
    { "{\"schema_version\": 1, \"processes\": {\"1\": {\"pid\": 1.5}}}", "processes.1.pid: expected an integer" },
    { "{\"schema_version\": 1, \"processes\": {\"1\": {\"pid\": 1}, \"2\": {\"pid\": 1}}}", "a second process" },
    { "{\"schema_version\": 1, \"processes\": {\"1\": {\"pid\": 1, \"comm\": \"" /* 64 bytes: one too many */
      "0123456789012345678901234567890123456789012345678901234567890123\"}}}",
      "processes.1.comm: a string of at most 63 bytes expected" },
    { "{\"schema_version\": 1, \"processes\": {\"1\": {\"pid\": 1, \"state\": \"RS\"}}}", "one-character string" },
    { "{\"schema_version\": 1, \"processes\": {\"1\": {\"pid\": 1, \"ns\": {\"bogus\": 5}}}}", "not a namespace type" },
    { "{\"schema_version\": 1, \"processes\": {\"1\": {\"pid\": 1, \"start_time\": \"12x\"}}}", "non-negative" },
    { "{\"schema_version\": 1, \"processes\": {\"1\": {\"pid\": 1, \"nspid\": [\"a\"]}}}", "processes.1.nspid" },
    { "{\"schema_version\": 1, \"namespaces\": {\"5\": {\"type\": \"nope\", \"ino\": 5}}}", "namespace type" },
    { "{\"schema_version\": 1, \"namespaces\": {\"5\": {\"type\": \"net\"}}}", "namespaces.5.ino: missing or 0" },
    { "{\"schema_version\": 1, \"namespaces\": {\"5\": {\"type\": \"net\", \"ino\": 5, \"holders\": [{\"kind\": "
      "\"x\"}]}}}",
      "kind of task" },
    { "{\"schema_version\": 1, \"namespaces\": {\"5\": {\"type\": \"net\", \"ino\": 5}}, \"processes\": {\"1\": "
      "{\"pid\": 1, \"ns\": {\"uts\": 5}}}}",
      "another type" },
    /* Found by tests/fuzz/fuzz-snapshot.c: a link to inode 0 made a namespace that the saved
       document then had, and that the loader refuses. */
    { "{\"schema_version\": 1, \"processes\": {\"1\": {\"pid\": 1, \"time_for_children\": 0}}}",
      "processes.1.time_for_children: inode 0" },
    { "{\"schema_version\": 1, \"processes\": {\"1\": {\"pid\": 1, \"ns\": {\"net\": 0}}}}",
      "processes.1.ns: inode 0" },
    { "{\"schema_version\": 1, \"cgroups\": {\"hierarchies\": {\"\": {\"cgroups\": {\"/\": {}, \"/\": {}}}}}}",
      "the root \"/\" comes once" },
    { "{\"schema_version\": 1, \"cgroups\": {\"hierarchies\": {\"\": {\"cgroups\": {\"x\": {}}}}}}",
      "starts with '/'" },
    { "{\"schema_version\": 1, \"cgroups\": {\"hierarchies\": {\"\": {\"cgroups\": {\"/\": {\"values\": "
      "{\"memory_max\": \"lots\"}}}}}}}",
      "cgroups.hierarchies..cgroups./.values.memory_max: expected a non-negative integer" },
    { "{\"schema_version\": 1, \"cgroups\": {\"hierarchies\": {\"\": {\"cgroups\": {\"/\": {\"io_devices\": "
      "[{\"major\": 8}]}}}}}}",
      "a device needs major and minor" },
  };
  for (size_t i = 0; i < ARRAY_SIZE (cases); i++)
    {
      cleanup_error iso_error_t err = NULL;
      struct iso_model *m = load_text (cases[i].text, NULL, &err);
      bool good = !m && err && strstr (err->msg, cases[i].want) && strncmp (err->msg, "t.json: ", 8) == 0;
      ok (good, "refused with the file and field named: %s", cases[i].want);
      if (!good)
        diag ("got: %s", err ? err->msg : "(loaded)");
      iso_model_free (m);
    }
  /* Hierarchies without "order" (a hand-written file) keep the document's order; one with it sorts by it. */
  {
    cleanup_error iso_error_t err = NULL;
    struct iso_model *m = load_text ("{\"schema_version\": 1, \"cgroups\": {\"hierarchies\": {\"cpu\": {}, "
                                     "\"memory\": {}, \"pids\": {}, \"blkio\": {\"order\": 0.5}}}}",
                                     NULL, &err);
    static const char *const want[] = { "cpu", "blkio", "memory", "pids" };
    bool good = m && m->cg && m->cg->nh == ARRAY_SIZE (want);
    for (size_t i = 0; good && i < ARRAY_SIZE (want); i++)
      good = strcmp (m->cg->h[i].name, want[i]) == 0;
    ok (good, "hierarchies without \"order\" load in document order%s%s", err ? ": " : "", err ? err->msg : "");
    iso_model_free (m);
  }
  /* Every prefix of a real document, and every byte replaced by a quote or a brace:
     refused or loaded, never a crash (the sanitizer build checks the memory). */
  struct iso_model *m = make_model ();
  cJSON *doc = snapshot_to_json (m);
  char *text = cJSON_PrintUnformatted (doc);
  size_t len = strlen (text), loaded = 0;
  for (size_t n = 0; n < len; n += 7)
    {
      struct iso_model *l = NULL;
      cleanup_error iso_error_t err = NULL;
      if (snapshot_load_buffer (text, n, "t", NULL, COLLECT_ALL, &l, &err) == 0)
        loaded++;
      iso_model_free (l);
    }
  for (size_t i = 0; i < len; i += 3)
    {
      char *copy = xstrdup (text);
      copy[i] = "\"}1-"[i % 4];
      struct iso_model *l = NULL;
      cleanup_error iso_error_t err = NULL;
      snapshot_load_buffer (copy, len, "t", NULL, COLLECT_ALL, &l, &err);
      iso_model_free (l);
      free (copy);
    }
  is_int (loaded, 0, "no proper prefix of a document loads; none crashed, nor did a changed byte");
  free (text);
  cJSON_Delete (doc);
  iso_model_free (m);
}

static cJSON *
parse (const char *s)
{
  return cJSON_Parse (s);
}

static void
test_patch (void)
{
  /* Examples of RFC 7396, appendix A: target, patch, result. */
  static const char *const rfc[][3] = {
    { "{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}" },
    { "{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}" },
    { "{\"a\":\"b\"}", "{\"a\":null}", "{}" },
    { "{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}" },
    { "{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}" },
    { "{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}" },
    { "{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}" },
    { "{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}" },
    { "[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]" },
    { "{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]" },
    { "{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}" },
    { "[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}" },
    { "{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}" },
  };
  for (size_t i = 0; i < ARRAY_SIZE (rfc); i++)
    {
      cJSON *t = parse (rfc[i][0]), *p = parse (rfc[i][1]), *want = parse (rfc[i][2]);
      t = record_apply (t, p);
      ok (cJSON_Compare (t, want, true), "RFC 7396 example %zu: %s + %s", i + 1, rfc[i][0], rfc[i][1]);
      cJSON_Delete (t);
      cJSON_Delete (p);
      cJSON_Delete (want);
    }
  /* A hostile patch that names one big member many times: the copies stop at a budget. */
  cJSON *t = cJSON_CreateObject (), *big = cJSON_AddObjectToObject (t, "big"), *p = cJSON_CreateObject ();
  for (int i = 0; i < 4000; i++)
    {
      char key[16];
      snprintf (key, sizeof key, "k%d", i);
      cJSON_AddNumberToObject (big, key, i);
      cJSON_AddStringToObject (cJSON_AddObjectToObject (p, key), "$from", "big");
    }
  t = record_apply (t, p);
  int copies = 0;
  for (int i = 0; i < 4000; i++)
    {
      char key[16];
      snprintf (key, sizeof key, "k%d", i);
      copies += cJSON_GetArraySize (cJSON_GetObjectItem (t, key)) == 4000;
    }
  ok (copies > 0 && copies < 4000, "4000 copies of a 4001-node member are cut at the budget (%d made)", copies);
  cJSON_Delete (t);
  cJSON_Delete (p);
  /* diff then apply gives the second document back; equal documents give no patch. */
  static const char *const pairs[][2] = {
    { "{\"p\":{\"1\":{\"a\":1,\"b\":[1,2]},\"2\":{\"a\":2}}}", "{\"p\":{\"1\":{\"a\":1,\"b\":[1,3]},\"3\":{}}}" },
    { "{\"x\":{\"y\":1}}", "{\"x\":5}" },
    { "{\"x\":5}", "{\"x\":{}}" },
    { "{\"x\":{}}", "{}" },
  };
  for (size_t i = 0; i < ARRAY_SIZE (pairs); i++)
    {
      cJSON *a = parse (pairs[i][0]), *b = parse (pairs[i][1]);
      cJSON *d = record_diff (a, b);
      a = record_apply (a, d ? d : cJSON_CreateObject ());
      ok (cJSON_Compare (a, b, true), "apply (A, diff (A, B)) is B: %s -> %s", pairs[i][0], pairs[i][1]);
      cJSON_Delete (d);
      cJSON *same = record_diff (b, b);
      ok (!same, "diff (B, B) is empty");
      cJSON_Delete (same);
      cJSON_Delete (a);
      cJSON_Delete (b);
    }
}

static void
test_record (void)
{
  struct iso_model *m = make_model ();
  char *path = xasprintf ("/tmp/isoscope-test-record.%d", (int)getpid ());
  FILE *f = fopen (path, "w+");
  struct record_writer w;
  cleanup_error iso_error_t err = NULL;
  ok (record_writer_start (&w, f, 5, &err) == 0, "a record starts");
  /* Three samples: the second changes one cgroup value, the third drops a process. */
  record_writer_add (&w, snapshot_to_json (m), 1000, &err);
  size_t after_first = w.bytes;
  m->cg->all[2]->f[CGF_MEMORY_CURRENT].v = 42;
  record_writer_add (&w, snapshot_to_json (m), 1005, &err);
  size_t second = w.bytes - after_first;
  cJSON *third = snapshot_to_json (m);
  cJSON *procs = cJSON_GetObjectItem (third, "processes");
  cJSON_DeleteItemFromObject (procs, "10");
  /* a child of 20, born in between: stored as its changes from 20 */
  cJSON *child = cJSON_Duplicate (cJSON_GetObjectItem (procs, "20"), true);
  cJSON_ReplaceItemInObject (child, "pid", cJSON_CreateNumber (30));
  cJSON_ReplaceItemInObject (child, "ppid", cJSON_CreateNumber (20));
  cJSON_ReplaceItemInObject (child, "comm", cJSON_CreateString ("child"));
  cJSON_AddItemToObject (procs, "30", child);
  cJSON *third_copy = cJSON_Duplicate (third, true);
  size_t before_third = w.bytes;
  record_writer_add (&w, third, 1010, &err);
  ok (w.bytes - before_third < 200, "a new child of a known process takes %zu bytes", w.bytes - before_third);
  record_writer_free (&w);
  ok (second < 200, "a sample with one changed value takes %zu bytes", second);
  /* A killed recorder: half of a fourth line. */
  fputs ("{\"time\": 1015, \"patch\": {\"proc", f);
  fflush (f);
  fseek (f, 0, SEEK_SET);
  cleanup_free char *buf = NULL;
  long n = util_read_file_at (AT_FDCWD, path, &buf);
  fclose (f);
  unlink (path);
  struct record r = { 0 }; /* record_parse is not called when the read fails */
  ok (n > 0 && record_parse (&r, buf, (size_t)n, "r.rec", &err) == 0, "the record parses");
  is_int (r.n, 3, "three complete samples");
  ok (r.truncated, "the incomplete last line is noticed");
  const cJSON *s2 = record_sample (&r, 1, &err);
  const cJSON *v = cJSON_GetObjectItem (
      cJSON_GetObjectItem (
          cJSON_GetObjectItem (
              cJSON_GetObjectItem (cJSON_GetObjectItem (cJSON_GetObjectItem (s2, "cgroups"), "hierarchies"), ""),
              "cgroups"),
          m->cg->all[2]->path),
      "values");
  ok (cJSON_IsNumber (cJSON_GetObjectItem (v, "memory_current"))
          && cJSON_GetObjectItem (v, "memory_current")->valuedouble == 42,
      "sample 2 has the changed value");
  const cJSON *s3 = record_sample (&r, 2, &err);
  ok (!cJSON_GetObjectItem (cJSON_GetObjectItem (s3, "processes"), "10"), "sample 3 lacks the dropped process");
  same_json (s3, third_copy, "sample 3 is rebuilt exactly, the child from its parent");
  cJSON_Delete (third_copy);
  const cJSON *s1 = record_sample (&r, 0, &err);
  ok (cJSON_GetObjectItem (cJSON_GetObjectItem (s1, "processes"), "10") != NULL, "going back to sample 1 works");
  double t;
  ok (record_parse_time (&r, "+5", &t) == 0 && t == 1005, "+5 is 5 s after the first sample");
  ok (record_parse_time (&r, "-1m", &t) == 0 && t == 1010 - 60, "-1m is a minute before the last");
  ok (record_parse_time (&r, "@1007", &t) == 0 && record_find (&r, t) == 1, "@1007 finds the sample of 1005");
  ok (record_find (&r, 999) == -1, "a time before the first sample finds none");
  ok (record_parse_time (&r, "soon", &t) < 0 && record_parse_time (&r, "+", &t) < 0, "bad times are refused");
  struct iso_model *l = NULL;
  ok (snapshot_load_buffer (buf, (size_t)n, "r.rec", "+0", COLLECT_ALL, &l, &err) == 0 && l->nprocs == 2,
      "--at +0 loads the first sample");
  iso_model_free (l);
  l = NULL;
  ok (snapshot_load_buffer (buf, (size_t)n, "r.rec", NULL, COLLECT_ALL, &l, &err) == 0 && l->nprocs == 2
          && iso_model_find_proc (l, 30),
      "without --at the last sample");
  iso_model_free (l);
  record_free (&r);
  static const char *const bad[] = {
    "{\"isoscope_record\": 2}\n",
    "{\"isoscope_record\": 1}\n",
    "{\"isoscope_record\": 1}\n{\"time\": 5, \"patch\": {}}\n",
    "{\"isoscope_record\": 1}\n{\"time\": 5, \"full\": {}}\n{\"time\": 4, \"patch\": {}}\n",
    "{\"isoscope_record\": 1}\n{\"time\": 5, \"full\": {}}\nnonsense\n{\"time\": 6, \"patch\": {}}\n",
  };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      struct record br;
      cleanup_error iso_error_t e = NULL;
      ok (record_parse (&br, bad[i], strlen (bad[i]), "b.rec", &e) < 0 && strncmp (e->msg, "b.rec: ", 7) == 0,
          "a bad record is refused, named (%zu)", i);
      record_free (&br);
    }
  free (path);
  iso_model_free (m);
}

/* Going back and forth in a long record (past the marks kept every RECORD_MARK_EVERY samples). */
static void
test_long_record (void)
{
  char *buf = NULL;
  size_t size = 0;
  FILE *f = open_memstream (&buf, &size);
  struct record_writer w;
  cleanup_error iso_error_t err = NULL;
  record_writer_start (&w, f, 1, &err);
  const size_t n = 2 * RECORD_MARK_EVERY + 11;
  for (size_t i = 0; i < n; i++)
    {
      cJSON *doc = cJSON_CreateObject ();
      cJSON_AddNumberToObject (doc, "v", (double)i);
      cJSON_AddNumberToObject (doc, i % 2 ? "odd" : "even", (double)i);
      record_writer_add (&w, doc, 1000.0 + (double)i, &err);
    }
  record_writer_free (&w);
  fclose (f);
  struct record r;
  ok (record_parse (&r, buf, size, "long", &err) == 0 && r.n == n, "a record of %zu samples", n);
  static const size_t order[] = { 125, 130, 61, 60, 59, 0, 120, 119, 121, 3 };
  bool all = true;
  for (size_t k = 0; k < ARRAY_SIZE (order); k++)
    {
      const cJSON *d = record_sample (&r, order[k], &err);
      const cJSON *v = cJSON_GetObjectItem (d, "v");
      const char *other = order[k] % 2 ? "even" : "odd";
      if (!cJSON_IsNumber (v) || v->valuedouble != (double)order[k] || cJSON_GetObjectItem (d, other))
        {
          all = false;
          diag ("sample %zu is wrong", order[k]);
        }
    }
  ok (all, "samples built in any order are right (forward, back past a mark, back to the start)");
  record_free (&r);
  free (buf);
}

int
main (void)
{
  test_round_trip ();
  test_hostile ();
  test_patch ();
  test_record ();
  test_long_record ();
  return done_testing ();
}
