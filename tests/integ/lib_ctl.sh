# Shared helpers of the control socket tests (6NN-ctl-*.sh).  Sources
# lib_reload.sh (and so lib_multi.sh and lib.sh) and adds:
#
#   ctl H ARGS...	ucarpctl -s D_CTL[H] ARGS... (exit status kept)
#   ctl_states H	"NAME STATE" per instance from ucarpctl status -j
#   ctl_states_ok H	ctl_states agrees with the log's last states
#   metric_states H	"NAME STATE" from ucarpctl metrics (the series at 1)
#   ctl_py		python3 with the helper ctl_client.py's functions
#   ctl_monitor H FILE	ucarpctl monitor -j of host H into FILE, in the
#			background (MONPID), once the daemon has answered
#
# ucarpctl is $UCARPCTL (the build's ctl/ucarpctl).
. "$(dirname "${BASH_SOURCE[0]}")/lib_reload.sh"

UCARPCTL=${UCARPCTL:-${top_builddir:-.}/ctl/ucarpctl}
CTL_PY=$(dirname "${BASH_SOURCE[0]}")/ctl_client.py

ctl_need() {
	[ -x "$UCARPCTL" ] || test_fail "ucarpctl $UCARPCTL is not built"
}

ctl() {
	local h=$1
	shift
	"$UCARPCTL" -s "${D_CTL[h]}" "$@"
}

ctl_states() {
	ctl "$1" status -j | python3 -c '
import json, sys
for i in json.load(sys.stdin)["instances"]:
	print(i["name"], i["state"])' | sort
}

ctl_states_ok() {
	local got want
	got=$(ctl_states "$1") || return 1
	want=$(mstates "$1")
	[ "$got" = "$want" ]
}

ctl_monitor() {
	ctl "$1" monitor -j > "$2" 2> "$2.err" &
	MONPID=$!
	BG_PIDS+=("$MONPID")
	# On once the daemon answered ("monitoring from event N", on
	# ucarpctl's standard error).
	wait_until 5 grep -q 'monitoring from event' "$2.err" ||
	    test_fail "monitor did not start: $(cat "$2.err")"
}

metric_states() {
	ctl "$1" metrics | sed -n 's/^ucarp_instance_state{.*name="\([^"]*\)",state="\([A-Z]*\)"} 1$/\1 \2/p' | sort
}

# ctl_start_pair GLOBAL_A GLOBAL_B: rl_start_pair with global settings
# of each host's own (control sockets must differ between hosts).
ctl_start_pair() {
	local ga=$1 gb=$2
	RL_GLOBAL=$ga
	rl_conf $A "${RL_CONF[A]}"
	RL_GLOBAL=$gb
	rl_conf $B "${RL_CONF[B]}"
	RL_GLOBAL=""
	chmod 600 "${RL_CONF[A]}" "${RL_CONF[B]}"
	mstart $A "${RL_CONF[A]}" "$(rl_vhids $A | wc -l)"
	mstart $B "${RL_CONF[B]}" "$(rl_vhids $B | wc -l)"
	wait_until 40 rl_split || test_fail "no preferred split after start-up: $(rl_describe)"
	log "start-up: $(rl_describe)"
}
