#!/bin/sh
# bench/quick.sh: the benchmark suite's quick run as an automake test, so
# that CI runs it (contrib/bootstrap test) and it never rots.  It asserts
# nothing about the figures: it passes when every part ran and gave
# numbers, and the report was written.  Skipped unless UCARP_BENCH=1
# (`make bench-quick` sets it), and without root.
if [ "${UCARP_BENCH:-}" != 1 ]; then
	echo "bench/quick.sh: SKIP: set UCARP_BENCH=1 to run (make bench-quick)"
	exit 77
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "bench/quick.sh: SKIP: needs root (network namespaces)"
	exit 77
fi
out=${top_builddir:-.}/bench-quick
OURS=${UCARP:-${top_builddir:-.}/src/ucarp} "${top_srcdir:-.}/bench/run" --quick --out "$out" || exit 1
cat "$out/BENCHMARKS.md"
