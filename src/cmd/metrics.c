// SPDX-License-Identifier: GPL-2.0-or-later
/* metrics.c: `isoscope metrics`, the model as Prometheus metrics on stdout, in a textfile or over HTTP. */
#define _GNU_SOURCE
#include "isoscope/cgrows.h"
#include "isoscope/cli.h"
#include "isoscope/error.h"
#include "isoscope/model.h"
#include "isoscope/prom.h"
#include "isoscope/util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TEXTFILE_NAME "isoscope.prom"

enum
{
  OPT_TEXTFILE = OPT_GLOBAL_END,
  OPT_INTERVAL,
  OPT_LISTEN,
  OPT_MAX_CONNECTIONS,
  OPT_DEPTH,
  OPT_LIST_METRICS,
};

const struct cli_opt metrics_opts[] = {
  { "textfile", OPT_TEXTFILE, required_argument, "<dir>",
    "write <dir>/" TEXTFILE_NAME " atomically, for node_exporter's textfile collector" },
  { "interval", OPT_INTERVAL, required_argument, "<seconds>",
    "with --textfile: write the file again every <seconds> until SIGTERM" },
  { "listen", OPT_LISTEN, required_argument, "<[addr:]port>",
    "serve GET /metrics over HTTP; on 127.0.0.1 unless an address is given" },
  { "max-connections", OPT_MAX_CONNECTIONS, required_argument, "<n>",
    "with --listen: HTTP connections at once, more are closed (default 8)" },
  { "all", 'a', no_argument, NULL, "every cgroup, not only the root, top level, containers and limited ones" },
  { "depth", OPT_DEPTH, required_argument, "<n>", "no cgroup deeper than <n> levels below the root" },
  { "list-metrics", OPT_LIST_METRICS, no_argument, NULL, "describe every metric family: name, type, unit, help" },
  { NULL, 0, 0, NULL, NULL },
};

static void
usage (FILE *out)
{
  fputs ("Usage:\n isoscope metrics [options]\n\n"
         "Print the host's namespaces, cgroups and containers as Prometheus metrics (text\n"
         "exposition format 0.0.4), write them for node_exporter's textfile collector, or\n"
         "serve them over HTTP.\n",
         out);
  cli_print_options (out, metrics_opts);
  fputs ("\nExit status: 0 success (and a clean stop on SIGTERM), 1 bad usage or failure.\n"
         "For more details see isoscope-metrics(1).\n",
         out);
}

struct metrics_ctx
{
  struct prom_opts po;
};

/* One scan and its exposition.  NULL (with the reason on stderr) when the scan failed. */
static char *
metrics_scrape (void *arg, size_t *len)
{
  const struct metrics_ctx *mc = arg;
  cleanup_error iso_error_t err = NULL;
  struct iso_collect_opts co = { .sysroot = iso_global.sysroot, .flags = COLLECT_CGROUPS | COLLECT_STATUS };
  struct iso_model *m = NULL;
  if (iso_model_collect (&m, &co, &err) < 0)
    {
      fprintf (stderr, "isoscope metrics: %s\n", err->msg);
      return NULL;
    }
  struct cg_rows rows = { 0 };
  bool have_rows = false;
  if (m->cg)
    {
      /* The rows take the model's tree over; the processes still point into it, so the
         model goes first. */
      cleanup_error iso_error_t cgerr = NULL;
      have_rows = cg_rows_from_tree (&rows, steal_pointer (&m->cg), NULL, &cgerr) == 0;
      if (!have_rows)
        cg_rows_free (&rows);
    }
  struct strbuf b = { 0 };
  prom_render (&b, m, have_rows ? &rows : NULL, &mc->po);
  iso_model_free (m);
  cg_rows_free (&rows);
  *len = b.len;
  return strbuf_steal (&b);
}

/* Replace DIR/isoscope.prom with TEXT: a temporary file beside it (a name the textfile
   collector skips), flushed to disk, then renamed over the old one. */
static int
write_textfile (const char *dir, const char *text, size_t len, iso_error_t *err)
{
  cleanup_free char *tmp = xasprintf ("%s/." TEXTFILE_NAME ".XXXXXX", dir);
  cleanup_free char *dst = xasprintf ("%s/" TEXTFILE_NAME, dir);
  int fd = mkostemp (tmp, O_CLOEXEC);
  if (fd < 0)
    return iso_make_error (err, errno, "cannot create a file in %s", dir);
  int e = 0;
  for (size_t off = 0; off < len && !e;)
    {
      ssize_t n = write (fd, text + off, len - off);
      if (n < 0 && errno != EINTR)
        e = errno;
      else if (n > 0)
        off += (size_t)n;
    }
  if (!e && (fchmod (fd, 0644) < 0 || fsync (fd) < 0))
    e = errno;
  if (close (fd) < 0 && !e)
    e = errno;
  if (!e && rename (tmp, dst) < 0)
    e = errno;
  if (e)
    {
      unlink (tmp);
      return iso_make_error (err, e, "cannot write %s", dst);
    }
  return 0;
}

