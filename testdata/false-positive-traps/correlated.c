/* Locks taken and released under the same condition: after the release the lock is
 * held on no path, whatever the condition was. */
struct cdev {
	spinlock_t lock;
	spinlock_t a;
	spinlock_t b;
	struct mutex m;
	struct cdev *next;
	void *buf;
};

void cond_lock(struct cdev *d, int cond)
{
	unsigned long fl;

	if (cond)
		spin_lock_irqsave(&d->lock, fl);
	d->buf = NULL;
	if (cond)
		spin_unlock_irqrestore(&d->lock, fl);
	msleep(1);
}

void either_lock(struct cdev *d, bool sli4)
{
	if (sli4)
		spin_lock(&d->a);
	else
		spin_lock(&d->b);
	d->buf = NULL;
	if (sli4)
		spin_unlock(&d->a);
	else
		spin_unlock(&d->b);
	mutex_lock(&d->m);
	mutex_unlock(&d->m);
}

/* Hand over hand: the loop exits when t is NULL, and nothing is held then. */
void hand_over_hand(struct cdev *t)
{
	struct cdev *last;

	if (t)
		spin_lock(&t->lock);
	while (t) {
		last = t;
		t = t->next;
		spin_unlock(&last->lock);
		if (t)
			spin_lock(&t->lock);
	}
	mutex_lock(&last->m);
	mutex_unlock(&last->m);
}

/* Between the two tests the lock may be held: that is still reported. */
void cond_lock_sleep_inside(struct cdev *d, int cond)
{
	if (cond)
		spin_lock(&d->lock);
	msleep(1); /* expect: atomic-sleeping-call[warning] */
	if (cond)
		spin_unlock(&d->lock);
}

/* The same pure query taken and released under: bottom halves are enabled again
 * before the sleep. A query with side effects is not trusted (positive twin). */
void cond_query(struct cdev *d, const char *mode)
{
	if (strcmp(mode, "softirq"))
		local_bh_disable();
	d->buf = NULL;
	if (strcmp(mode, "softirq"))
		local_bh_enable();
	msleep(1);
}

void cond_query_side_effect(struct cdev *d)
{
	if (next_mode(d))
		local_bh_disable();
	d->buf = NULL;
	if (next_mode(d))
		local_bh_enable();
	msleep(1); /* expect: atomic-sleeping-call[warning] */
}
