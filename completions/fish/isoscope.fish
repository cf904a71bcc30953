# SPDX-License-Identifier: GPL-2.0-or-later
# fish completion for isoscope.
#
# Static lists, written in the order of the code's tables.  tests/cli/docs.t
# compares them with `isoscope __options` and `isoscope ls -H`: the global
# options are the `complete` lines without a condition, the options of command
# CMD are the lines whose condition starts with '__isoscope_using CMD', and the
# columns of ls are in __isoscope_ls_columns.

# Print the command word of the command line being edited (skipping the
# global options and the values of --sysroot, --load and --at); fail when there is none yet.
function __isoscope_command
    set -l words (commandline -opc)
    set -e words[1]
    set -l skip 0
    for w in $words
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $w
            case --sysroot --load --at
                set skip 1
            case '-*'
                continue
            case '*'
                echo $w
                return 0
        end
    end
    return 1
end

function __isoscope_no_command
    not __isoscope_command >/dev/null
end

function __isoscope_using --argument-names cmd
    set -l found (__isoscope_command)
    and test "$found" = "$cmd"
end

# -o/--output: complete the last name of a comma-separated column list, which
# may start with "+"; names already in the list are not offered again.
# Usage: __isoscope_comma_list NAME DESCRIPTION NAME DESCRIPTION...
function __isoscope_comma_list
    # The value part of "--output=LIST", "-oLIST" or "LIST".
    set -l tok (string replace -r -- '^(--output=|-o)' '' (commandline -ct))
    set -l head (string match -r -- '^\+?(?:[^,]*,)*' $tok)
    set -l chosen (string split , -- (string replace -r -- '^\+' '' $head))
    for i in (seq 1 2 (count $argv))
        if not contains -- (string lower -- $argv[$i]) (string lower -- $chosen)
            printf '%s%s\t%s\n' $head $argv[$i] $argv[(math $i + 1)]
        end
    end
end

function __isoscope_ls_columns
    __isoscope_comma_list \
        NS 'inode number of the namespace' \
        TYPE 'kind of namespace' \
        PATH 'a path that opens the namespace' \
        NPROCS 'how many processes are in it' \
        PID 'its lowest process ID' \
        PPID 'parent of that process' \
        COMMAND 'command line of that process' \
        UID 'user ID of that process' \
        USER 'user name of that process' \
        NETNSID 'ID given to a network namespace by ours' \
        NSFS 'where it is bind mounted' \
        PNS 'inode number of the parent namespace' \
        ONS 'inode number of the owning user namespace' \
        NSID '64-bit namespace ID' \
        HOLDERS 'what keeps it alive' \
        NTHREADS 'how many threads are in it' \
        PIDNS_PID 'the PID inside its own pid namespace' \
        NSPIDS 'the PID at each pid namespace level' \
        OWNERUID 'user who created the owning user namespace' \
        CGROUP 'cgroup of that process' \
        CONTAINER 'container of that process'
end

