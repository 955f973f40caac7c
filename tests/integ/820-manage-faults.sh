#!/bin/bash
# manage_addresses when things go wrong (IPv4, fast timers, no scripts):
#   1. on_address_removed = "stepdown": `ip addr del` of the master's address
#      makes it bow out and the peer takes the address over (equal
#      advskews: a faster backup would take over again at once, as with
#      SIGUSR2);
#   2. EEXIST: an operator adds the same address (/32) on the backup by hand;
#      when that host becomes master its instance cannot own it: logged
#      with address and interface, status and metrics say "not in place",
#      once the operator removes it the master adds its own; an operator's
#      /24 of the same address is still there after the daemon exited;
#   3. EPERM: a daemon without CAP_NET_ADMIN becomes master, logs the
#      failure with the address, interface and what to do, keeps
#      advertising, and says "not in place"; nothing crashes;
#   4. an interface that vanishes: a master on a veth of its own (alone)
#      holds its address; the interface is deleted (the address goes with
#      it): the daemon keeps running and holds nothing; the interface is
#      made again: the instance is master again and its address back;
#   5. an overrun of the address watch: host 2's daemon is stopped
#      (SIGSTOP) while 12,000 address events flood its socket, then its
#      address is removed (an event lost); once it runs again it logs the
#      overrun, re-reads the addresses and puts its address back.
. "$(dirname "$0")/lib.sh"
UCARPCTL=${UCARPCTL:-${top_builddir:-.}/ctl/ucarpctl}
test_init
[ -x "$UCARPCTL" ] || test_fail "ucarpctl $UCARPCTL is not built"
make_net 198.18.1.2 198.18.1.3
V=198.18.0.140

# conf I SKEW [EXTRA]: host I's file, one managed instance holding V.
conf() {
	cat > "$TMPD/h$1.conf" <<EOC
control = "$TMPD/h$1.sock";
instances = ( { interface = "eth0"; srcip = "${HOST_ADDR[$1]}"; vhid = 14;
    pass = "$PASS"; addr = "$V"; advbase = 0; advskew = $2;
    manage_addresses = true; ${3:-} } );
EOC
	chmod 600 "$TMPD/h$1.conf"
}
holds() { ip -n "${HOST_NS[$1]}" -o addr show dev eth0 | grep -q " inet $2 "; }
lacks() { ! holds "$@"; }
ctl_json() { ip netns exec "${HOST_NS[$1]}" "$UCARPCTL" -s "$TMPD/h$1.sock" status -j; }
ctl_metrics() { ip netns exec "${HOST_NS[$1]}" "$UCARPCTL" -s "$TMPD/h$1.sock" metrics; }
in_place() { ctl_json "$1" | grep -q '"addresses_in_place": *'"$2"; }

# ---- 1. stepdown ------------------------------------------------------------
conf 1 30 'on_address_removed = "stepdown";'
conf 2 30
start_node_raw 1 ours -c "$TMPD/h1.conf" -D
wait_state 1 MASTER
start_node_raw 2 ours -c "$TMPD/h2.conf" -D
wait_state 2 BACKUP
wait_until 5 holds 1 "$V/32" || test_fail "host 1 never held $V"
in_place 1 true || test_fail "host 1: status does not say in place: $(ctl_json 1)"
ip -n "${HOST_NS[1]}" addr del "$V/32" dev eth0 || test_fail "ip addr del"
wait_log 1 'behind our back: stepping down (on_address_removed = "stepdown")'
wait_state 2 MASTER
wait_until 5 holds 2 "$V/32" || test_fail "host 2 took over without $V"
lacks 1 "$V/32" || test_fail "host 1 bowed out but holds $V"
ctl_metrics 1 | grep -q '^ucarp_address_restores_total{.*} 1$' ||
    test_fail "host 1: the removal is not counted: $(ctl_metrics 1 | grep address)"
log "1. stepdown: host 1 bowed out, host 2 holds $V"
stop_node 1 TERM

# ---- 2. EEXIST: the operator's own copy -------------------------------------
conf 1 100
start_node_raw 1 ours -c "$TMPD/h1.conf" -D
wait_state 1 BACKUP
# Added by hand while host 1 runs (its start-up check did not see it).
ip -n "${HOST_NS[1]}" addr add "$V/32" dev eth0 || test_fail "operator's address"
stop_node 2 TERM
wait_state 1 MASTER
wait_log 1 "$V/32 is already on eth0 and not ours (an operator's alias?): this instance cannot own it"
wait_until 5 in_place 1 false || test_fail "host 1: status says in place: $(ctl_json 1)"
ctl_metrics 1 | grep -q '^ucarp_addresses_in_place{.*} 0$' ||
    test_fail "host 1: metric: $(ctl_metrics 1 | grep address)"
