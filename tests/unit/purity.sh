#!/bin/sh
# The pure core must not do I/O, read clocks or use the shell's modules.
# Fails on any forbidden include or call in a core source file.
src=${top_srcdir:-.}/src
core="carp_addr carp_fsm dheap carp_hmac carp_sha1 carp_na carp_pkt carp_pkt6 carp_wire carp_rekey carp_replay cfg_check cfg_diff cfg_keys ctl_msg ctl_proto health maint_fmt runq name_index addr_plan cfg"
bad=0
for m in $core; do
	for f in "$src/$m.c" "$src/$m.h"; do
		[ -f "$f" ] || continue
		if grep -nE '#include[[:space:]]*[<"](pcap|event2/|event\.h|syslog\.h|sys/socket\.h|unistd\.h|time\.h|sys/time\.h|signal\.h|libconfig\.h|log\.h|xmalloc\.h|iface\.h|instance\.h|script\.h)' "$f"; then
			echo "$f: forbidden include in the pure core"; bad=1
		fi
		if grep -nE '\b(printf|fprintf|syslog|log_(info|warn|warnx|debug)|fatalx?|clock_gettime|gettimeofday|time|rand|random|arc4random|getrandom|malloc|calloc|realloc|free|socket|sendto|recvfrom|read|write|open|fopen)[[:space:]]*\(' "$f" | grep -vE '^\s*[0-9]+:\s*(\*|/\*)'; then
			echo "$f: I/O, clock, randomness or allocation in the pure core"; bad=1
		fi
	done
done
[ $bad -eq 0 ] && echo "pure core: ok"
exit $bad
