
/* Twin of fs3 (first_sleep.c): a sleep inside the function's own section after the
 * first is its own finding (each sleeping call in a section it takes has to move). */
struct fs3f {
	spinlock_t lock;
	spinlock_t cmd_lock;
	struct mutex m;
	int irq;
};

static irqreturn_t fs3f_isr(int irq, void *d)
{
	return IRQ_HANDLED;
}

static int fs3f_init(struct fs3f *f)
{
	unsigned long flags;

	if (request_irq(f->irq, fs3f_isr, 0, "fs3f", f)) /* expect: atomic-sleeping-call */
		return -1;
	spin_lock_irqsave(&f->cmd_lock, flags);
	msleep(1); /* expect: atomic-sleeping-call */
	spin_unlock_irqrestore(&f->cmd_lock, flags);
	return 0;
}

void fs3f_reset(struct fs3f *f)
{
	spin_lock(&f->lock);
	fs3f_init(f);
	spin_unlock(&f->lock);
}
