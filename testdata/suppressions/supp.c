// Suppressions: line, line above, function level; unused and malformed ones.
#include <linux/slab.h>
#include <linux/spinlock.h>

void on_the_line(spinlock_t *l, void **p)
{
	spin_lock(l);
	*p = kmalloc(8, GFP_KERNEL); /* gfplint: allow(atomic-sleeping-gfp) freed before unlock, checked */
	spin_unlock(l);
}

void line_above(spinlock_t *l, void **p)
{
	spin_lock(l);
	// gfplint: allow(atomic-sleeping-gfp) the lock is a dummy in this config
	*p = kmalloc(8, GFP_KERNEL);
	*p = kmalloc(16, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	spin_unlock(l);
}

/* gfplint: allow(atomic-sleeping-gfp, atomic-sleeping-alloc) legacy path, see bug 123 */
void whole_function(spinlock_t *l, void **p)
{
	spin_lock(l);
	*p = kmalloc(8, GFP_KERNEL);
	*p = vmalloc(8192);
	spin_unlock(l);
}

void wrong_lint(spinlock_t *l, void **p)
{
	spin_lock(l);
	*p = kmalloc(8, GFP_KERNEL); /* gfplint: allow(atomic-sleeping-alloc) */ /* expect: atomic-sleeping-gfp, unused-suppression */
	spin_unlock(l);
}

void unused(void **p)
{
	/* gfplint: allow(atomic-sleeping-gfp) */ /* expect: unused-suppression */
	*p = kmalloc(8, GFP_KERNEL);
}

void malformed(spinlock_t *l, void **p)
{
	spin_lock(l);
	*p = kmalloc(8, GFP_KERNEL); /* gfplint: allow(atomic-sleeping-gpf) typo */ /* expect: atomic-sleeping-gfp, malformed-suppression */
	*p = kmalloc(8, GFP_KERNEL); // gfplint: allow atomic-sleeping-gfp /* expect: atomic-sleeping-gfp, malformed-suppression */
	spin_unlock(l);
}

void trailing_does_not_cover_next_line(spinlock_t *l, void **p)
{
	spin_lock(l);
	*p = NULL; /* gfplint: allow(atomic-sleeping-gfp) */ /* expect: unused-suppression */
	*p = kmalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	spin_unlock(l);
}
