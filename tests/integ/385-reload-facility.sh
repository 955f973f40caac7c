#!/bin/bash
# A reload applies the file's syslog facility, including its removal.
#
# The daemon runs in a mount namespace of its own whose /dev holds a
# private "log" (a symlink to a datagram socket of ours), so what it sends
# to syslog is read here and nowhere else.  One host, one instance:
#   1. the file says facility = "none": nothing reaches syslog;
#   2. reload without facility: syslog gets the reload's verdict at
#      daemon.info (<30>), the default; before the fix the old facility
#      ("none") stayed and nothing ever came;
#   3. reload with facility = "local3": the verdict at local3.info (<158>);
#   4. reload without facility again: daemon.info (<30>) again, not local3.
# The datagrams of one socket keep their order, so once a verdict has
# arrived, every line sent before it has too.
. "$(dirname "$0")/lib_multi.sh"
multi_init
mnet_make 1 1

mdevlog_setup
SYSLOG=$DEVLOG_FILE
CONF=$TMPD/h1.conf

conf() {
	(umask 077
	{
		[ -z "$1" ] || echo "facility = \"$1\";"
		echo 'defaults = { pass = "facility"; };'
		echo 'instances = ('
		mconf_inst f1 eth0 "$(haddr 1 1)" 7 198.18.1.100
		echo
		echo ');'
	} > "$CONF")
}

# verdicts N: the syslog file holds at least N reload verdicts.
verdicts() { [ "$(grep -c 'last reload applied' "$SYSLOG")" -ge "$1" ]; }

# hup N FACILITY PRI: reload with FACILITY ("" for none given), wait for
# the N-th verdict in syslog and check it came with priority PRI.
hup() {
	local n=$1 fac=$2 pri=$3 line
	conf "$fac"
	kill -HUP "${D_PID[1]}"
	wait_until 10 verdicts "$n" ||
	    test_fail "reload $n (facility '${fac:-not given}'): no verdict reached syslog: $(cat "$SYSLOG")"
	line=$(grep 'last reload applied' "$SYSLOG" | sed -n "${n}p")
	case $line in
	"<$pri>"*) log "reload $n (facility '${fac:-not given}'): $line" ;;
	*) test_fail "reload $n (facility '${fac:-not given}'): expected priority <$pri>, got: $line" ;;
	esac
}

conf none
UCARP=$DEVLOG_WRAP mstart 1 "$CONF" 1
mwait_log 1 'Switching to state: BACKUP' 10
musr1 1 || test_fail "no answer to SIGUSR1"

hup 1 "" 30
# Everything logged before the first verdict was under "none".
before=$(sed -n '1,/last reload applied/p' "$SYSLOG" | grep -v 'last reload applied')
[ -z "$before" ] || test_fail "lines reached syslog under facility none: $before"
hup 2 local3 158
hup 3 "" 30

mstop 1
test_pass
