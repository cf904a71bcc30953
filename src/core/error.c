// SPDX-License-Identifier: GPL-2.0-or-later
/* error.c: the error object (create, wrap, print, release). */
#define _GNU_SOURCE
#include "isoscope/error.h"
#include "isoscope/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *__attribute__ ((format (printf, 2, 0))) vformat (int status, const char *fmt, va_list ap)
{
  char *s;
  if (vasprintf (&s, fmt, ap) < 0)
    s = xstrdup (fmt);
  if (status > 0)
    {
      char *t = xasprintf ("%s: %s", s, strerror (status));
      free (s);
      s = t;
    }
  return s;
}

int
iso_make_error (iso_error_t *err, int status, const char *fmt, ...)
{
  if (status < 0)
    status = -status;
  if (err)
    {
      va_list ap;
      va_start (ap, fmt);
      char *msg = vformat (status, fmt, ap);
      va_end (ap);
      if (*err)
        iso_error_release (err);
      *err = xzalloc (sizeof **err);
      (*err)->status = status;
      (*err)->msg = msg;
    }
  return -status - 1;
}

int
iso_error_wrap (iso_error_t *err, const char *fmt, ...)
{
  if (!err || !*err)
    return -1;
  va_list ap;
  va_start (ap, fmt);
  char *prefix = vformat (0, fmt, ap);
  va_end (ap);
  char *msg = xasprintf ("%s: %s", prefix, (*err)->msg);
  free (prefix);
  free ((*err)->msg);
  (*err)->msg = msg;
  return -(*err)->status - 1;
}

void
iso_error_release (iso_error_t *err)
{
  if (err && *err)
    {
      free ((*err)->msg);
      free (*err);
      *err = NULL;
    }
}

void
iso_error_print (iso_error_t *err)
{
  if (err && *err)
    fprintf (stderr, "isoscope: %s\n", (*err)->msg);
  iso_error_release (err);
}
