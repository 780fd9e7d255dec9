/* Lock states kept per group of paths (issue 10, state correlation and value
 * dispatch): a local set where a lock is released, or a parameter tested where it is
 * taken, decides a later branch or a callee's branch on those paths only. Each
 * negative (no finding) has a positive twin that must still fire. */
struct ps {
	spinlock_t lock;
	int state;
	void *virt;
};

enum ps_req { PS_GET_STATUS, PS_SET_FEATURE };

void *ps_lookup(struct ps *d);
void *ps_map(struct ps *d);
int ps_pending(struct ps *d);
int ps_choose(struct ps *d);
void ps_fill(struct ps *d, bool *flag);

/* The flag is set exactly where the RCU read lock is dropped: the sleeping call runs
 * only on that path, the unlock on the other. */
void ps_flag_neg(struct ps *d)
{
	void *v;
	bool unmap = false;

	rcu_read_lock();
	v = ps_lookup(d);
	if (!v) {
		rcu_read_unlock();
		v = ps_map(d);
		if (!v)
			return;
		unmap = true;
	}
	d->virt = v;
	if (unmap)
		iounmap(v);
	else
		rcu_read_unlock();
}

/* Twin: the flag is written again with an unknown value after the lock: the fact
 * set with the lock is gone, and the call may run with the lock held. */
void ps_flag_killed_pos(struct ps *d)
{
	void *v;
	bool unmap = false;

	rcu_read_lock();
	v = ps_lookup(d);
	if (!v) {
		rcu_read_unlock();
		v = ps_map(d);
		if (!v)
			return;
		unmap = true;
	}
	unmap = ps_choose(d);
	d->virt = v;
	if (unmap)
		iounmap(v); /* expect: atomic-sleeping-call[warning] */
	else
		rcu_read_unlock();
}

/* Twin: the flag's address is passed out, so any call may change it. */
void ps_flag_escapes_pos(struct ps *d)
{
	void *v;
	bool unmap = false;

	rcu_read_lock();
	v = ps_lookup(d);
	if (!v) {
		rcu_read_unlock();
		v = ps_map(d);
		if (!v)
			return;
		unmap = true;
	}
	ps_fill(d, &unmap);
	if (unmap)
		iounmap(v); /* expect: atomic-sleeping-call[warning] */
	else
		rcu_read_unlock();
}

/* A request code tested where interrupts are disabled selects the callee's branch:
 * with interrupts off the request is PS_GET_STATUS, and only PS_SET_FEATURE sleeps. */
static int ps_hub_control_neg(struct ps *d, int req)
{
	switch (req) {
	case PS_GET_STATUS:
		return d->state;
	case PS_SET_FEATURE:
		msleep(5);
		break;
	}
	return 0;
}

int ps_brcm_control_neg(struct ps *d, int req)
{
	unsigned long flags;
	int irq_disabled = 0;
	int ret;

	if (req == PS_GET_STATUS && ps_pending(d)) {
		irq_disabled = 1;
		local_irq_save(flags);
	}
	ret = ps_hub_control_neg(d, req);
	if (irq_disabled)
		local_irq_restore(flags);
	return ret;
}

/* Twin: interrupts are disabled for the request that sleeps. */
static int ps_hub_control_pos(struct ps *d, int req)
{
	switch (req) {
	case PS_GET_STATUS:
		return d->state;
	case PS_SET_FEATURE:
		msleep(5); /* expect: atomic-sleeping-call[warning] */
		break;
	}
	return 0;
}

int ps_brcm_control_pos(struct ps *d, int req)
{
	unsigned long flags;
	int irq_disabled = 0;
	int ret;

	if (req == PS_SET_FEATURE && ps_pending(d)) {
		irq_disabled = 1;
		local_irq_save(flags);
	}
	ret = ps_hub_control_pos(d, req);
	if (irq_disabled)
		local_irq_restore(flags);
	return ret;
}

/* A parameter tested where the lock is taken, tested again before the sleep. */
void ps_mode_neg(struct ps *d, int mode)
{
	if (mode == PS_GET_STATUS)
		spin_lock(&d->lock);
	d->state = 1;
	if (mode == PS_SET_FEATURE)
		msleep(1);
	if (mode == PS_GET_STATUS)
		spin_unlock(&d->lock);
}

