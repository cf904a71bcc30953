// SPDX-License-Identifier: GPL-2.0-or-later
/* container.c: recognise containers and Kubernetes pods in cgroup paths. */
#define _GNU_SOURCE
#include "isoscope/container.h"
#include "isoscope/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static bool
is_hex_id (const char *s, size_t len)
{
  if (len != 64)
    return false;
  for (size_t i = 0; i < len; i++)
    if (!isxdigit ((unsigned char)s[i]) || isupper ((unsigned char)s[i]))
      return false;
  return true;
}

void
container_unescape (const char *in, char *out, size_t size)
{
  size_t o = 0;
  if (size == 0)
    return;
  for (size_t i = 0; in[i] && o + 1 < size; i++)
    {
      if (in[i] == '\\' && in[i + 1] == 'x' && isxdigit ((unsigned char)in[i + 2])
          && isxdigit ((unsigned char)in[i + 3]))
        {
          char hex[3] = { in[i + 2], in[i + 3], 0 };
          out[o++] = (char)strtol (hex, NULL, 16);
          i += 3;
        }
      else
        out[o++] = in[i];
    }
  out[o] = '\0';
}

/* Prefix/suffix patterns of the systemd cgroup driver: "<prefix><64hex><suffix>". */
static const struct
{
  const char *prefix, *suffix, *engine;
} unit_patterns[] = {
  { "docker-", ".scope", "docker" }, { "cri-containerd-", ".scope", "containerd" },
  { "crio-", ".scope", "cri-o" },    { "crio-", "", "cri-o" },
  { "libpod-", ".scope", "podman" }, { "libpod-", "", "podman" },
};

static void
set_id (struct iso_container *c, const char *engine, const char *id, size_t len)
{
  snprintf (c->engine, sizeof c->engine, "%s", engine);
  if (len >= sizeof c->id)
    len = sizeof c->id - 1;
  memcpy (c->id, id, len);
  c->id[len] = '\0';
  /* Hex ids are shown as their first 12 characters, names (LXC, nspawn) up to 15. */
  if (is_hex_id (c->id, len))
    snprintf (c->short_id, sizeof c->short_id, "%.12s", c->id);
  else
    snprintf (c->short_id, sizeof c->short_id, "%.15s", c->id);
}

/* One path segment; PREV is the segment before it ("" at the top). */
static bool
match_segment (const char *seg, size_t len, const char *prev, size_t plen, struct iso_container *c)
{
  if (strncmp (seg, "crio-conmon-", 12) == 0 || strncmp (seg, "libpod-conmon-", 14) == 0
      || (len > 6 && strncmp (seg + len - 6, ".mount", 6) == 0))
    return false;
  for (size_t i = 0; i < ARRAY_SIZE (unit_patterns); i++)
    {
      size_t pl = strlen (unit_patterns[i].prefix), sl = strlen (unit_patterns[i].suffix);
      if (len == pl + 64 + sl && strncmp (seg, unit_patterns[i].prefix, pl) == 0
          && strncmp (seg + pl + 64, unit_patterns[i].suffix, sl) == 0 && is_hex_id (seg + pl, 64))
        {
          set_id (c, unit_patterns[i].engine, seg + pl, 64);
          return true;
        }
    }
  /* cgroupfs driver: /docker/<id>, /kubepods/.../pod<uid>/<id>, /libpod_parent/libpod-<id>. */
  if (is_hex_id (seg, len))
    {
      if (plen == 6 && strncmp (prev, "docker", 6) == 0)
        set_id (c, "docker", seg, len);
      else if (c->pod_uid[0])
        set_id (c, "cri", seg, len);
      else
        return false;
      return true;
    }
  /* LXC: lxc.payload.NAME, or the legacy /lxc.payload/NAME and /lxc/NAME. */
  if (len > 12 && strncmp (seg, "lxc.payload.", 12) == 0)
    {
      set_id (c, "lxc", seg + 12, len - 12);
      return true;
    }
  if ((plen == 11 && strncmp (prev, "lxc.payload", 11) == 0) || (plen == 3 && strncmp (prev, "lxc", 3) == 0))
    {
      set_id (c, "lxc", seg, len);
      return true;
    }
  /* systemd-nspawn and other machined guests: machine-NAME.scope, name escaped. */
  if (len > 14 && strncmp (seg, "machine-", 8) == 0 && strncmp (seg + len - 6, ".scope", 6) == 0)
    {
      char raw[256], name[256];
      snprintf (raw, sizeof raw, "%.*s", (int)(len - 14), seg + 8);
      container_unescape (raw, name, sizeof name);
      set_id (c, "nspawn", name, strlen (name));
      return true;
    }
  return false;
}

/* Kubernetes pod segments: kubepods[-QOS]-pod<UID>.slice (systemd) or pod<UID> (cgroupfs). */
static void
match_pod (const char *seg, size_t len, const char *prev, size_t plen, struct iso_container *c)
{
  const char *uid = NULL;
  size_t ulen = 0;
  if (strncmp (seg, "kubepods", 8) == 0 && len > 6 && strncmp (seg + len - 6, ".slice", 6) == 0)
    {
      const char *pod = memmem (seg, len, "-pod", 4);
      if (pod)
        {
          uid = pod + 4;
          ulen = (size_t)(seg + len - 6 - uid);
          const char *q = seg + 8;
          if (*q == '-' && q + 1 < pod)
            snprintf (c->qos, sizeof c->qos, "%.*s", (int)(pod - q - 1), q + 1);
          else if (q == pod)
            snprintf (c->qos, sizeof c->qos, "guaranteed");
          else
            uid = NULL; /* "kubepods--pod…": an empty class of service is not a pod slice */
        }
    }
  else if (len > 3 && strncmp (seg, "pod", 3) == 0 && plen > 0)
    {
      uid = seg + 3;
      ulen = len - 3;
      if ((plen == 9 && strncmp (prev, "burstable", 9) == 0) || (plen == 10 && strncmp (prev, "besteffort", 10) == 0))
        snprintf (c->qos, sizeof c->qos, "%.*s", (int)plen, prev);
      else if (plen == 8 && strncmp (prev, "kubepods", 8) == 0)
        snprintf (c->qos, sizeof c->qos, "guaranteed");
      else
        uid = NULL;
    }
  if (!uid || ulen == 0 || ulen >= sizeof c->pod_uid)
    return;
  for (size_t i = 0; i < ulen; i++)
    c->pod_uid[i] = uid[i] == '_' ? '-' : uid[i];
  c->pod_uid[ulen] = '\0';
}

bool
container_from_path (const char *path, struct iso_container *out)
{
  struct iso_container c;
  memset (&c, 0, sizeof c);
  bool found = false;
  const char *prev = "";
  size_t plen = 0;
  for (const char *s = path; *s;)
    {
      while (*s == '/')
        s++;
      if (!*s)
        break;
      size_t len = strcspn (s, "/");
      match_pod (s, len, prev, plen, &c);
      struct iso_container tmp = c;
      if (match_segment (s, len, prev, plen, &tmp))
        {
          c = tmp;
          found = true;
          snprintf (c.cgroup, sizeof c.cgroup, "%.*s", (int)(s + len - path), path);
        }
      prev = s;
      plen = len;
      s += len;
    }
  *out = c;
  return found;
}
