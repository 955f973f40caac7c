# Shared helpers of the reload tests (3NN-reload-*.sh): SIGHUP of a
# daemon running from a configuration file, on a pair of hosts A (1) and B
# (2) joined by one link (eth0, 198.18.1.<h>/24, bridge br1).
#
# It sources lib_multi.sh (and so lib.sh) and adds:
#
#   rl_init N NA	multi_init, the network, the scripts; instances
#			vhid 1..N, named a<v> for v <= NA (A preferred:
#			advskew 0 on A, 100 on B) and b<v> above (the
#			reverse); every instance preempts; VIP 198.18.1.<100+v>
#   rl_conf H FILE	write host H's configuration (plain layout)
#   rl_conf_fancy H FILE	the same configuration written differently:
#			comments, other spacing and separators, instances and
#			keys in reverse order, defaults spelt out per instance
#   RL_KEYS[H:V]	extra or overriding "key=value" words of instance V
#			on host H (values as in the file: quote strings)
#   RL_DROP[H:V]=1	instance V left out of host H's file
#   RL_VHIDS[H]		the vhids host H's file lists (default 1..N)
#   RL_GLOBAL		global settings put at the top of every file
#   rl_start_pair	start both, wait for the preferred split with every
#			instance's scripts done, and for it to hold
#   rl_hup H		SIGHUP host H and wait for its verdict line; sets
#			RL_VERDICT (the "last reload ..." line)
#   rl_mark		remember where every log and script log ends now
#   rl_log_since H, rl_events_since H	what was written since rl_mark
#   rl_check_calm WHAT [ERE]	on both hosts, since rl_mark: no log line
#			matches ERE (default: a state change or a bad
#			digest) and no script ran; WHAT ends the failure
#   rl_cap_adverts NAME SRC	"VRID TS_US PRIO INTVL" per advert (prio is
#			CARP's advskew, intvl its advbase, as tcpdump decodes
#			CARP as VRRPv2)
#   rl_log_us LINE	the time stamp of a log line, in us since the epoch
#
#   rl_every_vrid_since NAME SRC SINCE_US MIN VRIDS	MIN adverts of each
#			vrid of VRIDS from SRC since SINCE in the capture
#   rl_check_min_gaps NAME SRC FROM_US TO_US VRIDS MIN_US	no two
#			adverts of one vrid closer than MIN_US (no extra advert)
#   rl_garps NAME ADDR SINCE_US	gratuitous ARPs for ADDR in the capture
#   rl_addr_scripts H	the scripts host H ran since rl_mark because a
#			reload changed addresses: "NAME KIND ADDR" per start
#   rl_packet_sockets H	"INODE IFINDEX" of the packet sockets host H's
#			daemon holds
#
# Script logs use lib_multi.sh's format, "start|end NAME KIND STATE TS_US
# PID VHID", plus "ADDR REASON" (the script's second argument and
# UCARP_REASON with '_' for blanks), one file per host (D_EVENTS[h]).  A
# script sleeps the number of seconds in $TMPD/delay when that file exists
# (none: no sleep).
. "$(dirname "${BASH_SOURCE[0]}")/lib_multi.sh"

A=1
B=2
RL_N=50
RL_NA=45
RL_GLOBAL=""
declare -A RL_KEYS RL_DROP
declare -a RL_VHIDS RL_LOG_MARK RL_EV_MARK RL_CONF

