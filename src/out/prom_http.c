// SPDX-License-Identifier: GPL-2.0-or-later
/* prom_http.c: GET /metrics over HTTP with libmicrohttpd, loopback by default, bounded in connections and memory. */
#define _GNU_SOURCE
#include "isoscope/prom.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int
prom_parse_listen (const char *text, struct sockaddr_storage *ss, iso_error_t *err)
{
  memset (ss, 0, sizeof *ss);
  cleanup_free char *addr = NULL;
  const char *port;
  if (text[0] == '[')
    {
      /* [V6ADDR]:PORT */
      const char *close = strchr (text, ']');
      if (!close || close[1] != ':')
        return iso_make_error (err, EINVAL, "bad listen address '%s' (want [ADDR]:PORT)", text);
      addr = xstrndup (text + 1, (size_t)(close - text - 1));
      port = close + 2;
    }
  else if (strchr (text, ':'))
    {
      const char *colon = strrchr (text, ':');
      if (strchr (text, ':') != colon)
        return iso_make_error (err, EINVAL, "bad listen address '%s' (IPv6 addresses go in brackets)", text);
      addr = xstrndup (text, (size_t)(colon - text));
      port = colon + 1;
    }
  else
    port = text;
  int p;
  if (util_parse_int (port, &p) < 0 || p < 1 || p > 65535)
    return iso_make_error (err, EINVAL, "bad port in listen address '%s' (1-65535)", text);

  struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
  /* No address: loopback.  Any other address is bound only when it is written out. */
  if (!addr || !*addr || strcmp (addr, "localhost") == 0)
    {
      in4->sin_family = AF_INET;
      in4->sin_addr.s_addr = htonl (INADDR_LOOPBACK);
      in4->sin_port = htons ((uint16_t)p);
    }
  else if (text[0] != '[' && inet_pton (AF_INET, addr, &in4->sin_addr) == 1)
    {
      in4->sin_family = AF_INET;
      in4->sin_port = htons ((uint16_t)p);
    }
  else if (inet_pton (AF_INET6, addr, &in6->sin6_addr) == 1)
    {
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons ((uint16_t)p);
    }
  else
    return iso_make_error (err, EINVAL, "bad listen address '%s' (an IPv4 or IPv6 address, no host names)", text);
  return 0;
}

void
prom_block_stop_signals (sigset_t *stop, sigset_t *old)
{
  sigemptyset (stop);
  sigaddset (stop, SIGTERM);
  sigaddset (stop, SIGINT);
  sigaddset (stop, SIGHUP);
  pthread_sigmask (SIG_BLOCK, stop, old);
}

struct http_ctx
{
  prom_scrape_fn scrape;
  void *arg;
};

static enum MHD_Result
reply_text (struct MHD_Connection *conn, unsigned status, const char *text, const char *allow)
{
  struct MHD_Response *r
      = MHD_create_response_from_buffer (strlen (text), (void *)(uintptr_t)text, MHD_RESPMEM_PERSISTENT);
  if (!r)
    return MHD_NO;
  MHD_add_response_header (r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
  if (allow)
    MHD_add_response_header (r, MHD_HTTP_HEADER_ALLOW, allow);
  enum MHD_Result ret = MHD_queue_response (conn, status, r);
  MHD_destroy_response (r);
  return ret;
}

/* One request.  It is answered on the first call, before any body is read: /metrics takes
   none, and MHD closes a connection whose body was not consumed. */
static enum MHD_Result
http_answer (void *cls, struct MHD_Connection *conn, const char *url, const char *method, const char *version,
             const char *upload_data, size_t *upload_size, void **req_cls)
{
  (void)version;
  (void)upload_data;
  (void)upload_size;
  (void)req_cls;
  const struct http_ctx *h = cls;
  if (strcmp (url, "/metrics") != 0)
    return reply_text (conn, MHD_HTTP_NOT_FOUND, "not found: the metrics are at /metrics\n", NULL);
  if (strcmp (method, MHD_HTTP_METHOD_GET) != 0 && strcmp (method, MHD_HTTP_METHOD_HEAD) != 0)
    return reply_text (conn, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed: use GET\n", "GET, HEAD");
  size_t len = 0;
  char *text = h->scrape (h->arg, &len);
  if (!text)
    return reply_text (conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "the scan failed; see isoscope's stderr\n", NULL);
  struct MHD_Response *r = MHD_create_response_from_buffer (len, text, MHD_RESPMEM_MUST_FREE);
  if (!r)
    {
      free (text);
      return MHD_NO;
    }
  MHD_add_response_header (r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
  enum MHD_Result ret = MHD_queue_response (conn, MHD_HTTP_OK, r);
  MHD_destroy_response (r);
  return ret;
}

int
prom_http_serve (const struct prom_http_opts *o, prom_scrape_fn scrape, void *arg, iso_error_t *err)
{
  struct sockaddr_storage ss;
  int r = prom_parse_listen (o->listen, &ss, err);
  if (r < 0)
    return r;
  /* The signals that stop the server wait here; the server's thread inherits the mask. */
  sigset_t stop, old;
  prom_block_stop_signals (&stop, &old);

  struct http_ctx h = { scrape, arg };
  unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
  if (ss.ss_family == AF_INET6)
    flags |= MHD_USE_IPv6;
  uint16_t port = ss.ss_family == AF_INET6 ? ntohs (((struct sockaddr_in6 *)&ss)->sin6_port)
                                           : ntohs (((struct sockaddr_in *)&ss)->sin_port);
  /* One polling thread answers every connection in turn: one scan at a time, whatever the
     number of scrapers.  Connections beyond the limit are closed at once.  No SO_REUSEPORT:
     a second isoscope on the same port must fail, not share it. */
  struct MHD_Daemon *d
      = MHD_start_daemon (flags, port, NULL, NULL, http_answer, &h, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                          MHD_OPTION_CONNECTION_LIMIT, o->max_connections, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                          o->conn_memory, MHD_OPTION_CONNECTION_TIMEOUT, o->timeout, MHD_OPTION_END);
  if (!d)
    {
      int e = errno ? errno : EADDRINUSE;
      pthread_sigmask (SIG_SETMASK, &old, NULL);
      return iso_make_error (err, e, "cannot listen on %s", o->listen);
    }
  char name[INET6_ADDRSTRLEN] = "";
  if (ss.ss_family == AF_INET6)
    inet_ntop (AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, name, sizeof name);
  else
    inet_ntop (AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, name, sizeof name);
  fprintf (stderr, "isoscope metrics: serving http://%s%s%s:%u/metrics\n", ss.ss_family == AF_INET6 ? "[" : "", name,
           ss.ss_family == AF_INET6 ? "]" : "", (unsigned)port);
  fflush (stderr);
  int sig = 0;
  while (sigwait (&stop, &sig) != 0)
    ;
  MHD_stop_daemon (d);
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  return 0;
}
