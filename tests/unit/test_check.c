/*
 * test_check.c: the validator.  Each rule of cfg_check() gives its code,
 * instance and key (and nothing else) on a configuration built by hand;
 * repeats point at the first user; and every problem code has a file
 * wording and a command-line wording (cfg_msg.c), distinct per code.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_check.h"
#include "cfg_msg.h"
#include "check.h"

#define MAXP	16

struct got {
	struct cfg_problem	p[MAXP];
	size_t			n;
};

static void
collect(void *arg, const struct cfg_problem *p)
{
	struct got	*g = arg;

	if (g->n < MAXP)
		g->p[g->n] = *p;
	g->n++;
}

#define A4(a, b, c, d)	{ CARP_AF_INET, CARP_PREFIX_NONE, { a, b, c, d } }
static struct carp_addr	addrs[4] = { A4(198, 18, 0, 1), A4(198, 18, 0, 2),
		    A4(198, 18, 0, 1), A4(198, 18, 0, 3) };
static char	*strs[4] = { "198.18.0.1", "198.18.0.2", "198.18.0.1",
		    "198.18.0.3" };

/* A valid instance. */
static void
good(struct cfg_instance *cv, const char *ifname, uint8_t vhid)
{
	memset(cv, 0, sizeof(*cv));
	cv->interface = (char *)ifname;
	cv->vhid = vhid;
	carp_addr_from4(&cv->srcip, (const uint8_t[4]){ 198, 18, 0, 9 });
	cv->mcast[0] = 224; cv->mcast[3] = 18;
	memcpy(cv->pass, "pw", 2);
	cv->passlen = 2;
	cv->addrs = addrs;
	cv->addr_strs = strs;
	cv->naddrs = 1;
	cv->advbase = 1;
	cv->deadratio = 3;
	cv->file = (char *)"test.conf";
	cv->line = vhid;
}

static struct got
run(struct cfg_instance *v, size_t n)
{
	struct cfg_instance	*pv[8];
	struct cfg_check_slot	 slots[8];
	struct cfg		 c;
	struct got		 g;
	size_t			 i;

	static struct cfg_hcheck web = { .name = "web", .script = "/bin/true" };

	memset(&c, 0, sizeof(c));
	memset(&g, 0, sizeof(g));
	c.checks = &web;	/* track_check = ["web"] is fine */
	c.nchecks = 1;
	for (i = 0; i < n; i++)
		pv[i] = &v[i];
	c.instances = pv;
	c.ninstances = n;
	CHECK(cfg_check(&c, slots, collect, &g) == g.n);
	return g;
}

