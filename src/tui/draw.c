// SPDX-License-Identifier: GPL-2.0-or-later
/* draw.c: paints the TUI into curses' virtual screen (curses sends only what changed): header, rows, panes, footer. */
#define _GNU_SOURCE
#include "isoscope/tui.h"
#include "isoscope/util.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

/* NORMAL as the int that term_put takes. */
#define NORMAL ((int)A_NORMAL)
#define MIN_COLS 40
#define MIN_LINES 10
#define MIN_FLEX 20

void
tui_layout_cols (const struct view *v, int width, int *cols, int *widths, int *ncols)
{
  const struct view_def *d = v->def;
  bool on[64];
  for (size_t i = 0; i < d->ncols && i < 64; i++)
    on[i] = d->cols[i].min_cols <= width;
  for (;;)
    {
      int fixed = 0, n = 0, flex = -1;
      for (size_t i = 0; i < d->ncols && i < 64; i++)
        if (on[i])
          {
            if (d->cols[i].width == 0)
              flex = (int)i;
            else
              fixed += d->cols[i].width;
            n++;
          }
      fixed += n - 1;
      int left = width - fixed;
      if (left >= MIN_FLEX || flex < 0)
        {
          int k = 0;
          for (size_t i = 0; i < d->ncols && i < 64; i++)
            if (on[i])
              {
                cols[k] = (int)i;
                widths[k] = d->cols[i].width ? d->cols[i].width : (left > 0 ? left : 1);
                k++;
              }
          *ncols = k;
          return;
        }
      /* Too wide: drop the column that asks for the widest terminal (never the first,
         the flexible one or the tree). */
      int drop = -1;
      for (size_t i = 1; i < d->ncols && i < 64; i++)
        if (on[i] && d->cols[i].width && !d->cols[i].tree
            && (drop < 0 || d->cols[i].min_cols >= d->cols[drop].min_cols))
          drop = (int)i;
      if (drop < 0)
        {
          /* Nothing left to drop: the flexible column gets what there is. */
          for (size_t i = 0; i < d->ncols; i++)
            if (on[i] && !d->cols[i].width)
              on[i] = false;
          continue;
        }
      on[drop] = false;
    }
}

static int
list_top (void)
{
  return 4;
}

static void
draw_header (struct tui *t)
{
  struct view *v = tui_view (t);
  char l1[512], l2[512];
  view_header (v, l1, sizeof l1, l2, sizeof l2);
  term_put (0, 0, COLS, l1, false, term_attr (TA_HEADER));
  term_put (1, 0, COLS, l2, false, term_attr (TA_NORMAL));
  /* The views, then the state of this one. */
  int x = 0;
  for (int i = 0; i < VIEW_COUNT && x < COLS; i++)
    {
      char tab[48];
      snprintf (tab, sizeof tab, " %d %s ", i + 1, view_defs[i]->title);
      int w = (int)strlen (tab);
      if (x + w > COLS)
        w = COLS - x;
      term_put (2, x, w, tab, false, term_attr (i == (int)t->cur ? TA_TAB_CUR : TA_TAB));
      x += w;
      if (x < COLS)
        term_put (2, x++, 1, " ", false, NORMAL);
    }
  char info[256];
  int n = snprintf (info, sizeof info, "%s%s%s%s%s  every %gs", v->tree ? "tree" : "flat",
                    v->filter ? "  filter: " : "", v->filter ? v->filter : "", t->paused ? "  PAUSED" : "",
                    t->cur == VIEW_CGROUPS && v->all ? "  all" : "", t->delay);
  if (x < COLS)
    term_put (2, x, COLS - x, info, true, term_attr (t->paused ? TA_ERROR : TA_NORMAL));
  (void)n;
}