ctl_metrics 1 | grep -q '^ucarp_address_errors_total{.*} 1$' ||
    test_fail "host 1: error not counted: $(ctl_metrics 1 | grep address)"
# The operator removes it: the master adds its own.
ip -n "${HOST_NS[1]}" addr del "$V/32" dev eth0
wait_until 5 in_place 1 true || test_fail "host 1 did not take $V once the operator's copy was gone: $(ctl_json 1)"
ip -n "${HOST_NS[1]}" addr add "$V/24" dev eth0 || test_fail "operator's /24"
stop_node 1 TERM
holds 1 "$V/24" || test_fail "host 1 removed the operator's $V/24"
lacks 1 "$V/32" || test_fail "host 1 left its $V/32 at exit"
ip -n "${HOST_NS[1]}" addr del "$V/24" dev eth0
log "2. EEXIST: logged, not in place, the operator's address left alone; once removed, ours added"

# ---- 3. EPERM: no CAP_NET_ADMIN ---------------------------------------------
conf 1 10
printf '#!/bin/sh\nexec capsh --drop=cap_net_admin -- -c %s "$@"\n' \
    "'exec \"\$0\" \"\$@\"'" > "$TMPD/nocap.sh"
chmod 755 "$TMPD/nocap.sh"
NODE_WRAP[1]="$TMPD/nocap.sh"
start_node_raw 1 ours -c "$TMPD/h1.conf" -D
NODE_WRAP[1]=""
wait_state 1 MASTER
wait_log 1 "cannot add $V/32 on eth0: Operation not permitted (ucarp needs CAP_NET_ADMIN)"
lacks 1 "$V/32" || test_fail "host 1 holds $V without CAP_NET_ADMIN?"
wait_until 5 in_place 1 false || test_fail "host 1: status says in place: $(ctl_json 1)"
check_running 1
log "3. EPERM: logged, not in place, still running"

# ---- 4. the interface vanishes ----------------------------------------------
D=198.18.0.150
dummy() {
	ip -n "${HOST_NS[2]}" link add dum0 type veth peer name dum0p &&
	    ip -n "${HOST_NS[2]}" addr add 198.18.5.2/24 dev dum0 &&
	    ip -n "${HOST_NS[2]}" link set dum0p up &&
	    ip -n "${HOST_NS[2]}" link set dum0 up || test_fail "dum0 on host 2"
	wait_until 5 eval 'ip -n "${HOST_NS[2]}" link show dev dum0 | grep -q LOWER_UP' ||
	    test_fail "dum0 has no carrier"
}
holds_d() { ip -n "${HOST_NS[2]}" -o addr show dev dum0 2>/dev/null | grep -q " inet $D/32 "; }
dummy
cat > "$TMPD/h2.conf" <<EOC
control = "$TMPD/h2.sock";
instances = ( { interface = "dum0"; srcip = "198.18.5.2"; vhid = 15;
    pass = "$PASS"; addr = "$D"; advbase = 0; advskew = 10;
    manage_addresses = true; } );
EOC
chmod 600 "$TMPD/h2.conf"
start_node_raw 2 ours -c "$TMPD/h2.conf" -D
wait_until 5 holds_d || test_fail "host 2 never held $D on dum0"
ip -n "${HOST_NS[2]}" link del dum0 || test_fail "ip link del dum0"
wait_log 2 "dum0: link down"
check_running 2
dummy
wait_until 10 holds_d || test_fail "host 2 did not put $D back on the new dum0"
wait_until 5 in_place 2 true || test_fail "host 2: status: $(ctl_json 2)"
check_running 2
log "4. the interface vanished and came back: the address followed it"

# ---- 5. ENOBUFS -------------------------------------------------------------
for ((j = 0; j < 6000; j++)); do
	a=198.18.$((200 + j / 250)).$((j % 250 + 1))/32
	echo "addr add $a dev dum0"
	echo "addr del $a dev dum0"
done > "$TMPD/flood.batch"
# Last, when the socket is full: its removal event is lost.
echo "addr del $D/32 dev dum0" >> "$TMPD/flood.batch"
kill -STOP "${NODE_PID[2]}"
ip -n "${HOST_NS[2]}" -batch "$TMPD/flood.batch" || test_fail "ip -batch"
kill -CONT "${NODE_PID[2]}"
wait_log 2 "address watch overrun (events lost): re-reading addresses and links"
wait_until 5 holds_d || test_fail "host 2 did not put $D back after the overrun"
wait_log 2 "$D/32 was removed from dum0 behind our back: adding it back"
check_running 2
log "5. overrun: re-read, $D put back"
test_pass
