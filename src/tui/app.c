// SPDX-License-Identifier: GPL-2.0-or-later
/* app.c: the TUI's loop: refresh, keep the selection on its object, and the key table that drives everything. */
#define _GNU_SOURCE
#include "isoscope/tui.h"
#include "isoscope/util.h"

#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static double
mono_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct view *
tui_view (struct tui *t)
{
  return &t->views[t->cur];
}

const struct view_row *
tui_selected (struct tui *t)
{
  struct view *v = tui_view (t);
  if (t->sel_index < 0 || (size_t)t->sel_index >= v->nrows)
    return NULL;
  return &v->rows[t->sel_index];
}

void
tui_status (struct tui *t, bool error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (t->status, sizeof t->status, fmt, ap);
  va_end (ap);
  t->status_error = error;
  t->status_time = mono_now ();
}

/* ---- the selection: by identity, at a fixed place on the screen ---- */

static void
remember_selection (struct tui *t)
{
  const struct view_row *r = tui_selected (t);
  if (!r)
    return;
  struct view_key k;
  view_key (r, &k);
  view_key_clear (&t->sel);
  view_key_copy (&t->sel, &k);
}

/* Put the selection at INDEX, keeping its screen line where possible. */
static void
place (struct tui *t, long index)
{
  struct view *v = tui_view (t);
  long n = (long)v->nrows, h = t->list_height > 0 ? t->list_height : 1;
  if (n == 0)
    {
      t->sel_index = -1;
      t->top = 0;
      t->sel_screen = 0;
      return;
    }
  if (index < 0)
    index = 0;
  if (index >= n)
    index = n - 1;
  long screen = t->sel_screen;
  if (screen >= h)
    screen = h - 1;
  if (screen < 0)
    screen = 0;
  long top = index - screen;
  if (top > n - h)
    top = n - h;
  if (top < 0)
    top = 0;
  t->sel_index = index;
  t->top = top;
  t->sel_screen = (int)(index - top);
  remember_selection (t);
}

static void
move_selection (struct tui *t, long delta)
{
  struct view *v = tui_view (t);
  t->sel_moved = true;
  if (!v->nrows)
    return;
  long index = t->sel_index + delta;
  if (index < 0)
    index = 0;
  if (index >= (long)v->nrows)
    index = (long)v->nrows - 1;
  t->sel_screen += (int)(index - t->sel_index);
  place (t, index);
}

/* After the rows changed: find the selected object again; it keeps its screen line. */
static void
rebuild (struct tui *t)
{
  struct view *v = tui_view (t);
  view_build (v);
  if ((!t->sel.kind && !t->sel.a && !t->sel.s && t->sel_index < 0) || !t->sel_moved)
    {
      /* Nothing chosen yet: the first row, whatever it is now. */
      t->sel_screen = 0;
      place (t, 0);
      return;
    }
  long i = view_find (v, &t->sel);
  if (i < 0 && t->sel.up)
    {
      /* A process listed under a row that is now closed: select that row. */
      struct view_key k = t->sel;
      k.up = 0;
      i = view_find (v, &k);
    }
  if (i < 0 && v->nrows && t->sel_index >= 0)
    {
      /* The object is gone: stay on the same line, on whatever is there now. */
      i = t->sel_index < (long)v->nrows ? t->sel_index : (long)v->nrows - 1;
      if (!t->status[0] && !v->filter)
        tui_status (t, false, "the selected %s is gone",
                    t->sel.kind == ROW_PROC     ? "process"
                    : t->sel.kind == ROW_NS     ? "namespace"
                    : t->sel.kind == ROW_CGROUP ? "cgroup"
                                                : "container");
    }
  place (t, i);
}

static void
refresh_now (struct tui *t)
{
  struct view *v = tui_view (t);
  unsigned want = v->def->want;
  if (t->detail_open)
    want |= LIVE_CGTREE | LIVE_PROCS;
  cleanup_error iso_error_t err = NULL;
  if (live_refresh (t->live, want, t->hot, t->nhot, &err) < 0)
    tui_status (t, true, "refresh: %s", err->msg);
  else if (t->live->error[0])
    {
      tui_status (t, true, "%s", t->live->error);
      t->live->error[0] = '\0';
    }
  rebuild (t);
  if (t->detail_open)
    tui_detail_update (t);
  t->refreshes++;
  t->next_refresh = mono_now () + t->delay;
}

