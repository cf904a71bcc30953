// SPDX-License-Identifier: GPL-2.0-or-later
/* seccomp_file.c: the text format of `isoscope run --seccomp FILE`: parsing and printing policy rules.
 *
 * One statement a line; '#' starts a comment; tokens are separated by blanks:
 *   default ACTION                   the action of a call no rule matches (default: allow)
 *   include default                  the rules of the built-in policy
 *   ACTION SYSCALL [CONDITION...]    SYSCALL gets ACTION when every CONDITION holds
 * ACTION is allow, log, kill, deny (errno EPERM), errno (EPERM) or errno:E with E a
 * number 1-4095 or a name like ENOSYS.  CONDITION is argN OP VALUE with N 0-5 and OP one
 * of == != < <= > >=, or argN & MASK == VALUE; VALUE and MASK are decimal or 0x hex;
 * each argument appears at most once in a rule.  Rules of one syscall are alternatives.
 */
#define _GNU_SOURCE
#include "isoscope/sandbox.h"
#include "isoscope/util.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct
{
  const char *text;
  enum seccomp_policy_op op;
} seccomp_file_ops[] = {
  { "==", SECCOMP_POLICY_EQ }, { "!=", SECCOMP_POLICY_NE }, { "<", SECCOMP_POLICY_LT },
  { "<=", SECCOMP_POLICY_LE }, { ">", SECCOMP_POLICY_GT },  { ">=", SECCOMP_POLICY_GE },
};

static const struct
{
  const char *text;
  enum seccomp_policy_action action;
  int errno_ret;
} seccomp_file_actions[] = {
  { "allow", SECCOMP_POLICY_ALLOW, 0 },    { "log", SECCOMP_POLICY_LOG, 0 },         { "kill", SECCOMP_POLICY_KILL, 0 },
  { "deny", SECCOMP_POLICY_ERRNO, EPERM }, { "errno", SECCOMP_POLICY_ERRNO, EPERM },
};

const char *
seccomp_policy_action_text (enum seccomp_policy_action a, int errno_ret, char *buf, size_t size)
{
  if (a == SECCOMP_POLICY_ERRNO)
    {
      const char *name = strerrorname_np (errno_ret);
      if (name)
        snprintf (buf, size, "errno:%s", name);
      else
        snprintf (buf, size, "errno:%d", errno_ret);
      return buf;
    }
  for (size_t i = 0; i < ARRAY_SIZE (seccomp_file_actions); i++)
    if (seccomp_file_actions[i].action == a)
      return seccomp_file_actions[i].text;
  return "?";
}

char *
seccomp_policy_rule_text (const struct seccomp_policy_rule *r)
{
  char buf[64];
  struct strbuf b = { 0 };
  strbuf_printf (&b, "%s %s", seccomp_policy_action_text (r->action, r->errno_ret, buf, sizeof buf), r->syscall);
  for (unsigned k = 0; k < r->ncmp; k++)
    {
      const struct seccomp_policy_cmp *c = &r->cmp[k];
      if (c->op == SECCOMP_POLICY_MASKED_EQ)
        {
          strbuf_printf (&b, " arg%u & 0x%llx == 0x%llx", c->arg, (unsigned long long)c->mask,
                         (unsigned long long)c->value);
          continue;
        }
      for (size_t i = 0; i < ARRAY_SIZE (seccomp_file_ops); i++)
        if (seccomp_file_ops[i].op == c->op)
          strbuf_printf (&b, " arg%u %s %llu", c->arg, seccomp_file_ops[i].text, (unsigned long long)c->value);
    }
  return strbuf_steal (&b);
}

/* A number: decimal, or hexadecimal after 0x; the whole token. */
static int
seccomp_file_number (const char *s, uint64_t *out)
{
  if (!*s || *s == '-' || *s == '+')
    return -1;
  char *end;
  errno = 0;
  unsigned long long v = strtoull (s, &end, strncasecmp (s, "0x", 2) == 0 ? 16 : 10);
  if (errno || *end || end == s)
    return -1;
  *out = v;
  return 0;
}

static int
seccomp_file_errno (const char *s, int *out)
{
  uint64_t v;
  if (seccomp_file_number (s, &v) == 0)
    {
      if (v < 1 || v > 4095)
        return -1;
      *out = (int)v;
      return 0;
    }
  for (int e = 1; e < 4096; e++)
    {
      const char *name = strerrorname_np (e);
      if (name && strcmp (name, s) == 0)
        {
          *out = e;
          return 0;
        }
    }
  return -1;
}

