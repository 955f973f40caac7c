#!/bin/sh
# Every command-line option against the file: a command line is either
# refused, or its --print-config output passes ucarp -t -c and prints
# back the same (one validator, ucarp.conf(5)).
#
# The cases are a table: OPTION VERDICT VALUE, where VERDICT is
#   good   accepted; the print differs from the base instance's print,
#          passes -t, and loads back to the same print
#   same   accepted the same way, but the print equals the base's (a
#          default, or an option that does not describe the instance)
#   bad    refused: -t and --print-config exit non-zero, print nothing
# Each option of ucarp --help (long names, aliases and letters) must
# have a case, so that a new option cannot go untested.  -h, -t, -c and
# --print-config are the modes the test itself uses.
#
# The base instance takes its password from a file (-o), so the round
# trip is exact; with -p the print masks the password as "********"
# (--print-config never shows a secret), so a -p case checks only that
# the masked print loads back to itself.
#
# Environment: UCARP (the binary; skipped without it), top_srcdir.
# Exit status: 0 all passed, 1 something failed, 77 skipped.

if [ -z "$UCARP" ] || [ ! -x "$UCARP" ]; then
	echo "SKIP: UCARP is not set to an executable ucarp"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ucarp-cli.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

printf 'secret\n' >"$tmp/pw"
printf 'other\n' >"$tmp/pw2"
chmod 600 "$tmp/pw" "$tmp/pw2"
: >"$tmp/empty"
printf '01234567890123456789\n' >"$tmp/long"
printf '#!/bin/sh\nexit 0\n' >"$tmp/up"
chmod 755 "$tmp/up"
printf '#!/bin/sh\nexit 0\n' >"$tmp/noexec"
chmod 644 "$tmp/noexec"
mkdir "$tmp/dir"

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail()
{
	failed=$((failed + 1))
	echo "FAIL: $1"
	[ -s "$tmp/err" ] && sed 's/^/    | /' "$tmp/err" | tail -n 4
}

# The base instance; every case adds one option after it (the last of a
# repeated option wins, as in ucarp, except -a, which adds an address).  A passfile wins over -p, so the
# -p cases start from a base with -p.
BASE_O="-i eth0 -s 198.18.1.2 -v 1 -o $tmp/pw -a 198.18.0.100"
BASE_P="-i eth0 -s 198.18.1.2 -v 1 -p secret -a 198.18.0.100"
BASE=$BASE_O
base()
{
	# shellcheck disable=SC2086 # BASE holds words without blanks
	"$UCARP" $BASE "$@"
}
case "$tmp" in
*[[:space:]]*)
	echo "SKIP: TMPDIR has blanks"
	exit 77 ;;
esac

# Prints without the "# command line" / "# FILE:LINE" comments.
nocomment() { grep -v '^		# ' "$1"; }

# check OPTION VERDICT [VALUE]
check()
{
	opt=$1 verdict=$2
	shift 2
	case "$opt" in
	-p|--pass)
		BASE=$BASE_P ;;
	*)
		BASE=$BASE_O ;;
	esac
	if ! base --print-config >"$tmp/base" 2>"$tmp/err"; then
		fail "the base command line $BASE is refused"
		return
	fi
	what="$opt${1+ '$1'}"
	if [ "$verdict" = bad ]; then
		base -t "$opt" "$@" >"$tmp/out" 2>"$tmp/err"
		rc1=$?
		base --print-config "$opt" "$@" >"$tmp/p1" 2>>"$tmp/err"
		rc2=$?
		if [ $rc1 -eq 0 ] || [ $rc2 -eq 0 ] || [ -s "$tmp/p1" ]; then
			fail "$what: accepted (-t exit $rc1, --print-config exit $rc2)"
		else
			pass
		fi
		return
	fi
	if ! base --print-config "$opt" "$@" >"$tmp/p1" 2>"$tmp/err"; then
		fail "$what: refused"
		return
	fi
	nocomment "$tmp/p1" >"$tmp/p1.nc"
	if [ "$verdict" = good ] && nocomment "$tmp/base" | cmp -s - "$tmp/p1.nc"; then
		fail "$what: accepted but the print is the base instance's"
		return
	fi
	if [ "$verdict" = same ] && ! nocomment "$tmp/base" | cmp -s - "$tmp/p1.nc"; then
		fail "$what: the print differs from the base instance's"
		return
	fi
	if ! "$UCARP" -t -c "$tmp/p1" >"$tmp/out" 2>"$tmp/err"; then
		fail "$what: accepted, but ucarp -t -c refuses its --print-config"
		return
	fi
	"$UCARP" --print-config -c "$tmp/p1" >"$tmp/p2" 2>"$tmp/err"
	if ! nocomment "$tmp/p2" | cmp -s - "$tmp/p1.nc"; then
		fail "$what: the printed file loads back to another configuration"
		nocomment "$tmp/p2" | diff "$tmp/p1.nc" - | head -n 6
		return
	fi
	pass
}

long16=abcdefghijklmnop
while read -r opt verdict value; do
	case "$opt" in
	''|'#'*)
		continue ;;
	esac
	covered="$covered $opt "
	value=$(printf '%s' "$value" | sed "s|@TMP@|$tmp|g")
	case "$value" in
	'')
		check "$opt" "$verdict" ;;
	'<empty>')
		check "$opt" "$verdict" "" ;;
	*)
		check "$opt" "$verdict" "$value" ;;
	esac
