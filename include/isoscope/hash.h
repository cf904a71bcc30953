/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hash.h: an open-addressing map from a 64-bit key to a pointer (pids, inodes). */
#ifndef ISOSCOPE_HASH_H
#define ISOSCOPE_HASH_H

#include <stddef.h>
#include <stdint.h>

struct iso_hash
{
  uint64_t *keys;
  void **vals; /* NULL marks a free slot */
  size_t cap, len;
};

struct iso_hash *iso_hash_new (void);
void iso_hash_free (struct iso_hash *h);
/* The value stored under KEY, or NULL. */
void *iso_hash_get (const struct iso_hash *h, uint64_t key);
/* Insert or replace; VAL must not be NULL. */
void iso_hash_put (struct iso_hash *h, uint64_t key, void *val);
/* Remove KEY (a no-op when absent), re-inserting the rest of its cluster. */
void iso_hash_del (struct iso_hash *h, uint64_t key);

#endif