# rl_script PATH KIND EVENTS [VIPOP]: a script in lib_multi.sh's format
# that sleeps $TMPD/delay seconds if that file exists, then adds (add) or
# removes (del) "$2/32" on "$1".
rl_script() {
	local path=$1 kind=$2 ev=$3 op=${4:-} ipbin
	ipbin=$(command -v ip)
	{
		echo '#!/bin/bash'
		echo "# $kind script, written by tests/integ/lib_reload.sh"
		echo "echo \"start \$UCARP_INSTANCE $kind \$UCARP_STATE \${EPOCHREALTIME/./} \$\$ \$UCARP_VHID \$2 \${UCARP_REASON// /_}\" >> '$ev'"
		echo "[ -f '$TMPD/delay' ] && sleep \"\$(cat '$TMPD/delay')\""
		case $op in
		add)	echo "$ipbin addr add \"\$2/32\" dev \"\$1\" 2>/dev/null" ;;
		del)	echo "$ipbin addr del \"\$2/32\" dev \"\$1\" 2>/dev/null" ;;
		esac
		echo "echo \"end \$UCARP_INSTANCE $kind \$UCARP_STATE \${EPOCHREALTIME/./} \$\$ \$UCARP_VHID \$2 \${UCARP_REASON// /_}\" >> '$ev'"
		echo "exit 0"
	} > "$path"
	chmod 755 "$path"
}

rl_init() {
	local h
	RL_N=${1:-50}
	RL_NA=${2:-45}
	multi_init
	mnet_make 2 1
	for h in $A $B; do
		D_EVENTS[h]=$TMPD/h$h.events
		: > "${D_EVENTS[h]}"
		rl_script "$TMPD/h$h.up" up "${D_EVENTS[h]}" add
		rl_script "$TMPD/h$h.down" down "${D_EVENTS[h]}" del
		RL_VHIDS[h]=$(seq 1 "$RL_N" | tr '\n' ' ')
		RL_CONF[h]=$TMPD/h$h.conf
	done
}

# Name of instance V.
rl_name() {
	if [ "$1" -le "$RL_NA" ]; then echo "a$1"
	elif [ "$1" -le "$RL_N" ]; then echo "b$1"
	else echo "n$1"; fi
}

