/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util.h: aborting allocators, cleanup attributes, ownership moves and small file helpers. */
#ifndef ISOSCOPE_UTIL_H
#define ISOSCOPE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <dirent.h>

#define ARRAY_SIZE(a) (sizeof (a) / sizeof ((a)[0]))

/* Allocators: never return NULL; on exhaustion they print and abort. */
void *xmalloc (size_t size);
void *xzalloc (size_t size);
void *xcalloc (size_t n, size_t size);
void *xrealloc (void *p, size_t size);
void *xreallocarray (void *p, size_t n, size_t size);
char *xstrdup (const char *s);
char *xstrndup (const char *s, size_t n);
char *xasprintf (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

/* Cleanup attributes for locals. */
void cleanup_freep (void *p);
void cleanup_closep (int *fd);
void cleanup_fclosep (FILE **f);
void cleanup_closedirp (DIR **d);
#define cleanup_free __attribute__ ((cleanup (cleanup_freep)))
#define cleanup_close __attribute__ ((cleanup (cleanup_closep)))
#define cleanup_file __attribute__ ((cleanup (cleanup_fclosep)))
#define cleanup_dir __attribute__ ((cleanup (cleanup_closedirp)))

/* Ownership moves: return the value and reset the variable so cleanup does nothing. */
static inline void *
steal_pointer_impl (void *pp)
{
  void **p = pp;
  void *v = *p;
  *p = NULL;
  return v;
}
#define steal_pointer(pp) ((__typeof__ (*(pp)))steal_pointer_impl (pp))

static inline int
take_fd (int *fd)
{
  int v = *fd;
  *fd = -1;
  return v;
}

/* Read a whole small file relative to DIRFD into a NUL-terminated buffer.
   Returns the length, or -errno.  *OUT is owned by the caller. */
long util_read_file_at (int dirfd, const char *path, char **out);

/* Read into a caller buffer (NUL-terminated, truncated to size-1).  Returns length or -errno. */
long util_read_buf_at (int dirfd, const char *path, char *buf, size_t size);

/* Strict decimal parsers: the whole string must be a number in range.  0 or -EINVAL/-ERANGE. */
int util_parse_u64 (const char *s, uint64_t *out);
int util_parse_int (const char *s, int *out);

/* Directory listing straight from getdents64 on an fd the caller owns
   (cheaper than fdopendir, which adds fcntl and fstat calls per directory). */
struct dirscan
{
  int fd;
  long pos, len;
  unsigned char type; /* d_type of the entry dirscan_next returned last (DT_UNKNOWN when not known) */
  char buf[8192] __attribute__ ((aligned (8)));
};
void dirscan_init (struct dirscan *d, int fd);
/* The next entry name (not "." or ".."), or NULL at the end or on error. */
const char *dirscan_next (struct dirscan *d);

/* Growable string buffer. */
struct strbuf
{
  char *s;
  size_t len, cap;
};
void strbuf_add (struct strbuf *b, const char *s, size_t n);
void strbuf_puts (struct strbuf *b, const char *s);
void strbuf_printf (struct strbuf *b, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
char *strbuf_steal (struct strbuf *b);

/* Is PATH the directory DIR or below it ("/a" holds "/a/b" but not "/ab")?  false for NULL. */
bool util_path_under (const char *path, const char *dir);

/* A copy of S safe inside one line of output: control bytes and backslashes
   become \xNN.  Caller frees. */
char *util_escape (const char *s);

/* CLOCK_MONOTONIC in seconds. */
double util_monotonic_now (void);

/* Resolve a uid to a user name (cached; the string is owned by the cache). */
const char *util_user_name (unsigned uid);

#endif