static void
switch_view (struct tui *t, enum view_id id)
{
  if (id == t->cur)
    return;
  view_key_clear (&t->vsel[t->cur]);
  view_key_copy (&t->vsel[t->cur], &t->sel);
  t->vscreen[t->cur] = t->sel_screen;
  t->vmoved[t->cur] = t->sel_moved;
  t->cur = id;
  t->sel_moved = t->vmoved[id];
  view_key_clear (&t->sel);
  view_key_copy (&t->sel, &t->vsel[id]);
  t->sel_screen = t->vscreen[id];
  t->sel_index = t->sel.kind || t->sel.s || t->sel.a ? 0 : -1;
  t->detail.scroll = 0;
  /* Another view reads other things: read them now. */
  refresh_now (t);
}

/* ---- keys ---- */

static void
k_move (struct tui *t, int key)
{
  move_selection (t, key == KEY_UP ? -1 : 1);
}

static void
k_page (struct tui *t, int key)
{
  long h = t->list_height > 1 ? t->list_height - 1 : 1;
  move_selection (t, key == KEY_PPAGE ? -h : h);
}

static void
k_home_end (struct tui *t, int key)
{
  struct view *v = tui_view (t);
  t->sel_moved = key != KEY_HOME;
  t->sel_screen = key == KEY_HOME ? 0 : t->list_height - 1;
  place (t, key == KEY_HOME ? 0 : (long)v->nrows - 1);
}

static void
k_tab (struct tui *t, int key)
{
  int step = key == KEY_BTAB ? VIEW_COUNT - 1 : 1;
  switch_view (t, (enum view_id) ((t->cur + step) % VIEW_COUNT));
}

static void
k_view (struct tui *t, int key)
{
  switch_view (t, (enum view_id) (key - '1'));
}

static void
start_prompt (struct tui *t, enum tui_prompt p, const char *initial)
{
  t->mode = MODE_PROMPT;
  t->prompt = p;
  snprintf (t->input, sizeof t->input, "%s", initial ? initial : "");
  t->input_len = strlen (t->input);
}

static void
k_search (struct tui *t, int key)
{
  (void)key;
  view_key_clear (&t->saved_sel);
  view_key_copy (&t->saved_sel, &t->sel);
  start_prompt (t, PROMPT_SEARCH, NULL);
}

/* Select the first row from FROM on (wrapping) that contains TEXT.  False if none. */
static bool
find_from (struct tui *t, long from, const char *text)
{
  struct view *v = tui_view (t);
  long n = (long)v->nrows;
  for (long k = 0; k < n; k++)
    {
      long i = ((from < 0 ? 0 : from) + k) % n;
      if (view_row_matches (v, &v->rows[i], text))
        {
          t->sel_moved = true;
          place (t, i);
          return true;
        }
    }
  return false;
}

static void
k_next (struct tui *t, int key)
{
  (void)key;
  if (!t->search)
    {
      tui_status (t, false, "no search yet: / searches");
      return;
    }
  if (!find_from (t, t->sel_index + 1, t->search))
    tui_status (t, true, "not found: %s", t->search);
}

static void
k_filter (struct tui *t, int key)
{
  (void)key;
  struct view *v = tui_view (t);
  free (t->saved_filter);
  t->saved_filter = v->filter ? xstrdup (v->filter) : NULL;
  start_prompt (t, PROMPT_FILTER, v->filter);
}

/* The columns on screen now, for < and >. */
static int
visible_cols (struct tui *t, int *cols)
{
  int widths[64], n = 0;
  tui_layout_cols (tui_view (t), COLS, cols, widths, &n);
  return n;
}

static void
set_sort (struct tui *t, int col, int dir)
{
  struct view *v = tui_view (t);
  v->sort_col = col;
  v->sort_desc = dir ? dir < 0 : v->def->cols[col].fmt != VF_STR;
  rebuild (t);
  tui_status (t, false, "sorted by %s, %s", v->def->cols[col].name, v->sort_desc ? "descending" : "ascending");
}

