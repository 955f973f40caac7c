/*
 * fuzz_ctl.c: libFuzzer target for the control protocol's codec
 * (ctl_msg.c), which the daemon runs on whatever a client sends.
 *
 * The input is one message as read from the socket.  Whatever decodes
 * must encode again to the very same bytes (the codec has one layout
 * per type) and decode again to the same fields; anything else aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_proto.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_ctl: %s\n", what);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct ctl_msg	m, m2;
	static uint8_t		buf[CTL_MSG_MAX];
	struct ctl_hdr		h;
	size_t			n;

	if (ctl_hdr_decode(data, len, &h) == CTL_OK &&
	    h.len != len - CTL_HDR_LEN)
		fail("header accepted with a wrong length");
	if (ctl_msg_decode(data, len, &m) != CTL_OK)
		return 0;
	(void)ctl_type_name(m.hdr.type);
	n = ctl_msg_encode(&m, buf, sizeof(buf));
	if (n != len || memcmp(buf, data, len) != 0)
		fail("a decoded message does not encode to its bytes");
	if (ctl_msg_decode(buf, n, &m2) != CTL_OK ||
	    memcmp(&m, &m2, sizeof(m)) != 0)
		fail("a re-encoded message decodes differently");
	return 0;
}
