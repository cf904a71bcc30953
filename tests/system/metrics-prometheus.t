#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# metrics-prometheus.t: a real Prometheus server ingests isoscope's metrics both ways a fleet would
# deliver them: scraping `isoscope metrics --listen`, and scraping node_exporter whose textfile
# collector reads what `isoscope metrics --textfile --interval` writes.  Everything listens on
# 127.0.0.1 on free ports chosen here, and everything started here is stopped on exit.
#
# The test makes /isoscope-prom.PID in the v1 pids hierarchy with pids.max 16 and a sleep in it,
# then asks Prometheus's HTTP API: both targets are up, the cgroup's pids.max arrives through
# both paths with the kernel's value, node_exporter read the textfile without error, and
# Prometheus dropped nothing as out of order or duplicated.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/lib/tap.sh
. "$here/../lib/tap.sh"
# shellcheck source=tests/lib/ns-helpers.sh
. "$here/../lib/ns-helpers.sh"

require_root
command -v prometheus >/dev/null || skip_all "prometheus (Debian package prometheus) is needed"
NODE_EXPORTER=$(command -v prometheus-node-exporter || command -v node_exporter) ||
  skip_all "node_exporter (Debian package prometheus-node-exporter) is needed"
command -v curl >/dev/null || skip_all "curl is needed"
PIDSH=$(readlink -f /sys/fs/cgroup/pids)
[ -f "$PIDSH/cgroup.procs" ] || skip_all "no v1 pids hierarchy (this test is for hybrid and v1 hosts)"
tmp=$(new_tmpdir)
track_tmpdir "$tmp"
trap ns_cleanup EXIT
trap 'exit 1' INT TERM

REL=/isoscope-prom.$$
mkdir "$PIDSH$REL" && track_cgroup "$PIDSH$REL"
echo 16 >"$PIDSH$REL/pids.max"
(
  echo "$BASHPID" >"$PIDSH$REL/cgroup.procs" || exit 125
  exec sleep 1000
) &
track_pid $!

free_port() {
  "$NS_PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
P_ISO=$(free_port)
P_NODE=$(free_port)
P_PROM=$(free_port)
mkdir "$tmp/textfile" "$tmp/data"

"$ISOSCOPE" metrics --listen "$P_ISO" 2>"$tmp/iso.err" &
track_pid $!
"$ISOSCOPE" metrics --textfile "$tmp/textfile" --interval 1 2>"$tmp/textfile.err" &
writer=$!
track_pid "$writer"
"$NODE_EXPORTER" --web.listen-address="127.0.0.1:$P_NODE" --collector.disable-defaults --collector.textfile \
  --collector.textfile.directory="$tmp/textfile" >"$tmp/node.log" 2>&1 &
track_pid $!
cat >"$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: isoscope
    static_configs: [{ targets: ["127.0.0.1:$P_ISO"] }]
  - job_name: node
    static_configs: [{ targets: ["127.0.0.1:$P_NODE"] }]
  - job_name: prometheus
    static_configs: [{ targets: ["127.0.0.1:$P_PROM"] }]
EOF
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/data" \
  --web.listen-address="127.0.0.1:$P_PROM" >"$tmp/prometheus.log" 2>&1 &
track_pid $!

# query PROMQL: the value of the first result of an instant query, or nothing.
query() {
  curl -s --get --data-urlencode "query=$1" "http://127.0.0.1:$P_PROM/api/v1/query" |
    "$NS_PYTHON" -c 'import json, sys
r = json.load(sys.stdin).get("data", {}).get("result", [])
print(r[0]["value"][1] if r else "")' 2>/dev/null
}
query_is() { [ "$(query "$1")" = "$2" ]; }

wait_until 60 query_is 'up{job="isoscope"}' 1
ok $? "Prometheus scrapes isoscope metrics --listen (up is 1)"
wait_until 30 query_is 'up{job="node"}' 1
ok $? "Prometheus scrapes node_exporter (up is 1)"
want=$(cat "$PIDSH$REL/pids.max")
wait_until 30 query_is "isoscope_cgroup_pids_max{job=\"isoscope\",cgroup=\"$REL\"}" "$want"
ok $? "through --listen: pids max of $REL is $want, as pids.max says"
wait_until 30 query_is "isoscope_cgroup_pids_max{job=\"node\",cgroup=\"$REL\"}" "$want"
ok $? "through the textfile and node_exporter: pids max of $REL is $want"
is "$(query 'node_textfile_scrape_error{job="node"}')" 0 "node_exporter read the textfile without error"
n=$(query 'scrape_samples_scraped{job="isoscope"}')
[ "${n:-0}" -gt 50 ]
ok $? "a scrape of isoscope brought $n samples"
wait_until 30 query_is 'up{job="prometheus"}' 1
is "$(query 'sum(prometheus_target_scrapes_sample_out_of_order_total) + sum(prometheus_target_scrapes_sample_duplicate_timestamp_total) + sum(prometheus_target_scrapes_sample_out_of_bounds_total)')" 0 \
  "Prometheus dropped no sample as out of order, duplicated or out of bounds"
is "$(query 'count(isoscope_container_info{job="isoscope"}) or vector(0)')" "$(query 'isoscope_containers{job="isoscope"}')" \
  "one info series per container"
kill -TERM "$writer"
wait "$writer"
is "$?" 0 "the textfile writer stops on SIGTERM with status 0"

done_testing
