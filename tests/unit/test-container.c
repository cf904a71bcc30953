// SPDX-License-Identifier: GPL-2.0-or-later
/* test-container.c: container and pod identity from cgroup paths, and systemd unit-name unescaping. */
#define _GNU_SOURCE
#include "isoscope/container.h"
#include "isoscope/util.h"
#include "tap.h"

#include <string.h>

/* sha256 of a few words: 64 lowercase hex digits that do not repeat inside themselves. */
#define HEX_A "d548c5b83fa61d8e3bd86ad42a7ffea9b7c86e3f9d8095c1577d3e1270bb9420"
#define HEX_B "2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9"
#define HEX_C "c64064614423cb790e88b3e5492ff5ccf673b25ae823089f7a60c65cda24d809"
#define HEX_A_UPPER "D548C5B83FA61D8E3BD86AD42A7FFEA9B7C86E3F9D8095C1577D3E1270BB9420"
#define HEX_63 "d548c5b83fa61d8e3bd86ad42a7ffea9b7c86e3f9d8095c1577d3e1270bb942"
#define HEX_65 "d548c5b83fa61d8e3bd86ad42a7ffea9b7c86e3f9d8095c1577d3e1270bb94201"
#define NOT_HEX_64 "g548c5b83fa61d8e3bd86ad42a7ffea9b7c86e3f9d8095c1577d3e1270bb9420"
#define POD "1234abcd-5678-90ef-1234-567890abcdef"
#define POD_ "1234abcd_5678_90ef_1234_567890abcdef"

struct want
{
  bool found;
  const char *engine, *id, *short_id, *pod_uid, *qos, *cgroup;
};

/* Check every field of the result for PATH; NAME labels the assertions. */
static void
check (const char *name, const char *path, struct want w)
{
  struct iso_container c;
  memset (&c, 0x55, sizeof c); /* garbage: every field must be written */
  bool found = container_from_path (path, &c);
  is_int (found, w.found, "%s: %s", name, w.found ? "a container" : "not a container");
  is_str (c.engine, w.engine ? w.engine : "", "%s: engine", name);
  is_str (c.id, w.id ? w.id : "", "%s: id", name);
  is_str (c.short_id, w.short_id ? w.short_id : "", "%s: short id", name);
  is_str (c.pod_uid, w.pod_uid ? w.pod_uid : "", "%s: pod uid", name);
  is_str (c.qos, w.qos ? w.qos : "", "%s: qos", name);
  if (w.found)
    is_str (c.cgroup, w.cgroup ? w.cgroup : path, "%s: cgroup of the container", name);
}

static void
test_docker (void)
{
  check ("docker systemd", "/system.slice/docker-" HEX_A ".scope",
         (struct want){ true, "docker", HEX_A, "d548c5b83fa6", NULL, NULL, NULL });
  check ("docker cgroupfs", "/docker/" HEX_A, (struct want){ true, "docker", HEX_A, "d548c5b83fa6", NULL, NULL, NULL });
  check ("docker cgroupfs, a cgroup inside", "/docker/" HEX_A "/init",
         (struct want){ true, "docker", HEX_A, "d548c5b83fa6", NULL, NULL, "/docker/" HEX_A });
  check ("docker systemd, doubled slashes", "//system.slice//docker-" HEX_A ".scope/",
         (struct want){ true, "docker", HEX_A, "d548c5b83fa6", NULL, NULL, "//system.slice//docker-" HEX_A ".scope" });
  check ("docker overlay .mount unit", "/system.slice/var-lib-docker-overlay2-" HEX_A "-merged.mount",
         (struct want){ false });
  check ("docker netns .mount unit", "/system.slice/run-docker-netns-" HEX_A ".mount", (struct want){ false });
  check ("a bare 64-hex .mount unit under docker", "/docker/" HEX_A ".mount", (struct want){ false });
  check ("docker- prefix with a .mount suffix", "/system.slice/docker-" HEX_A ".mount", (struct want){ false });
  check ("non-hex 64 characters", "/system.slice/docker-" NOT_HEX_64 ".scope", (struct want){ false });
  check ("non-hex 64 characters, cgroupfs", "/docker/" NOT_HEX_64, (struct want){ false });
  check ("uppercase hex", "/system.slice/docker-" HEX_A_UPPER ".scope", (struct want){ false });
  check ("uppercase hex, cgroupfs", "/docker/" HEX_A_UPPER, (struct want){ false });
  check ("63 hex digits", "/system.slice/docker-" HEX_63 ".scope", (struct want){ false });
  check ("63 hex digits, cgroupfs", "/docker/" HEX_63, (struct want){ false });
  check ("65 hex digits", "/system.slice/docker-" HEX_65 ".scope", (struct want){ false });
  check ("65 hex digits, cgroupfs", "/docker/" HEX_65, (struct want){ false });
  check ("64 hex outside /docker and outside a pod", "/system.slice/" HEX_A, (struct want){ false });
  check ("/docker alone", "/docker", (struct want){ false });
  check ("docker.service", "/system.slice/docker.service", (struct want){ false });
  check ("docker-in-docker: the last segment wins", "/system.slice/docker-" HEX_A ".scope/docker/" HEX_B,
         (struct want){ true, "docker", HEX_B, "2f259bab93aa", NULL, NULL, NULL });
  check ("docker inside an LXC container: the last segment wins",
         "/lxc.payload.web1/system.slice/docker-" HEX_C ".scope",
         (struct want){ true, "docker", HEX_C, "c64064614423", NULL, NULL, NULL });
}

