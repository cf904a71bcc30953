// SPDX-License-Identifier: GPL-2.0-or-later
/* term.c: owns the terminal: curses start and stop on every exit path, signals, keys, attributes, UTF-8 text. */
#define _GNU_SOURCE
#include "isoscope/cli.h"
#include "isoscope/tui.h"
#include "isoscope/util.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

bool term_utf8;
static bool active; /* curses owns the terminal */
static SCREEN *screen;
static int sigpipe[2] = { -1, -1 };
static volatile sig_atomic_t got_signal;
static int attrs[TA_COUNT];

/* Terminating signals only set a flag and wake the loop, which then restores the
   terminal itself: nothing in a handler touches curses. */
static void
on_signal (int sig)
{
  int e = errno;
  got_signal = sig;
  if (sigpipe[1] >= 0 && write (sigpipe[1], "x", 1) < 0)
    {
      /* full pipe: the flag is enough */
    }
  errno = e;
}

static const int term_signals[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT };

int
term_signal (void)
{
  return got_signal;
}

static void
term_atexit (void)
{
  term_stop ();
}

static void
setup_attrs (void)
{
  bool color = !iso_global.no_color && has_colors ();
  for (int i = 0; i < TA_COUNT; i++)
    attrs[i] = A_NORMAL;
  attrs[TA_HEADER] = A_BOLD;
  attrs[TA_TAB] = A_NORMAL;
  attrs[TA_TAB_CUR] = A_REVERSE | A_BOLD;
  attrs[TA_COLHEAD] = A_REVERSE;
  attrs[TA_SELECTED] = A_REVERSE;
  attrs[TA_DIM] = A_DIM;
  attrs[TA_STATUS] = A_BOLD;
  attrs[TA_ERROR] = A_BOLD;
  attrs[TA_FOOTKEY] = A_BOLD;
  attrs[TA_FOOTTEXT] = A_REVERSE;
  attrs[TA_OWN] = A_BOLD;
  attrs[TA_TITLE] = A_BOLD | A_UNDERLINE;
  if (!color)
    return;
  start_color ();
  use_default_colors ();
  init_pair (1, COLOR_BLACK, COLOR_GREEN); /* column headers */
  init_pair (2, COLOR_BLACK, COLOR_CYAN);  /* selection, current tab, footer labels */
  init_pair (3, COLOR_RED, -1);            /* errors */
  init_pair (4, COLOR_YELLOW, -1);         /* a namespace of its own */
  init_pair (5, COLOR_CYAN, -1);           /* header */
  attrs[TA_COLHEAD] = COLOR_PAIR (1);
  attrs[TA_SELECTED] = COLOR_PAIR (2);
  attrs[TA_TAB_CUR] = COLOR_PAIR (2) | A_BOLD;
  attrs[TA_FOOTTEXT] = COLOR_PAIR (2);
  attrs[TA_ERROR] = COLOR_PAIR (3) | A_BOLD;
  attrs[TA_OWN] = COLOR_PAIR (4) | A_BOLD;
  attrs[TA_HEADER] = COLOR_PAIR (5) | A_BOLD;
}

int
term_attr (enum term_attr a)
{
  return attrs[a];
}

