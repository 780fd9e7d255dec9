/* Checked with dot-config: branches on disabled options are dropped, IS_ENABLED()
 * tests are decided; what stays enabled still reports. */
struct demo {
	spinlock_t lock;
	struct mutex m;
	void *buf;
};

void demo_ifdef(struct demo *d)
{
	spin_lock(&d->lock);
#ifdef CONFIG_DEMO_SLOW
	msleep(10);
#else
	udelay(10);
#endif
#if IS_ENABLED(CONFIG_DEMO_FAST)
	d->buf = kmalloc(64, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
#endif
#if CONFIG_DEMO_QUEUES > 16
	mutex_lock(&d->m);
#endif
	spin_unlock(&d->lock);
}

void demo_is_enabled(struct demo *d)
{
	spin_lock(&d->lock);
	if (IS_ENABLED(CONFIG_DEMO_SLOW))
		msleep(10);
	if (IS_BUILTIN(CONFIG_DEMO_FAST))
		msleep(20);
	if (IS_ENABLED(CONFIG_DEMO_FAST))
		msleep(30); /* expect: atomic-sleeping-call */
	spin_unlock(&d->lock);
}