# rl_inst_kv H V [full]: "KEY VALUE" lines of instance V on host H, in
# order; with "full", also the keys the plain file leaves to defaults.
rl_inst_kv() {
	local h=$1 v=$2 full=${3:-} skew kv k
	local -a keys
	local -A val
	if { [ "$v" -le "$RL_NA" ] || [ "$v" -gt "$RL_N" ]; } && [ "$h" = $A ]; then
		skew=0
	elif [ "$v" -gt "$RL_NA" ] && [ "$v" -le "$RL_N" ] && [ "$h" = $B ]; then
		skew=0
	else
		skew=100
	fi
	keys=(name interface srcip vhid addr advskew)
	val[name]="\"$(rl_name "$v")\""
	val[interface]='"eth0"'
	val[srcip]="\"$(haddr "$h" 1)\""
	val[vhid]=$v
	val[addr]="\"198.18.1.$((100 + v))\""
	val[advskew]=$skew
	if [ -n "$full" ]; then
		keys+=(preempt upscript downscript advbase deadratio)
		val[preempt]=true
		val[upscript]="\"$TMPD/h$h.up\""
		val[downscript]="\"$TMPD/h$h.down\""
		val[advbase]=1
		val[deadratio]=3
	fi
	for kv in ${RL_KEYS[$h:$v]:-}; do
		k=${kv%%=*}
		[ -n "${val[$k]+x}" ] || keys+=("$k")
		val[$k]=${kv#*=}
	done
	for k in "${keys[@]}"; do
		printf '%s %s\n' "$k" "${val[$k]}"
	done
}

# The instances of host H's file, in order.
rl_vhids() {
	local v
	for v in ${RL_VHIDS[$1]}; do
		[ -n "${RL_DROP[$1:$v]:-}" ] || echo "$v"
	done
}

rl_conf() {
	local h=$1 f=$2 v sep="" k val
	{
		[ -z "$RL_GLOBAL" ] || printf '%s\n' "$RL_GLOBAL"
		echo 'defaults = {'
		echo '	pass = "reload";'
		echo '	preempt = true;'
		# RL_NOSCRIPTS: no scripts but the instances' own (RL_KEYS).
		if [ -z "${RL_NOSCRIPTS:-}" ]; then
			echo "	upscript = \"$TMPD/h$h.up\";"
			echo "	downscript = \"$TMPD/h$h.down\";"
		fi
		echo '};'
		echo 'instances = ('
		for v in $(rl_vhids "$h"); do
			printf '%s\t{\n' "$sep"
			rl_inst_kv "$h" "$v" | while read -r k val; do
				printf '\t\t%s = %s;\n' "$k" "$val"
			done
			printf '\t}'
			sep=$',\n'
		done
		echo
		echo ');'
	} > "$f"
}

# The same configuration, written differently: what the daemon must see as
# identical (comments, blanks, ':' for '=', no ';', instances and keys in
# reverse order, defaults set in each instance, default values spelt out).
rl_conf_fancy() {
	local h=$1 f=$2 v sep=""
	{
		echo '# the same configuration, reformatted by tests/integ/lib_reload.sh'
		echo 'instances : ('
		for v in $(rl_vhids "$h" | tac); do
			printf '%s  /* instance %s */ {\n' "$sep" "$v"
			rl_inst_kv "$h" "$v" full | tac | while read -r k val; do
				printf '      %s :%s   // %s\n' "$k" "$val" "$k"
			done
			printf '    }'
			sep=$',\n\n'
		done
		echo
		echo ')'
		echo
		echo "defaults: { pass: \"re\" \"load\" }  # adjacent strings are joined"
		[ -z "$RL_GLOBAL" ] || printf '%s\n' "$RL_GLOBAL"
	} > "$f"
}

# rl_states_ok H RE: host H's instances (from its log) are MASTER exactly
# for the names matching RE, BACKUP for the others.
rl_states_ok() {
	mmasters_are "$1" "$2" "$(rl_vhids "$1" | wc -l)"
}

# rl_scripts_settled H: every instance of host H ran the script of its last
# state to its end (and no script is still running).
rl_scripts_settled() {
	local h=$1
	mstates "$h" | awk -v ev="${D_EVENTS[h]}" '
		FILENAME == ev {
			if ($1 == "start") { open[$2]++; kind[$2] = $3 }
			else if ($1 == "end") open[$2]--
			next
		}
		{
			want = $2 == "MASTER" ? "up" : "down"
			if (kind[$1] != want || open[$1] != 0) bad++
		}
		END { exit bad != 0 }' "${D_EVENTS[h]}" -
}

rl_split() {
	rl_states_ok $A '^[an]' && rl_states_ok $B '^b' || return 1
	[ -z "${RL_NOSCRIPTS:-}" ] || return 0	# no scripts, no addresses
	rl_scripts_settled $A && rl_scripts_settled $B &&
	    [ "$(mvips $A | wc -l)" -eq "$(mstate_count $A MASTER)" ] &&
	    [ "$(mvips $B | wc -l)" -eq "$(mstate_count $B MASTER)" ]
}

rl_describe() {
	local h out="" sep=""
	for h in $A $B; do
		if [ -f "${D_LOG[h]:-}" ]; then
			out="$out$sep$(echo "ABCD" | cut -c"$h"): $(mstate_count $h MASTER) MASTER, $(mstate_count $h BACKUP) BACKUP, $(mvips $h | wc -l) VIPs"
		else
			out="$out$sep$(echo "ABCD" | cut -c"$h"): not started"
		fi
		sep="; "
	done
	echo "$out"
}

# rl_start_pair: both hosts start together; wait until A is MASTER of the
# a* instances and B of the b* ones, every script done, and the split
# holds while a01 and b<N> advertise twice more.
rl_start_pair() {
	local ca cb n
	rl_conf $A "${RL_CONF[A]}"
	rl_conf $B "${RL_CONF[B]}"
	n=$(rl_vhids $A | wc -l)
	mstart $A "${RL_CONF[A]}" "$n"
	mstart $B "${RL_CONF[B]}" "$(rl_vhids $B | wc -l)"
	wait_until 40 rl_split || test_fail "no preferred split after start-up: $(rl_describe)"
	ca=$(mlog_count $A 'Switching to state')
	cb=$(mlog_count $B 'Switching to state')
	mwait_counter $A a1 sent 2
	mwait_counter $B "b$RL_N" sent 2
	rl_split && [ "$(mlog_count $A 'Switching to state')" -eq "$ca" ] &&
	    [ "$(mlog_count $B 'Switching to state')" -eq "$cb" ] ||
	    test_fail "the split did not hold over 2 adverts: $(rl_describe)"
	log "start-up: $(rl_describe)"
}

rl_mark() {
	local h
	for h in $A $B; do
		[ -n "${D_EVENTS[h]:-}" ] || continue	# a one-host test
		RL_LOG_MARK[h]=1
		[ -f "${D_LOG[h]:-}" ] && RL_LOG_MARK[h]=$(( $(wc -l < "${D_LOG[h]}") + 1 ))
		RL_EV_MARK[h]=$(( $(wc -l < "${D_EVENTS[h]}") + 1 ))
	done
}

rl_log_since() { tail -n +"${RL_LOG_MARK[$1]}" "${D_LOG[$1]}"; }
rl_events_since() { tail -n +"${RL_EV_MARK[$1]}" "${D_EVENTS[$1]}"; }

rl_check_calm() {
	local what=$1 ere=${2:-'Switching to state|Bad digest'} h bad
	for h in $A $B; do
		bad=$(rl_log_since $h | grep -E "$ere" | head -n 5)
		[ -z "$bad" ] || test_fail "host $h $what:
$bad"
		bad=$(rl_events_since $h | head -n 5)
		[ -z "$bad" ] || test_fail "host $h ran scripts $what:
$bad"
	done
}

rl_verdicts() { grep -cE '\[[A-Z]+\] last reload (of .* refused|applied)' "${D_LOG[$1]}"; }

# rl_hup H [SECONDS]: SIGHUP host H, wait for one more verdict line.
RL_VERDICT=""
rl_hup() {
	local h=$1 before
	before=$(rl_verdicts "$h")
	kill -HUP "${D_PID[h]}" || test_fail "kill -HUP host $h"
	wait_until "${2:-10}" rl_verdict_after "$h" "$before" ||
	    test_fail "host $h logged no reload verdict within ${2:-10} s of SIGHUP"
	RL_VERDICT=$(grep -E '\[[A-Z]+\] last reload (of .* refused|applied)' "${D_LOG[h]}" | tail -n 1)
	RL_VERDICT=${RL_VERDICT#*] }
	log "host $h: $RL_VERDICT"
}

rl_verdict_after() { [ "$(rl_verdicts "$1")" -gt "$2" ]; }

# rl_expect_verdict TEXT: the last verdict is exactly TEXT plus " in T ms".
rl_expect_verdict() {
	case $RL_VERDICT in
	"$1 in "*" ms") ;;
	*) test_fail "expected the verdict '$1 in T ms', got '$RL_VERDICT'" ;;
	esac
}

