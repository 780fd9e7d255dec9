/* Constant locals passed as arguments (issue 10, pattern 1): a local that holds a
 * constant on every path to a call is that constant there, like a literal argument.
 * Each negative (no finding) has a positive twin whose local selects the sleeping
 * branch, or whose value is not known at the call. */
struct lc {
	spinlock_t lock;
	int state;
};

#define LC_F_WAIT BIT(0)
#define LC_F_IRQ BIT(2)
#define LC_REASON GENMASK(23, 16)
#define LC_MODE_POLL 1
#define LC_MODE_WAIT 2

static int lc_send(struct lc *d, unsigned int flags)
{
	d->state = flags;
	if (flags & LC_F_WAIT)
		msleep(10);
	return 0;
}

static int lc_send_pos(struct lc *d, unsigned int flags)
{
	d->state = flags;
	if (flags & LC_F_WAIT)
		msleep(10); /* expect: atomic-sleeping-call */
	return 0;
}

static void lc_mode(struct lc *d, int mode)
{
	if (mode == LC_MODE_WAIT)
		usleep_range(100, 200); /* expect: atomic-sleeping-call */
}

static void lc_maybe_wait(struct lc *d, bool wait)
{
	if (wait)
		msleep(1);
}

static void lc_maybe_wait_pos(struct lc *d, bool wait)
{
	if (wait)
		msleep(1); /* expect: atomic-sleeping-call */
}

static void lc_irqsave(struct lc *d, unsigned long flags)
{
	if (!flags)
		msleep(1); /* expect: atomic-sleeping-call */
}

/* the initialiser, then bits OR-ed in (a field of a constant) before the call */
static int lc_notify(struct lc *d, int type)
{
	unsigned int cmd_flags = LC_F_IRQ;

	if (type == 1)
		return lc_send(d, cmd_flags);
	cmd_flags |= FIELD_PREP(LC_REASON, 3);
	return lc_send(d, cmd_flags);
}

static int lc_notify_pos(struct lc *d, int type)
{
	unsigned int cmd_flags = LC_F_IRQ;

	if (type == 1)
		return lc_send_pos(d, cmd_flags);
	cmd_flags |= LC_F_WAIT;
	return lc_send_pos(d, cmd_flags);
}

/* paths that disagree: the value is unknown at the call */
static void lc_choose_pos(struct lc *d)
{
	int mode = LC_MODE_POLL;

	if (d->state)
		mode = LC_MODE_WAIT;
	lc_mode(d, mode);
}

/* a macro given the name may write it (`local_irq_save(flags)`) */
static void lc_saved_pos(struct lc *d)
{
	unsigned long flags = 1;

	local_irq_save(flags);
	lc_irqsave(d, flags);
	local_irq_restore(flags);
}

void lc_locked(struct lc *d)
{
	bool wait = false;
	bool must_wait = true;

	spin_lock(&d->lock);
	lc_notify(d, d->state);
	lc_notify_pos(d, d->state);
	lc_choose_pos(d);
	lc_maybe_wait(d, wait);
	lc_maybe_wait_pos(d, must_wait);
	spin_unlock(&d->lock);
	lc_saved_pos(d);
}
