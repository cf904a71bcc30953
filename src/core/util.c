// SPDX-License-Identifier: GPL-2.0-or-later
/* util.c: aborting allocators, cleanup helpers, small file readers and parsers. */
#define _GNU_SOURCE
#include "isoscope/util.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

static void __attribute__ ((noreturn)) oom (void)
{
  static const char msg[] = "isoscope: out of memory\n";
  if (write (STDERR_FILENO, msg, sizeof msg - 1) < 0)
    abort ();
  abort ();
}

void *
xmalloc (size_t size)
{
  void *p = malloc (size ? size : 1);
  if (!p)
    oom ();
  return p;
}

void *
xzalloc (size_t size)
{
  return xcalloc (1, size);
}

void *
xcalloc (size_t n, size_t size)
{
  void *p = calloc (n ? n : 1, size ? size : 1);
  if (!p)
    oom ();
  return p;
}

void *
xrealloc (void *p, size_t size)
{
  p = realloc (p, size ? size : 1);
  if (!p)
    oom ();
  return p;
}

void *
xreallocarray (void *p, size_t n, size_t size)
{
  if (size && n > SIZE_MAX / size)
    oom ();
  return xrealloc (p, n * size);
}

char *
xstrdup (const char *s)
{
  char *p = strdup (s);
  if (!p)
    oom ();
  return p;
}

char *
xstrndup (const char *s, size_t n)
{
  char *p = strndup (s, n);
  if (!p)
    oom ();
  return p;
}

char *
xasprintf (const char *fmt, ...)
{
  va_list ap;
  char *s;
  va_start (ap, fmt);
  int r = vasprintf (&s, fmt, ap);
  va_end (ap);
  if (r < 0)
    oom ();
  return s;
}

void
cleanup_freep (void *p)
{
  free (*(void **)p);
}

void
cleanup_closep (int *fd)
{
  if (*fd >= 0)
    close (*fd);
}

void
cleanup_fclosep (FILE **f)
{
  if (*f)
    fclose (*f);
}

void
cleanup_closedirp (DIR **d)
{
  if (*d)
    closedir (*d);
}

long
util_read_buf_at (int dirfd, const char *path, char *buf, size_t size)
{
  int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return -errno;
  size_t len = 0;
  while (len + 1 < size)
    {
      ssize_t n = read (fd, buf + len, size - 1 - len);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          int e = errno;
          close (fd);
          return -e;
        }
      if (n == 0)
        break;
      len += (size_t)n;
    }
  close (fd);
  buf[len] = '\0';
  return (long)len;
}

long
util_read_file_at (int dirfd, const char *path, char **out)
{
  cleanup_close int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return -errno;
  size_t cap = 4096, len = 0;
  cleanup_free char *buf = xmalloc (cap);
  for (;;)
    {
      if (len + 1 >= cap)
        {
          cap *= 2;
          buf = xrealloc (buf, cap);
        }
      ssize_t n = read (fd, buf + len, cap - 1 - len);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return -errno;
        }
      if (n == 0)
        break;
      len += (size_t)n;
    }
  buf[len] = '\0';
  *out = steal_pointer (&buf);
  return (long)len;
}

int
util_parse_u64 (const char *s, uint64_t *out)
{
  if (!s || *s < '0' || *s > '9')
    return -EINVAL;
  uint64_t v = 0;
  for (; *s >= '0' && *s <= '9'; s++)
    {
      unsigned d = (unsigned)(*s - '0');
      if (v > (UINT64_MAX - d) / 10)
        return -ERANGE;
      v = v * 10 + d;
    }
  if (*s)
    return -EINVAL;
  *out = v;
  return 0;
}

int
util_parse_int (const char *s, int *out)
{
  uint64_t v;
  int r = util_parse_u64 (s, &v);
  if (r < 0)
    return r;
  if (v > INT32_MAX)
    return -ERANGE;
  *out = (int)v;
  return 0;
}

void
strbuf_add (struct strbuf *b, const char *s, size_t n)
{
  if (b->len + n + 1 > b->cap)
    {
      b->cap = (b->len + n + 1) * 2;
      b->s = xrealloc (b->s, b->cap);
    }
  memcpy (b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

void
strbuf_puts (struct strbuf *b, const char *s)
{
  strbuf_add (b, s, strlen (s));
}

void
strbuf_printf (struct strbuf *b, const char *fmt, ...)
{
  va_list ap;
  char *s;
  va_start (ap, fmt);
  int r = vasprintf (&s, fmt, ap);
  va_end (ap);
  if (r < 0)
    oom ();
  strbuf_add (b, s, (size_t)r);
  free (s);
}

char *
strbuf_steal (struct strbuf *b)
{
  char *s = b->s ? b->s : xstrdup ("");
  b->s = NULL;
  b->len = b->cap = 0;
  return s;
}

bool
util_path_under (const char *path, const char *dir)
{
  size_t n = strlen (dir);
  while (n > 1 && dir[n - 1] == '/')
    n--;
  return path && strncmp (path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/' || n == 1);
}

char *
util_escape (const char *s)
{
  struct strbuf b = { 0 };
  strbuf_puts (&b, "");
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    {
      if (*p < 0x20 || *p == 0x7f || *p == '\\')
        strbuf_printf (&b, "\\x%02x", *p);
      else
        strbuf_add (&b, (const char *)p, 1);
    }
  return strbuf_steal (&b);
}

struct user_cache_entry
{
  unsigned uid;
  char *name;
};
static struct user_cache_entry *user_cache;
static size_t user_cache_len;

const char *
util_user_name (unsigned uid)
{
  for (size_t i = 0; i < user_cache_len; i++)
    if (user_cache[i].uid == uid)
      return user_cache[i].name;
  struct passwd *pw = getpwuid (uid);
  user_cache = xreallocarray (user_cache, user_cache_len + 1, sizeof *user_cache);
  user_cache[user_cache_len].uid = uid;
  user_cache[user_cache_len].name = pw ? xstrdup (pw->pw_name) : xasprintf ("%u", uid);
  return user_cache[user_cache_len++].name;
}

struct linux_dirent64
{
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

void
dirscan_init (struct dirscan *d, int fd)
{
  d->fd = fd;
  d->pos = d->len = 0;
}

const char *
dirscan_next (struct dirscan *d)
{
  for (;;)
    {
      if (d->pos >= d->len)
        {
          long n = syscall (SYS_getdents64, d->fd, d->buf, sizeof d->buf);
          if (n <= 0)
            return NULL;
          d->len = n;
          d->pos = 0;
        }
      struct linux_dirent64 *e = (struct linux_dirent64 *)(d->buf + d->pos);
      d->pos += e->d_reclen;
      d->type = e->d_type;
      if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
        continue;
      return e->d_name;
    }
}

double
util_monotonic_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
