/* File-local macros that run an argument with the caller's lock released (issue 10,
 * pattern 2): `cmd` below runs after `spin_unlock_irq(&(c)->lock);` and before the lock
 * is taken again, so what it calls is not under the lock. The positive twins: a macro
 * that runs its argument with the lock still held, one that releases it only on some
 * paths, and a call outside the bracketed argument. */
struct ub {
	spinlock_t lock;
	wait_queue_head_t wq;
	int pending;
	int queued;
};

#define ub_cmd_before(c, cmd) \
	do { \
		spin_unlock_irq(&(c)->lock); /* drop it */ \
		cmd; \
	} while (0)
#define ub_cmd_after(c) spin_lock_irq(&(c)->lock)

#define ub_wait_cmd(c, cond, cmd) \
	wait_event_cmd((c)->wq, cond, ub_cmd_before(c, cmd), \
		       ub_cmd_after(c))

#define ub_held_cmd(c, cond, cmd) \
	wait_event_cmd((c)->wq, cond, cmd, ub_cmd_after(c))

#define ub_maybe_cmd(c, cmd) \
	do { if ((c)->queued) spin_unlock_irq(&(c)->lock); cmd; spin_lock_irq(&(c)->lock); } while (0)

static void ub_flush_neg(struct ub *c)
{
	msleep(1);
}

static void ub_flush_held_pos(struct ub *c)
{
	msleep(2); /* expect: atomic-sleeping-call */
}

static void ub_flush_maybe_pos(struct ub *c)
{
	msleep(3); /* expect: atomic-sleeping-call */
}

static void ub_outside_pos(struct ub *c)
{
	msleep(4); /* expect: atomic-sleeping-call */
}

void ub_freeze(struct ub *c)
{
	spin_lock_irq(&c->lock);
	c->pending++;
	ub_wait_cmd(c, c->pending == c->queued, ub_flush_neg(c));
	ub_held_cmd(c, c->pending == c->queued, ub_flush_held_pos(c));
	spin_unlock_irq(&c->lock);
}

/* Each twin below is the first sleep on its path (a later one would be the earlier
 * call's finding). */
void ub_freeze_maybe(struct ub *c)
{
	spin_lock_irq(&c->lock);
	ub_wait_cmd(c, c->pending == c->queued, ub_flush_neg(c));
	ub_maybe_cmd(c, ub_flush_maybe_pos(c));
	spin_unlock_irq(&c->lock);
}

void ub_freeze_outside(struct ub *c)
{
	spin_lock_irq(&c->lock);
	ub_wait_cmd(c, c->pending == c->queued, ub_flush_neg(c));
	ub_outside_pos(c);
	spin_unlock_irq(&c->lock);
}