int
term_start (iso_error_t *err)
{
  if (!isatty (STDIN_FILENO) || !isatty (STDOUT_FILENO))
    return iso_make_error (err, 0, "the TUI needs a terminal on standard input and output (use --batch)");
  static bool registered;
  if (!registered)
    {
      atexit (term_atexit);
      registered = true;
    }
  if (sigpipe[0] < 0 && pipe2 (sigpipe, O_CLOEXEC | O_NONBLOCK) < 0)
    return iso_make_error (err, errno, "pipe");
  struct sigaction sa = { .sa_handler = on_signal };
  sigemptyset (&sa.sa_mask);
  for (size_t i = 0; i < ARRAY_SIZE (term_signals); i++)
    sigaction (term_signals[i], &sa, NULL);
  const char *codeset = nl_langinfo (CODESET);
  term_utf8 = codeset && strcmp (codeset, "UTF-8") == 0;
  screen = newterm (NULL, stdout, stdin);
  if (!screen)
    return iso_make_error (err, 0, "cannot use the terminal '%s'", getenv ("TERM") ? getenv ("TERM") : "(unset)");
  set_term (screen);
  active = true;
  cbreak ();
  noecho ();
  nonl ();
  intrflush (stdscr, FALSE);
  keypad (stdscr, TRUE);
  nodelay (stdscr, TRUE);
  set_escdelay (25);
  curs_set (0);
  setup_attrs ();
  return 0;
}

void
term_stop (void)
{
  if (!active)
    return;
  active = false;
  endwin ();
  fflush (stdout);
  delscreen (screen);
  screen = NULL;
}

void
term_suspend (void)
{
  if (active)
    {
      def_prog_mode ();
      endwin ();
      fflush (stdout);
    }
}

void
term_resume (void)
{
  if (!active)
    return;
  reset_prog_mode ();
  /* What the shell left on the screen is unknown to curses: repaint everything. */
  clearok (curscr, TRUE);
  refresh ();
}

int
term_wait_key (int timeout_ms)
{
  for (;;)
    {
      if (got_signal)
        return TERM_KEY_SIGNAL;
      int c = getch ();
      if (c != ERR)
        return c;
      struct pollfd fds[2] = { { STDIN_FILENO, POLLIN, 0 }, { sigpipe[0], POLLIN, 0 } };
      int r = poll (fds, 2, timeout_ms);
      if (r < 0 && errno == EINTR)
        {
          /* SIGWINCH: curses turns it into KEY_RESIZE. */
          c = getch ();
          if (c != ERR)
            return c;
          continue;
        }
      if (r <= 0)
        return ERR;
      if (fds[1].revents & POLLIN)
        {
          char buf[16];
          while (read (sigpipe[0], buf, sizeof buf) > 0)
            ;
          if (got_signal)
            return TERM_KEY_SIGNAL;
        }
      if (fds[0].revents & (POLLHUP | POLLERR))
        {
          /* The terminal went away: behave as on SIGHUP. */
          got_signal = SIGHUP;
          return TERM_KEY_SIGNAL;
        }
      if (fds[0].revents & POLLIN)
        {
          c = getch ();
          if (c != ERR)
            return c;
          /* Half an escape sequence: wait for the rest, but not past the timeout. */
          timeout_ms = timeout_ms < 0 ? -1 : timeout_ms > 50 ? 50 : timeout_ms;
        }
    }
}

int
term_put (int y, int x, int w, const char *s, bool right, int attr)
{
  if (w <= 0)
    return 0;
  wchar_t buf[1024];
  size_t n = 0, len = strlen (s);
  int used = 0;
  mbstate_t st;
  memset (&st, 0, sizeof st);
  while (len && n < ARRAY_SIZE (buf) - 1)
    {
      wchar_t wc;
      size_t k = mbrtowc (&wc, s, len, &st);
      if (k == (size_t)-1 || k == (size_t)-2)
        {
          wc = L'?';
          k = 1;
          memset (&st, 0, sizeof st);
        }
      else if (k == 0)
        break;
      int cw = wcwidth (wc);
      if (cw < 0)
        {
          wc = L'?';
          cw = 1;
        }
      if (used + cw > w)
        break;
      buf[n++] = wc;
      used += cw;
      s += k;
      len -= k;
    }
  buf[n] = L'\0';
  attrset (attr);
  move (y, x);
  if (right)
    for (int i = used; i < w; i++)
      addch (' ');
  addnwstr (buf, (int)n);
  if (!right)
    for (int i = used; i < w; i++)
      addch (' ');
  attrset (A_NORMAL);
  return w;
}
