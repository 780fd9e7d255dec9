/* Lock wrappers that take the queue lock or disable IRQs depending on the
 * configuration (net/core/dev.c's rps_lock_irqsave() shape), and a caller that pairs
 * them. Neither wrapper takes a section on every path; the caller must still not
 * become a release wrapper, or every function calling it (and their callers) would
 * lose the atomic context of its own callers. */
#include <linux/spinlock.h>

struct mq_backlog {
	spinlock_t lock;
	int len;
};

static inline void mq_lock_irqsave(struct mq_backlog *q, unsigned long *flags)
{
	if (IS_ENABLED(CONFIG_MQ_SPLIT))
		spin_lock_irqsave(&q->lock, *flags);
	else
		local_irq_save(*flags);
}

static inline void mq_unlock_irqrestore(struct mq_backlog *q, unsigned long *flags)
{
	if (IS_ENABLED(CONFIG_MQ_SPLIT))
		spin_unlock_irqrestore(&q->lock, *flags);
	else
		local_irq_restore(*flags);
}

int mq_enqueue(struct mq_backlog *q)
{
	unsigned long flags;

	mq_lock_irqsave(q, &flags);
	q->len++;
	mq_unlock_irqrestore(q, &flags);
	return 0;
}

/* Called with q->lock held: drops it to sleep and takes it again. The release is
 * matched only by a section the wrapper may have taken, so it may be the caller's:
 * a drop, and the caller's lock does not carry into the sleep. */
void mq_drain_locked(struct mq_backlog *q)
{
	unsigned long flags;

	mq_lock_irqsave(q, &flags);
	spin_unlock(&q->lock);
	msleep(1);
	spin_lock(&q->lock);
}

void mq_flush(struct mq_backlog *q)
{
	spin_lock(&q->lock);
	mq_drain_locked(q);
	spin_unlock(&q->lock);
}
