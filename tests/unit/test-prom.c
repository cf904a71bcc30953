// SPDX-License-Identifier: GPL-2.0-or-later
/* test-prom.c: the metric table's invariants, label escaping, listen addresses and the rendering of a small model. */
#define _GNU_SOURCE
#include "isoscope/prom.h"
#include "isoscope/ns.h"
#include "tap.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

static char *
escaped (const char *s)
{
  struct strbuf b = { 0 };
  strbuf_puts (&b, "");
  prom_escape_label (&b, s);
  return strbuf_steal (&b);
}

static void
test_escape (void)
{
  static const struct
  {
    const char *in, *want, *what;
  } cases[] = {
    { "/system.slice/a.service", "/system.slice/a.service", "plain text unchanged" },
    { "a\"b", "a\\\"b", "double quote" },
    { "a\\b", "a\\\\b", "backslash" },
    { "a\nb", "a\\nb", "newline" },
    { "tab\there", "tab\there", "a tab is kept (the format allows it)" },
    { "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "valid UTF-8 kept" },
    { "a\xff"
      "b",
      "a\xef\xbf\xbd"
      "b",
      "a lone 0xff" },
    { "end\xe2\x82", "end\xef\xbf\xbd\xef\xbf\xbd", "a sequence cut by the end of the string" },
    { "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd", "an overlong two-byte form" },
    { "\xe0\x80\xaf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "an overlong three-byte form" },
    { "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "a UTF-16 surrogate" },
    { "\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "past U+10FFFF" },
    { "\"\\\n", "\\\"\\\\\\n", "all three escapes in a row" },
  };
  for (size_t i = 0; i < ARRAY_SIZE (cases); i++)
    {
      char *got = escaped (cases[i].in);
      is_str (got, cases[i].want, "escape: %s", cases[i].what);
      free (got);
    }
}

static void
test_table (void)
{
  size_t nfam = 0;
  for (size_t i = 0; i < prom_nseries; i++)
    {
      const struct prom_series *s = &prom_series[i];
      ok (s->scope != PSC_CGROUP || (s->src >= 0 && s->src < CGF_COUNT) || s->src == PV_CG_PROCS
              || s->src == PV_CG_THREADS,
          "%s (%zu): a cgroup series reads a cgroup field", s->name, i);
      if (!s->help)
        {
          ok (i > 0 && strcmp (prom_series[i - 1].name, s->name) == 0,
              "%s: a further series follows its family's others", s->name);
          continue;
        }
      nfam++;
      bool again = false;
      for (size_t k = i + 1; k < prom_nseries; k++)
        if (strcmp (prom_series[k].name, s->name) == 0
            && (prom_series[k].help || strcmp (prom_series[k - 1].name, s->name)))
          again = true;
      ok (!again, "%s: one family, in one piece", s->name);
      size_t n = strlen (s->name);
      bool total = n > 6 && strcmp (s->name + n - 6, "_total") == 0;
      ok (total == (s->type == PROM_COUNTER), "%s: _total if and only if a counter", s->name);
      char suffix[32];
      snprintf (suffix, sizeof suffix, "_%s%s", s->unit, total ? "_total" : "");
      ok (!*s->unit || (n > strlen (suffix) && strcmp (s->name + n - strlen (suffix), suffix) == 0),
          "%s: its unit '%s' is in its name", s->name, s->unit);
      ok (strncmp (s->name, "isoscope_", 9) == 0, "%s: prefixed isoscope_", s->name);
      ok (s->decimals >= 0 && s->decimals <= 9, "%s: 0 to 9 decimals", s->name);
    }
  ok (nfam > 40, "%zu families", nfam);
  /* No two series of a family with the same constant labels. */
  for (size_t i = 0; i < prom_nseries; i++)
    for (size_t k = i + 1; k < prom_nseries; k++)
      if (strcmp (prom_series[i].name, prom_series[k].name) == 0)
        ok (strcmp (prom_series[i].labels ? prom_series[i].labels : "",
                    prom_series[k].labels ? prom_series[k].labels : "")
                != 0,
            "%s: series %zu and %zu differ in their labels", prom_series[i].name, i, k);
}

static void
test_listen (void)
{
  static const struct
  {
    const char *in;
    int family;
    const char *addr;
    int port;
  } good[] = {
    { "9617", AF_INET, "127.0.0.1", 9617 },     { ":9617", AF_INET, "127.0.0.1", 9617 },
    { "localhost:1", AF_INET, "127.0.0.1", 1 }, { "0.0.0.0:65535", AF_INET, "0.0.0.0", 65535 },
    { "10.1.2.3:80", AF_INET, "10.1.2.3", 80 }, { "[::1]:9617", AF_INET6, "::1", 9617 },
    { "[::]:9617", AF_INET6, "::", 9617 },
  };
  for (size_t i = 0; i < ARRAY_SIZE (good); i++)
    {
      struct sockaddr_storage ss;
      iso_error_t err = NULL;
      int r = prom_parse_listen (good[i].in, &ss, &err);
      char name[INET6_ADDRSTRLEN] = "";
      int port = 0;
      if (r == 0 && ss.ss_family == AF_INET)
        {
          inet_ntop (AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, name, sizeof name);
          port = ntohs (((struct sockaddr_in *)&ss)->sin_port);
        }
      else if (r == 0)
        {
          inet_ntop (AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, name, sizeof name);
          port = ntohs (((struct sockaddr_in6 *)&ss)->sin6_port);
        }
      ok (r == 0 && ss.ss_family == good[i].family && strcmp (name, good[i].addr) == 0 && port == good[i].port,
          "listen '%s' is %s port %d", good[i].in, good[i].addr, good[i].port);
      iso_error_release (&err);
    }
  static const char *const bad[] = { "",           "0",          "65536",         "-5",
                                     "x",          "127.0.0.1:", "1.2.3:9",       "::1:9",
                                     "[::1]9",     "[::1",       "example.org:9", "127.0.0.1:80x",
                                     "[1.2.3.4]:9" };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      struct sockaddr_storage ss;
      iso_error_t err = NULL;
      int r = prom_parse_listen (bad[i], &ss, &err);
      ok (r < 0 && err && strstr (err->msg, bad[i]), "listen '%s' is refused, naming it", bad[i]);
      iso_error_release (&err);
    }
}

/* A model with two processes, one in a net namespace of its own, and no cgroups. */
static void
test_render (void)
{
  struct iso_model *m = iso_model_new ();
  snprintf (m->scan.kernel, sizeof m->scan.kernel, "6.1.0-\"test\"");
  m->scan.time.tv_sec = 1700000000;
  m->scan.time.tv_nsec = 5000000;
  for (pid_t pid = 2; pid <= 3; pid++)
    {
      struct iso_proc *p = iso_model_add_proc (m, pid);
      for (int t = 0; t < NS_TYPE_COUNT; t++)
        {
          uint64_t ino = t == NS_NET && pid == 3 ? 4026532999 : 4026531832 + (uint64_t)t;
          p->ns[t] = iso_model_get_ns (m, (enum ns_type)t, ino, NULL);
        }
    }
  iso_model_finish (m);
  struct strbuf b = { 0 };
  struct prom_opts o = { .depth = -1 };
  prom_render (&b, m, NULL, &o);
  ok (b.s && strstr (b.s, "isoscope_host_info{kernel=\"6.1.0-\\\"test\\\"\",cgroup_mode=\"none\"} 1\n"),
      "host info with the kernel escaped and no cgroups");
  ok (b.s && strstr (b.s, "isoscope_scan_timestamp_seconds 1700000000.005\n"), "the scan time in seconds");
  ok (b.s && strstr (b.s, "isoscope_namespaces{type=\"net\"} 2\n"), "two net namespaces");
  ok (b.s && strstr (b.s, "isoscope_namespaces{type=\"uts\"} 1\n"), "one uts namespace");
  ok (b.s && strstr (b.s, "isoscope_processes 2\n"), "two processes");
  ok (b.s && !strstr (b.s, "isoscope_cgroup"), "no cgroup family without cgroups");
  ok (b.s && !strstr (b.s, "isoscope_container_info"), "no container info family without containers");
  ok (b.s && strstr (b.s, "# HELP isoscope_namespaces ") && strstr (b.s, "# TYPE isoscope_namespaces gauge\n")
          && strstr (b.s, "# TYPE isoscope_namespaces gauge\nisoscope_namespaces{"),
      "HELP and TYPE right before the samples");
  free (b.s);
  iso_model_free (m);
}

int
main (void)
{
  test_escape ();
  test_table ();
  test_listen ();
  test_render ();
  return done_testing ();
}
