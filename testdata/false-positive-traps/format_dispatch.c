/* A reader driven by a format string (net/9p/protocol.c's p9pdu_vreadf() shape): a
 * cursor walks the format and each character selects what is read. Called under a
 * spinlock with a format that has no 's', the string case and its allocation never
 * run. The positive twin passes a format with an 's' (format_dispatch_fires.c). */
#include <linux/spinlock.h>
#include <linux/slab.h>

struct fmt_pdu {
	spinlock_t lock;
	char *str;
	int len;
	int tag;
};

static int fmt_vread(struct fmt_pdu *pdu, const char *fmt)
{
	const char *ptr;

	for (ptr = fmt; *ptr; ptr++) {
		switch (*ptr) {
		case 'b':
			pdu->len = 1;
			break;
		case 'w':
			pdu->tag = 2;
			break;
		case 's':
			pdu->str = kmalloc(pdu->len + 1, GFP_NOFS);
			if (!pdu->str)
				return -ENOMEM;
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

static int fmt_read(struct fmt_pdu *pdu, const char *fmt)
{
	return fmt_vread(pdu, fmt);
}

void fmt_rx_header(struct fmt_pdu *pdu)
{
	spin_lock(&pdu->lock);
	fmt_read(pdu, "bw");
	spin_unlock(&pdu->lock);
}
