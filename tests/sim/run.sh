#!/bin/sh
# make check's run of the network simulator: every scripted scenario,
# the kept regression seeds (tests/sim/seeds) and UCARP_SIM_COUNT random
# scenarios (default 10,000).  The known bugs in tests/sim/XFAIL are
# expected failures of their scripted scenario and left out of the random
# ones; once a fix lands, take its line out (the run fails with XPASS
# until then).  A failure prints the trace and the command replaying it.
here=$(cd "$(dirname "$0")" && pwd)
sim=${top_builddir:-.}/tests/sim/sim
count=${UCARP_SIM_COUNT:-10000}

if [ ! -x "$sim" ]; then
	echo "$0: $sim is not built (make check builds it)" >&2
	exit 99
fi
set --
while read -r name _; do
	case $name in
	''|'#'*) ;;
	*) set -- "$@" -x "$name" ;;
	esac
done < "$here/XFAIL"
while read -r seed _; do
	case $seed in
	''|'#'*) ;;
	*) set -- "$@" -r "$seed" ;;
	esac
done < "$here/seeds"
exec "$sim" -n "$count" "$@"
