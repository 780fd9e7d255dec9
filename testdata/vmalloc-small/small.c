#include "cfg.h"

int cfg_alloc(struct dev *d, size_t len)
{
	d->a = vmalloc(256); /* expect: vmalloc-small */
	d->b = vzalloc(sizeof(struct small_cfg)); /* expect: vmalloc-small */
	d->c = vcalloc(4, 64); /* expect: vmalloc-small */
	d->d = vzalloc(PAGE_SIZE / 2); /* expect: vmalloc-small */
	d->k = vmalloc(sizeof(small_pair_t)); /* expect: vmalloc-small */
	/* A page or more. */
	d->e = vmalloc(PAGE_SIZE);
	d->f = vzalloc(SZ_1M);
	/* Mapped to user space: small is fine. */
	d->g = vmalloc_user(256);
	/* Unknown sizes. */
	d->h = vmalloc(len);
	d->i = vzalloc(sizeof(*d));
	/* Below a page in any configuration (spinlock_t: 4 bytes here, 64 with lockdep). */
	d->j = vzalloc(sizeof(struct locked_cfg)); /* expect: vmalloc-small */
	return 0;
}
