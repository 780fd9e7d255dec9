#include "ring.h"

void ring_teardown(struct ring_priv *priv)
{
	int j;

	kfree(priv->ring); /* expect: alloc-free-mismatch */
	kfree(priv->desc);
	kfree(priv->tbl);
	for (j = 0; j < 16; j++)
		vfree(priv->rx.bufs[j]); /* expect: alloc-free-mismatch */
}
