/* Helpers called from the entry points in xf_main.c. */
#include "xf.h"

int xf_snapshot(struct xf_dev *xf)
{
	xf->snapshot = kmalloc(xf->len, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	return xf->snapshot ? 0 : -ENOMEM;
}

/* Reached through three calls from the tasklet: the chain is the evidence. */
static void xf_log_flush(struct xf_dev *xf)
{
	msleep(1); /* expect: atomic-sleeping-call */
}

static void xf_log_write(struct xf_dev *xf)
{
	xf_log_flush(xf);
}

void xf_log_event(struct xf_dev *xf)
{
	xf_log_write(xf);
}

/* A lock wrapper defined in this file and used from xf_main.c. */
void xf_global_lock(struct xf_dev *xf)
{
	spin_lock(&xf->lock);
}

void xf_global_unlock(struct xf_dev *xf)
{
	spin_unlock(&xf->lock);
}
