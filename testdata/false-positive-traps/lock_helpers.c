/* Locks released by helpers and macro arguments (issue 10, pattern 2, second round):
 * each negative has a positive twin of the same shape that still holds the lock at the
 * sleep. */
struct lh_ops;
struct lh {
	spinlock_t lock;
	rwlock_t tlock;
	spinlock_t flags_lock;
	struct mutex m;
	struct completion done;
	wait_queue_head_t wq;
	const struct lh_ops *ops;
	int pending;
	int flags;
};

/* 1. `__releases()`: the helper unlocks through an operation pointer the analysis
 * cannot follow; the annotation says it returns with the caller's lock released. */
static void lh_queue_and_unlock(struct lh *q)
	__releases(q->lock)
{
	q->pending++;
	q->ops->wake_and_unlock(q);
}

void lh_send(struct lh *q)
{
	spin_lock(&q->lock);
	lh_queue_and_unlock(q);
	wait_for_completion(&q->done);
}

void lh_send_early(struct lh *q)
{
	spin_lock(&q->lock);
	wait_for_completion(&q->done); /* expect: atomic-sleeping-call */
	lh_queue_and_unlock(q);
}

/* 2. A lock taken in one helper and released in a nested *_and_unlock helper, the
 * pair two calls below the function that sleeps. */
static void lh_prune_and_unlock(struct lh *t);

static void __lh_down(struct lh *t)
{
	write_lock_bh(&t->tlock);
	t->pending = 0;
	lh_prune_and_unlock(t);
}

static void lh_prune_and_unlock(struct lh *t)
{
	t->flags = 0;
	write_unlock_bh(&t->tlock);
}

static void lh_down(struct lh *t)
{
	__lh_down(t);
}

void lh_clear(struct lh *t)
{
	lh_down(t);
	wait_for_completion(&t->done);
}

static void __lh_hold(struct lh *t)
{
	write_lock_bh(&t->tlock);
	t->pending = 0;
}

static void lh_hold(struct lh *t)
{
	__lh_hold(t);
}

void lh_clear_held(struct lh *t)
{
	lh_hold(t);
	wait_for_completion(&t->done); /* expect: atomic-sleeping-call */
	write_unlock_bh(&t->tlock);
}

/* 3. A helper annotated `__releases()` that releases its caller's lock, and on an
 * error path takes it again only to release it once more: the annotation makes it a
 * release (without it, taking the lock again anywhere makes it a drop). */
static int lh_recycle(struct lh *ip)
	__releases(&ip->flags_lock)
{
	ip->flags |= 1;
	spin_unlock(&ip->flags_lock);
	if (lh_reinit(ip)) {
		spin_lock(&ip->flags_lock);
		ip->flags &= ~1;
		spin_unlock(&ip->flags_lock);
		return -EAGAIN;
	}
	return 0;
}

int lh_get(struct lh *ip)
{
	int err;

	spin_lock(&ip->flags_lock);
	if (ip->flags & 2) {
		err = lh_recycle(ip);
		if (err)
			return err;
	} else {
		spin_unlock(&ip->flags_lock);
	}
	mutex_lock(&ip->m);
	return 0;
}

int lh_get_leaky(struct lh *ip)
{
	spin_lock(&ip->flags_lock);
	if (ip->flags & 2)
		ip->flags = 0;
	mutex_lock(&ip->m); /* expect: atomic-sleeping-call */
	spin_unlock(&ip->flags_lock);
	return 0;
}

/* 4. wait_event_lock_irq_cmd() runs its last argument with the lock released. */
static void lh_flush(struct lh *c)
{
	mutex_lock(&c->m); /* expect: atomic-sleeping-call */
	c->pending = 0;
	mutex_unlock(&c->m);
}

void lh_freeze(struct lh *c)
{
	spin_lock_irq(&c->lock);
	wait_event_lock_irq_cmd(c->wq, c->pending == 0, c->lock, lh_flush(c));
	spin_unlock_irq(&c->lock);
}

void lh_freeze_flush_first(struct lh *c)
{
	spin_lock_irq(&c->lock);
	lh_flush(c);
	wait_event_lock_irq_cmd(c->wq, c->pending == 0, c->lock, cpu_relax());
	spin_unlock_irq(&c->lock);
}
