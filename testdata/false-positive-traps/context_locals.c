/* Context queries stored in a local (issue 10, pattern 3): `ok = !in_atomic() &&
 * !irqs_disabled();` then `if (likely(ok)) msleep(); else cpu_relax();` sleeps only
 * where the queries said sleeping is allowed. The positive twins: the local is written
 * again after its declaration, its value comes from elsewhere, or the sleep is on the
 * branch where the queries said "atomic". */
struct cl {
	spinlock_t lock;
	struct mutex mtx;
	int busy;
};

static int cl_send_neg(struct cl *c, bool loop)
{
	bool not_atomic = !in_atomic() && !irqs_disabled();

retry:
	if (c->busy && loop) {
		if (likely(not_atomic)) {
			msleep_interruptible(1);
		} else {
			cpu_relax();
		}
		goto retry;
	}
	return 0;
}

static void cl_irq_neg(struct cl *c)
{
	bool atomic = in_interrupt();

	if (atomic)
		mdelay(1);
	else
		mutex_lock(&c->mtx);
}

static void cl_rewritten_pos(struct cl *c)
{
	bool may_sleep = !in_atomic();

	if (c->busy)
		may_sleep = true;
	if (may_sleep)
		msleep(2); /* expect: atomic-sleeping-call */
}

static void cl_wrong_branch_pos(struct cl *c)
{
	bool atomic = in_atomic();

	if (!atomic)
		msleep(3);
	else
		msleep(4); /* expect: atomic-sleeping-call */
}

static void cl_other_local_pos(struct cl *c)
{
	bool ok = c->busy != 0;

	if (ok)
		msleep(5); /* expect: atomic-sleeping-call */
}

static void cl_revoke(struct cl *c)
{
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	cl_send_neg(c, true);
	cl_irq_neg(c);
	cl_rewritten_pos(c);
	cl_wrong_branch_pos(c);
	spin_unlock_irqrestore(&c->lock, flags);
}

/* Its own section: after cl_wrong_branch_pos(), which sleeps on every path, a later
 * sleep would be that call's finding. */
static void cl_revoke_other(struct cl *c)
{
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	cl_other_local_pos(c);
	spin_unlock_irqrestore(&c->lock, flags);
}