static void
k_sort (struct tui *t, int key)
{
  struct view *v = tui_view (t);
  if (key == KEY_F (6))
    {
      t->mode = MODE_SORT;
      t->sort_pick = v->sort_col;
      return;
    }
  int cols[64];
  int n = visible_cols (t, cols), at = 0;
  for (int i = 0; i < n; i++)
    if (cols[i] == v->sort_col)
      at = i;
  at = (at + (key == '<' ? n - 1 : 1)) % (n ? n : 1);
  set_sort (t, n ? cols[at] : v->sort_col, 0);
}

static void
k_invert (struct tui *t, int key)
{
  (void)key;
  struct view *v = tui_view (t);
  set_sort (t, v->sort_col, v->sort_desc ? 1 : -1);
}

static void
k_tree (struct tui *t, int key)
{
  (void)key;
  struct view *v = tui_view (t);
  v->tree = !v->tree;
  rebuild (t);
  tui_status (t, false, "%s", v->tree ? "tree" : "flat list");
}

static void
k_expand (struct tui *t, int key)
{
  struct view *v = tui_view (t);
  const struct view_row *r = tui_selected (t);
  if (!r)
    return;
  bool open = key == '+' || key == '=' || key == KEY_RIGHT;
  if (!open && !(r->flags & ROWF_OPEN) && r->depth > 0
      && !((r->kind == ROW_NS || r->kind == ROW_CONTAINER) && view_procs_shown (v, r)))
    {
      /* Nothing to close here: go to the parent, as a file tree does. */
      for (long i = t->sel_index - 1; i >= 0; i--)
        if (v->rows[i].depth < r->depth)
          {
            move_selection (t, i - t->sel_index);
            return;
          }
      return;
    }
  view_set_open (v, r, open ? 1 : -1);
  rebuild (t);
}

static void
k_expand_all (struct tui *t, int key)
{
  (void)key;
  struct view *v = tui_view (t);
  view_clear_toggles (v);
  v->depth = -1;
  rebuild (t);
  tui_status (t, false, "everything open");
}

static void
k_depth (struct tui *t, int key)
{
  struct view *v = tui_view (t);
  if (t->cur != VIEW_CGROUPS)
    {
      tui_status (t, false, "[ and ] set the depth of the cgroups view");
      return;
    }
  if (key == '[')
    v->depth = v->depth < 0 ? 8 : v->depth > 0 ? v->depth - 1 : 0;
  else if (v->depth >= 0)
    v->depth++;
  view_clear_toggles (v);
  rebuild (t);
  if (v->depth < 0)
    tui_status (t, false, "cgroups: every depth open");
  else
    tui_status (t, false, "cgroups: open down to depth %d", v->depth);
}

static void
k_all (struct tui *t, int key)
{
  (void)key;
  struct view *v = tui_view (t);
  if (t->cur != VIEW_CGROUPS)
    {
      tui_status (t, false, "a works in the cgroups view");
      return;
    }
  v->all = !v->all;
  rebuild (t);
  tui_status (t, false, "%s", v->all ? "all cgroups" : "only cgroups with processes");
}

static void
k_detail (struct tui *t, int key)
{
  (void)key;
  t->detail_open = !t->detail_open;
  t->detail.scroll = 0;
  if (t->detail_open)
    {
      tui_detail_update (t);
      t->next_refresh = 0; /* the report wants this tick's cgroup values */
    }
}

static void
k_detail_scroll (struct tui *t, int key)
{
  if (!t->detail_open)
    return;
  if (key == 'J' && t->detail.scroll + 1 < t->detail.nlines)
    t->detail.scroll++;
  else if (key == 'K' && t->detail.scroll > 0)
    t->detail.scroll--;
}

static void
k_pause (struct tui *t, int key)
{
  (void)key;
  t->paused = !t->paused;
  if (!t->paused)
    t->next_refresh = 0;
  tui_status (t, false, "%s", t->paused ? "paused (Space resumes)" : "resumed");
}

