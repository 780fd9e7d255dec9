/* Positive twin of format_dispatch.c: the format read under the spinlock has an 's',
 * so the string case's GFP_NOFS allocation runs with the lock held. */
#include <linux/spinlock.h>
#include <linux/slab.h>

struct fmtf_pdu {
	spinlock_t lock;
	char *str;
	int len;
};

static int fmtf_vread(struct fmtf_pdu *pdu, const char *fmt)
{
	const char *ptr;

	for (ptr = fmt; *ptr; ptr++) {
		switch (*ptr) {
		case 'b':
			pdu->len = 1;
			break;
		case 's':
			pdu->str = kmalloc(pdu->len + 1, GFP_NOFS); /* expect: atomic-sleeping-gfp */
			if (!pdu->str)
				return -ENOMEM;
			break;
		}
	}
	return 0;
}

void fmtf_rx_name(struct fmtf_pdu *pdu)
{
	spin_lock(&pdu->lock);
	fmtf_vread(pdu, "bs");
	spin_unlock(&pdu->lock);
}
