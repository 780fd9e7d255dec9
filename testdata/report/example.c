// The bundled example: the README runs gfplint on this file.
#include <linux/slab.h>
#include <linux/spinlock.h>

struct xf_dev {
	spinlock_t lock;
	void *snapshot;
	size_t len;
	int ready;
};

int xf_snapshot(struct xf_dev *priv)
{
	unsigned long flags;

	spin_lock_irqsave(&priv->lock, flags);
	priv->snapshot = kmalloc(priv->len, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	spin_unlock_irqrestore(&priv->lock, flags);
	return priv->snapshot ? 0 : -ENOMEM;
}

void xf_maybe_locked(struct xf_dev *priv)
{
	if (priv->ready)
		rcu_read_lock();
	priv->snapshot = vzalloc(priv->len); /* expect: atomic-sleeping-alloc[warning] */
	if (priv->ready)
		rcu_read_unlock();
}