static int
seccomp_file_action (const char *s, enum seccomp_policy_action *a, int *errno_ret)
{
  if (strncmp (s, "errno:", 6) == 0)
    {
      *a = SECCOMP_POLICY_ERRNO;
      return seccomp_file_errno (s + 6, errno_ret);
    }
  for (size_t i = 0; i < ARRAY_SIZE (seccomp_file_actions); i++)
    if (strcmp (s, seccomp_file_actions[i].text) == 0)
      {
        *a = seccomp_file_actions[i].action;
        *errno_ret = seccomp_file_actions[i].errno_ret;
        return 0;
      }
  return -1;
}

struct seccomp_file_ctx
{
  const char *name;
  unsigned line;
  iso_error_t *err;
};

#define FILE_ERR(c, ...) iso_make_error ((c)->err, 0, "%s:%u: " __VA_ARGS__)

/* One condition from TOK[0..]: "argN OP VALUE" or "argN & MASK == VALUE".  The number of
   tokens taken, or negative. */
static int
seccomp_file_cond (struct seccomp_file_ctx *c, char **tok, size_t ntok, struct seccomp_policy_rule *r)
{
  unsigned used = 0;
  if (strncmp (tok[0], "arg", 3) != 0 || tok[0][3] < '0' || tok[0][3] > '5' || tok[0][4])
    return FILE_ERR (c, "'%s' is not an argument (arg0 to arg5)", c->name, c->line, tok[0]);
  unsigned arg = (unsigned)(tok[0][3] - '0');
  for (unsigned k = 0; k < r->ncmp; k++)
    if (r->cmp[k].arg == arg)
      return FILE_ERR (c, "arg%u is compared twice in one rule (write two rules)", c->name, c->line, arg);
  struct seccomp_policy_cmp cmp = { .arg = arg };
  if (ntok >= 5 && strcmp (tok[1], "&") == 0)
    {
      if (strcmp (tok[3], "==") != 0)
        return FILE_ERR (c, "after arg%u & MASK only == is allowed", c->name, c->line, arg);
      if (seccomp_file_number (tok[2], &cmp.mask) < 0 || seccomp_file_number (tok[4], &cmp.value) < 0)
        return FILE_ERR (c, "arg%u & %s == %s: not numbers", c->name, c->line, arg, tok[2], tok[4]);
      cmp.op = SECCOMP_POLICY_MASKED_EQ;
      used = 5;
    }
  else if (ntok >= 3)
    {
      size_t i;
      for (i = 0; i < ARRAY_SIZE (seccomp_file_ops) && strcmp (seccomp_file_ops[i].text, tok[1]) != 0; i++)
        ;
      if (i == ARRAY_SIZE (seccomp_file_ops))
        return FILE_ERR (c, "'%s' is not a comparison (== != < <= > >= or & MASK ==)", c->name, c->line, tok[1]);
      if (seccomp_file_number (tok[2], &cmp.value) < 0)
        return FILE_ERR (c, "'%s' is not a number", c->name, c->line, tok[2]);
      cmp.op = seccomp_file_ops[i].op;
      used = 3;
    }
  else
    return FILE_ERR (c, "arg%u: an incomplete condition", c->name, c->line, arg);
  r->cmp[r->ncmp++] = cmp;
  return (int)used;
}

