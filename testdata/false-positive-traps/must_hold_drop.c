/* A helper annotated __must_hold() that drops the caller's lock to sleep and takes it
 * again (issue 10, pattern 2): its callers' section does not carry into the sleep.
 * The positive twin keeps the lock across the sleep. */
struct mh {
	spinlock_t lock;
	int pending;
};

static void mh_wait_idle(struct mh *m)
	__must_hold(&m->lock)
{
	while (m->pending) {
		spin_unlock_irq(&m->lock);
		msleep(1);
		spin_lock_irq(&m->lock);
	}
}

static void mh_wait_busy(struct mh *m)
	__must_hold(&m->lock)
{
	while (m->pending)
		msleep(1); /* expect: atomic-sleeping-call */
}

void mh_quiesce(struct mh *m)
{
	spin_lock_irq(&m->lock);
	mh_wait_idle(m);
	spin_unlock_irq(&m->lock);
}