/* One broken instance: exactly one problem, code and key as given. */
static void
test_rules(void)
{
	static const struct {
		const char		*what;
		enum cfg_problem_code	 code;
		const char		*key;
	} cases[] = {
		{ "no interface", CFG_P_NO_INTERFACE, "interface" },
		{ "long interface", CFG_P_IFNAME_LONG, "interface" },
		{ "bad interface", CFG_P_IFNAME_BAD, "interface" },
		{ "no vhid", CFG_P_NO_VHID, "vhid" },
		{ "no password", CFG_P_NO_PASS, "pass" },
		{ "advbase and advskew 0", CFG_P_NO_ADVBASE, "advbase" },
		{ "no srcip", CFG_P_NO_SRCIP, "srcip" },
		{ "no addr", CFG_P_NO_ADDR, "addr" },
		{ "too many addrs", CFG_P_ADDRS_MANY, "addr" },
		{ "addr twice", CFG_P_ADDR_TWICE, "addr" },
		{ "deadratio 0", CFG_P_DEADRATIO_ZERO, "deadratio" },
		{ "mcast not a group", CFG_P_MCAST_NOT_GROUP, "mcast" },
		{ "check not defined", CFG_P_CHECK_UNDEFINED, "track_check" },
	};
	static char		*names[] = { "web", "db" };
	const struct cfg_names	 tracks = { names, 2 };
	struct cfg_instance	v;
	struct got		g;
	size_t			i;

	check_what = "valid";
	good(&v, "eth0", 1);
	g = run(&v, 1);
	CHECK(g.n == 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_what = cases[i].what;
		good(&v, "eth0", 1);
		switch (cases[i].code) {
		case CFG_P_NO_INTERFACE: v.interface = NULL; break;
		case CFG_P_IFNAME_LONG: v.interface = "abcdefghijklmnop"; break;
		case CFG_P_IFNAME_BAD: v.interface = "bad name/x"; break;
		case CFG_P_NO_VHID: v.vhid = 0; break;
		case CFG_P_NO_PASS: v.passlen = 0; break;
		case CFG_P_NO_ADVBASE: v.advbase = 0; break;
		case CFG_P_NO_SRCIP: memset(v.srcip.a, 0, 4); break;
		case CFG_P_NO_ADDR: v.naddrs = 0; break;
		case CFG_P_ADDRS_MANY: v.naddrs = 4096; break;
		case CFG_P_ADDR_TWICE: v.naddrs = 4; break;
		case CFG_P_DEADRATIO_ZERO: v.deadratio = 0; break;
		case CFG_P_MCAST_NOT_GROUP: v.mcast[0] = 198; break;
		case CFG_P_CHECK_UNDEFINED: v.track_check = tracks; break;
		default: break;
		}
		g = run(&v, 1);
		CHECKF(g.n == 1, "%zu problems", g.n);
		CHECK(g.p[0].code == cases[i].code && g.p[0].cv == &v);
		CHECK(g.p[0].key != NULL &&
		    strcmp(g.p[0].key->name, cases[i].key) == 0);
		if (cases[i].code == CFG_P_ADDR_TWICE)
			CHECK(g.p[0].n == 2);	/* the repeat's index */
		if (cases[i].code == CFG_P_CHECK_UNDEFINED)
			CHECK(g.p[0].n == 1);	/* "db": not defined */
	}
	check_what = "nomcast takes any group";
	good(&v, "eth0", 1);
	v.mcast[0] = 198;
	v.nomcast = true;
	g = run(&v, 1);
	CHECK(g.n == 0);
}

/* Addresses of both families: prefixes, link-local, repeats. */
static void
test_addrs(void)
{
	static const struct {
		const char	*what;
		const char	*in[3];
		int		 code;		/* -1: no problem */
		size_t		 n;		/* the address it names */
	} cases[] = {
		{ "IPv4 and IPv6 with prefixes", { "198.18.0.1/24",
		    "2001:db8::1/64", "2001:db8::2/128" }, -1, 0 },
		{ "IPv4 prefix 32 and 0", { "198.18.0.1/32", "198.18.0.2/0" },
		    -1, 0 },
		{ "IPv4 prefix 33", { "198.18.0.2", "198.18.0.1/33" },
		    CFG_P_ADDR_PREFIX, 1 },
		{ "IPv6 prefix 129", { "2001:db8::1/129" },
		    CFG_P_ADDR_PREFIX, 0 },
		{ "IPv6 link-local", { "198.18.0.1", "fe80::1" },
		    CFG_P_ADDR_LL6, 1 },
		{ "link-local, odd form", { "febf:1::1/64" }, CFG_P_ADDR_LL6, 0 },
		{ "fec0:: is not link-local", { "fec0::1" }, -1, 0 },
		{ "twice, whatever the prefix", { "2001:db8::1/64",
		    "198.18.0.1", "2001:db8::1/48" }, CFG_P_ADDR_TWICE, 2 },
		{ "the same bytes in two families differ", { "1.2.3.4",
		    "102:304::" }, -1, 0 },
	};
	struct carp_addr	a[3];
	struct cfg_instance	v;
	struct got		g;
	size_t			i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_what = cases[i].what;
		good(&v, "eth0", 1);
		for (n = 0; n < 3 && cases[i].in[n] != NULL; n++)
			CHECK(carp_addr_parse_any(cases[i].in[n], &a[n]));
		v.addrs = a;
		v.naddrs = n;
		g = run(&v, 1);
		if (cases[i].code < 0) {
			CHECKF(g.n == 0, "%zu problems", g.n);
			continue;
		}
		CHECKF(g.n == 1, "%zu problems", g.n);
		CHECK(g.p[0].code == (enum cfg_problem_code)cases[i].code &&
		    g.p[0].n == cases[i].n);
		CHECK(g.p[0].key != NULL &&
		    strcmp(g.p[0].key->name, "addr") == 0);
	}
	check_what = "IPv6 srcip";
	good(&v, "eth0", 1);
	CHECK(carp_addr_parse("2001:db8::9", &v.srcip));
	CHECK(run(&v, 1).n == 0);
	check_what = "srcip ::";
	CHECK(carp_addr_parse("::", &v.srcip));
	g = run(&v, 1);
	CHECK(g.n == 1 && g.p[0].code == CFG_P_NO_SRCIP);
}

