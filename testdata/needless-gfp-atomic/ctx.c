static void *cfg_alloc(struct dev *d)
{
	return kmalloc(64, GFP_ATOMIC); /* expect: needless-gfp-atomic */
}

static void *cfg_alloc_locked(struct dev *d)
{
	void *p;

	spin_lock(&d->lock);
	p = kzalloc(64, GFP_ATOMIC);
	spin_unlock(&d->lock);
	return p;
}

static void *cfg_alloc_kernel(struct dev *d)
{
	return kmalloc(64, GFP_KERNEL);
}

static void cfg_timer(struct timer_list *t)
{
	void *p = kmalloc(64, GFP_ATOMIC);
	kfree(p);
}

static irqreturn_t cfg_irq(int irq, void *dev_id)
{
	void *p = kmalloc(64, GFP_ATOMIC);
	kfree(p);
	return IRQ_HANDLED;
}

static void *cfg_alloc_either(struct dev *d)
{
	/* The flags already depend on the context. */
	return kmalloc(64, irqs_disabled() ? GFP_ATOMIC : GFP_KERNEL);
}
