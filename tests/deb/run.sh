#!/bin/sh
# tests/deb/run.sh: build the Debian package, lintian it, then in a
# throw-away copy of this system (an overlay over / with a tmpfs upper layer,
# chrooted in a private mount namespace) upgrade Debian's ucarp 1.5.2 to it,
# check its files, bring up two hosts in network namespaces through the
# ifupdown hooks with the classic ucarp-* stanzas, see one master, ifdown,
# purge and reinstall 1.5.2.  The real /usr/sbin/ucarp (the reference peer
# of the integration tests) is never touched, so other tests may run.
#
#   tests/deb/run.sh [SRCDIR]      # as root; contrib/bootstrap test runs it
set -eu

top=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
if [ "$(id -u)" -ne 0 ]; then
	echo "$0: run as root (dpkg in a chroot, network namespaces)" >&2
	exit 77
fi
for c in dpkg-buildpackage lintian unshare chroot ifup; do
	command -v $c >/dev/null || {
		echo "$0: $c missing: apt-get install debhelper lintian" \
		    "util-linux ifupdown" >&2
		exit 1
	}
done

work=$(mktemp -d /tmp/ucarp-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT

# 1. Build from the committed tree (or a copy when it is not a git tree).
mkdir "$work/src"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$top" archive HEAD | tar -x -C "$work/src"
else
	(cd "$top" && tar -c --exclude='./build*' --exclude=./.git .) |
	    tar -x -C "$work/src"
fi
echo "deb: dpkg-buildpackage -us -uc -b (log in $work/build.log)"
if ! (cd "$work/src" && dpkg-buildpackage -us -uc -b) \
    >"$work/build.log" 2>&1; then
	tail -30 "$work/build.log"
	echo "deb: FAIL: dpkg-buildpackage" >&2
	exit 1
fi
deb=$(ls "$work"/ucarp_*_*.deb)
echo "deb: built $(basename "$deb")"
echo "deb: lintian"
lintian --fail-on error "$work"/ucarp_*.changes

# 2. The rest runs in the throw-away root.
host_sum=$(sha256sum /usr/sbin/ucarp)
unshare -m --propagation private sh "$top/tests/deb/inroot.sh" "$work" "$deb"
if [ "$(sha256sum /usr/sbin/ucarp)" != "$host_sum" ]; then
	echo "deb: FAIL: the system's /usr/sbin/ucarp changed" >&2
	exit 1
fi
echo "deb: PASS"
