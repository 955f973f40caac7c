#!/bin/bash
# A child the daemon did not start is reaped and named, not dropped.
# The daemon is started by a wrapper that forks a child, then execs the
# daemon: the child (which sleeps 1 s, then exits 7) becomes the daemon's
# own.  The one SIGCHLD reaper must reap it (no zombie) and, since no
# owner asked for it, log at debug level (-D) how it ended:
#   "reaped pid PID, not a child of ours we know: exited 7"
# while the daemon's own scripts are still reaped and reported as usual.
. "$(dirname "$0")/lib.sh"
test_init
make_net 198.18.1.2

cat > "$TMPD/wrap.sh" <<EOF2
#!/bin/sh
# Fork a child, then become the daemon: the child is inherited.
sh -c 'sleep 1; exit 7' &
echo \$! > "$TMPD/stray.pid"
exec "\$@"
EOF2
chmod 755 "$TMPD/wrap.sh"
NODE_WRAP[1]=$TMPD/wrap.sh
start_node 1 ours
wait_state 1 MASTER 10
wait_until 5 test -s "$TMPD/stray.pid" || test_fail "the wrapper did not record its child"
SPID=$(cat "$TMPD/stray.pid")
wait_log 1 "reaped pid $SPID, not a child of ours we know: exited 7" 10
# Reaped, not left a zombie (its /proc entry is gone).
wait_until 5 test ! -e "/proc/$SPID" ||
    test_fail "the stray child $SPID was not reaped: $(cat "/proc/$SPID/stat" 2>/dev/null)"
# The daemon's own scripts are reported as before.
wait_until 5 grep -qE 'up script [^ ]+ \(pid [0-9]+\) exited 0 after' "${NODE_LOG[1]}" ||
    test_fail "the up script's end was not reported"
log "stray child $SPID reaped and logged; the up script reported"
stop_node 1
test_pass
