// Kernel macros must not derail the analysis: annotations, iterator macros,
// KERN_ string concatenation, attribute lists.
#include <linux/list.h>

struct item {
	struct list_head node;
	spinlock_t lock;
	void *data;
};

struct mdev {
	spinlock_t lock;
	struct list_head items;
	void __iomem *regs;
	void __rcu *rcu_ptr;
};

static int __init __maybe_unused mdev_setup(struct mdev *m)
{
	struct item *it;

	spin_lock(&m->lock);
	list_for_each_entry(it, &m->items, node) {
		it->data = kmalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	}
	spin_unlock(&m->lock);

	list_for_each_entry(it, &m->items, node) {
		spin_lock(&it->lock);
		it->data = kzalloc(8, GFP_ATOMIC);
		spin_unlock(&it->lock);
		it->data = kzalloc(8, GFP_KERNEL);
	}
	printk(KERN_ERR "mdev: setup\n");
	return 0;
}

static void mdev_locked_helper(struct mdev *m) __must_hold(&m->lock)
{
	spin_lock(&m->lock);
	m->rcu_ptr = kmalloc(4, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	spin_unlock(&m->lock);
}

/* An iterator macro the pre-pass does not know still scopes its block. */
static void mdev_walk(struct mdev *m)
{
	struct item *it;

	spin_lock(&m->lock);
	mdev_iterate_items(it, m) {
		it->data = kmalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	}
	spin_unlock(&m->lock);
	mdev_iterate_items(it, m) {
		it->data = kmalloc(8, GFP_KERNEL);
	}
}

static const struct mdev_ops mdev_ops __attribute__((unused)) = {
	.setup = mdev_setup,
};