function __isoscope_cgroups_columns
    __isoscope_comma_list \
        PATH 'cgroup path' \
        CONTAINER 'container engine and short ID' \
        TASKS 'processes in the cgroup' \
        THREADS 'threads in the cgroup' \
        CPU% 'CPU use over --interval' \
        CPUQ% 'CPU use as a share of the quota' \
        MEM 'memory in use' \
        WSET 'working set' \
        MEMMAX 'memory limit' \
        PIDS 'tasks counted by the pids controller' \
        PIDSMAX 'task limit' \
        THR% 'throttled periods over --interval' \
        PSI-CPU 'CPU pressure, avg10' \
        PSI-MEM 'memory pressure, avg10' \
        PSI-IO 'IO pressure, avg10' \
        OOMKILL 'processes killed by the OOM killer' \
        IO-RD/S 'bytes read per second' \
        IO-WR/S 'bytes written per second' \
        CPUSET 'effective CPUs' \
        FROZEN 'frozen or not' \
        memory_current 'memory in use' \
        memory_max 'hard memory limit' \
        memory_high 'throttling limit' \
        memory_low 'best-effort protection' \
        memory_min 'hard protection' \
        memory_peak 'highest usage' \
        memory_swap_current 'swap in use' \
        memory_swap_max 'swap limit' \
        memory_stat_anon 'anonymous memory' \
        memory_stat_file 'page cache' \
        memory_stat_inactive_file 'inactive page cache' \
        memory_working_set 'usage less inactive page cache' \
        memory_events_low 'reclaims under memory.low' \
        memory_events_high 'throttlings over memory.high' \
        memory_events_max 'times memory.max was reached' \
        memory_events_oom 'out-of-memory events' \
        memory_events_oom_kill 'processes killed by the OOM killer' \
        cpu_weight 'CPU weight' \
        cpu_max_quota_usec 'CPU quota per period' \
        cpu_max_period_usec 'quota period' \
        cpu_stat_usage_usec 'CPU time used' \
        cpu_stat_user_usec 'user CPU time' \
        cpu_stat_system_usec 'system CPU time' \
        cpu_stat_nr_periods 'periods elapsed' \
        cpu_stat_nr_throttled 'periods throttled' \
        cpu_stat_throttled_usec 'time throttled' \
        pids_current 'tasks here and below' \
        pids_max 'task limit' \
        pids_events_max 'forks refused' \
        io_weight 'IO weight' \
        io_stat_rbytes 'bytes read' \
        io_stat_wbytes 'bytes written' \
        io_stat_rios 'read operations' \
        io_stat_wios 'write operations' \
        psi_cpu_some_avg10 'cpu pressure, some, avg10' \
        psi_cpu_some_avg60 'cpu pressure, some, avg60' \
        psi_cpu_some_avg300 'cpu pressure, some, avg300' \
        psi_cpu_some_total 'cpu pressure, some, total' \
        psi_cpu_full_avg10 'cpu pressure, full, avg10' \
        psi_cpu_full_avg60 'cpu pressure, full, avg60' \
        psi_cpu_full_avg300 'cpu pressure, full, avg300' \
        psi_cpu_full_total 'cpu pressure, full, total' \
        psi_memory_some_avg10 'memory pressure, some, avg10' \
        psi_memory_some_avg60 'memory pressure, some, avg60' \
        psi_memory_some_avg300 'memory pressure, some, avg300' \
        psi_memory_some_total 'memory pressure, some, total' \
        psi_memory_full_avg10 'memory pressure, full, avg10' \
        psi_memory_full_avg60 'memory pressure, full, avg60' \
        psi_memory_full_avg300 'memory pressure, full, avg300' \
        psi_memory_full_total 'memory pressure, full, total' \
        psi_io_some_avg10 'io pressure, some, avg10' \
        psi_io_some_avg60 'io pressure, some, avg60' \
        psi_io_some_avg300 'io pressure, some, avg300' \
        psi_io_some_total 'io pressure, some, total' \
        psi_io_full_avg10 'io pressure, full, avg10' \
        psi_io_full_avg60 'io pressure, full, avg60' \
        psi_io_full_avg300 'io pressure, full, avg300' \
        psi_io_full_total 'io pressure, full, total'
end

function __isoscope_ps_columns
    __isoscope_comma_list \
        PID 'process ID' \
        PIDNS_PID 'process ID in its own pid namespace' \
        PPID 'parent process ID' \
        USER 'real user name' \
        UID 'real user ID' \
        COMMAND 'command line' \
        CONTAINER 'container' \
        CGROUP 'cgroup path' \
        MNTNS 'mount namespace' \
        NETNS 'network namespace' \
        PIDNS 'pid namespace' \
        UTSNS 'UTS namespace' \
        IPCNS 'IPC namespace' \
        USERNS 'user namespace' \
        CGROUPNS 'cgroup namespace' \
        TIMENS 'time namespace' \
        HOSTNS 'namespaces shared with the host' \
        CAPS 'effective capabilities, summed up' \
        CAPEFF 'effective capabilities' \
        CAPPRM 'permitted capabilities' \
        CAPINH 'inheritable capabilities' \
        CAPBND 'bounding set' \
        CAPAMB 'ambient capabilities' \
        SECCOMP 'seccomp mode' \
        NNP 'no_new_privs' \
        LSM 'LSM label' \
        FILECAPS 'file capabilities of the program'
end

function __isoscope_caps_columns
    __isoscope_ps_columns
end

# caps --beyond: docker, none, or a comma-separated list of capability names.
function __isoscope_cap_set
    set -l tok (string replace -r -- '^--beyond=' '' (commandline -ct))
    set -l head (string match -r -- '^(?:[^,]*,)*' $tok)
    test -z "$head"; and printf '%s\n' docker none
    for c in chown dac_override dac_read_search fowner fsetid kill setgid setuid setpcap linux_immutable net_bind_service net_broadcast net_admin net_raw ipc_lock ipc_owner sys_module sys_rawio sys_chroot sys_ptrace sys_pacct sys_admin sys_boot sys_nice sys_resource sys_time sys_tty_config mknod lease audit_write audit_control setfcap mac_override mac_admin syslog wake_alarm block_suspend audit_read perfmon bpf checkpoint_restore
        printf '%s%s\n' $head $c
    end
end

# verify --cap-add: ALL or a comma-separated list of capability names.
function __isoscope_cap_list
    set -l tok (string replace -r -- '^--cap-add=' '' (commandline -ct))
    set -l head (string match -r -- '^(?:[^,]*,)*' $tok)
    test -z "$head"; and echo ALL
    __isoscope_cap_set | string match -rv '^(docker|none)$' | string replace -r '^.*,' '' | while read -l c
        printf '%s%s\n' "$head" $c
    end
end

# Cgroup paths for `isoscope cgroups PATH`: the directories at that path in
# every hierarchy under /sys/fs/cgroup.
function __isoscope_cgroup_paths
    set -l tok (commandline -ct)
    string match -q -- '/*' $tok; or set tok /$tok
    set -l found
    for base in /sys/fs/cgroup /sys/fs/cgroup/*
        test -e $base/cgroup.procs; or continue
        for d in $base$tok*/
            set -l p (string replace -- $base '' $d)
            contains -- $p $found; or set -a found $p
        end
    end
    printf '%s\n' $found
