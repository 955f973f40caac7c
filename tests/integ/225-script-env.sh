#!/bin/bash
# The script interface in configuration-file mode: argv and every
# documented UCARP_* variable (ucarp(8), SCRIPTS), per transition.
#
# Two hosts, A (1: advskew 0, preempt) and B (2: advskew 100), each running
# one daemon with two instances from a file:
#   vhid 11: no name, four addresses of both families, two with a prefix,
#	     pass, shutdown = true, the scripts from defaults; argv [script,
#	     eth0, 198.18.100.11/24] (the first address as written);
#   vhid 22: name "db", one address, passfile, xparam "two words" (one
#	     argument with a space), its own scripts; argv [script, eth0,
#	     198.18.100.22, two words].
# Each script writes one record (its argv, the documented variables, set or
# unset, the names of all UCARP_* variables it got, and an inherited
# variable) and the full environment into a file of its own.  The daemons
# are started with a stale UCARP_STALE and UCARP_REASON in their
# environment, which must not reach the scripts.
#
# Transitions, in order, each with its expected (state, previous state,
# reason) per instance: B alone (start-up, master down); A joins and
# preempts (B: preferred master); SIGUSR2 on A (step-down; B: master too
# slow after vhid 11's bow-out advert, master down for vhid 22); A preempts
# back after its hold; A loses carrier (link down; B: master down) and gets
# it back (preemption); A is killed (B: master down); B gets SIGTERM (vhid
# 11, shutdown = true: down script with UCARP_STATE=INIT; vhid 22: none).
# After every phase each instance's records must equal the expected list
# exactly, and no record or environment may contain a password.
. "$(dirname "$0")/lib_multi.sh"
multi_init
mnet_make 2 1

A=1
B=2
mnet_ipv6 $A	# vhid 11 holds IPv6 addresses
mnet_ipv6 $B
PASS11=Pw-one-7x
PASS22=Pw-two-9z
XPARAM="two words"
ADDRS11="198.18.100.11/24 2001:db8:100::11/64 198.18.100.12 2001:db8:100::12"
ADDRS11_4="198.18.100.11/24 198.18.100.12"
ADDRS11_6="2001:db8:100::11/64 2001:db8:100::12"
DOCVARS="UCARP_INSTANCE UCARP_VHID UCARP_INTERFACE UCARP_ADDRS UCARP_ADDRS4 UCARP_ADDRS6 UCARP_STATE UCARP_PREV_STATE UCARP_REASON"
printf '%s\n' "$PASS22" > "$TMPD/secret22"
chmod 600 "$TMPD/secret22"

# dump_script PATH KIND DIR: a script recording one run in DIR/TS.PID.rec
# (renamed into place when complete) and DIR/TS.PID.env.
dump_script() {
	local path=$1 kind=$2 dir=$3
	mkdir -p "$dir"
	cat > "$path" <<EOF
#!/bin/bash
# $kind script written by tests/integ/225-script-env.sh
f="$dir/\${EPOCHREALTIME/[.,]/}.\$\$"
env > "\$f.env"
{
	echo "kind=$kind"
	echo "argc=\$#"
	echo "arg0=\$0"
	i=1
	for a in "\$@"; do echo "arg\$i=\$a"; i=\$((i + 1)); done
	for v in $DOCVARS; do
		if [ "\${!v+set}" = set ]; then echo "\$v=\${!v}"; else echo "\$v:unset"; fi
	done
	echo "names=\$(env | sed -n 's/^\(UCARP_[A-Za-z0-9_]*\)=.*/\1/p' | sort | tr '\n' ' ')"
	echo "tag=\${MTEST_TAG-unset}"
} > "\$f.tmp"
mv "\$f.tmp" "\$f.rec"
exit 0
EOF
	chmod 755 "$path"
}

# Script paths and record directories: instance 11 uses the defaults'
# scripts (records in h<H>/def), instance 22 its own (h<H>/db).
s_path() { echo "$TMPD/h$1.$2"; }		# H NAME
rec_dir() { echo "$TMPD/h$1.rec.$2"; }		# H def|db

