/* Twin of released_by_result.c: where the lock is still held, the sleep is reported. */
struct jr_batch {
	spinlock_t lock;
	int queued;
	int stalled;
};

int jr_run_one(struct jr_batch *b);

/* Returns 0 with b->lock held, -EAGAIN without it. */
static int jr_drain(struct jr_batch *b)
{
	int err;

	while (b->queued) {
		if (b->stalled) {
			spin_unlock(&b->lock);
			return -EAGAIN;
		}
		b->queued--;
		spin_unlock(&b->lock);
		err = jr_run_one(b);
		if (err)
			return err;
		spin_lock(&b->lock);
	}
	return 0;
}

/* Returns -EBUSY with b->lock still held on one path: its result says nothing. */
static int jr_drain_busy(struct jr_batch *b)
{
	if (b->stalled)
		return -EBUSY;
	while (b->queued) {
		b->queued--;
		spin_unlock(&b->lock);
		if (jr_run_one(b))
			return -EIO;
		spin_lock(&b->lock);
	}
	return 0;
}

/* Returns without b->lock on every path but one. */
static int jr_retire(struct jr_batch *b)
{
	spin_unlock(&b->lock);
	if (jr_run_one(b))
		return -EIO;
	spin_lock(&b->lock);
	if (b->queued) {
		spin_unlock(&b->lock);
		return 1;
	}
	return 0;
}

/* The sleep where the result is 0: the lock is held. */
int jr_sleep_on_zero(struct jr_batch *b)
{
	int ret;

	spin_lock(&b->lock);
	ret = jr_drain(b);
	if (!ret)
		msleep(1); /* expect: atomic-sleeping-call */
	return ret;
}

/* The result overwritten before it is tested. */
int jr_overwritten(struct jr_batch *b, int force)
{
	int ret;

	spin_lock(&b->lock);
	ret = jr_drain(b);
	ret = force;
	if (ret)
		msleep(1); /* expect: atomic-sleeping-call */
	return 0;
}

/* The result not kept. */
void jr_ignored(struct jr_batch *b)
{
	spin_lock(&b->lock);
	jr_drain(b);
	msleep(1); /* expect: atomic-sleeping-call */
}

int jr_busy(struct jr_batch *b)
{
	int ret;

	spin_lock(&b->lock);
	ret = jr_drain_busy(b);
	if (ret)
		msleep(1); /* expect: atomic-sleeping-call */
	return ret;
}

int jr_retired(struct jr_batch *b)
{
	int ret;

	spin_lock(&b->lock);
	ret = jr_retire(b);
	msleep(1); /* expect: atomic-sleeping-call */
	return ret;
}