# rl_cap_adverts NAME SRC: "VRID TS_US PRIO INTVL" per CARP advert of SRC.
rl_cap_adverts() {
	tcpdump -tt -n -r "${MCAP_FILE[$1]}" "ip proto 112 and src host $2" 2>/dev/null |
	    awk '{
		for (i = 1; i < NF; i++) {
			if ($i == "vrid") { v = $(i + 1); sub(/,$/, "", v) }
			if ($i == "prio") { p = $(i + 1); sub(/,$/, "", p) }
			if ($i == "intvl") { n = $(i + 1); sub(/s,?$/, "", n) }
		}
		t = $1; sub(/\./, "", t)
		if (v != "" && t ~ /^[0-9]+$/) print v, t, p, n
		v = ""; p = ""; n = ""
	}'
}

# rl_log_us LINE: time stamp of a log line in microseconds since the epoch.
rl_log_us() {
	local ts=${1%%: *}
	date -d "$ts" +%s%6N
}

# rl_check_gaps NAME SRC FROM_US TO_US VRIDS MAX_US: every vrid of VRIDS
# advertised by SRC in [FROM, TO] with no gap above MAX_US (the edges of
# the window count as adverts).  Sets RL_WORST ("VRID GAP_US").
RL_WORST=""
rl_check_gaps() {
	local name=$1 src=$2 from=$3 to=$4 vrids=$5 max=$6 v line n g
	local gaps
	gaps=$(mcap_gaps "$name" "$src" "$from" "$to")
	RL_WORST=$(echo "$gaps" | awk -v list=" $vrids " 'index(list, " " $1 " ") { if ($3 > m) { m = $3; w = $1 } } END { print w, m + 0 }')
	for v in $vrids; do
		line=$(echo "$gaps" | awk -v v="$v" '$1 == v')
		[ -n "$line" ] || test_fail "no advert of vrid $v from $src in the capture"
		read -r _ n g <<< "$line"
		[ "$g" -le "$max" ] ||
		    test_fail "vrid $v from $src: an advert gap of $g us (bound $max us) over the reload window ($n adverts)"
	done
}

