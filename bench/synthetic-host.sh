#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build (up C P) or remove (down) a synthetic host of C namespaced "containers" of P processes each.
#
# Each container gets its own pid, mount, net, uts and ipc namespaces and its own cgroup in every
# hierarchy we find (v1 memory, pids, cpu; the cgroup2 tree at /sys/fs/cgroup/unified, or
# /sys/fs/cgroup itself on a pure v2 host). The container cgroups live under one parent directory
# named isoscope-bench.<pid of up>, created at the root of each hierarchy.
#
# Per container the host sees:
#   launcher  `unshare --pid --fork --kill-child`, in the host's namespaces and cgroups; it only
#             waits for its child, the namespace init. --kill-child makes the init die with it.
#   init      pid 1 of the new pid namespace; it unshares mnt/net/uts/ipc, mounts its own /proc,
#             joins the container cgroups, starts P-1 children and becomes `sleep infinity`.
#   children  P-1 `sleep infinity`.
# So a container holds exactly P processes (in its pid namespace, its other namespaces and its
# cgroup), and the host has C*P + C extra processes. Every container process has argv[0] set to
# "isoscope-bench.<id>-cNNNN" so that `pgrep -f isoscope-bench` finds them.
#
# Everything created is recorded (pid + start time, cgroup directories) in a state file,
# $ISOSCOPE_BENCH_STATE (default /tmp/isoscope-bench.state). `down` only ever acts on what that file
# lists: it kills the namespace inits (which takes their whole pid namespace with them) and removes
# the recorded cgroup directories, deepest first.
#
# Environment: ISOSCOPE_BENCH_STATE  state file (default /tmp/isoscope-bench.state)
#              ISOSCOPE_BENCH_TIMEOUT seconds to wait for every process to be up (default 300)
#              ISOSCOPE_BENCH_CGROOT  cgroup mount root (default /sys/fs/cgroup; for testing)

set -euo pipefail

