// SPDX-License-Identifier: GPL-2.0-or-later
/* test-error.c: the error object: make, wrap, release, NULL handling, printing. */
#define _GNU_SOURCE
#include "isoscope/error.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
test_make (void)
{
  iso_error_t err = NULL;
  int r = iso_make_error (&err, ENOENT, "cannot open %s", "/x/proc");
  is_int (r, -ENOENT - 1, "make_error returns -status-1");
  ok (r < 0, "make_error returns a negative value");
  ok (err != NULL, "make_error fills the error");
  if (!err)
    return;
  is_int (err->status, ENOENT, "status is kept");
  is_str (err->msg, "cannot open /x/proc: No such file or directory", "message gets ': strerror'");
  ok (strstr (err->msg, strerror (ENOENT)) != NULL, "message contains strerror text");
  iso_error_release (&err);
  ok (err == NULL, "release sets the pointer to NULL");
  iso_error_release (&err);
  ok (err == NULL, "releasing twice is harmless");
  iso_error_release (NULL);
  ok (1, "release (NULL) is harmless");

  r = iso_make_error (&err, 0, "unknown column: %s", "FOO");
  is_int (r, -1, "status 0 still returns a negative value (-1)");
  is_str (err ? err->msg : NULL, "unknown column: FOO", "status 0 adds no strerror");
  is_int (err ? err->status : -99, 0, "status 0 kept");
  iso_error_release (&err);

  r = iso_make_error (&err, -EACCES, "open");
  is_int (r, -EACCES - 1, "a negative status is taken as its absolute value");
  is_int (err ? err->status : -99, EACCES, "stored status is positive");
  is_str (err ? err->msg : NULL, "open: Permission denied", "negative status message");
  iso_error_release (&err);

  r = iso_make_error (NULL, EPERM, "no error object");
  is_int (r, -EPERM - 1, "a NULL error pointer is allowed and the value still returned");

  /* A second make on a filled error replaces it (the old one is freed; ASan checks for a leak). */
  iso_make_error (&err, ENOENT, "first");
  iso_make_error (&err, ESRCH, "second");
  is_str (err ? err->msg : NULL, "second: No such process", "make over an existing error replaces it");
  is_int (err ? err->status : -99, ESRCH, "status of the replacement");
  iso_error_release (&err);

  /* A message longer than any fixed buffer. */
  char big[3000];
  memset (big, 'p', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  iso_make_error (&err, ENOENT, "%s", big);
  ok (err && strlen (err->msg) == sizeof big - 1 + strlen (": No such file or directory"), "long messages are not cut");
  iso_error_release (&err);
}

static void
test_wrap (void)
{
  iso_error_t err = NULL;
  iso_make_error (&err, EACCES, "open %s", "ns/net");
  int r = iso_error_wrap (&err, "pid %d", 42);
  is_int (r, -EACCES - 1, "wrap returns the same value as make");
  is_str (err ? err->msg : NULL, "pid 42: open ns/net: Permission denied", "wrap prefixes context");
  is_int (err ? err->status : -99, EACCES, "wrap keeps the status");
  is_int (iso_error_wrap (&err, "scan"), -EACCES - 1, "wrap of a wrapped error returns the same value again");
  is_str (err ? err->msg : NULL, "scan: pid 42: open ns/net: Permission denied", "wrap twice nests");
  iso_error_release (&err);

  iso_make_error (&err, 0, "bad");
  is_int (iso_error_wrap (&err, "ctx"), -1, "wrap of a status-0 error returns -1");
  is_str (err ? err->msg : NULL, "ctx: bad", "wrap of a status-0 error adds no strerror");
  iso_error_release (&err);

  is_int (iso_error_wrap (&err, "nothing"), -1, "wrap with no error returns -1");
  ok (err == NULL, "wrap with no error creates none");
  is_int (iso_error_wrap (NULL, "nothing"), -1, "wrap (NULL) returns -1");
}

static void
test_cleanup_and_print (void)
{
  {
    cleanup_error iso_error_t e = NULL;
    iso_make_error (&e, ENOMEM, "scoped");
    ok (e != NULL, "cleanup_error: error made in a scope (freed at its end; ASan checks)");
  }

  /* iso_error_print writes "isoscope: MSG\n" to stderr and releases. */
  char tmpl[] = "/tmp/isoscope-test-error-XXXXXX";
  int fd = mkstemp (tmpl);
  ok (fd >= 0, "mkstemp for stderr");
  if (fd < 0)
    return;
  fflush (stderr);
  int saved = dup (STDERR_FILENO);
  dup2 (fd, STDERR_FILENO);
  iso_error_t err = NULL;
  iso_make_error (&err, ENOENT, "cannot open %s", "/nonexistent/proc");
  iso_error_print (&err);
  iso_error_print (&err); /* nothing left: prints nothing */
  fflush (stderr);
  dup2 (saved, STDERR_FILENO);
  close (saved);
  ok (err == NULL, "print releases the error");
  char buf[256] = "";
  ssize_t n = pread (fd, buf, sizeof buf - 1, 0);
  buf[n > 0 ? n : 0] = '\0';
  is_str (buf, "isoscope: cannot open /nonexistent/proc: No such file or directory\n",
          "print writes one prefixed line to stderr");
  close (fd);
  unlink (tmpl);
}

int
main (void)
{
  test_make ();
  test_wrap ();
  test_cleanup_and_print ();
  return done_testing ();
}