static void
test_kubernetes (void)
{
  const char *bslice = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD_ ".slice";
  char path[1024];
  snprintf (path, sizeof path, "%s/cri-containerd-" HEX_A ".scope", bslice);
  check ("containerd burstable", path,
         (struct want){ true, "containerd", HEX_A, "d548c5b83fa6", POD, "burstable", NULL });
  check ("burstable pod slice alone", bslice, (struct want){ false, NULL, NULL, NULL, POD, "burstable" });
  check ("besteffort pod slice alone",
         "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" POD_ ".slice",
         (struct want){ false, NULL, NULL, NULL, POD, "besteffort" });
  check ("containerd guaranteed (pod directly under kubepods.slice)",
         "/kubepods.slice/kubepods-pod" POD_ ".slice/cri-containerd-" HEX_B ".scope",
         (struct want){ true, "containerd", HEX_B, "2f259bab93aa", POD, "guaranteed", NULL });
  check ("guaranteed pod slice alone", "/kubepods.slice/kubepods-pod" POD_ ".slice",
         (struct want){ false, NULL, NULL, NULL, POD, "guaranteed" });
  check ("QoS slice: no pod", "/kubepods.slice/kubepods-burstable.slice", (struct want){ false });
  check ("kubepods.slice: no pod", "/kubepods.slice", (struct want){ false });
  /* Found by tests/fuzz/fuzz-container.c: an empty class of service gave a pod without one. */
  check ("kubepods--pod: no pod", "/kubepods.slice/kubepods--pod" POD_ ".slice", (struct want){ false });
  struct iso_container c;
  ok (!container_from_path ("/kubepods.slice/kubepods-pod0123456789_0123456789_0123456789_0123456789.slice", &c)
          && c.pod_uid[0] == '\0',
      "a pod UID too long for the field is not taken");

  /* CRI-O with the systemd driver. */
  snprintf (path, sizeof path,
            "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod%s.slice/crio-%s.scope", POD_, HEX_C);
  check ("cri-o", path, (struct want){ true, "cri-o", HEX_C, "c64064614423", POD, "besteffort", NULL });
  snprintf (path, sizeof path,
            "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod%s.slice/crio-conmon-%s.scope", POD_,
            HEX_C);
  check ("crio-conmon is the monitor, not a container", path,
         (struct want){ false, NULL, NULL, NULL, POD, "besteffort" });
  snprintf (path, sizeof path, "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod%s.slice/crio-%s", POD_,
            HEX_C);
  check ("cri-o sandbox without .scope", path, (struct want){ true, "cri-o", HEX_C, "c64064614423", POD, "burstable" });

  /* The cgroupfs driver. */
  check ("kubepods cgroupfs burstable", "/kubepods/burstable/pod" POD "/" HEX_A,
         (struct want){ true, "cri", HEX_A, "d548c5b83fa6", POD, "burstable", NULL });
  check ("kubepods cgroupfs besteffort", "/kubepods/besteffort/pod" POD "/" HEX_A,
         (struct want){ true, "cri", HEX_A, "d548c5b83fa6", POD, "besteffort", NULL });
  check ("kubepods cgroupfs guaranteed", "/kubepods/pod" POD "/" HEX_B,
         (struct want){ true, "cri", HEX_B, "2f259bab93aa", POD, "guaranteed", NULL });
  check ("kubepods cgroupfs pod alone", "/kubepods/burstable/pod" POD,
         (struct want){ false, NULL, NULL, NULL, POD, "burstable" });
  check ("kubepods cgroupfs QoS level alone", "/kubepods/burstable", (struct want){ false });
  check ("kubepods cgroupfs cri-o", "/kubepods/burstable/pod" POD "/crio-" HEX_C,
         (struct want){ true, "cri-o", HEX_C, "c64064614423", POD, "burstable", NULL });
  check ("kubepods cgroupfs crio-conmon", "/kubepods/burstable/pod" POD "/crio-conmon-" HEX_C,
         (struct want){ false, NULL, NULL, NULL, POD, "burstable" });
  check ("kubepods cgroupfs, non-hex leaf", "/kubepods/burstable/pod" POD "/" NOT_HEX_64,
         (struct want){ false, NULL, NULL, NULL, POD, "burstable" });
}

