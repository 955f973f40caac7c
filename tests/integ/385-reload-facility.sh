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
command -v unshare >/dev/null 2>&1 || test_skip "no unshare(1)"
command -v python3 >/dev/null 2>&1 || test_skip "no python3"
mnet_make 1 1

SOCK=$TMPD/log.sock
SYSLOG=$TMPD/syslog.txt
CONF=$TMPD/h1.conf
: > "$SYSLOG"

# The listener: one line per datagram received.
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as f:
	while True:
		f.write(s.recv(4096).decode(errors="replace").rstrip("\n") + "\n")
		f.flush()
' "$SOCK" "$SYSLOG" &
BG_PIDS+=("$!")
wait_until 5 test -S "$SOCK" || test_fail "the syslog listener did not bind $SOCK"

# A /dev with what the daemon needs, and "log" pointing at our socket.
NEWDEV=$TMPD/dev
mkdir "$NEWDEV"
cp -a /dev/null /dev/zero /dev/random /dev/urandom "$NEWDEV"/ ||
    test_fail "cannot copy device nodes into $NEWDEV"
ln -s "$SOCK" "$NEWDEV/log"
# $UCARP in a private mount namespace with that /dev (exec all the way:
# the pid mstart records is the daemon's).
WRAP=$TMPD/ucarp-devlog
cat > "$WRAP" <<EOF
#!/bin/sh
exec unshare -m --propagation private sh -c 'mount --bind "\$0" /dev && exec "\$@"' "$NEWDEV" "$UCARP" "\$@"
EOF
chmod 755 "$WRAP"

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
UCARP=$WRAP mstart 1 "$CONF" 1
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
