/* Lock wrappers, annotations and the kernel's own atomic wrappers. */
#include "xf.h"

static void xf_lock(struct xf_dev *xf)
{
	spin_lock(&xf->lock);
}

static void xf_unlock(struct xf_dev *xf)
{
	spin_unlock(&xf->lock);
}

void xf_update(struct xf_dev *xf)
{
	xf_lock(xf);
	xf->ring = kmalloc(32, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	xf_unlock(xf);
	xf->ring = kmalloc(32, GFP_KERNEL);
}

/* Wrappers from another file and from the header. */
void xf_update_global(struct xf_dev *xf)
{
	xf_global_lock(xf);
	xf->ring = kmalloc(32, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	xf_global_unlock(xf);
	xf->ring = kmalloc(32, GFP_KERNEL);
	xf_stats_lock(xf);
	msleep(1); /* expect: atomic-sleeping-call */
	xf_stats_unlock(xf);
	msleep(1);
}

/* __must_hold(): called with the spinlock held (this file takes xf->lock with spin_lock). */
static void xf_locked_refill(struct xf_dev *xf) __must_hold(&xf->lock)
{
	xf->ring = kzalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
}

/* __must_hold() of a mutex is not atomic. */
static void xf_cfg_refill(struct xf_dev *xf) __must_hold(&xf->cfg_lock)
{
	xf->ring = kzalloc(8, GFP_KERNEL);
}

/* Called with a spinlock held: the helper runs atomic on that path, and the report
 * says which caller is the problem. */
static void xf_fill(struct xf_dev *xf)
{
	xf->ring = kzalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
}

void xf_refill_locked(struct xf_dev *xf)
{
	unsigned long flags;

	spin_lock_irqsave(&xf->lock, flags);
	xf_fill(xf);
	spin_unlock_irqrestore(&xf->lock, flags);
}

void xf_refill_unlocked(struct xf_dev *xf)
{
	xf_fill(xf);
}

/* The unlock-sleep-relock idiom: the callee drops its caller's lock before sleeping. */
static void xf_wait_idle(struct xf_dev *xf)
{
	spin_unlock(&xf->lock);
	msleep(10);
	spin_lock(&xf->lock);
}

void xf_quiesce(struct xf_dev *xf)
{
	spin_lock(&xf->lock);
	xf_wait_idle(xf);
	spin_unlock(&xf->lock);
}

void xf_kernel_wrappers(struct xf_dev *xf)
{
	int cpu;

	xa_lock(&xf->xa);
	xf->ring = kmalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	xa_unlock(&xf->xa);

	cpu = get_cpu();
	xf->ring = kmalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	put_cpu();

	local_lock(&xf->llock);
	mutex_lock(&xf->cfg_lock); /* expect: atomic-sleeping-call */
	mutex_unlock(&xf->cfg_lock);
	local_unlock(&xf->llock);

	if (atomic_dec_and_lock(&xf->refs, &xf->lock)) {
		xf->ring = kmalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
		spin_unlock(&xf->lock);
	}
	xf->ring = kmalloc(8, GFP_KERNEL);
}
