# shellcheck shell=bash disable=SC2034  # constants used by the tests
# Shared helpers of the hostile-packet tests (4NN-*.sh): a pair of our
# daemons, A (host 1, 198.18.1.1, master) and B (host 2, 198.18.1.2,
# backup), and an attacker (host 3, 198.18.1.3, no daemon) on one bridge.
# The attacker sends with tests/integ/inject.py (python3 standard library,
# AF_PACKET), run inside its namespace only.
#
# It sources lib_multi.sh (and so lib.sh): namespaces, clean-up trap,
# wait_until, musr1 (SIGUSR1 status lines), mstates, captures.  It adds:
#
#   hostile_init		prerequisites (python3, tcpdump), the network
#   hpair_conf H SKEW [KEY=VALUE...]	configuration of host H's instance
#   hpair_start [KEY=VALUE...]	A, then B, with A master and B backup
#				(HPAIR_A_KEYS / HPAIR_B_KEYS: more for one)
#   hinject NAME ARGS...	run inject.py in the attacker's namespace;
#				its output in $TMPD/NAME.out, INJ_TOTAL
#   inj_sent NAME KIND		frames of KIND it reports sent
#   hsnap H FILE		SIGUSR1 counters and state of H, one
#				"key value" a line, into FILE
#   hexpect H BEFORE KEY=N...	wait until H's counters rose by exactly N
#				for each KEY, and by 0 for every other reject
#				counter and for transitions
#   hcheck_states		A MASTER with the VIP, B BACKUP without it,
#				no state change logged since the start
#
# Only 198.18.0.0/15 and 224.0.0.18 are used; inject.py refuses anything
# else, and refuses to send from the initial namespace.

. "$(dirname "${BASH_SOURCE[0]}")/lib_multi.sh"

INJECT=$LIB_DIR/inject.py
HA=1			# host numbers
HB=2
HX=3
H_VHID=77		# not the captures' 42 (nor 43 of the injection capture)
H_PASS=h0stile		# not the captures' "love"
H_VIP=198.18.0.77	# not the captures' 198.18.0.100
H_NAME=hx		# instance name (log prefix "eth0 vhid 77 (hx): ")
ADDR_A=198.18.1.1
ADDR_B=198.18.1.2
ADDR_X=198.18.1.3
# Counters that count rejected frames (SIGUSR1 "counters:" line).
REJECT_KEYS="own bad_group bad_ip_cksum bad_carp_cksum bad_hmac replay too_short not_carp bad_ttl bad_version bad_type bad_vhid"
declare -a H_SWITCHES HPAIR_A_KEYS=() HPAIR_B_KEYS=()
PY=""

hostile_init() {
	multi_init
	need_tcpdump
	PY=$(command -v python3) || test_skip "python3 missing"
	"$PY" "$INJECT" selftest > "$TMPD/selftest.out" 2>&1 ||
	    test_fail "inject.py selftest failed: $(grep -E 'MISMATCH|NOT|NO' "$TMPD/selftest.out")"
	mnet_make 3 1
	# With br_netfilter loaded (Docker hosts), bridged IPv4 goes through
	# its sanity checks, which drop bad IP checksums, truncated and
	# non-version-4 packets before they reach any host: the daemons would
	# never see them.  Our bridge forwards every frame as it is.
	local k
	for k in iptables ip6tables arptables; do
		[ -e /proc/sys/net/bridge/bridge-nf-call-$k ] || continue
		ip netns exec "$MBR_NS" sysctl -qw "net.bridge.bridge-nf-call-$k=0" ||
		    test_fail "cannot turn off bridge-nf-call-$k in our bridge namespace"
	done
}

