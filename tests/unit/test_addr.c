/*
 * test_addr.c: carp_addr parsing, formatting and the BSD hashing order,
 * case by case.
 */
#include <string.h>

#include "carp_addr.h"
#include "check.h"

/* Parse and print back: what is taken, and how it is written. */
static void
test_parse(void)
{
	static const struct {
		const char	*in;
		bool		 strict, any;	/* carp_addr_parse(_any) */
		int		 family;
		unsigned	 prefix;
		const char	*out;		/* carp_addr_fmt_prefix */
	} cases[] = {
		{ "198.18.0.1", true, true, CARP_AF_INET, CARP_PREFIX_NONE,
		    "198.18.0.1" },
		{ "198.18.0.1/24", true, true, CARP_AF_INET, 24,
		    "198.18.0.1/24" },
		{ "198.18.0.1/0", true, true, CARP_AF_INET, 0,
		    "198.18.0.1/0" },
		{ "198.18.0.1/32", true, true, CARP_AF_INET, 32,
		    "198.18.0.1/32" },
		{ "198.18.0.1/33", false, true, CARP_AF_INET, 33,
		    "198.18.0.1/33" },
		{ "198.18.0.1/254", false, true, CARP_AF_INET, 254,
		    "198.18.0.1/254" },
		{ "2001:DB8:0:0::10/64", true, true, CARP_AF_INET6, 64,
		    "2001:db8::10/64" },
		{ "2001:db8::10/128", true, true, CARP_AF_INET6, 128,
		    "2001:db8::10/128" },
		{ "2001:db8::10/129", false, true, CARP_AF_INET6, 129,
		    "2001:db8::10/129" },
		{ "::ffff:198.18.0.1", true, true, CARP_AF_INET6,
		    CARP_PREFIX_NONE, "::ffff:198.18.0.1" },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128", true,
		    true, CARP_AF_INET6, 128,
		    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128" },
		{ "198.18.0.1/255", false, false, 0, 0, NULL },
		{ "198.18.0.1/", false, false, 0, 0, NULL },
		{ "198.18.0.1/-1", false, false, 0, 0, NULL },
		{ "198.18.0.1/ 8", false, false, 0, 0, NULL },
		{ "198.18.0.1/8/8", false, false, 0, 0, NULL },
		{ "198.18.0.1/0008", false, false, 0, 0, NULL },
		{ "198.18.0", false, false, 0, 0, NULL },
		{ "198.18.0.256", false, false, 0, 0, NULL },
		{ "fe80::1%eth0", false, false, 0, 0, NULL },
		{ "2001:db8:::1", false, false, 0, 0, NULL },
		{ "", false, false, 0, 0, NULL },
		{ "/24", false, false, 0, 0, NULL },
	};
	struct carp_addr	a;
	char			buf[CARP_ADDR_STRLEN];
	size_t			i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_what = cases[i].in;
		CHECK(carp_addr_parse(cases[i].in, &a) == cases[i].strict);
		memset(&a, 0xaa, sizeof(a));
		CHECK(carp_addr_parse_any(cases[i].in, &a) == cases[i].any);
		if (!cases[i].any) {
			CHECK(a.family == 0xaa);	/* untouched */
			continue;
		}
		CHECK(a.family == cases[i].family && a.prefix ==
		    cases[i].prefix);
		CHECKF(strcmp(carp_addr_fmt_prefix(&a, buf), cases[i].out) ==
		    0, "'%s'", buf);
		CHECK(carp_addr_prefix_ok(&a) == cases[i].strict);
	}
	check_what = "fmt: no prefix";
	CHECK(carp_addr_parse("2001:db8::10/64", &a));
	CHECK(strcmp(carp_addr_fmt(&a, buf), "2001:db8::10") == 0);
	check_what = "fmt: the longest text fits";
	CHECK(carp_addr_parse("1111:2222:3333:4444:5555:6666:7777:8888/128",
	    &a));
	CHECK(strcmp(carp_addr_fmt_prefix(&a, buf),
	    "1111:2222:3333:4444:5555:6666:7777:8888/128") == 0);
	check_what = "fmt4";
	CHECK(strcmp(carp_addr_fmt4((const uint8_t[4]){ 255, 255, 255, 255 },
	    buf), "255.255.255.255") == 0);
	carp_addr_from4(&a, (const uint8_t[4]){ 0, 1, 10, 100 });
	CHECK(a.family == CARP_AF_INET && a.prefix == CARP_PREFIX_NONE);
	CHECK(strcmp(carp_addr_fmt(&a, buf), "0.1.10.100") == 0);
	carp_addr_from6(&a, (const uint8_t[16]){ 0x20, 0x01, 0x0d, 0xb8,
	    [15] = 0x12 });
	CHECK(a.family == CARP_AF_INET6 && a.prefix == CARP_PREFIX_NONE);
	CHECK(strcmp(carp_addr_fmt(&a, buf), "2001:db8::12") == 0);
}

