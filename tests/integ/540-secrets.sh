#!/bin/bash
# Secret hygiene.  Host A (1) runs, with -D, a configuration file with two
# instances: s1 (vhid 1) with "pass" in the file, s2 (vhid 2) with a
# "passfile".  Host X (2) runs another daemon on vhid 1 with a different
# password, so A receives adverts with a bad HMAC.  A goes through its
# start, transitions (start-up, master down, SIGUSR2 step-down and back),
# a refused reload (a password too long), an applied reload (new pass, new
# passfile content), a second step-down, and SIGUSR1.  Its scripts dump
# their argv, their environment and "ls -l /proc/self/fd".
# Asserted:
#   - no password (old, new, the refused one, X's), in clear or in hex,
#     appears in: A's and X's logs, the output of -t and --print-config
#     (which shows s1's as "********" and s2's passfile by its path), the
#     scripts' argv and environment, /proc/PID/cmdline (and environ) of
#     A's daemon;
#   - A really saw forged adverts ("Bad digest", counter bad_hmac > 0);
#   - close-on-exec: every script sees only descriptors 0, 1, 2 and the
#     one ls itself opened on /proc/PID/fd; and every descriptor of the
#     daemon above 2 has O_CLOEXEC (/proc/PID/fdinfo);
#   - the world-readable warning ("FILE: ... holds a password and is
#     readable by other users; chmod o-r FILE"): logged when a reload
#     reads a 0644 file holding "pass", not at the start from a 0600 one;
#     printed by -t for a 0644 file with "pass" and for a 0644 passfile,
#     naming the right file, never for 0600 files nor for a 0644 file that
#     only names a passfile; logged for a 0644 -o file on the command line.
. "$(dirname "$0")/lib_faults.sh"
faults_init
mnet_make 2 1

A=1
X=2
P1='Cfg1Secret.aZ9'			# s1's pass, in the file
P2='Pf2Secret.bY8'			# s2's passfile
P3='Cfg3Secret.cX7'			# s1's pass after the reload
P4='Pf4Secret.dW6'			# s2's passfile after the reload
PLONG='Long5Secret.eV5-too-long-for-carp'	# refused (> 19 bytes)
PX='Intr6Secret.fU4'			# X's password on vhid 1
PSYN='Syn7Secret.gT3'			# in a file with a syntax error
PCLI='Cli8Secret.hS2'			# an -o file on the command line
SECRETS=("$P1" "$P2" "$P3" "$P4" "$PLONG" "$PX" "$PSYN" "$PCLI")

DUMP=$TMPD/dump
mkdir "$DUMP"
EV=$TMPD/events
D_EVENTS[A]=$EV
: > "$EV"
PF=$TMPD/s2.secret
CONF=$TMPD/a.conf

for kind in up down; do
	cat > "$TMPD/a.$kind" <<EOF
#!/bin/bash
# $kind script of $TEST_NAME: dumps what it was given.
n=\$\$
{
	echo "=== \$UCARP_INSTANCE $kind pid \$n"
	printf 'argv:'; for a in "\$0" "\$@"; do printf ' [%s]' "\$a"; done; echo
	env
} > "$DUMP/env.\$n"
ls -l /proc/self/fd > "$DUMP/fd.\$n" 2>&1
echo "end \$UCARP_INSTANCE $kind \$n" >> "$EV"
EOF
	chmod 755 "$TMPD/a.$kind"
done

# write_conf S1PASS: A's file (mode 600 unless changed afterwards).
write_conf() {
	{
		echo 'defaults = {'
		echo "	upscript = \"$TMPD/a.up\";"
		echo "	downscript = \"$TMPD/a.down\";"
		echo '};'
		echo 'instances = ('
		mconf_inst s1 eth0 "$(haddr $A 1)" 1 198.18.100.1 pass="\"$1\""
		echo ','
		mconf_inst s2 eth0 "$(haddr $A 1)" 2 198.18.100.2 passfile="\"$PF\""
		echo
		echo ');'
	} > "$CONF.new"
	chmod 600 "$CONF.new"
	mv "$CONF.new" "$CONF"
}