# rl_check_scripts H: host H's whole script log against its whole log,
# per instance.  Prints one line per violation:
#   - a script whose UCARP_STATE does not fit its kind (up: MASTER, down:
#     BACKUP), or the same kind twice in a row (a transition scripted
#     twice);
#   - scripts that are not a subsequence of the instance's transitions
#     (each script matched, in order, to its own later transition to its
#     state): a script without a transition of its own;
#   - a script started and not ended;
#   - the last script not that of the last state.
# The scripts a reload runs because a master's addresses changed (down for
# the old ones, up for the new ones, no transition) are left out: see
# rl_addr_scripts.
RL_REASON_ADDRS="addresses_changed_(reload)"
rl_check_scripts() {
	local h=$1
	{
		grep -E '\] eth0 vhid [0-9]+ \([^)]*\): Switching to state: ' "${D_LOG[h]}" |
		    sed -E 's/.*\(([^)]*)\): Switching to state: ([A-Z]+).*/T \1 \2/'
		awk -v r="$RL_REASON_ADDRS" '($1 == "start" || $1 == "end") && $9 != r { print "E", $1, $2, $3, $4 }' "${D_EVENTS[h]}"
	} | awk '
	$1 == "T" { nt[$2]++; tr[$2, nt[$2]] = $3; seen[$2] = 1; next }
	$2 == "end" { open[$3]--; next }
	{
		n = $3; k = $4; st = $5; seen[n] = 1
		want = k ~ /^up/ ? "MASTER" : "BACKUP"
		if (st != want) print n ": " k " script ran with UCARP_STATE=" st
		if (last[n] != "" && (last[n] ~ /^up/) == (k ~ /^up/))
			print n ": " k " after " last[n] ": one transition scripted twice"
		last[n] = k; open[n]++; ns[n]++; sk[n, ns[n]] = k
	}
	END {
		for (n in seen) {
			j = 1
			for (i = 1; i <= ns[n]; i++) {
				want = sk[n, i] ~ /^up/ ? "MASTER" : "BACKUP"
				while (j <= nt[n] && tr[n, j] != want) j++
				if (j > nt[n]) { print n ": script " i " (" sk[n, i] ") has no transition of its own (" ns[n] " scripts, " nt[n] " transitions)"; break }
				j++
			}
			if (open[n] != 0) print n ": " open[n] " script(s) not ended"
			fin = nt[n] ? tr[n, nt[n]] : "INIT"
			if (fin != "INIT" && ns[n] && ((last[n] ~ /^up/) != (fin == "MASTER")))
				print n ": last script " last[n] " but last state " fin
			if (fin != "INIT" && !ns[n]) print n ": no script for state " fin
		}
	}'
}

