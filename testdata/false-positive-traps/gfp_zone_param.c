/* A gfp_t parameter that only carries zone modifiers: callers pass GFP_DMA or 0 and
 * the callee ORs it into GFP_KERNEL. Nobody asked it not to sleep. */
struct zp_dev {
	gfp_t buf_flags;
	void *dev;
	void *buf;
};

static int zp_register(struct zp_dev *d, gfp_t buf_flags)
{
	d->dev = kzalloc(64, GFP_KERNEL);
	d->buf_flags = buf_flags;
	d->buf = kmalloc(512, GFP_KERNEL | buf_flags);
	return 0;
}

int zp_probe_sdio(struct zp_dev *d)
{
	return zp_register(d, GFP_DMA);
}

int zp_probe_usb(struct zp_dev *d)
{
	return zp_register(d, 0);
}

/* The twin: one caller passes GFP_ATOMIC, trusting the callee. */
static int zp_register_atomic(struct zp_dev *d, gfp_t buf_flags)
{
	d->dev = kzalloc(64, GFP_KERNEL); /* expect: gfp-param-ignored */
	d->buf = kmalloc(512, buf_flags);
	return 0;
}

int zp_probe_irq(struct zp_dev *d)
{
	zp_register_atomic(d, GFP_DMA);
	return zp_register_atomic(d, GFP_ATOMIC);
}
