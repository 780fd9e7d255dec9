/* One finding per path (issue 10, pattern 7): a callee called after an earlier
 * sleeping call in the same section, or a later sleep in a function atomic because of
 * its callers, is the earlier call's finding. Each sleeping call inside a section
 * taken in the same function is still reported (each has to move), and so is a sleep
 * not preceded on every path by an earlier one. */
struct fs1 {
	spinlock_t lock;
	struct mutex m;
	void *buf;
};

static void fs1_drain(struct fs1 *f)
{
	msleep(1);
}

void fs1_stop(struct fs1 *f)
{
	spin_lock(&f->lock);
	mutex_lock(&f->m); /* expect: atomic-sleeping-call */
	f->buf = kmalloc(64, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	fs1_drain(f);
	mutex_unlock(&f->m);
	spin_unlock(&f->lock);
}

void fs1_maybe(struct fs1 *f, int wait)
{
	spin_lock(&f->lock);
	if (wait)
		mutex_lock(&f->m); /* expect: atomic-sleeping-call */
	f->buf = kmalloc(64, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	spin_unlock(&f->lock);
}

/* A section taken between the two: the second is its own finding. */
void fs1_two_sections(struct fs1 *f)
{
	spin_lock(&f->lock);
	msleep(1); /* expect: atomic-sleeping-call */
	spin_unlock(&f->lock);
	spin_lock(&f->lock);
	msleep(2); /* expect: atomic-sleeping-call */
	spin_unlock(&f->lock);
}

/* Atomic because of its caller: the later sleep is the first one's finding. */
static void fs1_flush(struct fs1 *f)
{
	mutex_lock(&f->m); /* expect: atomic-sleeping-call */
	msleep(1);
	mutex_unlock(&f->m);
}

void fs1_flush_locked(struct fs1 *f)
{
	spin_lock(&f->lock);
	fs1_flush(f);
	spin_unlock(&f->lock);
}

/* A helper of the same file that sleeps by itself on every path (and leaves its
 * caller's sections alone) counts as a sleeping call: the later calls of a function
 * atomic because of its callers are that helper's finding. A helper that sleeps on
 * some paths only does not count. */
struct fs2 {
	spinlock_t lock;
	struct mutex list_mutex;
	struct mutex m;
	int enabled;
};

static void fs2_lock_all(struct fs2 *f)
{
	mutex_lock(&f->list_mutex); /* expect: atomic-sleeping-call */
}

static void fs2_lock_some(struct fs2 *f)
{
	if (f->enabled)
		mutex_lock(&f->list_mutex); /* expect: atomic-sleeping-call */
}

static void fs2_apply(struct fs2 *f)
{
	mutex_lock(&f->m);
	f->enabled = 1;
	mutex_unlock(&f->m);
}

static void fs2_apply_pos(struct fs2 *f)
{
	mutex_lock(&f->m); /* expect: atomic-sleeping-call */
	f->enabled = 1;
	mutex_unlock(&f->m);
}

static void fs2_enable(struct fs2 *f)
{
	fs2_lock_all(f);
	fs2_apply(f);
}

static void fs2_enable_pos(struct fs2 *f)
{
	fs2_lock_some(f);
	fs2_apply_pos(f);
}

void fs2_power(struct fs2 *f)
{
	spin_lock(&f->lock);
	fs2_enable(f);
	spin_unlock(&f->lock);
}

void fs2_power_pos(struct fs2 *f)
{
	spin_lock(&f->lock);
	fs2_enable_pos(f);
	spin_unlock(&f->lock);
}

/* Atomic because of its caller, with a section of its own taken and released between
 * the two sleeps (lib82596's reset: `request_irq()`, then a spinlock for the command,
 * then `free_irq()` on the error path): the caller's context never ended, so the later
 * sleep is still the first one's finding. A sleep inside that section of its own is
 * its own finding. */
struct fs3 {
	spinlock_t lock;
	spinlock_t cmd_lock;
	int irq;
	int busy;
};

static irqreturn_t fs3_isr(int irq, void *d)
{
	return IRQ_HANDLED;
}

static int fs3_init(struct fs3 *f)
{
	unsigned long flags;

	if (request_irq(f->irq, fs3_isr, 0, "fs3", f)) /* expect: atomic-sleeping-call */
		return -1;
	spin_lock_irqsave(&f->cmd_lock, flags);
	if (f->busy) {
		spin_unlock_irqrestore(&f->cmd_lock, flags);
		goto fail_free;
	}
	spin_unlock_irqrestore(&f->cmd_lock, flags);
	return 0;
fail_free:
	free_irq(f->irq, f);
	return -1;
}

void fs3_reset(struct fs3 *f)
{
	spin_lock(&f->lock);
	fs3_init(f);
	spin_unlock(&f->lock);
}

/* A literal `fsleep()` above 10 µs sleeps: the later sleep of the path is its finding
 * (a `fsleep(d)` of a parameter does not count: it depends on the caller's value). */
static void fs4_settle(struct fs3 *f)
{
	fsleep(20); /* expect: atomic-sleeping-call */
	msleep(1);
}

void fs4_locked(struct fs3 *f)
{
	spin_lock(&f->lock);
	fs4_settle(f);
	spin_unlock(&f->lock);
}
