// SPDX-License-Identifier: GPL-2.0-or-later
/* test-util.c: strict number parsers, strbuf, xasprintf, file readers, user names. */
#define _GNU_SOURCE
#include "isoscope/util.h"
#include "fixture.h"
#include "tap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void
test_parse_u64 (void)
{
  uint64_t v = 7;
  is_int (util_parse_u64 ("0", &v), 0, "u64: \"0\" parses");
  is_u64 (v, 0, "u64: \"0\" is 0");
  is_int (util_parse_u64 ("4026531840", &v), 0, "u64: an inode number parses");
  is_u64 (v, 4026531840ULL, "u64: value of the inode number");
  is_int (util_parse_u64 ("000042", &v), 0, "u64: leading zeros are fine");
  is_u64 (v, 42, "u64: leading zeros value");
  is_int (util_parse_u64 ("18446744073709551615", &v), 0, "u64: UINT64_MAX parses");
  is_u64 (v, UINT64_MAX, "u64: UINT64_MAX value");
  is_int (util_parse_u64 ("18446744073709551614", &v), 0, "u64: UINT64_MAX-1 parses");
  is_u64 (v, UINT64_MAX - 1, "u64: UINT64_MAX-1 value");

  v = 7;
  is_int (util_parse_u64 ("18446744073709551616", &v), -ERANGE, "u64: UINT64_MAX+1 is -ERANGE");
  is_u64 (v, 7, "u64: output untouched after overflow");
  is_int (util_parse_u64 ("18446744073709551620", &v), -ERANGE, "u64: overflow in the last digit is -ERANGE");
  is_int (util_parse_u64 ("99999999999999999999999", &v), -ERANGE, "u64: far too long is -ERANGE");
  is_int (util_parse_u64 ("184467440737095516150", &v), -ERANGE, "u64: UINT64_MAX*10 is -ERANGE");

  is_int (util_parse_u64 ("", &v), -EINVAL, "u64: empty string is -EINVAL");
  is_int (util_parse_u64 (NULL, &v), -EINVAL, "u64: NULL is -EINVAL");
  is_int (util_parse_u64 ("+1", &v), -EINVAL, "u64: leading + is -EINVAL");
  is_int (util_parse_u64 ("-1", &v), -EINVAL, "u64: leading - is -EINVAL");
  is_int (util_parse_u64 (" 1", &v), -EINVAL, "u64: leading space is -EINVAL");
  is_int (util_parse_u64 ("1 ", &v), -EINVAL, "u64: trailing space is -EINVAL");
  is_int (util_parse_u64 ("1\n", &v), -EINVAL, "u64: trailing newline is -EINVAL");
  is_int (util_parse_u64 ("12a", &v), -EINVAL, "u64: trailing letter is -EINVAL");
  is_int (util_parse_u64 ("0x10", &v), -EINVAL, "u64: hex is -EINVAL");
  is_int (util_parse_u64 ("1e3", &v), -EINVAL, "u64: exponent is -EINVAL");
  is_u64 (v, 7, "u64: output untouched after failures");
}

static void
test_parse_int (void)
{
  int v = -5;
  is_int (util_parse_int ("0", &v), 0, "int: \"0\" parses");
  is_int (v, 0, "int: \"0\" is 0");
  is_int (util_parse_int ("2147483647", &v), 0, "int: INT_MAX parses");
  is_int (v, INT_MAX, "int: INT_MAX value");
  v = -5;
  is_int (util_parse_int ("2147483648", &v), -ERANGE, "int: INT_MAX+1 is -ERANGE");
  is_int (util_parse_int ("4294967296", &v), -ERANGE, "int: 2^32 is -ERANGE (no wrap to 0)");
  is_int (util_parse_int ("18446744073709551616", &v), -ERANGE, "int: beyond u64 is -ERANGE");
  is_int (v, -5, "int: output untouched after overflow");
  /* The strict parsers take unsigned decimal only: pids, fds, tids. */
  is_int (util_parse_int ("-1", &v), -EINVAL, "int: a sign is not accepted (-1)");
  is_int (util_parse_int ("+1", &v), -EINVAL, "int: a sign is not accepted (+1)");
  is_int (util_parse_int (" 1", &v), -EINVAL, "int: leading space is -EINVAL");
  is_int (util_parse_int ("", &v), -EINVAL, "int: empty is -EINVAL");
  is_int (util_parse_int (NULL, &v), -EINVAL, "int: NULL is -EINVAL");
  is_int (util_parse_int ("12abc", &v), -EINVAL, "int: \"12abc\" is -EINVAL");
  is_int (v, -5, "int: output untouched after failures");
}