/* Replay: a sample back or forward (, .), a minute back or forward ({ }); each pauses. */
static void
k_replay (struct tui *t, int key)
{
  struct iso_live *l = t->live;
  if (!l->replay)
    {
      tui_status (t, false, "%c works when replaying a record (isoscope top --load FILE)", key);
      return;
    }
  bool moved = key == ',' || key == '.' ? live_replay_seek (l, key == ',' ? -1 : 1, 0)
                                        : live_replay_seek (l, 0, key == '{' ? -60 : 60);
  t->paused = true;
  if (!moved)
    {
      tui_status (t, false, "%s of the record", key == ',' || key == '{' ? "the start" : "the end");
      return;
    }
  refresh_now (t);
  tui_status (t, false, "sample %zu of %zu (Space plays)", l->replay_at + 1, l->replay_n);
}

static void
k_delay (struct tui *t, int key)
{
  (void)key;
  char now[32];
  snprintf (now, sizeof now, "%g", t->delay);
  start_prompt (t, PROMPT_DELAY, now);
}

/* The keys that act on the host do nothing to a replayed one. */
static bool
refused_in_replay (struct tui *t, int key)
{
  if (!t->live->replay)
    return false;
  tui_status (t, true, "%s acts on the live host: not while replaying a record",
              key == 'e'   ? "a shell"
              : key == 'f' ? "freezing"
                           : "a signal");
  return true;
}

static void
k_enter (struct tui *t, int key)
{
  if (refused_in_replay (t, key))
    return;
  const struct view_row *r = tui_selected (t);
  if (!r)
    return;
  cleanup_error iso_error_t err = NULL;
  int rc = tui_action_enter (t, r, &err);
  if (rc < 0)
    tui_status (t, true, "enter: %s", err->msg);
  t->next_refresh = 0;
}

static void
k_kill (struct tui *t, int key)
{
  if (refused_in_replay (t, key))
    return;
  const struct view_row *r = tui_selected (t);
  if (!r || r->kind != ROW_PROC)
    {
      tui_status (t, true, "k sends a signal to a process: select a process row");
      return;
    }
  view_key_clear (&t->act_key);
  struct view_key k;
  view_key (r, &k);
  view_key_copy (&t->act_key, &k);
  snprintf (t->act_obj, sizeof t->act_obj, "pid %d (%.64s)", (int)r->proc->p->pid, r->proc->p->comm);
  snprintf (t->act_what, sizeof t->act_what, "%s", t->act_obj);
  start_prompt (t, PROMPT_SIGNAL, "TERM");
}

static void
k_freeze (struct tui *t, int key)
{
  if (refused_in_replay (t, key))
    return;
  const struct view_row *r = tui_selected (t);
  const struct cg_row *cg = !r ? NULL : r->kind == ROW_CGROUP ? r->cg : r->kind == ROW_CONTAINER ? r->ct->row : NULL;
  if (!cg)
    {
      tui_status (t, true, "f freezes a cgroup: select a cgroup or container row%s",
                  r && r->kind == ROW_CONTAINER ? " (its cgroup is not read yet)" : "");
      return;
    }
  if (cg->depth == 0)
    {
      tui_status (t, true, "the root cgroup cannot be frozen");
      return;
    }
  view_key_clear (&t->act_key);
  struct view_key k = { .kind = ROW_CGROUP, .a = cg_row_ino (cg), .s = cg->path };
  view_key_copy (&t->act_key, &k);
  t->act_freeze = cg->frozen != 1;
  snprintf (t->act_what, sizeof t->act_what, "%s cgroup %.100s (%d process%s)", t->act_freeze ? "freeze" : "thaw",
            cg->path, cg->subtree_procs, cg->subtree_procs == 1 ? "" : "es");
  t->mode = MODE_CONFIRM;
  t->confirm = CONFIRM_FREEZE;
}

static void
k_help (struct tui *t, int key)
{
  (void)key;
  t->mode = MODE_HELP;
}

static void
k_redraw (struct tui *t, int key)
{
  (void)t;
  (void)key;
  clearok (curscr, TRUE);
}

static void
k_quit (struct tui *t, int key)
{
  (void)key;
  t->quit = true;
}

