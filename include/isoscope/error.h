/* SPDX-License-Identifier: GPL-2.0-or-later */
/* error.h: the error object every core function reports failures through. */
#ifndef ISOSCOPE_ERROR_H
#define ISOSCOPE_ERROR_H

/* A failure: an errno-style status (0 when none applies) and a message.
   Functions that can fail take `iso_error_t *err`, leave it NULL on success,
   and on failure allocate it and return a negative value.  The caller owns it
   and releases it with iso_error_release(). */
struct iso_error
{
  int status;
  char *msg;
};
typedef struct iso_error *iso_error_t;

/* Fill *ERR (if ERR is not NULL) with STATUS and the formatted message; when
   STATUS is not 0, ": strerror(STATUS)" is appended.  Returns -STATUS - 1,
   always negative, so `return iso_make_error (err, errno, "open %s", p);` works. */
int iso_make_error (iso_error_t *err, int status, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));

/* Prefix context to an existing error on its way up; returns the same value as iso_make_error. */
int iso_error_wrap (iso_error_t *err, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

void iso_error_release (iso_error_t *err);
#define cleanup_error __attribute__ ((cleanup (iso_error_release)))

/* Print "isoscope: MSG" to stderr and release the error. */
void iso_error_print (iso_error_t *err);

/* Documented exit codes of the command-line tool. */
enum
{
  ISO_EXIT_OK = 0,
  ISO_EXIT_FAILURE = 1,   /* bad usage or an operation that failed */
  ISO_EXIT_NOT_FOUND = 2, /* a named target or namespace does not exist */
};

#endif