/* Repeats: each later user points at the first, in instance order. */
static void
test_repeats(void)
{
	struct cfg_instance	v[5];
	struct got		g;

	check_what = "vhid and name repeats";
	good(&v[0], "eth1", 7);
	good(&v[1], "eth0", 7);
	good(&v[2], "eth1", 7);		/* repeats v[0] */
	good(&v[3], "eth1", 7);		/* repeats v[0] too */
	good(&v[4], "eth0", 8);
	v[1].name = "web";
	v[4].name = "web";		/* repeats v[1]'s name */
	g = run(v, 5);
	CHECKF(g.n == 3, "%zu problems", g.n);
	CHECK(g.p[0].code == CFG_P_VHID_USED && g.p[0].cv == &v[2] &&
	    g.p[0].other == &v[0] && g.p[0].key == NULL);
	CHECK(g.p[1].code == CFG_P_VHID_USED && g.p[1].cv == &v[3] &&
	    g.p[1].other == &v[0]);
	CHECK(g.p[2].code == CFG_P_NAME_USED && g.p[2].cv == &v[4] &&
	    g.p[2].other == &v[1]);
}

/* Every code has both wordings, non-empty and told apart. */
static void
test_wordings(void)
{
	struct cfg_instance	 v, o;
	struct cfg_problem	 p;
	char			*file[CFG_P_N], *cli[CFG_P_N];
	int			 i, j;

	static char		*names[] = { "a", "b", "nginx" };

	good(&v, "eth0", 1);
	good(&o, "eth0", 1);
	v.name = "web";
	v.naddrs = 3;
	v.track_check = (struct cfg_names){ names, 3 };
	v.peer = (struct cfg_peers){ addrs, 3 };
	for (i = 0; i < CFG_P_N; i++) {
		check_what = "wording";
		memset(&p, 0, sizeof(p));
		p.code = (enum cfg_problem_code)i;
		p.cv = &v;
		p.other = &o;
		p.n = 2;
		file[i] = cfg_msg_file(&p);
		cli[i] = cfg_msg_cli(&p);
		CHECKF(file[i] != NULL && *file[i] != '\0',
		    "code %d has no file wording", i);
		CHECKF(cli[i] != NULL && *cli[i] != '\0',
		    "code %d has no command-line wording", i);
		/* A file message says what to do after a ';'. */
		CHECKF(file[i] != NULL && strchr(file[i], ';') != NULL,
		    "code %d: '%s'", i, file[i]);
		for (j = 0; j < i; j++) {
			CHECKF(file[i] == NULL || file[j] == NULL ||
			    strcmp(file[i], file[j]) != 0, "codes %d and %d",
			    i, j);
			CHECKF(cli[i] == NULL || cli[j] == NULL ||
			    strcmp(cli[i], cli[j]) != 0, "codes %d and %d",
			    i, j);
		}
	}
	for (i = 0; i < CFG_P_N; i++) {
		free(file[i]);
		free(cli[i]);
	}
}

