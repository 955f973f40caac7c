#!/bin/sh
# bsdpeer.py's self-test (no root, no network): the HMAC vectors of the
# BSD kernels, the captured ucarp 1.5.2 adverts, the golden IPv6 advert,
# one mutated field per verdict, the election rules, the address gate.
here=$(dirname "$0")
: "${TESTDATA:=$here/../data}"
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 missing"; exit 77; }
exec python3 "$here/bsdpeer.py" selftest \
    --capture "$TESTDATA/ucarp-1.5.2-advert.pcap"
