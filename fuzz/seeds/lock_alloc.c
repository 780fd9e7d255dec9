/* seed: a sleeping allocation under a spinlock, and a safe one */
#include <linux/slab.h>
struct widget { spinlock_t lock; void *buf; int n; };

static int widget_grow(struct widget *w, size_t len)
{
	unsigned long flags;
	void *p;

	spin_lock_irqsave(&w->lock, flags);
	p = kmalloc(len, GFP_KERNEL | __GFP_ZERO);
	if (!p) {
		spin_unlock_irqrestore(&w->lock, flags);
		return -ENOMEM;
	}
	w->buf = kzalloc(len, GFP_KERNEL & ~__GFP_DIRECT_RECLAIM);
	spin_unlock_irqrestore(&w->lock, flags);
	return 0;
}
