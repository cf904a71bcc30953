#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# install-deps.sh: install the Debian packages isoscope needs to build and to run its tests.
set -eu

# Build: compiler, pkg-config and the libraries of DESIGN.md.
BUILD="gcc make pkg-config libncurses-dev libcap-dev libmount-dev libcjson-dev libsmartcols-dev libseccomp-dev libmicrohttpd-dev"
# Tests: prove (perl), util-linux oracles (lsns, nsenter, unshare, setpriv), python3 for JSON checks,
# iproute2, tmux for the TUI, man-db for rendering man pages, bash-completion for completion tests;
# clang with its sanitizer runtimes and llvm-symbolizer (make check SANITIZE=1), clang-tools
# (scan-build) and cppcheck for make analyze, shellcheck for make lint and tests/cli/lint.t;
# the escape tests: busybox-static for a sandbox's root, libc6-dev for the static attack probe,
# bubblewrap to set its outcomes beside ours; clang-14 and its runtime (libFuzzer, ASan, UBSan)
# for make fuzz.
TEST="perl util-linux python3 iproute2 tmux man-db bash-completion procps zsh fish
  clang libclang-rt-dev llvm clang-tools cppcheck shellcheck busybox-static libc6-dev bubblewrap
  clang-14 libclang-rt-14-dev"

# metrics: prometheus (promtool and the server) and prometheus-node-exporter ingest it, curl
# scrapes `metrics --listen`, python3-yaml reads deploy/kubernetes.
TEST="$TEST prometheus prometheus-node-exporter curl python3-yaml"
if ! command -v dpkg >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: this script knows Debian and Ubuntu (apt-get) only; install these by hand:" >&2
  echo "  build: $BUILD" >&2
  echo "  tests: $TEST" >&2
  exit 1
fi

missing=""
for p in $BUILD $TEST; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -z "$missing" ]; then
  echo "install-deps: everything is installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing:$missing; run this as root (sudo sh tools/install-deps.sh)" >&2
  exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
