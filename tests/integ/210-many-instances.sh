#!/bin/bash
# Many instances: two hosts on two links (eth0 on link 1, eth1 on link 2),
# each running 100 instances from one configuration file: vhids 1..50 on
# each interface, virtual addresses 198.18.100.1-50 (link 1) and
# 198.18.101.1-50 (link 2), added and removed by the up/down scripts.
# Every instance preempts; host A (1) prefers the link-1 instances (advskew
# 0 there, 100 on link 2), host B (2) the link-2 ones, mirror-image.
#
#   1. Both start: every address ends up on exactly one host, the one that
#      prefers it, and the SIGUSR1 status lines agree (50 MASTER, 50 BACKUP
#      on each host).  The split holds over 3 more adverts.
#   2. SIGKILL A (its leftover addresses are removed by hand: a killed
#      daemon runs no script): all 100 addresses end up on B.
#   3. A restarts: it takes back exactly its 50 preferred addresses and no
#      others; B never drops its own 50 (no state change, no down script
#      for a link-2 instance after A's restart).
. "$(dirname "$0")/lib_multi.sh"
multi_init
mnet_make 2 2

A=1
B=2
N=50
V1=198.18.100		# link-1 virtual addresses
V2=198.18.101		# link-2 virtual addresses

# Host h's configuration: 100 instances, preferred (advskew 0) on link PL.
# The address of link L's vhid V, and its advskew (0 on link W_PL).
inst_of() {
	local skew=100
	[ "$1" = "$W_PL" ] && skew=0
	echo "198.18.$((99 + $1)).$2 advskew=$skew"
}
write_conf() {
	local h=$1
	W_PL=$2
	mscript_write "$TMPD/h$h.up" up "$TMPD/h$h.events" 0 0 add
	mscript_write "$TMPD/h$h.down" down "$TMPD/h$h.events" 0 0 del
	D_EVENTS[h]=$TMPD/h$h.events
	{
		echo 'defaults = {'
		echo '	pass = "many";'
		echo '	preempt = true;'
		echo "	upscript = \"$TMPD/h$h.up\";"
		echo "	downscript = \"$TMPD/h$h.down\";"
		echo '};'
		echo 'instances = ('
		mconf_links "$h" 2 $N inst_of
		echo ');'
	} > "$TMPD/h$h.conf"
}
write_conf $A 1
write_conf $B 2

# The addresses of link L, one per line, sorted as mvips sorts them.
link_vips() {
	local base v
	if [ "$1" = 1 ]; then base=$V1; else base=$V2; fi
	for v in $(seq 1 $N); do echo "$base.$v"; done | sort
}
ALL_VIPS=$( (link_vips 1; link_vips 2) | sort)
L1_VIPS=$(link_vips 1)
L2_VIPS=$(link_vips 2)

# split WANT_A WANT_B: host A holds exactly the addresses WANT_A, B
# exactly WANT_B (newline-separated lists; empty for none).
split_is() {
	[ "$(mvips $A)" = "$1" ] && [ "$(mvips $B)" = "$2" ]
}

# States from the logs: host h has instances matching RE as MASTER and all
# the others BACKUP.
masters_are() { mmasters_are "$1" "$2" 100; }

# The SIGUSR1 answer of host h says MASTER exactly for instances matching RE.
usr1_masters_are() {
	local h=$1 re=$2 bad
	musr1 "$h" || test_fail "host $h did not answer SIGUSR1 with 100 status lines"
	bad=$(awk -v re="$re" '($1 ~ re) != ($2 == "MASTER")' "$USR1_OUT")
	[ -z "$bad" ] || test_fail "host $h: SIGUSR1 states disagree (expected MASTER for /$re/ only):
$(echo "$bad" | head -n 10)"
	log "host $h SIGUSR1: $(grep -c ' MASTER$' "$USR1_OUT") MASTER, $(grep -c ' BACKUP$' "$USR1_OUT") BACKUP"
}