static void
test_podman (void)
{
  const char *base = "/user.slice/user-1000.slice/user@1000.service/user.slice";
  char path[1100], scope[1024];
  snprintf (scope, sizeof scope, "%s/libpod-%s.scope", base, HEX_B);
  snprintf (path, sizeof path, "%s/container", scope);
  check ("rootless podman with a container leaf", path,
         (struct want){ true, "podman", HEX_B, "2f259bab93aa", NULL, NULL, scope });
  check ("rootless podman scope", scope, (struct want){ true, "podman", HEX_B, "2f259bab93aa", NULL, NULL, NULL });
  snprintf (path, sizeof path, "%s/libpod-conmon-%s.scope", base, HEX_B);
  check ("libpod-conmon is the monitor", path, (struct want){ false });
  check ("rootful podman", "/machine.slice/libpod-" HEX_A ".scope/container",
         (struct want){ true, "podman", HEX_A, "d548c5b83fa6", NULL, NULL, "/machine.slice/libpod-" HEX_A ".scope" });
  check ("podman cgroupfs", "/libpod_parent/libpod-" HEX_A,
         (struct want){ true, "podman", HEX_A, "d548c5b83fa6", NULL, NULL, NULL });
  check ("podman cgroupfs conmon", "/libpod_parent/conmon", (struct want){ false });
  check ("podman cgroupfs libpod-conmon", "/libpod_parent/libpod-conmon-" HEX_A, (struct want){ false });
}

static void
test_lxc_nspawn (void)
{
  check ("lxc.payload.NAME", "/lxc.payload.web1", (struct want){ true, "lxc", "web1", "web1", NULL, NULL, NULL });
  check ("lxc.payload.NAME, systemd inside", "/lxc.payload.web1/system.slice/sshd.service",
         (struct want){ true, "lxc", "web1", "web1", NULL, NULL, "/lxc.payload.web1" });
  check ("legacy /lxc.payload/NAME", "/lxc.payload/web1",
         (struct want){ true, "lxc", "web1", "web1", NULL, NULL, NULL });
  check ("legacy /lxc/NAME", "/lxc/web1", (struct want){ true, "lxc", "web1", "web1", NULL, NULL, NULL });
  check ("lxc.monitor is not the container", "/lxc.monitor.web1", (struct want){ false });
  check ("/lxc alone", "/lxc", (struct want){ false });
  check ("lxc.payload. with no name", "/lxc.payload.", (struct want){ false });
  struct iso_container c;
  ok (container_from_path ("/lxc.payload.my-very-long-container-name", &c), "a long LXC name is a container");
  is_str (c.id, "my-very-long-container-name", "a long LXC name: the id is the whole name");
  is_str (c.short_id, "my-very-long-co", "a long LXC name: the short id is the name cut to 15");

  char longname[300], path[400];
  memset (longname, 'n', 200);
  longname[200] = '\0';
  snprintf (path, sizeof path, "/lxc.payload.%s", longname);
  ok (container_from_path (path, &c), "a 200-character LXC name is found");
  is_int (strlen (c.id), sizeof c.id - 1, "a 200-character LXC name is cut to the id field");

  check ("nspawn / libvirt machine, escaped", "/machine.slice/machine-qemu\\x2d1\\x2dWin11.scope",
         (struct want){ true, "nspawn", "qemu-1-Win11", "qemu-1-Win11", NULL, NULL, NULL });
  check ("nspawn payload subgroup", "/machine.slice/machine-debian.scope/payload",
         (struct want){ true, "nspawn", "debian", "debian", NULL, NULL, "/machine.slice/machine-debian.scope" });
  check ("machine-.scope with no name", "/machine.slice/machine-.scope", (struct want){ false });
  check ("machine.slice alone", "/machine.slice", (struct want){ false });
}

