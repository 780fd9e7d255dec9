// False-positive traps: none of these may be reported.
#include <linux/slab.h>
#include <linux/mutex.h>

struct tdev {
	spinlock_t lock;
	rwlock_t rw;
	struct mutex mutex;
	struct srcu_struct srcu;
	void *buf;
};

void atomic_flags_under_lock(struct tdev *t)
{
	spin_lock(&t->lock);
	t->buf = kmalloc(8, GFP_ATOMIC);
	t->buf = kmalloc(8, GFP_NOWAIT);
	t->buf = kmalloc(8, GFP_ATOMIC | __GFP_NOWARN | __GFP_ZERO);
	t->buf = kmalloc(8, GFP_KERNEL & ~__GFP_DIRECT_RECLAIM);
	t->buf = kmalloc(8, GFP_KERNEL & ~__GFP_RECLAIM);
	t->buf = kmalloc(8, GFP_TRANSHUGE_LIGHT);
	t->buf = kmalloc(8, (__force gfp_t)GFP_ATOMIC);
	spin_unlock(&t->lock);
}

void mutexes_may_sleep(struct tdev *t)
{
	mutex_lock(&t->mutex);
	t->buf = kmalloc(8, GFP_KERNEL);
	mutex_unlock(&t->mutex);
}

void srcu_is_sleepable(struct tdev *t)
{
	int idx = srcu_read_lock(&t->srcu);

	t->buf = kmalloc(8, GFP_KERNEL);
	srcu_read_unlock(&t->srcu, idx);
}

void init_is_not_acquire(struct tdev *t)
{
	spin_lock_init(&t->lock);
	rwlock_init(&t->rw);
	t->buf = kmalloc(8, GFP_KERNEL);
}

void after_unlock(struct tdev *t)
{
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	spin_unlock_irqrestore(&t->lock, flags);
	t->buf = kmalloc(8, GFP_KERNEL);
	write_lock(&t->rw);
	write_unlock(&t->rw);
	t->buf = vmalloc(4096);
}

void strings_and_comments(struct tdev *t)
{
	spin_lock(&t->lock);
	/* kmalloc(8, GFP_KERNEL) in a comment is not a call */
	// t->buf = kmalloc(8, GFP_KERNEL);
	pr_info("would use kmalloc(8, GFP_KERNEL) here\n");
	pr_debug("GFP_KERNEL");
	spin_unlock(&t->lock);
}

void flags_unknown(struct tdev *t, gfp_t gfp)
{
	spin_lock(&t->lock);
	/* A caller-chosen flag is not known to sleep here. */
	t->buf = kmalloc(8, gfp);
	t->buf = kmalloc(8, in_atomic() ? GFP_ATOMIC : GFP_KERNEL);
	t->buf = kmalloc(8, gfp & ~__GFP_RECLAIM);
	spin_unlock(&t->lock);
}

void flag_queries_do_not_allocate(struct tdev *t)
{
	spin_lock(&t->lock);
	if (gfpflags_allow_blocking(GFP_KERNEL))
		t->buf = NULL;
	WARN_ON(GFP_KERNEL & __GFP_HIGH);
	spin_unlock(&t->lock);
}

void trylock_failure_branch(struct tdev *t)
{
	if (!spin_trylock(&t->lock)) {
		t->buf = kmalloc(8, GFP_KERNEL);
		return;
	}
	spin_unlock(&t->lock);
}

void dead_code_after_return(struct tdev *t)
{
	spin_lock(&t->lock);
	spin_unlock(&t->lock);
	return;
	spin_lock(&t->lock);
	t->buf = kmalloc(8, GFP_KERNEL);
}