write_conf() {
	local h=$1 skew=$2 preempt=$3 src
	src=$(haddr "$h" 1)
	dump_script "$(s_path "$h" up)" up "$(rec_dir "$h" def)"
	dump_script "$(s_path "$h" down)" down "$(rec_dir "$h" def)"
	dump_script "$(s_path "$h" db-up)" up "$(rec_dir "$h" db)"
	dump_script "$(s_path "$h" db-down)" down "$(rec_dir "$h" db)"
	touch "$TMPD/h$h.conf"
	chmod 600 "$TMPD/h$h.conf"	# it holds a password
	cat > "$TMPD/h$h.conf" <<EOF
defaults = {
	upscript = "$(s_path "$h" up)";
	downscript = "$(s_path "$h" down)";
	advskew = $skew;
	preempt = $preempt;
};
instances = (
	{
		interface = "eth0"; srcip = "$src"; vhid = 11; pass = "$PASS11";
		addr = ( "198.18.100.11/24", "2001:db8:100::11/64", "198.18.100.12",
			 "2001:db8:100::12" );
		shutdown = true;
	},
	{
		name = "db"; interface = "eth0"; srcip = "$src"; vhid = 22;
		passfile = "$TMPD/secret22"; addr = "198.18.100.22";
		xparam = "$XPARAM";
		upscript = "$(s_path "$h" db-up)"; downscript = "$(s_path "$h" db-down)";
	}
);
EOF
}

