/* Positive twins of conditional_gfp_sink.c: a payload size that is not zero, or
 * unknown, reaches the allocation. */
struct cf_dev {
	spinlock_t lock;
	int timeout;
};

int cf_send(struct cf_dev *d, int req, const void *data, u16 size, gfp_t gfp)
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

int cf_write(struct cf_dev *d, const void *data)
{
	int ret;

	spin_lock(&d->lock);
	ret = cf_send(d, 2, data, 4, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	spin_unlock(&d->lock);
	return ret;
}

int cf_write_any(struct cf_dev *d, const void *data, u16 n)
{
	int ret;

	spin_lock(&d->lock);
	ret = cf_send(d, 2, data, n, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	spin_unlock(&d->lock);
	return ret;
}