done <<EOF
-i		good	eth1
--interface	good	eth0:1
-i		bad	bad name/x
-i		bad	$long16
-i		bad	<empty>
-i		bad	..
-s		good	198.18.1.3
--srcip		good	198.18.1.4
-s		bad	198.18.1.300
-s		bad	0.0.0.0
-s		good	2001:db8::2
-s		bad	::
-s		bad	198.18.1.3/24
-m		good	224.0.0.19
--mcast		good	239.1.2.3
--mcastip	good	224.0.0.20
-m		bad	198.18.5.5
-m		bad	foo
-v		good	200
--vhid		good	0x10
-v		bad	0
-v		bad	256
-v		bad	7x
-p		same	pw
--pass		same	0123456789012345678
-p		bad	<empty>
-p		bad	01234567890123456789
-o		good	@TMP@/pw2
--passfile	good	@TMP@/pw2
-o		bad	@TMP@/nonexistent
-o		bad	@TMP@/empty
-o		bad	@TMP@/long
-o		bad	@TMP@/dir
-P		good
--preempt	good
-n		good
--neutral	good
-a		good	198.18.0.101
--addr		good	198.18.0.102
-a		bad	foo
-a		bad	198.18.0.256
-a		good	198.18.0.101/24
-a		good	2001:db8::10/64
-a		bad	198.18.0.101/33
-a		bad	2001:db8::10/129
-a		bad	fe80::10
-a		bad	198.18.0.100/24
-b		good	3
--advbase	good	2
-b		same	1
-b		bad	0
-b		bad	256
-b		bad	-1
-k		good	100
--advskew	good	255
-k		bad	256
-u		good	@TMP@/up
--upscript	good	@TMP@/up
-u		bad	@TMP@/nonexistent
-u		bad	@TMP@/noexec
-u		bad	@TMP@/dir
-d		good	@TMP@/up
--downscript	good	@TMP@/up
-d		bad	@TMP@/noexec
-r		good	5
--deadratio	good	255
-r		bad	0
-r		bad	256
-D		good
--debug		good
-z		good
--shutdown	good
-B		same
--daemonize	same
-S		good
--ignoreifstate	good
-M		good
--nomcast	good
-f		good	local3
--facility	good	none
--syslog	good	none
-f		same	bogus
-x		good	hello world
--xparam	good	<empty>
--pidfile	good	@TMP@/ucarp.pid
--control	good	@TMP@/ucarp.sock
--state-dir	good	@TMP@/state
--replay-protect good
--manage-addresses good
--peer		good	198.18.1.3
--peer		bad	198.18.1.2
--peer		bad	198.18.1.3/24
--peer		bad	2001:db8::3
--peer		bad	bogus
EOF

# -a adds an address each time (the one option that does not replace).
BASE=$BASE_O
if base --print-config -a 2001:db8::10/64 -a 198.18.0.99 2>"$tmp/err" |
    grep -qxF '		addr = ( "198.18.0.100", "2001:db8::10/64", "198.18.0.99" );'; then
	pass
else
	fail "-a given three times: not three addresses in that order"
fi

# --peer adds a peer each time, as -a an address; twice the same is refused.
if base --print-config --peer 198.18.1.3 --peer 198.18.1.4 2>"$tmp/err" |
    grep -qxF '		peer = [ "198.18.1.3", "198.18.1.4" ];'; then
	pass
else
	fail "--peer given twice: not two peers in that order"
fi
if base -t --peer 198.18.1.3 --peer 198.18.1.3 >/dev/null 2>&1; then
	fail "--peer given twice with the same address: accepted"
else
	pass
fi

# The address problems in the options' words (the file's are in
# bad-addr-set.err): the line ucarp logs names the address and the rule.
# msg WORDS OPTION...: -t is refused and its error line contains WORDS.
msg()
{
	want=$1
	shift
	if base -t "$@" >/dev/null 2>"$tmp/err"; then
		fail "$*: accepted, expected: $want"
	elif grep -qF -- "[ERROR] $want" "$tmp/err"; then
		pass
	else
		fail "$*: refused without: $want"
	fi
}
msg "Invalid prefix length: [198.18.0.101/33] (IPv4 takes 0 to 32)" \
    -a 198.18.0.101/33
msg "Invalid prefix length: [2001:db8::1/129] (IPv6 takes 0 to 128)" \
    -a 2001:db8::1/129
msg "Link-local address: [fe80::103] (BSD peers would not hash it alike; give a global or unique-local address)" \
    -a fe80::103
msg "Address given twice: [198.18.0.100/32]" -a 198.18.0.100/32
many=
i=1
while [ $i -le 64 ]; do
	many="$many -a 198.18.2.$i"
	i=$((i + 1))
done
# shellcheck disable=SC2086 # many holds words without blanks
msg "Too many virtual addresses: 65 (at most 64 per vhid)" $many

# --version: one line, the version configure was given.
if [ "$("$UCARP" --version)" = "ucarp $(sed -n 's/^AC_INIT(\[ucarp\], \[\([^]]*\)\].*/\1/p' \
    "$top_srcdir/configure.ac")" ]; then
	pass
else
	fail "--version does not print ucarp and configure.ac's version"
fi

# -h, -t, -c and --print-config are the modes this test runs in.
covered="$covered -h --help -t --config-test -c --config --print-config "
covered="$covered --version "
"$UCARP" --help >"$tmp/help" 2>&1
for o in $(grep -oE -- '(^|[ (])--?[a-zA-Z][a-zA-Z-]*' "$tmp/help" |
    sed 's/^[ (]//' | sort -u); do
	case "$covered" in
	*" $o "*)
		pass ;;
	*)
		fail "$o (in ucarp --help) has no case in $0" ;;
	esac
done

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
