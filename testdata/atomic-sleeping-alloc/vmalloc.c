// Allocators that always may sleep, whatever their flags.
#include <linux/vmalloc.h>

struct vdev {
	spinlock_t lock;
	void *ring;
	unsigned long size;
};

void vmalloc_under_lock(struct vdev *v)
{
	spin_lock(&v->lock);
	v->ring = vmalloc(v->size); /* expect: atomic-sleeping-alloc */
	v->ring = vzalloc(v->size); /* expect: atomic-sleeping-alloc */
	v->ring = vmalloc_node(v->size, 0); /* expect: atomic-sleeping-alloc */
	/* GFP_ATOMIC does not make __vmalloc atomic-safe; reported once, as an allocator. */
	v->ring = __vmalloc(v->size, GFP_ATOMIC); /* expect: atomic-sleeping-alloc */
	v->ring = __vmalloc(v->size, GFP_KERNEL); /* expect: atomic-sleeping-alloc */
	v->ring = vmap(NULL, 1, 0, PAGE_KERNEL); /* expect: atomic-sleeping-alloc */
	spin_unlock(&v->lock);
}

void vmalloc_with_irqs_off(struct vdev *v)
{
	unsigned long flags;

	local_irq_save(flags);
	v->ring = vmalloc_user(v->size); /* expect: atomic-sleeping-alloc */
	local_irq_restore(flags);
}

void vmalloc_in_rcu(struct vdev *v)
{
	rcu_read_lock();
	v->ring = vzalloc(64); /* expect: atomic-sleeping-alloc, vmalloc-small */
	rcu_read_unlock();
}

/* Negative: vmalloc before the lock, in process context. */
void vmalloc_before_lock(struct vdev *v)
{
	void *ring = vzalloc(v->size);

	spin_lock(&v->lock);
	v->ring = ring;
	spin_unlock(&v->lock);
}

void vmalloc_maybe_locked(struct vdev *v, int locked)
{
	if (locked)
		spin_lock(&v->lock);
	v->ring = vzalloc(v->size); /* expect: atomic-sleeping-alloc[warning] */
	if (locked)
		spin_unlock(&v->lock);
}