readonly STATE=${ISOSCOPE_BENCH_STATE:-/tmp/isoscope-bench.state}
readonly UP_TIMEOUT=${ISOSCOPE_BENCH_TIMEOUT:-300}
readonly CGROOT=${ISOSCOPE_BENCH_CGROOT:-/sys/fs/cgroup}
SELF=$(readlink -f "${BASH_SOURCE[0]}")
readonly SELF
readonly PROG=${0##*/}

die() {
	printf '%s: error: %s\n' "$PROG" "$*" >&2
	exit 1
}

note() {
	printf '%s: %s\n' "$PROG" "$*" >&2
}

usage() {
	cat <<EOF
usage: $PROG up CONTAINERS PROCS_PER_CONTAINER
       $PROG down
       $PROG status

Builds a synthetic host of CONTAINERS containers (own pid/mnt/net/uts/ipc namespaces and
cgroup) holding PROCS_PER_CONTAINER processes each, or tears it down again.
State file: $STATE
EOF
}

# Read fields 3 (state) and 22 (start time) of /proc/PID/stat into ST_STATE and ST_START; fail if
# the process is gone. The comm field may hold spaces and parentheses, so split after its last ')'.
# Sets globals instead of printing so that polling loops need no subshell per process.
ST_STATE='' ST_START=''
read_stat() {
	local line
	local -a f
	{ read -r line <"/proc/$1/stat"; } 2>/dev/null || return 1
	read -r -a f <<<"${line##*) }"
	ST_STATE=${f[0]} ST_START=${f[19]}
}

# True while PID still names the process that started at START and has not yet exited.
# A zombie has released its namespaces and cgroups, so it counts as gone.
is_ours_alive() {
	read_stat "$1" && [[ $ST_START == "$2" && $ST_STATE != Z ]]
}

now_ms() {
	local s=${EPOCHREALTIME/./}
	printf '%s\n' "${s:0:-3}"
}

# The hierarchies a container joins: v1 memory, pids and cpu when mounted, plus cgroup2.
cgroup_roots() {
	local h
	if [[ $(stat -fc %T "$CGROOT" 2>/dev/null) == cgroup2fs ]]; then
		printf '%s\n' "$CGROOT"
		return
	fi
	for h in memory pids cpu; do
		[[ -d $CGROOT/$h && $(stat -L -fc %T "$CGROOT/$h") == cgroupfs ]] &&
			printf '%s\n' "$CGROOT/$h"
	done
	if [[ -d $CGROOT/unified && $(stat -fc %T "$CGROOT/unified") == cgroup2fs ]]; then
		printf '%s\n' "$CGROOT/unified"
	fi
	return 0
}

# Free pids, threads and namespaces; fail with a clear message rather than raising any limit.
preflight() {
	local c=$1 p=$2 need threads pid_max threads_max nproc t lim avail_kb want_kb
	local cg pmax pcur

	((EUID == 0)) || die "must run as root (unshare of pid/net/mnt namespaces and cgroup writes)"
	for t in unshare setsid ps; do
		command -v "$t" >/dev/null || die "'$t' not found (util-linux / procps)"
	done

	need=$((c * p + c + 64))
	read -r _ _ _ threads _ </proc/loadavg
	threads=${threads#*/}
	pid_max=$(</proc/sys/kernel/pid_max)
	threads_max=$(</proc/sys/kernel/threads-max)
	if ((threads + need > pid_max)); then
		die "need ~$need more pids but kernel.pid_max=$pid_max and $threads are in use;" \
			"use fewer containers/processes (this script raises no system limit)"
	fi
	if ((threads + need > threads_max)); then
		die "need ~$need more tasks but kernel.threads-max=$threads_max and $threads are in use"
	fi

	# RLIMIT_NPROC does not bind uid 0 of the initial user namespace; anyone else is checked.
	nproc=$(ulimit -u)
	if [[ $nproc != unlimited ]]; then
		local map
		map=$(tr -s ' ' </proc/self/uid_map)
		if [[ $map != " 0 0 4294967295" && $map != "0 0 4294967295" ]] && ((need > nproc)); then
			die "ulimit -u is $nproc, below the ~$need processes needed; raise it in this shell" \
				"(ulimit -u) or use fewer processes"
		fi
	fi

	for t in pid mnt net uts ipc; do
		lim=$(<"/proc/sys/user/max_${t}_namespaces")
		((lim >= c + 32)) ||
			die "user.max_${t}_namespaces=$lim is too small for $c containers"
	done

	# The launchers stay in our own pids cgroup: make sure it has room for them.
	cg=$(awk -F: '$2 == "pids" { print $3 }' /proc/self/cgroup)
	if [[ -n $cg && -r $CGROOT/pids$cg/pids.max ]]; then
		pmax=$(<"$CGROOT/pids$cg/pids.max")
		pcur=$(<"$CGROOT/pids$cg/pids.current")
		[[ $pmax == max ]] || ((pcur + c + 8 <= pmax)) ||
			die "our pids cgroup ($cg) allows $pmax tasks and holds $pcur; $c more needed"
	fi

	# A sleep process costs roughly 0.3 MiB once kernel stacks and page tables are counted.
	avail_kb=$(awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo)
	want_kb=$((c * p * 320))
	if [[ -n $avail_kb ]] && ((want_kb > avail_kb)); then
		die "need ~$((want_kb / 1024)) MiB for $((c * p)) processes, only $((avail_kb / 1024)) MiB available"
	fi
}

# ---- teardown ---------------------------------------------------------------------------------

# Wait until none of the given "pid start" pairs is alive, for at most $1 tenths of a second.
# Prints the pairs still alive at the end.
wait_gone() {
	local tenths=$1 i pair
	shift
	local -a left=("$@") still
	for ((i = 0; i <= tenths && ${#left[@]} > 0; i++)); do
		((i == 0)) || sleep 0.1
		still=()
		for pair in "${left[@]}"; do
			is_ours_alive "${pair% *}" "${pair#* }" && still+=("$pair")
		done
		left=("${still[@]}")
	done
	((${#left[@]} == 0)) || printf '%s\n' "${left[@]}"
}

# Kill the pairs that are still ours and alive. Never signals a recycled pid.
kill_ours() {
	local pair
	local -a pids=()
	for pair in "$@"; do
		is_ours_alive "${pair% *}" "${pair#* }" && pids+=("${pair% *}")
	done
	((${#pids[@]} == 0)) || kill -KILL "${pids[@]}" 2>/dev/null || true
}

teardown() {
	local kind a b rest dir i tries failed=0 pid pair
	local -a inits=() launchers=() cgroups=() left=() procs orphans=() parents=()
	local -A has_init=()
	local log=""

	[[ -f $STATE ]] || {
		note "no state file $STATE: nothing to tear down"
		return 0
	}
	while read -r kind a b rest; do
		case $kind in
		init)
			inits+=("$a $b")
			has_init[${rest%% *}]=1
			;;
		launcher) launchers+=("$a $b") ;;
		cgroup) cgroups+=("$a") ;;
		log) log=$a ;;
		esac
	done <"$STATE"

	# Killing a pid namespace's init makes the kernel SIGKILL everything else in it.
	kill_ours "${inits[@]}"
	mapfile -t left < <(wait_gone 100 "${inits[@]}")
	((${#left[@]} == 0)) || note "${#left[@]} namespace init(s) did not exit"

	# Each launcher exits once its init has. Those whose init was never recorded (a failed `up`)
	# are killed; --kill-child then takes their init, and with it the namespace, down too.
	for pair in "${launchers[@]}"; do
		if [[ -n ${has_init[${pair% *}]:-} ]]; then
			parents+=("$pair")
		else
			orphans+=("$pair")
		fi
	done
	kill_ours "${orphans[@]}"
	mapfile -t left < <(wait_gone 50 "${parents[@]}" "${orphans[@]}")
	if ((${#left[@]} > 0)); then
		kill_ours "${left[@]}"
		mapfile -t left < <(wait_gone 100 "${left[@]}")
		((${#left[@]} == 0)) || {
			note "${#left[@]} launcher(s) did not exit: ${left[*]}"
			failed=1
		}
	fi

	# Remove the cgroups, children before parents (reverse creation order). Anything still in a
	# container cgroup is one of ours (only our inits joined it); once inits are dead it should
	# drain by itself, but a process caught mid-launch is killed here.
	for ((i = ${#cgroups[@]} - 1; i >= 0; i--)); do
		dir=${cgroups[i]}
		[[ -d $dir ]] || continue
		for ((tries = 0; tries < 50; tries++)); do
			rmdir "$dir" 2>/dev/null && break
			if ((tries == 20)) && [[ -r $dir/cgroup.procs ]]; then
				mapfile -t procs <"$dir/cgroup.procs"
				for pid in "${procs[@]}"; do
					kill -KILL "$pid" 2>/dev/null || true
				done
			fi
			sleep 0.1
		done
		[[ -d $dir ]] && {
			note "could not remove cgroup $dir"
			failed=1
		}
	done

	# The launchers were orphaned when `up` exited, so their zombies are reaped by pid 1 (or a
	# subreaper), not by us. Give that a moment so that what runs next sees a clean process table.
	local zombies=0
	for ((tries = 0; tries < 50; tries++)); do
		zombies=0
		for pair in "${launchers[@]}"; do
			if read_stat "${pair% *}" && [[ $ST_START == "${pair#* }" ]]; then
				zombies=$((zombies + 1))
			fi
		done
		((zombies == 0)) && break
		sleep 0.1
	done
	((zombies == 0)) || note "$zombies exited launcher(s) not yet reaped by their parent"

	if ((failed)); then
		note "teardown incomplete; state kept in $STATE"
		return 1
	fi
	[[ -n $log ]] && rm -f "$log"
	rm -f "$STATE"
	return 0
}

# ---- bring-up ---------------------------------------------------------------------------------

up_done=0
on_up_exit() {
	local rc=$?
	trap - EXIT INT TERM
	if ((!up_done)); then
		note "bring-up failed; tearing down what was made"
		if [[ -n ${up_log:-} && -s $up_log ]]; then
			note "last launcher messages:"
			tail -n 5 "$up_log" >&2 || true
		fi
		teardown || true
		((rc != 0)) || rc=1
	fi
	exit "$rc"
}

count_up() {
	# Sum the processes currently in every container cgroup of one hierarchy.
	{ cat "$@" 2>/dev/null || true; } | wc -l
}

cmd_up() {
	local c=${1:-} p=${2:-} name root i cname t0 t1 total n pid
	local -a roots=() top=() procs_files=() count_files=() dirs=() lpids=() lstarts=()

	[[ $c =~ ^[1-9][0-9]*$ && $p =~ ^[1-9][0-9]*$ ]] || {
		usage >&2
		exit 2
	}
	preflight "$c" "$p"
	mapfile -t roots < <(cgroup_roots)
	((${#roots[@]} > 0)) || die "no usable cgroup hierarchy under $CGROOT"

	# Claim the state file atomically: a second `up` must not adopt or clobber the first.
	if ! (set -C && : >"$STATE") 2>/dev/null; then
		die "$STATE exists: a synthetic host is already up (run '$PROG down' first)"
	fi
	trap on_up_exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM

	name=isoscope-bench.$$
	up_log=/tmp/$name.log
	: >"$up_log"
	{
		printf '# isoscope synthetic host; tear down with: %s down\n' "$SELF"
		printf 'name %s\ncontainers %s\nprocs %s\nlog %s\n' "$name" "$c" "$p" "$up_log"
	} >>"$STATE"

	t0=$(now_ms)
	for root in "${roots[@]}"; do
		top+=("$root/$name")
	done
	mkdir "${top[@]}"
	printf 'cgroup %s\n' "${top[@]}" >>"$STATE"
	# On a pure cgroup2 host, delegate the usual controllers so the containers show limits/usage.
	for root in "${roots[@]}"; do
		if [[ $(stat -fc %T "$root") == cgroup2fs && -w $root/$name/cgroup.subtree_control ]]; then
			for t in memory pids cpu; do
				if grep -qw "$t" "$root/cgroup.subtree_control" 2>/dev/null; then
					{ echo "+$t" >"$root/$name/cgroup.subtree_control"; } 2>/dev/null || true
				fi
			done
		fi
	done
	for ((i = 1; i <= c; i++)); do
		printf -v cname 'c%04d' "$i"
		for root in "${roots[@]}"; do
			dirs+=("$root/$name/$cname")
		done
	done
	mkdir "${dirs[@]}"
	printf 'cgroup %s\n' "${dirs[@]}" >>"$STATE"

	# Launch every container at once; the kernel does the rest in parallel. Each launcher detaches
	# into its own session (setsid does not fork here: a background job of a non-interactive shell
	# is no process group leader), so it outlives this script and its terminal.
	for ((i = 1; i <= c; i++)); do
		printf -v cname 'c%04d' "$i"
		procs_files=()
		for root in "${roots[@]}"; do
			procs_files+=("$root/$name/$cname/cgroup.procs")
		done
		count_files+=("${roots[0]}/$name/$cname/cgroup.procs")
		(
			exec </dev/null >>"$up_log" 2>&1
			exec setsid unshare --pid --fork --kill-child -- \
				unshare --mount --net --uts --ipc --mount-proc -- \
				bash "$SELF" _init "$name-$cname" "$p" "${procs_files[@]}"
		) &
		lpids+=("$!")
		disown "$!" # they are meant to outlive us; no job reports if teardown kills them
	done
	for pid in "${lpids[@]}"; do
		read_stat "$pid" || die "launcher $pid died at once (see $up_log)"
		lstarts+=("$ST_START")
		printf 'launcher %s %s\n' "$pid" "$ST_START" >>"$STATE"
	done

	# Wait until every container holds its P processes and every init has become `sleep`.
	total=$((c * p))
	local deadline=$((SECONDS + UP_TIMEOUT)) next_report=$((SECONDS + 10))
	while :; do
		n=$(count_up "${count_files[@]}")
		((n == total)) && break
		if ((SECONDS >= next_report)); then
			note "$n of $total processes up"
			next_report=$((SECONDS + 10))
		fi
		for ((i = 0; i < c; i++)); do
			is_ours_alive "${lpids[i]}" "${lstarts[i]}" ||
				die "container c$(printf '%04d' $((i + 1))) died during launch (see $up_log)"
		done
		((SECONDS < deadline)) ||
			die "timed out after ${UP_TIMEOUT}s with $n of $total processes up"
		sleep 0.2
	done

	# Record each namespace init (the launcher's only child) with its start time.
	local -A want=()
	local -a inits=()
	for pid in "${lpids[@]}"; do
		want[$pid]=1
	done
	local ppid
	while read -r pid ppid; do
		[[ -n ${want[$ppid]:-} ]] || continue
		read_stat "$pid" || continue
		printf 'init %s %s %s\n' "$pid" "$ST_START" "$ppid" >>"$STATE"
		inits+=("$pid")
	done < <(ps -e -o pid=,ppid=)
	((${#inits[@]} == c)) || die "found ${#inits[@]} namespace inits, expected $c"

	# The last step of an init is `exec sleep`, after it has forked all its children.
	local comm
	while :; do
		n=0
		for pid in "${inits[@]}"; do
			{ read -r comm <"/proc/$pid/comm"; } 2>/dev/null || comm=gone
			[[ $comm == sleep ]] || n=$((n + 1))
		done
		((n == 0)) && break
		((SECONDS < deadline)) || die "timed out waiting for $n init(s) to finish launching"
		sleep 0.1
	done

	t1=$(now_ms)
	up_done=1
	trap - EXIT INT TERM
	printf 'started %d processes: %d containers x %d (+ %d launchers), in %d.%03d s\n' \
		"$total" "$c" "$p" "$c" $(((t1 - t0) / 1000)) $(((t1 - t0) % 1000))
	printf 'cgroups: %s\n' "${top[*]}"
	printf 'state: %s\n' "$STATE"
}

# Runs inside a new container, as pid 1 of its pid namespace, with its own mnt/net/uts/ipc.
cmd_init() {
	local mark=$1 n=$2 f i
	shift 2
	for f in "$@"; do
		echo 0 >"$f"
	done
	echo "$mark" >/proc/sys/kernel/hostname
	for ((i = 1; i < n; i++)); do
		exec -a "$mark" sleep infinity &
	done
	exec -a "$mark" sleep infinity
}

cmd_down() {
	local t0 t1
	t0=$(now_ms)
	teardown
	t1=$(now_ms)
	printf 'down in %d.%03d s\n' $(((t1 - t0) / 1000)) $(((t1 - t0) % 1000))
}

cmd_status() {
	[[ -f $STATE ]] || {
		echo "down (no $STATE)"
		return 1
	}
	local kind a b rest alive=0 total=0
	while read -r kind a b rest; do
		[[ $kind == init ]] || continue
		total=$((total + 1))
		is_ours_alive "$a" "$b" && alive=$((alive + 1))
	done <"$STATE"
	printf 'up: %d of %d container inits alive (state %s)\n' "$alive" "$total" "$STATE"
}

case ${1:-} in
up)
	shift
	cmd_up "$@"
	;;
down) cmd_down ;;
status) cmd_status ;;
_init)
	shift
	cmd_init "$@"
	;;
-h | --help)
	usage
	;;
*)
	usage >&2
	exit 2
	;;
esac