/* The tree part of a tree cell: guides, and + before a row whose children are hidden. */
static void
tree_text (const struct view *v, const struct view_row *r, const char *text, struct strbuf *b)
{
  if (v->tree || (r->flags & ROWF_ATTACHED))
    view_tree_prefix (r, term_utf8, b);
  if ((r->flags & ROWF_KIDS) && !(r->flags & ROWF_OPEN))
    strbuf_puts (b, "+");
  else if (r->flags & ROWF_KIDS && r->kind != ROW_PROC)
    strbuf_puts (b, term_utf8 ? "\u2212" : "-");
  strbuf_puts (b, text);
}

static void
draw_ns_cell (int y, int x, int w, const char *text, int base)
{
  /* The letters of namespaces of its own stand out. */
  for (int i = 0; i < w; i++)
    {
      char c = text[0] ? *text++ : ' ';
      bool own = c != '.' && c != '?' && c != '-' && c != ' ';
      char s[2] = { c, 0 };
      term_put (y, x + i, 1, s, false, own && base == NORMAL ? term_attr (TA_OWN) : base);
    }
}

static void
draw_row (struct tui *t, const struct view *v, const struct view_row *r, int y, const int *cols, const int *widths,
          int ncols, bool selected)
{
  int base = selected ? term_attr (TA_SELECTED) : (r->flags & ROWF_CONTEXT) ? term_attr (TA_DIM) : NORMAL;
  if (selected)
    term_put (y, 0, COLS, "", false, base);
  int x = 0;
  for (int k = 0; k < ncols && x < COLS; k++)
    {
      const struct view_col *c = &v->def->cols[cols[k]];
      int w = widths[k];
      if (x + w > COLS)
        w = COLS - x;
      char cell[512];
      struct view_val val;
      view_value (v, r, cols[k], &val);
      view_cell (v, r, cols[k], cell, sizeof cell);
      int attr = base == NORMAL && val.stale ? term_attr (TA_DIM) : base;
      if (c->tree)
        {
          struct strbuf b = { 0 };
          tree_text (v, r, cell, &b);
          term_put (y, x, w, b.s ? b.s : "", false, attr);
          free (b.s);
        }
      else if (strcmp (c->json, "namespaces") == 0 && val.type == VV_STR)
        draw_ns_cell (y, x, w, cell, attr);
      else
        term_put (y, x, w, cell, !c->left, attr);
      x += w;
      if (x < COLS)
        term_put (y, x++, 1, " ", false, base);
    }
  (void)t;
}

static void
add_hot (struct tui *t, pid_t pid, size_t cap)
{
  if (pid > 0 && t->nhot < cap)
    t->hot[t->nhot++] = pid;
}

static void
draw_list (struct tui *t, int y0, int height)
{
  struct view *v = tui_view (t);
  int cols[64], widths[64], ncols = 0;
  tui_layout_cols (v, COLS, cols, widths, &ncols);
  /* Column headers; the sort column stands out. */
  int x = 0;
  term_put (y0 - 1, 0, COLS, "", false, term_attr (TA_COLHEAD));
  for (int k = 0; k < ncols && x < COLS; k++)
    {
      const struct view_col *c = &v->def->cols[cols[k]];
      int w = widths[k] > COLS - x ? COLS - x : widths[k];
      char name[48];
      snprintf (name, sizeof name, "%s%s", c->name,
                cols[k] == v->sort_col ? (v->sort_desc ? (term_utf8 ? "\u25bc" : "v") : (term_utf8 ? "\u25b2" : "^"))
                                       : "");
      term_put (y0 - 1, x, w, name, !c->left, term_attr (cols[k] == v->sort_col ? TA_SELECTED : TA_COLHEAD));
      x += w;
      if (x < COLS)
        term_put (y0 - 1, x++, 1, " ", false, term_attr (TA_COLHEAD));
    }
  size_t cap = (size_t)height * 2 + 1;
  t->hot = xreallocarray (t->hot, cap, sizeof *t->hot);
  t->nhot = 0;
  for (int i = 0; i < height; i++)
    {
      long idx = t->top + i;
      int y = y0 + i;
      if (idx < 0 || (size_t)idx >= v->nrows)
        {
          move (y, 0);
          clrtoeol ();
          continue;
        }
      const struct view_row *r = &v->rows[idx];
      draw_row (t, v, r, y, cols, widths, ncols, idx == t->sel_index);
      const struct live_proc *lp = tui_row_process (t, r);
      if (lp && r->kind != ROW_CGROUP)
        add_hot (t, lp->p->pid, cap);
    }
}

