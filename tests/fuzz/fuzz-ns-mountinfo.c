// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-ns-mountinfo.c: namespaces held by nsfs bind mounts, found in a mountinfo text; and nsfs link texts. */
#include "fuzz.h"
#include "isoscope/model.h"
#include "isoscope/ns.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *s = fuzz_cstr (data, size);
  struct iso_model *m = iso_model_new ();
  struct iso_proc *via = iso_model_add_proc (m, 42);
  via->ns[NS_MNT] = iso_model_get_ns (m, NS_MNT, 4026531841ULL, NULL);
  ns_scan_mountinfo (m, s, strlen (s), via);
  size_t nholders = 0;
  for (size_t i = 0; i < m->nns; i++)
    {
      const struct iso_ns *ns = m->ns[i];
      FUZZ_CHECK (ns->ino > 0 && (unsigned)ns->type < NS_TYPE_COUNT);
      for (size_t k = 0; k < ns->nholders; k++)
        {
          const struct ns_holder *h = &ns->holders[k];
          FUZZ_CHECK (h->kind == HOLDER_BIND && h->pid == 42 && h->mntns == 4026531841ULL);
          FUZZ_CHECK (h->path != NULL);
          nholders++;
        }
      if (ns->nholders)
        FUZZ_CHECK (ns->open_path && strncmp (ns->open_path, "42/root", 7) == 0);
    }
  /* At most one holder per line of the table. */
  size_t lines = 1;
  for (const char *p = s; *p; p++)
    lines += *p == '\n';
  FUZZ_CHECK (nholders <= lines);
  iso_model_free (m);

  /* The first line as a namespace link ("net:[4026531840]"): a known type and a non-zero inode. */
  fuzz_split_line (s);
  enum ns_type t = NS_TYPE_COUNT;
  uint64_t ino = 0;
  if (ns_parse_link (s, &t, &ino) == 0)
    {
      FUZZ_CHECK ((unsigned)t < NS_TYPE_COUNT && ino > 0);
      char back[64];
      snprintf (back, sizeof back, "%s:[%llu]", ns_types[t].link, (unsigned long long)ino);
      FUZZ_CHECK (strcmp (back, s) == 0 || s[strlen (ns_types[t].link) + 2] == '0');
    }
  free (s);
  return 0;
}