end

# Read the words of `isoscope enter` before the cursor as getopt does, and
# print "NPOS DDASH CMDPOS": how many arguments that are not options came
# already, whether "--" ended the options, and how many arguments come before
# the command (1 when the first one is the target, else 0).
function __isoscope_enter_scan
    set -l words (commandline -opc)
    set -l i (contains -i -- enter $words)
    or return 1
    set words $words[(math $i + 1)..-1]
    set -l skip 0
    set -l npos 0
    set -l ddash 0
    set -l target 0
    set -l bare 0
    set -l files 0
    set -l need 0
    for w in $words
        if test $skip -eq 1
            set skip 0
            continue
        end
        if test $npos -gt 0 -o $ddash -eq 1
            set npos (math $npos + 1)
            continue
        end
        switch $w
            case --
                set ddash 1
            case --target
                set target 1
                set skip 1
            case '--target=*'
                set target 1
            case --setuid --setgid --wdns --sysroot
                set skip 1
            case --mount --uts --ipc --net --pid --cgroup --user --time
                set bare 1
            case '--mount=*' '--uts=*' '--ipc=*' '--net=*' '--pid=*' '--cgroup=*' '--user=*' '--time=*'
                set files 1
            case --all --join-cgroup --user-parent
                set need 1
            case '--*'
            case '-?*'
                # A cluster of short options; an option with a value ends it.
                set -l chars (string split '' -- (string sub -s 2 -- $w))
                for k in (seq (count $chars))
                    set -l c $chars[$k]
                    if contains -- $c a c
                        set need 1
                    else if contains -- $c m u i n p C U T
                        if test $k -lt (count $chars)
                            set files 1
                        else
                            set bare 1
                        end
                        break
                    else if contains -- $c r w
                        break
                    else if contains -- $c t S G W
                        test $c = t; and set target 1
                        test $k -eq (count $chars); and set skip 1
                        break
                    end
                end
            case '*'
                set npos 1
        end
    end
    set -l cmdpos 0
    if test $target -eq 0
        if test $bare -eq 1 -o $files -eq 0 -o $need -eq 1
            set cmdpos 1
        end
    end
    echo $npos $ddash $cmdpos
end

# True while `isoscope enter` still reads options.
function __isoscope_enter_options
    set -l s (string split ' ' -- (__isoscope_enter_scan))
    and test $s[1] -eq 0 -a $s[2] -eq 0
end

# True when the next argument of `isoscope enter` is KIND: target, command or argument.
function __isoscope_enter_next --argument-names kind
    set -l s (string split ' ' -- (__isoscope_enter_scan))
    or return 1
    set -l next argument
    if test $s[1] -lt $s[3]
        set next target
    else if test $s[1] -eq $s[3]
        set next command
    end
    test $next = $kind
end

# top -s/--sort: the columns of the view chosen by --view (processes by
# default), as `isoscope top --help` lists them, after the + or - that the
# value starts with, if any.
function __isoscope_top_sort
    set -l words (commandline -opc)
    set -l view processes
    for i in (seq (count $words))
        switch $words[$i]
            case --view
                set -q words[(math $i + 1)]; and set view $words[(math $i + 1)]
            case '--view=*'
                set view (string replace -- --view= '' $words[$i])
        end
    end
    # The value part of "--sort=VALUE", "-sVALUE" or "VALUE".
    set -l tok (commandline -ct)
    if not string match -qr -- '^(--sort|-[bJthV]*s)$' $words[-1]
        set tok (string replace -r -- '^(--sort=|-[bJthV]*s)' '' $tok)
    end
    set -l sign (string match -r -- '^[+-]' $tok)
    set -l columns
    switch $view
        case namespaces
            set columns NS TYPE NPROCS OWNER HOLDERS PID CONTAINER COMMAND
        case cgroups
            set columns CGROUP CONTAINER PROCS CPU% CPUQ% MEM WSET MEMMAX PIDS PIDSMAX IO-R/s IO-W/s THR% PSI-CPU PSI-MEM PSI-IO OOMK
        case containers
            set columns CONTAINER PROCS NS CPU% MEM MEMMAX PIDS PIDSMAX CPUMAX PSI-CPU PSI-MEM PSI-IO OOMK CGROUP COMMAND
        case '*'
            set columns PID INSIDE PPID USER S THR CPU% RSS NS CAPS SECCOMP NNP CONTAINER CGROUP COMMAND
    end
    for c in $columns
        printf '%s%s\n' "$sign" $c
    end
end