# rl_addr_scripts H: "NAME KIND ADDR" for every script started on host H
# since rl_mark because a reload changed its instance's addresses.
rl_addr_scripts() {
	rl_events_since "$1" | awk -v r="$RL_REASON_ADDRS" '$1 == "start" && $9 == r { print $2, $3, $8 }'
}

# rl_every_vrid_since NAME SRC SINCE_US MIN VRIDS: each vrid of VRIDS has
# MIN adverts from SRC at or after SINCE in the capture.
rl_every_vrid_since() {
	local got
	got=$(mcap_adverts "$1" "$2" | awk -v s="$3" -v m="$4" -v list=" $5 " '
		$2 >= s && index(list, " " $1 " ") { n[$1]++ }
		END { c = 0; for (v in n) if (n[v] >= m) c++; print c }')
	[ "$got" -eq "$(echo $5 | wc -w)" ]
}

# rl_check_min_gaps NAME SRC FROM_US TO_US VRIDS MIN_US: between two
# consecutive adverts from SRC of any vrid of VRIDS in [FROM, TO], at least
# MIN_US: an instance sent no advert beyond its schedule (an extra one
# splits an interval in two, so one part is at most half of it).  Sets
# RL_LEAST ("VRID GAP_US"), the smallest gap seen.
RL_LEAST=""
rl_check_min_gaps() {
	local name=$1 src=$2 from=$3 to=$4 vrids=$5 min=$6 gaps v g n
	gaps=$(mcap_adverts "$name" "$src" | sort -k1,1n -k2,2n |
	    awk -v from="$from" -v to="$to" -v list=" $vrids " '
		$2 < from || $2 > to || !index(list, " " $1 " ") { next }
		($1 in last) {
			g = $2 - last[$1]
			if (!($1 in least) || g < least[$1]) least[$1] = g
		}
		{ last[$1] = $2; n[$1]++ }
		END { for (v in least) printf "%d %d %.0f\n", v, n[v], least[v] }' | sort -k1,1n)
	RL_LEAST=$(echo "$gaps" | sort -k3,3n | head -n 1 | awk '{ print $1, $3 }')
	for v in $vrids; do
		read -r _ n g <<< "$(echo "$gaps" | awk -v v="$v" '$1 == v')"
		[ -n "${g:-}" ] || test_fail "vrid $v from $src: fewer than 2 adverts in the window"
		[ "$g" -ge "$min" ] ||
		    test_fail "vrid $v from $src: two adverts only $g us apart (bound $min us; $n adverts): an extra advert"
	done
}

# rl_garps NAME ADDR SINCE_US: the gratuitous ARPs for ADDR (a request
# from ADDR for ADDR) in capture NAME at or after SINCE, one per line.
rl_garps() {
	tcpdump -tt -n -r "${MCAP_FILE[$1]}" arp 2>/dev/null |
	    awk -v a="$2" -v s="$3" '{ t = $1; sub(/\./, "", t) }
		t >= s && $0 ~ ("who-has " a "( [(][^)]*[)])? tell " a "(,|$)") { print t }'
}

# rl_packet_sockets H: "INODE IFINDEX" for every packet socket (pcap)
# host H's daemon holds: its fds that are sockets, matched against
# /proc/net/packet of its namespace (as 260-pcap-per-iface.sh counts).
rl_packet_sockets() {
	local h=$1 fd l
	join <(for fd in /proc/"${D_PID[h]}"/fd/*; do
		l=$(readlink "$fd" 2>/dev/null) || continue
		case $l in socket:\[*\]) l=${l#socket:[}; echo "${l%]}" ;; esac
	done | sort) <(ip netns exec "${M_NS[h]}" cat /proc/net/packet |
	    awk 'NR > 1 { print $9, $5 }' | sort)
}
