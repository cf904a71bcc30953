// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-nspid.c: the NSpid line of /proc/PID/status: a pid per pid namespace, outermost first. */
#include "fuzz.h"
#include "isoscope/model.h"
#include "isoscope/proc.h"

#include <ctype.h>
#include <limits.h>

/* How many pids LINE can hold at most: decimal numbers in [1, INT_MAX] (a '+' allowed)
   separated by blanks other than newlines, up to the first thing that is not one (at most 64). */
static int
count_pids (const char *line)
{
  int n = 0;
  for (const char *s = line; n < 64;)
    {
      while (*s == ' ' || *s == '\t' || *s == '\v' || *s == '\f' || *s == '\r')
        s++;
      if (*s == '+')
        s++;
      if (!isdigit ((unsigned char)*s))
        break;
      unsigned long long v = 0;
      while (isdigit ((unsigned char)*s) && v <= INT_MAX)
        v = v * 10 + (unsigned)(*s++ - '0');
      if (v == 0 || v > INT_MAX || isdigit ((unsigned char)*s))
        break;
      n++;
      if (*s != ' ' && *s != '\t' && *s != '\v' && *s != '\f' && *s != '\r')
        break;
    }
  return n;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char head[] = "Name:\tx\nNSpid:\t";
  char *body = fuzz_cstr (data, size);
  size_t n = strlen (head) + strlen (body);
  char *text = malloc (n + 1);
  if (!text)
    abort ();
  snprintf (text, n + 1, "%s%s", head, body);
  struct iso_model *m = iso_model_new ();
  struct iso_proc *p = iso_model_add_proc (m, 1);
  FUZZ_CHECK (proc_parse_status (text, p) == 0);
  FUZZ_CHECK (p->nnspid >= 0 && p->nnspid <= 64);
  FUZZ_CHECK ((p->nspid != NULL) == (p->nnspid > 0));
  for (int i = 0; i < p->nnspid; i++)
    FUZZ_CHECK (p->nspid[i] > 0);
  /* Only the (last) NSpid line itself counts, never numbers on the lines after it. */
  const char *last = NULL;
  for (const char *l = text; l; l = strchr (l, '\n') ? strchr (l, '\n') + 1 : NULL)
    if (strncmp (l, "NSpid:", 6) == 0)
      last = l + 6;
  char *line = strdup (last);
  if (!line)
    abort ();
  fuzz_split_line (line);
  FUZZ_CHECK (p->nnspid <= count_pids (line));
  free (line);
  iso_model_free (m);
  free (text);
  free (body);
  return 0;
}