# Read the words of `isoscope run` before the cursor as getopt does, and print
# "NPOS DDASH VALUE": how many arguments that are not options came already,
# whether "--" ended the options, and which option argument the next word is
# ("-" when none, "bind:2" for the DST of --bind SRC DST).
function __isoscope_run_scan
    set -l words (commandline -opc)
    set -l i (contains -i -- run $words)
    or return 1
    set words $words[(math $i + 1)..-1]
    set -l need 0
    set -l vopt -
    set -l vidx 0
    set -l npos 0
    set -l ddash 0
    for w in $words
        if test $need -gt 0
            set need (math $need - 1)
            set vidx (math $vidx + 1)
            continue
        end
        if test $npos -gt 0 -o $ddash -eq 1
            set npos (math $npos + 1)
            continue
        end
        switch $w
            case --
                set ddash 1
            case --bind --ro-bind --setenv
                set vopt (string sub -s 3 -- $w)
                set need 2
                set vidx 1
            case '--bind=*' '--ro-bind=*' '--setenv=*'
                set vopt (string replace -r -- '^--([^=]*)=.*' '$1' $w)
                set need 1
                set vidx 2
            case --propagation --map-user --map-group --map-users --map-groups --setgroups --monotonic --boottime --root --wd --setuid --setgid --hostname --rootfs --overlay --overlay-upper --overlay-work --tmpfs --proc --dev --chdir --unsetenv --memory --memory-swap --cpus --pids --cpuset --io-weight --rlimit --timeout --cgroup-parent --profile --cap-add --cap-drop --seccomp --session --pass-fd --apparmor --selinux --sysroot
                set vopt (string sub -s 3 -- $w)
                set need 1
                set vidx 1
            case '--*'
            case '-?*'
                # A cluster of short options; an option with a value ends it
                # (-m and the other namespaces take one only when attached).
                set -l chars (string split '' -- (string sub -s 2 -- $w))
                for k in (seq (count $chars))
                    set -l c $chars[$k]
                    if contains -- $c m u i n p U C T
                        break
                    else if contains -- $c R w S G
                        if test $k -eq (count $chars)
                            set vopt $c
                            set need 1
                            set vidx 1
                        end
                        break
                    end
                end
            case '*'
                set npos 1
        end
    end
    if test $need -gt 0
        echo $npos $ddash $vopt:$vidx
    else
        echo $npos $ddash -
    end
end

# True while `isoscope run` still reads options.
function __isoscope_run_options
    set -l s (string split ' ' -- (__isoscope_run_scan))
    and test $s[1] -eq 0 -a $s[2] -eq 0
end

# True when the word at the cursor of `isoscope run` is KIND: command,
# argument, destination (of --bind or --ro-bind), value (of another option) or
# option.
function __isoscope_run_next --argument-names kind
    set -l s (string split ' ' -- (__isoscope_run_scan))
    or return 1
    set -l next argument
    if test $s[3] = bind:2 -o $s[3] = ro-bind:2
        set next destination
    else if test $s[3] != -
        set next value
    else if test $s[1] -eq 0 -a $s[2] -eq 0; and string match -q -- '-*' (commandline -ct)
        set next option
    else if test $s[1] -eq 0
        set next command
    end
    test $next = $kind
end

# Directories for the value of a `run` option, a word of its own or attached
# ("--root=DIR", "-RDIR"): fish puts the option back in front itself.
function __isoscope_run_dirs
    __fish_complete_directories (string replace -r -- '^(--[^=]*=|-[frchV]*[RwSG])' '' (commandline -ct))
end

# run --overlay: the last directory of a colon-separated list.
function __isoscope_overlay_dirs
    set -l tok (string replace -r -- '^--overlay=' '' (commandline -ct))
    set -l head (string match -r -- '^.*:' $tok)
    for d in (__fish_complete_directories (string replace -r -- '^.*:' '' $tok))
        printf '%s%s\n' "$head" $d
    end
end

# Nothing here completes file names unless a line says so (-F or -a with files).
complete -c isoscope -f

# The commands.
complete -c isoscope -n __isoscope_no_command -a top -d 'Show a live view of processes, namespaces, cgroups and containers'
complete -c isoscope -n __isoscope_no_command -a ls -d 'List namespaces and what keeps them alive'
complete -c isoscope -n __isoscope_no_command -a ps -d 'List processes with how they are isolated'
complete -c isoscope -n __isoscope_no_command -a caps -d 'Show the capability sets of processes'
complete -c isoscope -n __isoscope_no_command -a explain -d 'Describe how a process or container is isolated'
complete -c isoscope -n __isoscope_no_command -a diff -d 'Show what differs between the isolation of two targets'
complete -c isoscope -n __isoscope_no_command -a cgroups -d 'Show the cgroup tree with limits, usage and pressure'
complete -c isoscope -n __isoscope_no_command -a enter -d 'Run a command in the namespaces of a target'
complete -c isoscope -n __isoscope_no_command -a snapshot -d 'Save the whole model of the host as one JSON document'
complete -c isoscope -n __isoscope_no_command -a record -d 'Append samples of the model to a file'
complete -c isoscope -n __isoscope_no_command -a run -d 'Run a command in new namespaces, with limits and a root of its own'
complete -c isoscope -n __isoscope_no_command -a verify -d 'Check a running process against a run profile'

