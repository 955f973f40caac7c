#!/bin/sh
# tests/deb/inroot.sh WORK DEB: (run by run.sh under unshare -m) make a
# copy-on-write root, an overlay over / whose writes go to a tmpfs, and run
# checks.sh chrooted in it.  Everything vanishes with the mount namespace.
set -eu
work=$1 deb=$2
here=$(cd "$(dirname "$0")" && pwd)
r=$work/root
mkdir -p "$r"
mount -t tmpfs tmpfs "$r"
mkdir "$r/upper" "$r/work" "$r/m"
mount -t overlay overlay -o lowerdir=/,upperdir="$r/upper",workdir="$r/work" \
    "$r/m"
m=$r/m
mount --rbind /proc "$m/proc"
mount --rbind /sys "$m/sys"
mount --rbind /dev "$m/dev"
# A /run of its own: no systemd there, so no maintainer script starts a
# service; ifupdown's state and the hooks' pid files start empty.
mount -t tmpfs tmpfs "$m/run"
mount -t tmpfs tmpfs "$m/tmp"
cp "$deb" "$m/tmp/"
cp "$here/checks.sh" "$m/tmp/checks.sh"
chroot "$m" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    sh /tmp/checks.sh "/tmp/$(basename "$deb")"