static void
draw_detail (struct tui *t, int y0, int height)
{
  const struct tui_detail *d = &t->detail;
  char sep[256];
  snprintf (sep, sizeof sep, " detail%s  (J K scroll, Enter closes) ", d->nlines ? "" : ": nothing selected");
  struct strbuf b = { 0 };
  strbuf_puts (&b, term_utf8 ? "\u2500\u2500" : "--");
  strbuf_puts (&b, sep);
  for (int i = (int)strlen (sep) + 2; i < COLS; i++)
    strbuf_puts (&b, term_utf8 ? "\u2500" : "-");
  term_put (y0, 0, COLS, b.s, false, term_attr (TA_HEADER));
  free (b.s);
  for (int i = 0; i < height - 1; i++)
    {
      size_t idx = d->scroll + (size_t)i;
      const char *line = idx < d->nlines ? d->lines[idx] : "";
      /* Section titles start in the first column; facts are indented. */
      bool title = line[0] && line[0] != ' ';
      term_put (y0 + 1 + i, 0, COLS, line, false, title ? term_attr (TA_TITLE) : NORMAL);
    }
}

static void
draw_status (struct tui *t, int y)
{
  char line[512];
  int attr = term_attr (TA_STATUS);
  if (t->mode == MODE_PROMPT)
    {
      static const char *const names[] = { "Search", "Filter", "Delay (seconds)", "Signal" };
      if (t->prompt == PROMPT_SIGNAL)
        snprintf (line, sizeof line, "Signal to send to %s (TERM KILL INT HUP STOP CONT USR1 USR2 or a number): %s_",
                  t->act_what, t->input);
      else
        snprintf (line, sizeof line, "%s: %s_", names[t->prompt], t->input);
    }
  else if (t->mode == MODE_CONFIRM)
    {
      snprintf (line, sizeof line, "Really %s? [y/N]", t->act_what);
      attr = term_attr (TA_ERROR);
    }
  else if (t->status[0])
    {
      snprintf (line, sizeof line, "%s", t->status);
      attr = term_attr (t->status_error ? TA_ERROR : TA_STATUS);
    }
  else
    {
      struct view *v = tui_view (t);
      if (v->filter)
        snprintf (line, sizeof line, "%zu of %zu rows match '%s'", v->nrows, v->ntotal, v->filter);
      else
        snprintf (line, sizeof line, "row %ld of %zu", t->sel_index + 1, v->nrows);
      attr = NORMAL;
    }
  term_put (y, 0, COLS, line, false, attr);
}

/* One footer entry: its first key and its word.  Returns the columns it takes. */
static int
footer_entry (const struct tui_key *k, int y, int x, bool draw)
{
  char key[16];
  snprintf (key, sizeof key, "%.*s", (int)strcspn (k->label, " "), k->label);
  int kw = (int)strlen (key), fw = (int)strlen (k->footer);
  if (draw)
    {
      term_put (y, x, kw, key, false, term_attr (TA_FOOTKEY));
      term_put (y, x + kw, fw, k->footer, false, term_attr (TA_FOOTTEXT));
      if (x + kw + fw < COLS)
        term_put (y, x + kw + fw, 1, " ", false, NORMAL);
    }
  return kw + fw + 1;
}