# Global options: accepted before the command and by every command.
complete -c isoscope -l sysroot -x -a '(__fish_complete_directories)' -d 'Read DIR/proc instead of /proc'
complete -c isoscope -l load -r -F -d 'Read a snapshot or a record instead of the live host'
complete -c isoscope -l at -x -d 'With --load of a record: the sample at or before TIME'
complete -c isoscope -l no-color -d 'Never colour the output'
complete -c isoscope -s h -l help -d 'Print help and exit'
complete -c isoscope -s V -l version -d 'Print the version and exit'

# isoscope top
complete -c isoscope -n '__isoscope_using top' -s b -l batch -d 'Print every refresh to standard output instead of running the TUI'
complete -c isoscope -n '__isoscope_using top' -s n -l iterations -x -d 'Stop after this many refreshes'
complete -c isoscope -n '__isoscope_using top' -s d -l delay -x -d 'Seconds between refreshes (default 2)'
complete -c isoscope -n '__isoscope_using top' -l view -x -a 'processes namespaces cgroups containers' -d 'The view to show'
complete -c isoscope -n '__isoscope_using top' -s J -l json -d 'With --batch: one JSON object per refresh'
complete -c isoscope -n '__isoscope_using top' -s t -l tree -d 'Show the view as a tree'
complete -c isoscope -n '__isoscope_using top' -s s -l sort -x -a '(__isoscope_top_sort)' -d 'Sort by this column (+COL or -COL sets the order)'
complete -c isoscope -n '__isoscope_using top' -l filter -x -d 'Show only the rows that contain the text'
complete -c isoscope -n '__isoscope_using top' -l list-keys -d 'List the keys of the TUI and exit'

# isoscope ls
complete -c isoscope -n '__isoscope_using ls' -s J -l json -d 'Print JSON'
complete -c isoscope -n '__isoscope_using ls' -s l -l list -d 'Print a flat list instead of a tree'
complete -c isoscope -n '__isoscope_using ls' -s n -l noheadings -d 'Leave out the column names'
complete -c isoscope -n '__isoscope_using ls' -s o -l output -x -a '(__isoscope_ls_columns)' -d 'Columns to show (+LIST adds to the defaults)'
complete -c isoscope -n '__isoscope_using ls' -l output-all -d 'Show every column'
complete -c isoscope -n '__isoscope_using ls' -s p -l task -x -a '(__fish_complete_pids)' -d 'Only the namespaces of this process'
complete -c isoscope -n '__isoscope_using ls' -s P -l persistent -d 'Only the namespaces no process is in'
complete -c isoscope -n '__isoscope_using ls' -s r -l raw -d 'Print the raw format'
complete -c isoscope -n '__isoscope_using ls' -s u -l notruncate -d 'Never shorten a cell'
complete -c isoscope -n '__isoscope_using ls' -s W -l nowrap -d 'Keep cells with several values on one line'
complete -c isoscope -n '__isoscope_using ls' -s t -l type -x -a 'mnt net pid uts ipc user cgroup time' -d 'Only namespaces of this type'
complete -c isoscope -n '__isoscope_using ls' -s T -l tree -a 'process parent owner' -d 'Draw a tree of this relation (attach it: -Tparent, --tree=parent)'
complete -c isoscope -n '__isoscope_using ls' -s H -l list-columns -d 'List the columns and exit'

