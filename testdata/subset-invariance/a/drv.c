/* Subset invariance (issue 10): a helper calls an API the knowledge says sleeps;
 * the tree in b/ also defines that API, with a body that releases a lock it did
 * not take. Checking a/ alone and a/ with b/ must report the same finding. */
struct work_struct;

struct sdrv {
	spinlock_t lock;
	struct work_struct *work;
};

static void sdrv_quiesce(struct sdrv *d)
{
	cancel_work_sync(d->work); /* expect: atomic-sleeping-call */
}

void sdrv_stop(struct sdrv *d)
{
	spin_lock(&d->lock);
	sdrv_quiesce(d);
	spin_unlock(&d->lock);
}
