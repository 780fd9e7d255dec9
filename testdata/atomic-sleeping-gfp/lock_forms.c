// Every form of atomic section gfplint tracks, each with a sleeping allocation inside.
#include <linux/slab.h>
#include <linux/spinlock.h>

struct xdev {
	spinlock_t lock;
	raw_spinlock_t raw;
	rwlock_t rw;
	void *buf;
	size_t len;
};

void forms_spin(struct xdev *d)
{
	unsigned long flags;

	spin_lock(&d->lock);
	d->buf = kmalloc(d->len, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	spin_unlock(&d->lock);

	spin_lock_irq(&d->lock);
	d->buf = kzalloc(d->len, GFP_KERNEL_ACCOUNT); /* expect: atomic-sleeping-gfp */
	spin_unlock_irq(&d->lock);

	spin_lock_irqsave(&d->lock, flags);
	d->buf = kcalloc(4, d->len, GFP_NOFS); /* expect: atomic-sleeping-gfp */
	spin_unlock_irqrestore(&d->lock, flags);

	spin_lock_bh(&d->lock);
	d->buf = kmalloc_array(4, d->len, GFP_NOIO); /* expect: atomic-sleeping-gfp */
	spin_unlock_bh(&d->lock);

	spin_lock_nested(&d->lock, 1);
	d->buf = kmemdup(d->buf, d->len, GFP_USER); /* expect: atomic-sleeping-gfp */
	spin_unlock(&d->lock);
}

void forms_raw(struct xdev *d)
{
	unsigned long flags;

	raw_spin_lock(&d->raw);
	d->buf = kstrdup("name", GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	raw_spin_unlock(&d->raw);

	raw_spin_lock_irqsave(&d->raw, flags);
	d->buf = kasprintf(GFP_KERNEL, "x%d", 1); /* expect: atomic-sleeping-gfp */
	raw_spin_unlock_irqrestore(&d->raw, flags);
}

void forms_rwlock(struct xdev *d)
{
	unsigned long flags;

	read_lock(&d->rw);
	d->buf = krealloc(d->buf, 64, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	read_unlock(&d->rw);

	write_lock_irqsave(&d->rw, flags);
	d->buf = kmalloc_node(64, GFP_HIGHUSER, 0); /* expect: atomic-sleeping-gfp */
	write_unlock_irqrestore(&d->rw, flags);

	write_lock_bh(&d->rw);
	d->buf = alloc_pages(GFP_KERNEL, 2); /* expect: atomic-sleeping-gfp */
	write_unlock_bh(&d->rw);

	read_lock_irq(&d->rw);
	d->buf = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, 1); /* expect: atomic-sleeping-gfp */
	read_unlock_irq(&d->rw);
}

void forms_cpu_state(struct xdev *d, struct kmem_cache *cache)
{
	unsigned long flags;

	local_irq_disable();
	d->buf = kmem_cache_alloc(cache, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	local_irq_enable();

	local_irq_save(flags);
	d->buf = (void *)get_zeroed_page(GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	local_irq_restore(flags);

	preempt_disable();
	d->buf = alloc_skb(128, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	preempt_enable();

	local_bh_disable();
	d->buf = __netdev_alloc_skb(NULL, 128, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	local_bh_enable();

	rcu_read_lock();
	d->buf = kzalloc(16, __GFP_DIRECT_RECLAIM); /* expect: atomic-sleeping-gfp */
	rcu_read_unlock();

	rcu_read_lock_bh();
	d->buf = kzalloc(16, __GFP_RECLAIM); /* expect: atomic-sleeping-gfp */
	rcu_read_unlock_bh();

	rcu_read_lock_sched();
	d->buf = kzalloc(16, GFP_HIGHUSER_MOVABLE); /* expect: atomic-sleeping-gfp */
	rcu_read_unlock_sched();
}

void forms_other_allocators(struct device *dev, struct xdev *d, struct urb *urb, struct idr *idr,
			    struct xarray *xa, dma_addr_t *handle)
{
	spin_lock(&d->lock);
	d->buf = dma_alloc_coherent(dev, 4096, handle, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	urb = usb_alloc_urb(0, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	usb_submit_urb(urb, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	idr_alloc(idr, d, 0, 0, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	xa_store(xa, 1, d, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	d->buf = devm_kzalloc(dev, 32, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	/* Not in any table: recognised by its GFP argument. */
	xdev_queue_work_alloc(d, 64, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	spin_unlock(&d->lock);
}

/* The kmalloc_obj family: the GFP argument is optional and defaults to GFP_KERNEL. */
void forms_kmalloc_obj(struct xdev *d)
{
	struct xdev *n;

	spin_lock(&d->lock);
	n = kzalloc_obj(*n); /* expect: atomic-sleeping-gfp */
	n = kmalloc_objs(*n, 4); /* expect: atomic-sleeping-gfp */
	n = kzalloc_obj(*n, GFP_ATOMIC);
	n = kmalloc_flex(*n, buf, 4, GFP_NOWAIT);
	n = kvzalloc_obj(*n, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	spin_unlock(&d->lock);
}
