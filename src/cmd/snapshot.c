// SPDX-License-Identifier: GPL-2.0-or-later
/* snapshot.c: `isoscope snapshot`, the whole model of the host as one JSON document. */
#define _GNU_SOURCE
#include "isoscope/cli.h"
#include "isoscope/error.h"
#include "isoscope/model.h"
#include "isoscope/snapshot.h"
#include "isoscope/util.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const struct cli_opt snapshot_opts[] = {
  { "output", 'o', required_argument, "<file>",
    "write to <file> (replaced whole, never half-written) instead of stdout" },
  { NULL, 0, 0, NULL, NULL },
};

static void
usage (FILE *out)
{
  fputs ("Usage:\n isoscope snapshot [options]\n\n"
         "The whole model of the host as one JSON document: the scan summary, processes,\n"
         "namespaces with their holders and relations, cgroups with their values, containers\n"
         "and each process's security context.  Every read-only command reads it back with\n"
         "--load <file>.\n",
         out);
  cli_print_options (out, snapshot_opts);
  fputs ("\nExit status: 0 success, 1 bad usage or failure.\n"
         "For more details (and the document's schema) see isoscope-snapshot(1).\n",
         out);
}

/* Write TEXT to PATH through a temporary file beside it, renamed into place. */
static int
write_atomic (const char *path, const char *text, iso_error_t *err)
{
  cleanup_free char *copy = xstrdup (path);
  cleanup_free char *tmp = xasprintf ("%s/.%s.XXXXXX", dirname (copy), basename ((char *)path));
  int fd = mkstemp (tmp);
  if (fd < 0)
    return iso_make_error (err, errno, "cannot create a file beside %s", path);
  size_t len = strlen (text), off = 0;
  while (off < len)
    {
      ssize_t n = write (fd, text + off, len - off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      off += (size_t)n;
    }
  int e = off < len ? errno : 0;
  if (!e && (fchmod (fd, 0644) < 0 || fsync (fd) < 0))
    e = errno;
  if (close (fd) < 0 && !e)
    e = errno;
  if (!e && rename (tmp, path) < 0)
    e = errno;
  if (e)
    {
      unlink (tmp);
      return iso_make_error (err, e, "cannot write %s", path);
    }
  return 0;
}

int
cmd_snapshot (int argc, char **argv)
{
  const char *output = NULL;
  cleanup_parser struct cli_parser parser;
  cli_parser_init (&parser, snapshot_opts);
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
        case 'h':
          usage (stdout);
          return ISO_EXIT_OK;
        default:
          return cli_try_help ("snapshot");
        }
    }
  if (optind < argc)
    {
      fprintf (stderr, "isoscope snapshot: unexpected argument: '%s'\n", argv[optind]);
      return cli_try_help ("snapshot");
    }
  if (output && !*output)
    {
      fprintf (stderr, "isoscope snapshot: the output file name is empty\n");
      return cli_try_help ("snapshot");
    }
  /* A snapshot of a snapshot (--load) is a plain copy through the loader: allowed. */
  cleanup_error iso_error_t err = NULL;
  struct iso_model *m = NULL;
  struct iso_collect_opts co = { .sysroot = iso_global.sysroot, .flags = COLLECT_ALL | COLLECT_NETNSID };
  if (iso_model_collect (&m, &co, &err) < 0)
    {
      fprintf (stderr, "isoscope snapshot: %s\n", err->msg);
      return ISO_EXIT_FAILURE;
    }
  cJSON *doc = snapshot_to_json (m);
  iso_model_free (m);
  cleanup_free char *text = cJSON_Print (doc);
  cJSON_Delete (doc);
  int rc = ISO_EXIT_OK;
  if (output)
    {
      cleanup_free char *withnl = xasprintf ("%s\n", text);
      if (write_atomic (output, withnl, &err) < 0)
        {
          fprintf (stderr, "isoscope snapshot: %s\n", err->msg);
          rc = ISO_EXIT_FAILURE;
        }
    }
  else if (puts (text) == EOF || fflush (stdout) != 0)
    {
      fprintf (stderr, "isoscope snapshot: cannot write to stdout: %s\n", strerror (errno));
      rc = ISO_EXIT_FAILURE;
    }
  return rc;
}