static int
seccomp_file_line (struct seccomp_file_ctx *c, char *line, struct seccomp_policy *pol, bool *have_default)
{
  char *tok[40];
  size_t n = 0;
  char *save = NULL;
  for (char *t = strtok_r (line, " \t\r", &save); t; t = strtok_r (NULL, " \t\r", &save))
    {
      if (n == ARRAY_SIZE (tok))
        return FILE_ERR (c, "too many words", c->name, c->line);
      tok[n++] = t;
    }
  if (n == 0)
    return 0;
  if (strcmp (tok[0], "include") == 0)
    {
      if (n != 2 || strcmp (tok[1], "default") != 0)
        return FILE_ERR (c, "only 'include default' can be included", c->name, c->line);
      seccomp_policy_add_default (pol);
      return 0;
    }
  if (strcmp (tok[0], "default") == 0)
    {
      if (*have_default)
        return FILE_ERR (c, "a second 'default' line", c->name, c->line);
      if (n != 2 || seccomp_file_action (tok[1], &pol->def_action, &pol->def_errno) < 0)
        return FILE_ERR (c, "'default' takes one action (allow, log, kill, deny, errno, errno:E)", c->name, c->line);
      *have_default = true;
      return 0;
    }
  struct seccomp_policy_rule r = { 0 };
  if (seccomp_file_action (tok[0], &r.action, &r.errno_ret) < 0)
    return FILE_ERR (c, "'%s' is not an action (allow, log, kill, deny, errno, errno:E with E in 1-4095)", c->name,
                     c->line, tok[0]);
  if (n < 2)
    return FILE_ERR (c, "'%s' needs a system call", c->name, c->line, tok[0]);
  if (seccomp_syscall_resolve_name (tok[1]) == __NR_SCMP_ERROR)
    return FILE_ERR (c, "'%s' is not a system call libseccomp knows", c->name, c->line, tok[1]);
  for (size_t i = 2; i < n;)
    {
      int used = seccomp_file_cond (c, tok + i, n - i, &r);
      if (used < 0)
        return used;
      i += (size_t)used;
    }
  r.syscall = xstrdup (tok[1]);
  pol->rules = xreallocarray (pol->rules, pol->nrules + 1, sizeof *pol->rules);
  pol->rules[pol->nrules++] = r;
  return 0;
}

int
seccomp_policy_parse (const char *text, const char *name, struct seccomp_policy **out, iso_error_t *err)
{
  struct seccomp_policy *pol = xzalloc (sizeof *pol);
  pol->source = xstrdup (name);
  pol->def_action = SECCOMP_POLICY_ALLOW;
  struct seccomp_file_ctx c = { .name = name, .err = err };
  bool have_default = false;
  cleanup_free char *dup = xstrdup (text);
  char *p = dup;
  int r = 0;
  while (p && r == 0)
    {
      char *nl = strchr (p, '\n');
      if (nl)
        *nl++ = '\0';
      c.line++;
      char *hash = strchr (p, '#');
      if (hash)
        *hash = '\0';
      r = seccomp_file_line (&c, p, pol, &have_default);
      p = nl;
    }
  if (r < 0)
    {
      seccomp_policy_free (pol);
      return r;
    }
  *out = pol;
  return 0;
}

int
seccomp_policy_load (const char *file, struct seccomp_policy **out, iso_error_t *err)
{
  cleanup_free char *text = NULL;
  long n = util_read_file_at (AT_FDCWD, file, &text);
  if (n < 0)
    return iso_make_error (err, (int)-n, "cannot read the seccomp policy %s", file);
  if ((size_t)n != strlen (text))
    return iso_make_error (err, 0, "%s: a NUL byte in a text file", file);
  int r = seccomp_policy_parse (text, file, out, err);
  if (r < 0)
    return r;
  const char *blocked = seccomp_policy_blocks_needed (*out, false);
  if (blocked)
    {
      seccomp_policy_free (steal_pointer (out));
      return iso_make_error (err, 0,
                             "%s blocks %s, which isoscope makes after the filter is in place (the check before "
                             "exec, the exec itself): allow it",
                             file, blocked);
    }
  return 0;
}

const char *
seccomp_policy_blocks_needed (const struct seccomp_policy *pol, bool early)
{
  /* After the filter: send and recv for the check before exec, execve, exit_group on a failure;
     installed early (without no_new_privs), also what the later phases call. */
  static const char *const needed[] = { "sendto", "recvfrom",    "execve", "exit_group",     "capset", "prctl",
                                        "setsid", "close_range", "fcntl",  "rt_sigprocmask", "capget" };
  for (size_t k = 0; k < (early ? ARRAY_SIZE (needed) : 4); k++)
    {
      enum seccomp_policy_action a = pol->def_action;
      for (size_t i = 0; i < pol->nrules; i++)
        if (strcmp (pol->rules[i].syscall, needed[k]) == 0)
          {
            /* the first rule decides; one with argument tests may let the call through */
            a = pol->rules[i].ncmp ? SECCOMP_POLICY_ALLOW : pol->rules[i].action;
            break;
          }
      if (a == SECCOMP_POLICY_ERRNO || a == SECCOMP_POLICY_KILL)
        return needed[k];
    }
  return NULL;
}
