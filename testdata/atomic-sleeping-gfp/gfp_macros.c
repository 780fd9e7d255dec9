#include "gfp_macros.h"

#define FOO_GFP		GFP_KERNEL
#define FOO_NOWAIT	(GFP_NOWAIT | __GFP_NOWARN)

static DEFINE_SPINLOCK(foo_lock);

/* A flag macro is evaluated through the file's and its headers' #defines. */
void foo_fill(int n)
{
	void *a, *b, *c, *d;

	spin_lock(&foo_lock);
	a = kmalloc(n, FOO_GFP); /* expect: atomic-sleeping-gfp */
	b = kzalloc(n, FOO_HDR_GFP); /* expect: atomic-sleeping-gfp */
	c = kmalloc(n, FOO_NOWAIT);
	d = kmalloc(n, FOO_HDR_ATOMIC);
	spin_unlock(&foo_lock);
	kfree(a);
	kfree(b);
	kfree(c);
	kfree(d);
}

/* A function-like macro whose body is a flag expression that ignores its argument. */
#define FOO_GFP_OF(dev)	GFP_KERNEL
#define FOO_GFP_IF(atomic)	((atomic) ? GFP_ATOMIC : GFP_KERNEL)

void foo_fill_dev(struct device *dev, int n, bool atomic)
{
	void *a, *b;

	spin_lock(&foo_lock);
	a = kmalloc(n, FOO_GFP_OF(dev)); /* expect: atomic-sleeping-gfp */
	b = kmalloc(n, FOO_GFP_IF(atomic));
	spin_unlock(&foo_lock);
	kfree(a);
	kfree(b);
}