/* Twin: the sleep is under the value the lock was taken with. */
void ps_mode_pos(struct ps *d, int mode)
{
	if (mode == PS_SET_FEATURE)
		spin_lock(&d->lock);
	d->state = 1;
	if (mode == PS_SET_FEATURE)
		msleep(1); /* expect: atomic-sleeping-call */
	if (mode == PS_SET_FEATURE)
		spin_unlock(&d->lock);
}

/* A local initialised from a test of a parameter is that test (`can_wait =
 * !!(gfp & __GFP_DIRECT_RECLAIM)`): a caller passing a value without the bit does
 * not reach the sleep. */
#define PS_F_WAIT 0x2

static void ps_refill_neg(struct ps *d, unsigned int flags)
{
	bool can_wait = !!(flags & PS_F_WAIT);

	d->state = 0;
	if (can_wait)
		msleep(1);
}

void ps_poll_neg(struct ps *d)
{
	spin_lock(&d->lock);
	ps_refill_neg(d, 0);
	spin_unlock(&d->lock);
}

/* Twin: the caller passes the bit. */
static void ps_refill_pos(struct ps *d, unsigned int flags)
{
	bool can_wait = !!(flags & PS_F_WAIT);

	d->state = 0;
	if (can_wait)
		msleep(1); /* expect: atomic-sleeping-call */
}

void ps_poll_pos(struct ps *d)
{
	spin_lock(&d->lock);
	ps_refill_pos(d, PS_F_WAIT);
	spin_unlock(&d->lock);
}

/* Twin: the local is written again, so its test says nothing about the parameter. */
static void ps_refill_rewritten_pos(struct ps *d, unsigned int flags)
{
	bool can_wait = !!(flags & PS_F_WAIT);

	if (d->state)
		can_wait = true;
	if (can_wait)
		msleep(1); /* expect: atomic-sleeping-call */
}

void ps_poll_rewritten_pos(struct ps *d)
{
	spin_lock(&d->lock);
	ps_refill_rewritten_pos(d, 0);
	spin_unlock(&d->lock);
}

/* A section taken under a condition on a field, in a function that also tests a
 * parameter (so its paths are grouped): where the same condition is false again, the
 * section is not held, as in the joined analysis. */
void ps_field_cond_neg(struct ps *d, int mode)
{
	if (mode)
		d->virt = NULL;
	if (d->state)
		spin_lock(&d->lock);
	d->virt = d;
	if (d->state)
		spin_unlock(&d->lock);
	msleep(1);
}

/* Twin: the sleep is between the two tests. */
void ps_field_cond_pos(struct ps *d, int mode)
{
	if (mode)
		d->virt = NULL;
	if (d->state)
		spin_lock(&d->lock);
	msleep(1); /* expect: atomic-sleeping-call[warning] */
	if (d->state)
		spin_unlock(&d->lock);
}

/* A local set on one side of a parameter test, in a function that takes no lock:
 * the later branch on it reaches the sleep only on that side's paths, with `other`
 * NULL, which the caller holding the lock rules out (it passes an object it has just
 * allocated and checked). */
static void ps_made_neg(struct ps *d, struct ps *other)
{
	bool made = false;

	if (!other)
		made = true;
	if (made)
		msleep(1);
}

void ps_made_caller_neg(struct ps *d)
{
	struct ps *o;

	spin_lock(&d->lock);
	o = kzalloc(sizeof(*o), GFP_ATOMIC);
	if (o)
		ps_made_neg(d, o);
	spin_unlock(&d->lock);
	kfree(o);
}

/* Twin: the local is set on both sides of the test. */
static void ps_made_pos(struct ps *d, struct ps *other)
{
	bool made = false;

	if (!other)
		made = true;
	else
		made = ps_choose(d);
	if (made)
		msleep(1); /* expect: atomic-sleeping-call */
}

void ps_made_caller_pos(struct ps *d)
{
	struct ps *o;

	spin_lock(&d->lock);
	o = kzalloc(sizeof(*o), GFP_ATOMIC);
	if (o)
		ps_made_pos(d, o);
	spin_unlock(&d->lock);
	kfree(o);
}

/* Twin of the tracked locals: an iterator macro assigns its cursor out of sight, so
 * the NULL the cursor was set to says nothing after the loop. */
void ps_iter_pos(struct ps *d, struct list_head *head)
{
	struct ps *p = NULL;

	spin_lock(&d->lock);
	list_for_each_entry(p, head, state) {
		if (p->state)
			break;
	}
	if (p)
		msleep(1); /* expect: atomic-sleeping-call */
	spin_unlock(&d->lock);
}