# isoscope enter: options, then [TARGET] [COMMAND [ARG...]]
complete -c isoscope -n '__isoscope_using enter; and __isoscope_enter_options' -s t -l target -x -a '(__fish_complete_pids)' -d 'The target: PID, PID:INODE, a namespace file or a cgroup'
complete -c isoscope -n '__isoscope_using enter; and __isoscope_enter_options' -s a -l all -d 'Enter every namespace of the target'
complete -c isoscope -n '__isoscope_using enter; and __isoscope_enter_options' -s m -l mount -F -d 'Enter the mount namespace (-mFILE, --mount=FILE)'
complete -c isoscope -n '__isoscope_using enter; and __isoscope_enter_options' -s u -l uts -F -d 'Enter the UTS namespace'
complete -c isoscope -n '__isoscope_using enter; and __isoscope_enter_options' -s i -l ipc -F -d 'Enter the IPC namespace'
complete -c isoscope -n '__isoscope_using enter; and __isoscope_enter_options' -s n -l net -F -d 'Enter the network namespace'
complete -c isoscope -n '__isoscope_using enter; and __isoscope_enter_options' -s p -l pid -F -d 'Enter the pid namespace'
complete -c isoscope -n '__isoscope_using enter; and __isoscope_enter_options' -s C -l cgroup -F -d 'Enter the cgroup namespace'
complete -c isoscope -n '__isoscope_using enter; and __isoscope_enter_options' -s U -l user -F -d 'Enter the user namespace'
complete -c isoscope -n '__isoscope_using enter; and __isoscope_enter_options' -s T -l time -F -d 'Enter the time namespace'
complete -c isoscope -n '__isoscope_using enter; and __isoscope_enter_options' -s S -l setuid -x -a follow -d 'Run as this user ID'
complete -c isoscope -n '__isoscope_using enter; and __isoscope_enter_options' -s G -l setgid -x -a follow -d 'Run as this group ID'
complete -c isoscope -n '__isoscope_using enter; and __isoscope_enter_options' -l preserve-credentials -d 'Keep the user and group IDs'
complete -c isoscope -n '__isoscope_using enter; and __isoscope_enter_options' -l keep-caps -d 'Keep the capabilities when the user ID changes'
complete -c isoscope -n '__isoscope_using enter; and __isoscope_enter_options' -s r -l root -f -a '(__fish_complete_directories)' -d "Change the root directory (default: the target's)"
complete -c isoscope -n '__isoscope_using enter; and __isoscope_enter_options' -s w -l wd -f -a '(__fish_complete_directories)' -d "Change the working directory (default: the target's)"
complete -c isoscope -n '__isoscope_using enter; and __isoscope_enter_options' -s W -l wdns -x -a '(__fish_complete_directories)' -d 'Working directory inside the entered mount namespace'
complete -c isoscope -n '__isoscope_using enter; and __isoscope_enter_options' -s e -l env -d 'Use the environment of the target'
complete -c isoscope -n '__isoscope_using enter; and __isoscope_enter_options' -s F -l no-fork -d 'Run the command without forking'
complete -c isoscope -n '__isoscope_using enter; and __isoscope_enter_options' -s c -l join-cgroup -d 'Join the cgroups of the target'
complete -c isoscope -n '__isoscope_using enter; and __isoscope_enter_options' -l user-parent -d "Enter the parent of the target's user namespace"
complete -c isoscope -n '__isoscope_using enter; and __isoscope_enter_options' -l mount-proc -f -a '(__fish_complete_directories)' -d 'Mount a new proc for the entered pid namespace'
complete -c isoscope -n '__isoscope_using enter; and __isoscope_enter_next target' -a '(__fish_complete_pids)'
complete -c isoscope -n '__isoscope_using enter; and __isoscope_enter_next target' -F
complete -c isoscope -n '__isoscope_using enter; and __isoscope_enter_next command' -x -a '(__fish_complete_command)'
complete -c isoscope -n '__isoscope_using enter; and __isoscope_enter_next argument' -F

# isoscope cgroups
complete -c isoscope -n '__isoscope_using cgroups' -s l -l list -d 'Print a flat table instead of a tree'
complete -c isoscope -n '__isoscope_using cgroups' -s J -l json -d 'Print JSON with every value'
complete -c isoscope -n '__isoscope_using cgroups' -s o -l output -x -a '(__isoscope_cgroups_columns)' -d 'Columns to show (+LIST adds to the defaults)'
complete -c isoscope -n '__isoscope_using cgroups' -s H -l list-columns -d 'List the columns and exit'
complete -c isoscope -n '__isoscope_using cgroups' -s n -l noheadings -d 'Leave out the column names'
complete -c isoscope -n '__isoscope_using cgroups' -s r -l raw -d 'Print the raw format'
complete -c isoscope -n '__isoscope_using cgroups' -s a -l all -d 'Also show cgroups without processes'
complete -c isoscope -n '__isoscope_using cgroups' -l depth -x -d 'Show at most this many levels'
complete -c isoscope -n '__isoscope_using cgroups' -l controller -x -a 'memory cpu cpuacct cpuset io blkio pids devices freezer hugetlb rdma misc perf_event net_cls net_prio unified' -d 'Read only the hierarchies of this controller'
complete -c isoscope -n '__isoscope_using cgroups' -l interval -x -d 'Read twice, this many seconds apart, and show rates'
complete -c isoscope -n '__isoscope_using cgroups' -s b -l bytes -d 'Print sizes in bytes'
complete -c isoscope -n '__isoscope_using cgroups; and not string match -q -- "-*" (commandline -ct)' -a '(__isoscope_cgroup_paths)'

# isoscope ps
complete -c isoscope -n '__isoscope_using ps' -s J -l json -d 'Print JSON'
complete -c isoscope -n '__isoscope_using ps' -s o -l output -x -a '(__isoscope_ps_columns)' -d 'Columns to show (+LIST adds to the defaults)'
complete -c isoscope -n '__isoscope_using ps' -l output-all -d 'Show every column'
complete -c isoscope -n '__isoscope_using ps' -s H -l list-columns -d 'List the columns and exit'
complete -c isoscope -n '__isoscope_using ps' -s n -l noheadings -d 'Leave out the column names'
complete -c isoscope -n '__isoscope_using ps' -s r -l raw -d 'Print the raw format'
complete -c isoscope -n '__isoscope_using ps' -s u -l notruncate -d 'Never shorten a cell'
complete -c isoscope -n '__isoscope_using ps' -l container -x -d 'Only the processes of this container'
complete -c isoscope -n '__isoscope_using ps' -l ns -x -d 'Only the processes in this namespace (inode)'
complete -c isoscope -n '__isoscope_using ps' -l cgroup -x -a '(__isoscope_cgroup_paths)' -d 'Only the processes in this cgroup and below'
complete -c isoscope -n '__isoscope_using ps' -s U -l user -x -a '(__fish_complete_users)' -d 'Only the processes of this user'