/* The textfile, once or every INTERVAL seconds until a stop signal. */
static int
run_textfile (struct metrics_ctx *mc, const char *dir, double interval)
{
  sigset_t stop, old;
  prom_block_stop_signals (&stop, &old);
  int rc = ISO_EXIT_OK;
  for (;;)
    {
      size_t len;
      cleanup_free char *text = metrics_scrape (mc, &len);
      cleanup_error iso_error_t err = NULL;
      if (!text)
        rc = ISO_EXIT_FAILURE;
      else if (write_textfile (dir, text, len, &err) < 0)
        {
          fprintf (stderr, "isoscope metrics: %s\n", err->msg);
          rc = ISO_EXIT_FAILURE;
        }
      /* Once: report the failure.  Repeating: a failed round is retried at the next. */
      if (interval <= 0)
        break;
      struct timespec ts = { (time_t)interval, (long)((interval - (double)(time_t)interval) * 1e9) };
      if (sigtimedwait (&stop, NULL, &ts) >= 0)
        {
          rc = ISO_EXIT_OK;
          break;
        }
    }
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  return rc;
}

static int bad_usage (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
static int
bad_usage (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fputs ("isoscope metrics: ", stderr);
  vfprintf (stderr, fmt, ap);
  fputc ('\n', stderr);
  va_end (ap);
  return cli_try_help ("metrics");
}

int
cmd_metrics (int argc, char **argv)
{
  struct metrics_ctx mc = { .po = { .depth = -1 } };
  const char *textfile = NULL, *listen = NULL;
  double interval = 0;
  int max_conn = 8;
  cleanup_parser struct cli_parser parser;
  cli_parser_init (&parser, metrics_opts);
  int opt;
  while ((opt = cli_getopt (&parser, argc, argv)) != -1)
    {
      if (cli_global_option (opt, optarg))
        continue;
      switch (opt)
        {
        case OPT_TEXTFILE:
          textfile = optarg;
          break;
        case OPT_INTERVAL:
          {
            char *end;
            errno = 0;
            interval = strtod (optarg, &end);
            if (errno || *end || !(interval > 0) || interval > 86400)
              return bad_usage ("invalid interval: '%s' (seconds, 0 < N <= 86400)", optarg);
          }
          break;
        case OPT_LISTEN:
          listen = optarg;
          break;
        case OPT_MAX_CONNECTIONS:
          if (util_parse_int (optarg, &max_conn) < 0 || max_conn < 1 || max_conn > 1024)
            return bad_usage ("invalid connection limit: '%s' (1-1024)", optarg);
          break;
        case 'a':
          mc.po.all = true;
          break;
        case OPT_DEPTH:
          if (util_parse_int (optarg, &mc.po.depth) < 0 || mc.po.depth < 0)
            return bad_usage ("invalid depth: '%s'", optarg);
          break;
        case OPT_LIST_METRICS:
          prom_list_families (stdout);
          return ISO_EXIT_OK;
        case 'h':
          usage (stdout);
          return ISO_EXIT_OK;
        default:
          return cli_try_help ("metrics");
        }
    }
  if (optind < argc)
    return bad_usage ("unexpected argument: '%s'", argv[optind]);
  if (textfile && listen)
    return bad_usage ("%s", "--textfile and --listen are mutually exclusive");
  if (interval > 0 && !textfile)
    return bad_usage ("%s", "--interval goes with --textfile");
  if (textfile)
    {
      struct stat st;
      if (stat (textfile, &st) < 0)
        {
          fprintf (stderr, "isoscope metrics: cannot use --textfile '%s': %s\n", textfile, strerror (errno));
          return ISO_EXIT_FAILURE;
        }
      if (!S_ISDIR (st.st_mode))
        {
          fprintf (stderr, "isoscope metrics: --textfile needs a directory: '%s'\n", textfile);
          return ISO_EXIT_FAILURE;
        }
      return run_textfile (&mc, textfile, interval);
    }
  if (listen)
    {
      cleanup_error iso_error_t err = NULL;
      struct prom_http_opts ho = { listen, (unsigned)max_conn, 16 * 1024, 10 };
      if (prom_http_serve (&ho, metrics_scrape, &mc, &err) < 0)
        {
          fprintf (stderr, "isoscope metrics: %s\n", err->msg);
          return err->status == EINVAL ? cli_try_help ("metrics") : ISO_EXIT_FAILURE;
        }
      return ISO_EXIT_OK;
    }
  size_t len;
  cleanup_free char *text = metrics_scrape (&mc, &len);
  if (!text)
    return ISO_EXIT_FAILURE;
  if (fwrite (text, 1, len, stdout) != len || fflush (stdout) != 0)
    {
      fprintf (stderr, "isoscope metrics: cannot write the output: %s\n", strerror (errno));
      return ISO_EXIT_FAILURE;
    }
  return ISO_EXIT_OK;
}
