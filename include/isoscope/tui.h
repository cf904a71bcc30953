/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui.h: the interactive top (ncurses): its entry point, its key table, and the state its files share. */
#ifndef ISOSCOPE_TUI_H
#define ISOSCOPE_TUI_H

#include <stdbool.h>
#include <stdio.h>

#include "isoscope/error.h"
#include "isoscope/live.h"
#include "isoscope/view.h"

/* How top starts: shared by the TUI and --batch. */
struct top_config
{
  enum view_id view;
  double delay;    /* seconds between refreshes */
  long iterations; /* refreshes before exiting, 0: no limit */
  bool tree;       /* --tree: tree mode in the first view */
  int sort_col;    /* -1: the view's default */
  int sort_dir;    /* 1 ascending, -1 descending, 0 the column's natural order */
  const char *filter;
};

/* Run the TUI until q, a signal or ITERATIONS refreshes.  Returns 0, a signal number
   (SIGTERM...) that ended it (the terminal is restored; the caller re-raises it), or
   a negative value with ERR set. */
int tui_run (struct iso_live *l, const struct top_config *cfg, iso_error_t *err);

/* The key table as "KEYS<TAB>what it does" lines (--list-keys, the man page check). */
void tui_print_keys (FILE *out);

/* ---- private to src/tui ---- */

enum tui_mode
{
  MODE_NORMAL,
  MODE_PROMPT,  /* a line of input in the status line */
  MODE_CONFIRM, /* y or n */
  MODE_HELP,
  MODE_SORT, /* choosing the sort column */
};

enum tui_prompt
{
  PROMPT_SEARCH,
  PROMPT_FILTER,
  PROMPT_DELAY,
  PROMPT_SIGNAL,
};

enum tui_confirm
{
  CONFIRM_SIGNAL,
  CONFIRM_FREEZE,
};

struct tui_detail
{
  char **lines; /* owned */
  size_t nlines;
  size_t scroll;
};

struct tui
{
  struct iso_live *live;
  struct view views[VIEW_COUNT];
  enum view_id cur;
  double delay;
  double next_refresh; /* CLOCK_MONOTONIC seconds; 0: now */
  long iterations, refreshes;
  bool paused, quit, detail_open;
  /* the selection, by identity, and where it sits on the screen */
  struct view_key sel;
  long sel_index; /* in the current view's rows */
  int sel_screen; /* screen line of the selection within the list */
  long top;       /* first row shown */
  bool sel_moved; /* the user chose the selection (until then it follows the first row) */
  int list_height;
  struct view_key vsel[VIEW_COUNT]; /* the selection of the other views, kept while they are not shown */
  int vscreen[VIEW_COUNT];
  bool vmoved[VIEW_COUNT];
  /* input */
  enum tui_mode mode;
  enum tui_prompt prompt;
  enum tui_confirm confirm;
  char input[128];
  size_t input_len;
  struct view_key saved_sel; /* where a search started (Esc goes back) */
  char *saved_filter;
  char *search;  /* the last search, for n */
  int sort_pick; /* MODE_SORT: the column under the cursor */
  /* an action waiting for y */
  struct view_key act_key;
  int act_signal;
  int act_freeze;    /* 1 freeze, 0 thaw */
  char act_obj[128]; /* the process a signal goes to */
  char act_what[256];
  /* the status line */
  char status[256];
  bool status_error;
  double status_time;
  struct tui_detail detail;
  pid_t *hot; /* pids shown on screen: read fully each tick */
  size_t nhot;
};

/* term.c: the terminal. */
extern bool term_utf8;
int term_start (iso_error_t *err);
void term_stop (void);
void term_suspend (void);
void term_resume (void);
/* The next key, or ERR when TIMEOUT_MS (-1: none) passes, or TERM_KEY_SIGNAL when a
   terminating signal came (term_signal says which). */
int term_wait_key (int timeout_ms);
int term_signal (void);
#define TERM_KEY_SIGNAL (-2)
enum term_attr
{
  TA_NORMAL,
  TA_HEADER,
  TA_TAB,
  TA_TAB_CUR,
  TA_COLHEAD,
  TA_SELECTED,
  TA_DIM,
  TA_STATUS,
  TA_ERROR,
  TA_FOOTKEY,
  TA_FOOTTEXT,
  TA_OWN,
  TA_TITLE,
  TA_COUNT
};
int term_attr (enum term_attr a);
/* Put S at (Y, X) in at most W columns (display width; UTF-8 aware), right-aligned
   when RIGHT, padding with spaces to W.  Returns the columns used. */
int term_put (int y, int x, int w, const char *s, bool right, int attr);

/* draw.c */
void tui_draw (struct tui *t);
void tui_layout_cols (const struct view *v, int width, int *cols, int *widths, int *ncols);

/* detail.c */
void tui_detail_update (struct tui *t);
void tui_detail_clear (struct tui_detail *d);

/* action.c: what e, k and f do, after the checks that the target is still the one selected. */
int tui_action_enter (struct tui *t, const struct view_row *r, iso_error_t *err);
int tui_action_signal (struct tui *t, const struct view_key *k, int sig, iso_error_t *err);
int tui_action_freeze (struct tui *t, const struct view_key *k, bool freeze, iso_error_t *err);
/* The process an action on R is about (its own, or the first of its namespace,
   container or cgroup), or NULL. */
struct live_proc *tui_row_process (struct tui *t, const struct view_row *r);

/* app.c */
struct view *tui_view (struct tui *t);
const struct view_row *tui_selected (struct tui *t);
void tui_status (struct tui *t, bool error, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));

/* The key table: one entry per key (or group of equivalent keys). */
struct tui_key
{
  int keys[4];        /* key codes (0 ends the list) */
  const char *label;  /* as the footer, the help screen and the man page show it */
  const char *footer; /* a word for the footer, or NULL to leave it out */
  const char *help;   /* one line */
  void (*fn) (struct tui *t, int key);
};
extern const struct tui_key tui_keys[];

#endif