/* clang-format off */
const struct tui_key tui_keys[] = {
  { { KEY_UP, KEY_DOWN }, "Up Down", NULL, "move the selection", k_move },
  { { KEY_PPAGE, KEY_NPAGE }, "PgUp PgDn", NULL, "move the selection a page", k_page },
  { { KEY_HOME, KEY_END }, "Home End", NULL, "select the first or the last row", k_home_end },
  { { '\t', KEY_BTAB }, "Tab", "Views", "next view (Shift-Tab: the previous one)", k_tab },
  { { '1', '2', '3', '4' }, "1 2 3 4", NULL, "processes, namespaces, cgroups or containers view", k_view },
  { { '/', KEY_F (3) }, "/ F3", "Search", "search: select the next row that contains the text", k_search },
  { { 'n' }, "n", NULL, "select the next row that contains the last search", k_next },
  { { '\\', KEY_F (4) }, "\\ F4", "Filter", "show only the rows that contain the text (and, in a tree, their parents)", k_filter },
  { { '<', '>', KEY_F (6) }, "< > F6", "Sort", "sort by the column to the left or right; F6 picks the column from a list", k_sort },
  { { 'I' }, "I", NULL, "reverse the order of the sort", k_invert },
  { { 't', KEY_F (5) }, "t F5", "Tree", "tree or flat list", k_tree },
  { { '+', '=', KEY_RIGHT }, "+ Right", "Open", "open the selected row: its children, or the processes of a namespace or container", k_expand },
  { { '-', KEY_LEFT }, "- Left", NULL, "close it again (on a row with nothing open: go to its parent)", k_expand },
  { { '*' }, "*", NULL, "open everything (every depth of the cgroup tree)", k_expand_all },
  { { '[', ']' }, "[ ]", NULL, "cgroups: open one level less or more by default", k_depth },
  { { 'a' }, "a", NULL, "cgroups: show the cgroups without processes too", k_all },
  { { '\r', '\n', KEY_ENTER, 'i' }, "Enter i", "Detail", "show or hide the detail pane: the explain report of the selected row", k_detail },
  { { 'J', 'K' }, "J K", NULL, "scroll the detail pane down or up", k_detail_scroll },
  { { ' ' }, "Space", "Pause", "pause or resume the refresh (replaying a record: play or pause)", k_pause },
  { { ',', '.' }, ", .", NULL, "replaying a record: one sample back or forward", k_replay },
  { { '{', '}' }, "{ }", NULL, "replaying a record: a minute back or forward", k_replay },
  { { 'd' }, "d", "Delay", "set the seconds between refreshes", k_delay },
  { { 'e' }, "e", "Shell", "open a shell ($SHELL) in the namespaces of the selected process, or of the first process of the selected namespace, container or cgroup (isoscope enter); the TUI comes back when it exits", k_enter },
  { { 'k', KEY_F (9) }, "k F9", "Kill", "send a signal to the selected process: asks which one, then for a y", k_kill },
  { { 'f' }, "f", "Freeze", "freeze or thaw the selected cgroup or container: asks for a y", k_freeze },
  { { 'h', '?', KEY_F (1) }, "h ? F1", "Help", "this help", k_help },
  { { 12 }, "Ctrl-L", NULL, "redraw the screen", k_redraw },
  { { 'q', KEY_F (10) }, "q F10", "Quit", "quit", k_quit },
  { { 0 }, NULL, NULL, NULL, NULL },
};
/* clang-format on */

void
tui_print_keys (FILE *out)
{
  for (const struct tui_key *k = tui_keys; k->label; k++)
    fprintf (out, "%s\t%s\n", k->label, k->help);
}

/* ---- modes: a prompt, a confirmation, the help, the sort list ---- */

static int
parse_signal (const char *s)
{
  static const struct
  {
    const char *name;
    int sig;
  } names[] = {
    { "TERM", SIGTERM }, { "KILL", SIGKILL }, { "INT", SIGINT },   { "HUP", SIGHUP },   { "QUIT", SIGQUIT },
    { "STOP", SIGSTOP }, { "CONT", SIGCONT }, { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "WINCH", SIGWINCH },
  };
  while (*s == ' ')
    s++;
  if (!*s)
    return SIGTERM;
  int n;
  if (util_parse_int (s, &n) == 0)
    return n > 0 && n < 65 ? n : -1;
  if (strncasecmp (s, "SIG", 3) == 0)
    s += 3;
  for (size_t i = 0; i < ARRAY_SIZE (names); i++)
    if (strcasecmp (s, names[i].name) == 0)
      return names[i].sig;
  return -1;
}