# isoscope caps
complete -c isoscope -n '__isoscope_using caps' -s J -l json -d 'Print JSON'
complete -c isoscope -n '__isoscope_using caps' -s o -l output -x -a '(__isoscope_caps_columns)' -d 'Columns to show (+LIST adds to the defaults)'
complete -c isoscope -n '__isoscope_using caps' -s H -l list-columns -d 'List the columns and exit'
complete -c isoscope -n '__isoscope_using caps' -s n -l noheadings -d 'Leave out the column names'
complete -c isoscope -n '__isoscope_using caps' -s r -l raw -d 'Print the raw format'
complete -c isoscope -n '__isoscope_using caps' -s u -l notruncate -d 'Never shorten a cell'
complete -c isoscope -n '__isoscope_using caps' -l beyond -x -a '(__isoscope_cap_set)' -d 'Only processes with capabilities outside this set'
complete -c isoscope -n '__isoscope_using caps' -s a -l all -d 'Also show processes without capabilities'
complete -c isoscope -n '__isoscope_using caps; and string match -q -- "/*" (commandline -ct)' -a '(__isoscope_cgroup_paths)'
complete -c isoscope -n '__isoscope_using caps; and not string match -q -- "-*" (commandline -ct)' -a '(__fish_complete_pids)'

# isoscope explain TARGET, isoscope diff TARGET-A TARGET-B
complete -c isoscope -n '__isoscope_using explain' -s J -l json -d 'Print JSON'
complete -c isoscope -n '__isoscope_using diff' -s J -l json -d 'Print JSON'
complete -c isoscope -n '__isoscope_using diff' -s a -l all -d 'Also list the facts that are the same'
complete -c isoscope -n '__fish_seen_subcommand_from explain diff; and string match -q -- "/*" (commandline -ct)' -a '(__isoscope_cgroup_paths)'
complete -c isoscope -n '__fish_seen_subcommand_from explain diff; and not string match -q -- "-*" (commandline -ct)' -a '(__fish_complete_pids)'

