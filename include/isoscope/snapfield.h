/* SPDX-License-Identifier: GPL-2.0-or-later */
/* snapfield.h: the tables that map model structs to snapshot JSON keys (shared by the writer and the loader). */
#ifndef ISOSCOPE_SNAPFIELD_H
#define ISOSCOPE_SNAPFIELD_H

#include <stddef.h>
#include <stdint.h>

#include "isoscope/error.h"

struct cJSON;

/* How a struct member is stored. */
enum snap_type
{
  ST_INT,    /* int (pid_t too) */
  ST_UINT,   /* unsigned */
  ST_LONG,   /* long */
  ST_U64,    /* uint64_t: a number up to 2^53, a decimal string above */
  ST_BOOL,   /* bool */
  ST_CHAR,   /* one char, as a one-character string */
  ST_STR,    /* a char array (size bytes), always NUL-terminated */
  ST_STRP,   /* an owned char *, left out when NULL */
  ST_DOUBLE, /* double */
};

struct snap_field
{
  const char *key;
  enum snap_type type;
  size_t off, size;
};
#define SNAP_F(st, key, type, member)                                                                                  \
  {                                                                                                                    \
    key, type, offsetof (st, member), sizeof (((st *)0)->member)                                                       \
  }
#define SNAP_END                                                                                                       \
  {                                                                                                                    \
    NULL, ST_INT, 0, 0                                                                                                 \
  }

extern const struct snap_field snap_scan_fields[], snap_proc_fields[], snap_ns_fields[], snap_holder_fields[],
    snap_sec_fields[], snap_mntview_fields[], snap_container_fields[], snap_cgroup_fields[], snap_cgtree_fields[];

/* The security context a loader starts from (what sec_collect_proc starts from too). */
struct iso_sec;
void snap_sec_defaults (struct iso_sec *s);

/* Names of enum values as the document spells them. */
extern const char *const snap_holder_kinds[5];
extern const char *const snap_cg_modes[4];

/* Add every member of S that FIELDS lists to the object O, leaving out those equal to
   the same member of DEF (the value a loader starts from; NULL: write them all). */
void snap_put_fields (struct cJSON *o, const struct snap_field *fields, const void *s, const void *def);
void snap_put_u64 (struct cJSON *o, const char *key, uint64_t v);

/* Where the loader is, for its error messages: "FILE: processes.42.uid: ...". */
struct snap_ctx
{
  const char *name;
  iso_error_t *err;
  char where[512];
};
/* Set the members of S that O holds; missing keys keep their value.  0, or a
   negative value with the error naming the file and the key. */
int snap_get_fields (struct snap_ctx *c, const struct cJSON *o, const struct snap_field *fields, void *s);
int snap_get_u64 (struct snap_ctx *c, const struct cJSON *v, const char *key, uint64_t *out);
int snap_get_int (struct snap_ctx *c, const struct cJSON *v, const char *key, long min, long max, long *out);
/* The error for KEY of the current object: "NAME: WHERE.KEY: WHAT". */
int snap_fail (struct snap_ctx *c, const char *key, const char *what);
/* The member KEY of O when it is of the wanted kind (cJSON_IsObject...), NULL when
   missing; a member of another kind fails (*BAD set). */
const struct cJSON *snap_member (struct snap_ctx *c, const struct cJSON *o, const char *key,
                                 int (*is) (const struct cJSON *), const char *what, int *bad);

#endif