/*
 * Unicast peers: never ourselves, a source of their family, an advert of
 * their family, and a peer for every family advertised (issue 18).
 */
static void
test_peers(void)
{
	static const struct {
		const char	*what;
		const char	*srcip;
		const char	*addr[2];
		const char	*peer[2];
		bool		 also_mcast;
		int		 code;		/* -1: no problem */
		size_t		 n;
	} cases[] = {
		{ "one IPv4 peer", "198.18.0.9", { "198.18.0.100" },
		    { "198.18.0.10" }, false, -1, 0 },
		{ "both families", "2001:db8::9", { "2001:db8::100" },
		    { "2001:db8::10" }, false, -1, 0 },
		{ "peer is srcip", "198.18.0.9", { "198.18.0.100" },
		    { "198.18.0.10", "198.18.0.9" }, false, CFG_P_PEER_OWN, 1 },
		{ "peer is a vip", "198.18.0.9", { "198.18.0.100" },
		    { "198.18.0.100" }, false, CFG_P_PEER_OWN, 0 },
		{ "IPv6 peer, IPv4 srcip", "198.18.0.9",
		    { "198.18.0.100", "2001:db8::100" },
		    { "198.18.0.10", "2001:db8::10" }, false,
		    CFG_P_PEER_NO_SRC, 1 },
		{ "link-local peer, IPv4 srcip", "198.18.0.9",
		    { "198.18.0.100", "2001:db8::100" },
		    { "198.18.0.10", "fe80::10" }, false, -1, 0 },
		{ "IPv4 peer, no IPv4 addr", "198.18.0.9", { "2001:db8::100" },
		    { "198.18.0.10", "fe80::10" }, false, CFG_P_PEER_NO_ADDR,
		    0 },
		{ "no IPv6 peer", "198.18.0.9",
		    { "198.18.0.100", "2001:db8::100" }, { "198.18.0.10" },
		    false, CFG_P_PEER_FAMILY, CARP_AF_INET6 },
		{ "no IPv6 peer, migrating", "198.18.0.9",
		    { "198.18.0.100", "2001:db8::100" }, { "198.18.0.10" },
		    true, -1, 0 },
	};
	struct carp_addr	 a[2], pe[2];
	struct cfg_instance	 v;
	struct got		 g;
	size_t			 i, j, na, np;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_what = cases[i].what;
		good(&v, "eth0", 1);
		CHECK(carp_addr_parse(cases[i].srcip, &v.srcip));
		for (j = na = np = 0; j < 2; j++) {
			if (cases[i].addr[j] != NULL)
				CHECK(carp_addr_parse(cases[i].addr[j],
				    &a[na++]));
			if (cases[i].peer[j] != NULL)
				CHECK(carp_addr_parse(cases[i].peer[j],
				    &pe[np++]));
		}
		v.addrs = a;
		v.naddrs = na;
		v.peer = (struct cfg_peers){ pe, np };
		v.unicast_also_multicast = cases[i].also_mcast;
		g = run(&v, 1);
		if (cases[i].code < 0) {
			CHECKF(g.n == 0, "%zu problems, first %d", g.n,
			    g.n > 0 ? (int)g.p[0].code : -1);
			continue;
		}
		CHECKF(g.n == 1, "%zu problems", g.n);
		CHECK(g.p[0].code == (enum cfg_problem_code)cases[i].code);
		CHECK(g.p[0].n == cases[i].n);
		CHECK(g.p[0].key != NULL &&
		    strcmp(g.p[0].key->name, "peer") == 0);
	}
}

int
main(void)
{
	test_peers();
	test_rules();
	test_addrs();
	test_repeats();
	test_wordings();
	return check_done();
}
