// SPDX-License-Identifier: GPL-2.0-or-later
/* record.c: `isoscope record`, successive samples of the model appended to a file as they are taken. */
#define _GNU_SOURCE
#include "isoscope/cli.h"
#include "isoscope/error.h"
#include "isoscope/model.h"
#include "isoscope/snapshot.h"
#include "isoscope/util.h"

#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum
{
  OPT_INTERVAL = OPT_GLOBAL_END,
  OPT_COUNT,
  OPT_DURATION,
};

const struct cli_opt record_opts[] = {
  { "output", 'o', required_argument, "<file>", "the record file (required; replaced)" },
  { "interval", OPT_INTERVAL, required_argument, "<seconds>", "time between samples (default 5)" },
  { "count", OPT_COUNT, required_argument, "<n>", "stop after <n> samples" },
  { "duration", OPT_DURATION, required_argument, "<seconds>", "stop after <seconds>" },
  { NULL, 0, 0, NULL, NULL },
};

static volatile sig_atomic_t record_stop;

static void
on_signal (int sig)
{
  (void)sig;
  record_stop = 1;
}

static void
usage (FILE *out)
{
  fputs ("Usage:\n isoscope record -o <file> [options]\n\n"
         "Take a sample of the whole model every interval and append it to <file>: one JSON\n"
         "line per sample, each holding only what changed since the one before, flushed as\n"
         "it is written (a recorder that is killed leaves every finished sample readable).\n"
         "Without --count or --duration it runs until SIGINT or SIGTERM.  Read it back with\n"
         "'isoscope top --load <file>' or any read-only command with --load <file> --at <time>.\n",
         out);
  cli_print_options (out, record_opts);
  fputs ("\nExit status: 0 success, 1 bad usage or failure.\n"
         "For more details see isoscope-record(1).\n",
         out);
}

static int
parse_seconds (const char *arg, double max, double *out)
{
  char *end;
  errno = 0;
  double v = strtod (arg, &end);
  if (errno || end == arg || *end || !isfinite (v) || !(v > 0) || v > max)
    return -1;
  *out = v;
  return 0;
}

/* Sleep until the monotonic time T, or until a signal asks to stop. */
static void
sleep_until (double t)
{
  while (!record_stop)
    {
      double d = t - util_monotonic_now ();
      if (d <= 0)
        return;
      struct timespec ts = { (time_t)d, (long)((d - floor (d)) * 1e9) };
      nanosleep (&ts, NULL);
    }
}

int
cmd_record (int argc, char **argv)
{
  const char *output = NULL;
  double interval = 5, duration = 0;
  long count = 0;
  cleanup_parser struct cli_parser parser;
  cli_parser_init (&parser, record_opts);
  int opt;
  while ((opt = cli_getopt (&parser, argc, argv)) != -1)
    {
      if (cli_global_option (opt, optarg))
        continue;
      switch (opt)
        {
        case 'o':
          output = optarg;
          break;
        case OPT_INTERVAL:
          if (parse_seconds (optarg, 86400, &interval) < 0)
            {
              fprintf (stderr, "isoscope record: invalid interval: '%s' (seconds, 0 < N <= 86400)\n", optarg);
              return cli_try_help ("record");
            }
          break;
        case OPT_DURATION:
          if (parse_seconds (optarg, 1e9, &duration) < 0)
            {
              fprintf (stderr, "isoscope record: invalid duration: '%s' (seconds, more than 0)\n", optarg);
              return cli_try_help ("record");
            }
          break;
        case OPT_COUNT:
          {
            int n;
            if (util_parse_int (optarg, &n) < 0 || n <= 0)
              {
                fprintf (stderr, "isoscope record: invalid count: '%s' (a number of samples, 1 or more)\n", optarg);
                return cli_try_help ("record");
              }
            count = n;
          }
          break;
        case 'h':
          usage (stdout);
          return ISO_EXIT_OK;
        default:
          return cli_try_help ("record");
        }
    }
  if (optind < argc)
    {
      fprintf (stderr, "isoscope record: unexpected argument: '%s'\n", argv[optind]);
      return cli_try_help ("record");
    }
  if (!output || !*output)
    {
      fprintf (stderr, "isoscope record: -o <file> is needed\n");
      return cli_try_help ("record");
    }
  if (count && duration)
    {
      fprintf (stderr, "isoscope record: --count and --duration are mutually exclusive\n");
      return cli_try_help ("record");
    }
  if (cli_refuse_load ("record"))
    return cli_try_help ("record");

  cleanup_file FILE *f = fopen (output, "we");
  if (!f)
    {
      fprintf (stderr, "isoscope record: cannot open %s: %s\n", output, strerror (errno));
      return ISO_EXIT_FAILURE;
    }
  struct sigaction sa = { .sa_handler = on_signal };
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  cleanup_error iso_error_t err = NULL;
  struct record_writer w;
  int rc = ISO_EXIT_OK;
  if (record_writer_start (&w, f, interval, &err) < 0)
    goto fail;
  double start = util_monotonic_now ();
  for (long i = 0; !record_stop; i++)
    {
      if (count && i >= count)
        break;
      if (duration && i > 0 && util_monotonic_now () - start > duration)
        break;
      struct iso_model *m = NULL;
      struct iso_collect_opts co = { .sysroot = iso_global.sysroot, .flags = COLLECT_ALL | COLLECT_NETNSID };
      if (iso_model_collect (&m, &co, &err) < 0)
        goto fail;
      double t = (double)m->scan.time.tv_sec + (double)m->scan.time.tv_nsec / 1e9;
      cJSON *doc = snapshot_to_json (m);
      iso_model_free (m);
      if (record_writer_add (&w, doc, t, &err) < 0)
        goto fail;
      if ((count && i + 1 >= count) || (duration && util_monotonic_now () - start + interval > duration + 1e-3))
        break;
      sleep_until (start + (double)(i + 1) * interval);
    }
  record_writer_free (&w);
  return rc;

fail:
  fprintf (stderr, "isoscope record: %s: %s\n", output, err->msg);
  record_writer_free (&w);
  return ISO_EXIT_FAILURE;
}
