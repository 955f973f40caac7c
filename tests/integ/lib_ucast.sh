# lib_ucast.sh: helpers of the unicast tests (9xx), sourced after lib.sh.
#   mcast_drop [NS]: the bridge drops CARP multicast (224.0.0.0/4,
#   ff02::12); NS: the bridges' namespace (default $BR_NS)
#   peer_stat I KEY [ADDR]: sets PVAL from node I's SIGUSR1 "peers:" line
#   (KEY of the peer ADDR, or of the first peer)

# mcast_drop: what a cloud network does to CARP's multicast; ARP, ND and
# unicast still pass.  nftables (family bridge) in the bridge namespace;
# tc cannot here (no flower or gact in the CI kernels).
mcast_drop() {
	command -v nft >/dev/null 2>&1 || test_skip "no nft (apt-get install nftables)"
	ip netns exec "${1:-$BR_NS}" nft -f - <<'NFT' || test_fail "nft: cannot drop multicast on the bridge"
table bridge nomcast {
	chain forward {
		type filter hook forward priority 0; policy accept;
		ip daddr 224.0.0.0/4 drop
		ip6 daddr ff02::12 drop
	}
}
NFT
}

# Node I's log and pid: lib.sh's nodes, or lib_multi.sh's daemons.
uc_log() { echo "${NODE_LOG[$1]:-${D_LOG[$1]:-}}"; }
uc_pid() { echo "${NODE_PID[$1]:-${D_PID[$1]:-}}"; }

peers_answered() { [ "$(grep -c -- ' peers: ' "$(uc_log "$1")")" -gt "$2" ]; }

# peer_stat I KEY [ADDR]: KEY (sent/received/drops/... of peer ADDR)
# from a fresh SIGUSR1 of our node I, into PVAL.
PVAL=""
peer_stat() {
	local i=$1 key=$2 addr=${3:-} before line
	PVAL=""
	before=$(grep -c -- ' peers: ' "$(uc_log "$i")")
	kill -USR1 "$(uc_pid "$i")" 2>/dev/null || return 1
	wait_until 5 peers_answered "$i" "$before" || return 1
	line=$(grep -- ' peers: ' "$(uc_log "$i")" | tail -n 1)
	if [ -n "$addr" ]; then
		line=$(echo "$line" | tr ';' '\n' | grep -F " $addr sent=")
	fi
	PVAL=$(echo " $line " | grep -oE "[[:space:]]$key=[0-9a-z]+" | head -n 1 | cut -d= -f2)
	[ -n "$PVAL" ]
}

peer_stat_ge() { peer_stat "$1" "$2" "${4:-}" && [ "$PVAL" -ge "$3" ]; }
