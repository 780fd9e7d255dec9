#include "pool_hw.h"

void pool_fill(struct pool *p, unsigned int order, size_t len)
{
	p->a = alloc_pages(GFP_KERNEL, 11); /* expect: page-order-over-max */
	p->b = __get_free_pages(GFP_KERNEL, MAX_ORDER); /* expect: page-order-over-max */
	p->c = __get_free_pages(GFP_KERNEL, get_order(POOL_BYTES)); /* expect: page-order-over-max */
	p->d = alloc_pages(GFP_KERNEL | __GFP_ZERO, POOL_ORDER); /* expect: page-order-over-max */
	p->e = alloc_pages_exact(POOL_BYTES, GFP_KERNEL); /* expect: page-order-over-max */
	p->f = alloc_pages_node(0, GFP_KERNEL, 12); /* expect: page-order-over-max */
	/* The largest valid order, 10 (MAX_ORDER is exclusive on 6.1). */
	p->g = alloc_pages(GFP_KERNEL, 10);
	p->h = __get_free_pages(GFP_KERNEL, MAX_ORDER - 1);
	p->i = alloc_pages_exact(SZ_4M, GFP_KERNEL);
	/* Orders that cannot be evaluated. */
	p->j = alloc_pages(GFP_KERNEL, order);
	p->k = __get_free_pages(GFP_KERNEL, get_order(len));
}
