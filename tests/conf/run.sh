#!/bin/sh
# Golden tests of the configuration file loader (ucarp.conf(5)).
#
#   good-NAME.conf   ucarp --print-config -c FILE exits 0 and prints
#                    good-NAME.ok; that output loads back and prints the
#                    same (a pass is masked as ******** both times, so
#                    it is the one thing not round-tripped); ucarp -t -c
#                    FILE exits 0.
#   bad-NAME.conf    ucarp -t -c FILE exits 1 and prints bad-NAME.err on
#                    stderr.
#   nonexistent.err  what ucarp -t -c gives for a file that is missing.
#   directory.err    what ucarp -t -c gives for a directory (fixtures/);
#                    a FIFO is refused as not a regular file.
#   etc/ucarp.conf   the shipped example passes ucarp -t, with its
#                    /etc/ucarp/ paths pointed at fixtures/.
#
# In .ok and .err files the absolute directory of this script is written
# @DIR@, so they do not depend on where the tree is.
#
# Environment: UCARP (the binary; the test is skipped without it),
# top_srcdir, and optionally UCARP_WRAPPER, a command to run ucarp under
# (e.g. "valgrind -q --leak-check=full --error-exitcode=99").
# "run.sh -update" rewrites the .ok and .err files from the binary; read
# the diff before committing them.
# Exit status: 0 all passed, 1 something failed, 77 skipped.

update=0
case "$1" in
-update)
	update=1 ;;
"")
	;;
*)
	echo "usage: $0 [-update]" >&2
	exit 1 ;;
esac

if [ -z "$UCARP" ] || [ ! -x "$UCARP" ]; then
	echo "SKIP: UCARP is not set to an executable ucarp"
	exit 77
fi
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
dir=$(cd "$top_srcdir/tests/conf" && pwd) || exit 1
pdir=$(cd "$dir" && pwd -P) || exit 1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ucarp-conf.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

passed=0
failed=0

pass()
{
	passed=$((passed + 1))
	echo "PASS: $1"
}

fail()
{
	failed=$((failed + 1))
	echo "FAIL: $1"
}

# A directory name as a literal sed regular expression.
re_quote()
{
	printf '%s\n' "$1" | sed 's/[][\.*^$]/\\&/g'
}
qdir=$(re_quote "$dir")
qpdir=$(re_quote "$pdir")

# Paths as in the .ok/.err files: the test directory shown as @DIR@.
stable()
{
	sed -e "s|$qpdir|@DIR@|g" -e "s|$qdir|@DIR@|g"
}

run()
{
	# shellcheck disable=SC2086 # UCARP_WRAPPER is a command line
	$UCARP_WRAPPER "$UCARP" "$@"
}

for conf in "$dir"/good-*.conf; do
	name=$(basename "$conf" .conf)
	run --print-config -c "$conf" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 0 ] || [ -s "$tmp/err" ]; then
		fail "$name: --print-config exited $rc"
		cat "$tmp/err"
		continue
	fi
	stable <"$tmp/out" >"$tmp/out.stable"
	if [ $update -eq 1 ]; then
		cp "$tmp/out.stable" "$dir/$name.ok"
	fi
	if ! diff -u "$dir/$name.ok" "$tmp/out.stable"; then
		fail "$name: --print-config differs from $name.ok"
		continue
	fi
	# The printed file loads back to the same thing (but for the
	# comments saying where each instance was read from).
	run --print-config -c "$tmp/out" >"$tmp/again" 2>"$tmp/err"
	rc=$?
	grep -v '^		# ' "$tmp/out" >"$tmp/out.nc"
	grep -v '^		# ' "$tmp/again" >"$tmp/again.nc"
	if [ $rc -ne 0 ] || ! diff -u "$tmp/out.nc" "$tmp/again.nc"; then
		fail "$name: the printed configuration does not load back"
		cat "$tmp/err"
		continue
	fi
	run -t -c "$conf" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 0 ] || [ -s "$tmp/err" ]; then
		fail "$name: -t exited $rc"
		cat "$tmp/err"
		continue
	fi
	pass "$name"
done

# Broken files, and a file that is not there at all.
for conf in "$dir"/bad-*.conf "$dir/nonexistent.conf"; do
	name=$(basename "$conf" .conf)
	run -t -c "$conf" >/dev/null 2>"$tmp/err"
	rc=$?
	stable <"$tmp/err" >"$tmp/err.stable"
	if [ $update -eq 1 ]; then
		cp "$tmp/err.stable" "$dir/$name.err"
	fi
	if [ $rc -ne 1 ]; then
		fail "$name: -t exited $rc, not 1"
		cat "$tmp/err"
		continue
	fi
	if ! diff -u "$dir/$name.err" "$tmp/err.stable"; then
		fail "$name: messages differ from $name.err"
		continue
	fi
	pass "$name"
done

# Not a file: each cause with its own remedy (a directory is not created).
run -t -c "$dir/fixtures" >/dev/null 2>"$tmp/err"
rc=$?
stable <"$tmp/err" >"$tmp/err.stable"
if [ $update -eq 1 ]; then
	cp "$tmp/err.stable" "$dir/directory.err"
fi
if [ $rc -ne 1 ] || ! diff -u "$dir/directory.err" "$tmp/err.stable"; then
	fail "directory: -t exited $rc, or messages differ from directory.err"
else
	pass "directory"
fi
# (opening a FIFO blocks until a writer comes: a bounded wait, so that a
# regression fails instead of hanging)
if mkfifo "$tmp/fifo" 2>/dev/null; then
	timeout 20 "$UCARP" -t -c "$tmp/fifo" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 1 ] || ! grep -q "$tmp/fifo: cannot read: not a regular file; give the path of a configuration file with -c" "$tmp/err"; then
		fail "fifo: -t exited $rc, or not refused as not a regular file"
		cat "$tmp/err"
	else
		pass "fifo"
	fi
fi

# The shipped example, its scripts and passfile taken from fixtures/.
sed "s|/etc/ucarp/|$dir/fixtures/|g" "$top_srcdir/etc/ucarp.conf" \
    >"$tmp/ucarp.conf"
if run -t -c "$tmp/ucarp.conf" >/dev/null 2>"$tmp/err" &&
    ! [ -s "$tmp/err" ]; then
	pass "etc/ucarp.conf"
else
	fail "etc/ucarp.conf: ucarp -t fails"
	cat "$tmp/err"
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
