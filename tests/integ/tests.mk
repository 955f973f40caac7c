# bsdpeer.py's self-test: the reference vectors, the ucarp 1.5.2 capture,
# the golden IPv6 advert; no root, no network.
PEER_TESTS = tests/integ/bsdpeer-selftest.sh

# Integration tests (network namespaces, run as root; they skip otherwise).
INTEG_TESTS = \
	tests/integ/010-wire-format.sh \
	tests/integ/020-election.sh \
	tests/integ/030-failover.sh \
	tests/integ/040-preempt.sh \
	tests/integ/050-neutral-scripts.sh \
	tests/integ/060-shutdown.sh \
	tests/integ/070-usr2.sh \
	tests/integ/080-wrong-password.sh \
	tests/integ/090-broadcast.sh \
	tests/integ/100-tiebreak.sh \
	tests/integ/110-passfile.sh \
	tests/integ/120-link-down.sh \
	tests/integ/130-cli.sh \
	tests/integ/135-pidfile.sh \
	tests/integ/140-valgrind.sh \
	tests/integ/145-valgrind-conf.sh \
	tests/integ/150-subsecond.sh \
	tests/integ/160-garp-timing.sh \
	tests/integ/210-many-instances.sh \
	tests/integ/220-script-queue.sh \
	tests/integ/225-script-env.sh \
	tests/integ/230-script-timeout.sh \
	tests/integ/240-no-zombies.sh \
	tests/integ/245-stray-child.sh \
	tests/integ/250-iface-gone.sh \
	tests/integ/252-mcast-late-iface.sh \
	tests/integ/255-send-fail-ratelimit.sh \
	tests/integ/257-send-fail-link-down.sh \
	tests/integ/260-pcap-per-iface.sh \
	tests/integ/310-reload-identical.sh \
	tests/integ/320-reload-changes.sh \
	tests/integ/330-reload-broken.sh \
	tests/integ/340-reload-scripts.sh \
	tests/integ/350-reload-password.sh \
	tests/integ/355-reload-password-rolling.sh \
	tests/integ/357-reload-password-twice.sh \
	tests/integ/360-reload-addr.sh \
	tests/integ/362-reload-addr-add.sh \
	tests/integ/367-reload-script-added.sh \
	tests/integ/365-reload-twice.sh \
	tests/integ/370-reload-takeover.sh \
	tests/integ/380-reload-pcap.sh \
	tests/integ/385-reload-facility.sh \
	tests/integ/387-syslog-missing.sh \
	tests/integ/410-hostile-frames.sh \
	tests/integ/420-hostile-replay.sh \
	tests/integ/430-hostile-flood.sh \
	tests/integ/510-script-faults.sh \
	tests/integ/520-fork-failure.sh \
	tests/integ/530-kill-restart.sh \
	tests/integ/540-secrets.sh \
	tests/integ/610-ctl-status.sh \
	tests/integ/615-ctl-reload-burst.sh \
	tests/integ/620-ctl-hostile.sh \
	tests/integ/630-ctl-monitor.sh \
	tests/integ/640-maintenance.sh \
	tests/integ/650-health-checks.sh \
	tests/integ/660-health-groups.sh \
	tests/integ/710-ipv6-basic.sh \
	tests/integ/720-bsd-interop.sh \
	tests/integ/725-bsd-orig-context.sh \
	tests/integ/730-ipv6-failover.sh \
	tests/integ/740-bsd-tie.sh \
	tests/integ/810-manage-addresses.sh \
	tests/integ/820-manage-faults.sh \
	tests/integ/830-manage-storm.sh \
	tests/integ/910-unicast.sh \
	tests/integ/920-unicast-migrate.sh \
	tests/integ/930-unicast-hostile.sh