# isoscope run: options, then [COMMAND [ARG...]]
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -s m -l mount -F -d 'New mount namespace (kept on FILE: -mFILE, --mount=FILE)'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -s u -l uts -F -d 'New UTS namespace'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -s i -l ipc -F -d 'New IPC namespace'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -s n -l net -F -d 'New network namespace'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -s p -l pid -F -d 'New pid namespace'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -s U -l user -F -d 'New user namespace'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -s C -l cgroup -F -d 'New cgroup namespace'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -s T -l time -F -d 'New time namespace'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -s f -l fork -d 'Run the command in a child (always done)'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l kill-child -f -a 'HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH POLL PWR SYS' -d 'Signal the sandbox when isoscope dies (--kill-child=SIGNAL, default KILL)'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l die-with-parent -d 'Kill the sandbox when isoscope dies'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l as-pid-1 -d 'Run the command as pid 1 of the new pid namespace (no init)'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l mount-proc -f -a '(__isoscope_run_dirs)' -d 'Mount a new proc (--mount-proc=DIR, default /proc)'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l propagation -x -a 'private shared slave unchanged' -d 'Propagation of the new mount tree'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -s r -l map-root-user -d 'Map your user and group to root'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -s c -l map-current-user -d 'Map your user and group to themselves'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l map-user -x -a '(__fish_complete_users)' -d 'Map your user to this uid'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l map-group -x -a '(__fish_complete_groups)' -d 'Map your group to this gid'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l map-users -x -a auto -d 'Map a range of uids (INNER:OUTER:COUNT), or auto'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l map-groups -x -a auto -d 'Map a range of gids (INNER:OUTER:COUNT), or auto'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l map-auto -d 'Map your blocks of /etc/subuid and /etc/subgid'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l setgroups -x -a 'allow deny' -d 'Allow or deny setgroups(2) in the user namespace'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l monotonic -x -d 'CLOCK_MONOTONIC offset in seconds'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l boottime -x -d 'CLOCK_BOOTTIME offset in seconds'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -s R -l root -x -a '(__isoscope_run_dirs)' -d 'Chroot into this directory before running the command'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -s w -l wd -x -a '(__isoscope_run_dirs)' -d 'Working directory of the command'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -s S -l setuid -x -a '(__fish_complete_users)' -d 'Run the command with this uid'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -s G -l setgid -x -a '(__fish_complete_groups)' -d 'Run the command with this gid'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l hostname -x -d 'Hostname in the new UTS namespace'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l rootfs -x -a '(__isoscope_run_dirs)' -d 'This directory becomes / (pivot_root)'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l overlay -x -a '(__isoscope_overlay_dirs)' -d 'A writable / over read-only lower directories (LOWER:LOWER...)'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l overlay-upper -x -a '(__isoscope_run_dirs)' -d "Keep the overlay's changes in this directory"
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l overlay-work -x -a '(__isoscope_run_dirs)' -d 'Overlayfs work directory, on the filesystem of --overlay-upper'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l bind -r -F -d 'Bind SRC on DST in the sandbox (--bind SRC DST)'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l ro-bind -r -F -d 'Bind SRC read-only on DST (--ro-bind SRC DST)'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l tmpfs -x -a '(__isoscope_run_dirs)' -d 'Mount a new tmpfs on this directory'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l proc -x -a '(__isoscope_run_dirs)' -d 'Mount a new proc on this directory'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l dev -x -a '(__isoscope_run_dirs)' -d 'Mount a minimal /dev on this directory'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l chdir -x -a '(__isoscope_run_dirs)' -d "Working directory of the command (as bwrap's)"
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l setenv -x -a '(set -nx)' -d 'Set an environment variable (--setenv VAR VALUE)'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l unsetenv -x -a '(set -nx)' -d 'Remove an environment variable'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l clearenv -d 'Start from an empty environment'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l memory -x -d 'Memory limit (K, M, G suffixes)'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l memory-swap -x -d 'Swap allowed on top of --memory'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l cpus -x -d 'CPU time as a number of CPUs'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l pids -x -d 'At most this many tasks'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l cpuset -x -d 'Run only on these CPUs (like 0-1,3)'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l io-weight -x -d 'IO weight 1-10000 (default 100)'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l rlimit -x -a 'as= core= cpu= data= fsize= locks= memlock= msgqueue= nice= nofile= nproc= rss= rtprio= rttime= sigpending= stack=' -d 'A resource limit (NAME=SOFT[:HARD])'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l timeout -x -d 'Kill the sandbox after this many seconds'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l cgroup-parent -x -a '(__isoscope_cgroup_paths)' -d "Make the sandbox's cgroup below this cgroup"
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l profile -x -a 'strict default compat' -d 'Hardening profile'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l cap-add -x -a '(__isoscope_cap_list)' -d 'Keep these capabilities (names or ALL)'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l cap-drop -x -a '(__isoscope_cap_list)' -d 'Drop these capabilities (names or ALL)'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l seccomp -r -F -a 'default unconfined' -d 'Seccomp policy: default, unconfined, or a policy file'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l allow-new-privs -d 'Do not set no_new_privs (a weakening)'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l session -x -a 'always tty never' -d 'A new session (setsid): always, tty or never'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l new-session -d 'A new session always'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l pass-fd -x -d 'Keep this descriptor open in the command'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l keep-env -f -a '(set -nx)' -d 'Keep these variables too (--keep-env=VAR,...), or the whole environment'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l apparmor -x -d 'Run the command under this AppArmor profile'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l selinux -x -d 'Run the command with this SELinux label'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -l explain -d 'Print the resolved plan and run nothing'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_options' -s J -l json -d 'With --explain: print the plan as JSON'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_next destination' -F
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_next command' -x -a '(__fish_complete_command)'
complete -c isoscope -n '__isoscope_using run; and __isoscope_run_next argument' -F

# isoscope snapshot, isoscope record
complete -c isoscope -n '__isoscope_using snapshot' -s o -l output -r -F -d 'Write to FILE instead of stdout'
complete -c isoscope -n '__isoscope_using record' -s o -l output -r -F -d 'The record file'
complete -c isoscope -n '__isoscope_using record' -l interval -x -d 'Seconds between samples'
complete -c isoscope -n '__isoscope_using record' -l count -x -d 'Stop after N samples'
complete -c isoscope -n '__isoscope_using record' -l duration -x -d 'Stop after SECONDS'

# isoscope verify TARGET
complete -c isoscope -n '__isoscope_using verify' -s p -l profile -x -a 'strict default compat' -d 'The run profile to check against'
complete -c isoscope -n '__isoscope_using verify' -l cap-add -x -a '(__isoscope_cap_list)' -d 'Allow these capabilities too'
complete -c isoscope -n '__isoscope_using verify' -l pass-fd -x -d 'This fd may be open too'
complete -c isoscope -n '__isoscope_using verify' -l memory -x -d 'Its cgroup must limit memory to this or less'
complete -c isoscope -n '__isoscope_using verify' -l pids -x -d 'Its cgroup must limit tasks to this or fewer'
complete -c isoscope -n '__isoscope_using verify' -l rlimit -x -a 'as= core= cpu= data= fsize= locks= memlock= msgqueue= nice= nofile= nproc= rss= rtprio= rttime= sigpending= stack=' -d 'Its resource limit must be this or lower'
complete -c isoscope -n '__isoscope_using verify' -s J -l json -d 'Print JSON'
complete -c isoscope -n '__isoscope_using verify; and string match -q -- "/*" (commandline -ct)' -a '(__isoscope_cgroup_paths)'
complete -c isoscope -n '__isoscope_using verify; and not string match -q -- "-*" (commandline -ct)' -a '(__fish_complete_pids)'
