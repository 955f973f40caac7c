/*
 * test_ctl_msg.c: the control protocol's codec (ctl_msg.c): every type
 * round-trips field by field; truncated, oversized, wrong-version,
 * unknown-type and malformed messages are refused with the right error;
 * the wire's name tables agree with the core's (carp_state_name,
 * carp_cause_name, carp_verdict_name), since ucarpctl prints them.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "carp_fsm.h"
#include "carp_hmac.h"
#include "carp_pkt.h"
#include "check.h"
#include "ctl_proto.h"
#include "health.h"

static uint8_t	buf[CTL_MSG_MAX + 64];

/* Encode, decode, and compare what came back with what went in. */
/* Add d to the header's len field of the message in buf (big-endian). */
static void
hdr_len_add(int d)
{
	uint32_t	len;

	len = (uint32_t)buf[4] << 24 | (uint32_t)buf[5] << 16 |
	    (uint32_t)buf[6] << 8 | buf[7];
	len += (uint32_t)d;
	buf[4] = (uint8_t)(len >> 24);
	buf[5] = (uint8_t)(len >> 16);
	buf[6] = (uint8_t)(len >> 8);
	buf[7] = (uint8_t)len;
}

static size_t
roundtrip(const struct ctl_msg *in, struct ctl_msg *out)
{
	size_t		n;
	enum ctl_err	e;

	n = ctl_msg_encode(in, buf, sizeof(buf));
	CHECKF(n >= CTL_HDR_LEN, "encode returned %zu", n);
	if (n == 0)
		return 0;
	e = ctl_msg_decode(buf, n, out);
	CHECKF(e == CTL_OK, "decode: %s", ctl_err_name(e));
	CHECK(out->hdr.type == in->hdr.type);
	CHECK(out->hdr.seq == in->hdr.seq);
	CHECK(out->hdr.version == CTL_VERSION);
	CHECK(out->hdr.len == n - CTL_HDR_LEN);
	return n;
}

