#!/bin/bash
# bench/health.sh: how fast a failing health check moves the address, for
# ours (checks, weight "fatal") and keepalived (vrrp_script + track_script,
# weight 0: FAULT), VRRPv2 and VRRPv3, interleaved as bench/failover.sh
# does.  Two hosts on a bridge: A (advskew 0 / priority 150) master, B
# (advskew 100 / priority 100) backup, advbase / advert_int 1; A's check
# runs every second and fails (fall 1) once a file appears.  The check
# script stamps the end of its first failing run just before it exits.
#
# Metrics (seconds):
#   check_to_advert  the failing run's exit -> B's first advert (capture)
#   check_to_up      the failing run's exit -> B's up script started
#
# ucarp 1.5.2 has no health checks (only SIGUSR2 from a watchdog) and is
# not measured here.
#
# usage: bench/health.sh [-n REPS]
# Writes raw results (see bench/lib.sh) to $BENCH_RAW, default stdout.
. "$(dirname "$0")/lib.sh"

case "${1:-}:$#" in
:0) reps=5 ;;
-n:2) reps=$2 ;;
*) sed -n '2,/^\. /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
esac
bench_require

for h in a b; do
	printf '#!/bin/bash\necho "$EPOCHREALTIME $1 $2" >> "%s"\n' "$TMP/up$h.stamps" > "$TMP/up$h"
	chmod 755 "$TMP/up$h"
done
# The check: passes until $TMP/fail exists; its first failing run stamps
# its end (the moment the daemon can see the result).
cat > "$TMP/check" <<EOF
#!/bin/bash
[ -e "$TMP/fail" ] || exit 0
[ -e "$TMP/failed.stamp" ] || echo "\$EPOCHREALTIME" > "$TMP/failed.stamp"
exit 1
EOF
chmod 755 "$TMP/check"

# conf IMPL NAME ROLE: the node's configuration file.
conf() {
	local impl=$1 name=$2 role=$3 src vip=198.18.0.7 f
	[ "$role" = master ] && src=198.18.1.1 || src=198.18.1.2
	case $impl in
	ours)
		f=$TMP/$name.conf
		{
			echo "control = \"$TMP/$name.sock\";"
			[ "$role" = master ] &&
			    echo "checks = ( { name = \"svc\"; script = \"$TMP/check\"; interval = 1; } );"
			echo "instances = ( { interface = \"eth0\"; srcip = \"$src\"; vhid = 7;"
			echo "  addr = \"$vip\"; pass = \"bench\"; neutral = true;"
			echo "  advskew = $(skew_of "$role" normal); upscript = \"$TMP/up${name}\";"
			[ "$role" = master ] && echo "  track_check = [ \"svc\" ];"
			echo "} );"
		} > "$f"
		chmod 600 "$f" ;;
	kav2|kav3)
		f=$TMP/$name.keepalived.conf
		{
			printf 'global_defs {\n  vrrp_version %s\n  script_user root\n' "${impl#kav}"
			printf '  max_auto_priority -1\n  vrrp_garp_master_delay 0\n  enable_script_security\n}\n'
			[ "$role" = master ] &&
			    printf 'vrrp_script svc {\n  script "%s"\n  interval 1\n  fall 1\n  rise 1\n  weight 0\n}\n' "$TMP/check"
			printf 'vrrp_instance eth0_7 {\n  state BACKUP\n  interface eth0\n'
			printf '  virtual_router_id 7\n  priority %s\n  advert_int 1\n' "$(prio_of "$role")"
			printf '  notify_master "%s eth0 %s"\n' "$TMP/up${name}" "$vip"
			[ "$role" = master ] && printf '  track_script {\n    svc\n  }\n'
			printf '  virtual_ipaddress {\n    %s/32\n  }\n}\n' "$vip"
		} > "$f" ;;
	esac
	echo "$f"
}

# start IMPL NAME ROLE
start() {
	local impl=$1 name=$2 f
	f=$(conf "$impl" "$name" "$3")
	: > "$TMP/$name.log"
	case $impl in
	ours) BG_OUT=$TMP/$name.log bg $TAG$name "$OURS" -c "$f" ;;
	*)
		rm -f "$TMP/$name.pid" "$TMP/$name.vrrp.pid"
		BG_OUT=$TMP/$name.log bg $TAG$name "$KEEPALIVED" "${KEEPALIVED_FLAGS[@]}" \
		    -f "$f" -p "$TMP/$name.pid" -r "$TMP/$name.vrrp.pid" ;;
	esac
	NODE_PIDS_OF[$name]=$BG_PID
}

fail() {	# IMPL REP WHY
	note "health $1 rep $2: $3"
	[ -s "$TMP/a.log" ] && { note "last lines of a.log:"; tail -n 5 "$TMP/a.log" >&2; }
	result health "$1" failed "$2" 1
	node_stop a; node_stop b
	[ -n "${cap_pid:-}" ] && cap_stop "$cap_pid"
	return 0
}

# one IMPL REP
one() {
	local impl=$1 rep=$2 cap=$TMP/cap.pcap mre bre t_fail first up
	mre=$(node_master_re "$impl"); bre=$(node_backup_re "$impl")
	rm -f "$TMP"/up?.stamps "$cap" "$TMP/fail" "$TMP/failed.stamp"
	cap_pid=
	net_bridge a b
	start "$impl" a master
	wait_for 20 at_least "$TMP/a.log" "$mre" 1 || { fail "$impl" "$rep" "A never master"; return; }
	start "$impl" b backup
	wait_for 20 at_least "$TMP/b.log" "$bre" 1 || { fail "$impl" "$rep" "B never backup"; return; }
	cap_start ${TAG}br br0 "$cap"
	cap_pid=$CAP_PID
	wait_for 10 cap_has "$cap" 198.18.1.1 2 || { fail "$impl" "$rep" "no adverts from A"; return; }
	touch "$TMP/fail"
	wait_for 10 cap_has "$cap" 198.18.1.2 1 || { fail "$impl" "$rep" "B never advertised"; return; }
	wait_for 5 test -s "$TMP/upb.stamps" || { fail "$impl" "$rep" "B's up script never ran"; return; }
	cap_stop "$cap_pid"
	read -r t_fail < "$TMP/failed.stamp"
	read -r _ first <<< "$(pcap failover "$cap" 198.18.1.1 198.18.1.2)"
	read -r up _ < "$TMP/upb.stamps"
	awk -v t="$t_fail" -v f="$first" -v u="$up" 'BEGIN {
		printf "check_to_advert %.6f\ncheck_to_up %.6f\n", f - t, u - t }' |
	while read -r m v; do result health "$impl" "$m" "$rep" "$v"; done
	node_stop a; node_stop b
}

for ((r = 1; r <= reps; r++)); do
	for impl in ${BENCH_IMPLS:-ours kav2 kav3}; do
		one "$impl" "$r"
	done
done
exit 0
