#!/bin/sh
# make dist must copy bench/ and never run it: `bench` is also the phony
# target of the full benchmark suite (hours), and a directory named in
# EXTRA_DIST is a prerequisite of distdir, so naming bench/ there made
# `make dist` run every benchmark.  A dry run shows what it would do.
# Environment: top_builddir (the build tree's Makefile).
# Exit status: 0 passed, 1 failed, 77 skipped.
b=${top_builddir:-.}
if [ ! -f "$b/Makefile" ] || ! command -v make >/dev/null 2>&1; then
	echo "SKIP: no Makefile in $b, or no make"
	exit 77
fi
out=$(make -n -C "$b" distdir 2>&1)
bad=0
if printf '%s\n' "$out" | grep -q 'bench/run'; then
	echo "FAIL: make distdir would run bench/run:"
	printf '%s\n' "$out" | grep 'bench/run'
	bad=1
fi
if ! printf '%s\n' "$out" | grep -q 'cp -pR .*/bench '; then
	echo "FAIL: make distdir would not copy bench/ (dist-hook)"
	bad=1
fi
for f in BENCHMARKS.md README.md ChangeLog; do
	if ! printf '%s\n' "$out" | grep -q "$f"; then
		echo "FAIL: make distdir would not copy $f"
		bad=1
	fi
done
[ $bad -eq 0 ] && echo "make dist: copies bench/ and BENCHMARKS.md, runs nothing"
exit $bad