static void
test_plain (void)
{
  static const char *const plain[] = {
    "/",
    "",
    "/init.scope",
    "/system.slice/cron.service",
    "/user.slice/user-1000.slice/session-2.scope",
    "/user.slice/user-1000.slice/user@1000.service/app.slice/snap.firefox.firefox-1234.scope",
    "/system.slice/containerd.service",
  };
  for (size_t i = 0; i < ARRAY_SIZE (plain); i++)
    check (plain[i][0] ? plain[i] : "(empty path)", plain[i], (struct want){ false });

  /* The output is reset on every call, also after a container was found with the same struct. */
  struct iso_container c;
  container_from_path ("/kubepods/burstable/pod" POD "/" HEX_A, &c);
  bool found = container_from_path ("/system.slice/cron.service", &c);
  ok (!found && !c.engine[0] && !c.id[0] && !c.pod_uid[0] && !c.qos[0] && !c.cgroup[0],
      "a second call clears what the first one found");
}

static void
unescape_is (const char *in, size_t size, const char *want, const char *name)
{
  char out[64];
  memset (out, 'Z', sizeof out);
  container_unescape (in, out, size);
  is_str (out, want, "unescape: %s", name);
  ok (size >= sizeof out || out[size] == 'Z', "unescape: %s: nothing written past %zu bytes", name, size);
}

static void
test_unescape (void)
{
  unescape_is ("qemu\\x2d1\\x2dWin11", 64, "qemu-1-Win11", "two \\x2d");
  unescape_is ("plain", 64, "plain", "nothing to decode");
  unescape_is ("", 64, "", "empty");
  unescape_is ("\\x2dstart", 64, "-start", "escape at the start");
  unescape_is ("end\\x2d", 64, "end-", "escape at the end");
  unescape_is ("a\\x2Db", 64, "a-b", "uppercase hex digits");
  unescape_is ("\\x41\\x42", 64, "AB", "adjacent escapes");
  unescape_is ("a\\x2", 64, "a\\x2", "truncated \\x2 kept as it is");
  unescape_is ("a\\x", 64, "a\\x", "\\x at the end kept");
  unescape_is ("a\\", 64, "a\\", "a lone backslash at the end kept");
  unescape_is ("a\\xzz", 64, "a\\xzz", "\\x with non-hex digits kept");
  unescape_is ("a\\y2d", 64, "a\\y2d", "backslash without x kept");
  unescape_is ("abcdef", 4, "abc", "cut to size 4 (3 characters and the NUL)");
  unescape_is ("abcdef", 1, "", "size 1 holds only the NUL");
  unescape_is ("ab\\x2dcd", 3, "ab", "an escape that does not fit is left out");
  unescape_is ("ab\\x2dcd", 4, "ab-", "an escape that just fits");
  unescape_is ("ab\\x2dcd", 7, "ab-cd", "the decoded text is shorter than the escaped one");

  char out[4] = { 'Z', 'Z', 'Z', 'Z' };
  container_unescape ("abc", out, 0);
  ok (out[0] == 'Z', "unescape: size 0 writes nothing");
}

int
main (void)
{
  test_docker ();
  test_kubernetes ();
  test_podman ();
  test_lxc_nspawn ();
  test_plain ();
  test_unescape ();
  return done_testing ();
}
