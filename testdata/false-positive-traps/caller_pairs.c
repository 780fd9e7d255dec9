/* The lock taken only for one parameter value, the sleep only for another (issue 10,
 * pattern 1): when every caller passes a pair that rules the combination out, the
 * lock is never held across the sleep. Positive twins: one caller passes the bad
 * pair; a function with no caller in the run keeps its finding. */
struct cp {
	spinlock_t lock;
	int state;
};

static void cp_wait_done(struct cp *d, int nobusy)
{
	if (nobusy)
		msleep(1);
	else
		udelay(10);
}

static int cp_read_nolock(struct cp *d, int nobusy)
{
	cp_wait_done(d, nobusy);
	return d->state;
}

int cp_read(struct cp *d, int uselocks, int nobusy)
{
	unsigned long flags;
	int r;

	if (uselocks) {
		spin_lock_irqsave(&d->lock, flags);
		r = cp_read_nolock(d, nobusy);
		spin_unlock_irqrestore(&d->lock, flags);
		return r;
	}
	return cp_read_nolock(d, nobusy);
}

void cp_user_irq(struct cp *d)
{
	cp_read(d, 1, 0);
}

void cp_user_task(struct cp *d)
{
	cp_read(d, 0, 1);
}

static void cp_wait_done_pos(struct cp *d, int nobusy)
{
	if (nobusy)
		msleep(1); /* expect: atomic-sleeping-call */
	else
		udelay(10);
}

int cp_read_pos(struct cp *d, int uselocks, int nobusy)
{
	unsigned long flags;

	if (uselocks) {
		spin_lock_irqsave(&d->lock, flags);
		cp_wait_done_pos(d, nobusy);
		spin_unlock_irqrestore(&d->lock, flags);
	}
	return d->state;
}

void cp_user_pos(struct cp *d, int slow)
{
	cp_read_pos(d, 1, 0);
	cp_read_pos(d, 1, slow);
}

static void cp_settle(struct cp *d, int nobusy)
{
	if (nobusy)
		msleep(1); /* expect: atomic-sleeping-call */
}

int cp_read_uncalled(struct cp *d, int uselocks, int nobusy)
{
	unsigned long flags;

	if (uselocks) {
		spin_lock_irqsave(&d->lock, flags);
		cp_settle(d, nobusy);
		spin_unlock_irqrestore(&d->lock, flags);
	}
	return d->state;
}
