/* SPDX-License-Identifier: GPL-2.0-or-later */
/* container.h: container identity derived from cgroup paths (Docker, containerd, CRI-O, Podman, LXC, nspawn,
 * Kubernetes). */
#ifndef ISOSCOPE_CONTAINER_H
#define ISOSCOPE_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>

struct iso_container
{
  char engine[16];   /* docker, containerd, cri-o, podman, lxc, nspawn, cri (a kubepods cgroupfs leaf) */
  char id[128];      /* the full id (64 hex) or the name for lxc/nspawn */
  char short_id[16]; /* the first 12 characters of a hex id, else the id cut to 15 */
  char pod_uid[40];  /* Kubernetes pod UID with dashes restored, or "" */
  char qos[16];      /* guaranteed, burstable, besteffort, or "" */
  char cgroup[512];  /* the cgroup path it was found in (the part up to and including the container) */
};

/* Recognise a container in a cgroup PATH.  Returns true and fills OUT when one
   is found; the last path segment that carries an id wins; monitors (conmon) and
   mount units are not containers.  A pod without a container segment fills only
   the pod fields and returns false. */
bool container_from_path (const char *path, struct iso_container *out);

/* Decode systemd's \xNN escapes of a unit name into OUT (at most SIZE bytes). */
void container_unescape (const char *in, char *out, size_t size);

#endif