static void
test_instance(void)
{
	static struct ctl_msg	in, out;
	struct ctl_instance	*i = &in.u.inst;
	size_t			k, n;

	check_what = "instance";
	in.hdr.type = CTL_INSTANCE;
	in.hdr.seq = 0xdeadbeef;
	strcpy(i->name, "web");
	strcpy(i->interface, "eth0");
	i->vhid = 42;
	i->state = CTL_ST_MASTER;
	i->last_cause = CARP_CAUSE_PREEMPT;
	i->advbase = 1;
	i->advskew = 100;
	i->eff_advskew = 240;
	/* The most there can be, the longer family included: it fits. */
	i->naddrs = CTL_ADDRS_MAX;
	for (k = 0; k < CTL_ADDRS_MAX; k++) {
		char	s[CARP_ADDR_STRLEN];

		if (k % 2)
			snprintf(s, sizeof(s), "2001:db8:1:%zx::%zx/%zu", k,
			    k, 64 + k);
		else
			snprintf(s, sizeof(s), "198.18.1.%zu%s", k,
			    k % 4 ? "/24" : "");
		CHECK(carp_addr_parse(s, &i->addrs[k]));
	}
	CHECK(carp_addr_parse("198.18.0.1", &i->srcip));
	i->has_master = true;
	CHECK(carp_addr_parse("2001:db8::12", &i->master));
	i->since = 1765000000123456LL;
	i->sent = UINT64_MAX;
	i->received = 7;
	i->send_errors = 3;
	i->transitions = 5;
	i->garps = 9;
	i->scripts_run = 11;
	i->scripts_failed = 2;
	i->scripts_queued = 1;
	i->ndrops = CARP_VERDICT_MAX;
	for (k = 0; k < CARP_VERDICT_MAX; k++)
		i->drops[k] = k * 1000 + 1;
	i->addr_state = CTL_AM_NOT_IN_PLACE;
	i->addr_restores = 4;
	i->addr_errors = UINT64_MAX - 1;
	i->maint = true;
	i->maint_since = 1765000000000000LL;
	/* The longest health text, with every address: still one message. */
	i->demote = 1000000;
	i->held = true;
	memset(i->health, 'h', sizeof(i->health) - 1);
	i->npeers = 2;
	i->peers[0].family = 4;
	memcpy(i->peers[0].addr, (uint8_t[4]){ 198, 18, 0, 13 }, 4);
	i->peers[0].sent = 21;
	i->peers[0].received = UINT64_MAX - 1;
	i->peers[0].heard = 1765000000654321LL;
	i->peers[1].family = 6;
	memcpy(i->peers[1].addr, (uint8_t[16]){ 0x20, 0x01, 0x0d, 0xb8,
	    [15] = 0x13 }, 16);
	i->peers[1].send_errors = 4;
	i->peers[1].drops = 6;
	n = roundtrip(&in, &out);
	CHECK(n <= CTL_MSG_MAX);
	CHECK(memcmp(&in.u.inst, &out.u.inst, sizeof(in.u.inst)) == 0);

	/* Every byte short of the whole is refused. */
	for (k = 0; k < n; k++)
		CHECKF(ctl_msg_decode(buf, k, &out) != CTL_OK, "%zu bytes", k);
	/* A lying len in the header: both ways. */
	hdr_len_add(1);
	CHECK(ctl_msg_decode(buf, n, &out) == CTL_E_SHORT);
	hdr_len_add(-2);
	CHECK(ctl_msg_decode(buf, n, &out) == CTL_E_LONG);
	hdr_len_add(1);
	CHECK(ctl_msg_decode(buf, n, &out) == CTL_OK);
	/*
	 * Out-of-range fields: maint and held (bools, before maint_since,
	 * demote, and after held the health text), state.
	 */
	k = n - 2 - strlen(i->health) - 1;	/* held */
	buf[k] = 2;
	CHECK(ctl_msg_decode(buf, n, &out) == CTL_E_PAYLOAD);
	buf[k] = 1;
	k -= 4 + 8 + 1;				/* maint */
	buf[k] = 2;
	CHECK(ctl_msg_decode(buf, n, &out) == CTL_E_PAYLOAD);
	buf[k] = 1;
	CHECK(ctl_msg_decode(buf, n, &out) == CTL_OK);
	/* addr_state: before the two address counters and maintenance. */
	k -= 8 + 8 + 1;
	buf[k] = CTL_AM_MAX;
	CHECK(ctl_msg_decode(buf, n, &out) == CTL_E_PAYLOAD);
	buf[k] = CTL_AM_NOT_IN_PLACE;
	CHECK(ctl_msg_decode(buf, n, &out) == CTL_OK);
	/* A peer of family 5: peers[1], the last 57 bytes before addr_state. */
	k -= 57;
	buf[k] = 5;
	CHECK(ctl_msg_decode(buf, n, &out) == CTL_E_PAYLOAD);
	buf[k] = 6;
	CHECK(ctl_msg_decode(buf, n, &out) == CTL_OK);
	CHECK(strcmp(ctl_peer_fmt(&out.u.inst.peers[1], (char[CARP_ADDR_STRLEN]){
	    0 }), "2001:db8::13") == 0);
	buf[CTL_HDR_LEN + 2 + 3 + 2 + 4 + 1] = CTL_ST_MAX;
	CHECK(ctl_msg_decode(buf, n, &out) == CTL_E_PAYLOAD);

	i->naddrs = CTL_ADDRS_MAX + 1;
	CHECK(ctl_msg_encode(&in, buf, sizeof(buf)) == 0);
	/* Addresses: a family or a prefix out of range, both ways. */
	i->naddrs = 1;
	memset(i->addrs, 0, sizeof(i->addrs));
	CHECK(carp_addr_parse("198.18.1.1/24", &i->addrs[0]));
	n = roundtrip(&in, &out);
	CHECK(memcmp(&in.u.inst, &out.u.inst, sizeof(in.u.inst)) == 0);
	k = CTL_HDR_LEN + 2 + 3 + 2 + 4 + 6 + 1;	/* addrs[0].family */
	CHECK(buf[k] == CARP_AF_INET && buf[k + 1] == 24);
	buf[k + 1] = 33;
	CHECK(ctl_msg_decode(buf, n, &out) == CTL_E_PAYLOAD);
	buf[k + 1] = 32;
	CHECK(ctl_msg_decode(buf, n, &out) == CTL_OK);
	buf[k] = 5;
	CHECK(ctl_msg_decode(buf, n, &out) == CTL_E_PAYLOAD);
	i->addrs[0].prefix = 33;
	CHECK(ctl_msg_encode(&in, buf, sizeof(buf)) == 0);
	i->addrs[0].family = 5;
	i->addrs[0].prefix = CARP_PREFIX_NONE;
	CHECK(ctl_msg_encode(&in, buf, sizeof(buf)) == 0);
	/* No master heard: no address, one byte on the wire. */
	CHECK(carp_addr_parse("2001:db8::1", &i->addrs[0]));
	i->has_master = false;
	memset(&i->master, 0, sizeof(i->master));
	roundtrip(&in, &out);
	CHECK(memcmp(&in.u.inst, &out.u.inst, sizeof(in.u.inst)) == 0);
	/* No address, no name: what is not on the wire decodes as zeros. */
	i->naddrs = 0;
	memset(i->addrs, 0, sizeof(i->addrs));
	memset(i->name, 0, sizeof(i->name));
	roundtrip(&in, &out);
	CHECK(memcmp(&in.u.inst, &out.u.inst, sizeof(in.u.inst)) == 0);
}

