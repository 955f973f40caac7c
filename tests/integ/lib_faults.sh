# Shared helpers of the fault-injection and secret-hygiene tests
# (5NN-*.sh).  It sources lib_multi.sh (and so lib.sh) and adds:
#
#   faults_init		multi_init, with a clean-up that also removes the
#			cgroup made by fcg_make (processes moved out first)
#   fstart H CONF NINST [ARGS...]
#			mstart with extra daemon arguments (e.g. -D)
#   fmark H / flog_since H	remember where host H's log ends / what was
#			written to it since
#   fwait_log_since H ERE [SECS]	wait for a line matching ERE since fmark
#   fcount_since H ERE	lines matching ERE since fmark
#   fcg_make		a pids cgroup (cgroup v2, else the v1 pids
#			hierarchy); exit 77 when there is none we can use
#   fcg_move PID, fcg_current, fcg_set_max N|max, fcg_procs
#
# Only 198.18.0.0/15 and 224.0.0.18 are used (lib_multi.sh's network).

. "$(dirname "${BASH_SOURCE[0]}")/lib_multi.sh"

FCG_DIR=""		# the cgroup we made
FCG_PARENT=""		# where its processes go back before it is removed
FCG_VER=""		# 2 or 1
declare -a F_MARK

faults_cleanup() {
	local rc=$? pid procs
	trap - EXIT INT TERM HUP
	if [ -n "$FCG_DIR" ] && [ -d "$FCG_DIR" ]; then
		# Lift the limit, move every process back to the parent, then
		# remove the (empty) cgroup.
		echo max > "$FCG_DIR/pids.max" 2>/dev/null
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			# (cgroup files have no size: read them, never test -s)
			procs=$(cat "$FCG_DIR/cgroup.procs" 2>/dev/null)
			[ -n "$procs" ] || break
			for pid in $procs; do
				echo "$pid" > "$FCG_PARENT/cgroup.procs" 2>/dev/null
			done
			sleep 0.05
		done
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			rmdir "$FCG_DIR" 2>/dev/null && break
			sleep 0.1
		done
		[ -d "$FCG_DIR" ] && echo "$TEST_NAME: WARNING: could not remove cgroup $FCG_DIR" >&2
	fi
	(exit "$rc")
	multi_cleanup
}

faults_init() {
	multi_init
	trap faults_cleanup EXIT
}

# fstart H CONF NINST [ARGS...]: mstart, and the log window starts at
# line 1.
fstart() {
	mstart "$@"
	F_MARK[$1]=1
}

# ---- log windows ---------------------------------------------------------------

fmark() { F_MARK[$1]=$(( $(wc -l < "${D_LOG[$1]}") + 1 )); }
flog_since() { tail -n +"${F_MARK[$1]:-1}" "${D_LOG[$1]}"; }
fhas_since() { flog_since "$1" | grep -qE -- "$2"; }
fcount_since() { flog_since "$1" | grep -cE -- "$2"; }
fwait_log_since() {
	wait_until "${3:-10}" fhas_since "$1" "$2" ||
	    test_fail "host $1 never logged /$2/ (since line ${F_MARK[$1]:-1})"
}

# ---- a pids cgroup ----------------------------------------------------------------

# The cgroup v2 mount point (empty when none).
fcg_v2_root() {
	awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts
}

# The cgroup v1 hierarchy with the pids controller (empty when none).
fcg_v1_root() {
	awk '$3 == "cgroup" && $4 ~ /(^|,)pids(,|$)/ { print $2; exit }' /proc/self/mounts
}

# fcg_make: create FCG_DIR, a cgroup with the pids controller, named with
# $$; FCG_PARENT is the cgroup processes go back to.  Skips (77) with the
# reason when neither cgroup v2 with pids nor a v1 pids hierarchy can be
# used.
fcg_make() {
	local root why="" rel
	root=$(fcg_v2_root)
	if [ -n "$root" ] && [ -f "$root/cgroup.controllers" ] &&
	    grep -qw pids "$root/cgroup.controllers"; then
		if ! grep -qw pids "$root/cgroup.subtree_control" 2>/dev/null; then
			echo +pids > "$root/cgroup.subtree_control" 2>/dev/null ||
			    why="cgroup v2 at $root: cannot enable +pids in cgroup.subtree_control"
		fi
		if [ -z "$why" ]; then
			FCG_VER=2
			FCG_PARENT=$root
			FCG_DIR=$root/ucarp-test-$$
		fi
	elif [ -n "$root" ]; then
		why="cgroup v2 at $root has no pids controller ($(tr '\n' ' ' < "$root/cgroup.controllers" 2>/dev/null))"
	else
		why="no cgroup v2 mount"
	fi
	if [ -z "$FCG_DIR" ]; then
		root=$(fcg_v1_root)
		if [ -n "$root" ]; then
			FCG_VER=1
			# The parent: the pids cgroup this shell is in.
			rel=$(awk -F: '$2 ~ /(^|,)pids(,|$)/ { print $3; exit }' /proc/self/cgroup)
			FCG_PARENT=$root${rel%/}
			[ -d "$FCG_PARENT" ] || FCG_PARENT=$root
			FCG_DIR=$FCG_PARENT/ucarp-test-$$
			log "NOTE: $why; using the cgroup v1 pids hierarchy at $root"
		else
			test_skip "no usable pids cgroup: $why, and no cgroup v1 pids hierarchy"
		fi
	fi
	mkdir "$FCG_DIR" 2>/dev/null || {
		local d=$FCG_DIR
		FCG_DIR=""
		test_skip "cannot create the cgroup $d (read-only cgroup fs?)"
	}
	[ -f "$FCG_DIR/pids.max" ] || test_skip "cgroup $FCG_DIR has no pids.max"
	log "cgroup v$FCG_VER $FCG_DIR (processes go back to $FCG_PARENT)"
}

fcg_move() { echo "$1" > "$FCG_DIR/cgroup.procs"; }
fcg_current() { cat "$FCG_DIR/pids.current"; }
fcg_set_max() { echo "$1" > "$FCG_DIR/pids.max"; }
fcg_procs() { cat "$FCG_DIR/cgroup.procs"; }