describe_split() {
	echo "A holds $(mvips $A | wc -l) addresses ($(mvips $A | grep -c "^$V1\.") of link 1, $(mvips $A | grep -c "^$V2\.") of link 2), B holds $(mvips $B | wc -l) ($(mvips $B | grep -c "^$V1\.") of link 1, $(mvips $B | grep -c "^$V2\.") of link 2); states: A $(mstate_count $A MASTER) MASTER, B $(mstate_count $B MASTER) MASTER"
}

# Every address on exactly one host: the preferred split, with the states.
preferred_split() {
	split_is "$L1_VIPS" "$L2_VIPS" && masters_are $A '^l1v' && masters_are $B '^l2v'
}

# The split holds while an instance advertises 3 more times.
hold_split() {
	local ca cb
	ca=$(mlog_count $A 'Switching to state')
	cb=$(mlog_count $B 'Switching to state')
	mwait_counter $A l1v1 sent 3
	mwait_counter $B l2v50 sent 3
	preferred_split || test_fail "the split changed within 3 adverts: $(describe_split)"
	[ "$(mlog_count $A 'Switching to state')" -eq "$ca" ] &&
	    [ "$(mlog_count $B 'Switching to state')" -eq "$cb" ] ||
	    test_fail "state changes within 3 adverts after the split was reached"
}

# ---- 1. election ----------------------------------------------------------------
mstart $A "$TMPD/h$A.conf" 100
mstart $B "$TMPD/h$B.conf" 100
wait_until 30 preferred_split ||
    test_fail "no preferred split after start-up: $(describe_split)"
log "start-up: $(describe_split)"
usr1_masters_are $A '^l1v'
usr1_masters_are $B '^l2v'
hold_split

# ---- 2. SIGKILL A -----------------------------------------------------------------
mstop $A KILL
mflush_vips $A
all_on_b() {
	split_is "" "$ALL_VIPS" && [ "$(mstate_count $B MASTER)" -eq 100 ]
}
wait_until 20 all_on_b || test_fail "B did not take over all 100 addresses: $(describe_split)"
log "A killed: $(describe_split)"
usr1_masters_are $B '.'
MARK=$(( $(wc -l < "${D_LOG[B]}") + 1 ))
EV_MARK=$(( $(wc -l < "${D_EVENTS[B]}") + 1 ))

# ---- 3. A restarts --------------------------------------------------------------
mstart $A "$TMPD/h$A.conf" 100
wait_until 30 preferred_split ||
    test_fail "A did not take back exactly its 50 addresses: $(describe_split)"
log "A restarted: $(describe_split)"
usr1_masters_are $A '^l1v'
usr1_masters_are $B '^l2v'
hold_split

# B never let go of its own instances after A came back.
bad=$(tail -n +"$MARK" "${D_LOG[B]}" | grep -E 'eth1 vhid [0-9]+ \(l2v[0-9]+\): Switching to state' | head -n 5)
[ -z "$bad" ] || test_fail "B changed the state of its preferred instances after A's restart:
$bad"
bad=$(tail -n +"$EV_MARK" "${D_EVENTS[B]}" | awk '$2 ~ /^l2v/' | head -n 5)
[ -z "$bad" ] || test_fail "B ran scripts for its preferred instances after A's restart:
$bad"
# B gave up exactly the link-1 instances, each once, as "preferred master".
n=$(tail -n +"$MARK" "${D_LOG[B]}" | grep -cE 'eth0 vhid [0-9]+ \(l1v[0-9]+\): Switching to state: BACKUP \(preferred master\)')
[ "$n" -eq $N ] || test_fail "B: $n link-1 instances yielded to A as preferred master, expected $N"
# A never became master of a link-2 instance in its second run.
bad=$(grep -E '\(l2v[0-9]+\): Switching to state: MASTER' "${D_LOG[A]}" | head -n 5)
[ -z "$bad" ] || test_fail "A became MASTER of B's instances after its restart:
$bad"
mcheck_running $A $B
test_pass
