/* `__xa_store()` drops the xarray's own lock around a blocking allocation (issue 10,
 * pattern 2): a helper whose only sleep is such a store on the xarray named by its
 * parameter does not sleep under that xarray's lock, held by its caller. The positive
 * twins: the caller holds another lock, or the helper also sleeps otherwise. */
struct xc_ent {
	spinlock_t lock;
	struct xarray mkeys;
	unsigned long stored;
};

static void *xc_pop_neg(struct xc_ent *ent)
{
	ent->stored--;
	return __xa_store(&ent->mkeys, ent->stored, NULL, GFP_KERNEL);
}

static void *xc_pop_other_lock_pos(struct xc_ent *ent)
{
	return __xa_store(&ent->mkeys, ent->stored, NULL, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
}

static void *xc_pop_and_sleep_pos(struct xc_ent *ent)
{
	msleep(1); /* expect: atomic-sleeping-call */
	return __xa_store(&ent->mkeys, ent->stored, NULL, GFP_KERNEL);
}

void xc_alloc(struct xc_ent *ent)
{
	xa_lock_irq(&ent->mkeys);
	if (ent->stored)
		xc_pop_neg(ent);
	xa_unlock_irq(&ent->mkeys);
}

void xc_alloc_other(struct xc_ent *ent)
{
	spin_lock(&ent->lock);
	xc_pop_other_lock_pos(ent);
	spin_unlock(&ent->lock);
}

void xc_alloc_sleep(struct xc_ent *ent)
{
	xa_lock_irq(&ent->mkeys);
	xc_pop_and_sleep_pos(ent);
	xa_unlock_irq(&ent->mkeys);
}
