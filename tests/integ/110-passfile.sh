#!/bin/bash
# Passwords given with -o FILE (first line, newline stripped) or -p agree
# across implementations: each pair ends with one stable master and no
# "Bad digest".  Masters of both kinds, so the HMAC is checked both ways:
#   pair 1: ours -o (19 bytes, non-ASCII) master, ref -p backup
#   pair 2: ref -p (19 bytes, non-ASCII) master, ours -o backup
#   pair 3: ref -o (1 byte) master, ours -p backup
#   pair 4: ours -p (8 bytes) master, ref -o backup
. "$(dirname "$0")/lib.sh"
test_init
make_net 198.18.1.2 198.18.1.3 198.18.2.2 198.18.2.3 \
	 198.18.3.2 198.18.3.3 198.18.4.2 198.18.4.3
for k in 1 2 3 4; do
	for i in $((2 * k - 1)) $((2 * k)); do
		NODE_VHID[i]=$((10 + k)); NODE_VIP[i]=198.18.0.10$k
	done
done
pw19='Grüße-Ærø-€19'
[ "$(printf '%s' "$pw19" | wc -c)" -eq 19 ] || test_fail "test password is not 19 bytes"
pw1='x'
pw8='s3cr3t!?'
printf '%s\n' "$pw19" > "$TMPD/pw19"
printf '%s\n' "$pw1" > "$TMPD/pw1"
printf '%s\n' "$pw8" > "$TMPD/pw8"
for i in 1 4 5 8; do NODE_PASS[i]=-; done
NODE_PASS[2]=$pw19; NODE_PASS[3]=$pw19; NODE_PASS[6]=$pw1; NODE_PASS[7]=$pw8
start_node 1 ours -k 0 -o "$TMPD/pw19"
start_node 3 ref -k 0
start_node 5 ref -k 0 -o "$TMPD/pw1"
start_node 7 ours -k 0
wait_masters 1 3 5 7
start_node 2 ref -k 50
start_node 4 ours -k 50 -o "$TMPD/pw19"
start_node 6 ours -k 50
start_node 8 ref -k 50 -o "$TMPD/pw8"
expect_master 1 2 -- 3 4 -- 5 6 -- 7 8
check_clean_logs 1 2 3 4 5 6 7 8
test_pass