static void
prompt_changed (struct tui *t)
{
  struct view *v = tui_view (t);
  if (t->prompt == PROMPT_SEARCH)
    {
      long from = view_find (v, &t->saved_sel);
      if (t->input_len && !find_from (t, from, t->input))
        tui_status (t, true, "not found: %s", t->input);
      else
        t->status[0] = '\0';
    }
  else if (t->prompt == PROMPT_FILTER)
    {
      free (v->filter);
      v->filter = t->input_len ? xstrdup (t->input) : NULL;
      rebuild (t);
    }
}

static void
prompt_done (struct tui *t, bool accept)
{
  struct view *v = tui_view (t);
  t->mode = MODE_NORMAL;
  switch (t->prompt)
    {
    case PROMPT_SEARCH:
      if (accept && t->input_len)
        {
          free (t->search);
          t->search = xstrdup (t->input);
        }
      else if (!accept)
        {
          long i = view_find (v, &t->saved_sel);
          if (i >= 0)
            place (t, i);
        }
      break;
    case PROMPT_FILTER:
      if (!accept)
        {
          free (v->filter);
          v->filter = t->saved_filter ? xstrdup (t->saved_filter) : NULL;
          rebuild (t);
        }
      else
        tui_status (t, false, v->filter ? "filter: %s" : "%s", v->filter ? v->filter : "no filter");
      break;
    case PROMPT_DELAY:
      if (accept)
        {
          char *end;
          errno = 0;
          double d = strtod (t->input, &end);
          if (errno || end == t->input || *end || !(d >= 0.1 && d <= 3600))
            tui_status (t, true, "delay: seconds from 0.1 to 3600");
          else
            {
              t->delay = d;
              t->next_refresh = 0;
              tui_status (t, false, "refresh every %g s", d);
            }
        }
      break;
    case PROMPT_SIGNAL:
      if (accept)
        {
          int sig = parse_signal (t->input);
          if (sig < 0)
            {
              tui_status (t, true, "unknown signal: %s", t->input);
              break;
            }
          t->act_signal = sig;
          const char *name = sigabbrev_np (sig);
          snprintf (t->act_what, sizeof t->act_what, "send SIG%s to %s", name ? name : "?", t->act_obj);
          t->mode = MODE_CONFIRM;
          t->confirm = CONFIRM_SIGNAL;
        }
      break;
    }
}

static void
key_prompt (struct tui *t, int c)
{
  if (c == 27)
    prompt_done (t, false);
  else if (c == '\r' || c == '\n' || c == KEY_ENTER)
    prompt_done (t, true);
  else if (c == KEY_BACKSPACE || c == 127 || c == 8)
    {
      if (t->input_len)
        {
          /* Drop a whole UTF-8 character. */
          do
            t->input_len--;
          while (t->input_len && ((unsigned char)t->input[t->input_len] & 0xc0) == 0x80);
          t->input[t->input_len] = '\0';
          prompt_changed (t);
        }
    }
  else if (c >= 32 && c < 256 && c != 127 && t->input_len + 1 < sizeof t->input)
    {
      t->input[t->input_len++] = (char)c;
      t->input[t->input_len] = '\0';
      prompt_changed (t);
    }
}

static void
key_confirm (struct tui *t, int c)
{
  t->mode = MODE_NORMAL;
  if (c != 'y' && c != 'Y')
    {
      tui_status (t, false, "not done: %s", t->act_what);
      return;
    }
  cleanup_error iso_error_t err = NULL;
  int r = t->confirm == CONFIRM_SIGNAL ? tui_action_signal (t, &t->act_key, t->act_signal, &err)
                                       : tui_action_freeze (t, &t->act_key, t->act_freeze, &err);
  if (r < 0)
    tui_status (t, true, "%s", err->msg);
  else
    tui_status (t, false, "done: %s", t->act_what);
  t->next_refresh = 0;
}