/* The order: IPv4 first, then numeric; the prefix never counts. */
static void
test_order(void)
{
	/* Ascending. */
	static const char	*sorted[] = {
		"0.0.0.1", "9.255.255.255", "10.0.0.1", "198.18.0.100/8",
		"255.255.255.255", "::", "::1", "::ffff:0.0.0.1",
		"2001:db8::2", "2001:db8::100", "fe80::1", "ffff::",
	};
	struct carp_addr	a, b;
	size_t			i, j, n = sizeof(sorted) / sizeof(sorted[0]);
	int			c;

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			check_what = sorted[i];
			CHECK(carp_addr_parse(sorted[i], &a));
			CHECK(carp_addr_parse(sorted[j], &b));
			c = carp_addr_cmp(&a, &b);
			CHECKF(i < j ? c < 0 : i > j ? c > 0 : c == 0,
			    "against %s: %d", sorted[j], c);
			CHECK(carp_addr_eq(&a, &b) == (i == j));
		}
	check_what = "eq: the prefix does not count";
	CHECK(carp_addr_parse("2001:db8::1/64", &a));
	CHECK(carp_addr_parse("2001:db8::1", &b));
	CHECK(carp_addr_eq(&a, &b) && carp_addr_cmp(&a, &b) == 0);
}

/* carp_addr_index: the first equal one, whatever its prefix, or n. */
static void
test_index(void)
{
	static const char	*list[] = { "198.18.0.1", "2001:db8::1/64",
	    "198.18.0.2/24", "2001:db8::1/128" };
	struct carp_addr	 v[4], a;
	size_t			 i;

	check_what = "index";
	for (i = 0; i < 4; i++)
		CHECK(carp_addr_parse(list[i], &v[i]));
	CHECK(carp_addr_index(v, 4, &v[0]) == 0);
	CHECK(carp_addr_index(v, 4, &v[3]) == 1);
	CHECK(carp_addr_index(v, 1, &v[1]) == 1);
	CHECK(carp_addr_index(v, 0, &v[0]) == 0);
	CHECK(carp_addr_parse("198.18.0.2", &a));
	CHECK(carp_addr_index(v, 4, &a) == 2);
	CHECK(carp_addr_parse("198.18.0.3", &a));
	CHECK(carp_addr_index(v, 4, &a) == 4);
}

/* Link-local, zero, lengths. */
static void
test_kinds(void)
{
	static const struct {
		const char	*in;
		bool		 ll6, zero;
		size_t		 len;
		unsigned	 max;
	} cases[] = {
		{ "fe80::1", true, false, 16, 128 },
		{ "febf:ffff::1", true, false, 16, 128 },
		{ "fec0::1", false, false, 16, 128 },
		{ "fe7f::1", false, false, 16, 128 },
		{ "2001:db8::1", false, false, 16, 128 },
		{ "::", false, true, 16, 128 },
		{ "0.0.0.0", false, true, 4, 32 },
		{ "254.128.0.1", false, false, 4, 32 },	/* fe80 as IPv4 */
	};
	struct carp_addr	a;
	size_t			i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_what = cases[i].in;
		CHECK(carp_addr_parse(cases[i].in, &a));
		CHECK(carp_addr_is_ll6(&a) == cases[i].ll6);
		CHECK(carp_addr_is_zero(&a) == cases[i].zero);
		CHECK(carp_addr_len(&a) == cases[i].len);
		CHECK(carp_addr_prefix_max(&a) == cases[i].max);
	}
	check_what = "zero: no family";
	memset(&a, 0, sizeof(a));
	a.a[0] = 1;
	CHECK(carp_addr_is_zero(&a));
}

int
main(void)
{
	test_parse();
	test_order();
	test_kinds();
	test_index();
	return check_done();
}
