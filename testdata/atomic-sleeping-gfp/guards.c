// cleanup.h guards: guard() holds to the end of the enclosing block; scoped_guard()
// holds for its body.
#include <linux/cleanup.h>

struct gdev {
	spinlock_t lock;
	raw_spinlock_t raw;
	struct mutex mutex;
	void *buf;
};

void guard_to_end_of_function(struct gdev *g)
{
	g->buf = kmalloc(8, GFP_KERNEL);
	guard(spinlock_irqsave)(&g->lock);
	g->buf = kmalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
}

void guard_to_end_of_block(struct gdev *g, int cond)
{
	if (cond) {
		guard(raw_spinlock)(&g->raw);
		g->buf = kzalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	}
	/* The guard ended with its block. */
	g->buf = kzalloc(8, GFP_KERNEL);
}

void guard_with_early_return(struct gdev *g, int cond)
{
	{
		guard(spinlock)(&g->lock);
		if (cond)
			return;
		g->buf = kzalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	}
	g->buf = kzalloc(8, GFP_KERNEL);
}

void guard_rcu_and_preempt(struct gdev *g)
{
	{
		guard(rcu)();
		g->buf = kzalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	}
	{
		guard(preempt)();
		g->buf = kzalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	}
	{
		guard(irqsave)();
		g->buf = kzalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	}
}

void scoped(struct gdev *g)
{
	scoped_guard(spinlock_irqsave, &g->lock) {
		g->buf = kzalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	}
	g->buf = kzalloc(8, GFP_KERNEL);

	scoped_guard(spinlock, &g->lock)
		g->buf = kzalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	g->buf = kzalloc(8, GFP_KERNEL);

	scoped_guard(spinlock_try, &g->lock) {
		g->buf = kzalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	}
	g->buf = kzalloc(8, GFP_KERNEL);
}

/* A mutex guard is process context: sleeping is fine. */
void mutex_guards(struct gdev *g)
{
	guard(mutex)(&g->mutex);
	g->buf = kzalloc(8, GFP_KERNEL);
	scoped_guard(mutex, &g->mutex) {
		g->buf = kzalloc(8, GFP_KERNEL);
	}
}
