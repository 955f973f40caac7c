#!/bin/sh
# tests/deb/checks.sh DEB: (chrooted by inroot.sh in a throw-away root)
# Debian's ucarp 1.5.2 -> ours, the files, two hosts through the ifupdown
# hooks, ifdown, purge, 1.5.2 again.
set -eu
deb=$1
export DEBIAN_FRONTEND=noninteractive
na=$$-deba nb=$$-debb
fail() { echo "deb: FAIL: $*" >&2; exit 1; }
ok() { echo "deb: ok: $*"; }

cleanup() {
	for f in /run/ucarp-ifupdown/*.pid; do
		[ -f "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null || true
	done
	ip netns del "$na" 2>/dev/null || true
	ip netns del "$nb" 2>/dev/null || true
}
trap cleanup EXIT

# Up to $1 tenths of a second for the command that follows to succeed.
wait_for() {
	n=$1; shift
	while ! "$@"; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.1
	done
}

# 1. Debian's 1.5.2 first (bootstrap installs it; else its cached .deb).
old=$(ls /var/cache/apt/archives/ucarp_1.5.2*.deb 2>/dev/null | head -1 ||
    true)
if ! dpkg-query -W -f='${Version}' ucarp 2>/dev/null | grep -q '^1\.5\.2'; then
	if [ -n "$old" ]; then
		dpkg -i "$old" >/dev/null
	else
		apt-get install -y -qq ucarp >/dev/null
	fi
fi
oldver=$(dpkg-query -W -f='${Version}' ucarp)
[ -f /etc/network/if-up.d/ucarp ] || fail "1.5.2 has no if-up.d hook"
ok "Debian's ucarp $oldver installed"

# 2. The upgrade: no conffile question (stdin is closed), no conflict.
dpkg -i "$deb" </dev/null >/tmp/dpkg.log 2>&1 ||
    { cat /tmp/dpkg.log; fail "dpkg -i $deb over $oldver"; }
newver=$(dpkg-query -W -f='${Version}' ucarp)
dpkg --compare-versions "$newver" gt "$oldver" ||
    fail "version $newver not above $oldver"
ok "upgraded $oldver -> $newver"

for f in /usr/sbin/ucarp /usr/sbin/ucarpctl /lib/systemd/system/ucarp.service \
    /etc/network/if-up.d/ucarp /etc/network/if-down.d/ucarp \
    /usr/share/ucarp/vip-up /usr/share/ucarp/vip-down \
    /usr/share/bash-completion/completions/ucarpctl \
    /usr/share/man/man8/ucarp.8.gz /usr/share/man/man8/ucarpctl.8.gz \
    /usr/share/man/man5/ucarp.conf.5.gz /usr/share/doc/ucarp/NEWS.Debian.gz; do
	[ -e "$f" ] || fail "$f missing"
done
getent group ucarp >/dev/null || fail "no ucarp group"
[ "$(stat -c '%a %U %G' /etc/ucarp.conf)" = "640 root ucarp" ] ||
    fail "/etc/ucarp.conf is $(stat -c '%a %U %G' /etc/ucarp.conf)"
grep -q '^#' /etc/ucarp.conf && ! grep -q '^[^#]' /etc/ucarp.conf ||
    fail "/etc/ucarp.conf has uncommented lines"
[ ! -e /etc/systemd/system/multi-user.target.wants/ucarp.service ] ||
    fail "unit enabled with no configuration"
zgrep -q 'Restart it yourself' /usr/share/doc/ucarp/NEWS.Debian.gz ||
    fail "NEWS.Debian does not say to restart an ifupdown-started ucarp"
ok "files, group, conffile mode, unit not enabled"

ucarp --help 2>&1 | grep -q -- '--config' || fail "ucarp --help"
ucarp --version | grep -q "^ucarp ${newver%%~*}" ||
    fail "ucarp --version: $(ucarp --version 2>&1) for package $newver"
ucarpctl --help >/dev/null 2>&1 || ucarpctl 2>&1 | grep -qi usage ||
    fail "ucarpctl prints no usage"
if command -v systemd-analyze >/dev/null; then
	systemd-analyze verify /lib/systemd/system/ucarp.service ||
	    fail "systemd-analyze verify ucarp.service"
fi
ok "ucarp --help, --version, ucarpctl, systemd-analyze verify"

# 3. Two hosts, one VIP, the stanzas of Debian's README (address with a
# /len on one host, address + netmask on the other).
cat > /etc/network/interfaces <<EOT
iface va inet static
	address 198.18.21.1/24
	ucarp-vid 21
	ucarp-vip 198.18.21.100
	ucarp-password s3cret
	ucarp-advbase 1
	ucarp-master yes
iface va:ucarp inet static
	address 198.18.21.100
	netmask 255.255.255.255

iface vb inet static
	address 198.18.21.2
	netmask 255.255.255.0
	ucarp-vid 21
	ucarp-vip 198.18.21.100
	ucarp-password s3cret
	ucarp-advbase 1
	ucarp-advskew 50
	ucarp-master no
iface vb:ucarp inet static
	address 198.18.21.100
	netmask 255.255.255.255
EOT
ip netns add "$na"
ip netns add "$nb"
ip link add va netns "$na" type veth peer name vb netns "$nb"
ip netns exec "$na" ifup va || fail "ifup va"
ip netns exec "$nb" ifup vb || fail "ifup vb"
pa=$(cat /run/ucarp-ifupdown/va.21.pid) pb=$(cat /run/ucarp-ifupdown/vb.21.pid)
has_vip() { ip -n "$1" -4 addr show dev "$2" | grep -q ' 198\.18\.21\.100/'; }
only_a() { has_vip "$na" va && ! has_vip "$nb" vb; }
only_b() { ! has_vip "$na" va && has_vip "$nb" vb; }
wait_for 150 only_a || fail "va (ucarp-master yes) never the only master"
# Still so three adverts later: one master, not two.
sleep 3
only_a || fail "not exactly one master (va:$(has_vip "$na" va && echo vip)" \
    "vb:$(has_vip "$nb" vb && echo vip))"
ok "one master (va), vb backup"

# 4. ifdown stops ucarp cleanly: down script run, process gone, the
# backup takes over.
ip netns exec "$na" ifdown va || fail "ifdown va"
! kill -0 "$pa" 2>/dev/null || fail "ucarp $pa still runs after ifdown va"
[ ! -e /run/ucarp-ifupdown/va.21.pid ] || fail "pid file left by ifdown va"
wait_for 150 only_b || fail "vb never took over after ifdown va"
ok "ifdown va stopped its ucarp; vb master"
ip netns exec "$nb" ifdown vb || fail "ifdown vb"
! kill -0 "$pb" 2>/dev/null || fail "ucarp $pb still runs after ifdown vb"
has_vip "$nb" vb && fail "VIP left on vb after ifdown"
ok "ifdown vb: stopped, VIP removed"

# 5. Purge: group, conffiles, state and runtime files gone.
mkdir -p /var/lib/ucarp /run/ucarp
dpkg --purge ucarp >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; fail purge; }
! getent group ucarp >/dev/null || fail "group ucarp left by purge"
for f in /etc/ucarp.conf /etc/network/if-down.d/ucarp /var/lib/ucarp \
    /run/ucarp /run/ucarp-ifupdown /usr/sbin/ucarpctl; do
	[ ! -e "$f" ] || fail "$f left by purge"
done
ok "purge"

# 6. Debian's 1.5.2 again (here only to prove it installs after ours; the
# real system never changed).
if [ -n "$old" ]; then
	dpkg -i "$old" >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; fail \
	    "reinstall $old"; }
	ok "Debian's ucarp $(dpkg-query -W -f='${Version}' ucarp) back"
fi
