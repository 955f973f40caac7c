# The thin shell around the core: everything that touches fds, clocks,
# processes and the outside world.
src_libucarp_shell_a_SOURCES = \
	src/cfg.h \
	src/cfg_cli.c src/cfg_cli.h \
	src/cfg_err.c src/cfg_err.h \
	src/cfg_facility.c src/cfg_facility.h \
	src/cfg_file.c src/cfg_file.h \
	src/cfg_fs.c src/cfg_fs.h \
	src/cfg_hcheck.c src/cfg_hcheck.h \
	src/cfg_lc.c src/cfg_lc.h \
	src/cfg_msg.c src/cfg_msg.h \
	src/cfg_value.c src/cfg_value.h \
	src/cfg_print.c src/cfg_print.h \
	src/cfg_mem.c src/cfg_mem.h \
	src/clock.c src/clock.h \
	src/control.c src/control.h \
	src/daemon.c src/daemon.h \
	src/iface.c src/iface.h \
	src/log.c src/log.h \
	src/mcast.c src/mcast.h \
	src/nl.c src/nl.h \
	src/notify.c src/notify.h \
	src/pidfile.c src/pidfile.h \
	src/proc.c src/proc.h \
	src/registry.c src/registry.h \
	src/ucast.c src/ucast.h \
	src/reload.c src/reload.h \
	src/reload_job.c src/reload_job.h \
	src/script.c src/script.h \
	src/instance.c src/instance.h src/instance_priv.h \
	src/instance_ctl.c src/instance_reload.c src/instance_rx.c \
	src/instance_script.c src/instance_health.c src/instance_health.h \
	src/instance_addrs.c src/instance_addrs.h \
	src/addr_nl.c src/addr_nl.h \
	src/hcheck.c src/hcheck.h \
	src/track_link.c src/track_link.h \
	src/maint.c src/maint.h \
	src/maint_store.c src/maint_store.h \
	src/xmalloc.c src/xmalloc.h
src_libucarp_shell_a_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS) $(CONFIG_CFLAGS) \
	$(EVENT_CFLAGS) $(CRYPTO_CFLAGS) $(MNL_CFLAGS)
