# libFuzzer targets (configure --enable-fuzzing, CC=clang), built from the
# daemon's own libraries like tmux's fuzz/.  tests/fuzz/run.sh runs them
# (regression inputs first, then a bounded fuzzing session of FUZZ_SECONDS
# per target); it is a test of the fuzzing build only.
FUZZ_TESTS =
if FUZZING
check_PROGRAMS += tests/fuzz/fuzz_pkt tests/fuzz/fuzz_cfg tests/fuzz/fuzz_sim \
	tests/fuzz/fuzz_ctl tests/fuzz/fuzz_maint
FUZZ_TESTS += tests/fuzz/run.sh

# The packet codec: pure core and libcrypto only.
tests_fuzz_fuzz_pkt_SOURCES = tests/fuzz/fuzz_pkt.c
tests_fuzz_fuzz_pkt_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_pkt_LDADD = src/libucarp_core.a $(CRYPTO_LIBS)

# The control protocol's codec: pure core only.
tests_fuzz_fuzz_ctl_SOURCES = tests/fuzz/fuzz_ctl.c
tests_fuzz_fuzz_ctl_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_ctl_LDADD = src/libucarp_core.a

# The maintenance state file's parser: pure core only.
tests_fuzz_fuzz_maint_SOURCES = tests/fuzz/fuzz_maint.c
tests_fuzz_fuzz_maint_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_maint_LDADD = src/libucarp_core.a

# The configuration file loader, checks and printer.
tests_fuzz_fuzz_cfg_SOURCES = tests/fuzz/fuzz_cfg.c
tests_fuzz_fuzz_cfg_CFLAGS = $(AM_CFLAGS) $(CONFIG_CFLAGS)
tests_fuzz_fuzz_cfg_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_cfg_LDADD = src/libucarp_shell.a src/libucarp_core.a \
	$(CONFIG_LIBS) $(CRYPTO_LIBS)
# The network simulator: fuzzer bytes are the scenario (tests/sim/).
tests_fuzz_fuzz_sim_SOURCES = tests/fuzz/fuzz_sim.c
tests_fuzz_fuzz_sim_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/sim
tests_fuzz_fuzz_sim_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS)
tests_fuzz_fuzz_sim_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_sim_LDADD = tests/sim/libsim.a src/libucarp_core.a \
	$(CRYPTO_LIBS)
endif