static void
test_small(void)
{
	static struct ctl_msg	in, out;
	uint8_t			 small[CTL_HDR_LEN + 4];
	size_t			 n;

	check_what = "request";
	in.hdr.type = CTL_REQ_STEPDOWN;
	in.hdr.seq = 1;
	strcpy(in.u.req.selector, "eth0:42");
	roundtrip(&in, &out);
	CHECK(strcmp(out.u.req.selector, "eth0:42") == 0);
	/* Too long a selector is not encoded. */
	memset(in.u.req.selector, 'x', sizeof(in.u.req.selector));
	CHECK(ctl_msg_encode(&in, buf, sizeof(buf)) == 0);

	check_what = "maintenance";
	memset(&in, 0, sizeof(in));
	in.hdr.type = CTL_REQ_MAINT;
	strcpy(in.u.req.selector, "fw");
	in.u.req.on = true;
	n = roundtrip(&in, &out);
	CHECK(out.u.req.on && strcmp(out.u.req.selector, "fw") == 0);
	buf[n - 1] = 2;				/* on is a bool */
	CHECK(ctl_msg_decode(buf, n, &out) == CTL_E_PAYLOAD);
	in.u.req.on = false;
	roundtrip(&in, &out);
	CHECK(!out.u.req.on);

	check_what = "demote";
	memset(&in, 0, sizeof(in));
	in.hdr.type = CTL_REQ_DEMOTE;
	strcpy(in.u.req.selector, "fw");
	in.u.req.op = CTL_DEM_SUB;
	in.u.req.n = CTL_DEMOTE_MAX;
	n = roundtrip(&in, &out);
	CHECK(memcmp(&in.u.req, &out.u.req, sizeof(in.u.req)) == 0);
	buf[n - 2] = CTL_DEM_MAX;		/* op out of range */
	CHECK(ctl_msg_decode(buf, n, &out) == CTL_E_PAYLOAD);
	CHECK(ctl_msg_decode(buf, n - 1, &out) != CTL_OK);
	in.u.req.op = CTL_DEM_MAX;
	CHECK(ctl_msg_encode(&in, buf, sizeof(buf)) == 0);

	check_what = "result";
	memset(&in, 0, sizeof(in));
	in.hdr.type = CTL_RESULT;
	in.u.res.code = CTL_RES_DENIED;
	strcpy(in.u.res.text, "read-only socket");
	roundtrip(&in, &out);
	CHECK(out.u.res.code == CTL_RES_DENIED);
	CHECK(strcmp(out.u.res.text, "read-only socket") == 0);
	in.u.res.code = CTL_RES_MAX;
	CHECK(ctl_msg_encode(&in, buf, sizeof(buf)) == 0);

	check_what = "no room";
	in.u.res.code = CTL_RES_OK;
	CHECK(ctl_msg_encode(&in, small, sizeof(small)) == 0);

	check_what = "text";
	memset(&in, 0, sizeof(in));
	in.hdr.type = CTL_TEXT;
	in.u.text.kind = CTL_TX_ERROR;
	memset(in.u.text.text, 'e', CTL_TEXT_MAX - 1);
	roundtrip(&in, &out);
	CHECK(strlen(out.u.text.text) == CTL_TEXT_MAX - 1);

	check_what = "empty";
	memset(&in, 0, sizeof(in));
	in.hdr.type = CTL_END;
	CHECK(roundtrip(&in, &out) == CTL_HDR_LEN);
	in.hdr.type = 999;
	CHECK(ctl_msg_encode(&in, buf, sizeof(buf)) == 0);
}