# hpair_conf H SKEW [KEY=VALUE...]: host H's configuration file.
hpair_conf() {
	local h=$1 skew=$2 conf=$TMPD/h$1.conf
	shift 2
	mscript_write "$TMPD/h$h.up" up "$TMPD/h$h.events" 0 0 add
	mscript_write "$TMPD/h$h.down" down "$TMPD/h$h.events" 0 0 del
	D_EVENTS[h]=$TMPD/h$h.events
	{
		echo 'debug = true;'
		echo 'instances = ('
		mconf_inst "$H_NAME" eth0 "$(haddr "$h" 1)" "$H_VHID" "$H_VIP" \
		    "pass=\"$H_PASS\"" "advskew=$skew" \
		    "upscript=\"$TMPD/h$h.up\"" "downscript=\"$TMPD/h$h.down\"" "$@"
		echo
		echo ');'
	} > "$conf"
	chmod 600 "$conf"
	echo "$conf"
}

# hpair_start [KEY=VALUE...]: A (advskew 0) alone until MASTER, then B
# (advskew 100) until BACKUP having accepted 2 of A's adverts.
hpair_start() {
	local ca cb
	ca=$(hpair_conf $HA 0 "$@" "${HPAIR_A_KEYS[@]}")
	cb=$(hpair_conf $HB 100 "$@" "${HPAIR_B_KEYS[@]}")
	mstart $HA "$ca" 1
	wait_until 10 mall_state $HA MASTER 1 || test_fail "A did not become MASTER"
	mstart $HB "$cb" 1
	wait_until 10 mall_state $HB BACKUP 1 || test_fail "B did not become BACKUP"
	mwait_counter $HB "$H_NAME" received 2 6
	wait_until 5 has_vip_h $HA || test_fail "A has no $H_VIP"
	H_SWITCHES[HA]=$(mlog_count $HA 'Switching to state')
	H_SWITCHES[HB]=$(mlog_count $HB 'Switching to state')
	log "pair up: A $ADDR_A MASTER, B $ADDR_B BACKUP (vhid $H_VHID)"
}

has_vip_h() { mvips "$1" | grep -qx "$H_VIP"; }

# hcheck_states: A MASTER holding the VIP, B BACKUP without it, both
# running, no new "Switching to state" line, SIGUSR1 agrees.
hcheck_states() {
	local what=${1:-}
	mcheck_running $HA $HB
	[ "$(mlog_count $HA 'Switching to state')" -eq "${H_SWITCHES[HA]}" ] ||
	    test_fail "$what: A changed state: $(grep 'Switching to state' "${D_LOG[HA]}" | tail -n 3)"
	[ "$(mlog_count $HB 'Switching to state')" -eq "${H_SWITCHES[HB]}" ] ||
	    test_fail "$what: B changed state: $(grep 'Switching to state' "${D_LOG[HB]}" | tail -n 3)"
	musr1 $HA || test_fail "$what: A did not answer SIGUSR1"
	grep -qx "$H_NAME MASTER" "$USR1_OUT" || test_fail "$what: A is not MASTER: $(cat "$USR1_OUT")"
	musr1 $HB || test_fail "$what: B did not answer SIGUSR1"
	grep -qx "$H_NAME BACKUP" "$USR1_OUT" || test_fail "$what: B is not BACKUP: $(cat "$USR1_OUT")"
	has_vip_h $HA || test_fail "$what: A lost $H_VIP"
	has_vip_h $HB && test_fail "$what: B holds $H_VIP"
	return 0
}

# hinject NAME [inject.py ARGS...]: run the injector in the attacker's
# namespace on its eth0 (bounded by timeout(1) as well as by its own
# limits).  Output in $TMPD/NAME.out; INJ_TOTAL = frames sent.
INJ_TOTAL=0
hinject() {
	local name=$1 rc
	shift
	ip netns exec "${M_NS[HX]}" timeout 150 "$PY" "$INJECT" --iface eth0 --netns "${M_NS[HX]}" "$@" \
	    > "$TMPD/$name.out" 2> "$TMPD/$name.err"
	rc=$?
	[ $rc -eq 0 ] || test_fail "inject.py $* exited $rc: $(cat "$TMPD/$name.err")"
	INJ_TOTAL=$(awk '$1 == "total" { print $2 }' "$TMPD/$name.out")
	[ -n "$INJ_TOTAL" ] || test_fail "inject.py $*: no total in its output"
}

