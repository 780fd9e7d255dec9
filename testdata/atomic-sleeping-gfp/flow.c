// Flow sensitivity: the lock state follows branches, loops, gotos and returns.
#include <linux/slab.h>

struct fdev {
	spinlock_t lock;
	spinlock_t other;
	void *buf;
	int count;
};

int early_return_unlocks(struct fdev *f, int bad)
{
	spin_lock(&f->lock);
	if (bad) {
		spin_unlock(&f->lock);
		f->buf = kmalloc(8, GFP_KERNEL);
		return -EINVAL;
	}
	f->buf = kmalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	spin_unlock(&f->lock);
	return 0;
}

int goto_unlock_path(struct fdev *f)
{
	int ret = 0;

	spin_lock(&f->lock);
	if (f->count < 0) {
		ret = -EINVAL;
		goto out_unlock;
	}
	f->count++;
out_unlock:
	spin_unlock(&f->lock);
	f->buf = kmalloc(8, GFP_KERNEL);
	return ret;
}

int goto_into_locked_region(struct fdev *f)
{
	spin_lock(&f->lock);
	if (!f->buf)
		goto fail;
	spin_unlock(&f->lock);
	return 0;
fail:
	f->buf = kzalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	spin_unlock(&f->lock);
	return -ENOMEM;
}

void unlock_in_both_branches(struct fdev *f, int a)
{
	spin_lock(&f->lock);
	if (a) {
		f->count = 1;
		spin_unlock(&f->lock);
	} else {
		f->count = 2;
		spin_unlock(&f->lock);
	}
	f->buf = kmalloc(8, GFP_KERNEL);
}

void unlock_in_one_branch(struct fdev *f, int a)
{
	spin_lock(&f->lock);
	if (a)
		spin_unlock(&f->lock);
	/* Held on the path where a == 0: a warning that says "some paths". */
	f->buf = kmalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp[warning] */
	if (!a)
		spin_unlock(&f->lock);
}

void trylock_success_branch(struct fdev *f)
{
	if (spin_trylock(&f->lock)) {
		f->buf = kmalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp[error] */
		spin_unlock(&f->lock);
	} else {
		f->buf = kmalloc(8, GFP_KERNEL);
	}
	f->buf = kmalloc(8, GFP_KERNEL);
}

int trylock_negated(struct fdev *f)
{
	if (!spin_trylock_irq(&f->lock)) {
		f->buf = kmalloc(8, GFP_KERNEL);
		return -EBUSY;
	}
	f->buf = kmalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	spin_unlock_irq(&f->lock);
	return 0;
}

void trylock_in_conjunction(struct fdev *f, int ready)
{
	if (ready && likely(spin_trylock(&f->lock))) {
		f->buf = kmalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
		spin_unlock(&f->lock);
	}
}

void nested_locks(struct fdev *f)
{
	spin_lock(&f->lock);
	spin_lock(&f->other);
	spin_unlock(&f->other);
	/* f->lock is still held. */
	f->buf = kmalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	spin_unlock(&f->lock);
	f->buf = kmalloc(8, GFP_KERNEL);
}

void lock_in_loop(struct fdev *f, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		spin_lock(&f->lock);
		f->count += i;
		spin_unlock(&f->lock);
		f->buf = kmalloc(8, GFP_KERNEL);
	}
	while (n--) {
		spin_lock(&f->lock);
		f->buf = kmalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
		spin_unlock(&f->lock);
	}
	do {
		f->buf = kmalloc(8, GFP_KERNEL);
	} while (0);
}

void break_out_of_locked_loop(struct fdev *f, int n)
{
	for (;;) {
		spin_lock(&f->lock);
		if (f->count > n)
			break;
		spin_unlock(&f->lock);
	}
	/* Only the break path gets here, with the lock held. */
	f->buf = kmalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	spin_unlock(&f->lock);
}

void switch_paths(struct fdev *f, int op)
{
	switch (op) {
	case 0:
		spin_lock(&f->lock);
		f->buf = kmalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
		spin_unlock(&f->lock);
		break;
	case 1:
		f->buf = kmalloc(8, GFP_KERNEL);
		break;
	default:
		return;
	}
	f->buf = kmalloc(8, GFP_KERNEL);
}

void irqsave_under_different_names(struct fdev *f, struct fdev *alias)
{
	unsigned long flags;

	spin_lock_irqsave(&f->lock, flags);
	f->count++;
	/* Same lock through another pointer: released, no phantom lock afterwards. */
	spin_unlock_irqrestore(&alias->lock, flags);
	f->buf = kmalloc(8, GFP_KERNEL);
}

#ifdef CONFIG_XDEV_DEBUG
void config_alternatives(struct fdev *f)
{
#ifdef CONFIG_XDEV_LOCKED
	spin_lock(&f->lock);
#endif
	f->buf = kmalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp[warning] */
#ifdef CONFIG_XDEV_LOCKED
	spin_unlock(&f->lock);
#endif
}
#endif
