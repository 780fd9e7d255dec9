#include "ring.h"

int ring_setup(struct ring_priv *priv, size_t n, int i)
{
	priv->ring = vzalloc(n * 64); /* expect: alloc-size-overflow */
	priv->desc = kzalloc(n, GFP_KERNEL);
	priv->tbl = vmalloc(n);
	priv->rx.bufs[i] = kmalloc(n, GFP_KERNEL);
	return 0;
}

void ring_grow(struct ring_priv *priv, size_t n)
{
	/* The table is reallocated from kmalloc here: its family is mixed. */
	priv->tbl = kmalloc(n, GFP_KERNEL);
}

void ring_reset(struct ring_priv *priv)
{
	kfree(priv->ring); /* expect: alloc-free-mismatch */
}