# records H def|db: one line per script run, in start order.
records() {
	local f
	for f in $(ls "$(rec_dir "$1" "$2")"/*.rec 2>/dev/null | sort); do
		paste -sd ';' "$f"
	done
}

nrecords() { records "$1" "$2" | grep -c .; }

# expect H def|db KIND STATE PREV REASON: append the record that run must
# write to the expected list of (H, instance).
declare -A EXP
expect() {
	local h=$1 which=$2 kind=$3 script line
	if [ "$which" = def ]; then
		script=$(s_path "$h" "$kind")
		line="kind=$kind;argc=2;arg0=$script;arg1=eth0;arg2=198.18.100.11/24"
		line="$line;UCARP_INSTANCE=;UCARP_VHID=11;UCARP_INTERFACE=eth0;UCARP_ADDRS=$ADDRS11"
		line="$line;UCARP_ADDRS4=$ADDRS11_4;UCARP_ADDRS6=$ADDRS11_6"
	else
		script=$(s_path "$h" "db-$kind")
		line="kind=$kind;argc=3;arg0=$script;arg1=eth0;arg2=198.18.100.22;arg3=$XPARAM"
		line="$line;UCARP_INSTANCE=db;UCARP_VHID=22;UCARP_INTERFACE=eth0;UCARP_ADDRS=198.18.100.22"
		line="$line;UCARP_ADDRS4=198.18.100.22;UCARP_ADDRS6="
	fi
	line="$line;UCARP_STATE=$4;UCARP_PREV_STATE=$5;UCARP_REASON=$6"
	line="$line;names=UCARP_ADDRS UCARP_ADDRS4 UCARP_ADDRS6 UCARP_INSTANCE UCARP_INTERFACE UCARP_PREV_STATE UCARP_REASON UCARP_STATE UCARP_VHID ;tag=$P"
	EXP[$h.$which]="${EXP[$h.$which]:-}$line"$'\n'
}

# Both instances of host H get the same transition.
expect2() { expect "$1" def "${@:2}"; expect "$1" db "${@:2}"; }

exp_count() { printf '%s' "${EXP[$1.$2]:-}" | grep -c .; }

counts_reached() {
	local h w
	for h in $A $B; do
		for w in def db; do
			[ "$(nrecords $h $w)" -ge "$(exp_count $h $w)" ] || return 1
		done
	done
}

# check_phase WHAT: wait for every expected record, then compare exactly.
check_phase() {
	local h w d
	wait_until 20 counts_reached ||
	    log "$1: not every expected script run was recorded in time"
	for h in $A $B; do
		for w in def db; do
			d=$(diff <(printf '%s' "${EXP[$h.$w]:-}") <(records $h $w))
			[ -z "$d" ] || test_fail "$1: host $h, instance $w: script records differ from the expected (< expected, > got):
$d"
		done
	done
	log "$1: $(exp_count $A def)+$(exp_count $A db) runs on A, $(exp_count $B def)+$(exp_count $B db) on B as expected"
}

# vstate H VHID: the instance's last state in host H's log.
vstate() {
	grep -E "eth0 vhid $2[ :].*Switching to state: " "${D_LOG[$1]}" 2>/dev/null |
	    tail -n 1 | sed 's/.*Switching to state: \([A-Z]*\).*/\1/'
}
both_in() { [ "$(vstate "$1" 11)" = "$2" ] && [ "$(vstate "$1" 22)" = "$2" ]; }
roles() { echo "A: 11=$(vstate $A 11) 22=$(vstate $A 22); B: 11=$(vstate $B 11) 22=$(vstate $B 22)"; }

wait_roles() {	# MASTER-HOST BACKUP-HOST|- WHAT
	wait_until 15 both_in "$1" MASTER || test_fail "$3: host $1 not MASTER of both: $(roles)"
	[ "$2" = - ] || wait_until 15 both_in "$2" BACKUP ||
	    test_fail "$3: host $2 not BACKUP of both: $(roles)"
}

write_conf $A 0 true
write_conf $B 100 false
# Stale names in the daemons' environment: removed before the scripts run.
export UCARP_STALE=leak UCARP_REASON=bogus

# ---- B alone: start-up, then master down ------------------------------------
mstart $B "$TMPD/h$B.conf" 2
wait_roles $B - "B alone"
expect2 $B down BACKUP INIT start-up
expect2 $B up MASTER BACKUP "master down"
check_phase "B alone"

# ---- A joins and preempts --------------------------------------------------------
mstart $A "$TMPD/h$A.conf" 2
wait_roles $A $B "A joins"
expect2 $A down BACKUP INIT start-up
expect2 $A up MASTER BACKUP preemption
expect2 $B down BACKUP MASTER "preferred master"
check_phase "A joins"

# ---- SIGUSR2 on A; A preempts back after its hold -----------------------------
# B's vhid 22 times out about when A's 3-s hold ends, so its mastership can
# last a millisecond: only the final roles and the records are waited for.
# If it lasts less than a turn of B's loop, its up script has not started
# when the down transition comes, and the queue drops both (they cancel
# out); whether it started is in B's log once B is back in BACKUP, since
# a script starts on the loop or never.
mark_b=$(wc -l < "${D_LOG[B]}")
kill -USR2 "${D_PID[A]}"
wait_until 5 both_in $A BACKUP || test_fail "A did not step down on SIGUSR2: $(roles)"
wait_roles $A $B "after the step-down hold"
expect2 $A down BACKUP MASTER "step-down"
expect $B def up MASTER BACKUP "master too slow"	# A's bow-out advert
if tail -n +"$((mark_b + 1))" "${D_LOG[B]}" | grep -q 'vhid 22 (db): Spawning \[.*db-up'; then
	expect $B db up MASTER BACKUP "master down"	# no shutdown: timed out
	expect $B db down BACKUP MASTER "preferred master"
else
	log "SIGUSR2: B's db was MASTER for less than a turn of its loop: up and down cancelled out"
fi
expect2 $A up MASTER BACKUP preemption
expect $B def down BACKUP MASTER "preferred master"
check_phase "SIGUSR2"

# ---- carrier loss on A, and back ---------------------------------------------------
ip -n "$MBR_NS" link set p1l1 down || test_fail "cannot take A's link down"
wait_until 10 both_in $A BACKUP || test_fail "A stayed MASTER without carrier: $(roles)"
wait_until 10 both_in $B MASTER || test_fail "B did not take over from A without carrier: $(roles)"
expect2 $A down BACKUP MASTER "link down"
expect2 $B up MASTER BACKUP "master down"
check_phase "link down"
ip -n "$MBR_NS" link set p1l1 up || test_fail "cannot bring A's link up"
wait_roles $A $B "link up"
expect2 $A up MASTER BACKUP preemption
expect2 $B down BACKUP MASTER "preferred master"
check_phase "link up"

# ---- A killed: B takes over ---------------------------------------------------------
mstop $A KILL
wait_roles $B - "A killed"
expect2 $B up MASTER BACKUP "master down"
check_phase "A killed"

# ---- SIGTERM on B: shutdown = true runs the down script with state INIT ------------
mstop $B TERM
expect $B def down INIT MASTER shutdown
check_phase "B stopped"
# vhid 22 (no shutdown) must have run nothing more: check_phase compared
# its complete list, and the daemon is gone, so nothing can follow.

# ---- no password anywhere in what the scripts got ---------------------------------
for h in $A $B; do
	for w in def db; do
		# The scan reads real environments: each holds the inherited tag.
		for f in "$(rec_dir $h $w)"/*.env; do
			grep -qx "MTEST_TAG=$P" "$f" || test_fail "host $h: $f is not a script's environment"
		done
		for pw in "$PASS11" "$PASS22"; do
			f=$(grep -lF -- "$pw" "$(rec_dir $h $w)"/* 2>/dev/null | head -n 1)
			[ -z "$f" ] || test_fail "host $h: a script saw the password '$pw' in $(basename "$f"): $(grep -F -- "$pw" "$f")"
		done
	done
done
log "no password in $(cat "$(rec_dir $A def)"/*.env "$(rec_dir $A db)"/*.env "$(rec_dir $B def)"/*.env "$(rec_dir $B db)"/*.env | grep -c .) environment lines of $(( $(nrecords $A def) + $(nrecords $A db) + $(nrecords $B def) + $(nrecords $B db) )) script runs"
test_pass
