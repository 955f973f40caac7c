#!/bin/sh
# Run the libFuzzer targets for CI: first every regression input and seed
# once, then fuzz each target for a bounded time.
#
#   FUZZ_BUILD=DIR tests/fuzz/run.sh [SECONDS_PER_TARGET]
#
# DIR is a build directory configured with "CC=clang configure
# --enable-fuzzing" where "make tests/fuzz/fuzz_pkt tests/fuzz/fuzz_cfg
# tests/fuzz/fuzz_sim tests/fuzz/fuzz_ctl tests/fuzz/fuzz_maint" has been
# run; this script builds nothing.  SECONDS_PER_TARGET defaults to 120; 0 runs the
# regression inputs only.
#
# The seeds (corpus/<target>) and the crashers kept as regression inputs
# (regress/<target>) are only read: fuzzing works on a copy in a
# temporary directory, which also gets the artifacts.  A crash, leak,
# timeout or sanitizer report fails the run: the input is printed in
# base64 and the directory is kept.  To keep a crasher as a regression
# input, fix the bug, then copy the artifact to regress/<target>/.
#
# Exit status: 0 nothing found, 1 something found, 2 usage or setup error.

secs=${1:-${FUZZ_SECONDS:-120}}
here=$(cd "$(dirname "$0")" && pwd)

usage() {
	echo "usage: FUZZ_BUILD=DIR $0 [SECONDS_PER_TARGET]" >&2
	exit 2
}
case $secs in
''|*[!0-9]*) usage ;;
esac
[ -n "${FUZZ_BUILD:-}" ] || usage
targets="pkt cfg sim ctl maint"
for t in $targets; do
	if [ ! -x "$FUZZ_BUILD/tests/fuzz/fuzz_$t" ]; then
		echo "$0: $FUZZ_BUILD/tests/fuzz/fuzz_$t is not built; configure" \
		    "with CC=clang --enable-fuzzing and make" \
		    "tests/fuzz/fuzz_pkt tests/fuzz/fuzz_cfg tests/fuzz/fuzz_sim" \
		    "tests/fuzz/fuzz_ctl tests/fuzz/fuzz_maint" >&2
		exit 2
	fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/ucarp-fuzz.XXXXXX") || exit 2
keep=0
trap '[ $keep -eq 1 ] || rm -rf "$work"' EXIT
trap 'exit 2' HUP INT TERM
# fuzz_cfg makes its private directory under TMPDIR.
TMPDIR=$work
export TMPDIR
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
LSAN_OPTIONS=${LSAN_OPTIONS:-print_suppressions=0}
export UBSAN_OPTIONS LSAN_OPTIONS
# fuzz_sim leaves out the known bugs of tests/sim/XFAIL, as make check does.
UCARP_SIM_XFAIL=$(sed -e 's/#.*//' "$here/../sim/XFAIL" 2>/dev/null | tr '\n' ' ')
export UCARP_SIM_XFAIL

# Print each artifact of a failed run: path, the input files it is a copy
# of (given the directories to look in), then the bytes in base64.
show_artifacts() {
	art=$1
	shift
	for a in "$art"/*; do
		[ -f "$a" ] || continue
		case ${a##*/} in
		slow-unit-*) continue ;;
		esac
		echo "artifact: $a ($(wc -c < "$a") bytes)"
		for d in "$@"; do
			for f in "$d"/*; do
				[ -f "$f" ] && cmp -s "$a" "$f" && echo "  same as $f"
			done
		done
		echo "base64:"
		if command -v base64 > /dev/null; then
			base64 < "$a"
		else
			od -An -tx1 -v < "$a"
		fi
	done
}

# The last progress line of a libFuzzer log, as "execs cov ft corpus".
summary() {
	sed -n 's/^#\([0-9]*\)[[:space:]]*[A-Z]*[[:space:]]*cov: \([0-9]*\) ft: \([0-9]*\) corp: \([0-9]*\)\/.*/\1 \2 \3 \4/p' \
	    "$1" | tail -n 1
}

failed=0
for t in $targets; do
	bin=$FUZZ_BUILD/tests/fuzz/fuzz_$t
	art=$work/artifacts-$t
	mkdir -p "$art"
	# A target's share of SECONDS_PER_TARGET: the small line parser
	# behind fuzz_maint covers its branches in seconds.
	tsecs=$secs
	case $t in
	pkt) maxlen=256 ;;
	cfg) maxlen=4096 ;;
	sim) maxlen=512 ;;
	ctl) maxlen=4200 ;;
	maint) maxlen=2048; tsecs=$(( (secs + 2) / 3 )) ;;
	esac
	dict=
	[ -f "$here/$t.dict" ] && dict=-dict=$here/$t.dict

	# Regression: every kept crasher and every seed, once, in full.
	dirs=
	for d in "$here/regress/$t" "$here/corpus/$t"; do
		[ -d "$d" ] && [ -n "$(ls -A "$d")" ] && dirs="$dirs $d"
	done
	log=$work/regress-$t.log
	# shellcheck disable=SC2086 # $dirs is a list of paths without blanks
	if ! "$bin" -runs=0 -detect_leaks=1 -timeout=10 \
	    -artifact_prefix="$art/" $dirs < /dev/null > "$log" 2>&1; then
		echo "FAIL fuzz_$t: a regression input or seed fails"
		tail -n 60 "$log"
		# shellcheck disable=SC2086
		show_artifacts "$art" $dirs
		failed=1
		continue
	fi
	n=0
	for d in $dirs; do
		for f in "$d"/*; do
			[ -f "$f" ] && n=$((n + 1))
		done
	done
	read -r execs cov ft corp <<-EOF
	$(summary "$log")
	EOF
	echo "ok   fuzz_$t regression: $n inputs, cov ${cov:-?}"

	[ "$secs" -gt 0 ] || continue
	scratch=$work/corpus-$t
	mkdir -p "$scratch"
	for d in $dirs; do
		cp "$d"/* "$scratch"/
	done
	log=$work/fuzz-$t.log
	start=$(date +%s)
	# shellcheck disable=SC2086 # $dict is one word or none
	if ! "$bin" -max_total_time="$tsecs" $dict \
	    -detect_leaks=1 -max_len="$maxlen" -timeout=10 \
	    -print_final_stats=1 -artifact_prefix="$art/" "$scratch" \
	    < /dev/null > "$log" 2>&1; then
		echo "FAIL fuzz_$t: fuzzing found a problem"
		grep -E '^(==[0-9]+==|SUMMARY|fuzz_(pkt|cfg|sim|ctl|maint):)' "$log" | head -n 20
		tail -n 60 "$log"
		show_artifacts "$art"
		failed=1
		continue
	fi
	end=$(date +%s)
	read -r execs cov ft corp <<-EOF
	$(summary "$log")
	EOF
	execs=${execs:-0}
	el=$((end - start))
	[ "$el" -gt 0 ] || el=1
	echo "ok   fuzz_$t: $execs execs in ${el}s ($((execs / el))/s)," \
	    "cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?} inputs"
done

if [ $failed -ne 0 ]; then
	keep=1
	echo "fuzz: FAILED; logs and artifacts kept in $work"
	exit 1
fi
echo "fuzz: nothing found"
exit 0
