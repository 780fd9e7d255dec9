/* A `gfp_t` parameter that reaches an allocation only under a test of another
 * parameter (`if (size) buf = kmemdup(data, size, gfp);`): a caller passing a zero size
 * hands over GFP_KERNEL without anything being allocated with it. Positive twins:
 * conditional_gfp_sink_fires.c. */
struct cg_dev {
	spinlock_t lock;
	int timeout;
};

int cg_send(struct cg_dev *d, int req, const void *data, u16 size, gfp_t gfp)
{
	u8 *buf = NULL;
	int ret;

	if (size) {
		buf = kmemdup(data, size, gfp);
		if (!buf)
			return -ENOMEM;
	}
	ret = req + d->timeout;
	kfree(buf);
	return ret;
}

/* A command without payload, under the lock. */
int cg_poke(struct cg_dev *d)
{
	int ret;

	spin_lock(&d->lock);
	ret = cg_send(d, 1, NULL, 0, GFP_KERNEL);
	spin_unlock(&d->lock);
	return ret;
}