static void
draw_footer (int y)
{
  /* Help and Quit always fit; the other keys as long as there is room, in table order. */
  const struct tui_key *help = NULL, *quit = NULL;
  for (const struct tui_key *k = tui_keys; k->label; k++)
    if (k->footer && strcmp (k->footer, "Help") == 0)
      help = k;
    else if (k->footer && strcmp (k->footer, "Quit") == 0)
      quit = k;
  int reserve = (help ? footer_entry (help, y, 0, false) : 0) + (quit ? footer_entry (quit, y, 0, false) : 0);
  int x = 0;
  term_put (y, 0, COLS, "", false, NORMAL);
  for (const struct tui_key *k = tui_keys; k->label; k++)
    {
      if (!k->footer || k == help || k == quit)
        continue;
      int w = footer_entry (k, y, x, false);
      if (x + w + reserve > COLS)
        break;
      x += footer_entry (k, y, x, true);
    }
  if (help && x + footer_entry (help, y, x, false) <= COLS)
    x += footer_entry (help, y, x, true);
  if (quit && x + footer_entry (quit, y, x, false) <= COLS + 1)
    footer_entry (quit, y, x, true);
}

static void
draw_help (struct tui *t)
{
  struct view *v = tui_view (t);
  int y = 0;
  erase ();
  term_put (y++, 0, COLS, "isoscope top: keys (any key returns)", false, term_attr (TA_HEADER));
  y++;
  for (const struct tui_key *k = tui_keys; k->label && y < LINES - 1; k++)
    {
      term_put (y, 0, 12, k->label, false, term_attr (TA_FOOTKEY));
      term_put (y++, 13, COLS - 13, k->help, false, NORMAL);
    }
  if (y + 2 < LINES)
    {
      y++;
      char title[256];
      snprintf (title, sizeof title, "%s view: %s", v->def->title, v->def->help);
      term_put (y++, 0, COLS, title, false, term_attr (TA_TITLE));
    }
  for (size_t i = 0; i < v->def->ncols && y < LINES; i++)
    {
      term_put (y, 0, 12, v->def->cols[i].name, false, term_attr (TA_FOOTKEY));
      term_put (y++, 13, COLS - 13, v->def->cols[i].help, false, NORMAL);
    }
}

static void
draw_sortlist (struct tui *t, int y0, int height)
{
  struct view *v = tui_view (t);
  int n = (int)v->def->ncols;
  term_put (y0, 0, 30, "Sort by (Enter, Esc):", false, term_attr (TA_TITLE));
  int first = t->sort_pick >= height - 1 ? t->sort_pick - (height - 2) : 0;
  for (int i = 0; i < height - 1 && first + i < n; i++)
    {
      int c = first + i;
      char line[64];
      snprintf (line, sizeof line, " %s%s ", v->def->cols[c].name, c == v->sort_col ? " *" : "");
      term_put (y0 + 1 + i, 0, 30, line, false, term_attr (c == t->sort_pick ? TA_SELECTED : TA_NORMAL));
    }
}

void
tui_draw (struct tui *t)
{
  if (LINES < MIN_LINES || COLS < MIN_COLS)
    {
      erase ();
      term_put (0, 0, COLS, "isoscope top: the terminal is too small", false, A_BOLD);
      wnoutrefresh (stdscr);
      doupdate ();
      return;
    }
  if (t->mode == MODE_HELP)
    {
      draw_help (t);
      wnoutrefresh (stdscr);
      doupdate ();
      return;
    }
  int avail = LINES - 6;
  int list = avail, detail = 0;
  if (t->detail_open)
    {
      list = avail / 2 < 3 ? 3 : avail / 2;
      detail = avail - list;
    }
  if (list != t->list_height)
    {
      t->list_height = list;
      /* Keep the selection on screen in the new height. */
      if (t->sel_screen >= list)
        t->sel_screen = list - 1;
      if (t->sel_index >= 0)
        t->top = t->sel_index - t->sel_screen;
      if (t->top < 0)
        t->top = 0;
    }
  draw_header (t);
  draw_list (t, list_top (), list);
  if (t->mode == MODE_SORT)
    draw_sortlist (t, list_top (), list);
  if (detail)
    draw_detail (t, list_top () + list, detail);
  draw_status (t, LINES - 2);
  draw_footer (LINES - 1);
  wnoutrefresh (stdscr);
  doupdate ();
}
