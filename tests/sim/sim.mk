# The network simulator (tests/sim/): the pure core (src/libucarp_core.a,
# linked, never copied) in simulated clusters, with faults and invariants.
# tests/sim/run.sh runs it in make check; the fuzz target
# tests/fuzz/fuzz_sim links the same library (tests/fuzz/fuzz.mk).
check_LIBRARIES = tests/sim/libsim.a
tests_sim_libsim_a_SOURCES = tests/sim/sim.h \
	tests/sim/sim_world.c tests/sim/sim_ours.c tests/sim/sim_ucarp.c \
	tests/sim/sim_exec.c tests/sim/sim_check.c tests/sim/sim_trace.c \
	tests/sim/sim_gen.c tests/sim/sim_scripted.c
tests_sim_libsim_a_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS)

check_PROGRAMS += tests/sim/sim
tests_sim_sim_SOURCES = tests/sim/sim_main.c
tests_sim_sim_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS)
tests_sim_sim_LDADD = tests/sim/libsim.a $(CORE_TEST_LDADD)

SIM_TESTS = tests/sim/run.sh
