/* gfp_t parameters: the flags a caller passes decide whether the callee sleeps. */
#include "xf.h"

static void *xf_alloc_desc(struct xf_dev *xf, gfp_t gfp)
{
	return kmalloc(xf->len, gfp | __GFP_ZERO);
}

/* A second level: the parameter is handed down again. */
static void *xf_alloc_ring(struct xf_dev *xf, gfp_t flags)
{
	return xf_alloc_desc(xf, flags);
}

void xf_gfp_callers(struct xf_dev *xf)
{
	spin_lock(&xf->lock);
	xf->ring = xf_alloc_desc(xf, GFP_ATOMIC);
	xf->ring = xf_alloc_desc(xf, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	xf->ring = xf_alloc_ring(xf, GFP_NOFS); /* expect: atomic-sleeping-gfp */
	xf->ring = xf_alloc_ring(xf, GFP_NOWAIT);
	spin_unlock(&xf->lock);
	xf->ring = xf_alloc_ring(xf, GFP_KERNEL);
}

/* A gfp_t parameter stored for later is not an allocation now. */
static void xf_set_policy(struct xf_dev *xf, gfp_t gfp)
{
	xf->len = gfp ? 1 : 0;
}

void xf_policy_locked(struct xf_dev *xf)
{
	spin_lock(&xf->lock);
	xf_set_policy(xf, GFP_KERNEL);
	spin_unlock(&xf->lock);
}

/* gfp-param-ignored: the parameter is there, the allocation ignores it. */
static int xf_grow(struct xf_dev *xf, gfp_t gfp)
{
	xf->ring = kmalloc_array(4, xf->len, GFP_KERNEL); /* expect: gfp-param-ignored, atomic-sleeping-gfp */
	return xf->ring ? 0 : -ENOMEM;
}

/* A caller relying on the contract: it passes GFP_ATOMIC under its lock. */
void xf_grow_locked(struct xf_dev *xf)
{
	spin_lock(&xf->lock);
	xf_grow(xf, GFP_ATOMIC);
	spin_unlock(&xf->lock);
}

/* Same shape, but every caller passes a sleeping flag: nobody relies on the
 * parameter for atomic context (a zone or policy parameter), so no report. */
static int xf_grow_policy(struct xf_dev *xf, gfp_t zone)
{
	xf->ring = kmalloc(64, GFP_KERNEL | zone);
	xf->snapshot = kmalloc(64, GFP_KERNEL);
	return 0;
}

int xf_grow_policy_user(struct xf_dev *xf)
{
	return xf_grow_policy(xf, GFP_KERNEL);
}

/* Deciding for itself whether it may block: the hard-coded flag is deliberate. */
static int xf_grow_checked(struct xf_dev *xf, gfp_t gfp)
{
	if (gfpflags_allow_blocking(gfp))
		xf->ring = kmalloc(64, GFP_KERNEL);
	else
		xf->ring = kmalloc(64, gfp);
	return 0;
}

/* Passing the parameter through: fine. */
static int xf_grow_ok(struct xf_dev *xf, gfp_t gfp)
{
	xf->ring = kmalloc_array(4, xf->len, gfp);
	return 0;
}
