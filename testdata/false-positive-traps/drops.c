/* A helper that drops its caller's lock to sleep, reached through another function:
 * the caller's atomic context does not carry into it. */
struct dd {
	spinlock_t lock;
	int idle;
};

static void dd_wait_idle_locked(struct dd *d)
{
	spin_unlock(&d->lock);
	msleep(10);
	spin_lock(&d->lock);
}

static void dd_drain(struct dd *d)
{
	d->idle = 0;
	dd_wait_idle_locked(d);
}

void dd_stop(struct dd *d)
{
	spin_lock(&d->lock);
	dd_drain(d);
	spin_unlock(&d->lock);
}