# inj_sent NAME KIND: frames of KIND the injection NAME sent.
inj_sent() {
	awk -v k="$2" '$1 == "sent" && $2 == k { n += $3 } END { print n + 0 }' "$TMPD/$1.out"
}

# hsnap H FILE: "key value" lines: every counter of H's instance, and
# "state X" from the same SIGUSR1 answer.
hsnap() {
	local h=$1 f=$2
	musr1 "$h" || test_fail "host $h did not answer SIGUSR1"
	awk -v n="$H_NAME" '$1 == n { for (i = 2; i <= NF; i++) { split($i, kv, "="); print kv[1], kv[2] } }' \
	    "$USR1_CNT" > "$f"
	awk -v n="$H_NAME" '$1 == n { print "state", $2 }' "$USR1_OUT" >> "$f"
	[ -s "$f" ] || test_fail "host $h: empty SIGUSR1 answer"
}

# hval FILE KEY: a value of a snapshot (empty if absent).
hval() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

# hdelta BEFORE AFTER KEY
hdelta() {
	local a b
	a=$(hval "$1" "$3")
	b=$(hval "$2" "$3")
	echo $(( ${b:-0} - ${a:-0} ))
}

# hdeltas_reached H BEFORE AFTER KEY=N...: every KEY rose by at least N.
hdeltas_reached() {
	local before=$2 after=$3 kv
	hsnap "$1" "$after"
	shift 3
	for kv in "$@"; do
		[ "$(hdelta "$before" "$after" "${kv%%=*}")" -ge "${kv#*=}" ] || return 1
	done
}

# hexpect H BEFORE KEY=N...: wait (10 s) until every KEY of H rose by N,
# let late frames arrive (0.5 s), then require exactly N for each KEY,
# 0 for every other reject counter and for transitions.  Logs the deltas.
hexpect() {
	local h=$1 before=$2 after=$TMPD/snap.$1.after kv k want got line="" bad=""
	local -A exp
	shift 2
	for kv in "$@"; do exp[${kv%%=*}]=${kv#*=}; done
	wait_until_slow 10 hdeltas_reached "$h" "$before" "$after" "$@"
	sleep 0.5
	hsnap "$h" "$after"
	for k in $REJECT_KEYS transitions received; do
		got=$(hdelta "$before" "$after" "$k")
		if [ -n "${exp[$k]:-}" ]; then
			want=${exp[$k]}
		elif [ "$k" = received ]; then
			continue	# B accepts A's adverts meanwhile
		else
			want=0
		fi
		[ "$got" -ne 0 ] || [ "$want" -ne 0 ] && line="$line $k=+$got"
		[ "$got" -eq "$want" ] || bad="$bad $k=+$got(want +$want)"
	done
	log "host $h counters:$line"
	[ -z "$bad" ] || test_fail "host $h counters differ:$bad"
	return 0
}

# hcap_start NAME H [FILTER...]: tcpdump on host H's bridge port, frames
# coming from H only (-Q in), kernel time stamps.
hcap_start() {
	local name=$1 h=$2
	shift 2
	MCAP_FILE[$name]=$TMPD/$name.pcap
	ip netns exec "$MBR_NS" tcpdump -i "p${h}l1" -Q in -n -U -Z root -s 128 \
	    -w "${MCAP_FILE[$name]}" "$@" > "$TMPD/$name.tcpdump.err" 2>&1 &
	MCAP_PID[$name]=$!
	BG_PIDS+=("$!")
	wait_until 10 grep -q 'listening on' "$TMPD/$name.tcpdump.err" ||
	    test_fail "tcpdump did not start: $(cat "$TMPD/$name.tcpdump.err")"
}

# hcap_frames NAME: number of frames in capture NAME.
hcap_frames() { tcpdump -r "${MCAP_FILE[$1]}" -n 2>/dev/null | wc -l; }
hcap_frames_ge() { [ "$(hcap_frames "$1")" -ge "$2" ]; }
