// SPDX-License-Identifier: GPL-2.0-or-later
/* hash.c: an open-addressing map from a 64-bit key to a pointer (pids, inodes). */
#include "isoscope/hash.h"
#include "isoscope/util.h"

#include <stdlib.h>

struct iso_hash *
iso_hash_new (void)
{
  struct iso_hash *h = xzalloc (sizeof *h);
  h->cap = 1024;
  h->keys = xcalloc (h->cap, sizeof *h->keys);
  h->vals = xcalloc (h->cap, sizeof *h->vals);
  return h;
}

void
iso_hash_free (struct iso_hash *h)
{
  if (!h)
    return;
  free (h->keys);
  free (h->vals);
  free (h);
}

static size_t
slot (uint64_t k, size_t cap)
{
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  return (size_t)k & (cap - 1);
}

void *
iso_hash_get (const struct iso_hash *h, uint64_t k)
{
  for (size_t i = slot (k, h->cap);; i = (i + 1) & (h->cap - 1))
    {
      if (!h->vals[i])
        return NULL;
      if (h->keys[i] == k)
        return h->vals[i];
    }
}

static void
grow (struct iso_hash *h)
{
  struct iso_hash old = *h;
  h->cap *= 2;
  h->len = 0;
  h->keys = xcalloc (h->cap, sizeof *h->keys);
  h->vals = xcalloc (h->cap, sizeof *h->vals);
  for (size_t i = 0; i < old.cap; i++)
    if (old.vals[i])
      iso_hash_put (h, old.keys[i], old.vals[i]);
  free (old.keys);
  free (old.vals);
}

void
iso_hash_put (struct iso_hash *h, uint64_t k, void *v)
{
  if ((h->len + 1) * 2 > h->cap)
    grow (h);
  size_t i = slot (k, h->cap);
  while (h->vals[i] && h->keys[i] != k)
    i = (i + 1) & (h->cap - 1);
  if (!h->vals[i])
    h->len++;
  h->keys[i] = k;
  h->vals[i] = v;
}

void
iso_hash_del (struct iso_hash *h, uint64_t k)
{
  size_t i = slot (k, h->cap);
  while (h->vals[i] && h->keys[i] != k)
    i = (i + 1) & (h->cap - 1);
  if (!h->vals[i])
    return;
  h->vals[i] = NULL;
  h->len--;
  for (size_t j = (i + 1) & (h->cap - 1); h->vals[j]; j = (j + 1) & (h->cap - 1))
    {
      uint64_t kk = h->keys[j];
      void *vv = h->vals[j];
      h->vals[j] = NULL;
      h->len--;
      iso_hash_put (h, kk, vv);
    }
}