static void
key_sortlist (struct tui *t, int c)
{
  struct view *v = tui_view (t);
  int n = (int)v->def->ncols;
  if (c == KEY_UP && t->sort_pick > 0)
    t->sort_pick--;
  else if (c == KEY_DOWN && t->sort_pick + 1 < n)
    t->sort_pick++;
  else if (c == '\r' || c == '\n' || c == KEY_ENTER)
    {
      t->mode = MODE_NORMAL;
      set_sort (t, t->sort_pick, 0);
    }
  else if (c == 27 || c == 'q' || c == KEY_F (6))
    t->mode = MODE_NORMAL;
}

static void
handle_key (struct tui *t, int c)
{
  switch (t->mode)
    {
    case MODE_PROMPT:
      key_prompt (t, c);
      return;
    case MODE_CONFIRM:
      key_confirm (t, c);
      return;
    case MODE_HELP:
      if (c != KEY_RESIZE)
        t->mode = MODE_NORMAL;
      return;
    case MODE_SORT:
      key_sortlist (t, c);
      return;
    case MODE_NORMAL:
      break;
    }
  if (c == KEY_RESIZE)
    {
      place (t, t->sel_index);
      return;
    }
  for (const struct tui_key *k = tui_keys; k->label; k++)
    for (int i = 0; i < 4 && k->keys[i]; i++)
      if (k->keys[i] == c)
        {
          k->fn (t, c);
          return;
        }
}

/* ---- the loop ---- */

static void
tui_free (struct tui *t)
{
  for (int i = 0; i < VIEW_COUNT; i++)
    {
      view_release (&t->views[i]);
      view_key_clear (&t->vsel[i]);
    }
  view_key_clear (&t->sel);
  view_key_clear (&t->saved_sel);
  view_key_clear (&t->act_key);
  free (t->saved_filter);
  free (t->search);
  free (t->hot);
  tui_detail_clear (&t->detail);
}

int
tui_run (struct iso_live *l, const struct top_config *cfg, iso_error_t *err)
{
  struct tui t = { .live = l, .cur = cfg->view, .delay = cfg->delay, .iterations = cfg->iterations };
  for (int i = 0; i < VIEW_COUNT; i++)
    view_init (&t.views[i], (enum view_id)i, l);
  struct view *first = &t.views[cfg->view];
  if (cfg->tree)
    first->tree = true;
  if (cfg->sort_col >= 0)
    {
      first->sort_col = cfg->sort_col;
      first->sort_desc = cfg->sort_dir ? cfg->sort_dir < 0 : first->def->cols[cfg->sort_col].fmt != VF_STR;
    }
  if (cfg->filter && *cfg->filter)
    first->filter = xstrdup (cfg->filter);
  t.sel_index = -1;
  int r = term_start (err);
  if (r < 0)
    {
      tui_free (&t);
      return r;
    }
  t.list_height = LINES > 8 ? LINES - 6 : 1;
  int sig = 0;
  while (!t.quit)
    {
      double now = mono_now ();
      if (!t.paused && now >= t.next_refresh)
        {
          /* Playing a record: every refresh shows the next sample, and the last one pauses. */
          if (t.live->replay && t.refreshes > 0 && !live_replay_seek (t.live, 1, 0))
            {
              t.paused = true;
              tui_status (&t, false, "the end of the record (, and { go back)");
            }
          else
            refresh_now (&t);
        }
      tui_draw (&t);
      if (t.iterations && t.refreshes >= t.iterations)
        break;
      if (t.status[0] && now - t.status_time > (t.status_error ? 10 : 4) && t.mode == MODE_NORMAL)
        t.status[0] = '\0';
      double wait = t.paused ? 5 : t.next_refresh - mono_now ();
      int c = term_wait_key (wait <= 0 ? 0 : (int)(wait * 1000) + 1);
      if (c == TERM_KEY_SIGNAL)
        {
          sig = term_signal ();
          break;
        }
      if (c != ERR)
        handle_key (&t, c);
    }
  term_stop ();
  tui_free (&t);
  return sig;
}
