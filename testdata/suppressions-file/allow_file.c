// File-wide suppressions: allow-file covers every line of the file, for its lints only.
/* gfplint: allow-file(atomic-sleeping-gfp) vendor code, the lock is a dummy on this SoC */
/* gfplint: allow-file(devm-free) expect: unused-suppression */
#include <linux/slab.h>
#include <linux/spinlock.h>

void early(spinlock_t *l, void **p)
{
	spin_lock(l);
	*p = kmalloc(8, GFP_KERNEL);
	spin_unlock(l);
}

void late(spinlock_t *l, void **p)
{
	spin_lock(l);
	*p = kmalloc(16, GFP_KERNEL);
	*p = vmalloc(8192); /* expect: atomic-sleeping-alloc */
	spin_unlock(l);
}