# The files to search, and the search.
declare -a SEARCH=()
hexof() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
check_no_secrets() {
	local f s hx
	for f in "$@"; do
		[ -f "$f" ] || test_fail "no file $f to search"
		for s in "${SECRETS[@]}"; do
			grep -qF -- "$s" "$f" &&
			    test_fail "password '$s' found in $f: $(grep -nF -- "$s" "$f" | head -n 3)"
			hx=$(hexof "$s")
			tr -d ' \n:' < "$f" | tr 'A-F' 'a-f' | grep -qF -- "$hx" &&
			    test_fail "password '$s' found in hex in $f"
			# Nor a long piece of it (16-byte prefixes cover CARP's 19).
			[ ${#s} -gt 12 ] && grep -qF -- "${s:0:12}" "$f" &&
			    test_fail "the first 12 bytes of password '$s' found in $f"
		done
	done
	return 0
}

# ---- the files before anything runs ----------------------------------------------------
printf '%s\n' "$P2" > "$PF"
chmod 600 "$PF"
write_conf "$P1"
"$UCARP" -t -c "$CONF" > "$TMPD/t.out" 2>&1 || test_fail "ucarp -t -c: $(cat "$TMPD/t.out")"
"$UCARP" --print-config -c "$CONF" > "$TMPD/print.out" 2> "$TMPD/print.err" ||
    test_fail "ucarp --print-config failed: $(cat "$TMPD/print.err")"
[ "$(grep -cxF $'\t\tpass = "********";' "$TMPD/print.out")" -eq 1 ] ||
    test_fail "--print-config does not show s1's password as \"********\": $(grep -n pass "$TMPD/print.out")"
grep -qxF $'\t\tpassfile = "'"$PF"'";' "$TMPD/print.out" ||
    test_fail "--print-config does not show s2's passfile by its path: $(grep -n pass "$TMPD/print.out")"
grep -q 'readable by other users' "$TMPD/t.out" &&
    test_fail "-t warns about files of mode 600: $(cat "$TMPD/t.out")"
SEARCH+=("$TMPD/t.out" "$TMPD/print.out" "$TMPD/print.err")

# ---- X: another password on vhid 1 -------------------------------------------------------
{
	echo 'instances = ('
	mconf_inst x1 eth0 "$(haddr $X 1)" 1 198.18.100.1 pass="\"$PX\"" advskew=100
	echo
	echo ');'
} > "$TMPD/x.conf"
chmod 600 "$TMPD/x.conf"
fstart $X "$TMPD/x.conf" 1 -D

# ---- A, through transitions, reloads and signals --------------------------------------------
# A inherits, besides whatever the test itself inherited, descriptor 200
# (not close-on-exec) from the test: scripts must not see it either.
exec 200> "$TMPD/inherited"
# "FD TARGET" of the descriptors above 2 a child of this shell inherits
# (ls's own directory descriptor left out).
INHERITED=$(ls -l /proc/self/fd | awk '$1 ~ /^l/ && $9 > 2 && $11 !~ /^\/proc\/[0-9]+\/fd$/ { print $9, $11 }')
fstart $A "$CONF" 2 -D
exec 200>&-
APID=${D_PID[A]}
wait_until 10 mall_state $A MASTER 2 || test_fail "A's instances did not become MASTER: $(mstates $A | tr '\n' ' ')"
tr '\0' ' ' < "/proc/$APID/cmdline" > "$TMPD/cmdline"
tr '\0' '\n' < "/proc/$APID/environ" > "$TMPD/environ"
grep -qF -- "-c $CONF" "$TMPD/cmdline" || test_fail "unexpected /proc/$APID/cmdline: $(cat "$TMPD/cmdline")"
SEARCH+=("$TMPD/cmdline" "$TMPD/environ" "$TMPD/h$A.r1.t" "$TMPD/h$X.r1.t")
mlog_has $A 'readable by other users' &&
    test_fail "A warned at start although its files have mode 600: $(grep 'readable by other users' "${D_LOG[A]}")"
mwait_log $A '\(s1\): Bad digest - .* \(from 198\.18\.1\.2; ' 10
mcounter $A s1 bad_hmac && [ "$CVAL" -gt 0 ] || test_fail "s1's bad_hmac counter is '${CVAL}', expected > 0"

ends() { [ "$(grep -c '^end ' "$EV")" -ge "$1" ]; }
wait_until 5 ends 4 || test_fail "A's start-up scripts did not all run"
fmark $A
kill -USR2 "$APID"
fwait_log_since $A '\(s1\): Switching to state: BACKUP \(step-down' 5
wait_until 15 mall_state $A MASTER 2 || test_fail "A did not become MASTER again after SIGUSR2"
wait_until 5 ends 8 || test_fail "A's scripts after the step-down did not all run"

# A refused reload: s1's new password is too long.
write_conf "$PLONG"
"$UCARP" -t -c "$CONF" > "$TMPD/t-long.out" 2>&1 && test_fail "-t accepted a 33-byte password"
SEARCH+=("$TMPD/t-long.out")
fmark $A
kill -HUP "$APID"
fwait_log_since $A 'last reload of .* refused' 5
fwait_log_since $A 'pass is [0-9]+ bytes long' 1

# An applied reload: new pass (in a file now readable by all), new passfile.
write_conf "$P3"
chmod 644 "$CONF"
printf '%s\n' "$P4" > "$PF"
fmark $A
kill -HUP "$APID"
fwait_log_since $A 'last reload applied' 5
fwait_log_since $A "\[WARNING\] $CONF: warning: holds a password and is readable by other users; chmod o-r $CONF\$" 1
fhas_since $A "readable by other users.*$PF|$PF.*readable by other users" &&
    test_fail "a warning names the passfile, of mode 600: $(flog_since $A | grep 'readable by other')"
[ "$(fcount_since $A 'readable by other users')" -eq 1 ] ||
    test_fail "the reload logged $(fcount_since $A 'readable by other users') world-readable warnings, expected 1"
chmod 600 "$CONF"

fmark $A
kill -USR2 "$APID"
fwait_log_since $A '\(s2\): Switching to state: BACKUP \(step-down' 5
wait_until 15 mall_state $A MASTER 2 || test_fail "A did not become MASTER again after the second SIGUSR2"
wait_until 5 ends 12 || test_fail "A's scripts after the second step-down did not all run"
musr1 $A || test_fail "no SIGUSR1 answer from A"
mcheck_running $A $X

# ---- descriptors ----------------------------------------------------------------------------
# The daemon's own: all close-on-exec (those it inherited are not its own).
grep -qx "200 $TMPD/inherited" <<< "$INHERITED" || test_fail "fd 200 not in the inherited set: $INHERITED"
[ "$(readlink "/proc/$APID/fd/200")" = "$TMPD/inherited" ] ||
    test_fail "the daemon did not inherit fd 200 (the test's set-up is wrong)"
nown=0
for f in /proc/"$APID"/fdinfo/*; do
	fd=${f##*/}
	[ "$fd" -le 2 ] && continue
	flags=$(awk '$1 == "flags:" { print $2 }' "$f" 2>/dev/null)
	tgt=$(readlink "/proc/$APID/fd/$fd")
	[ -n "$flags" ] || continue	# closed meanwhile
	grep -qxF "$fd $tgt" <<< "$INHERITED" && continue
	# Under UCARP_TEST_VALGRIND=1, valgrind's own log (not passed on).
	[ "$tgt" = "${D_VGLOG[A]:-}" ] && continue
	nown=$((nown + 1))
	(( (8#$flags & 8#2000000) != 0 )) ||
	    test_fail "the daemon's fd $fd ($tgt) is not close-on-exec (flags $flags)"
done
[ "$nown" -ge 3 ] || test_fail "only $nown descriptors of the daemon's own found"
# What the scripts saw.
nfd=0
for f in "$DUMP"/fd.*; do
	[ -f "$f" ] || continue
	nfd=$((nfd + 1))
	bad=$(awk '$1 ~ /^l/ {
		fd = $9; tgt = $11
		if (fd == "0" || fd == "1" || fd == "2") { base++; next }
		if (tgt ~ /^\/proc\/[0-9]+\/fd$/ && !own) { own = 1; next }
		print fd " -> " tgt
	} END { if (base != 3) print "only " base " of fds 0-2" }' "$f")
	[ -z "$bad" ] || test_fail "a script inherited descriptors: $(echo "$bad" | tr '\n' ';') (full list: $(tr '\n' ';' < "$f"))"
done
[ "$nfd" -ge 12 ] || test_fail "only $nfd scripts dumped their descriptors, expected 12"
log "$nfd scripts saw only fds 0, 1, 2 (and ls's own); the daemon's $nown own fds above 2 are close-on-exec; it inherited $(echo "$INHERITED" | grep -c .) (fd 200 among them), the scripts none"

# ---- the search --------------------------------------------------------------------------------
for f in "$DUMP"/env.*; do
	grep -q '^UCARP_INSTANCE=s[12]$' "$f" || test_fail "the environment dump $f is incomplete"
	SEARCH+=("$f")
done
mstop $A TERM
mstop $X TERM
SEARCH+=(${D_LOGS[A]} ${D_LOGS[X]})
check_no_secrets "${SEARCH[@]}"
log "no password in ${#SEARCH[@]} files (logs, -t and --print-config output, cmdline, $nfd script dumps)"

# ---- the world-readable warning, by -t -------------------------------------------------------
warns() { grep 'readable by other users' "$1"; }
# t_case NAME CONFMODE PFMODE WITHPASS: run -t on a copy, output in $TMPD/w.NAME.
t_case() {
	local name=$1 cm=$2 pm=$3 withpass=$4 c=$TMPD/w.$1.conf p=$TMPD/w.$1.secret
	printf '%s\n' "$P2" > "$p"
	chmod "$pm" "$p"
	{
		echo 'instances = ('
		if [ "$withpass" = yes ]; then
			mconf_inst s1 eth0 "$(haddr $A 1)" 1 198.18.100.1 pass="\"$P1\""
			echo ','
		fi
		mconf_inst s2 eth0 "$(haddr $A 1)" 2 198.18.100.2 passfile="\"$p\""
		echo
		echo ');'
	} > "$c"
	chmod "$cm" "$c"
	"$UCARP" -t -c "$c" > "$TMPD/w.$name" 2>&1 || test_fail "-t -c $c: $(cat "$TMPD/w.$name")"
	WC=$c
	WP=$p
}
t_case conf644 644 600 yes
warns "$TMPD/w.conf644" | grep -qF "$WC" ||
    test_fail "-t gave no warning for $WC (mode 644, with pass): $(cat "$TMPD/w.conf644")"
warns "$TMPD/w.conf644" | grep -qF "$WP" &&
    test_fail "-t warned about the passfile of mode 600: $(cat "$TMPD/w.conf644")"
t_case pf644 600 644 yes
warns "$TMPD/w.pf644" | grep -qF "$WP" ||
    test_fail "-t gave no warning for the passfile $WP (mode 644): $(cat "$TMPD/w.pf644")"
warns "$TMPD/w.pf644" | grep -qF "$WC" &&
    test_fail "-t warned about $WC of mode 600: $(cat "$TMPD/w.pf644")"
t_case all600 600 600 yes
[ -z "$(warns "$TMPD/w.all600")" ] || test_fail "-t warned although every file has mode 600: $(cat "$TMPD/w.all600")"
t_case nopass644 644 600 no
[ -z "$(warns "$TMPD/w.nopass644")" ] ||
    test_fail "-t warned about a 644 file that holds no password (only names a passfile): $(cat "$TMPD/w.nopass644")"
for n in conf644 pf644; do
	[ "$(warns "$TMPD/w.$n" | wc -l)" -eq 1 ] || test_fail "-t ($n) printed $(warns "$TMPD/w.$n" | wc -l) warnings, expected 1"
done
# A file with a syntax error on the password's line: the error does not
# quote it.
printf 'instances = (\n\t{\n\t\tpass = "%s;\n\t}\n);\n' "$PSYN" > "$TMPD/w.syntax.conf"
chmod 600 "$TMPD/w.syntax.conf"
"$UCARP" -t -c "$TMPD/w.syntax.conf" > "$TMPD/w.syntax" 2>&1 && test_fail "-t accepted a syntax error"
# -o on the command line.
printf '%s\n' "$PCLI" > "$TMPD/w.cli.secret"
for m in 644 600; do
	chmod $m "$TMPD/w.cli.secret"
	"$UCARP" -t -i eth0 -s "$(haddr $A 1)" -v 3 -o "$TMPD/w.cli.secret" -a 198.18.100.3 \
	    > "$TMPD/w.cli$m" 2>&1 || test_fail "-t with -o: $(cat "$TMPD/w.cli$m")"
done
warns "$TMPD/w.cli644" | grep -qF "$TMPD/w.cli.secret" ||
    test_fail "no warning for an -o file of mode 644: $(cat "$TMPD/w.cli644")"
[ -z "$(warns "$TMPD/w.cli600")" ] || test_fail "a warning for an -o file of mode 600: $(cat "$TMPD/w.cli600")"
check_no_secrets "$TMPD"/w.conf644 "$TMPD"/w.pf644 "$TMPD"/w.all600 "$TMPD"/w.nopass644 \
    "$TMPD/w.syntax" "$TMPD/w.cli644" "$TMPD/w.cli600"
log "world-readable warning: given for 644 files holding a password (pass, passfile, -o), not for 600 ones"
test_pass