static void
test_strbuf (void)
{
  struct strbuf b = { 0 };
  char *s = strbuf_steal (&b);
  is_str (s, "", "strbuf: stealing an empty buffer gives \"\"");
  free (s);

  strbuf_puts (&b, "net");
  strbuf_add (&b, ":[", 2);
  strbuf_printf (&b, "%llu]", 4026531840ULL);
  is_int (b.len, strlen ("net:[4026531840]"), "strbuf: len tracks appends");
  is_str (b.s, "net:[4026531840]", "strbuf: puts + add + printf");
  strbuf_add (&b, "xyz", 0);
  is_str (b.s, "net:[4026531840]", "strbuf: adding 0 bytes changes nothing");
  strbuf_add (&b, "a\0b", 3);
  is_int (b.len, 19, "strbuf: add counts embedded NUL bytes");
  ok (b.s[b.len] == '\0', "strbuf: always NUL-terminated");
  s = strbuf_steal (&b);
  ok (b.s == NULL && b.len == 0 && b.cap == 0, "strbuf: steal resets the buffer");
  ok (memcmp (s, "net:[4026531840]a\0b", 20) == 0, "strbuf: stolen bytes are intact");
  free (s);

  /* Growth over many appends. */
  for (int i = 0; i < 10000; i++)
    strbuf_printf (&b, "%d,", i % 10);
  is_int (b.len, 20000, "strbuf: 10000 appends grow the buffer");
  ok (b.cap > b.len, "strbuf: capacity exceeds length");
  ok (strncmp (b.s, "0,1,2,", 6) == 0 && strcmp (b.s + 19994, "7,8,9,") == 0, "strbuf: content after growth");
  free (strbuf_steal (&b));

  char big[5000];
  memset (big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  strbuf_printf (&b, "<%s>", big);
  is_int (b.len, 5001, "strbuf: one printf larger than any small buffer");
  ok (b.s[0] == '<' && b.s[5000] == '>', "strbuf: large printf content");
  free (strbuf_steal (&b));
}

static void
test_xalloc (void)
{
  char *s = xasprintf ("%s:[%u]", "pid", 4026531836U);
  is_str (s, "pid:[4026531836]", "xasprintf formats");
  free (s);
  s = xasprintf ("%s", "");
  is_str (s, "", "xasprintf of an empty string");
  free (s);
  s = xstrndup ("abcdef", 3);
  is_str (s, "abc", "xstrndup cuts");
  free (s);
  int *z = xzalloc (16 * sizeof *z);
  bool zero = true;
  for (int i = 0; i < 16; i++)
    zero = zero && z[i] == 0;
  ok (zero, "xzalloc zeroes");
  free (z);
  void *p = xmalloc (0);
  ok (p != NULL, "xmalloc (0) returns a pointer");
  free (p);
  p = xcalloc (0, 0);
  ok (p != NULL, "xcalloc (0, 0) returns a pointer");
  free (p);
  p = xreallocarray (NULL, 4, 8);
  ok (p != NULL, "xreallocarray from NULL allocates");
  free (p);
}

static void
test_steal (void)
{
  char *owned = xstrdup ("x");
  char *moved = steal_pointer (&owned);
  ok (owned == NULL && moved && moved[0] == 'x', "steal_pointer moves and resets");
  free (moved);
  int fd = 42;
  is_int (take_fd (&fd), 42, "take_fd returns the fd");
  is_int (fd, -1, "take_fd resets the variable to -1");
}

static void
test_read_files (void)
{
  char *text = NULL;
  long n = util_read_file_at (AT_FDCWD, "/nonexistent/isoscope/file", &text);
  is_int (n, -ENOENT, "read_file_at: missing file is -ENOENT");
  ok (text == NULL, "read_file_at: output untouched on failure");

  char buf[8];
  n = util_read_buf_at (AT_FDCWD, "/nonexistent/isoscope/file", buf, sizeof buf);
  is_int (n, -ENOENT, "read_buf_at: missing file is -ENOENT");

  /* A file larger than the first 4096-byte buffer, with NUL bytes in it. */
  char tmpl[] = "/tmp/isoscope-test-util-XXXXXX";
  int fd = mkstemp (tmpl);
  ok (fd >= 0, "mkstemp");
  if (fd < 0)
    return;
  char data[10000];
  for (size_t i = 0; i < sizeof data; i++)
    data[i] = (char)(i % 7 == 0 ? 0 : 'a' + i % 26);
  ok (write (fd, data, sizeof data) == (ssize_t)sizeof data, "wrote 10000 bytes");
  close (fd);

  n = util_read_file_at (AT_FDCWD, tmpl, &text);
  is_int (n, 10000, "read_file_at: length of a 10000-byte file");
  ok (text && memcmp (text, data, sizeof data) == 0, "read_file_at: bytes including NULs");
  ok (text && text[10000] == '\0', "read_file_at: NUL-terminated");
  free (text);

  n = util_read_buf_at (AT_FDCWD, tmpl, buf, sizeof buf);
  is_int (n, 7, "read_buf_at: truncates to size-1");
  ok (memcmp (buf, data, 7) == 0 && buf[7] == '\0', "read_buf_at: truncated bytes, NUL-terminated");

  /* Relative to a directory fd. */
  int dfd = open ("/tmp", O_RDONLY | O_DIRECTORY);
  text = NULL;
  n = util_read_file_at (dfd, tmpl + 5, &text);
  is_int (n, 10000, "read_file_at: relative to a dirfd");
  free (text);
  close (dfd);
  unlink (tmpl);

  /* An empty file. */
  text = NULL;
  n = util_read_file_at (AT_FDCWD, "/dev/null", &text);
  is_int (n, 0, "read_file_at: empty file is length 0");
  ok (n == 0 && text && text[0] == '\0', "read_file_at: empty file gives \"\"");
  free (text);
  text = NULL;

  /* A directory cannot be read. */
  n = util_read_file_at (AT_FDCWD, "/", &text);
  is_int (n, -EISDIR, "read_file_at: a directory is -EISDIR");

  /* A fixture through the helper every parser test uses. */
  text = fixture_read ("stat-real.txt", &n);
  ok (text != NULL && n > 0, "fixture dir %s is readable", fixture_dir ());
  free (text);
}

static void
test_user_name (void)
{
  is_str (util_user_name (0), "root", "user name of uid 0");
  is_str (util_user_name (65534), "nobody", "user name of uid 65534");
  is_str (util_user_name (3999999999U), "3999999999", "an unknown uid is shown as its number");
  const char *a = util_user_name (0), *b = util_user_name (0);
  ok (a == b, "user names are cached (same pointer)");
}

static void
test_dirscan (void)
{
  /* 300 entries with long names need several getdents64 calls on the 8 KiB buffer. */
  char tmpl[] = "/tmp/isoscope-test-dirscan-XXXXXX";
  if (!ok (mkdtemp (tmpl) != NULL, "mkdtemp"))
    return;
  int dfd = open (tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  enum
  {
    NFILES = 300
  };
  char name[128];
  for (int i = 0; i < NFILES; i++)
    {
      snprintf (name, sizeof name, "%03d-a-rather-long-entry-name-to-fill-getdents-buffers-quickly", i);
      int fd = openat (dfd, name, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
      if (fd >= 0)
        close (fd);
    }
  mkdirat (dfd, "sub", 0700);
  symlinkat ("net:[4026531833]", dfd, "link");

  struct dirscan d;
  dirscan_init (&d, dfd);
  ok ((uintptr_t)d.buf % 8 == 0, "dirscan: the getdents64 buffer is 8-byte aligned (linux_dirent64 needs it)");
  static bool seen[NFILES];
  int files = 0, dups = 0, dots = 0, others = 0;
  bool sub_is_dir = false, link_is_lnk = false, file_is_reg = true;
  const char *n;
  while ((n = dirscan_next (&d)))
    {
      int idx;
      if (strcmp (n, ".") == 0 || strcmp (n, "..") == 0)
        dots++;
      else if (strcmp (n, "sub") == 0)
        sub_is_dir = d.type == DT_DIR || d.type == DT_UNKNOWN;
      else if (strcmp (n, "link") == 0)
        link_is_lnk = d.type == DT_LNK || d.type == DT_UNKNOWN;
      else if (sscanf (n, "%3d-", &idx) == 1 && idx >= 0 && idx < NFILES)
        {
          dups += seen[idx];
          seen[idx] = true;
          files++;
          file_is_reg = file_is_reg && (d.type == DT_REG || d.type == DT_UNKNOWN);
        }
      else
        others++;
    }
  is_int (files, NFILES, "dirscan: every one of 300 files, over several getdents64 calls");
  is_int (dups, 0, "dirscan: no entry twice");
  is_int (dots, 0, "dirscan: . and .. are skipped");
  is_int (others, 0, "dirscan: nothing else");
  ok (sub_is_dir && link_is_lnk && file_is_reg, "dirscan: d_type of a directory, a symlink and files");
  ok (dirscan_next (&d) == NULL, "dirscan: stays at the end");

  int empty = openat (dfd, "sub", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  dirscan_init (&d, empty);
  ok (dirscan_next (&d) == NULL, "dirscan: an empty directory has no entries");
  close (empty);
  dirscan_init (&d, -1);
  ok (dirscan_next (&d) == NULL, "dirscan: a bad fd ends at once");

  for (int i = 0; i < NFILES; i++)
    {
      snprintf (name, sizeof name, "%03d-a-rather-long-entry-name-to-fill-getdents-buffers-quickly", i);
      unlinkat (dfd, name, 0);
    }
  unlinkat (dfd, "link", 0);
  unlinkat (dfd, "sub", AT_REMOVEDIR);
  close (dfd);
  rmdir (tmpl);
}

static void
test_safe_text (void)
{
  /* The UTF-8 forms of RFC 3629, their edges, and what is not UTF-8. */
  static const struct
  {
    const char *s;
    size_t want;
  } lens[] = {
    { "a", 1 },        { "\xc3\xa9", 2 },     { "\xe2\x82\xac", 3 }, { "\xf0\x9f\x98\x80", 4 },
    { "\xc0\xaf", 0 }, { "\xe0\x80\xaf", 0 }, { "\xed\xa0\x80", 0 }, { "\xf4\x90\x80\x80", 0 },
    { "\xff", 0 },     { "\x80", 0 },         { "\xe2\x82", 0 },     { "\xc3", 0 },
  };
  for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++)
    is_int (util_utf8_len (lens[i].s, strlen (lens[i].s), NULL), lens[i].want, "util_utf8_len case %zu", i);
  size_t bad = 0;
  util_utf8_len ("\xe2\x82(", 3, &bad);
  is_int (bad, 2, "util_utf8_len: a 3-byte character cut after 2 is one ill-formed sequence of 2");
  util_utf8_len ("\xf0\x9f\x98", 3, &bad);
  is_int (bad, 3, "util_utf8_len: a 4-byte character cut at the end is one of 3");
  util_utf8_len ("\xe0\x80\x80", 3, &bad);
  is_int (bad, 1, "util_utf8_len: an overlong lead is ill-formed alone");

  char buf[64];
  util_safe_text (buf, sizeof buf, "a\nb (x) \xff\xfe\xc3\xa9\\");
  is_str (buf, "a\\x0ab (x) \\xff\\xfe\xc3\xa9\\x5c",
          "util_safe_text: newline, bad bytes, backslash escaped; UTF-8 kept");
  util_safe_text (buf, 6, "ab\xff");
  is_str (buf, "ab", "util_safe_text: an escape that does not fit is left out whole");
  util_safe_text (buf, 4, "a\xc3\xa9\xc3\xa9");
  is_str (buf, "a\xc3\xa9", "util_safe_text: a character that does not fit is left out whole");
}

int
main (void)
{
  test_parse_u64 ();
  test_parse_int ();
  test_strbuf ();
  test_xalloc ();
  test_steal ();
  test_read_files ();
  test_user_name ();
  test_dirscan ();
  test_safe_text ();
  return done_testing ();
}