static void
test_daemon_event(void)
{
	static struct ctl_msg	in, out;

	check_what = "daemon";
	in.hdr.type = CTL_DAEMON;
	strcpy(in.u.daemon.version, "1.6.0");
	strcpy(in.u.daemon.config, "/etc/ucarp.conf");
	in.u.daemon.pid = 1234;
	in.u.daemon.started = 1;
	in.u.daemon.instances = 10000;
	in.u.daemon.reloads_applied = 3;
	in.u.daemon.reloads_refused = 1;
	in.u.daemon.reload_time = 2;
	in.u.daemon.last = (struct ctl_reload_counts){ CTL_RL_REFUSED, 1, 2,
	    3, 4, 5, 678 };
	strcpy(in.u.daemon.reload_summary, "last reload refused");
	strcpy(in.u.daemon.state_dir, "/var/lib/ucarp");
	in.u.daemon.state_refused = true;
	in.u.daemon.in_maint = 9999;
	roundtrip(&in, &out);
	CHECK(memcmp(&in.u.daemon, &out.u.daemon, sizeof(in.u.daemon)) == 0);

	check_what = "event";
	memset(&in, 0, sizeof(in));
	in.hdr.type = CTL_EVENT;
	in.u.ev.eseq = 77;
	in.u.ev.time = 123;
	in.u.ev.kind = CTL_EV_TRANSITION;
	strcpy(in.u.ev.name, "db");
	strcpy(in.u.ev.interface, "eth1");
	in.u.ev.vhid = 7;
	in.u.ev.from = CTL_ST_BACKUP;
	in.u.ev.to = CTL_ST_MASTER;
	in.u.ev.cause = CARP_CAUSE_MASTER_DOWN;
	in.u.ev.has_master = true;
	CHECK(carp_addr_parse("2001:db8::7", &in.u.ev.master));
	in.u.ev.reason = CARP_BAD_HMAC;
	in.u.ev.count = 4;
	strcpy(in.u.ev.text, "x");
	roundtrip(&in, &out);
	CHECK(memcmp(&in.u.ev, &out.u.ev, sizeof(in.u.ev)) == 0);
	in.u.ev.kind = CTL_EV_MAINT;
	in.u.ev.on = true;
	strcpy(in.u.ev.text, "ucarpctl (uid 0)");
	roundtrip(&in, &out);
	CHECK(memcmp(&in.u.ev, &out.u.ev, sizeof(in.u.ev)) == 0);

	/* The longest daemon reply still fits in one message. */
	check_what = "daemon, longest";
	memset(&in, 0, sizeof(in));
	in.hdr.type = CTL_DAEMON;
	memset(in.u.daemon.version, 'v', sizeof(in.u.daemon.version) - 1);
	memset(in.u.daemon.config, 'c', sizeof(in.u.daemon.config) - 1);
	memset(in.u.daemon.reload_summary, 's',
	    sizeof(in.u.daemon.reload_summary) - 1);
	memset(in.u.daemon.state_dir, 'd', sizeof(in.u.daemon.state_dir) - 1);
	roundtrip(&in, &out);
	CHECK(memcmp(&in.u.daemon, &out.u.daemon, sizeof(in.u.daemon)) == 0);
}

/* A check and its monitor event. */
static void
test_check(void)
{
	static struct ctl_msg	in, out;
	struct ctl_check	*c = &in.u.check;
	size_t			 n;

	check_what = "check";
	in.hdr.type = CTL_CHECK;
	in.hdr.seq = 9;
	strcpy(c->name, "nginx");
	c->state = 2;
	c->weight = 255;
	c->rise = 3;
	c->fall = 1000;
	c->ok_run = 0;
	c->fail_run = UINT32_MAX;
	c->results = UINT64_MAX;
	c->failures = 12;
	c->runs = 13;
	c->timeouts = 2;
	c->skipped = 1;
	c->running = true;
	c->last_ms = -1;
	memset(c->last, 'x', sizeof(c->last) - 1);
	n = roundtrip(&in, &out);
	CHECK(n <= CTL_MSG_MAX);
	CHECK(memcmp(&in.u.check, &out.u.check, sizeof(in.u.check)) == 0);
	c->iface = true;
	c->weight = 0;
	memset(c->last, 0, sizeof(c->last));
	roundtrip(&in, &out);
	CHECK(memcmp(&in.u.check, &out.u.check, sizeof(in.u.check)) == 0);
	c->state = CTL_HS_MAX;
	CHECK(ctl_msg_encode(&in, buf, sizeof(buf)) == 0);

	check_what = "check event";
	memset(&in, 0, sizeof(in));
	in.hdr.type = CTL_EVENT;
	in.u.ev.kind = CTL_EV_CHECK;
	strcpy(in.u.ev.name, "nginx");
	in.u.ev.failed = true;
	in.u.ev.script = 1;
	strcpy(in.u.ev.text, "exited 1");
	roundtrip(&in, &out);
	CHECK(memcmp(&in.u.ev, &out.u.ev, sizeof(in.u.ev)) == 0);
	CHECK(strcmp(ctl_event_name(CTL_EV_CHECK), "check") == 0);
	CHECK(strcmp(ctl_type_name(CTL_CHECK), "check") == 0);
}

