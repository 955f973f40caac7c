"""pktutil.py: what the test tools that build and send frames (inject.py,
bsdpeer.py) share: the namespace gate (they run only inside a network
namespace the test made with `ip netns`, never in the initial one) and the
Internet checksum."""

import os
import struct


def cksum(data):
    """Internet checksum (RFC 1071), as a number to store big-endian."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def check_netns(netns, error, verb="send"):
    """Raise error(message) unless we run inside namespace NETNS (one of
    `ip netns`) and not in the initial one."""
    if not netns:
        raise error("--netns NAME is required to %s (the namespace "
                    "`ip netns exec NAME` runs me in)" % verb)
    try:
        mine = os.stat("/proc/self/ns/net")
        named = os.stat(os.path.join("/run/netns", os.path.basename(netns)))
    except OSError as e:
        raise error("cannot check the network namespace: %s" % e)
    if (mine.st_dev, mine.st_ino) != (named.st_dev, named.st_ino):
        raise error("not running inside network namespace %s" % netns)
    try:
        init = os.stat("/proc/1/ns/net")
    except OSError:
        return		# not readable here; the check above holds
    if (init.st_dev, init.st_ino) == (mine.st_dev, mine.st_ino):
        raise error("refusing to %s from the initial network namespace" % verb)