static void
test_header(void)
{
	static struct ctl_msg	in, out;
	size_t			n;

	check_what = "header";
	in.hdr.type = CTL_REQ_RELOAD;
	in.hdr.seq = 5;
	n = ctl_msg_encode(&in, buf, sizeof(buf));
	CHECK(n == CTL_HDR_LEN);
	buf[1] = CTL_VERSION + 1;
	CHECK(ctl_msg_decode(buf, n, &out) == CTL_E_VERSION);
	/* The seq is still there to answer with. */
	CHECK(ctl_hdr_decode(buf, n, &out.hdr) == CTL_E_VERSION);
	CHECK(out.hdr.seq == 5);
	buf[1] = CTL_VERSION;
	buf[3] = 200;
	CHECK(ctl_msg_decode(buf, n, &out) == CTL_E_TYPE);
	buf[3] = CTL_REQ_RELOAD;
	CHECK(ctl_msg_decode(buf, CTL_MSG_MAX + 1, &out) == CTL_E_LONG);
	CHECK(ctl_msg_decode(buf, 3, &out) == CTL_E_SHORT);
	/* A string with a NUL inside is refused. */
	memset(&in, 0, sizeof(in));
	in.hdr.type = CTL_REQ_STATUS;
	strcpy(in.u.req.selector, "abc");
	n = ctl_msg_encode(&in, buf, sizeof(buf));
	buf[n - 2] = '\0';
	CHECK(ctl_msg_decode(buf, n, &out) == CTL_E_PAYLOAD);
}

/* ucarpctl does not link the core's tables: the copies must agree. */
static void
test_names(void)
{
	unsigned	i;

	check_what = "names";
	for (i = 0; i < CARP_STATE_MAX; i++)
		CHECK(strcmp(ctl_state_name(i), carp_state_name(i)) == 0);
	CHECK((int)CTL_ST_MAX == (int)CARP_STATE_MAX);
	for (i = 0; i < CARP_CAUSE_MAX; i++) {
		CHECKF(strcmp(ctl_cause_name(i), carp_cause_name(i)) == 0,
		    "cause %u", i);
		CHECK(strcmp(ctl_cause_key(i), "unknown") != 0);
	}
	CHECK(strcmp(ctl_cause_name(CARP_CAUSE_MAX), "unknown") == 0);
	CHECK(CARP_VERDICT_MAX <= CTL_DROP_MAX);
	/* Every address an instance may hold fits in a status. */
	CHECK(CARP_ADDRS_MAX <= CTL_ADDRS_MAX);
	for (i = 0; i < CARP_VERDICT_MAX; i++)
		CHECKF(strcmp(ctl_drop_name(i), carp_verdict_name(i)) == 0,
		    "verdict %u", i);
	CHECK(strcmp(ctl_drop_name(CARP_VERDICT_MAX), "unknown") == 0);
	CHECK(strcmp(ctl_res_name(CTL_RES_MAX), "unknown") == 0);
	for (i = 0; i < CTL_RES_MAX; i++)
		CHECK(strcmp(ctl_res_name(i), "unknown") != 0);
	for (i = 0; i < CTL_EV_MAX; i++)
		CHECK(strcmp(ctl_event_name(i), "unknown") != 0);
	for (i = 0; i < CTL_DEM_MAX; i++)
		CHECK(strcmp(ctl_demote_op_name(i), "unknown") != 0);
	CHECK(strcmp(ctl_type_name(CTL_REQ_MAINT), "maintenance") == 0);
	CHECK(strcmp(ctl_type_name(CTL_REQ_DEMOTE), "demote") == 0);
	for (i = 0; i < CTL_HS_MAX; i++)
		CHECKF(strcmp(ctl_health_name(i), health_state_name(i)) == 0,
		    "health state %u", i);
	CHECK(strcmp(ctl_health_name(CTL_HS_MAX), "unknown") == 0);
	CHECK(strcmp(health_state_name(CTL_HS_MAX), "invalid") == 0);
}

int
main(void)
{
	test_instance();
	test_small();
	test_daemon_event();
	test_check();
	test_header();
	test_names();
	return check_done();
}
